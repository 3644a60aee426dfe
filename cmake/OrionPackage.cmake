# Install rules and the Debian package (issue 16, point 7): `cmake --build --preset release
# --target package` (or `make deb`) writes build/release/orion_<version>_<arch>.deb holding
#   /usr/bin/orion                          the binary
#   /usr/lib/systemd/system/orion.service   the hardened unit (deploy/systemd/orion.service)
#   /etc/orion/orion.toml, /etc/orion/orion.env   the settings and the database URL (conffiles)
#   /usr/share/doc/orion/                   README.md, docs/, the nginx and Caddy examples
# The data directory, /var/lib/orion, is the unit's StateDirectory: systemd makes it, owned by
# the service's own user, at the first start. tests/integration/package/deb_test.sh builds the
# package, unpacks it into a throw-away root and checks all of this.
include(GNUInstallDirs)

install(TARGETS orion RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT orion)
install(FILES deploy/systemd/orion.service DESTINATION lib/systemd/system COMPONENT orion)
install(FILES deploy/package/orion.toml DESTINATION /etc/orion COMPONENT orion)
install(FILES deploy/package/orion.env DESTINATION /etc/orion
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT orion)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT orion)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT orion
        PATTERN "*.png" EXCLUDE)
install(DIRECTORY deploy/nginx deploy/caddy DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        COMPONENT orion)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME orion)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "Orion engineers <orion@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
# The libraries' packages (libpq5, libsqlite3-0, libsodium23, ...) from the binary's own needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx | caddy")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/deploy/package/conffiles)
# The binary is stripped in the package (debug info, when the build has it, stays in the tree).
set(CPACK_STRIP_FILES ON)
include(CPack)

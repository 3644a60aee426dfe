# Every third-party dependency, found once. All come from Debian packages that
# scripts/install-deps installs (DESIGN.md §5).
find_package(PkgConfig REQUIRED)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS url json)
find_package(Threads REQUIRED)
find_package(spdlog 1.10 REQUIRED CONFIG)
find_package(CLI11 2.1 REQUIRED CONFIG)
find_package(GTest 1.12 REQUIRED CONFIG)
find_package(benchmark 1.7 REQUIRED CONFIG)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

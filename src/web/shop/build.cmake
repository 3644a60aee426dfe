# Included by src/web/CMakeLists.txt: embeds every page template (src/web/templates/**/*.mustache,
# the storefront's, the platform's and the console's) into orion_web as one generated source, so
# the binary never reads templates from the working directory. A new template file is picked up
# at the next build (CONFIGURE_DEPENDS).
file(GLOB_RECURSE ORION_TEMPLATE_FILES CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/templates/*.mustache)
set(ORION_TEMPLATES_CPP ${CMAKE_CURRENT_BINARY_DIR}/embedded_templates.cpp)
add_custom_command(
  OUTPUT ${ORION_TEMPLATES_CPP}
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/templates
          -DOUTPUT=${ORION_TEMPLATES_CPP} -P ${PROJECT_SOURCE_DIR}/cmake/embed_templates.cmake
  DEPENDS ${ORION_TEMPLATE_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_templates.cmake
  COMMENT "Embedding page templates")
target_sources(orion_web PRIVATE ${ORION_TEMPLATES_CPP})

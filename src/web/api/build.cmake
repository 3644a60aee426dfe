# Included by src/web/CMakeLists.txt: embeds the management API's OpenAPI document
# (src/web/api/openapi.json) into orion_web, so GET /api/v1/openapi.json never reads a file.
# Re-runs at configure time whenever the document changes (CMAKE_CONFIGURE_DEPENDS).
set(ORION_OPENAPI_JSON ${CMAKE_CURRENT_LIST_DIR}/openapi.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ORION_OPENAPI_JSON})
file(READ ${ORION_OPENAPI_JSON} ORION_OPENAPI_TEXT)
string(FIND "${ORION_OPENAPI_TEXT}" ")orion_openapi\"" ORION_OPENAPI_CLASH)
if(NOT ORION_OPENAPI_CLASH EQUAL -1)
  message(FATAL_ERROR "openapi.json contains the raw-string delimiter )orion_openapi\"")
endif()
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/embedded_openapi.cpp
     CONTENT [==[// Generated from src/web/api/openapi.json by src/web/api/build.cmake. Do not edit.
#include <string_view>

namespace orion::web::api {

std::string_view openapi_document() noexcept {
  static constexpr std::string_view kDocument = R"orion_openapi(@ORION_OPENAPI_TEXT@)orion_openapi";
  return kDocument;
}

}  // namespace orion::web::api
]==]
     @ONLY)
target_sources(orion_web PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/embedded_openapi.cpp)

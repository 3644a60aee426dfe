# Fails when a file of src/core includes a header outside the allow-list: src/core is the pure
# part of Orion (no I/O, no Asio, no database), and this keeps it so.
# Usage: cmake -DCORE_DIR=<src/core> -P check_core_includes.cmake
set(allowed
  "core/.*"
  "boost/system/result\\.hpp" "boost/url/ipv6_address\\.hpp" "boost/url/parse\\.hpp"
  "boost/url/url_view\\.hpp"
  "idn2\\.h" "libpsl\\.h"
  "algorithm" "array" "charconv" "compare" "cstddef" "cstdint" "functional" "limits" "memory"
  "new" "optional" "span" "stdexcept" "string" "string_view" "type_traits" "utility" "vector"
  # threads share the live directory: synchronisation, not I/O
  "atomic" "mutex" "unordered_map"
  # madvise only (flat_directory.cpp asks for huge pages): memory, not I/O
  "sys/mman\\.h")
list(JOIN allowed "|" allowed_regex)

file(GLOB_RECURSE sources "${CORE_DIR}/*.hpp" "${CORE_DIR}/*.cpp")
if(NOT sources)
  message(FATAL_ERROR "no sources under ${CORE_DIR}")
endif()
set(bad "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
    if(NOT header MATCHES "^(${allowed_regex})$")
      list(APPEND bad "${source}: ${header}")
    endif()
  endforeach()
endforeach()
list(LENGTH sources count)
if(bad)
  foreach(item IN LISTS bad)
    message(STATUS "forbidden include: ${item}")
  endforeach()
  message(FATAL_ERROR "includes outside the allow-list")
endif()
message(STATUS "src/core: ${count} files, every include allowed")

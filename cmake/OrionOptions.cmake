# Compiler options every Orion target shares, applied through the orion_options interface target
# so that third-party code keeps its own flags.
add_library(orion_options INTERFACE)
target_compile_options(orion_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                               -Wold-style-cast -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports Asio's awaitable frames as freed by a mismatched operator delete wherever its
  # inliner happens to see both ends (a false positive, GCC PR 109224); ASan's
  # alloc-dealloc-mismatch check in the debug build still catches a real mismatch.
  target_compile_options(orion_options INTERFACE -Wno-mismatched-new-delete)
endif()
if(ORION_WERROR)
  target_compile_options(orion_options INTERFACE -Werror)
endif()

if(ORION_SANITIZE)
  # Sanitizers go on every translation unit (GoogleTest's main included), so they are global.
  add_compile_options(-fsanitize=${ORION_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ORION_SANITIZE})
endif()

if(ORION_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ORION_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  # Coverage instrumentation for every library the fuzz targets reach.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Fails when the compiled core library calls an I/O function: the include check can be evaded by
# a declaration typed by hand, the linker's view cannot.
# Usage: cmake -DNM=<nm> -DLIBRARY=<liborion_core.a> -P check_core_symbols.cmake
execute_process(COMMAND "${NM}" --undefined-only --format=posix "${LIBRARY}"
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
set(forbidden
  "open" "open64" "openat" "fopen" "fopen64" "read" "write" "pread" "pwrite" "close" "stat"
  "socket" "connect" "accept" "bind" "listen" "send" "recv" "sendto" "recvfrom"
  "getaddrinfo" "gethostbyname" "printf" "fprintf" "puts" "fputs" "fwrite" "fread" "getenv"
  "psl_latest" "psl_load_file" "sqlite3_.*" "PQ.*"
  # mangled: std::cout, std::cerr, std::[io]fstream, std::fstream, anything in boost::asio
  "_ZSt4cout" "_ZSt4cerr" "_ZNSt14basic_[io]fstream.*" "_ZNSt13basic_fstream.*" "_ZN5boost4asio.*")
list(JOIN forbidden "|" forbidden_regex)
string(REPLACE "\n" ";" lines "${out}")
set(bad "")
set(seen 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ ]+) U")
    math(EXPR seen "${seen} + 1")
    set(symbol "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "@.*$" "" symbol "${symbol}")
    if(symbol MATCHES "^(${forbidden_regex})$")
      list(APPEND bad "${symbol}")
    endif()
  endif()
endforeach()
if(seen EQUAL 0)
  message(FATAL_ERROR "no undefined symbols read from ${LIBRARY}: the check would prove nothing")
endif()
if(bad)
  list(REMOVE_DUPLICATES bad)
  foreach(symbol IN LISTS bad)
    message(STATUS "forbidden I/O symbol: ${symbol}")
  endforeach()
  message(FATAL_ERROR "the library calls I/O functions")
endif()
message(STATUS "orion_core: ${seen} undefined symbols, none of them I/O")

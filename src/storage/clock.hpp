// Wall-clock time as the schema stores it: Unix seconds, UTC.
#pragma once

#include <chrono>
#include <cstdint>

namespace orion::storage {

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace orion::storage

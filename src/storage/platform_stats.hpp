// The platform overview's numbers (admin console): stores by state and today's orders across
// every store. One of the few explicit cross-store reads, so it takes a PlatformTransaction.
#pragma once

#include <cstdint>

#include "storage/database.hpp"

namespace orion::storage::platform_stats {

struct Overview {
  std::int64_t active_stores = 0;
  std::int64_t inactive_stores = 0;
  std::int64_t orders_today = 0;  // placed since 00:00 UTC, any status
  std::int64_t users = 0;
};

// `day_start`: the Unix time the day began (00:00 UTC of today for the overview).
Result<Overview> overview(PlatformTransaction& tx, std::int64_t day_start);

// 00:00 UTC of the day `unix_seconds` falls in.
std::int64_t utc_day_start(std::int64_t unix_seconds) noexcept;

}  // namespace orion::storage::platform_stats

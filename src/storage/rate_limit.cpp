#include "storage/rate_limit.hpp"

#include <algorithm>
#include <string>

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::rate_limit {
namespace {

// $3 now, $4 the end of a window opened now.
constexpr Sql kHit{"rate_limit_hit",
                   "INSERT INTO rate_limits (bucket, subject, hits, window_end) "
                   "VALUES ($1, $2, 1, $4) ON CONFLICT (bucket, subject) DO UPDATE SET "
                   "hits = CASE WHEN rate_limits.window_end <= $3 THEN 1 "
                   "ELSE rate_limits.hits + 1 END, "
                   "window_end = CASE WHEN rate_limits.window_end <= $3 THEN $4 "
                   "ELSE rate_limits.window_end END "
                   "RETURNING hits, window_end"};
constexpr Sql kSweep{"rate_limit_sweep", "DELETE FROM rate_limits WHERE window_end <= $1"};

constexpr std::size_t kMaxSubject = 254;

}  // namespace

Result<std::int64_t> hit(PlatformTransaction& tx, const Policy& policy, std::string_view subject) {
  if (!policy.enabled() || subject.empty()) {
    return 0;
  }
  const std::int64_t now = unix_now();
  struct Counted {
    std::int64_t hits;
    std::int64_t window_end;
  };
  auto counted = repository::single_row(
      tx.run(kHit, {std::string(policy.bucket), std::string(subject.substr(0, kMaxSubject)), now,
                    now + policy.window_seconds}),
      [](const Row& row) {
        return Counted{row.integer(0), row.integer(1)};
      });
  if (!counted) {
    return counted.error();
  }
  if (counted->hits <= policy.limit) {
    return 0;
  }
  return std::max<std::int64_t>(1, counted->window_end - now);
}

Result<std::int64_t> remove_ended(PlatformTransaction& tx) {
  auto removed = tx.run(kSweep, {unix_now()});
  if (!removed) {
    return removed.error();
  }
  return static_cast<std::int64_t>(removed->affected);
}

}  // namespace orion::storage::rate_limit

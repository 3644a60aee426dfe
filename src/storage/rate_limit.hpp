// Rate limits (table rate_limits): a generic fixed-window counter per (bucket, subject). A bucket
// names what is limited ("shop_orders", "shop_cart"), the subject whom (a client key,
// http::client_key). Kept in the database, so every Orion instance of a fleet counts the same
// hits and a restart forgets nothing; one statement counts a hit, so concurrent hits all count.
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/database.hpp"

namespace orion::storage::rate_limit {

// `limit` hits per `window_seconds`, the window starting at its first hit. A limit of 0 (or a
// window of 0) turns the bucket off.
struct Policy {
  std::string_view bucket;
  std::int64_t limit = 0;
  std::int64_t window_seconds = 0;

  [[nodiscard]] bool enabled() const noexcept { return limit > 0 && window_seconds > 0; }
};

// Counts one hit of `subject` (opening a new window when there is none or it has ended). Returns
// 0 when the hit is within the limit, else the seconds until the window ends (at least 1): the
// request is to be refused (429, Retry-After). A disabled policy or an empty subject counts
// nothing and returns 0.
Result<std::int64_t> hit(PlatformTransaction& tx, const Policy& policy, std::string_view subject);

// Deletes the windows that have ended; returns how many.
Result<std::int64_t> remove_ended(PlatformTransaction& tx);

}  // namespace orion::storage::rate_limit

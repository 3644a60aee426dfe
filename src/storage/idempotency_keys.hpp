// Idempotency keys of the storefront's order API (table idempotency_keys): a client sends an
// `Idempotency-Key` header, and the same key with the same body gets the order the first request
// made instead of a second one. One row per store and key (a key of one store never matches
// another store's), holding the SHA-256 of the request body and the order. The row is claimed
// in the transaction that creates the order, so the key and the order commit or roll back
// together; the primary key makes two concurrent requests with one key make one order (the
// second waits for the first and then finds its row).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/database.hpp"

namespace orion::storage::idempotency_keys {

inline constexpr std::size_t kMaxKeyLength = 255;

struct Claim {
  enum class Kind : std::uint8_t {
    fresh,   // new here (or its old use expired): it now belongs to this request, which must
             // call `complete` with its order before committing
    replay,  // used before with the same body, for `order_id`
    reused,  // used before with another body: the request is refused
  };
  Kind kind = Kind::fresh;
  std::optional<std::int64_t> order_id;  // replay
};

// Errc::invalid_input for a key that is not 1..255 visible ASCII characters. `request_hash` is
// the lower-case hex SHA-256 of the body; a use older than `ttl_seconds` is forgotten.
Result<Claim> claim(TenantTransaction& tx, std::string_view key, std::string_view request_hash,
                    std::int64_t ttl_seconds);
// Records the order a claimed key made.
Result<void> complete(TenantTransaction& tx, std::string_view key, std::int64_t order_id);

// Deletes, in every store, the keys first used before `cutoff` (Unix seconds); returns how many.
Result<std::int64_t> remove_expired(PlatformTransaction& tx, std::int64_t cutoff);

}  // namespace orion::storage::idempotency_keys

#include "storage/idempotency_keys.hpp"

#include <algorithm>
#include <string>

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::idempotency_keys {
namespace {

constexpr Sql kForgetExpired{"idempotency_forget_expired",
                             "DELETE FROM idempotency_keys WHERE store_id = $1 AND idem_key = $2 "
                             "AND created_at <= $3"};
// Waits for a concurrent transaction that inserted the same key, then inserts nothing if it
// committed: the primary key decides which request owns the key.
constexpr Sql kInsert{"idempotency_insert",
                      "INSERT INTO idempotency_keys (store_id, idem_key, request_hash, created_at) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT (store_id, idem_key) DO NOTHING"};
constexpr Sql kFind{"idempotency_find",
                    "SELECT request_hash, order_id FROM idempotency_keys "
                    "WHERE store_id = $1 AND idem_key = $2"};
constexpr Sql kComplete{"idempotency_complete",
                        "UPDATE idempotency_keys SET order_id = $3 "
                        "WHERE store_id = $1 AND idem_key = $2 AND order_id IS NULL"};
constexpr Sql kSweep{"idempotency_sweep", "DELETE FROM idempotency_keys WHERE created_at <= $1"};

bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= kMaxKeyLength &&
         std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

}  // namespace

Result<Claim> claim(TenantTransaction& tx, std::string_view key, std::string_view request_hash,
                    std::int64_t ttl_seconds) {
  if (!valid_key(key)) {
    return core::make_error(core::Errc::invalid_input,
                            "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
  const std::int64_t now = unix_now();
  const std::string k(key);
  if (auto forgot = tx.run(kForgetExpired, {tx.store_id(), k, now - ttl_seconds}); !forgot) {
    return forgot.error();
  }
  auto inserted = tx.run(kInsert, {tx.store_id(), k, std::string(request_hash), now});
  if (!inserted) {
    return inserted.error();
  }
  if (inserted->affected == 1) {
    return Claim{Claim::Kind::fresh, std::nullopt};
  }
  struct Stored {
    std::string hash;
    std::optional<std::int64_t> order_id;
  };
  auto stored = repository::single_row(tx.run(kFind, {tx.store_id(), k}), [](const Row& row) {
    return Stored{row.text(0), row.optional_integer(1)};
  });
  if (!stored) {
    return stored.error();
  }
  if (stored->hash != request_hash) {
    return Claim{Claim::Kind::reused, std::nullopt};
  }
  if (!stored->order_id) {
    // Committed rows always name their order (claim and complete share one transaction).
    return core::make_error(core::Errc::internal, "an idempotency key without its order");
  }
  return Claim{Claim::Kind::replay, stored->order_id};
}

Result<void> complete(TenantTransaction& tx, std::string_view key, std::int64_t order_id) {
  return repository::affected_one(tx.run(kComplete, {tx.store_id(), std::string(key), order_id}),
                                  "idempotency key");
}

Result<std::int64_t> remove_expired(PlatformTransaction& tx, std::int64_t cutoff) {
  auto removed = tx.run(kSweep, {cutoff});
  if (!removed) {
    return removed.error();
  }
  return static_cast<std::int64_t>(removed->affected);
}

}  // namespace orion::storage::idempotency_keys

#include "storage/sessions.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"

namespace orion::storage::sessions {
namespace {

SessionRecord read(const Row& row) {
  return SessionRecord{
      row.text(0), row.optional_integer(1), row.optional_integer(2), row.text(3), row.text(4),
      row.text(5), row.integer(6),          row.integer(7)};
}

constexpr Sql kInsert{
    "sessions_insert",
    "INSERT INTO sessions (token_hash, user_id, store_id, kind, csrf_token, data, "
    "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, '{}', $6, $7) "
    "RETURNING token_hash, user_id, store_id, kind, csrf_token, data, "
    "created_at, expires_at"};
constexpr Sql kFind{"sessions_find",
                    "SELECT token_hash, user_id, store_id, kind, csrf_token, data, created_at, "
                    "expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2"};
constexpr Sql kSave{"sessions_save", "UPDATE sessions SET data = $2 WHERE token_hash = $1"};
constexpr Sql kReplaceShopper{"sessions_replace_shopper",
                              "UPDATE sessions SET data = $4 WHERE token_hash = $1 "
                              "AND store_id = $2 AND kind = 'shopper' AND data = $3 "
                              "AND expires_at > $5"};
constexpr Sql kDelete{"sessions_delete", "DELETE FROM sessions WHERE token_hash = $1"};
constexpr Sql kExpire{"sessions_expire", "DELETE FROM sessions WHERE expires_at <= $1"};
constexpr Sql kRemoveOthers{"sessions_remove_others",
                            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2"};

}  // namespace

Result<Created> create(PlatformTransaction& tx, const NewSession& session) {
  if (session.kind != "admin" && session.kind != "store" && session.kind != "shopper") {
    return core::make_error(core::Errc::invalid_input,
                            "session kind must be admin, store or shopper");
  }
  if ((session.kind == "admin") == session.store_id.has_value()) {
    return core::make_error(core::Errc::invalid_input,
                            "an admin session has no store; every other session has one");
  }
  std::string cookie = random_hex(32);
  const std::int64_t now = unix_now();
  auto record = repository::single_row(
      tx.run(kInsert, {sha256_hex(cookie), to_value(session.user_id), to_value(session.store_id),
                       session.kind, random_hex(32), now, now + session.lifetime_seconds}),
      read);
  if (!record) {
    return record.error();
  }
  return Created{std::move(cookie), std::move(*record)};
}

Result<std::optional<SessionRecord>> find(PlatformTransaction& tx, std::string_view cookie_value) {
  return repository::optional_row(tx.run(kFind, {sha256_hex(cookie_value), unix_now()}), read);
}

Result<void> save_data(PlatformTransaction& tx, std::string_view cookie_value,
                       std::string_view data) {
  return repository::affected_one(tx.run(kSave, {sha256_hex(cookie_value), std::string(data)}),
                                  "the session");
}

Result<bool> replace_shopper_data(TenantTransaction& tx, std::string_view cookie_value,
                                  std::string_view expected, std::string_view data) {
  auto replaced = tx.run(kReplaceShopper, {sha256_hex(cookie_value), tx.store_id(),
                                           std::string(expected), std::string(data), unix_now()});
  if (!replaced) {
    return replaced.error();
  }
  return replaced->affected == 1;
}

Result<void> remove(PlatformTransaction& tx, std::string_view cookie_value) {
  auto done = tx.run(kDelete, {sha256_hex(cookie_value)});
  if (!done) {
    return done.error();
  }
  return {};
}

Result<std::int64_t> remove_expired(PlatformTransaction& tx) {
  auto done = tx.run(kExpire, {unix_now()});
  if (!done) {
    return done.error();
  }
  return done->affected;
}

Result<std::int64_t> remove_others_of_user(PlatformTransaction& tx, std::int64_t user_id,
                                           std::string_view keep_token_hash) {
  auto done = tx.run(kRemoveOthers, {user_id, std::string(keep_token_hash)});
  if (!done) {
    return done.error();
  }
  return done->affected;
}

}  // namespace orion::storage::sessions

namespace orion::storage::api_tokens {
namespace {

TokenRecord read(const Row& row) {
  return TokenRecord{row.integer(0),          row.text(1),
                     row.optional_integer(2), row.text(3),
                     row.integer(4),          row.optional_integer(5),
                     row.optional_integer(6)};
}

constexpr Sql kInsert{"tokens_insert",
                      "INSERT INTO api_tokens (token_hash, prefix, store_id, name, created_at) "
                      "VALUES ($1, $2, $3, $4, $5) RETURNING id, prefix, store_id, name, "
                      "created_at, last_used_at, revoked_at"};
constexpr Sql kUse{"tokens_use",
                   "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 AND "
                   "revoked_at IS NULL RETURNING id, prefix, store_id, name, created_at, "
                   "last_used_at, revoked_at"};
constexpr Sql kListAdmin{"tokens_list_admin",
                         "SELECT id, prefix, store_id, name, created_at, last_used_at, revoked_at "
                         "FROM api_tokens WHERE store_id IS NULL ORDER BY id"};
constexpr Sql kListStore{"tokens_list_store",
                         "SELECT id, prefix, store_id, name, created_at, last_used_at, revoked_at "
                         "FROM api_tokens WHERE store_id = $1 ORDER BY id"};
constexpr Sql kListAll{"tokens_list_all",
                       "SELECT id, prefix, store_id, name, created_at, last_used_at, revoked_at "
                       "FROM api_tokens ORDER BY id"};
constexpr Sql kGet{"tokens_get",
                   "SELECT id, prefix, store_id, name, created_at, last_used_at, revoked_at "
                   "FROM api_tokens WHERE id = $1"};
constexpr Sql kRevoke{"tokens_revoke",
                      "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"};

constexpr std::string_view kPrefix = "orion_";

}  // namespace

Result<Created> create(PlatformTransaction& tx, std::optional<std::int64_t> store_id,
                       std::string_view name) {
  auto valid_name = repository::checked_text("token name", name, 0, 100);
  if (!valid_name) {
    return valid_name.error();
  }
  std::string token = std::string(kPrefix) + random_hex(32);
  auto record = repository::single_row(
      tx.run(kInsert, {sha256_hex(token), token.substr(0, kPrefix.size() + 8), to_value(store_id),
                       *valid_name, unix_now()}),
      read);
  if (!record) {
    return record.error();
  }
  return Created{std::move(token), std::move(*record)};
}

Result<std::optional<TokenRecord>> authenticate(PlatformTransaction& tx, std::string_view token) {
  if (!token.starts_with(kPrefix)) {
    return std::optional<TokenRecord>();
  }
  return repository::optional_row(tx.run(kUse, {sha256_hex(token), unix_now()}), read);
}

Result<std::vector<TokenRecord>> list(PlatformTransaction& tx,
                                      std::optional<std::int64_t> store_id) {
  if (store_id) {
    return repository::all_rows(tx.run(kListStore, {*store_id}), read);
  }
  return repository::all_rows(tx.run(kListAdmin, {}), read);
}

Result<std::vector<TokenRecord>> list_all(PlatformTransaction& tx) {
  return repository::all_rows(tx.run(kListAll, {}), read);
}

Result<std::optional<TokenRecord>> get(PlatformTransaction& tx, std::int64_t id) {
  return repository::optional_row(tx.run(kGet, {id}), read);
}

Result<void> revoke(PlatformTransaction& tx, std::int64_t id) {
  return repository::affected_one(tx.run(kRevoke, {id, unix_now()}),
                                  "an unrevoked token " + std::to_string(id));
}

}  // namespace orion::storage::api_tokens

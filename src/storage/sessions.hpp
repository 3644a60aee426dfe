// Login and shopper sessions (table sessions), kept in the database so that any Orion process
// can serve any request. Only the SHA-256 of the cookie value is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::sessions {

struct NewSession {
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> store_id;  // required unless kind is "admin"
  std::string kind;                      // admin | store | shopper
  std::int64_t lifetime_seconds = 8 * 3600;
};

struct Created {
  std::string cookie_value;  // shown once, never stored
  SessionRecord record;
};

Result<Created> create(PlatformTransaction& tx, const NewSession& session);
// The unexpired session with this cookie value, if any.
Result<std::optional<SessionRecord>> find(PlatformTransaction& tx, std::string_view cookie_value);
Result<void> save_data(PlatformTransaction& tx, std::string_view cookie_value,
                       std::string_view data);
// The storefront's checkout: in the store's own transaction (the one that creates the order),
// replaces the data of this store's unexpired shopper session, but only if it still is
// `expected`. False when it is not (a concurrent checkout consumed the cart first, or the cart
// changed), and nothing is written: the caller rolls its order back.
Result<bool> replace_shopper_data(TenantTransaction& tx, std::string_view cookie_value,
                                  std::string_view expected, std::string_view data);
Result<void> remove(PlatformTransaction& tx, std::string_view cookie_value);
// Deletes expired sessions; returns how many.
Result<std::int64_t> remove_expired(PlatformTransaction& tx);
// Ends every session of the user except the one stored under `keep_token_hash` (after a
// password change: whoever else holds a session is signed out); returns how many.
Result<std::int64_t> remove_others_of_user(PlatformTransaction& tx, std::int64_t user_id,
                                           std::string_view keep_token_hash);

}  // namespace orion::storage::sessions

namespace orion::storage::api_tokens {

struct Created {
  std::string token;  // "orion_<64 hex>", shown once, never stored
  TokenRecord record;
};

// `store_id` none: an admin token.
Result<Created> create(PlatformTransaction& tx, std::optional<std::int64_t> store_id,
                       std::string_view name);
// The unrevoked token with this value, if any; records its use.
Result<std::optional<TokenRecord>> authenticate(PlatformTransaction& tx, std::string_view token);
Result<std::vector<TokenRecord>> list(PlatformTransaction& tx,
                                      std::optional<std::int64_t> store_id);
// Every token, admin and store tokens alike (the admin console's list).
Result<std::vector<TokenRecord>> list_all(PlatformTransaction& tx);
Result<std::optional<TokenRecord>> get(PlatformTransaction& tx, std::int64_t id);
Result<void> revoke(PlatformTransaction& tx, std::int64_t id);

}  // namespace orion::storage::api_tokens

// Bearer-token authentication (`Authorization: Bearer <token>` with a token from `orion token
// create`): who a request speaks for, and the 401/403 answers. Used first thing by every route
// that needs it (the management API; the console later), never as a chain step, so a public page
// never pays for it. Checking a token is a database call: call `authenticate_bearer` on the
// blocking pool only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"
#include "storage/database.hpp"

namespace orion::web::auth {

// What a valid token may do: everything (an admin token) or one store's resources.
struct TokenCaller {
  std::int64_t token_id = 0;
  std::optional<std::int64_t> store_id;  // none: an admin token

  [[nodiscard]] bool is_admin() const noexcept { return !store_id; }
  // True for an admin token and for a token of exactly this store.
  [[nodiscard]] bool may_act_on(std::int64_t store) const noexcept {
    return is_admin() || *store_id == store;
  }
};

// What the request's Authorization header says.
struct Credentials {
  enum class State : std::uint8_t { missing, malformed, bearer };
  State state = State::missing;
  std::string_view token;  // set when `bearer`; a view into the request
};

// Reads the Authorization header: absent → missing; another scheme, an empty token or several
// Authorization fields → malformed; else the bearer token (scheme name case-insensitive).
Credentials credentials_of(const http::Request& request);

// Blocking. The caller behind `token`, recording its use in `tx` (commit it to keep that); none
// for an unknown or revoked token.
core::Result<std::optional<TokenCaller>> authenticate_bearer(storage::PlatformTransaction& tx,
                                                             std::string_view token);

// 401 with `WWW-Authenticate: Bearer realm="orion"` (RFC 6750; error="invalid_token" when a
// token was given but not accepted) and the JSON error body.
http::Response unauthorized(std::string_view code, std::string_view message, bool token_given);

// 403: a valid token outside its scope.
http::Response forbidden(std::string_view code, std::string_view message);

}  // namespace orion::web::auth

// Who may use a console (the platform admin at /admin, a store's dashboard at /store/{code}/):
// the console's sign-in scope of a request, its cookies, and the login sessions behind them.
// Sessions live in the database (table sessions, kind "admin" or "store"), so any Orion process
// can check them; the cookie is scoped by Path to one console, and the session's kind and store
// are checked again on every request, so a store's cookie never opens another store's dashboard.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/context.hpp"
#include "http/message.hpp"
#include "storage/database.hpp"
#include "storage/login_throttle.hpp"
#include "storage/records.hpp"
#include "storage/tenant_scope.hpp"

namespace orion::web::console {

inline constexpr std::string_view kSessionCookie = "orion_session";
// The login form's double-submit token: the same random value in this cookie and in the form.
inline constexpr std::string_view kCsrfCookie = "orion_csrf";
inline constexpr std::int64_t kSessionLifetime = 8 * 3600;

// The console a request is for, and what signing in to it means.
struct Scope {
  std::string kind;                            // "admin" or "store" (the session kind)
  std::optional<std::int64_t> store_id;        // the dashboard's store
  std::optional<storage::TenantScope> tenant;  // the dashboard's store, as resolved
  std::string cookie_path;                     // "/admin" or "/store/{code}/"
  std::string home_url;                        // "/admin/" or "/store/{code}/"
  std::string login_url;
  std::string logout_url;
  bool secure = false;  // the peer came over TLS: cookies get Secure
};

// The scope of a request in the ADMIN or STORE_DASHBOARD context; none for a dashboard whose
// store was not resolved (no such active store).
std::optional<Scope> scope_of(const http::RequestContext& context);

// Every value of cookie `name` in the request's Cookie headers, in order.
std::vector<std::string> cookie_values(const http::Request& request, std::string_view name);

// "name=value; Path=...; HttpOnly; SameSite=Lax[; Secure]; Max-Age=..." (max_age 0 deletes).
std::string set_cookie(std::string_view name, std::string_view value, const Scope& scope,
                       std::int64_t max_age);

// What a signed-in user may do in a console, in increasing order: a store's staff (products and
// orders), its owner (also theme, domains, members, tokens), a platform admin (everything,
// everywhere). The admin console admits admins only.
enum class Role : std::uint8_t { staff, owner, admin };

std::string_view to_string(Role role) noexcept;

// A signed-in request: its session (whose csrf_token guards the console's forms), user and role.
struct SignedIn {
  storage::SessionRecord session;
  storage::UserRecord user;
  Role role = Role::staff;
};

// Blocking (run through http::offload). The first of `cookies` that is an unexpired session of
// this scope's kind and store, of an active user who still may use the console (an admin, or a
// member of the dashboard's store); none otherwise.
core::Result<std::optional<SignedIn>> find_signed_in(storage::Database& database,
                                                     const Scope& scope,
                                                     const std::vector<std::string>& cookies);

struct LoginResult {
  std::string cookie_value;  // the new session's cookie, shown once
  SignedIn signed_in;
};

// Blocking. Checks the e-mail and password (argon2id; an unknown e-mail costs the same time) and
// that the user may use this console: the admin console needs users.is_admin, a dashboard
// membership of its store (or is_admin). Then creates the session. None for any refusal, so the
// form says only "wrong e-mail or password".
core::Result<std::optional<LoginResult>> log_in(storage::Database& database, const Scope& scope,
                                                std::string_view email, std::string_view password);

// How often the consoles let a sign-in fail (storage/login_throttle.hpp): 5 failures per account
// and client address and 20 per client address in 15 minutes, then 429 until the window ends for
// that address; past 5 failures of an account from anywhere, a delay growing to 60 s for the
// addresses that failed for it.
inline constexpr storage::login_throttle::Policy kLoginThrottle{};

// A throttled sign-in: the result of log_in, or how many seconds to wait before trying again.
struct Attempt {
  std::optional<LoginResult> result;
  std::int64_t retry_after = 0;  // > 0: refused unchecked, too many failures
};

// Blocking. log_in behind the throttle: refused without checking the password while one of the
// client's counters is at its limit or the account's delay runs; a refusal counts a failure,
// a success forgets the account's failures. `client_address` is http::client_key.
core::Result<Attempt> attempt_log_in(storage::Database& database, const Scope& scope,
                                     std::string_view email, std::string_view password,
                                     std::string_view client_address);

// The check of a form posted before there is a session (the login form, an invitation's form):
// its double-submit token (the orion_csrf cookie equal to the form's `csrf` field), and never a
// request the browser says is cross-site (http::is_cross_site). The token alone accepts any
// pair a page can plant, and a sibling subdomain of the platform (another store's host) can plant
// a cookie for the platform host ("cookie tossing"), so a browser's Sec-Fetch-Site / Origin
// decides where it is sent; a client that sends neither (not a browser) is judged by the token.
bool pre_session_form_ok(const http::Request& request, const http::RequestContext& context,
                         std::string_view form_csrf);

// Blocking. Accepting an invitation of the dashboard `scope` (storage/invitations.hpp) with the
// account that already exists for its e-mail address: behind the sign-in throttle (the attempt
// counts like a sign-in), checks `password` against that account, then consumes the invitation,
// makes the user a member and starts a session, in one transaction. A wrong password gives no
// result (retry_after 0); Errc::not_found when the invitation is gone by then.
core::Result<Attempt> accept_invitation_as(storage::Database& database, const Scope& scope,
                                           std::string_view token, std::string_view email,
                                           std::string_view password,
                                           std::string_view client_address);

// Blocking. Accepting an invitation for an address without an account: creates the account with
// the invitee's `password`, makes it a member and starts a session, in one transaction.
// Errc::not_found for an invitation gone by then, Errc::conflict for an account made meanwhile.
core::Result<LoginResult> accept_invitation_new(storage::Database& database, const Scope& scope,
                                                std::string_view token, std::string_view password);

// What a password change came to.
struct PasswordChange {
  enum class Outcome : std::uint8_t { changed, wrong_password, throttled };
  Outcome outcome = Outcome::changed;
  std::int64_t retry_after = 0;     // throttled: seconds to wait
  std::int64_t sessions_ended = 0;  // changed: the user's other sessions, now ended
};

// Blocking. Checks `current` against the signed-in user's password (a wrong one counts as a
// failed sign-in, and while throttled nothing is checked), then sets `replacement` and ends
// every other session of the user (the current one stays).
core::Result<PasswordChange> change_password(storage::Database& database, const SignedIn& who,
                                             std::string_view current, std::string_view replacement,
                                             std::string_view client_address);

// "Try again in 12 minutes (after 10:42 UTC)." for a wait of `seconds`.
std::string try_again_text(std::int64_t seconds);

// The password rule of every console form that sets one: an empty text when `password` is
// acceptable, otherwise what is wrong with it.
std::string password_problem(std::string_view password);
inline constexpr std::size_t kMinPasswordLength = 10;

// Blocking. Ends the session of `cookie_value` (nothing when there is none).
core::Result<void> log_out(storage::Database& database, std::string_view cookie_value);

// A fresh CSRF token for the login form (32 hex digits), or the request's own when it already
// carries a well-formed one (so two open tabs both work).
std::string csrf_token_of(const http::Request& request);

}  // namespace orion::web::console

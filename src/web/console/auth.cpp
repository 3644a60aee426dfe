// Console sign-in: scopes, cookies and database-backed login sessions (see auth.hpp).
#include "web/console/auth.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <ctime>

#include "http/same_origin.hpp"
#include "storage/clock.hpp"
#include "storage/invitations.hpp"
#include "storage/login_throttle.hpp"
#include "storage/secrets.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"

namespace orion::web::console {
namespace {

bool is_hex_token(std::string_view text, std::size_t size) {
  if (text.size() != size) {
    return false;
  }
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// What the user may still do in the console of `scope`: none when they may not use it at all.
// Runs its own transaction: call it with no other transaction open on this thread.
core::Result<std::optional<Role>> may_use(storage::Database& database, const Scope& scope,
                                          const storage::UserRecord& user) {
  if (!user.is_active) {
    return std::optional<Role>{};
  }
  if (user.is_admin) {
    return std::optional<Role>{Role::admin};
  }
  if (scope.kind == "admin" || !scope.tenant) {
    return std::optional<Role>{};
  }
  auto tx = database.begin(*scope.tenant);
  if (!tx) {
    return tx.error();
  }
  auto member = storage::members::find(*tx, user.id);
  if (!member) {
    return member.error();
  }
  if (!*member) {
    return std::optional<Role>{};
  }
  return std::optional<Role>{(*member)->role == storage::MemberRole::owner ? Role::owner
                                                                           : Role::staff};
}

// A hash to verify against when the e-mail is unknown, so that the answer takes as long as for
// a known one (no user enumeration by timing).
const std::string& dummy_hash() {
  static const std::string hash = [] {
    auto made = storage::hash_password(storage::random_hex(16));
    return made ? *made : std::string();
  }();
  return hash;
}

// A new login session of `scope` for `user`, in `tx`.
core::Result<LoginResult> start_session(storage::PlatformTransaction& tx, const Scope& scope,
                                        const storage::UserRecord& user, Role role) {
  auto created = storage::sessions::create(
      tx, storage::sessions::NewSession{user.id, scope.store_id, scope.kind, kSessionLifetime});
  if (!created) {
    return created.error();
  }
  return LoginResult{std::move(created->cookie_value),
                     SignedIn{std::move(created->record), user, role}};
}

}  // namespace

std::optional<Scope> scope_of(const http::RequestContext& context) {
  const core::Resolution& r = *context.resolution;
  Scope scope;
  scope.secure = context.peer.tls;
  if (r.context == core::ContextType::admin) {
    scope.kind = "admin";
    scope.cookie_path = "/admin";
    scope.home_url = "/admin/";
    scope.login_url = "/admin/login";
    scope.logout_url = "/admin/logout";
    return scope;
  }
  if (r.context != core::ContextType::store_dashboard || !r.store) {
    return std::nullopt;
  }
  scope.kind = "store";
  scope.store_id = r.store->id;
  scope.tenant = storage::TenantScope::of(r);
  // base_path is "/store/{code}" on the platform host and on the store's own hosts alike.
  const std::string base = r.base_path.empty() ? "/store/" + r.store->code : r.base_path.str();
  scope.cookie_path = base + "/";
  scope.home_url = base + "/";
  scope.login_url = base + "/login";
  scope.logout_url = base + "/logout";
  return scope;
}

std::vector<std::string> cookie_values(const http::Request& request, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& field : request) {
    if (field.name() != http::beast_http::field::cookie) {
      continue;
    }
    std::string_view rest = field.value();
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const auto equals = pair.find('=');
      if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name) {
        values.emplace_back(trim(pair.substr(equals + 1)));
      }
    }
  }
  return values;
}

std::string set_cookie(std::string_view name, std::string_view value, const Scope& scope,
                       std::int64_t max_age) {
  std::string cookie(name);
  cookie += '=';
  cookie += value;
  cookie += "; Path=";
  cookie += scope.cookie_path;
  cookie += "; Max-Age=";
  cookie += std::to_string(max_age);
  cookie += "; HttpOnly; SameSite=Lax";
  if (scope.secure) {
    cookie += "; Secure";
  }
  return cookie;
}

core::Result<std::optional<SignedIn>> find_signed_in(storage::Database& database,
                                                     const Scope& scope,
                                                     const std::vector<std::string>& cookies) {
  // A browser sends one cookie per path; more than a few is not a browser.
  std::size_t tried = 0;
  for (const std::string& cookie : cookies) {
    if (++tried > 4) {
      break;
    }
    if (!is_hex_token(cookie, 64)) {
      continue;
    }
    std::optional<SignedIn> found;
    {
      auto tx = database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto session = storage::sessions::find(*tx, cookie);
      if (!session) {
        return session.error();
      }
      if (!*session || (*session)->kind != scope.kind || (*session)->store_id != scope.store_id ||
          !(*session)->user_id) {
        continue;
      }
      auto user = storage::users::get(*tx, *(*session)->user_id);
      if (!user) {
        return user.error();
      }
      if (!*user) {
        continue;
      }
      found = SignedIn{std::move(**session), std::move(**user), Role::staff};
    }  // the platform transaction ends here: may_use opens its own
    auto allowed = may_use(database, scope, found->user);
    if (!allowed) {
      return allowed.error();
    }
    if (*allowed) {
      found->role = **allowed;
      return found;
    }
  }
  return std::optional<SignedIn>{};
}

core::Result<std::optional<LoginResult>> log_in(storage::Database& database, const Scope& scope,
                                                std::string_view email, std::string_view password) {
  std::optional<storage::UserRecord> user;
  {
    auto tx = database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto found = storage::users::find_by_email(*tx, email);
    if (found) {  // a malformed e-mail is simply no user
      user = std::move(*found);
    } else if (found.error().code != core::Errc::invalid_input) {
      return found.error();
    }
  }
  const bool password_ok = user ? storage::verify_password(password, user->password_hash)
                                : (storage::verify_password(password, dummy_hash()), false);
  if (!password_ok) {
    return std::optional<LoginResult>{};
  }
  auto allowed = may_use(database, scope, *user);
  if (!allowed) {
    return allowed.error();
  }
  if (!*allowed) {
    return std::optional<LoginResult>{};
  }
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto started = start_session(*tx, scope, *user, **allowed);
  if (!started) {
    return started.error();
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return std::optional<LoginResult>{std::move(*started)};
}

namespace {

// The sign-in throttle around one password check: throttle_wait first (> 0: refuse unchecked),
// then throttle_count with the check's outcome. Each in its own transaction: the check between
// them (argon2id) runs with none open.
core::Result<std::int64_t> throttle_wait(storage::Database& database,
                                         const storage::login_throttle::Subjects& subjects) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  return storage::login_throttle::retry_after(*tx, kLoginThrottle, subjects);
}

core::Result<void> throttle_count(storage::Database& database,
                                  const storage::login_throttle::Subjects& subjects,
                                  bool succeeded) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto counted = succeeded ? storage::login_throttle::record_success(*tx, subjects)
                           : storage::login_throttle::record_failure(*tx, kLoginThrottle, subjects);
  if (!counted) {
    return counted.error();
  }
  return tx->commit();
}

}  // namespace

core::Result<Attempt> attempt_log_in(storage::Database& database, const Scope& scope,
                                     std::string_view email, std::string_view password,
                                     std::string_view client_address) {
  const storage::login_throttle::Subjects subjects{std::string(email), std::string(client_address)};
  auto wait = throttle_wait(database, subjects);
  if (!wait) {
    return wait.error();
  }
  if (*wait > 0) {
    return Attempt{std::nullopt, *wait};
  }
  auto result = log_in(database, scope, email, password);
  if (!result) {
    return result.error();
  }
  if (auto counted = throttle_count(database, subjects, result->has_value()); !counted) {
    return counted.error();
  }
  return Attempt{std::move(*result), 0};
}

core::Result<Attempt> accept_invitation_as(storage::Database& database, const Scope& scope,
                                           std::string_view token, std::string_view email,
                                           std::string_view password,
                                           std::string_view client_address) {
  const storage::login_throttle::Subjects subjects{std::string(email), std::string(client_address)};
  auto wait = throttle_wait(database, subjects);
  if (!wait) {
    return wait.error();
  }
  if (*wait > 0) {
    return Attempt{std::nullopt, *wait};
  }
  std::optional<storage::UserRecord> user;
  {
    auto tx = database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto found = storage::users::find_by_email(*tx, email);
    if (!found) {
      return found.error();
    }
    user = std::move(*found);
  }
  // Checked with no transaction open (argon2id takes a while); an unknown account costs the same.
  const bool password_ok = user && user->is_active
                               ? storage::verify_password(password, user->password_hash)
                               : (storage::verify_password(password, dummy_hash()), false);
  if (auto counted = throttle_count(database, subjects, password_ok); !counted) {
    return counted.error();
  }
  if (!password_ok) {
    return Attempt{std::nullopt, 0};
  }
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto member = storage::invitations::accept_as(*tx, *scope.store_id, token, *user);
  if (!member) {
    return member.error();
  }
  auto role = user->is_admin                               ? Role::admin
              : member->role == storage::MemberRole::owner ? Role::owner
                                                           : Role::staff;
  auto started = start_session(*tx, scope, *user, role);
  if (!started) {
    return started.error();
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return Attempt{std::move(*started), 0};
}

core::Result<LoginResult> accept_invitation_new(storage::Database& database, const Scope& scope,
                                                std::string_view token, std::string_view password) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto user = storage::invitations::accept_new(*tx, *scope.store_id, token, password);
  if (!user) {
    return user.error();
  }
  auto member = storage::members::of_user(*tx, user->id);
  if (!member) {
    return member.error();
  }
  const bool owner = std::any_of(member->begin(), member->end(), [&scope](const auto& m) {
    return m.store_id == *scope.store_id && m.role == storage::MemberRole::owner;
  });
  auto started = start_session(*tx, scope, *user, owner ? Role::owner : Role::staff);
  if (!started) {
    return started.error();
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return std::move(*started);
}

std::string try_again_text(std::int64_t seconds) {
  const std::int64_t minutes = (seconds + 59) / 60;
  const std::time_t at = static_cast<std::time_t>(storage::unix_now() + seconds);
  std::tm tm{};
  gmtime_r(&at, &tm);
  char clock[16];
  const std::size_t size = std::strftime(clock, sizeof clock, "%H:%M", &tm);
  return "Try again in " + std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes") +
         " (after " + std::string(clock, size) + " UTC).";
}

std::string password_problem(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return "Use at least " + std::to_string(kMinPasswordLength) + " characters.";
  }
  if (password.size() > 1024) {
    return "Use at most 1024 characters.";
  }
  return {};
}

core::Result<PasswordChange> change_password(storage::Database& database, const SignedIn& who,
                                             std::string_view current, std::string_view replacement,
                                             std::string_view client_address) {
  using Outcome = PasswordChange::Outcome;
  const storage::login_throttle::Subjects subjects{who.user.email, std::string(client_address)};
  // Read the hash again: the one read at the gate may predate a change in another tab.
  std::string hash;
  {
    auto tx = database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto wait = storage::login_throttle::retry_after(*tx, kLoginThrottle, subjects);
    if (!wait) {
      return wait.error();
    }
    if (*wait > 0) {
      return PasswordChange{Outcome::throttled, *wait, 0};
    }
    auto user = storage::users::get(*tx, who.user.id);
    if (!user) {
      return user.error();
    }
    if (!*user) {
      return core::make_error(core::Errc::not_found, "this user no longer exists");
    }
    hash = (*user)->password_hash;
  }
  // Checked with no transaction open: argon2id takes a while, and on SQLite a write
  // transaction would hold the database's one writer lock meanwhile.
  const bool password_ok = storage::verify_password(current, hash);
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  if (!password_ok) {
    if (auto counted = storage::login_throttle::record_failure(*tx, kLoginThrottle, subjects);
        !counted) {
      return counted.error();
    }
    if (auto done = tx->commit(); !done) {
      return done.error();
    }
    return PasswordChange{Outcome::wrong_password, 0, 0};
  }
  if (auto set = storage::users::set_password(*tx, who.user.id, replacement); !set) {
    return set.error();
  }
  auto ended = storage::sessions::remove_others_of_user(*tx, who.user.id, who.session.token_hash);
  if (!ended) {
    return ended.error();
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return PasswordChange{Outcome::changed, 0, *ended};
}

core::Result<void> log_out(storage::Database& database, std::string_view cookie_value) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  if (auto removed = storage::sessions::remove(*tx, cookie_value); !removed) {
    return removed.error();
  }
  return tx->commit();
}

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::staff:
      return "staff";
    case Role::owner:
      return "owner";
    case Role::admin:
      break;
  }
  return "admin";
}

bool pre_session_form_ok(const http::Request& request, const http::RequestContext& context,
                         std::string_view form_csrf) {
  if (http::is_cross_site(request, context)) {
    return false;
  }
  if (form_csrf.empty()) {
    return false;
  }
  for (const std::string& cookie : cookie_values(request, kCsrfCookie)) {
    if (storage::constant_time_equal(cookie, form_csrf)) {
      return true;
    }
  }
  return false;
}

std::string csrf_token_of(const http::Request& request) {
  for (const std::string& value : cookie_values(request, kCsrfCookie)) {
    if (is_hex_token(value, 32)) {
      return value;
    }
  }
  return storage::random_hex(16);
}

}  // namespace orion::web::console

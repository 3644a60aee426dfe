// Accounts and security of the consoles over a real socket, on both backends: sign-in
// throttling per account and per client address (429 with Retry-After, a success resets the
// account), behind a trusted proxy by the client it names (one client's failures never stop
// another's correct password; an account guessed at from many addresses only slows them), the
// password change (checked, confirmed, other sessions ended), CSRF on every account form, and API
// tokens created, listed and revoked from both consoles (a revoked token fails on its next API
// request; a store owner never reaches another store's token).
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <regex>

#include "storage/login_throttle.hpp"
#include "storage/sessions.hpp"
#include "storage/stores.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::ConsoleSession;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kHost = "platform.test";
constexpr const char* kPassword = "correct horse battery";
constexpr const char* kNewPassword = "a much longer new secret";

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

bool has(const HttpResponse& response, const std::string& text) {
  return response.body().find(text) != std::string::npos;
}

// The token shown once on the page that answered its creation ("" when none).
std::string shown_token(const HttpResponse& response) {
  static const std::regex token(R"(id="new-token">(orion_[0-9a-f]{64})<)");
  std::smatch match;
  return std::regex_search(response.body(), match, token) ? match[1].str() : std::string();
}

class AccountsTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto alpha = storage::stores::create(*tx, "alpha", "Alpha Shop");
    auto bravo = storage::stores::create(*tx, "bravo", "Bravo Shop");
    ASSERT_TRUE(alpha && bravo);
    alpha_ = *alpha;
    bravo_ = *bravo;
    auto admin = storage::users::create(*tx, "admin@example.com", kPassword, true);
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    auto staff = storage::users::create(*tx, "staff@alpha.test", kPassword, false);
    auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
    ASSERT_TRUE(admin && owner && staff && other);
    owner_id_ = owner->id;
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, staff->id, storage::MemberRole::staff));
    ASSERT_TRUE(storage::members::grant(*tx, bravo->id, other->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }

  // One sign-in attempt at `console` ("/admin" or "/store/{code}") with a fresh login form.
  HttpResponse attempt(const std::string& console, const std::string& email,
                       const std::string& password) {
    const ConsoleSession session(*server_, console, email, password);
    return session.login_response();
  }

  // GET /api/v1/... with a bearer token: its status.
  int api_status(const std::string& target, const std::string& token) {
    return server_->json(beast_http::verb::get, kHost, target, {}, token).result_int();
  }

  std::unique_ptr<TestServer> server_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
  std::int64_t owner_id_ = 0;
};

// ---- throttling ----

TEST_P(AccountsTest, FiveFailuresForOneAccountAreThrottledWith429AndRetryAfter) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", "wrong guess").result_int(), 401) << i;
  }
  // Now even the right password is refused unchecked, with a page saying when to come back.
  auto refused = attempt("/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_EQ(refused.result_int(), 429) << refused.body();
  const std::string retry_after(refused[beast_http::field::retry_after]);
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GT(std::stoll(retry_after), 0);
  EXPECT_LE(std::stoll(retry_after), storage::login_throttle::Policy{}.window_seconds);
  EXPECT_TRUE(has(refused, "Too many failed sign-ins. Try again in 15 minutes")) << refused.body();
  EXPECT_TRUE(has(refused, "name=\"password\""));  // still the login form
  EXPECT_TRUE(testing::cookie_value(refused, "orion_session").empty());
  // The account is throttled in every console (the admin here), with any capitalisation...
  EXPECT_EQ(attempt("/admin", "OWNER@alpha.test", kPassword).result_int(), 429);
  // ...but another account from the same address still signs in.
  EXPECT_EQ(attempt("/store/bravo", "owner@bravo.test", kPassword).result_int(), 303);
}

TEST_P(AccountsTest, TwentyFailuresFromOneAddressAreThrottled) {
  // Twenty different e-mail addresses, one failure each: under the account limit every time.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(
        attempt("/admin", "nobody" + std::to_string(i) + "@example.com", "guess").result_int(), 401)
        << i;
  }
  auto refused = attempt("/store/alpha", "owner@alpha.test", kPassword);
  EXPECT_EQ(refused.result_int(), 429) << refused.body();
  EXPECT_FALSE(std::string(refused[beast_http::field::retry_after]).empty());
  EXPECT_EQ(attempt("/admin", "admin@example.com", kPassword).result_int(), 429);
}

TEST_P(AccountsTest, ASuccessfulSignInResetsTheAccountsFailures) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", "wrong guess").result_int(), 401);
  }
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kPassword).result_int(), 303);
  // Four more failures start from zero: the fifth attempt is checked, not throttled.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", "wrong guess").result_int(), 401);
  }
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kPassword).result_int(), 303);
}

TEST_P(AccountsTest, AnEndedWindowNoLongerThrottles) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(attempt("/admin", "admin@example.com", "wrong guess").result_int(), 401);
  }
  EXPECT_EQ(attempt("/admin", "admin@example.com", kPassword).result_int(), 429);
  // Move the window's start 16 minutes back: its 15 minutes are over.
  {
    constexpr storage::Sql kAge{"test_accounts_age_throttle",
                                "UPDATE login_throttle SET window_start = window_start - 960"};
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->run(kAge, {}));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(attempt("/admin", "admin@example.com", kPassword).result_int(), 303);
}

// ---- the login form's CSRF check ----

TEST_P(AccountsTest, ALoginFormPostedFromAnotherSiteIsRefusedWhateverItsToken) {
  // A page on a sibling host (another store's subdomain) can plant an orion_csrf cookie for the
  // platform host and post a matching field: the token pair alone would accept it.
  const auto post = [this](const testing::Headers& extra) {
    const std::string planted(32, 'a');
    testing::Headers headers{{"Cookie", "orion_csrf=" + planted}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return server_->post_form(
        kHost, "/admin/login",
        "email=admin%40example.com&password=" + encode(kPassword) + "&csrf=" + planted, headers);
  };
  for (const testing::Headers& from :
       std::vector<testing::Headers>{{{"Sec-Fetch-Site", "same-site"}},
                                     {{"Sec-Fetch-Site", "cross-site"}},
                                     {{"Origin", "http://alpha.platform.test"}},
                                     {{"Origin", "null"}},
                                     {{"Referer", "http://evil.example/form.html"}}}) {
    auto refused = post(from);
    EXPECT_EQ(refused.result_int(), 403) << from.front().first << ": " << from.front().second;
    EXPECT_TRUE(testing::cookie_value(refused, "orion_session").empty());
  }
  // The same pair from this very origin (the browser's own form) signs in; so does a client
  // that sends no origin evidence at all (not a browser: the token decides).
  EXPECT_EQ(post({{"Sec-Fetch-Site", "same-origin"}}).result_int(), 303);
  EXPECT_EQ(post({{"Origin", "http://platform.test"}}).result_int(), 303);
  EXPECT_EQ(post({}).result_int(), 303);
  // A field without its cookie is refused as before.
  EXPECT_EQ(server_
                ->post_form(kHost, "/admin/login",
                            "email=admin%40example.com&password=x&csrf=" + std::string(32, 'b'),
                            {{"Sec-Fetch-Site", "same-origin"}})
                .result_int(),
            403);
}

// ---- throttling behind a proxy: every client arrives from 127.0.0.1 ----

// The same suite's accounts, served behind a trusted proxy (127.0.0.1, as the shipped Caddy and
// nginx configs run it), whose X-Forwarded-For names each client.
class ProxiedAccountsTest : public AccountsTest {
 protected:
  void SetUp() override {
    app::Config config;
    config.trusted_proxies = "127.0.0.1";
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto alpha = storage::stores::create(*tx, "alpha", "Alpha Shop");
    ASSERT_TRUE(alpha);
    auto admin = storage::users::create(*tx, "admin@example.com", kPassword, true);
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    ASSERT_TRUE(admin && owner);
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }

  // One sign-in attempt from `client`, the login form fetched by that client too.
  HttpResponse attempt_from(const std::string& client, const std::string& console,
                            const std::string& email, const std::string& password) {
    const testing::Headers from{{"X-Forwarded-For", client}};
    const auto page = server_->get(kHost, console + "/login", from);
    const std::string csrf = testing::cookie_value(page, "orion_csrf");
    return server_->post_form(
        kHost, console + "/login",
        "email=" + encode(email) + "&password=" + encode(password) + "&csrf=" + encode(csrf),
        {{"Cookie", "orion_csrf=" + csrf}, {"X-Forwarded-For", client}});
  }
};

TEST_P(ProxiedAccountsTest, OneClientsFailuresNeverStopACorrectPasswordFromAnother) {
  // One client guesses at the owner until that account is refused to it, then sprays other
  // accounts until the client itself is refused: 20 failures in all.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(attempt_from("203.0.113.7", "/store/alpha", "owner@alpha.test", "guess").result_int(),
              401)
        << i;
  }
  EXPECT_EQ(attempt_from("203.0.113.7", "/store/alpha", "owner@alpha.test", kPassword).result_int(),
            429);
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(
        attempt_from("203.0.113.7", "/admin", "x" + std::to_string(i) + "@example.com", "guess")
            .result_int(),
        401)
        << i;
  }
  EXPECT_EQ(attempt_from("203.0.113.7", "/admin", "admin@example.com", kPassword).result_int(),
            429);
  // Every other client still signs in, to the guessed-at account and to the admin.
  EXPECT_EQ(
      attempt_from("198.51.100.9", "/store/alpha", "owner@alpha.test", kPassword).result_int(),
      303);
  EXPECT_EQ(attempt_from("198.51.100.10", "/admin", "admin@example.com", kPassword).result_int(),
            303);
  // An IPv6 client is counted by its /64: another address of the same /64 is the same client.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(attempt_from("2001:db8:1:2::" + std::to_string(i + 1), "/store/alpha",
                           "owner@alpha.test", "guess")
                  .result_int(),
              401)
        << i;
  }
  EXPECT_EQ(
      attempt_from("2001:db8:1:2::ff", "/store/alpha", "owner@alpha.test", kPassword).result_int(),
      429);
  EXPECT_EQ(
      attempt_from("2001:db8:1:3::1", "/store/alpha", "owner@alpha.test", kPassword).result_int(),
      303);
}

TEST_P(ProxiedAccountsTest, AnAccountGuessedAtFromManyAddressesSlowsThemButNotItsOwner) {
  // Eight addresses, one wrong password each: under every per-address limit, but past the five
  // failures the account takes without a delay.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(attempt_from("203.0.113." + std::to_string(10 + i), "/store/alpha",
                           "owner@alpha.test", "guess")
                  .result_int(),
              401)
        << i;
  }
  // An address that failed waits (a delay, not the 15-minute lockout)...
  auto delayed = attempt_from("203.0.113.10", "/store/alpha", "owner@alpha.test", "guess");
  ASSERT_EQ(delayed.result_int(), 429) << delayed.body();
  const std::int64_t wait = std::stoll(std::string(delayed[beast_http::field::retry_after]));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, storage::login_throttle::Policy{}.account_max_delay_seconds);
  // ...while the owner, from an address that has not failed, signs in at once.
  EXPECT_EQ(
      attempt_from("198.51.100.20", "/store/alpha", "owner@alpha.test", kPassword).result_int(),
      303);
}

ORION_SERVER_ON_BOTH_BACKENDS(ProxiedAccountsTest);

// ---- the password change ----

TEST_P(AccountsTest, ThePasswordChangeChecksTheFormAndEndsOtherSessions) {
  const ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  const ConsoleSession elsewhere(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(elsewhere.signed_in());
  const ConsoleSession other_user(*server_, "/store/alpha", "staff@alpha.test", kPassword);
  ASSERT_TRUE(other_user.signed_in());

  auto page = owner.get("/account");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(has(page, "owner@alpha.test"));
  EXPECT_TRUE(has(page, "<form method=\"post\" action=\"/store/alpha/account/password\""));

  const auto change = [&owner](const std::string& current, const std::string& next,
                               const std::string& confirm) {
    return owner.post("/account/password", "current_password=" + encode(current) +
                                               "&new_password=" + encode(next) +
                                               "&confirm_password=" + encode(confirm));
  };
  auto wrong = change("not my password", kNewPassword, kNewPassword);
  EXPECT_EQ(wrong.result_int(), 422);
  EXPECT_TRUE(has(wrong, "class=\"field-error\" id=\"current_password-error\"")) << wrong.body();
  EXPECT_TRUE(has(wrong, "class=\"error\""));
  auto mismatch = change(kPassword, kNewPassword, "something else entirely");
  EXPECT_EQ(mismatch.result_int(), 422);
  EXPECT_TRUE(has(mismatch, "id=\"confirm_password-error\"")) << mismatch.body();
  auto too_short = change(kPassword, "short", "short");
  EXPECT_EQ(too_short.result_int(), 422);
  EXPECT_TRUE(has(too_short, "at least 10 characters"));
  // None of these changed anything.
  EXPECT_EQ(elsewhere.get("/").result_int(), 200);

  auto done = change(kPassword, kNewPassword, kNewPassword);
  ASSERT_EQ(done.result_int(), 303) << done.body();
  EXPECT_EQ(location(done), "/store/alpha/account?notice=password&ended=1");
  auto notice = owner.get("/account?notice=password&ended=1");
  EXPECT_EQ(notice.result_int(), 200);
  EXPECT_TRUE(has(notice, "Your password was changed.")) << notice.body();

  // This session lives on; the user's other session is over; another user's is untouched.
  EXPECT_EQ(owner.get("/").result_int(), 200);
  EXPECT_EQ(elsewhere.get("/").result_int(), 302);
  EXPECT_EQ(other_user.get("/").result_int(), 200);
  // The old password no longer signs in; the new one does.
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kPassword).result_int(), 401);
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kNewPassword).result_int(), 303);
}

TEST_P(AccountsTest, AnAdminChangesTheirPasswordAndTheirDashboardSessionsEnd) {
  const ConsoleSession admin(*server_, "/admin", "admin@example.com", kPassword);
  ASSERT_TRUE(admin.signed_in());
  const ConsoleSession dashboard(*server_, "/store/bravo", "admin@example.com", kPassword);
  ASSERT_TRUE(dashboard.signed_in());
  EXPECT_EQ(admin.get("/account").result_int(), 200);
  auto done = admin.post("/account/password", "current_password=" + encode(kPassword) +
                                                  "&new_password=" + encode(kNewPassword) +
                                                  "&confirm_password=" + encode(kNewPassword));
  ASSERT_EQ(done.result_int(), 303) << done.body();
  EXPECT_EQ(location(done), "/admin/account?notice=password&ended=1");
  EXPECT_EQ(admin.get("/").result_int(), 200);
  EXPECT_EQ(dashboard.get("/").result_int(), 302);
}

TEST_P(AccountsTest, WrongCurrentPasswordsCountAsFailedSignIns) {
  const ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  const std::string form = "current_password=guess-guess&new_password=" + encode(kNewPassword) +
                           "&confirm_password=" + encode(kNewPassword);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(owner.post("/account/password", form).result_int(), 422) << i;
  }
  auto throttled = owner.post("/account/password", form);
  EXPECT_EQ(throttled.result_int(), 429);
  EXPECT_FALSE(std::string(throttled[beast_http::field::retry_after]).empty());
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kPassword).result_int(), 429);
}

// ---- CSRF on every account form ----

TEST_P(AccountsTest, EveryAccountFormWithoutItsCsrfTokenIs403) {
  const ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  const ConsoleSession admin(*server_, "/admin", "admin@example.com", kPassword);
  ASSERT_TRUE(owner.signed_in() && admin.signed_in());
  std::int64_t token_id = 0;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::api_tokens::create(*tx, alpha_.id, "ci");
    ASSERT_TRUE(created);
    token_id = created->record.id;
    ASSERT_TRUE(tx->commit());
  }
  const std::string revoke = "/tokens/" + std::to_string(token_id) + "/revoke";
  const std::string password_form = "current_password=" + encode(kPassword) +
                                    "&new_password=" + encode(kNewPassword) +
                                    "&confirm_password=" + encode(kNewPassword);
  for (const ConsoleSession* session : {&owner, &admin}) {
    for (const auto& [path, form] : {std::pair{std::string("/account/password"), password_form},
                                     std::pair{std::string("/tokens"), std::string("name=x")},
                                     std::pair{revoke, std::string()}}) {
      auto missing = session->post_raw(path, form);
      EXPECT_EQ(missing.result_int(), 403) << path;
      auto forged = session->post_raw(path, form + "&csrf=" + std::string(64, 'b'));
      EXPECT_EQ(forged.result_int(), 403) << path;
    }
  }
  // Nothing happened: the password is the old one, the token still works, no new token.
  EXPECT_EQ(attempt("/store/alpha", "owner@alpha.test", kPassword).result_int(), 303);
  auto tx = server_->database().begin_platform();
  ASSERT_TRUE(tx);
  auto tokens = storage::api_tokens::list_all(*tx);
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_FALSE(tokens->front().revoked_at.has_value());
}

// ---- API tokens ----

TEST_P(AccountsTest, AnOwnerCreatesListsAndRevokesTheStoresTokens) {
  const ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  auto empty = owner.get("/tokens");
  ASSERT_EQ(empty.result_int(), 200) << empty.body();
  EXPECT_TRUE(has(empty, "No API token yet."));

  auto invalid = owner.post("/tokens", "name=");
  EXPECT_EQ(invalid.result_int(), 422);
  EXPECT_TRUE(has(invalid, "class=\"field-error\" id=\"name-error\"")) << invalid.body();

  auto created = owner.post("/tokens", "name=" + encode("deploy bot"));
  ASSERT_EQ(created.result_int(), 201) << created.body();
  const std::string token = shown_token(created);
  ASSERT_FALSE(token.empty()) << created.body();
  // Shown once: the list shows only its prefix from now on.
  auto listed = owner.get("/tokens");
  EXPECT_TRUE(has(listed, "deploy bot"));
  EXPECT_TRUE(has(listed, token.substr(0, 14)));
  EXPECT_FALSE(has(listed, token));

  // The token is this store's: it manages alpha and nothing else.
  EXPECT_EQ(api_status("/api/v1/stores/alpha/products", token), 200);
  EXPECT_EQ(api_status("/api/v1/stores/bravo/products", token), 403);

  std::int64_t id = 0;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto tokens = storage::api_tokens::list(*tx, alpha_.id);
    ASSERT_TRUE(tokens);
    ASSERT_EQ(tokens->size(), 1u);
    id = tokens->front().id;
  }
  auto revoked = owner.post("/tokens/" + std::to_string(id) + "/revoke", {});
  ASSERT_EQ(revoked.result_int(), 303) << revoked.body();
  EXPECT_EQ(location(revoked), "/store/alpha/tokens?notice=revoked");
  EXPECT_TRUE(has(owner.get("/tokens?notice=revoked"), "The token was revoked"));
  // The very next request with it fails.
  EXPECT_EQ(api_status("/api/v1/stores/alpha/products", token), 401);
  // Revoking again says so and changes nothing.
  auto again = owner.post("/tokens/" + std::to_string(id) + "/revoke", {});
  EXPECT_EQ(location(again), "/store/alpha/tokens?notice=already");
}

TEST_P(AccountsTest, AStoreOwnerNeverSeesOrRevokesAnotherStoresToken) {
  std::string bravo_token;
  std::int64_t bravo_id = 0;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::api_tokens::create(*tx, bravo_.id, "bravo sync");
    ASSERT_TRUE(created);
    bravo_token = created->token;
    bravo_id = created->record.id;
    ASSERT_TRUE(tx->commit());
  }
  const ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  auto listed = owner.get("/tokens");
  EXPECT_EQ(listed.result_int(), 200);
  EXPECT_FALSE(has(listed, "bravo sync"));
  auto refused = owner.post("/tokens/" + std::to_string(bravo_id) + "/revoke", {});
  EXPECT_EQ(refused.result_int(), 404) << refused.body();
  EXPECT_EQ(api_status("/api/v1/stores/bravo/products", bravo_token), 200);
  // An unknown or malformed id is the same 404.
  EXPECT_EQ(owner.post("/tokens/999999/revoke", {}).result_int(), 404);
  EXPECT_EQ(owner.post("/tokens/x/revoke", {}).result_int(), 404);
  // Staff may not use the tokens pages at all.
  const ConsoleSession staff(*server_, "/store/alpha", "staff@alpha.test", kPassword);
  ASSERT_TRUE(staff.signed_in());
  EXPECT_EQ(staff.get("/tokens").result_int(), 403);
  EXPECT_EQ(staff.post("/tokens", "name=mine").result_int(), 403);
  EXPECT_EQ(staff.post("/tokens/" + std::to_string(bravo_id) + "/revoke", {}).result_int(), 403);
}

TEST_P(AccountsTest, TheAdminManagesEveryToken) {
  const ConsoleSession admin(*server_, "/admin", "admin@example.com", kPassword);
  ASSERT_TRUE(admin.signed_in());
  auto unknown = admin.post("/tokens", "name=x&store=nosuch");
  EXPECT_EQ(unknown.result_int(), 422);
  EXPECT_TRUE(has(unknown, "id=\"store-error\"")) << unknown.body();
  EXPECT_TRUE(has(unknown, "value=\"nosuch\""));

  auto admin_token = admin.post("/tokens", "name=" + encode("platform ops") + "&store=");
  ASSERT_EQ(admin_token.result_int(), 201) << admin_token.body();
  const std::string ops = shown_token(admin_token);
  auto store_token = admin.post("/tokens", "name=" + encode("bravo feed") + "&store=bravo");
  ASSERT_EQ(store_token.result_int(), 201) << store_token.body();
  const std::string feed = shown_token(store_token);
  ASSERT_FALSE(ops.empty() || feed.empty());
  EXPECT_EQ(api_status("/api/v1/admin/stores", ops), 200);
  EXPECT_EQ(api_status("/api/v1/stores/bravo/products", feed), 200);
  EXPECT_EQ(api_status("/api/v1/admin/stores", feed), 403);

  auto listed = admin.get("/tokens");
  ASSERT_EQ(listed.result_int(), 200);
  EXPECT_TRUE(has(listed, "platform ops"));
  EXPECT_TRUE(has(listed, "admin (every store)"));
  EXPECT_TRUE(has(listed, "bravo feed"));
  EXPECT_TRUE(has(listed, "store <code>bravo</code>"));

  std::int64_t ops_id = 0;
  std::int64_t feed_id = 0;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto tokens = storage::api_tokens::list_all(*tx);
    ASSERT_TRUE(tokens);
    for (const auto& token : *tokens) {
      (token.store_id ? feed_id : ops_id) = token.id;
    }
  }
  // The admin revokes any token, a store's as well as an admin token.
  EXPECT_EQ(admin.post("/tokens/" + std::to_string(ops_id) + "/revoke", {}).result_int(), 303);
  EXPECT_EQ(admin.post("/tokens/" + std::to_string(feed_id) + "/revoke", {}).result_int(), 303);
  EXPECT_EQ(api_status("/api/v1/admin/stores", ops), 401);
  EXPECT_EQ(api_status("/api/v1/stores/bravo/products", feed), 401);
  EXPECT_TRUE(has(admin.get("/tokens"), "revoked "));
}

ORION_SERVER_ON_BOTH_BACKENDS(AccountsTest);

}  // namespace
}  // namespace orion

// Who may do what, over a real socket on both backends: every route of the admin console, the
// store dashboards and the management API (the live route table, read off the app's router as
// openapi_test.cpp does) × five identities → the exact status, as one table. A route without a
// row fails, and so does a row without a route, so a new page cannot ship unclassified.
//
// The store under test is "alpha"; "bravo" is another store. The identities:
//   anonymous    no cookie, no token
//   other owner  bravo's owner: bravo's session cookie sent to alpha and to /admin (refused:
//                treated as anonymous), bravo's store token on the API
//   staff        alpha's staff member: alpha's dashboard session, alpha's store token on the API
//   owner        alpha's owner: the same with the owner's role
//   admin        a platform admin: signed in to /admin and to alpha's dashboard, an admin token
// Store sessions sent to /admin are refused like no session at all (a store member cannot even
// sign in there: see AStoreMemberCannotSignInToAnotherConsole).
//
// Console POSTs of signed-in identities carry the session's CSRF token and a harmless body:
// invalid values (422), or the id of something that does not exist here (404) — bravo's product,
// token or owner where a dashboard row names one, so the 404 also shows alpha's dashboard cannot
// reach them. So no row changes what a later row sees; sign-outs use a session made for them.
#include <gtest/gtest.h>

#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "storage/orders.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using boost::beast::http::verb;
using core::ContextType;
using testing::ConsoleSession;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kHost = "platform.test";
constexpr const char* kAdminHost = "admin.platform.test";
constexpr const char* kPassword = "correct horse battery";

enum Who : std::size_t { anonymous, other_owner, staff, owner, admin };
constexpr std::array<const char*, 5> kWhoNames = {
    "anonymous", "another store's owner", "this store's staff", "this store's owner", "admin"};

// How a row's request is made, beyond its method and context.
enum class Send {
  normal,       // console: the session cookie (+ CSRF token on a POST); API: the bearer token
  login_form,   // a login POST: GET the form first for its double-submit token
  own_session,  // a sign-out: a session signed in for this row alone (it ends it)
  admin_host,   // on admin.<platform> instead of the platform host
};

struct Row {
  ContextType context;
  verb method;
  std::string_view pattern;  // as registered with the router
  std::string_view path;     // a concrete target; $product, $order, $user, $bravo_* filled in
  std::string_view body;     // console: form fields (CSRF token added); API: JSON
  //                  anonymous, other owner, staff, owner, admin
  std::array<int, 5> expect;
  Send send = Send::normal;
};

constexpr auto A = ContextType::admin;
constexpr auto D = ContextType::store_dashboard;
constexpr auto API = ContextType::api;
constexpr verb GET = verb::get;
constexpr verb POST = verb::post;

// clang-format off
// Page views of the anonymous (and of a session that is not for this console) go to the login
// (302); their POSTs get 401. A signed-in role below the page's gets 403.
constexpr Row kRows[] = {
  // ---- admin console (admins only) ---------------------------------------------------------
  {A, GET,  "/", "/", "", {302, 302, 302, 302, 302}, Send::admin_host},
  {A, GET,  "/admin/login", "/admin/login", "", {200, 200, 200, 200, 303}},
  {A, POST, "/admin/login", "/admin/login", "email=&password=", {422, 422, 422, 422, 422},
   Send::login_form},
  {A, POST, "/admin/logout", "/admin/logout", "", {303, 303, 303, 303, 303}, Send::own_session},
  {A, GET,  "/admin/", "/admin/", "", {302, 302, 302, 302, 200}},
  {A, GET,  "/admin/stores", "/admin/stores?q=alp", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/stores", "/admin/stores", "code=&name=", {401, 401, 401, 401, 422}},
  {A, GET,  "/admin/stores/{code}", "/admin/stores/alpha", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/stores/{code}/activate", "/admin/stores/alpha/activate", "",
   {401, 401, 401, 401, 303}},  // alpha is active already: nothing changes
  {A, POST, "/admin/stores/{code}/deactivate", "/admin/stores/no-such-store/deactivate", "",
   {401, 401, 401, 401, 404}},
  {A, POST, "/admin/stores/{code}/members", "/admin/stores/alpha/members", "email=&role=staff",
   {401, 401, 401, 401, 422}},
  {A, POST, "/admin/stores/{code}/members/{user_id}/remove",
   "/admin/stores/alpha/members/$bravo_owner/remove", "", {401, 401, 401, 401, 404}},
  {A, GET,  "/admin/users", "/admin/users", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/users", "/admin/users", "email=&password=", {401, 401, 401, 401, 422}},
  {A, GET,  "/admin/users/{id}", "/admin/users/$user", "", {302, 302, 302, 302, 200}},
  {A, GET,  "/admin/tokens", "/admin/tokens", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/tokens", "/admin/tokens", "name=$long_name&store=",
   {401, 401, 401, 401, 422}},
  {A, POST, "/admin/tokens/{id}/revoke", "/admin/tokens/999999/revoke", "",
   {401, 401, 401, 401, 404}},
  {A, GET,  "/admin/account", "/admin/account", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/account/password", "/admin/account/password",
   "current_password=&new_password=&confirm_password=", {401, 401, 401, 401, 422}},
  {A, GET,  "/admin/domains", "/admin/domains", "", {302, 302, 302, 302, 200}},
  {A, GET,  "/admin/stores/{code}/domains", "/admin/stores/alpha/domains", "",
   {302, 302, 302, 302, 200}},
  {A, POST, "/admin/stores/{code}/domains", "/admin/stores/alpha/domains", "domain=",
   {401, 401, 401, 401, 422}},
  {A, POST, "/admin/domains/{domain}/verify", "/admin/domains/no-such.example/verify",
   "force=1", {401, 401, 401, 401, 404}},
  {A, POST, "/admin/domains/{domain}/remove", "/admin/domains/no-such.example/remove", "",
   {401, 401, 401, 401, 404}},
  {A, GET,  "/admin/domains/health", "/admin/domains/health", "", {302, 302, 302, 302, 200}},
  {A, POST, "/admin/domains/quarantine", "/admin/domains/quarantine", "domain=",
   {401, 401, 401, 401, 422}},
  {A, GET,  "/admin/domains/{domain}", "/admin/domains/no-such.example", "",
   {302, 302, 302, 302, 404}},
  {A, POST, "/admin/domains/{domain}/primary", "/admin/domains/no-such.example/primary",
   "primary=1", {401, 401, 401, 401, 404}},

  // ---- alpha's dashboard: staff pages ------------------------------------------------------
  {D, GET,  "/login", "/store/alpha/login", "", {200, 200, 303, 303, 303}},
  {D, POST, "/login", "/store/alpha/login", "email=&password=", {422, 422, 422, 422, 422},
   Send::login_form},
  {D, POST, "/logout", "/store/alpha/logout", "", {303, 303, 303, 303, 303}, Send::own_session},
  {D, GET,  "/", "/store/alpha/", "", {302, 302, 200, 200, 200}},
  {D, GET,  "/dashboard", "/store/alpha/dashboard", "", {302, 302, 200, 200, 200}},
  {D, GET,  "/products", "/store/alpha/products", "", {302, 302, 200, 200, 200}},
  {D, GET,  "/products/new", "/store/alpha/products/new", "", {302, 302, 200, 200, 200}},
  {D, POST, "/products", "/store/alpha/products", "name=&price=abc",
   {401, 401, 422, 422, 422}},
  {D, GET,  "/products/{id}", "/store/alpha/products/$product", "", {302, 302, 200, 200, 200}},
  {D, POST, "/products/{id}", "/store/alpha/products/$product", "name=&price=abc",
   {401, 401, 422, 422, 422}},
  {D, POST, "/products/{id}/delete", "/store/alpha/products/$bravo_product/delete", "",
   {401, 401, 404, 404, 404}},
  {D, POST, "/products/{id}/image", "/store/alpha/products/$product/image", "",
   {401, 401, 422, 422, 422}},  // no file
  {D, GET,  "/orders", "/store/alpha/orders", "", {302, 302, 200, 200, 200}},
  {D, GET,  "/orders/{id}", "/store/alpha/orders/$order", "", {302, 302, 200, 200, 200}},
  {D, POST, "/orders/{id}/status", "/store/alpha/orders/$order/status", "status=no-such-status",
   {401, 401, 422, 422, 422}},
  {D, GET,  "/account", "/store/alpha/account", "", {302, 302, 200, 200, 200}},
  {D, POST, "/account/password", "/store/alpha/account/password",
   "current_password=&new_password=&confirm_password=", {401, 401, 422, 422, 422}},

  // Invitation links: open to whoever holds one (an unknown link is 404 for everyone).
  {D, GET,  "/invite/{token}",
   "/store/alpha/invite/0000000000000000000000000000000000000000000000000000000000000000", "",
   {404, 404, 404, 404, 404}},
  {D, POST, "/invite/{token}",
   "/store/alpha/invite/0000000000000000000000000000000000000000000000000000000000000000",
   "password=", {404, 404, 404, 404, 404}},

  // ---- alpha's dashboard: owner pages ------------------------------------------------------
  {D, GET,  "/theme", "/store/alpha/theme", "", {302, 302, 403, 200, 200}},
  {D, POST, "/theme", "/store/alpha/theme", "primary_color=not-a-colour",
   {401, 401, 403, 422, 422}},
  {D, GET,  "/theme/preview", "/store/alpha/theme/preview", "", {302, 302, 403, 200, 200}},
  {D, POST, "/theme/logo", "/store/alpha/theme/logo", "", {401, 401, 403, 422, 422}},  // no file
  {D, GET,  "/domains", "/store/alpha/domains", "", {302, 302, 403, 200, 200}},
  {D, POST, "/domains", "/store/alpha/domains", "domain=", {401, 401, 403, 422, 422}},
  {D, POST, "/domains/{domain}/verify", "/store/alpha/domains/no-such.example/verify", "",
   {401, 401, 403, 404, 404}},
  {D, POST, "/domains/{domain}/remove", "/store/alpha/domains/no-such.example/remove", "",
   {401, 401, 403, 404, 404}},
  {D, GET,  "/domains/{domain}", "/store/alpha/domains/no-such.example", "",
   {302, 302, 403, 404, 404}},
  {D, POST, "/domains/{domain}/primary", "/store/alpha/domains/no-such.example/primary",
   "primary=1", {401, 401, 403, 404, 404}},
  {D, GET,  "/members", "/store/alpha/members", "", {302, 302, 403, 200, 200}},
  {D, POST, "/members", "/store/alpha/members", "email=&role=staff",
   {401, 401, 403, 422, 422}},
  {D, POST, "/members/invitations/{id}/revoke", "/store/alpha/members/invitations/999999/revoke",
   "", {401, 401, 403, 404, 404}},
  {D, POST, "/members/{user_id}/remove", "/store/alpha/members/$bravo_owner/remove", "",
   {401, 401, 403, 404, 404}},
  {D, GET,  "/tokens", "/store/alpha/tokens", "", {302, 302, 403, 200, 200}},
  {D, POST, "/tokens", "/store/alpha/tokens", "name=$long_name", {401, 401, 403, 422, 422}},
  {D, POST, "/tokens/{id}/revoke", "/store/alpha/tokens/$bravo_token/revoke", "",
   {401, 401, 403, 404, 404}},

  // ---- management API: no token 401, a token outside its scope 403 -------------------------
  {API, GET,  "/api/v1/openapi.json", "/api/v1/openapi.json", "", {200, 200, 200, 200, 200}},
  {API, GET,  "/api/v1/admin/stores", "/api/v1/admin/stores", "", {401, 403, 403, 403, 200}},
  {API, POST, "/api/v1/admin/stores", "/api/v1/admin/stores", "{}", {401, 403, 403, 403, 422}},
  {API, GET,  "/api/v1/admin/stores/{code}", "/api/v1/admin/stores/alpha", "",
   {401, 403, 403, 403, 200}},
  {API, verb::patch, "/api/v1/admin/stores/{code}", "/api/v1/admin/stores/alpha",
   R"({"name":""})", {401, 403, 403, 403, 422}},
  {API, GET,  "/api/v1/admin/stores/{code}/domains", "/api/v1/admin/stores/alpha/domains", "",
   {401, 403, 403, 403, 200}},
  {API, POST, "/api/v1/admin/stores/{code}/domains", "/api/v1/admin/stores/alpha/domains", "{}",
   {401, 403, 403, 403, 422}},
  {API, POST, "/api/v1/admin/domains/{domain}/verify",
   "/api/v1/admin/domains/no-such.example/verify", "{}", {401, 403, 403, 403, 404}},
  {API, GET,  "/api/v1/admin/domains/{domain}", "/api/v1/admin/domains/no-such.example", "",
   {401, 403, 403, 403, 404}},
  {API, verb::patch, "/api/v1/admin/domains/{domain}", "/api/v1/admin/domains/no-such.example",
   R"({"primary":true})", {401, 403, 403, 403, 404}},
  {API, verb::delete_, "/api/v1/admin/domains/{domain}", "/api/v1/admin/domains/no-such.example",
   "", {401, 403, 403, 403, 404}},
  {API, GET,  "/api/v1/stores/{code}/products", "/api/v1/stores/alpha/products", "",
   {401, 403, 200, 200, 200}},
  {API, POST, "/api/v1/stores/{code}/products", "/api/v1/stores/alpha/products", "{}",
   {401, 403, 422, 422, 422}},
  {API, GET,  "/api/v1/stores/{code}/products/{id}", "/api/v1/stores/alpha/products/$product", "",
   {401, 403, 200, 200, 200}},
  {API, verb::patch, "/api/v1/stores/{code}/products/{id}",
   "/api/v1/stores/alpha/products/$product", R"({"price_cents":-1})", {401, 403, 422, 422, 422}},
  {API, verb::delete_, "/api/v1/stores/{code}/products/{id}",
   "/api/v1/stores/alpha/products/$bravo_product", "", {401, 403, 404, 404, 404}},
  {API, GET,  "/api/v1/stores/{code}/orders", "/api/v1/stores/alpha/orders", "",
   {401, 403, 200, 200, 200}},
  {API, GET,  "/api/v1/stores/{code}/theme", "/api/v1/stores/alpha/theme", "",
   {401, 403, 200, 200, 200}},
  {API, verb::put, "/api/v1/stores/{code}/theme", "/api/v1/stores/alpha/theme",
   R"({"primary_color":"not-a-colour"})", {401, 403, 422, 422, 422}},
};
// clang-format on

using RouteKey = std::tuple<ContextType, verb, std::string>;

std::string describe(const RouteKey& key) {
  const auto& [context, method, pattern] = key;
  return std::string(core::to_string(context)) + " " +
         std::string(boost::beast::http::to_string(method)) + " " + pattern;
}

std::set<RouteKey> live_routes(const http::Router& router) {
  std::set<RouteKey> out;
  for (const http::Route& route : router.routes()) {
    if (route.context == A || route.context == D || route.context == API) {
      out.emplace(route.context, route.method, route.pattern);
    }
  }
  return out;
}

std::set<RouteKey> row_routes(std::span<const Row> rows) {
  std::set<RouteKey> out;
  for (const Row& row : rows) {
    out.emplace(row.context, row.method, std::string(row.pattern));
  }
  return out;
}

// The keys of `a` missing from `b`, one per line.
std::string missing(const std::set<RouteKey>& a, const std::set<RouteKey>& b) {
  std::string out;
  for (const RouteKey& key : a) {
    if (!b.contains(key)) {
      out += describe(key) + "\n";
    }
  }
  return out;
}

testing::Headers headers_with(const std::string& cookies) {
  if (cookies.empty()) {
    return {};
  }
  return {{"Cookie", cookies}};
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

class AuthorizationMatrixTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    storage::Database& db = server_->database();
    const auto alpha = testing::seed_store(db, "alpha", "Alpha Shop", 2);
    const auto bravo = testing::seed_store(db, "bravo", "Bravo Shop", 1);
    ASSERT_FALSE(HasFailure());
    {
      auto tx = db.begin_platform();
      ASSERT_TRUE(tx);
      auto admin = storage::users::create(*tx, "admin@platform.test", kPassword, true);
      auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
      auto staff = storage::users::create(*tx, "staff@alpha.test", kPassword, false);
      auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
      ASSERT_TRUE(admin && owner && staff && other);
      using storage::MemberRole;
      ASSERT_TRUE(storage::members::grant(*tx, alpha.store.id, owner->id, MemberRole::owner));
      ASSERT_TRUE(storage::members::grant(*tx, alpha.store.id, staff->id, MemberRole::staff));
      ASSERT_TRUE(storage::members::grant(*tx, bravo.store.id, other->id, MemberRole::owner));
      auto admin_token = storage::api_tokens::create(*tx, std::nullopt, "matrix admin");
      auto alpha_token = storage::api_tokens::create(*tx, alpha.store.id, "matrix alpha");
      auto bravo_token = storage::api_tokens::create(*tx, bravo.store.id, "matrix bravo");
      ASSERT_TRUE(admin_token && alpha_token && bravo_token);
      tokens_ = {"", bravo_token->token, alpha_token->token, alpha_token->token,
                 admin_token->token};
      ASSERT_TRUE(tx->commit());
      values_["$user"] = std::to_string(staff->id);
      values_["$bravo_owner"] = std::to_string(other->id);
      values_["$bravo_token"] = std::to_string(bravo_token->record.id);
    }
    {
      auto tx = db.begin(storage::TenantScope::admin(alpha.store.snapshot()));
      ASSERT_TRUE(tx);
      const storage::OrderLine line{alpha.products.front().id, 1};
      auto order = storage::orders::create(*tx, "buyer@example.com", {&line, 1});
      ASSERT_TRUE(order) << order.error().message;
      ASSERT_TRUE(tx->commit());
      values_["$order"] = std::to_string(order->id);
    }
    values_["$product"] = std::to_string(alpha.products.front().id);
    values_["$bravo_product"] = std::to_string(bravo.products.front().id);
    values_["$long_name"] = std::string(150, 'n');
  }

  // Signs `who` in to the console their requests in `context` carry a session of: their own
  // store's dashboard (bravo's for the other owner, alpha's for the rest), or /admin for the
  // admin's admin-console requests. None for the anonymous.
  std::unique_ptr<ConsoleSession> sign_in(Who who, ContextType context) const {
    static constexpr std::array<const char*, 5> kEmails = {
        "", "owner@bravo.test", "staff@alpha.test", "owner@alpha.test", "admin@platform.test"};
    if (who == anonymous) {
      return nullptr;
    }
    std::string console = who == other_owner ? "/store/bravo" : "/store/alpha";
    if (who == admin && context == A) {
      console = "/admin";
    }
    auto session = std::make_unique<ConsoleSession>(*server_, console, kEmails[who], kPassword);
    EXPECT_TRUE(session->signed_in())
        << kWhoNames[who] << " at " << console << ": " << session->login_response().result_int();
    return session;
  }

  void sign_everyone_in() {
    for (const Who who : {other_owner, staff, owner, admin}) {
      dashboard_[who] = sign_in(who, D);
      admin_console_[who] = who == admin ? sign_in(who, A) : nullptr;
    }
  }

  std::string filled(std::string_view text) const {
    std::string out(text);
    for (const auto& [name, value] : values_) {
      replace_all(out, name, value);
    }
    return out;
  }

  // The request `row` makes as `who`.
  HttpResponse send(const Row& row, Who who) {
    const std::string target = filled(row.path);
    const std::string body = filled(row.body);
    if (row.context == API) {
      return server_->json(row.method, kHost, target, body, tokens_[who]);
    }
    const std::string host = row.send == Send::admin_host ? kAdminHost : kHost;
    std::unique_ptr<ConsoleSession> own;
    const ConsoleSession* session = nullptr;
    if (row.send == Send::own_session) {
      own = sign_in(who, row.context);
      session = own.get();
    } else if (who != anonymous) {
      // A store member's requests to /admin carry their store session: the only one they have.
      session =
          row.context == A && who == admin ? admin_console_[who].get() : dashboard_[who].get();
    }
    std::string cookies = session != nullptr ? "orion_session=" + session->cookie() : "";
    if (row.method == GET) {
      return server_->get(host, target, headers_with(cookies));
    }
    std::string form = body;
    if (row.send == Send::login_form) {
      // The login form's double-submit token (its cookie and its field), as a browser has it
      // from showing the form (to the signed-in, the login page answers with a redirect).
      const auto page = server_->get(host, target);
      const std::string field = testing::hidden_field(page.body(), "csrf");
      cookies += (cookies.empty() ? "" : "; ") + std::string("orion_csrf=") +
                 testing::cookie_value(page, "orion_csrf");
      form += "&csrf=" + field;
    } else if (session != nullptr) {
      form += (form.empty() ? "" : "&") + std::string("csrf=") + session->csrf();
      // The uploads take the token from the head only (their body is read after the gate).
      auto headers = headers_with(cookies);
      headers.emplace_back("X-CSRF-Token", session->csrf());
      return server_->post_form(host, target, form, headers);
    }
    return server_->post_form(host, target, form, headers_with(cookies));
  }

  std::unique_ptr<TestServer> server_;
  std::array<std::string, 5> tokens_;
  std::map<std::string, std::string> values_;
  std::array<std::unique_ptr<ConsoleSession>, 5> dashboard_;
  std::array<std::unique_ptr<ConsoleSession>, 5> admin_console_;
};

TEST_P(AuthorizationMatrixTest, EveryRouteHasARowAndEveryRowARoute) {
  const auto live = live_routes(server_->app().router());
  const auto rows = row_routes(kRows);
  EXPECT_EQ(missing(live, rows), "") << "routes without a row in the matrix: add one";
  EXPECT_EQ(missing(rows, live), "") << "rows without a route (a page missing or renamed)";
  EXPECT_EQ(rows.size(), std::size(kRows)) << "a route has two rows";

  // Each row's concrete path is one its pattern matches (dashboard patterns are on the path
  // after /store/alpha).
  for (const Row& row : kRows) {
    std::string path = filled(row.path);
    path = path.substr(0, path.find('?'));
    if (row.context == D) {
      ASSERT_TRUE(path.starts_with("/store/alpha")) << path;
      path = path.substr(std::string_view("/store/alpha").size());
    }
    http::RouteParams params;
    EXPECT_TRUE(http::match_route(row.pattern, path, params))
        << row.pattern << " does not match " << filled(row.path);
  }
}

TEST_P(AuthorizationMatrixTest, TheComparisonCatchesAMissingRowAndAStaleRow) {
  auto live = live_routes(server_->app().router());
  auto rows = row_routes(kRows);
  rows.erase(RouteKey{D, GET, "/products"});
  rows.emplace(D, GET, "/coupons");
  EXPECT_EQ(missing(live, rows), "STORE_DASHBOARD GET /products\n");
  EXPECT_EQ(missing(rows, live), "STORE_DASHBOARD GET /coupons\n");
}

TEST_P(AuthorizationMatrixTest, EveryIdentityGetsTheExpectedStatus) {
  sign_everyone_in();
  ASSERT_FALSE(HasFailure());
  for (const Row& row : kRows) {
    for (const Who who : {anonymous, other_owner, staff, owner, admin}) {
      const HttpResponse response = send(row, who);
      const int want = row.expect[who];
      EXPECT_EQ(response.result_int(), want) << boost::beast::http::to_string(row.method) << " "
                                             << filled(row.path) << " as " << kWhoNames[who] << "\n"
                                             << response.body().substr(0, 600);
      // Refused page views go to the login of the console asked for, not to another one.
      if (want == 302 && response.result_int() == 302 && row.send != Send::admin_host) {
        const std::string login = row.context == A ? "/admin/login" : "/store/alpha/login";
        EXPECT_EQ(response[boost::beast::http::field::location], login)
            << filled(row.path) << " as " << kWhoNames[who];
      }
    }
  }
}

// The other half of "another store's owner is treated as anonymous": they cannot sign in to
// alpha's dashboard at all, and no store member can sign in to the admin console.
TEST_P(AuthorizationMatrixTest, AStoreMemberCannotSignInToAnotherConsole) {
  const ConsoleSession bravo_at_alpha(*server_, "/store/alpha", "owner@bravo.test", kPassword);
  EXPECT_FALSE(bravo_at_alpha.signed_in());
  EXPECT_EQ(bravo_at_alpha.login_response().result_int(), 401);
  for (const char* email : {"owner@alpha.test", "staff@alpha.test", "owner@bravo.test"}) {
    const ConsoleSession at_admin(*server_, "/admin", email, kPassword);
    EXPECT_FALSE(at_admin.signed_in()) << email;
    EXPECT_EQ(at_admin.login_response().result_int(), 401) << email;
  }
  // The admin may sign in to any store's dashboard.
  const ConsoleSession admin_at_bravo(*server_, "/store/bravo", "admin@platform.test", kPassword);
  EXPECT_TRUE(admin_at_bravo.signed_in());
}

ORION_SERVER_ON_BOTH_BACKENDS(AuthorizationMatrixTest);

}  // namespace
}  // namespace orion

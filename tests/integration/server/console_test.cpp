// The consoles' login over a real socket, on both backends: the admin (/admin) and the store
// dashboards (/store/{code}/) redirect anonymous page views to their login, answer other
// anonymous requests 401, sign in with a real password and a CSRF-protected form, keep one
// store's session out of another store's dashboard, and end the session on logout.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/sessions.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/users.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::hidden_field;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kHost = "platform.test";
constexpr const char* kPassword = "correct horse battery";

// The whole Set-Cookie header that sets `name` ("" when none does).
std::string set_cookie_header(const HttpResponse& response, const std::string& name) {
  for (const auto& field : response) {
    if (field.name() == beast_http::field::set_cookie &&
        std::string_view(field.value()).starts_with(name + "=")) {
      return std::string(field.value());
    }
  }
  return {};
}

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

class ConsoleTest : public ::testing::TestWithParam<storage::Backend> {
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
    auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
    ASSERT_TRUE(admin && owner && other);
    owner_id_ = owner->id;
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(storage::members::grant(*tx, bravo->id, other->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }

  struct LoginForm {
    std::string cookie;  // the orion_csrf cookie
    std::string field;   // the form's csrf field
  };

  LoginForm open_login(const std::string& path, const std::string& host = kHost) {
    auto page = server_->get(host, path);
    EXPECT_EQ(page.result_int(), 200) << path << "\n" << page.body();
    EXPECT_NE(page.body().find("name=\"password\""), std::string::npos) << page.body();
    return {testing::cookie_value(page, "orion_csrf"), hidden_field(page.body(), "csrf")};
  }

  // GETs the login form, then posts it.
  HttpResponse log_in(const std::string& path, const std::string& email,
                      const std::string& password, const std::string& host = kHost) {
    const LoginForm form = open_login(path, host);
    return server_->post_form(host, path,
                              "email=" + email + "&password=" + password + "&csrf=" + form.field,
                              {{"Cookie", "orion_csrf=" + form.cookie}});
  }

  // Signs in and returns the session cookie ("" when refused).
  std::string session(const std::string& path, const std::string& email,
                      const std::string& host = kHost) {
    auto response = log_in(path, email, "correct+horse+battery", host);
    EXPECT_EQ(response.result_int(), 303) << response.body();
    return testing::cookie_value(response, "orion_session");
  }

  HttpResponse get_with(const std::string& target, const std::string& cookie,
                        const std::string& host = kHost) {
    return server_->get(host, target, {{"Cookie", "orion_session=" + cookie}});
  }

  std::unique_ptr<TestServer> server_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
  std::int64_t owner_id_ = 0;
};

TEST_P(ConsoleTest, AnonymousPageViewsGoToTheLogin) {
  for (const auto& [target, login] :
       {std::pair{"/admin/", "/admin/login"}, std::pair{"/admin/stores", "/admin/login"},
        std::pair{"/store/alpha/", "/store/alpha/login"},
        std::pair{"/store/alpha/dashboard", "/store/alpha/login"},
        std::pair{"/store/alpha/products", "/store/alpha/login"},
        std::pair{"/store/ALPHA/orders/7", "/store/alpha/login"}}) {
    auto response = server_->get(kHost, target);
    EXPECT_EQ(response.result_int(), 302) << target;
    EXPECT_EQ(location(response), login) << target;
  }
  // The store's own host reaches the same dashboard.
  auto own_host = server_->get("alpha.platform.test", "/store/alpha/");
  EXPECT_EQ(own_host.result_int(), 302);
  EXPECT_EQ(location(own_host), "/store/alpha/login");
  // The admin host's root leads to the admin.
  auto admin_host = server_->get("admin.platform.test", "/");
  EXPECT_EQ(admin_host.result_int(), 302);
  EXPECT_EQ(location(admin_host), "/admin/");
}

TEST_P(ConsoleTest, AnonymousNonPageRequestsGet401) {
  auto post = server_->post_form(kHost, "/store/alpha/products", "name=x");
  EXPECT_EQ(post.result_int(), 401);
  EXPECT_NE(post.body().find("\"code\":\"unauthorized\""), std::string::npos) << post.body();
  auto admin = server_->json(beast_http::verb::post, kHost, "/admin/stores/alpha/deactivate", "");
  EXPECT_EQ(admin.result_int(), 401);
}

TEST_P(ConsoleTest, AnUnknownStoresDashboardIsNotFound) {
  auto response = server_->get(kHost, "/store/nosuch/");
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_NE(response.body().find("Store not found"), std::string::npos);
  EXPECT_EQ(server_->get(kHost, "/store/nosuch/login").result_int(), 404);
}

TEST_P(ConsoleTest, TheLoginPageIsARealFormWithACsrfCookie) {
  auto page = server_->get(kHost, "/store/alpha/login");
  ASSERT_EQ(page.result_int(), 200);
  EXPECT_NE(page.body().find("<form method=\"post\" action=\"/store/alpha/login\""),
            std::string::npos)
      << page.body();
  EXPECT_NE(page.body().find("Alpha Shop"), std::string::npos);
  EXPECT_EQ(page.body().find("Bravo Shop"), std::string::npos);
  const std::string cookie = set_cookie_header(page, "orion_csrf");
  EXPECT_NE(cookie.find("Path=/store/alpha/"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_EQ(testing::cookie_value(page, "orion_csrf"), hidden_field(page.body(), "csrf"));
  EXPECT_EQ(page["Cache-Control"], "no-store");
  EXPECT_EQ(page["X-Frame-Options"], "DENY");
}

TEST_P(ConsoleTest, AWrongPasswordShowsTheFormAgainWith401) {
  auto wrong = log_in("/store/alpha/login", "owner@alpha.test", "guess");
  EXPECT_EQ(wrong.result_int(), 401);
  EXPECT_NE(wrong.body().find("Wrong e-mail address or password"), std::string::npos);
  EXPECT_NE(wrong.body().find("value=\"owner@alpha.test\""), std::string::npos);
  EXPECT_TRUE(testing::cookie_value(wrong, "orion_session").empty());

  auto unknown = log_in("/store/alpha/login", "nobody@alpha.test", "correct+horse+battery");
  EXPECT_EQ(unknown.result_int(), 401);
  auto malformed = log_in("/admin/login", "not-an-email", "correct+horse+battery");
  EXPECT_EQ(malformed.result_int(), 401);
  auto empty = log_in("/admin/login", "admin@example.com", "");
  EXPECT_EQ(empty.result_int(), 422);
}

TEST_P(ConsoleTest, ALoginWithoutTheCsrfTokenIsRefused) {
  const std::string form = "email=owner@alpha.test&password=correct+horse+battery";
  auto no_token = server_->post_form(kHost, "/store/alpha/login", form);
  EXPECT_EQ(no_token.result_int(), 403);
  EXPECT_TRUE(testing::cookie_value(no_token, "orion_session").empty());
  const LoginForm real = open_login("/store/alpha/login");
  auto forged =
      server_->post_form(kHost, "/store/alpha/login", form + "&csrf=" + std::string(32, 'a'),
                         {{"Cookie", "orion_csrf=" + real.cookie}});
  EXPECT_EQ(forged.result_int(), 403);
  auto no_cookie = server_->post_form(kHost, "/store/alpha/login", form + "&csrf=" + real.field);
  EXPECT_EQ(no_cookie.result_int(), 403);
}

TEST_P(ConsoleTest, TheOwnerOfAStoreSignsInToItsDashboard) {
  auto response = log_in("/store/alpha/login", "owner@alpha.test", "correct+horse+battery");
  ASSERT_EQ(response.result_int(), 303) << response.body();
  EXPECT_EQ(location(response), "/store/alpha/");
  const std::string header = set_cookie_header(response, "orion_session");
  EXPECT_NE(header.find("Path=/store/alpha/"), std::string::npos) << header;
  EXPECT_NE(header.find("HttpOnly"), std::string::npos) << header;
  EXPECT_NE(header.find("SameSite=Lax"), std::string::npos) << header;
  EXPECT_EQ(header.find("Secure"), std::string::npos) << header;  // plain HTTP here
  const std::string cookie = testing::cookie_value(response, "orion_session");
  ASSERT_FALSE(cookie.empty());

  {
    auto tenant = server_->database().begin(storage::TenantScope::admin(alpha_.snapshot()));
    ASSERT_TRUE(tenant);
    storage::NewProduct lamp;
    lamp.name = "Alpha Lamp";
    lamp.price_cents = 1250;
    auto product = storage::products::create(*tenant, lamp);
    ASSERT_TRUE(product);
    const storage::OrderLine line{product->id, 2};
    ASSERT_TRUE(storage::orders::create(*tenant, "buyer@example.com", {&line, 1}));
    ASSERT_TRUE(tenant->commit());
  }
  auto home = get_with("/store/alpha/", cookie);
  ASSERT_EQ(home.result_int(), 200) << home.body();
  EXPECT_NE(home.body().find("Alpha Shop"), std::string::npos);
  EXPECT_NE(home.body().find("owner@alpha.test"), std::string::npos);
  EXPECT_NE(home.body().find("buyer@example.com"), std::string::npos);
  EXPECT_NE(home.body().find("25.00 EUR"), std::string::npos) << home.body();
  EXPECT_EQ(home.body().find("Bravo Shop"), std::string::npos);
  EXPECT_EQ(get_with("/store/alpha/dashboard", cookie).result_int(), 200);
  // Signed in, a page that does not exist is a themed 404, not the login.
  auto missing = get_with("/store/alpha/no-such-page", cookie);
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_NE(missing.body().find("Page not found"), std::string::npos);
  // The login page sends a signed-in user home.
  auto again = get_with("/store/alpha/login", cookie);
  EXPECT_EQ(again.result_int(), 303);
  // The same dashboard through the store's subdomain.
  EXPECT_EQ(get_with("/store/alpha/", cookie, "alpha.platform.test").result_int(), 200);
}

TEST_P(ConsoleTest, OneStoresSessionDoesNotOpenAnotherStoresDashboard) {
  const std::string cookie = session("/store/alpha/login", "owner@alpha.test");
  ASSERT_FALSE(cookie.empty());
  auto other = get_with("/store/bravo/", cookie);
  EXPECT_EQ(other.result_int(), 302);
  EXPECT_EQ(location(other), "/store/bravo/login");
  EXPECT_EQ(get_with("/store/bravo/dashboard", cookie).result_int(), 302);
  auto post = server_->post_form(kHost, "/store/bravo/products", "name=x",
                                 {{"Cookie", "orion_session=" + cookie}});
  EXPECT_EQ(post.result_int(), 401);
  EXPECT_EQ(get_with("/store/bravo/", cookie, "bravo.platform.test").result_int(), 302);
  EXPECT_EQ(get_with("/admin/", cookie).result_int(), 302);
  // A member of alpha only cannot sign in to bravo.
  auto refused = log_in("/store/bravo/login", "owner@alpha.test", "correct+horse+battery");
  EXPECT_EQ(refused.result_int(), 401);
  // Nor to the admin.
  EXPECT_EQ(log_in("/admin/login", "owner@alpha.test", "correct+horse+battery").result_int(), 401);
}

TEST_P(ConsoleTest, AnAdminSignsInToTheAdminAndToAnyDashboard) {
  auto response = log_in("/admin/login", "admin@example.com", "correct+horse+battery");
  ASSERT_EQ(response.result_int(), 303) << response.body();
  EXPECT_EQ(location(response), "/admin/");
  EXPECT_NE(set_cookie_header(response, "orion_session").find("Path=/admin;"), std::string::npos);
  const std::string cookie = testing::cookie_value(response, "orion_session");
  auto home = get_with("/admin/", cookie);
  ASSERT_EQ(home.result_int(), 200) << home.body();
  EXPECT_NE(home.body().find("Alpha Shop"), std::string::npos);
  EXPECT_NE(home.body().find("Bravo Shop"), std::string::npos);
  EXPECT_NE(home.body().find("href=\"/store/bravo/\""), std::string::npos);
  EXPECT_NE(home.body().find("href=\"/stores/alpha/shop/\""), std::string::npos);
  // An admin session is not a dashboard session...
  EXPECT_EQ(get_with("/store/alpha/", cookie).result_int(), 302);
  // ...but an admin may sign in to any dashboard.
  const std::string store_cookie = session("/store/bravo/login", "admin@example.com");
  EXPECT_EQ(get_with("/store/bravo/", store_cookie).result_int(), 200);
  EXPECT_EQ(get_with("/store/alpha/", store_cookie).result_int(), 302);
  // The admin host serves the same admin.
  EXPECT_EQ(get_with("/admin/", cookie, "admin.platform.test").result_int(), 200);
}

TEST_P(ConsoleTest, LogoutEndsTheSession) {
  const std::string cookie = session("/store/alpha/login", "owner@alpha.test");
  auto home = get_with("/store/alpha/", cookie);
  ASSERT_EQ(home.result_int(), 200);
  const std::string csrf = hidden_field(home.body(), "csrf");
  ASSERT_FALSE(csrf.empty());
  // Without the session's token, logout is refused and the session lives on.
  auto forged = server_->post_form(kHost, "/store/alpha/logout", "csrf=" + std::string(64, 'b'),
                                   {{"Cookie", "orion_session=" + cookie}});
  EXPECT_EQ(forged.result_int(), 403);
  EXPECT_EQ(get_with("/store/alpha/", cookie).result_int(), 200);

  auto out = server_->post_form(kHost, "/store/alpha/logout", "csrf=" + csrf,
                                {{"Cookie", "orion_session=" + cookie}});
  EXPECT_EQ(out.result_int(), 303);
  EXPECT_EQ(location(out), "/store/alpha/login");
  EXPECT_NE(set_cookie_header(out, "orion_session").find("Max-Age=0"), std::string::npos);
  auto after = get_with("/store/alpha/", cookie);
  EXPECT_EQ(after.result_int(), 302);
  EXPECT_EQ(location(after), "/store/alpha/login");
}

TEST_P(ConsoleTest, AnExpiredSessionGoesBackToTheLogin) {
  std::string cookie;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::sessions::create(
        *tx, storage::sessions::NewSession{owner_id_, alpha_.id, "store", -60});
    ASSERT_TRUE(created);
    cookie = created->cookie_value;
    ASSERT_TRUE(tx->commit());
  }
  auto response = get_with("/store/alpha/", cookie);
  EXPECT_EQ(response.result_int(), 302);
  EXPECT_EQ(location(response), "/store/alpha/login");
}

TEST_P(ConsoleTest, ARemovedMemberIsSignedOut) {
  const std::string cookie = session("/store/alpha/login", "owner@alpha.test");
  ASSERT_EQ(get_with("/store/alpha/", cookie).result_int(), 200);
  {
    auto tenant = server_->database().begin(storage::TenantScope::admin(alpha_.snapshot()));
    ASSERT_TRUE(tenant);
    ASSERT_TRUE(storage::members::remove(*tenant, owner_id_));
    ASSERT_TRUE(tenant->commit());
  }
  EXPECT_EQ(get_with("/store/alpha/", cookie).result_int(), 302);
}

ORION_SERVER_ON_BOTH_BACKENDS(ConsoleTest);

}  // namespace
}  // namespace orion

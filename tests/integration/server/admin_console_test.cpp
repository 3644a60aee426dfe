// The platform admin's console over a real socket, on both backends: the overview's numbers,
// the store search, creating a store (it serves at once, on its subdomain and its path; invalid
// forms come back with 422 and their messages), deactivating and activating a store (the shop
// answers 404 and serves again at once), granting and removing memberships, and the users.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <regex>

#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::ConsoleSession;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kHost = "platform.test";
constexpr const char* kPassword = "correct horse battery";

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

bool has(const HttpResponse& response, const std::string& text) {
  return response.body().find(text) != std::string::npos;
}

// The store codes linked from a stores list, in order.
std::vector<std::string> listed_codes(const HttpResponse& response) {
  static const std::regex row(R"re(<tr><td><a href="/admin/stores/([a-z0-9-]+)">)re");
  std::vector<std::string> codes;
  const std::string& body = response.body();
  for (auto it = std::sregex_iterator(body.begin(), body.end(), row); it != std::sregex_iterator();
       ++it) {
    codes.push_back((*it)[1].str());
  }
  return codes;
}

class AdminConsoleTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    alpha_ = testing::seed_store(server_->database(), "alpha", "Alpha Shop", 1).store;
    bravo_ = testing::seed_store(server_->database(), "bravo", "Bravo Shop", 1).store;
    testing::seed_store(server_->database(), "charlie", "Coffee Corner", 1);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::users::create(*tx, "admin@example.com", kPassword, true));
    auto member = storage::users::create(*tx, "sam@example.com", kPassword, false);
    ASSERT_TRUE(member);
    sam_id_ = member->id;
    ASSERT_TRUE(tx->commit());
    admin_ = std::make_unique<ConsoleSession>(*server_, "/admin", "admin@example.com", kPassword);
    ASSERT_TRUE(admin_->signed_in());
  }

  int shop_status(const std::string& host, const std::string& target) {
    return server_->get(host, target).result_int();
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<ConsoleSession> admin_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
  std::int64_t sam_id_ = 0;
};

TEST_P(AdminConsoleTest, TheOverviewCountsStoresByStateAndTodaysOrders) {
  testing::set_store_active(server_->database(), "charlie", false);
  for (const storage::StoreRecord* store : {&alpha_, &bravo_, &alpha_}) {
    auto tenant = server_->database().begin(storage::TenantScope::admin(store->snapshot()));
    ASSERT_TRUE(tenant);
    auto products = storage::products::list(*tenant, {});
    ASSERT_TRUE(products && !products->empty());
    const storage::OrderLine line{products->front().id, 1};
    ASSERT_TRUE(storage::orders::create(*tenant, "buyer@example.com", {&line, 1}));
    ASSERT_TRUE(tenant->commit());
  }
  auto home = admin_->get("/");
  ASSERT_EQ(home.result_int(), 200) << home.body();
  EXPECT_TRUE(has(home, "id=\"store-count\">3<")) << home.body();
  EXPECT_TRUE(has(home, "id=\"active-stores\">2<"));
  EXPECT_TRUE(has(home, "id=\"inactive-stores\">1<"));
  EXPECT_TRUE(has(home, "id=\"orders-today\">3<"));
  EXPECT_TRUE(has(home, "id=\"user-count\">2<"));
  // The newest stores first, linked to their admin page.
  EXPECT_EQ(listed_codes(home), (std::vector<std::string>{"charlie", "bravo", "alpha"}));
}

TEST_P(AdminConsoleTest, TheStoreSearchMatchesCodeOrName) {
  EXPECT_EQ(listed_codes(admin_->get("/stores")),
            (std::vector<std::string>{"alpha", "bravo", "charlie"}));
  EXPECT_EQ(listed_codes(admin_->get("/stores?q=coffee")), (std::vector<std::string>{"charlie"}));
  EXPECT_EQ(listed_codes(admin_->get("/stores?q=BRA")), (std::vector<std::string>{"bravo"}));
  EXPECT_EQ(listed_codes(admin_->get("/stores?q=shop")),
            (std::vector<std::string>{"alpha", "bravo"}));
  auto none = admin_->get("/stores?q=" + encode("%"));
  EXPECT_EQ(none.result_int(), 200);
  EXPECT_TRUE(listed_codes(none).empty());
  EXPECT_TRUE(has(none, "No store matches")) << none.body();
  // The query is kept in the search box, escaped.
  auto odd = admin_->get("/stores?q=" + encode("<b>"));
  EXPECT_TRUE(has(odd, "value=\"&lt;b&gt;\"")) << odd.body();
}

TEST_P(AdminConsoleTest, ACreatedStoreServesAtOnceOnItsSubdomainAndPath) {
  // Asked for before it exists: "no such store" is now in the store cache.
  EXPECT_EQ(shop_status(kHost, "/stores/delta/shop/"), 404);
  EXPECT_EQ(shop_status("delta.platform.test", "/shop/"), 404);

  auto created = admin_->post("/stores", "code=delta&name=" + encode("Delta Goods"));
  ASSERT_EQ(created.result_int(), 303) << created.body();
  EXPECT_EQ(location(created), "/admin/stores/delta?notice=created");
  EXPECT_EQ(shop_status(kHost, "/stores/delta/shop/"), 200);
  EXPECT_EQ(shop_status("delta.platform.test", "/shop/"), 200);

  auto page = admin_->get("/stores/delta?notice=created");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(has(page, "Delta Goods"));
  EXPECT_TRUE(has(page, "The store was created."));
  EXPECT_TRUE(has(page, "id=\"store-state\">active<"));
  EXPECT_TRUE(has(page, "href=\"/admin/stores/delta/domains\""));
  EXPECT_TRUE(has(page, "href=\"/stores/delta/shop/\""));
  EXPECT_TRUE(has(page, "href=\"/store/delta/\""));
  // On the subdomain, with the scheme and port the request came with (no port here).
  EXPECT_TRUE(has(page, "href=\"http://delta.platform.test/shop/\"")) << page.body();
}

TEST_P(AdminConsoleTest, AnInvalidStoreFormComesBackWith422AndItsMessages) {
  auto bad_code = admin_->post("/stores", "code=" + encode("Bad Code!") + "&name=Fine");
  EXPECT_EQ(bad_code.result_int(), 422);
  EXPECT_TRUE(has(bad_code, "class=\"field-error\" id=\"code-error\"")) << bad_code.body();
  EXPECT_TRUE(has(bad_code, "class=\"error\""));
  EXPECT_TRUE(has(bad_code, "value=\"Bad Code!\""));
  EXPECT_TRUE(has(bad_code, "value=\"Fine\""));

  auto reserved = admin_->post("/stores", "code=admin&name=Admin");
  EXPECT_EQ(reserved.result_int(), 422);
  EXPECT_TRUE(has(reserved, "id=\"code-error\""));

  auto no_name = admin_->post("/stores", "code=echo&name=");
  EXPECT_EQ(no_name.result_int(), 422);
  EXPECT_TRUE(has(no_name, "id=\"name-error\"")) << no_name.body();
  EXPECT_FALSE(has(no_name, "id=\"code-error\""));

  auto taken = admin_->post("/stores", "code=alpha&name=Again");
  EXPECT_EQ(taken.result_int(), 422);
  EXPECT_TRUE(has(taken, "A store with this code already exists.")) << taken.body();

  EXPECT_EQ(listed_codes(admin_->get("/stores")),
            (std::vector<std::string>{"alpha", "bravo", "charlie"}));
  // Without the session's CSRF token nothing is created.
  EXPECT_EQ(admin_->post_raw("/stores", "code=foxtrot&name=Fox").result_int(), 403);
  EXPECT_EQ(admin_->get("/stores/foxtrot").result_int(), 404);
}

TEST_P(AdminConsoleTest, DeactivatingAStoreTakesItsShopDownAtOnceAndActivatingBringsItBack) {
  // Both cached as serving.
  ASSERT_EQ(shop_status(kHost, "/stores/alpha/shop/"), 200);
  ASSERT_EQ(shop_status("alpha.platform.test", "/shop/"), 200);

  auto off = admin_->post("/stores/alpha/deactivate", {});
  ASSERT_EQ(off.result_int(), 303) << off.body();
  EXPECT_EQ(location(off), "/admin/stores/alpha?notice=deactivated");
  EXPECT_EQ(shop_status(kHost, "/stores/alpha/shop/"), 404);
  EXPECT_EQ(shop_status("alpha.platform.test", "/shop/"), 404);
  EXPECT_EQ(shop_status(kHost, "/store/alpha/login"), 404);
  auto page = admin_->get("/stores/alpha");
  EXPECT_TRUE(has(page, "id=\"store-state\">inactive<")) << page.body();
  EXPECT_TRUE(has(page, "action=\"/admin/stores/alpha/activate\""));
  EXPECT_TRUE(has(admin_->get("/stores"), "inactive"));

  auto on = admin_->post("/stores/alpha/activate", {});
  ASSERT_EQ(on.result_int(), 303);
  EXPECT_EQ(shop_status(kHost, "/stores/alpha/shop/"), 200);
  EXPECT_EQ(shop_status("alpha.platform.test", "/shop/"), 200);
  EXPECT_TRUE(has(admin_->get("/stores/alpha"), "id=\"store-state\">active<"));

  EXPECT_EQ(admin_->post("/stores/nosuch/deactivate", {}).result_int(), 404);
  EXPECT_EQ(admin_->get("/stores/nosuch").result_int(), 404);
  EXPECT_EQ(admin_->post_raw("/stores/alpha/deactivate", {}).result_int(), 403);
  EXPECT_EQ(shop_status(kHost, "/stores/alpha/shop/"), 200);
}

TEST_P(AdminConsoleTest, TheAdminGrantsAndRemovesMemberships) {
  const ConsoleSession before(*server_, "/store/bravo", "sam@example.com", kPassword);
  EXPECT_FALSE(before.signed_in());

  auto unknown = admin_->post("/stores/bravo/members", "email=nobody%40example.com&role=staff");
  EXPECT_EQ(unknown.result_int(), 422);
  EXPECT_TRUE(has(unknown, "id=\"email-error\"")) << unknown.body();
  EXPECT_TRUE(has(unknown, "value=\"nobody@example.com\""));
  auto bad_role = admin_->post("/stores/bravo/members", "email=sam%40example.com&role=king");
  EXPECT_EQ(bad_role.result_int(), 422);
  EXPECT_TRUE(has(bad_role, "id=\"role-error\""));

  auto granted = admin_->post("/stores/bravo/members", "email=sam%40example.com&role=owner");
  ASSERT_EQ(granted.result_int(), 303) << granted.body();
  EXPECT_EQ(location(granted), "/admin/stores/bravo?notice=granted");
  auto page = admin_->get("/stores/bravo");
  EXPECT_TRUE(has(page, "sam@example.com"));
  EXPECT_TRUE(has(page, "<td>owner</td>"));
  const std::string remove_url =
      "/admin/stores/bravo/members/" + std::to_string(sam_id_) + "/remove";
  EXPECT_TRUE(has(page, "action=\"" + remove_url + "\""));

  const ConsoleSession sam(*server_, "/store/bravo", "sam@example.com", kPassword);
  ASSERT_TRUE(sam.signed_in());
  EXPECT_EQ(sam.get("/tokens").result_int(), 200);  // an owner's page

  auto removed = admin_->post("/stores/bravo/members/" + std::to_string(sam_id_) + "/remove", {});
  ASSERT_EQ(removed.result_int(), 303) << removed.body();
  EXPECT_EQ(location(removed), "/admin/stores/bravo?notice=removed");
  EXPECT_FALSE(has(admin_->get("/stores/bravo"), "sam@example.com"));
  EXPECT_EQ(sam.get("/").result_int(), 302);  // signed out of the store at once
  EXPECT_EQ(
      admin_->post("/stores/bravo/members/" + std::to_string(sam_id_) + "/remove", {}).result_int(),
      404);
}

TEST_P(AdminConsoleTest, TheAdminCreatesUsersAndSeesTheirMemberships) {
  auto created = admin_->post("/users", "email=" + encode("Nina@Example.com") +
                                            "&password=" + encode("long enough secret") +
                                            "&store=alpha&role=owner");
  ASSERT_EQ(created.result_int(), 303) << created.body();
  const std::string target = location(created);
  const std::smatch match = [&target] {
    std::smatch m;
    std::regex_match(target, m, std::regex(R"(/admin/users/(\d+)\?notice=created)"));
    return m;
  }();
  ASSERT_FALSE(match.empty()) << target;
  auto detail = admin_->get(target.substr(std::string("/admin").size()));
  ASSERT_EQ(detail.result_int(), 200) << detail.body();
  EXPECT_TRUE(has(detail, "nina@example.com"));
  EXPECT_TRUE(has(detail, "The user was created."));
  EXPECT_TRUE(has(detail, "<code>alpha</code></a></td><td>owner</td>")) << detail.body();
  EXPECT_TRUE(has(detail, "Not an administrator."));
  // The new owner signs in to the store's dashboard (and not to the admin).
  EXPECT_TRUE(ConsoleSession(*server_, "/store/alpha", "nina@example.com", "long enough secret")
                  .signed_in());
  EXPECT_FALSE(
      ConsoleSession(*server_, "/admin", "nina@example.com", "long enough secret").signed_in());

  auto admin =
      admin_->post("/users", "email=ops%40example.com&password=" + encode("another long secret") +
                                 "&is_admin=1");
  ASSERT_EQ(admin.result_int(), 303) << admin.body();
  EXPECT_TRUE(
      ConsoleSession(*server_, "/admin", "ops@example.com", "another long secret").signed_in());

  auto users = admin_->get("/users");
  ASSERT_EQ(users.result_int(), 200);
  EXPECT_TRUE(has(users, "nina@example.com"));
  EXPECT_TRUE(has(users, "ops@example.com"));
  EXPECT_TRUE(has(users, "<code>alpha</code></a> (owner)")) << users.body();
  EXPECT_EQ(admin_->get("/users/999999").result_int(), 404);
}

TEST_P(AdminConsoleTest, AnInvalidUserFormComesBackWith422AndCreatesNothing) {
  auto short_password = admin_->post("/users", "email=new%40example.com&password=short");
  EXPECT_EQ(short_password.result_int(), 422);
  EXPECT_TRUE(has(short_password, "id=\"password-error\"")) << short_password.body();
  EXPECT_TRUE(has(short_password, "value=\"new@example.com\""));
  auto bad_email = admin_->post("/users", "email=not-an-email&password=" + encode("long enough!"));
  EXPECT_EQ(bad_email.result_int(), 422);
  EXPECT_TRUE(has(bad_email, "id=\"email-error\""));
  auto taken = admin_->post("/users", "email=sam%40example.com&password=" + encode("long enough!"));
  EXPECT_EQ(taken.result_int(), 422);
  EXPECT_TRUE(has(taken, "already exists")) << taken.body();
  auto no_store = admin_->post(
      "/users", "email=new%40example.com&password=" + encode("long enough!") + "&store=nosuch");
  EXPECT_EQ(no_store.result_int(), 422);
  EXPECT_TRUE(has(no_store, "id=\"store-error\"")) << no_store.body();
  EXPECT_FALSE(has(admin_->get("/users"), "new@example.com"));
  EXPECT_EQ(admin_->post_raw("/users", "email=x%40example.com&password=" + encode("long enough!"))
                .result_int(),
            403);
}

ORION_SERVER_ON_BOTH_BACKENDS(AdminConsoleTest);

}  // namespace
}  // namespace orion

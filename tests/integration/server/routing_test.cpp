// Every routing mode and every fail-closed rule of DESIGN.md §2, end to end over a real socket
// on both backends: the store a request reaches is the one its host or path names, and nothing
// else — another store's path on a store host, the admin interface on a store host, unverified
// domains, inactive stores, IP literals and nested subdomains all answer without a store.
#include <gtest/gtest.h>

#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::TestServer;
namespace bh = boost::beast::http;

class RoutingTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    testing::seed_store(server_->database(), "orion", "Orion Shop", 2, {"orion.lu"});
    testing::seed_store(server_->database(), "techstore", "Tech Store", 2, {"mytechstore.net"},
                        {"pending-tech.net"});
    testing::seed_store(server_->database(), "closed", "Closed Shop", 1, {"closed.lu"});
    testing::set_store_active(server_->database(), "closed", false);
  }

  // Status and whether the body names `store`.
  void expect_store(const std::string& host, const std::string& target, const std::string& name) {
    auto response = server_->get(host, target);
    EXPECT_EQ(response.result_int(), 200) << host << target;
    EXPECT_NE(response.body().find(name), std::string::npos) << host << target;
    for (const char* other : {"Orion Shop", "Tech Store", "Closed Shop"}) {
      if (other != name) {
        EXPECT_EQ(response.body().find(other), std::string::npos)
            << host << target << " shows " << other;
      }
    }
  }

  void expect_no_store(const std::string& host, const std::string& target, unsigned status = 404) {
    auto response = server_->get(host, target);
    EXPECT_EQ(response.result_int(), status) << host << target;
    for (const char* name : {"Orion Shop", "Tech Store", "Closed Shop", "mk-"}) {
      EXPECT_EQ(response.body().find(name), std::string::npos)
          << host << target << " shows " << name;
    }
  }

  std::unique_ptr<TestServer> server_;
};

TEST_P(RoutingTest, EachModeReachesTheStoreItNames) {
  expect_store("platform.test", "/stores/orion/shop/", "Orion Shop");
  expect_store("platform.test", "/stores/techstore/shop/", "Tech Store");
  expect_store("orion.platform.test", "/shop/", "Orion Shop");
  expect_store("techstore.platform.test", "/shop/products", "Tech Store");
  expect_store("orion.lu", "/shop/", "Orion Shop");
  expect_store("mytechstore.net", "/shop/", "Tech Store");
  // Host spelling: case, trailing dot, port.
  expect_store("ORION.Platform.Test.:8080", "/shop/", "Orion Shop");
  expect_store("Orion.LU", "/shop/", "Orion Shop");
  // Path spelling: case of the code, escapes, dot segments.
  expect_store("platform.test", "/stores/ORION/shop/", "Orion Shop");
  expect_store("platform.test", "/stores/%6frion/shop/", "Orion Shop");
  expect_store("platform.test", "/stores/orion/../techstore/shop/", "Tech Store");
  // Absolute-form target: its authority wins over Host.
  expect_store("platform.test", "http://techstore.platform.test/shop/", "Tech Store");
}

TEST_P(RoutingTest, StoreRootsRedirectToTheStorefront) {
  auto subdomain = server_->get("orion.platform.test", "/");
  EXPECT_EQ(subdomain.result_int(), 302);
  EXPECT_EQ(subdomain[bh::field::location], "/shop/");
  auto custom = server_->get("orion.lu", "/?ref=x");
  EXPECT_EQ(custom.result_int(), 302);
  EXPECT_EQ(custom[bh::field::location], "/shop/?ref=x");
  auto path = server_->get("platform.test", "/stores/orion/");
  EXPECT_EQ(path.result_int(), 302);
  EXPECT_EQ(path[bh::field::location], "/stores/orion/shop/");
}

TEST_P(RoutingTest, AStoreHostNeverServesAnotherStore) {
  expect_no_store("orion.platform.test", "/stores/techstore/shop/");
  expect_no_store("orion.lu", "/stores/techstore/shop/products");
  expect_no_store("orion.lu", "/store/techstore/");
  expect_no_store("orion.platform.test", "/stores/orion/../techstore/shop/");
  expect_no_store("orion.lu", "/static/stores/techstore/logo.png");
}

TEST_P(RoutingTest, AStoreHostNeverReachesTheAdminInterface) {
  expect_no_store("orion.platform.test", "/admin");
  expect_no_store("orion.lu", "/admin/login");
  expect_no_store("orion.lu", "/stores/orion/admin");
}

TEST_P(RoutingTest, UnknownUnverifiedAndInactiveAnswerWithoutAStore) {
  expect_no_store("pending-tech.net", "/shop/");
  expect_no_store("unknown.example", "/shop/");
  expect_no_store("nosuch.platform.test", "/shop/");
  expect_no_store("platform.test", "/stores/nosuch/shop/");
  expect_no_store("closed.platform.test", "/shop/");
  expect_no_store("closed.lu", "/shop/");
  expect_no_store("platform.test", "/stores/closed/shop/");
}

TEST_P(RoutingTest, IpLiteralsAndNestedSubdomainsAreNeverAStore) {
  expect_no_store("127.0.0.1", "/shop/");
  expect_no_store("[::1]:8080", "/shop/");
  expect_no_store("a.orion.platform.test", "/shop/");
  expect_no_store("www.orion.platform.test", "/shop/");
}

TEST_P(RoutingTest, MalformedRequestsAre400) {
  EXPECT_EQ(server_->get("", "/shop/").result_int(), 400);
  EXPECT_EQ(server_->get("bad host", "/shop/").result_int(), 400);
  EXPECT_EQ(server_->get("orion.platform.test", "/shop/%2e%2e%2fadmin").result_int(), 400);
  EXPECT_EQ(server_->get("orion.platform.test", "/shop/a%2fb").result_int(), 400);
  auto twice = server_->get("orion.platform.test", "/shop/", {{"Host", "techstore.platform.test"}});
  EXPECT_EQ(twice.result_int(), 400);
  EXPECT_EQ(twice.body().find("Tech Store"), std::string::npos);
}

TEST_P(RoutingTest, ThePlatformHostServesThePlatform) {
  auto home = server_->get("platform.test", "/");
  EXPECT_EQ(home.result_int(), 200);
  auto www = server_->get("www.platform.test", "/");
  EXPECT_EQ(www.result_int(), 200);
  EXPECT_EQ(server_->get("platform.test", "/shop/").result_int(), 404);
}

TEST_P(RoutingTest, ErrorsCarryTheRequestId) {
  auto response = server_->get("unknown.example", "/shop/", {{"X-Request-Id", "trace-me-1"}});
  EXPECT_EQ(response["X-Request-Id"], "trace-me-1");
  auto bad = server_->get("bad host", "/");
  EXPECT_FALSE(bad["X-Request-Id"].empty());
}

ORION_SERVER_ON_BOTH_BACKENDS(RoutingTest);

}  // namespace
}  // namespace orion

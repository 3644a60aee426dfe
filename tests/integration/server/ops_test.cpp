// The operator's endpoints over a real socket, on both backends: liveness and readiness on every
// Host, metrics counting the requests just made (on the platform host, or on a listener of their
// own with metrics_listen), and the TLS ask endpoint.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::TestServer;

class OpsTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
  }
  std::unique_ptr<TestServer> server_;
};

TEST_P(OpsTest, HealthAndReadinessAnswerOnThePlatformHost) {
  auto health = server_->get("platform.test", "/healthz");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  auto ready = server_->get("platform.test", "/readyz");
  EXPECT_EQ(ready.result_int(), 200) << ready.body();
  EXPECT_FALSE(ready["X-Request-Id"].empty());
}

// One GET on a new connection to 127.0.0.1:`port`; `host` empty sends an HTTP/1.0 request
// without a Host header.
testing::HttpResponse get_at(unsigned short port, const std::string& host,
                             const std::string& target) {
  namespace beast = boost::beast;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  beast::http::request<beast::http::empty_body> request{beast::http::verb::get, target,
                                                        host.empty() ? 10 : 11};
  if (!host.empty()) {
    request.set(beast::http::field::host, host);
    request.set(beast::http::field::connection, "close");
  }
  beast::http::write(socket, request);
  beast::flat_buffer buffer;
  testing::HttpResponse response;
  beast::http::read(socket, buffer, response);
  return response;
}

// A load balancer probes by IP address or by any name; a store with a primary domain must not
// redirect the probe, an unknown host must not turn it into a storefront 404.
TEST_P(OpsTest, HealthAndReadinessAnswerOnEveryHost) {
  const auto seeded =
      testing::seed_store(server_->database(), "alpha", "Alpha", 1, {"alpha.example.com"});
  {
    auto tenant = server_->database().begin(storage::TenantScope::admin(seeded.store.snapshot()));
    ASSERT_TRUE(tenant);
    ASSERT_TRUE(storage::domains::set_primary(*tenant, "alpha.example.com", true));
    ASSERT_TRUE(tenant->commit());
  }
  const std::string by_ip = "127.0.0.1:" + std::to_string(server_->port());
  for (const std::string& host :
       {by_ip, std::string("10.0.0.5"), std::string("[::1]:8080"),
        std::string("unknown.example.org"), std::string("alpha.platform.test"),
        std::string("alpha.example.com"), std::string("admin.platform.test"),
        std::string("platform.test")}) {
    auto health = server_->get(host, "/healthz");
    EXPECT_EQ(health.result_int(), 200) << host << ": " << health.body();
    EXPECT_EQ(health.body(), R"({"status":"ok"})") << host;
    auto ready = server_->get(host, "/readyz");
    EXPECT_EQ(ready.result_int(), 200) << host << ": " << ready.body();
    EXPECT_EQ(ready.body(), R"({"status":"ready"})") << host;
  }
  // A store's own path is no probe: the path-based prefix keeps it the store's.
  EXPECT_NE(server_->get("platform.test", "/stores/alpha/shop/healthz").body(),
            R"({"status":"ok"})");
  EXPECT_NE(server_->get("platform.test", "/store/alpha/healthz").body(), R"({"status":"ok"})");
  // The storefront redirect still applies to the store's pages on the subdomain.
  EXPECT_EQ(server_->get("alpha.platform.test", "/shop/").result_int(), 301);
}

TEST_P(OpsTest, MetricsCountRequestsByContextAndStatus) {
  server_->get("platform.test", "/healthz");
  server_->get("platform.test", "/healthz");
  server_->get("platform.test", "/no-such-page");
  auto metrics = server_->get("platform.test", "/metrics");
  ASSERT_EQ(metrics.result_int(), 200);
  const std::string& text = metrics.body();
  EXPECT_NE(text.find("orion_http_requests_total{context=\"PLATFORM\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("orion_http_requests_total{context=\"PLATFORM\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_count 3"), std::string::npos);
  EXPECT_NE(text.find("orion_change_feed_current 1"), std::string::npos);
  EXPECT_NE(text.find("orion_directory_stores "), std::string::npos);
  EXPECT_NE(text.find("orion_db_pool_connections{state=\"open\"}"), std::string::npos);
}

TEST_P(OpsTest, TlsAskSaysYesOnlyForAVerifiedDomainOfAnActiveStore) {
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto store = storage::stores::create(*tx, "orion", "Orion Shop");
    ASSERT_TRUE(store);
    ASSERT_TRUE(tx->commit());
    auto tenant = server_->database().begin(storage::TenantScope::admin(store->snapshot()));
    ASSERT_TRUE(tenant);
    ASSERT_TRUE(storage::domains::add(*tenant, "orion.lu"));
    ASSERT_TRUE(storage::domains::add(*tenant, "pending.lu"));
    ASSERT_TRUE(tenant->commit());
    auto verify = server_->database().begin_platform();
    ASSERT_TRUE(verify);
    ASSERT_TRUE(storage::domains::mark_verified(*verify, "orion.lu"));
    ASSERT_TRUE(verify->commit());
  }
  EXPECT_EQ(server_->get("platform.test", "/internal/tls-ask?domain=orion.lu").result_int(), 200);
  EXPECT_EQ(server_->get("platform.test", "/internal/tls-ask?domain=ORION.lu.").result_int(), 200);
  EXPECT_EQ(server_->get("platform.test", "/internal/tls-ask?domain=pending.lu").result_int(), 404);
  EXPECT_EQ(server_->get("platform.test", "/internal/tls-ask?domain=other.lu").result_int(), 404);
  EXPECT_EQ(
      server_->get("platform.test", "/internal/tls-ask?domain=shop.platform.test").result_int(),
      404);
  EXPECT_EQ(server_->get("platform.test", "/internal/tls-ask").result_int(), 400);
}

TEST_P(OpsTest, MetricsAreNotServedOnAnyStoreHost) {
  testing::seed_store(server_->database(), "alpha", "Alpha", 1, {"alpha.example.com"});
  for (const std::string host : {"alpha.platform.test", "alpha.example.com", "10.0.0.5"}) {
    auto metrics = server_->get(host, "/metrics");
    EXPECT_EQ(metrics.result_int(), 404) << host;
    EXPECT_EQ(metrics.body().find("orion_http_requests_total"), std::string::npos) << host;
  }
}

ORION_SERVER_ON_BOTH_BACKENDS(OpsTest);

// metrics_listen: /metrics on an address of its own, on any Host, and nowhere on the main
// listener; nothing else of the platform on the metrics address.
class MetricsListenTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    app::Config config;
    config.metrics_listen = "127.0.0.1:0";
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    auto endpoint = server_->app().metrics_endpoint();
    ASSERT_TRUE(endpoint);
    metrics_port_ = endpoint->port();
    ASSERT_NE(metrics_port_, 0);
    ASSERT_NE(metrics_port_, server_->port());
  }
  std::unique_ptr<TestServer> server_;
  unsigned short metrics_port_ = 0;
};

TEST_P(MetricsListenTest, MetricsAnswerOnlyOnTheirOwnListener) {
  EXPECT_EQ(server_->get("platform.test", "/healthz").result_int(), 200);
  for (const std::string host : {"platform.test", "127.0.0.1", "anything.example", ""}) {
    auto metrics = get_at(metrics_port_, host, "/metrics");
    EXPECT_EQ(metrics.result_int(), 200) << host;
    EXPECT_NE(metrics.body().find("orion_http_requests_total{context=\"PLATFORM\",status=\"200\"}"),
              std::string::npos)
        << metrics.body();
  }
  auto main = server_->get("platform.test", "/metrics");
  EXPECT_EQ(main.result_int(), 404);
  EXPECT_EQ(main.body().find("orion_http_requests_total"), std::string::npos);
  // Nothing else is reachable on the metrics address.
  for (const std::string target : {"/healthz", "/", "/admin/login", "/stores/x/shop/"}) {
    EXPECT_EQ(get_at(metrics_port_, "platform.test", target).result_int(), 404) << target;
  }
}

ORION_SERVER_ON_BOTH_BACKENDS(MetricsListenTest);

}  // namespace
}  // namespace orion

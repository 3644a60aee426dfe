// The operator's endpoints over a real socket, on both backends: liveness, readiness, metrics
// counting the requests just made, and the TLS ask endpoint.
#include <gtest/gtest.h>

#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
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
  EXPECT_NE(text.find("orion_store_cache_hits_total"), std::string::npos);
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

ORION_SERVER_ON_BOTH_BACKENDS(OpsTest);

}  // namespace
}  // namespace orion

// Domain checks cannot stall the platform (issue 14, point 8): every check runs on the check
// executor (domains::CheckExecutor), not on the blocking pool the storefront needs. The resolver
// here reads every query and never answers (testing::SilentResolver), so each check takes its
// whole dns_timeout; thirty of them at once leave the storefront's latency where it was, a
// second check of a domain being checked is refused (409 check_in_progress), a store past its
// cap gets 429 too_many_requests, both with Retry-After, and /metrics shows the queue.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/sessions.hpp"
#include "support/dnsmasq.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using namespace std::chrono_literals;
using testing::HttpResponse;
using testing::TestServer;
using verb = boost::beast::http::verb;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kPlatform = "platform.test";

class DomainChecksTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    app::Config config;
    config.dns_server = silent_.server();
    config.dns_timeout = 1000ms;
    // A small blocking pool, as on a small machine: thirty hanging checks on it would hold
    // every thread for seconds.
    config.io_threads = 2;
    config.blocking_threads = 4;
    config.domain_check_threads = 4;
    config.domain_check_queue = 64;
    config.domain_checks_per_store = 2;
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    testing::seed_store(server_->database(), "calm", "Calm Shop", 3);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::api_tokens::create(*tx, std::nullopt, "checks test");
    ASSERT_TRUE(created);
    ASSERT_TRUE(tx->commit());
    admin_ = created->token;
  }

  HttpResponse verify(const std::string& domain) const {
    return server_->json(verb::post, kPlatform, "/api/v1/admin/domains/" + domain + "/verify", "",
                         admin_);
  }

  static std::string error_code(const HttpResponse& response) {
    boost::system::error_code ec;
    const json::value value = json::parse(response.body(), ec);
    if (ec || !value.is_object() || !value.as_object().contains("error")) {
      return {};
    }
    return std::string(value.at("error").at("code").as_string());
  }

  // The slowest of `count` storefront page loads (each reads the database).
  std::chrono::milliseconds slowest_storefront_get(int count) const {
    std::chrono::milliseconds slowest{0};
    for (int i = 0; i < count; ++i) {
      const auto start = Clock::now();
      auto page = server_->get("calm.platform.test", "/shop/products");
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      EXPECT_EQ(page.result_int(), 200);
      slowest = std::max(slowest, took);
    }
    return slowest;
  }

  testing::SilentResolver silent_;
  std::unique_ptr<TestServer> server_;
  std::string admin_;
};

TEST_P(DomainChecksTest, ThirtyHangingChecksLeaveTheStorefrontLatencyAlone) {
  std::vector<std::string> domains;
  for (int store = 0; store < 15; ++store) {
    const std::string code = "hang" + std::to_string(10 + store);
    const std::vector<std::string> own = {code + "-a.example.com", code + "-b.example.com"};
    testing::seed_store(server_->database(), code, "Hanging " + code, 0, {}, own);
    domains.insert(domains.end(), own.begin(), own.end());
  }
  const auto baseline = slowest_storefront_get(10);

  std::vector<int> statuses(domains.size(), 0);
  std::vector<std::string> retry_after(domains.size());
  std::vector<std::thread> clicks;
  const auto started = Clock::now();
  for (std::size_t i = 0; i < domains.size(); ++i) {
    clicks.emplace_back([&, i] {
      auto response = verify(domains[i]);
      statuses[i] = response.result_int();
      retry_after[i] = std::string(response[boost::beast::http::field::retry_after]);
    });
  }
  std::this_thread::sleep_for(200ms);  // the checks are admitted and hanging
  const auto during = slowest_storefront_get(20);
  const auto storefront_done = Clock::now();
  for (auto& click : clicks) {
    click.join();
  }
  // The checks were still running while the storefront answered: 30 checks of 1 s each on 4
  // threads take about 8 s.
  EXPECT_LT(storefront_done - started, 6s);
  EXPECT_LT(during, std::max<std::chrono::milliseconds>(4 * baseline, 1500ms))
      << "baseline " << baseline.count() << " ms";
  for (std::size_t i = 0; i < domains.size(); ++i) {
    EXPECT_EQ(statuses[i], 200) << domains[i];  // admitted: a failed check is an answer
  }
}

TEST_P(DomainChecksTest, ASecondCheckOfADomainAndAStorePastItsCapAreRefused) {
  testing::seed_store(server_->database(), "busy", "Busy Shop", 0, {},
                      {"one.busy.example", "two.busy.example", "three.busy.example"});
  std::vector<std::thread> clicks;
  std::vector<int> statuses(2, 0);
  for (int i = 0; i < 2; ++i) {
    const std::string domain = i == 0 ? "one.busy.example" : "two.busy.example";
    clicks.emplace_back([&, i, domain] { statuses[i] = verify(domain).result_int(); });
  }
  std::this_thread::sleep_for(300ms);  // both admitted, hanging for their second

  auto metrics = server_->get(kPlatform, "/metrics");
  EXPECT_NE(metrics.body().find("orion_domain_check_queue{state=\"running\"} 2"), std::string::npos)
      << metrics.body();

  auto again = verify("one.busy.example");
  EXPECT_EQ(again.result_int(), 409) << again.body();
  EXPECT_EQ(error_code(again), "check_in_progress");
  EXPECT_FALSE(again[boost::beast::http::field::retry_after].empty());

  auto third = verify("three.busy.example");
  EXPECT_EQ(third.result_int(), 429) << third.body();
  EXPECT_EQ(error_code(third), "too_many_requests");
  EXPECT_NE(third.body().find("Store busy has 2 domain checks running"), std::string::npos)
      << third.body();
  EXPECT_FALSE(third[boost::beast::http::field::retry_after].empty());

  // The pointing report of another store is not held up by this one's cap.
  testing::seed_store(server_->database(), "other", "Other Shop", 0, {}, {"other.example.org"});
  auto other =
      server_->json(verb::get, kPlatform, "/api/v1/admin/domains/other.example.org", "", admin_);
  EXPECT_EQ(other.result_int(), 200) << other.body();

  for (auto& click : clicks) {
    click.join();
  }
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 200);
  // Once done, the same domain can be checked again.
  EXPECT_EQ(verify("one.busy.example").result_int(), 200);
  metrics = server_->get(kPlatform, "/metrics");
  EXPECT_NE(metrics.body().find("orion_domain_check_refused_total{reason=\"in_progress\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body().find("orion_domain_check_refused_total{reason=\"store_limit\"} 1"),
            std::string::npos);
}

ORION_SERVER_ON_BOTH_BACKENDS(DomainChecksTest);

}  // namespace
}  // namespace orion

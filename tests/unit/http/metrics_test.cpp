// Metrics: requests counted by context type and status, the latency histogram's cumulative
// buckets, and the sources other parts register, in Prometheus text format.
#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include "http/query.hpp"

namespace orion::http {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, CountsByContextAndStatus) {
  Metrics metrics;
  metrics.record(core::ContextType::shop, 200, 100us);
  metrics.record(core::ContextType::shop, 200, 100us);
  metrics.record(core::ContextType::api, 401, 100us);
  metrics.record(std::nullopt, 400, 100us);
  EXPECT_EQ(metrics.requests(core::ContextType::shop, 200), 2U);
  EXPECT_EQ(metrics.requests(core::ContextType::api, 401), 1U);
  EXPECT_EQ(metrics.requests(core::ContextType::api, 200), 0U);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("orion_http_requests_total{context=\"SHOP\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("orion_http_requests_total{context=\"none\",status=\"400\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("status=\"500\""), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.record(core::ContextType::shop, 200, 50us);  // <= 0.0001
  metrics.record(core::ContextType::shop, 200, 2ms);   // <= 0.0025
  metrics.record(core::ContextType::shop, 200, 10s);   // only +Inf
  const std::string text = metrics.render();
  EXPECT_NE(text.find("orion_http_request_duration_seconds_bucket{le=\"0.0001\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("orion_http_request_duration_seconds_bucket{le=\"0.001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_bucket{le=\"0.0025\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_bucket{le=\"5\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("orion_http_request_duration_seconds_sum 10.00205"), std::string::npos);
}

TEST(Metrics, SourcesAreRenderedAtScrapeTime) {
  Metrics metrics;
  int scrapes = 0;
  metrics.add_source([&] { return "orion_test_gauge " + std::to_string(++scrapes) + "\n"; });
  EXPECT_NE(metrics.render().find("orion_test_gauge 1\n"), std::string::npos);
  EXPECT_NE(metrics.render().find("orion_test_gauge 2\n"), std::string::npos);
}

TEST(Query, DecodesValuesByName) {
  EXPECT_EQ(query_param("domain=orion.lu&x=1", "domain"), "orion.lu");
  EXPECT_EQ(query_param("a=1&domain=b%C3%BCcher.de", "domain"),
            "b\xC3\xBC"
            "cher.de");
  EXPECT_EQ(query_param("q=two+words", "q"), "two words");
  EXPECT_EQ(query_param("flag", "flag"), "");
  EXPECT_EQ(query_param("a=1&a=2", "a"), "1");
  EXPECT_FALSE(query_param("a=1", "b").has_value());
  EXPECT_FALSE(query_param("", "a").has_value());
  EXPECT_EQ(form_field("customer_email=a%40b.lu", "customer_email"), "a@b.lu");
}

}  // namespace
}  // namespace orion::http

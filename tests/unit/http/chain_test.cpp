// The middleware chain in its written order: request ids, the access log line with store and
// mode, the error boundary, and store resolution with its error answers (400 for a malformed
// host, a plain 404 when a store host is asked for another store).
#include "http/middleware/chain.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/field.hpp>
#include <sstream>

#include "support/memory_store_directory.hpp"

namespace orion::http {
namespace {

// Answers with what the chain resolved, or throws for /boom.
class EchoEndpoint final : public Endpoint {
 public:
  asio::awaitable<Response> serve(Request& request, RequestContext& context) const override {
    if (request.target() == "/shop/boom") {
      throw std::runtime_error("handler bug");
    }
    const core::Resolution& r = *context.resolution;
    co_return make_response(Status::ok,
                            std::string(r.store ? r.store->code : "-") + " " +
                                std::string(core::to_string(r.mode)) + " " +
                                std::string(core::to_string(r.context)) + " " + r.clean_path,
                            "text/plain");
  }
};

class ChainTest : public ::testing::Test {
 protected:
  ChainTest() {
    directory_.add_store(1, "orion", "Orion Shop");
    directory_.add_store(2, "techstore", "Tech Store");
    directory_.add_domain("orion.lu", "orion");
    log_ = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_lines_));
    chain_ = make_chain({log_, platform_, lookup_, std::make_unique<EchoEndpoint>()});
  }

  Response get(const std::string& host, const std::string& target,
               const std::string& request_id = {}) {
    Request request{beast_http::verb::get, target, 11};
    if (!host.empty()) {
      request.set(beast_http::field::host, host);
    }
    if (!request_id.empty()) {
      request.set("X-Request-Id", request_id);
    }
    asio::io_context io;
    auto response = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<Response> {
          RequestContext context;
          co_return co_await chain_->run(request, context);
        },
        asio::use_future);
    io.run();
    return response.get();
  }

  testing::MemoryStoreDirectory directory_;
  core::Platform platform_ = core::Platform::make("platform.com").value();
  asio::thread_pool blocking_{2};
  StoreLookup lookup_{directory_, blocking_};
  std::ostringstream log_lines_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<Chain> chain_;
};

TEST_F(ChainTest, ResolvesEachModeBeforeTheEndpoint) {
  EXPECT_EQ(get("orion.platform.com", "/shop/products").body(),
            "orion subdomain SHOP /shop/products");
  EXPECT_EQ(get("orion.lu", "/shop/").body(), "orion custom_domain SHOP /shop/");
  EXPECT_EQ(get("platform.com", "/stores/TechStore/shop/products").body(),
            "techstore path_based SHOP /shop/products");
  EXPECT_EQ(get("platform.com", "/store/orion/dashboard").body(),
            "orion path_based STORE_DASHBOARD /dashboard");
  EXPECT_EQ(get("unknown.example", "/shop/").body(), "- none SHOP /shop/");
}

TEST_F(ChainTest, AMalformedHostIs400WithTheJsonErrorShape) {
  const Response response = get("bad_host.example", "/shop/");
  EXPECT_EQ(response.result(), Status::bad_request);
  EXPECT_EQ(
      response.body(),
      R"({"error":{"code":"invalid_host","message":"host may contain only letters, digits, hyphens and dots"}})");
  EXPECT_EQ(get("", "/shop/").result(), Status::bad_request);
}

TEST_F(ChainTest, AStoreHostAskedForAnotherStoreIsAPlain404) {
  const Response response = get("orion.lu", "/stores/techstore/shop/");
  EXPECT_EQ(response.result(), Status::not_found);
  EXPECT_EQ(response.body().find("techstore"), std::string::npos);
  EXPECT_NE(response.body().find("\"code\":\"not_found\""), std::string::npos);
}

TEST_F(ChainTest, EveryResponseCarriesARequestIdAndLeavesOneLogLine) {
  const Response ok = get("orion.platform.com", "/shop/");
  const std::string id(ok["X-Request-Id"]);
  EXPECT_EQ(id.size(), 16U);
  const Response bad = get("bad host!", "/shop/");
  EXPECT_FALSE(bad["X-Request-Id"].empty());
  const std::string log = log_lines_.str();
  EXPECT_NE(log.find("request_id=" + id), std::string::npos) << log;
  EXPECT_NE(log.find("status=200 store=orion mode=subdomain context=SHOP"), std::string::npos)
      << log;
  EXPECT_NE(log.find("status=400 store=- mode=none"), std::string::npos) << log;
}

TEST_F(ChainTest, AClientRequestIdIsKeptOnlyWhenSane) {
  EXPECT_EQ(get("orion.lu", "/shop/", "abc-123")["X-Request-Id"], "abc-123");
  const Response odd = get("orion.lu", "/shop/", "evil id\" with=spaces");
  EXPECT_NE(odd["X-Request-Id"], "evil id\" with=spaces");
  EXPECT_EQ(odd["X-Request-Id"].size(), 16U);
}

TEST_F(ChainTest, TheErrorBoundaryTurnsAThrowInto500WithTheRequestId) {
  const Response response = get("orion.lu", "/shop/boom", "req-42");
  EXPECT_EQ(response.result(), Status::internal_server_error);
  EXPECT_NE(response.body().find("req-42"), std::string::npos);
  EXPECT_EQ(response.body().find("handler bug"), std::string::npos);  // no internals leak
  EXPECT_NE(log_lines_.str().find("unhandled exception request_id=req-42 error=\"handler bug\""),
            std::string::npos)
      << log_lines_.str();
  EXPECT_NE(log_lines_.str().find("request_id=req-42 method=GET target=\"/shop/boom\" status=500"),
            std::string::npos);
}

// Issue 14 point 13: the access line's values are the client's (target, Host); none of them may
// end the line or forge a field of it.
TEST_F(ChainTest, RequestValuesCannotForgeAccessLogFieldsOrLines) {
  const std::string forged = "/shop/x\" status=200 store=forged\n[2026-01-01] [test] [info] fake";
  get("orion.lu\" peer=6.6.6.6", forged, "req-7");
  get("orion.lu", forged, "req-8");
  const std::string log = log_lines_.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2) << log;
  EXPECT_NE(log.find("target=\"/shop/x\\\" status=200 store=forged\\x0a[2026-01-01] [test] [info] "
                     "fake\" status="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("host=\"orion.lu\\\" peer=6.6.6.6\""), std::string::npos) << log;
  // Read as a log reader does (key=value, quoted values with backslash escapes), each line has
  // each field once, the forged ones only inside the quoted values.
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::map<std::string, std::vector<std::string>> fields;
    std::size_t at = line.find("request_id=");
    ASSERT_NE(at, std::string::npos) << line;
    while (at < line.size()) {
      const std::size_t equals = line.find('=', at);
      ASSERT_NE(equals, std::string::npos) << line.substr(at);
      const std::string key = line.substr(at, equals - at);
      std::string value;
      std::size_t i = equals + 1;
      if (i < line.size() && line[i] == '"') {
        for (++i; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            ++i;
          }
          value += line[i];
        }
        ++i;  // the closing quote
      } else {
        for (; i < line.size() && line[i] != ' '; ++i) {
          value += line[i];
        }
      }
      fields[key].push_back(value);
      at = i + 1;
    }
    for (const char* key : {"request_id", "method", "target", "status", "store", "peer", "host"}) {
      EXPECT_EQ(fields[key].size(), 1U) << key << " in " << line;
    }
    EXPECT_NE(fields["store"].front(), "forged") << line;
    EXPECT_NE(fields["peer"].front(), "6.6.6.6") << line;
  }
}

// log_format = json: every line, the access line and a plain one, is one JSON object; the access
// line's fields are its members, holding the client's bytes exactly.
TEST_F(ChainTest, InJsonEveryLineIsOneObjectWithTheAccessFields) {
  std::ostringstream lines;
  auto log = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  log->set_formatter(make_log_formatter(LogFormat::json));
  ChainParts parts{log, platform_, lookup_, std::make_unique<EchoEndpoint>()};
  parts.log_format = LogFormat::json;
  chain_ = make_chain(std::move(parts));
  const std::string target = "/shop/q\"uote\\back\x01ctl\xc3\xa9\xff";
  get("orion.lu", target, "req-9");
  get("orion.lu", "/shop/boom", "req-10");
  log->info("a plain line with \"quotes\"\nand a newline");
  std::istringstream in(lines.str());
  std::vector<boost::json::object> objects;
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    const boost::json::value value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    ASSERT_TRUE(value.is_object()) << line;
    objects.push_back(value.as_object());
  }
  ASSERT_EQ(objects.size(), 4U) << lines.str();  // two access lines, the 500's cause, the plain one
  const auto& access = objects[0];
  EXPECT_EQ(access.at("level"), "info");
  EXPECT_TRUE(access.contains("time"));
  EXPECT_EQ(access.at("request_id"), "req-9");
  EXPECT_EQ(access.at("method"), "GET");
  EXPECT_EQ(access.at("target"), "/shop/q\"uote\\back\x01ctl\xc3\xa9\xef\xbf\xbd");
  EXPECT_TRUE(access.at("status").is_int64());  // 400: a control byte in a path
  for (const char* key : {"store", "mode", "context", "peer"}) {
    EXPECT_TRUE(access.at(key).is_string()) << key;
  }
  EXPECT_TRUE(access.at("duration_us").is_int64());
  EXPECT_EQ(access.at("host"), "orion.lu");
  EXPECT_EQ(objects[1].at("message"), "unhandled exception");
  EXPECT_EQ(objects[1].at("error"), "handler bug");
  EXPECT_EQ(objects[2].at("status"), 500);
  EXPECT_EQ(objects[2].at("store"), "orion");
  EXPECT_EQ(objects[2].at("mode"), "custom_domain");
  EXPECT_EQ(objects[2].at("context"), "SHOP");
  EXPECT_EQ(objects[3].at("message"), "a plain line with \"quotes\"\nand a newline");
}

}  // namespace
}  // namespace orion::http

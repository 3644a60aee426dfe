// The middleware chain in its written order: request ids, the access log line with store and
// mode, the error boundary, and store resolution with its error answers (400 for a malformed
// host, a plain 404 when a store host is asked for another store).
#include "http/middleware/chain.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

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
  EXPECT_NE(log_lines_.str().find("request_id=req-42 unhandled exception: handler bug"),
            std::string::npos);
  EXPECT_NE(log_lines_.str().find("request_id=req-42 method=GET target=\"/shop/boom\" status=500"),
            std::string::npos);
}

}  // namespace
}  // namespace orion::http

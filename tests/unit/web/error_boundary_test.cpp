// The error boundary's 500: a readable HTML page with the request id for a browser, the JSON
// error for everything else, and never the exception's text.
#include "http/middleware/error_boundary.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/field.hpp>
#include <stdexcept>

namespace orion::http {
namespace {

class ThrowingEndpoint final : public Endpoint {
 public:
  asio::awaitable<Response> serve(Request&, RequestContext&) const override {
    throw std::runtime_error("secret internals");
  }
};

Response run(std::string_view accept, std::string request_id) {
  std::vector<std::unique_ptr<Middleware>> middlewares;
  middlewares.push_back(std::make_unique<ErrorBoundary>(
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>())));
  const Chain chain{std::move(middlewares), std::make_unique<ThrowingEndpoint>()};
  Request request{beast_http::verb::get, "/shop/", 11};
  if (!accept.empty()) {
    request.set(beast_http::field::accept, accept);
  }
  asio::io_context io;
  auto response = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<Response> {
        RequestContext context;
        context.request_id = request_id;
        co_return co_await chain.run(request, context);
      },
      asio::use_future);
  io.run();
  return response.get();
}

TEST(ErrorBoundary, ABrowserGetsAnHtmlPageWithTheRequestId) {
  const Response response = run("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "req-7");
  EXPECT_EQ(response.result(), Status::internal_server_error);
  EXPECT_EQ(response[beast_http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(response.body().find("<code class=\"request-id\">req-7</code>"), std::string::npos);
  EXPECT_EQ(response.body().find("secret internals"), std::string::npos);
  EXPECT_FALSE(response["Content-Security-Policy"].empty());
}

TEST(ErrorBoundary, TheRequestIdIsEscapedInThePage) {
  const Response response = run("TEXT/HTML", "<b>");
  EXPECT_NE(response.body().find("&lt;b&gt;"), std::string::npos);
  EXPECT_EQ(response.body().find("<b>"), std::string::npos);
}

TEST(ErrorBoundary, OtherClientsGetTheJsonError) {
  for (const char* accept : {"", "application/json", "*/*"}) {
    const Response response = run(accept, "req-8");
    EXPECT_EQ(response.result(), Status::internal_server_error);
    EXPECT_EQ(response[beast_http::field::content_type], "application/json") << accept;
    EXPECT_NE(response.body().find(R"("code":"internal")"), std::string::npos);
    EXPECT_NE(response.body().find("req-8"), std::string::npos);
    EXPECT_EQ(response.body().find("secret internals"), std::string::npos);
  }
}

}  // namespace
}  // namespace orion::http

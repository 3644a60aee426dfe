// The router: pattern matching with parameters, routes chosen by context type, 405 with Allow,
// HEAD served by GET routes, the trailing-slash redirect that keeps the mode's prefix and the
// query, and per-context not-found handlers.
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/field.hpp>

namespace orion::http {
namespace {

using beast_http::verb;
using core::ContextType;

TEST(MatchRoute, LiteralSegmentsMatchExactly) {
  RouteParams params;
  EXPECT_TRUE(match_route("/shop/", "/shop/", params));
  EXPECT_TRUE(match_route("/shop/products", "/shop/products", params));
  EXPECT_FALSE(match_route("/shop/products", "/shop/products/", params));
  EXPECT_FALSE(match_route("/shop/", "/shop", params));
  EXPECT_FALSE(match_route("/shop/products", "/shop/product", params));
  EXPECT_FALSE(match_route("/shop/products", "/shop/products/1", params));
  EXPECT_FALSE(match_route("/shop", "", params));
}

TEST(MatchRoute, ParametersTakeOneNonEmptySegment) {
  RouteParams params;
  ASSERT_TRUE(match_route("/api/v1/stores/{code}/products/{id}", "/api/v1/stores/orion/products/42",
                          params));
  EXPECT_EQ(params.get("code"), "orion");
  EXPECT_EQ(params.get("id"), "42");
  EXPECT_EQ(params.get("missing"), "");
  RouteParams empty;
  EXPECT_FALSE(match_route("/shop/products/{id}", "/shop/products/", empty));
  EXPECT_FALSE(match_route("/shop/products/{id}", "/shop/products/1/2", empty));
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    const auto answer = [](std::string text) {
      return [text](Request&, RequestContext&,
                    const RouteParams& params) -> asio::awaitable<Response> {
        co_return make_response(Status::ok, text + ":" + std::string(params.get("id")),
                                "text/plain");
      };
    };
    router_.add(ContextType::shop, verb::get, "/shop/", answer("home"));
    router_.add(ContextType::shop, verb::get, "/shop/products/{id}", answer("product"));
    router_.add(ContextType::shop, verb::post, "/shop/cart/items", answer("add"));
    router_.add(ContextType::platform, verb::get, "/shop/", answer("platform-shop"));
    router_.add(ContextType::api, verb::get, "/api/v1/x/{id}", answer("api-get"));
    router_.add(ContextType::api, verb::delete_, "/api/v1/x/{id}", answer("api-delete"));
    router_.set_not_found(
        ContextType::shop,
        [](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
          co_return make_response(Status::not_found, "themed 404", "text/html");
        });
  }

  Response call(verb method, ContextType context, std::string clean_path,
                std::string base_path = {}, std::string query = {}) {
    Request request{method, "/ignored", 11};
    RequestContext rc;
    core::Resolution resolution;
    resolution.context = context;
    resolution.clean_path = std::move(clean_path);
    resolution.base_path = std::move(base_path);
    resolution.query = std::move(query);
    rc.resolution = resolution;
    asio::io_context io;
    auto done = asio::co_spawn(io, router_.serve(request, rc), asio::use_future);
    io.run();
    return done.get();
  }

  Router router_;
};

TEST_F(RouterTest, PicksTheRouteOfTheRequestsContext) {
  EXPECT_EQ(call(verb::get, ContextType::shop, "/shop/").body(), "home:");
  EXPECT_EQ(call(verb::get, ContextType::platform, "/shop/").body(), "platform-shop:");
  EXPECT_EQ(call(verb::get, ContextType::shop, "/shop/products/7").body(), "product:7");
  EXPECT_EQ(call(verb::delete_, ContextType::api, "/api/v1/x/3").body(), "api-delete:3");
}

TEST_F(RouterTest, HeadIsServedByGetRoutes) {
  EXPECT_EQ(call(verb::head, ContextType::shop, "/shop/").result(), Status::ok);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto response = call(verb::get, ContextType::shop, "/shop/cart/items");
  EXPECT_EQ(response.result(), Status::method_not_allowed);
  EXPECT_EQ(response[beast_http::field::allow], "POST");
  auto api = call(verb::put, ContextType::api, "/api/v1/x/3");
  EXPECT_EQ(api.result(), Status::method_not_allowed);
  EXPECT_EQ(api[beast_http::field::allow], "GET, HEAD, DELETE");
  EXPECT_NE(api.body().find("\"method_not_allowed\""), std::string::npos);
}

TEST_F(RouterTest, MissingTrailingSlashRedirectsKeepingPrefixAndQuery) {
  auto response = call(verb::get, ContextType::shop, "/shop", "/stores/orion", "a=1");
  EXPECT_EQ(response.result(), Status::permanent_redirect);
  EXPECT_EQ(response[beast_http::field::location], "/stores/orion/shop/?a=1");
  // Only for reads, and only where the slashed path exists.
  EXPECT_EQ(call(verb::post, ContextType::shop, "/shop").result(), Status::not_found);
  EXPECT_EQ(call(verb::get, ContextType::api, "/api/v1/x").result(), Status::not_found);
}

TEST_F(RouterTest, UnmatchedPathsGetTheirContextsNotFound) {
  auto themed = call(verb::get, ContextType::shop, "/shop/nothing");
  EXPECT_EQ(themed.result(), Status::not_found);
  EXPECT_EQ(themed.body(), "themed 404");
  auto json = call(verb::get, ContextType::api, "/api/v2");
  EXPECT_EQ(json.result(), Status::not_found);
  EXPECT_NE(json.body().find("\"not_found\""), std::string::npos);
  // A route of another context never answers.
  EXPECT_EQ(call(verb::get, ContextType::admin, "/shop/").result(), Status::not_found);
}

}  // namespace
}  // namespace orion::http

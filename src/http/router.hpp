// The router: the chain's endpoint. Routes are (context type, method, pattern) → handler, where
// the pattern is matched against the clean path StoreContext computed, so one route serves a
// storefront page in all three routing modes. Patterns are literal segments and `{name}`
// parameters ("/shop/products/{id}"); a trailing slash is significant ("/shop/" is the home
// page). The route table is public so that tests can hold it against the OpenAPI document.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/detection.hpp"
#include "http/middleware.hpp"

namespace orion::http {

// The `{name}` values of the matched pattern, percent-decoded (the clean path is decoded).
class RouteParams {
 public:
  void add(std::string_view name, std::string_view value) { values_.emplace_back(name, value); }
  [[nodiscard]] std::string_view get(std::string_view name) const noexcept {
    for (const auto& [key, value] : values_) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> values_;
};

using RouteHandler =
    std::function<asio::awaitable<Response>(Request&, RequestContext&, const RouteParams&)>;

// How a route takes the request body. The server hands the router the head only; by default the
// router reads the body before the handler runs. A route that must refuse a request on its head
// (an upload, which only a signed-in user may send, answered before megabytes are read) says
// `deferred` and calls http::read_body itself once the head passed.
struct RouteBody {
  std::uint64_t limit = 0;  // the largest body the route takes (413 over it); 0: the router's
  bool deferred = false;
};

struct Route {
  core::ContextType context;
  beast_http::verb method;
  std::string pattern;
  RouteHandler handler;
  RouteBody body{};
};

// Reads the request body of a deferred route with that route's limit (RequestBody::read). None:
// the request holds its body; else the refusal (413/400) to answer with, after which the server
// closes the connection.
asio::awaitable<std::optional<Response>> read_body(RequestContext& context);

class Router final : public Endpoint {
 public:
  // What a context answers when no route matches the path (404) — e.g. a themed page for SHOP,
  // JSON for API. Without one, a JSON 404.
  void set_not_found(core::ContextType context, RouteHandler handler);

  void add(core::ContextType context, beast_http::verb method, std::string pattern,
           RouteHandler handler, RouteBody body = {});

  // The body limit of routes that set none (app::Config body_limit).
  void set_body_limit(std::uint64_t limit) noexcept { body_limit_ = limit; }
  [[nodiscard]] std::uint64_t body_limit() const noexcept { return body_limit_; }

  [[nodiscard]] const std::vector<Route>& routes() const noexcept { return routes_; }

  // Matches context.resolution's context and clean path. A path that matches only with other
  // methods gets 405 with Allow; a GET/HEAD whose path matches only with a trailing slash added
  // is redirected (308) there, keeping the mode's prefix and the query.
  asio::awaitable<Response> serve(Request& request, RequestContext& context) const override;

 private:
  std::vector<Route> routes_;
  std::uint64_t body_limit_ = 1024 * 1024;
  std::vector<std::pair<core::ContextType, RouteHandler>> not_found_;
};

// True when `path` matches `pattern`; fills `params` with views into both.
bool match_route(std::string_view pattern, std::string_view path, RouteParams& params);

}  // namespace orion::http

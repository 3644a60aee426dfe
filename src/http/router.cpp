#include "http/router.hpp"

#include <boost/beast/http/field.hpp>

namespace orion::http {
namespace {

// Splits off the next segment of a path that starts with '/'.
std::string_view next_segment(std::string_view& rest) {
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  const std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  return segment;
}

bool same_method(beast_http::verb route, beast_http::verb asked) {
  return route == asked || (route == beast_http::verb::get && asked == beast_http::verb::head);
}

}  // namespace

bool match_route(std::string_view pattern, std::string_view path, RouteParams& params) {
  if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') {
    return false;
  }
  while (!pattern.empty() && !path.empty()) {
    const std::string_view want = next_segment(pattern);
    const std::string_view got = next_segment(path);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (got.empty()) {
        return false;
      }
      params.add(want.substr(1, want.size() - 2), got);
    } else if (want != got) {
      return false;
    }
  }
  return pattern.empty() && path.empty();
}

void Router::set_not_found(core::ContextType context, RouteHandler handler) {
  not_found_.emplace_back(context, std::move(handler));
}

void Router::add(core::ContextType context, beast_http::verb method, std::string pattern,
                 RouteHandler handler, RouteBody body) {
  routes_.push_back(Route{context, method, std::move(pattern), std::move(handler), body});
}

asio::awaitable<std::optional<Response>> read_body(RequestContext& context) {
  if (context.body == nullptr) {
    co_return std::nullopt;
  }
  co_return co_await context.body->read(context.body_limit);
}

asio::awaitable<Response> Router::serve(Request& request, RequestContext& context) const {
  const core::Resolution& resolution = *context.resolution;
  const std::string& path = resolution.clean_path;
  std::string allow;
  for (const Route& route : routes_) {
    if (route.context != resolution.context) {
      continue;
    }
    RouteParams params;
    if (!match_route(route.pattern, path, params)) {
      continue;
    }
    if (same_method(route.method, request.method())) {
      context.body_limit = route.body.limit != 0 ? route.body.limit : body_limit_;
      if (!route.body.deferred) {
        if (auto refused = co_await read_body(context)) {
          co_return std::move(*refused);
        }
      }
      co_return co_await route.handler(request, context, params);
    }
    if (!allow.empty()) {
      allow += ", ";
    }
    allow += std::string_view(beast_http::to_string(route.method));
    if (route.method == beast_http::verb::get) {
      allow += ", HEAD";
    }
  }
  if (!allow.empty()) {
    Response response =
        json_error(Status::method_not_allowed, "method_not_allowed",
                   "this path does not accept " + std::string(request.method_string()));
    response.set(beast_http::field::allow, allow);
    co_return response;
  }
  const bool reads =
      request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  if (reads && !path.empty() && path.back() != '/') {
    const std::string with_slash = path + "/";
    for (const Route& route : routes_) {
      RouteParams params;
      if (route.context == resolution.context && same_method(route.method, request.method()) &&
          match_route(route.pattern, with_slash, params)) {
        std::string location = resolution.base_path.str() + with_slash;
        if (!resolution.query.empty()) {
          location += '?';
          location += resolution.query;
        }
        Response response = make_response(Status::permanent_redirect, {}, "text/plain");
        response.set(beast_http::field::location, location);
        co_return response;
      }
    }
  }
  for (const auto& [type, handler] : not_found_) {
    if (type == resolution.context) {
      co_return co_await handler(request, context, RouteParams{});
    }
  }
  co_return json_error(Status::not_found, "not_found", "no such page");
}

}  // namespace orion::http

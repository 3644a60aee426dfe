#include "http/middleware/context_detection.hpp"

#include <boost/beast/http/field.hpp>

namespace orion::http {
namespace {

Response redirect(const core::Resolution& resolution, std::string_view to) {
  std::string location(resolution.base_path.view());
  location += to;
  if (!resolution.query.empty()) {
    location += '?';
    location += resolution.query;
  }
  Response response = make_response(Status::found, {}, "text/plain");
  response.set(beast_http::field::location, location);
  return response;
}

}  // namespace

asio::awaitable<Response> ContextDetection::handle(Request& request, RequestContext& context,
                                                   Next next) const {
  const core::Resolution& r = *context.resolution;
  const bool reads =
      request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  if (reads && r.store) {
    const bool bare = r.clean_path == "/" || r.clean_path.empty();
    if (r.context == core::ContextType::shop && bare) {
      co_return redirect(r, "/shop/");
    }
    if (r.context == core::ContextType::store_dashboard && r.clean_path.empty()) {
      co_return redirect(r, "/");
    }
  }
  co_return co_await next(request, context);
}

}  // namespace orion::http

#include "http/middleware/probes.hpp"

namespace orion::http {

asio::awaitable<Response> Probes::handle(Request& request, RequestContext& context,
                                         Next next) const {
  const core::Resolution& r = *context.resolution;
  const bool reads =
      request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  // A path-based prefix (/stores/{code}, /store/{code}) means the path was a store's, not a probe.
  if (reads && std::string_view(r.base_path).empty()) {
    for (const Probe& probe : probes_) {
      if (r.clean_path == probe.path) {
        co_return co_await probe.handler(request, context, RouteParams{});
      }
    }
  }
  co_return co_await next(request, context);
}

}  // namespace orion::http

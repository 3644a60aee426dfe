#include "http/middleware/error_boundary.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace orion::http {

asio::awaitable<Response> ErrorBoundary::handle(Request& request, RequestContext& context,
                                                Next next) const {
  std::string what;
  try {
    co_return co_await next(request, context);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "a non-standard exception";
  }
  log_->error("request_id={} unhandled exception: {}", context.request_id, what);
  co_return json_error(Status::internal_server_error, "internal",
                       "something went wrong on our side; request id " + context.request_id);
}

}  // namespace orion::http

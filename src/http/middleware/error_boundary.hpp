// Second: turns an exception escaping any later step into a 500 carrying the request id (an HTML
// page for a browser that accepts text/html, the JSON error otherwise), and
// logs it. Nothing after it needs to worry about a stray throw taking the connection down.
#pragma once

#include <memory>

#include "http/log_line.hpp"
#include "http/middleware.hpp"

namespace spdlog {
class logger;
}

namespace orion::http {

class ErrorBoundary final : public Middleware {
 public:
  explicit ErrorBoundary(std::shared_ptr<spdlog::logger> log, LogFormat format = LogFormat::text)
      : log_(std::move(log)), format_(format) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  std::shared_ptr<spdlog::logger> log_;
  LogFormat format_;
};

}  // namespace orion::http

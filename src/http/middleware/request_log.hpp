// First in the chain: gives every request an id (a client's X-Request-Id if it is sane, else a
// new one), echoes it on the response, and writes one access-log line with the store code and
// detection mode once the response is known.
#pragma once

#include <memory>

#include "http/metrics.hpp"
#include "http/middleware.hpp"

namespace spdlog {
class logger;
}

namespace orion::http {

class RequestLog final : public Middleware {
 public:
  explicit RequestLog(std::shared_ptr<spdlog::logger> log, Metrics* metrics = nullptr)
      : log_(std::move(log)), metrics_(metrics) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  std::shared_ptr<spdlog::logger> log_;
  Metrics* metrics_;
};

}  // namespace orion::http

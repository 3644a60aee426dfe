// First in the chain: gives every request an id (a client's X-Request-Id if it is sane, else a
// new one), echoes it on the response, and writes one access-log line with the store code and
// detection mode once the response is known. Every value of the line goes through a LogLine
// (http/log_line.hpp): escaped in the text format, a JSON string in the JSON format, so that a
// target, method or Host can neither end the line nor forge a field.
#pragma once

#include <memory>

#include "http/log_line.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"

namespace spdlog {
class logger;
}

namespace orion::http {

class RequestLog final : public Middleware {
 public:
  explicit RequestLog(std::shared_ptr<spdlog::logger> log, Metrics* metrics = nullptr,
                      LogFormat format = LogFormat::text)
      : log_(std::move(log)), metrics_(metrics), format_(format) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  std::shared_ptr<spdlog::logger> log_;
  Metrics* metrics_;
  LogFormat format_;
};

}  // namespace orion::http

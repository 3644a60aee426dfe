#include "http/middleware/request_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <random>

namespace orion::http {
namespace {

constexpr std::string_view kRequestIdHeader = "X-Request-Id";

// 16 hex digits from a per-thread generator: unique enough to find one request in the logs.
std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::uint64_t value = random();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[value & 0xf];
    value >>= 4;
  }
  return id;
}

// A client's id is kept only if it cannot break a log line or a header: 1-64 of [A-Za-z0-9._-].
bool sane_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

asio::awaitable<Response> RequestLog::handle(Request& request, RequestContext& context,
                                             Next next) const {
  const auto given = request[kRequestIdHeader];
  context.request_id = sane_id(given) ? std::string(given) : new_request_id();
  Response response = co_await next(request, context);
  response.set(kRequestIdHeader, context.request_id);
  const auto elapsed = std::chrono::steady_clock::now() - context.started;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  const core::Resolution* r = context.resolution ? &*context.resolution : nullptr;
  if (metrics_ != nullptr) {
    metrics_->record(r != nullptr ? std::optional(r->context) : std::nullopt, response.result_int(),
                     elapsed);
  }
  LogLine line;
  line.add("request_id", context.request_id)
      .add("method", std::string_view(request.method_string()))
      .add("target", std::string_view(request.target()), true)
      .add("status", static_cast<std::int64_t>(response.result_int()))
      .add("store", r != nullptr && r->store ? std::string_view(r->store->code) : "-")
      .add("mode", r != nullptr ? core::to_string(r->mode) : "none")
      .add("context", r != nullptr ? core::to_string(r->context) : "-")
      .add("duration_us", static_cast<std::int64_t>(micros))
      .add("peer", client_address(context).to_string())
      .add("host", std::string_view(request[beast_http::field::host]));
  write_log_line(*log_, spdlog::level::info, line, format_);
  co_return response;
}

}  // namespace orion::http

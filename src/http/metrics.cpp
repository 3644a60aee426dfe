#include "http/metrics.hpp"

#include <fmt/format.h>

namespace orion::http {

std::size_t Metrics::context_index(std::optional<core::ContextType> context) noexcept {
  return context ? static_cast<std::size_t>(*context) : kContexts - 1;
}

void Metrics::record(std::optional<core::ContextType> context, unsigned status,
                     std::chrono::nanoseconds duration) noexcept {
  if (status >= 100 && status < 100 + kStatuses) {
    requests_[context_index(context) * kStatuses + (status - 100)].fetch_add(
        1, std::memory_order_relaxed);
  }
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) {
    ++bucket;
  }
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  duration_sum_ns_.fetch_add(static_cast<std::uint64_t>(duration.count()),
                             std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(std::optional<core::ContextType> context,
                                unsigned status) const noexcept {
  if (status < 100 || status >= 100 + kStatuses) {
    return 0;
  }
  return requests_[context_index(context) * kStatuses + (status - 100)].load();
}

void Metrics::add_source(std::function<std::string()> source) {
  std::lock_guard lock(sources_mutex_);
  sources_.push_back(std::move(source));
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP orion_http_requests_total HTTP requests answered, by context type and status.\n";
  out += "# TYPE orion_http_requests_total counter\n";
  static constexpr std::array<std::string_view, kContexts> kNames = {
      "ADMIN", "STORE_DASHBOARD", "SHOP", "API", "PLATFORM", "none"};
  for (std::size_t c = 0; c < kContexts; ++c) {
    for (std::size_t s = 0; s < kStatuses; ++s) {
      const std::uint64_t n = requests_[c * kStatuses + s].load(std::memory_order_relaxed);
      if (n != 0) {
        out += fmt::format("orion_http_requests_total{{context=\"{}\",status=\"{}\"}} {}\n",
                           kNames[c], s + 100, n);
      }
    }
  }
  out += "# HELP orion_http_request_duration_seconds Time from request head to response.\n";
  out += "# TYPE orion_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < kBuckets.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    out += fmt::format("orion_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[b],
                       cumulative);
  }
  cumulative += buckets_[kBuckets.size()].load(std::memory_order_relaxed);
  out += fmt::format("orion_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("orion_http_request_duration_seconds_sum {:.9f}\n",
                     static_cast<double>(duration_sum_ns_.load()) / 1e9);
  out += fmt::format("orion_http_request_duration_seconds_count {}\n", count_.load());
  std::lock_guard lock(sources_mutex_);
  for (const auto& source : sources_) {
    out += source();
  }
  return out;
}

}  // namespace orion::http

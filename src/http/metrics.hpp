// The server's Prometheus metrics: requests by context type and status, a latency histogram,
// plus gauges other parts register (store cache, database pool). Lock-free on the request path.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/detection.hpp"

namespace orion::http {

class Metrics {
 public:
  // Counts one answered request; `context` is none when resolution never happened (a 400).
  void record(std::optional<core::ContextType> context, unsigned status,
              std::chrono::nanoseconds duration) noexcept;

  // Adds a block of Prometheus text (with its # HELP/# TYPE lines) computed at scrape time.
  void add_source(std::function<std::string()> source);

  // The exposition text for GET /metrics.
  [[nodiscard]] std::string render() const;

  [[nodiscard]] std::uint64_t requests(std::optional<core::ContextType> context,
                                       unsigned status) const noexcept;

 private:
  static constexpr std::size_t kContexts = 6;    // five context types and "none"
  static constexpr std::size_t kStatuses = 500;  // 100..599
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};
  static std::size_t context_index(std::optional<core::ContextType> context) noexcept;

  std::array<std::atomic<std::uint64_t>, kContexts * kStatuses> requests_{};
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> duration_sum_ns_{0};
  std::atomic<std::uint64_t> count_{0};
  mutable std::mutex sources_mutex_;
  std::vector<std::function<std::string()>> sources_;
};

}  // namespace orion::http

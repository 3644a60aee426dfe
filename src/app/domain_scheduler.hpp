// The custom-domain re-check scheduler (docs/DOMAINS.md): one coroutine on the server's
// io_context that wakes every domain_check_poll, hands one pass of domains::sweep (due
// re-checks, removal of long-detached domains) to the blocking pool — DNS and HTTP checks block,
// so never on an I/O thread — empties the store cache when routing changed, logs the pass and
// counts it for /metrics. The App owns it; stop() ends it at the next wake-up, a pass in progress
// finishing its (small) batch first (the loop itself is a PeriodicTask).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/periodic_task.hpp"
#include "domains/lifecycle.hpp"
#include "domains/verifier.hpp"
#include "storage/database.hpp"
#include "storage/domains.hpp"
#include "storage/store_cache.hpp"

namespace spdlog {
class logger;
}

namespace orion::app {

class DomainScheduler {
 public:
  struct Parts {
    storage::Database& database;
    const domains::Verifier& verifier;
    const domains::Policy& policy;
    boost::asio::thread_pool& blocking;
    std::shared_ptr<spdlog::logger> log;
    std::chrono::milliseconds poll{60'000};
  };
  // Domains one pass checks at most: a pass is not interruptible, so this bounds how long a
  // shutdown waits for it (a backlog is worked off in consecutive passes without waiting).
  static constexpr std::size_t kBatch = 20;
  static constexpr int kBackToBack = 10;  // full passes in a row before waiting a poll again

  DomainScheduler(boost::asio::io_context& io, Parts parts);

  // Starts the loop: a first pass at once (so the state gauge is filled), then one per poll.
  void start();
  // Ends the loop; safe from any thread.
  void stop();

  // One pass, blocking (the loop runs it on the blocking pool). Returns its result.
  core::Result<domains::Sweep> pass();

  // The Prometheus lines: checks by result, transitions, removals, domains by state.
  [[nodiscard]] std::string metrics() const;

 private:
  Parts parts_;
  PeriodicTask task_;
  std::atomic<std::uint64_t> passed_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> transitions_{0};
  std::atomic<std::uint64_t> removed_{0};
  mutable std::mutex states_mutex_;
  std::optional<storage::domains::StateCounts> states_;  // as of the last pass
};

}  // namespace orion::app

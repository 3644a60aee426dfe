// The expired-session sweep (docs/CONSOLE.md): one coroutine on the server's io_context that
// wakes every session_sweep_interval_s and hands storage::sessions::remove_expired to the
// blocking pool (a database write: never on an I/O thread), logs how many it removed and counts
// them for /metrics. An expired session is already refused at sign-in time; the sweep only keeps
// the table from growing without bound. The App owns it; stop() ends it at the next wake-up (the
// loop itself is a PeriodicTask).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "app/periodic_task.hpp"
#include "core/error.hpp"
#include "storage/database.hpp"

namespace spdlog {
class logger;
}

namespace orion::app {

class SessionSweeper {
 public:
  struct Parts {
    storage::Database& database;
    boost::asio::thread_pool& blocking;
    std::shared_ptr<spdlog::logger> log;
    std::chrono::seconds interval{3600};  // 0: never sweeps
  };

  SessionSweeper(boost::asio::io_context& io, Parts parts);

  // Starts the loop (a first pass at once: sessions that expired while the server was down go
  // too), unless the interval is 0.
  void start();
  // Ends the loop; safe from any thread.
  void stop();

  // One pass, blocking (the loop runs it on the blocking pool): how many sessions it removed.
  core::Result<std::int64_t> pass();

  // The Prometheus lines: sessions removed since the start.
  [[nodiscard]] std::string metrics() const;

 private:
  Parts parts_;
  PeriodicTask task_;
  std::atomic<std::uint64_t> expired_{0};
};

}  // namespace orion::app

// The storefront's periodic cleanup (docs/CONFIG.md, "Orders and stock"): every
// order_sweep_interval_s it moves the pending orders older than order_pending_ttl_s to
// cancelled and gives their stock back (one transaction per store), forgets Idempotency-Keys
// older than idempotency_key_ttl_s and deletes ended rate-limit windows. Several instances may
// sweep at once: each expired order is moved, and its stock given back, by exactly one of them
// (storage::orders::expire_pending). The loop is a PeriodicTask; passes run on the blocking pool.
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

class OrderSweeper {
 public:
  struct Parts {
    storage::Database& database;
    boost::asio::thread_pool& blocking;
    std::shared_ptr<spdlog::logger> log;
    std::chrono::seconds interval{300};  // 0: never sweeps
    std::chrono::seconds pending_ttl{48 * 3600};
    std::chrono::seconds idempotency_key_ttl{24 * 3600};
  };

  OrderSweeper(boost::asio::io_context& io, Parts parts);

  // Starts the loop (a first pass at once), unless the interval is 0.
  void start();
  // Ends the loop; safe from any thread.
  void stop();

  struct Swept {
    std::int64_t orders_expired = 0;
    bool more = false;  // a batch limit was reached: run again at once
  };
  // One pass, blocking: how many orders it expired. Stops at a batch limit (`more`), so that one
  // pass never holds a connection for long.
  core::Result<Swept> pass();

  // The Prometheus lines: orders expired since the start.
  [[nodiscard]] std::string metrics() const;

 private:
  Parts parts_;
  PeriodicTask task_;
  std::atomic<std::uint64_t> expired_{0};
};

}  // namespace orion::app

// The skeleton of the server's periodic background jobs (the domain re-check scheduler, the
// expired-session sweep): one coroutine on a strand of the io_context that runs a blocking pass
// on the blocking pool — passes touch the database, DNS or HTTP, so never on an I/O thread — and
// then waits an interval. Kept in one place so that every job stops the same way: stop() ends the
// loop at its next wake-up, a pass in progress finishing first (a pass is not interruptible).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>

namespace orion::app {

class PeriodicTask {
 public:
  PeriodicTask(boost::asio::io_context& io, boost::asio::thread_pool& blocking);

  // Starts the loop, once: a first pass at once, then one per interval. `pass` runs on the
  // blocking pool, one call at a time; it returns true to run again at once without waiting
  // (it is its job to bound how often in a row, so that the loop never spins).
  void start(std::chrono::milliseconds interval, std::function<bool()> pass);
  // Ends the loop; safe from any thread.
  void stop();

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::thread_pool& blocking_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::chrono::milliseconds interval_{0};
  std::function<bool()> pass_;
};

}  // namespace orion::app

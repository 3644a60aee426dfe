#include "app/periodic_task.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "http/offload.hpp"

namespace orion::app {

PeriodicTask::PeriodicTask(boost::asio::io_context& io, boost::asio::thread_pool& blocking)
    : blocking_(blocking), strand_(boost::asio::make_strand(io)), timer_(strand_) {}

void PeriodicTask::start(std::chrono::milliseconds interval, std::function<bool()> pass) {
  // Set before the spawn, which orders them before the loop reads them.
  interval_ = interval;
  pass_ = std::move(pass);
  boost::asio::co_spawn(strand_, loop(), boost::asio::detached);
}

void PeriodicTask::stop() {
  stopping_ = true;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

boost::asio::awaitable<void> PeriodicTask::loop() {
  while (!stopping_) {
    const bool again = co_await http::offload(blocking_, [this] { return pass_(); });
    if (stopping_) {
      break;
    }
    if (again) {
      continue;
    }
    timer_.expires_after(interval_);
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
}

}  // namespace orion::app

#include "app/session_sweeper.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/offload.hpp"
#include "storage/sessions.hpp"

namespace orion::app {

SessionSweeper::SessionSweeper(boost::asio::io_context& io, Parts parts)
    : parts_(std::move(parts)), strand_(boost::asio::make_strand(io)), timer_(strand_) {}

void SessionSweeper::start() {
  if (parts_.interval.count() <= 0) {
    return;
  }
  boost::asio::co_spawn(strand_, loop(), boost::asio::detached);
}

void SessionSweeper::stop() {
  stopping_ = true;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

core::Result<std::int64_t> SessionSweeper::pass() {
  auto removed = [this]() -> core::Result<std::int64_t> {
    auto tx = parts_.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto count = storage::sessions::remove_expired(*tx);
    if (!count) {
      return count.error();
    }
    if (auto committed = tx->commit(); !committed) {
      return committed.error();
    }
    return *count;
  }();
  if (!removed) {
    parts_.log->warn("session sweep failed: {}", removed.error().message);
    return removed;
  }
  if (*removed > 0) {
    expired_ += static_cast<std::uint64_t>(*removed);
    parts_.log->info("session sweep: removed {} expired session{}", *removed,
                     *removed == 1 ? "" : "s");
  }
  return removed;
}

boost::asio::awaitable<void> SessionSweeper::loop() {
  while (!stopping_) {
    co_await http::offload(parts_.blocking, [this] { return pass(); });
    if (stopping_) {
      break;
    }
    timer_.expires_after(parts_.interval);
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
}

std::string SessionSweeper::metrics() const {
  return fmt::format(
      "# HELP orion_sessions_expired_total Expired console and shopper sessions removed by the "
      "sweep.\n"
      "# TYPE orion_sessions_expired_total counter\n"
      "orion_sessions_expired_total {}\n",
      expired_.load());
}

}  // namespace orion::app

#include "app/session_sweeper.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "storage/sessions.hpp"

namespace orion::app {

SessionSweeper::SessionSweeper(boost::asio::io_context& io, Parts parts)
    : parts_(std::move(parts)), task_(io, parts_.blocking) {}

void SessionSweeper::start() {
  if (parts_.interval.count() <= 0) {
    return;
  }
  task_.start(parts_.interval, [this] {
    pass();  // a failed pass is logged; the next one tries again
    return false;
  });
}

void SessionSweeper::stop() { task_.stop(); }

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

std::string SessionSweeper::metrics() const {
  return fmt::format(
      "# HELP orion_sessions_expired_total Expired console and shopper sessions removed by the "
      "sweep.\n"
      "# TYPE orion_sessions_expired_total counter\n"
      "orion_sessions_expired_total {}\n",
      expired_.load());
}

}  // namespace orion::app

#include "app/domain_scheduler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "storage/clock.hpp"

namespace orion::app {

DomainScheduler::DomainScheduler(boost::asio::io_context& io, Parts parts)
    : parts_(std::move(parts)), task_(io, parts_.blocking) {}

void DomainScheduler::start() {
  // The task calls the pass one at a time, so the count needs no lock.
  task_.start(parts_.poll, [this, back_to_back = 0]() mutable {
    auto swept = pass();
    // A full batch means more are due: go on at once rather than wait a poll per batch — a
    // few times only, so that a domain that stays due can never make this a busy loop.
    if (swept && swept->checked + swept->removed >= kBatch && ++back_to_back < kBackToBack) {
      return true;
    }
    back_to_back = 0;
    return false;
  });
}

void DomainScheduler::stop() { task_.stop(); }

core::Result<domains::Sweep> DomainScheduler::pass() {
  auto sweep =
      domains::sweep(parts_.database, parts_.verifier, parts_.policy, storage::unix_now(), kBatch);
  if (!sweep) {
    parts_.log->warn("domain re-check pass failed: {}", sweep.error().message);
    return sweep;
  }
  passed_ += sweep->passed;
  failed_ += sweep->failed;
  transitions_ += sweep->transitions;
  removed_ += sweep->removed;
  if (sweep->transitions + sweep->removed + sweep->failed > 0) {
    parts_.log->info("domain re-checks: checked={} passed={} failed={} transitions={} removed={}",
                     sweep->checked, sweep->passed, sweep->failed, sweep->transitions,
                     sweep->removed);
  } else if (sweep->checked > 0) {
    parts_.log->debug("domain re-checks: checked={} all passed", sweep->checked);
  }
  // The gauge is refreshed here, once a pass, so that a scrape never queries the database.
  if (auto tx = parts_.database.begin_platform(); tx) {
    if (auto counts = storage::domains::count_states(*tx); counts) {
      std::lock_guard lock(states_mutex_);
      states_ = *counts;
    }
  }
  return sweep;
}

std::string DomainScheduler::metrics() const {
  std::string out = fmt::format(
      "# HELP orion_domain_checks_total Scheduled custom-domain re-checks, by result.\n"
      "# TYPE orion_domain_checks_total counter\n"
      "orion_domain_checks_total{{result=\"passed\"}} {}\n"
      "orion_domain_checks_total{{result=\"failed\"}} {}\n"
      "# HELP orion_domain_transitions_total Custom-domain state changes made by re-checks.\n"
      "# TYPE orion_domain_transitions_total counter\n"
      "orion_domain_transitions_total {}\n"
      "# HELP orion_domain_removals_total Detached custom domains removed after their grace.\n"
      "# TYPE orion_domain_removals_total counter\n"
      "orion_domain_removals_total {}\n",
      passed_.load(), failed_.load(), transitions_.load(), removed_.load());
  std::lock_guard lock(states_mutex_);
  if (states_) {
    out += fmt::format(
        "# HELP orion_domains Custom domains by state, as of the last re-check pass.\n"
        "# TYPE orion_domains gauge\n"
        "orion_domains{{state=\"pending\"}} {}\n"
        "orion_domains{{state=\"verified\"}} {}\n"
        "orion_domains{{state=\"failing\"}} {}\n"
        "orion_domains{{state=\"detached\"}} {}\n",
        states_->pending, states_->verified, states_->failing, states_->detached);
  }
  return out;
}

}  // namespace orion::app

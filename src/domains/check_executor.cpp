#include "domains/check_executor.hpp"

#include <algorithm>

namespace orion::domains {

CheckExecutor::CheckExecutor(Options options)
    : options_(options), pool_(std::max<std::size_t>(1, options.threads)) {}

CheckExecutor::~CheckExecutor() { pool_.join(); }

void CheckExecutor::join() { pool_.join(); }

CheckExecutor::Slot::~Slot() {
  if (owner_ != nullptr) {
    owner_->release(store_, key_);
  }
}

core::Result<CheckExecutor::Slot> CheckExecutor::admit(std::string_view store,
                                                       std::string_view key) {
  const std::lock_guard lock(mutex_);
  const std::string retry = " Try again in " + std::to_string(options_.retry_after.count()) + " s.";
  if (keys_.contains(std::string(key))) {
    ++refused_in_progress_;
    return core::make_error(core::Errc::check_in_progress,
                            "A check of " + std::string(key) +
                                " is running already; its result shows when it is done." + retry);
  }
  if (admitted_ >= options_.queue) {
    ++refused_queue_;
    return core::make_error(core::Errc::too_many_requests,
                            "The platform is running as many domain checks as it takes (" +
                                std::to_string(options_.queue) + ")." + retry);
  }
  if (!store.empty()) {
    const auto running = per_store_.find(std::string(store));
    if (running != per_store_.end() && running->second >= options_.per_store) {
      ++refused_store_;
      return core::make_error(
          core::Errc::too_many_requests,
          "Store " + std::string(store) + " has " + std::to_string(running->second) +
              " domain checks running, the most one store may have at once." + retry);
    }
    ++per_store_[std::string(store)];
  }
  keys_.emplace(key);
  ++admitted_;
  ++admitted_total_;
  return Slot(this, std::string(store), std::string(key));
}

void CheckExecutor::release(const std::string& store, const std::string& key) {
  const std::lock_guard lock(mutex_);
  keys_.erase(key);
  --admitted_;
  if (!store.empty()) {
    if (auto running = per_store_.find(store);
        running != per_store_.end() && --running->second == 0) {
      per_store_.erase(running);
    }
  }
}

std::string CheckExecutor::metrics() const {
  const std::lock_guard lock(mutex_);
  const std::size_t running = std::min(admitted_, options_.threads);
  const auto n = [](auto value) { return std::to_string(value); };
  return "# HELP orion_domain_check_queue Domain checks admitted to the check executor, by "
         "state.\n"
         "# TYPE orion_domain_check_queue gauge\n"
         "orion_domain_check_queue{state=\"running\"} " +
         n(running) + "\norion_domain_check_queue{state=\"waiting\"} " + n(admitted_ - running) +
         "\n# HELP orion_domain_check_threads Threads of the check executor "
         "(domain_check_threads).\n"
         "# TYPE orion_domain_check_threads gauge\n"
         "orion_domain_check_threads " +
         n(options_.threads) +
         "\n# HELP orion_domain_check_admitted_total Domain checks (verify, pointing, health) "
         "admitted.\n"
         "# TYPE orion_domain_check_admitted_total counter\n"
         "orion_domain_check_admitted_total " +
         n(admitted_total_) +
         "\n# HELP orion_domain_check_refused_total Domain checks refused at admission, by "
         "reason.\n"
         "# TYPE orion_domain_check_refused_total counter\n"
         "orion_domain_check_refused_total{reason=\"in_progress\"} " +
         n(refused_in_progress_) + "\norion_domain_check_refused_total{reason=\"store_limit\"} " +
         n(refused_store_) + "\norion_domain_check_refused_total{reason=\"queue_full\"} " +
         n(refused_queue_) + "\n";
}

}  // namespace orion::domains

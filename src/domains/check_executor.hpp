// Where custom-domain checks run (docs/DOMAINS.md "Where checks run"): a DNS or HTTP check can
// block for dns_timeout_ms, and a domain that drops packets makes every check of it take that
// long. On the shared blocking pool, twenty such checks would queue every storefront request
// behind them. So every check — the API's and both consoles' "verify", the pointing reports,
// the health page, the scheduler's re-checks — runs on this executor's own threads instead,
// after being admitted: at most `queue` checks in flight (running or waiting) in the process,
// at most `per_store` of one store, and one at a time per key (a domain), a second one of the
// same key refused while the first runs. Refusals are immediate (nothing waits for a slot):
// Errc::check_in_progress (409) and Errc::too_many_requests (429, "retry after" seconds).
// The counts are this process's: each instance of a fleet bounds its own threads.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"

namespace orion::domains {

class CheckExecutor {
 public:
  struct Options {
    std::size_t threads = 4;    // checks running at once (domain_check_threads)
    std::size_t queue = 64;     // checks admitted at once, running or waiting (domain_check_queue)
    std::size_t per_store = 2;  // checks of one store admitted at once (domain_checks_per_store)
    std::chrono::seconds retry_after{5};  // what a refused caller is told to wait
  };
  explicit CheckExecutor(Options options);
  ~CheckExecutor();
  CheckExecutor(const CheckExecutor&) = delete;
  CheckExecutor& operator=(const CheckExecutor&) = delete;

  // One admitted check; its place is freed when the Slot is destroyed (after the check ran).
  class Slot {
   public:
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)),
          store_(std::move(other.store_)),
          key_(std::move(other.key_)) {}
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class CheckExecutor;
    Slot(CheckExecutor* owner, std::string store, std::string key)
        : owner_(owner), store_(std::move(store)), key_(std::move(key)) {}
    CheckExecutor* owner_;
    std::string store_;
    std::string key_;
  };

  // Admits a check of `key` (a domain, or another name for a platform-wide report) for
  // `store` (its code; "" for platform work, which has no per-store cap).
  core::Result<Slot> admit(std::string_view store, std::string_view key);

  // The threads admitted checks run on (http::offload(pool(), ...)); the scheduler's passes too.
  boost::asio::thread_pool& pool() noexcept { return pool_; }
  [[nodiscard]] std::chrono::seconds retry_after() const noexcept { return options_.retry_after; }

  // Prometheus text: checks in flight (gauge), the executor's limits, refusals by reason.
  [[nodiscard]] std::string metrics() const;

  // Waits for every check to finish (App's shutdown).
  void join();

 private:
  void release(const std::string& store, const std::string& key);

  Options options_;
  boost::asio::thread_pool pool_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> keys_;
  std::unordered_map<std::string, std::size_t> per_store_;
  std::size_t admitted_ = 0;
  std::uint64_t admitted_total_ = 0;
  std::uint64_t refused_in_progress_ = 0;
  std::uint64_t refused_store_ = 0;
  std::uint64_t refused_queue_ = 0;
};

}  // namespace orion::domains

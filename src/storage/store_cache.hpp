// The store cache: a StoreDirectory in front of another (the database), so that resolving a
// request usually needs no database query. Answers, including "no such store", are kept for a
// TTL; every change made through this process invalidates them at once (exact invalidation),
// and the TTL bounds how long a change made elsewhere (the CLI, another instance) takes to show.
// Thread-safe. `peek` never blocks on the source, so an I/O thread may call it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/detection.hpp"
#include "core/store.hpp"

namespace orion::storage {

class StoreCache final : public core::StoreDirectory {
 public:
  struct Options {
    std::chrono::milliseconds ttl{5000};
    std::size_t max_entries = 100'000;
  };

  StoreCache(const core::StoreDirectory& source, Options options)
      : source_(source), options_(options) {}

  [[nodiscard]] core::StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] core::StorePtr find_active_by_code(std::string_view code) const override;

  // The cached answer to `lookup` if one is fresh, without asking the source.
  [[nodiscard]] std::optional<core::StorePtr> peek(const core::Lookup& lookup) const;

  // Forgets every answer: after any change to a store, a domain or a verification.
  void invalidate_all();

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Entry {
    core::StorePtr store;
    std::chrono::steady_clock::time_point expires;
    std::uint64_t generation = 0;
  };
  static std::string key_of(core::Lookup::By by, std::string_view key);
  std::optional<core::StorePtr> fresh(const std::string& key) const;
  core::StorePtr fill(core::Lookup::By by, std::string_view key) const;

  const core::StoreDirectory& source_;
  Options options_;
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
  std::atomic<std::uint64_t> generation_{0};
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
};

}  // namespace orion::storage

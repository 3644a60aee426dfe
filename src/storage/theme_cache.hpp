// Each store's theme, kept after the first read so that a storefront page needs no theme query.
// A change through this process (the theme API, the dashboard) invalidates that store's entry
// at once; the TTL bounds how long a change made elsewhere takes to show. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/store.hpp"
#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage {

class ThemeCache {
 public:
  ThemeCache(Database& database, std::chrono::milliseconds ttl) : database_(database), ttl_(ttl) {}

  // The cached theme if fresh; never touches the database (safe on an I/O thread).
  [[nodiscard]] std::shared_ptr<const Theme> peek(std::int64_t store_id) const;

  // The theme, read from the database on a miss (blocking: call on the blocking pool).
  [[nodiscard]] Result<std::shared_ptr<const Theme>> get(const core::Store& store) const;

  void invalidate(std::int64_t store_id);
  void invalidate_all();

 private:
  struct Entry {
    std::shared_ptr<const Theme> theme;
    std::chrono::steady_clock::time_point expires;
  };
  Database& database_;
  std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::int64_t, Entry> entries_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace orion::storage

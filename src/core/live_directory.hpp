// The store directory a server resolves every request from: all active stores and verified
// domains in memory, changed while requests read it (docs/RESOLUTION.md, "The live directory").
//
// A snapshot is a FlatStoreDirectory (the base, built from a full load) under a small overlay of
// the keys changed since (a code or a domain and its new answer, or none). Both are immutable;
// a change publishes a new snapshot (the overlay copied with the change applied), and the base is
// replaced whole by the next full load. Readers never lock and never touch a reference count
// that other threads write: each thread keeps its own handle on the current snapshot and
// refreshes it only when the published generation moved, so a lookup is one atomic load of a
// read-mostly counter, the overlay's hash lookup and the base's probe. A StorePtr handed out
// shares the reading thread's handle, which keeps the whole snapshot alive for as long as it is
// held. Pure: no I/O; the database side that fills it is storage::ChangeFeed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/flat_directory.hpp"
#include "core/store.hpp"

namespace orion::core {

class LiveDirectory final : public StoreDirectory {
 public:
  // One key's answer from now on: the active store it routes to, or none (null).
  struct Change {
    enum class By : std::uint8_t { code, domain };
    By by = By::code;
    std::string key;  // normalised, as the lookups take it
    StorePtr store;   // null: no active store (deactivated, deleted, unverified, removed)
  };

  LiveDirectory();  // empty: every lookup misses
  ~LiveDirectory() override;
  LiveDirectory(const LiveDirectory&) = delete;
  LiveDirectory& operator=(const LiveDirectory&) = delete;

  // Replaces everything with a fresh base under `changes` (a full load, and what changed since
  // it began), published at once.
  void replace(FlatStoreDirectory base, std::span<const Change> changes = {});
  // Publishes the changes at once: no reader sees some of them without the others.
  void apply(std::span<const Change> changes);

  [[nodiscard]] StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] StorePtr find_active_by_code(std::string_view code) const override;
  void prefetch_by_domain(std::string_view domain) const noexcept override;
  void prefetch_by_code(std::string_view code) const noexcept override;

  struct Stats {
    std::size_t stores = 0;   // in the base
    std::size_t domains = 0;  // in the base
    std::size_t overlay = 0;  // keys changed since the base was built
    std::uint64_t generation = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Keys = std::unordered_map<std::string, StorePtr, Hash, std::equal_to<>>;
  struct Overlay {
    Keys codes;
    Keys domains;
  };
  struct Snapshot {
    FlatStoreDirectory base;
    std::shared_ptr<const Overlay> overlay;  // never null
  };
  // A thread's handle: its own reference-counted holder of the snapshot it last saw.
  struct Handle {
    std::shared_ptr<const Snapshot> snapshot;
  };
  struct Local;

  // The calling thread's handle on the current snapshot (refreshed if a newer one is out).
  [[nodiscard]] const std::shared_ptr<const Handle>& local() const;
  [[nodiscard]] StorePtr find(Change::By by, std::string_view key) const;
  void publish(std::shared_ptr<const Snapshot> snapshot);

  const std::uint64_t instance_;  // tells thread handles of different directories apart
  mutable std::mutex mutex_;      // writers, and readers refreshing their handle
  std::shared_ptr<const Snapshot> current_;
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace orion::core

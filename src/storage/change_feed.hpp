// The change feed: keeps a server's in-memory store directory (core::LiveDirectory) and the
// caches behind it exact, whoever changed the database (docs/STORAGE.md, "The change feed").
//
// Every write to a store, its domains, its theme, its products or its files leaves a row in
// store_changes in the writing transaction (triggers, migration 0008). The feed remembers the
// last row it applied and reads the rows after it — in one query, in id order, which is commit
// order — and applies them: a store or domain change is looked up again and published in the
// directory; every change tells the hooks which store changed (the page and theme caches forget
// it). It reads:
//   - on the committing thread, after every commit of this process that wrote (the database's
//     write observer): a change is in memory before the request that made it is answered;
//   - when another process commits: PostgreSQL notifies the channel orion_changes, a SQLite
//     file's PRAGMA data_version moves (a watch connection of its own waits for either);
//   - at least every `poll`, whatever the watch says, so that a lost notification or a lost
//     watch connection costs at most one poll.
// `current()` is false when no read has succeeded for `stale_after` (the database is gone, the
// feed is stuck): the server then resolves from the database and serves no cached page.
// Thread-safe. Every call blocks on the database; never call it on an I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/live_directory.hpp"
#include "storage/database.hpp"

namespace orion::storage {

class ChangeFeed {
 public:
  struct Hooks {
    std::function<void(std::int64_t store_id)> store_changed;  // anything of the store
    std::function<void()> domains_changed;  // some domain was added, changed or removed
    std::function<void()> reloaded;         // everything was read again: any store may differ
    std::function<void(const std::string&)> warn;  // a line for the server's log
  };
  struct Options {
    std::chrono::milliseconds poll{250};
    std::chrono::milliseconds stale_after{1000};
    std::chrono::seconds retention{3600};  // rows older than this are trimmed
    std::size_t load_page = 20'000;        // stores read per query of a full load
    // The overlay of keys changed since the last full load that triggers a new one (in the
    // background): at least this many, and at least an eighth of the stores.
    std::size_t reload_overlay = 4096;
  };

  ChangeFeed(Database& database, core::LiveDirectory& directory, Hooks hooks, Options options);
  ~ChangeFeed();  // stops the watch thread
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Reads every store and domain into the directory (the start of a server).
  Result<void> load();
  // Applies every change committed before the call. Serialised; an error leaves the directory as
  // it was and current() false until a later read succeeds.
  Result<void> sync();
  // Starts the thread that waits for other processes' changes, polls and trims the log.
  void start();
  void stop();

  [[nodiscard]] bool current() const noexcept;
  [[nodiscard]] std::int64_t position() const;  // the id of the last change applied
  [[nodiscard]] std::string metrics() const;    // Prometheus text

 private:
  struct Row;
  struct Batch;
  using Clock = std::chrono::steady_clock;

  Result<void> catch_up();  // under mutex_
  Result<Batch> read_since(Transaction& tx, std::int64_t after) const;
  Result<std::vector<core::LiveDirectory::Change>> directory_changes(Transaction& tx,
                                                                     const Batch& batch) const;
  Result<core::FlatStoreDirectory> read_all(Transaction& tx) const;
  Result<void> reload(bool locked);
  void tell(const Batch& batch) const;
  void run();
  void trim();

  Database& database_;
  core::LiveDirectory& directory_;
  Hooks hooks_;
  Options options_;

  mutable std::mutex mutex_;  // one reader of the log at a time
  std::int64_t position_ = 0;
  std::atomic<Clock::rep> last_ok_{0};  // when the last successful read began
  std::atomic<bool> failing_{false};

  std::atomic<std::uint64_t> reads_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> reloads_{0};

  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace orion::storage

#include "storage/change_feed.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "storage/clock.hpp"

namespace orion::storage {
namespace {

using core::LiveDirectory;

// Rows of the log read per query; a longer backlog takes several.
constexpr std::int64_t kBatch = 5000;

constexpr Sql kLast{"feed_last", "SELECT COALESCE(MAX(id), 0) FROM store_changes"};
// One round trip answers everything a read needs: the rows after $1, and the two bounds that
// tell a reader it must reload instead (rows it never saw were trimmed; the log is another's).
constexpr Sql kSince{"feed_since",
                     "SELECT t.through, (SELECT COALESCE(MAX(id), 0) FROM store_changes), "
                     "c.id, c.store_id, c.kind, c.key "
                     "FROM store_changes_trim t LEFT JOIN store_changes c ON c.id > $1 "
                     "ORDER BY c.id LIMIT $2"};
constexpr Sql kLoadStores{"feed_load_stores",
                          "SELECT s.id, s.code, s.name, s.is_active, COALESCE(p.domain, '') "
                          "FROM stores s "
                          "LEFT JOIN store_domains p ON p.store_id = s.id AND p.is_primary "
                          "WHERE s.id > $1 ORDER BY s.id LIMIT $2"};
constexpr Sql kLoadDomains{"feed_load_domains",
                           "SELECT d.domain, s.code FROM store_domains d "
                           "JOIN stores s ON s.id = d.store_id "
                           "WHERE d.is_verified AND d.store_id BETWEEN $1 AND $2"};
constexpr Sql kStore{"feed_store",
                     "SELECT s.id, s.code, s.name, s.is_active, COALESCE(p.domain, '') "
                     "FROM stores s "
                     "LEFT JOIN store_domains p ON p.store_id = s.id AND p.is_primary "
                     "WHERE s.id = $1"};
constexpr Sql kStoreDomains{"feed_store_domains",
                            "SELECT domain FROM store_domains WHERE store_id = $1 AND is_verified"};
constexpr Sql kDomainOwner{"feed_domain_owner",
                           "SELECT store_id FROM store_domains WHERE domain = $1 AND is_verified"};
constexpr Sql kTrimBound{"feed_trim_bound",
                         "SELECT COALESCE(MAX(id), 0) FROM store_changes WHERE created_at < $1"};
constexpr Sql kTrim{"feed_trim", "DELETE FROM store_changes WHERE id <= $1"};
constexpr Sql kTrimMark{"feed_trim_mark",
                        "UPDATE store_changes_trim SET through = $1 WHERE through < $1"};

core::Store store_of(const Row& row) {
  return {row.integer(0), row.text(1), row.text(2), row.boolean(3), row.text(4)};
}

}  // namespace

struct ChangeFeed::Row {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string kind;
  std::string key;
};

struct ChangeFeed::Batch {
  std::int64_t through = 0;  // the highest id trimmed
  std::int64_t last = 0;     // the highest id in the log
  std::vector<Row> rows;     // in id order
};

ChangeFeed::ChangeFeed(Database& database, core::LiveDirectory& directory, Hooks hooks,
                       Options options)
    : database_(database), directory_(directory), hooks_(std::move(hooks)), options_(options) {}

ChangeFeed::~ChangeFeed() { stop(); }

Result<ChangeFeed::Batch> ChangeFeed::read_since(Transaction& tx, std::int64_t after) const {
  auto result = tx.run(kSince, {after, kBatch});
  if (!result) {
    return result.error();
  }
  Batch batch;
  for (const storage::Row& row : result->rows) {
    batch.through = row.integer(0);
    batch.last = row.integer(1);
    if (row.optional_integer(2)) {
      batch.rows.push_back(Row{row.integer(2), row.integer(3), row.text(4), row.text(5)});
    }
  }
  return batch;
}

Result<std::vector<LiveDirectory::Change>> ChangeFeed::directory_changes(Transaction& tx,
                                                                         const Batch& batch) const {
  std::set<std::int64_t> stores;
  std::set<std::string> codes;
  std::set<std::string> domains;
  for (const Row& row : batch.rows) {
    if (row.kind == "store") {
      stores.insert(row.store_id);
      codes.insert(row.key);
    } else if (row.kind == "domain") {
      stores.insert(row.store_id);
      domains.insert(row.key);
    }
  }
  std::vector<LiveDirectory::Change> changes;
  if (stores.empty()) {
    return changes;
  }
  // A domain may route to a store the rows do not name (it was taken over): ask who has it now.
  for (const std::string& domain : domains) {
    auto owner = tx.run(kDomainOwner, {domain});
    if (!owner) {
      return owner.error();
    }
    for (const storage::Row& row : owner->rows) {
      stores.insert(row.integer(0));
    }
  }
  for (const std::int64_t id : stores) {
    auto found = tx.run(kStore, {id});
    if (!found) {
      return found.error();
    }
    if (found->rows.empty()) {
      continue;  // deleted: its code is among `codes`, its domains among `domains`
    }
    core::Store store = store_of(found->rows.front());
    const std::string code = store.code;
    core::StorePtr routed =
        store.is_active ? std::make_shared<const core::Store>(std::move(store)) : nullptr;
    changes.push_back({LiveDirectory::Change::By::code, code, routed});
    codes.erase(code);
    auto verified = tx.run(kStoreDomains, {id});
    if (!verified) {
      return verified.error();
    }
    for (const storage::Row& row : verified->rows) {
      changes.push_back({LiveDirectory::Change::By::domain, row.text(0), routed});
      domains.erase(row.text(0));
    }
  }
  // What no store answers for any more.
  for (const std::string& code : codes) {
    changes.push_back({LiveDirectory::Change::By::code, code, nullptr});
  }
  for (const std::string& domain : domains) {
    changes.push_back({LiveDirectory::Change::By::domain, domain, nullptr});
  }
  return changes;
}

void ChangeFeed::tell(const Batch& batch) const {
  std::set<std::int64_t> stores;
  bool domains = false;
  for (const Row& row : batch.rows) {
    stores.insert(row.store_id);
    domains = domains || row.kind == "domain";
  }
  if (hooks_.store_changed) {
    for (const std::int64_t id : stores) {
      hooks_.store_changed(id);
    }
  }
  if (domains && hooks_.domains_changed) {
    hooks_.domains_changed();
  }
}

Result<core::FlatStoreDirectory> ChangeFeed::read_all(Transaction& tx) const {
  core::FlatStoreDirectory::Builder builder;
  const auto page = static_cast<std::int64_t>(options_.load_page);
  std::int64_t after = 0;
  for (;;) {
    auto stores = tx.run(kLoadStores, {after, page});
    if (!stores) {
      return stores.error();
    }
    if (stores->rows.empty()) {
      break;
    }
    const std::int64_t first = stores->rows.front().integer(0);
    for (const storage::Row& row : stores->rows) {
      builder.add_store(store_of(row));
    }
    after = stores->rows.back().integer(0);
    auto domains = tx.run(kLoadDomains, {first, after});
    if (!domains) {
      return domains.error();
    }
    for (const storage::Row& row : domains->rows) {
      builder.add_domain(row.text(0), row.text(1));
    }
    if (stores->rows.size() < options_.load_page) {
      break;
    }
  }
  return builder.build();
}

Result<void> ChangeFeed::reload(bool locked) {
  auto tx = database_.begin_platform(Access::read);
  if (!tx) {
    return tx.error();
  }
  // The position first: a change committed while the stores are read is read again below.
  auto last = tx->run(kLast, {});
  if (!last) {
    return last.error();
  }
  std::int64_t after = last->rows.front().integer(0);
  auto base = read_all(*tx);
  if (!base) {
    return base.error();
  }
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!locked) {
    lock.lock();
  }
  // Bring the new base up to every change since its position before anyone sees it, so that no
  // reader is shown an older state than the one it replaces.
  std::vector<LiveDirectory::Change> changes;
  Batch all;
  for (;;) {
    auto batch = read_since(*tx, after);
    if (!batch) {
      return batch.error();
    }
    if (batch->rows.empty()) {
      break;
    }
    auto more = directory_changes(*tx, *batch);
    if (!more) {
      return more.error();
    }
    changes.insert(changes.end(), more->begin(), more->end());
    after = batch->rows.back().id;
    all.rows.insert(all.rows.end(), batch->rows.begin(), batch->rows.end());
  }
  (void)tx->commit();
  directory_.replace(std::move(*base), changes);
  position_ = after;
  ++reloads_;
  if (hooks_.reloaded) {
    hooks_.reloaded();
  }
  if (hooks_.domains_changed) {
    hooks_.domains_changed();
  }
  return {};
}

Result<void> ChangeFeed::load() {
  const auto started = Clock::now();
  if (auto loaded = reload(false); !loaded) {
    return loaded;
  }
  last_ok_.store(started.time_since_epoch().count());
  failing_.store(false);
  return {};
}

Result<void> ChangeFeed::catch_up() {
  auto tx = database_.begin_platform(Access::read);
  if (!tx) {
    return tx.error();
  }
  for (;;) {
    auto batch = read_since(*tx, position_);
    if (!batch) {
      return batch.error();
    }
    if (batch->through > position_ || batch->last < position_) {
      // Rows this process never applied were trimmed, or this is not the log it read before
      // (the database was replaced): nothing short of reading everything again is exact.
      if (hooks_.warn) {
        hooks_.warn(
            fmt::format("change feed: position {} is outside the log (trimmed through "
                        "{}, last {}): reloading every store",
                        position_, batch->through, batch->last));
      }
      (void)tx->commit();
      return reload(true);
    }
    if (batch->rows.empty()) {
      break;
    }
    auto changes = directory_changes(*tx, *batch);
    if (!changes) {
      return changes.error();
    }
    directory_.apply(*changes);
    position_ = batch->rows.back().id;
    applied_ += batch->rows.size();
    tell(*batch);
    if (batch->rows.size() < static_cast<std::size_t>(kBatch)) {
      break;
    }
  }
  return tx->commit();
}

Result<void> ChangeFeed::sync() {
  // Whatever committed before this instant is read below: the lock is taken after it.
  const auto started = Clock::now();
  std::lock_guard lock(mutex_);
  ++reads_;
  if (auto done = catch_up(); !done) {
    ++failures_;
    failing_.store(true);
    return done;
  }
  failing_.store(false);
  const auto rep = started.time_since_epoch().count();
  if (rep > last_ok_.load()) {
    last_ok_.store(rep);
  }
  return {};
}

bool ChangeFeed::current() const noexcept {
  if (failing_.load(std::memory_order_relaxed)) {
    return false;
  }
  const Clock::time_point last{Clock::duration(last_ok_.load(std::memory_order_relaxed))};
  return Clock::now() - last < options_.stale_after;
}

std::int64_t ChangeFeed::position() const {
  std::lock_guard lock(mutex_);
  return position_;
}

void ChangeFeed::trim() {
  auto tx = database_.begin_platform();
  if (!tx) {
    return;
  }
  auto bound = tx->run(kTrimBound, {unix_now() - options_.retention.count()});
  if (!bound || bound->rows.empty() || bound->rows.front().integer(0) == 0) {
    return;
  }
  const std::int64_t through = bound->rows.front().integer(0);
  if (!tx->run(kTrim, {through}) || !tx->run(kTrimMark, {through})) {
    return;
  }
  (void)tx->commit();
}

void ChangeFeed::start() {
  std::lock_guard lock(stop_mutex_);
  if (thread_.joinable()) {
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ChangeFeed::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void ChangeFeed::run() {
  const auto stopping = [this] {
    std::lock_guard lock(stop_mutex_);
    return stopping_;
  };
  std::unique_ptr<Connection> watch;
  bool watch_failed = false;
  bool read_failed = false;
  auto last_trim = Clock::now();
  std::thread rebuild;
  std::atomic<bool> rebuilding{false};
  while (!stopping()) {
    if (!watch) {
      if (auto opened = database_.open_watch(); opened) {
        watch = std::move(*opened);
      } else if (!watch_failed && opened.error().code != core::Errc::invalid_input && hooks_.warn) {
        hooks_.warn("change feed: cannot open its watch connection (" + opened.error().message +
                    "); reading every " + std::to_string(options_.poll.count()) + " ms");
      }
      watch_failed = !watch;
    }
    if (watch) {
      if (auto changed = watch->wait_for_change(options_.poll); !changed) {
        if (hooks_.warn) {
          hooks_.warn("change feed: " + changed.error().message + "; reconnecting");
        }
        watch.reset();
      }
    } else {
      std::unique_lock lock(stop_mutex_);
      stop_signal_.wait_for(lock, options_.poll, [this] { return stopping_; });
    }
    if (stopping()) {
      break;
    }
    auto done = sync();
    if (!done && !read_failed && hooks_.warn) {
      hooks_.warn("change feed: reading the log failed (" + done.error().message +
                  "); resolving from the database until it works again");
    }
    if (done && read_failed && hooks_.warn) {
      hooks_.warn("change feed: reading the log works again");
    }
    read_failed = !done;
    // The overlay grows with every key changed since the last full load: load again, off this
    // thread (it takes seconds at a million stores), once it is large.
    const auto stats = directory_.stats();
    if (done && !rebuilding.load() &&
        stats.overlay >= std::max(options_.reload_overlay, stats.stores / 8)) {
      if (rebuild.joinable()) {
        rebuild.join();
      }
      rebuilding.store(true);
      rebuild = std::thread([this, &rebuilding] {
        if (auto reloaded = reload(false); !reloaded && hooks_.warn) {
          hooks_.warn("change feed: reloading the stores failed: " + reloaded.error().message);
        }
        rebuilding.store(false);
      });
    }
    if (Clock::now() - last_trim > std::chrono::minutes(1)) {
      trim();
      last_trim = Clock::now();
    }
  }
  if (rebuild.joinable()) {
    rebuild.join();
  }
}

std::string ChangeFeed::metrics() const {
  const auto stats = directory_.stats();
  const Clock::time_point last{Clock::duration(last_ok_.load())};
  const double age = std::chrono::duration<double>(Clock::now() - last).count();
  return fmt::format(
      "# HELP orion_change_feed_reads_total Reads of the change log (each catches up).\n"
      "# TYPE orion_change_feed_reads_total counter\n"
      "orion_change_feed_reads_total {}\n"
      "# HELP orion_change_feed_read_failures_total Reads of the change log that failed.\n"
      "# TYPE orion_change_feed_read_failures_total counter\n"
      "orion_change_feed_read_failures_total {}\n"
      "# HELP orion_change_feed_changes_total Changes applied from the log.\n"
      "# TYPE orion_change_feed_changes_total counter\n"
      "orion_change_feed_changes_total {}\n"
      "# HELP orion_change_feed_reloads_total Full loads of every store and domain.\n"
      "# TYPE orion_change_feed_reloads_total counter\n"
      "orion_change_feed_reloads_total {}\n"
      "# HELP orion_change_feed_age_seconds Time since the last successful read began.\n"
      "# TYPE orion_change_feed_age_seconds gauge\n"
      "orion_change_feed_age_seconds {:.3f}\n"
      "# HELP orion_change_feed_current 1 while the directory is known current.\n"
      "# TYPE orion_change_feed_current gauge\n"
      "orion_change_feed_current {}\n"
      "# HELP orion_directory_stores Stores in the in-memory directory's last full load.\n"
      "# TYPE orion_directory_stores gauge\n"
      "orion_directory_stores {}\n"
      "# HELP orion_directory_domains Verified domains in its last full load.\n"
      "# TYPE orion_directory_domains gauge\n"
      "orion_directory_domains {}\n"
      "# HELP orion_directory_overlay Keys changed since the last full load.\n"
      "# TYPE orion_directory_overlay gauge\n"
      "orion_directory_overlay {}\n",
      reads_.load(), failures_.load(), applied_.load(), reloads_.load(), age, current() ? 1 : 0,
      stats.stores, stats.domains, stats.overlay);
}

}  // namespace orion::storage

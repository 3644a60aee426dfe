// The change feed on both backends: what one process commits reaches another process's
// in-memory directory and caches — at once through the write observer of the process that
// wrote, within a poll through the watch otherwise — and nothing a reader sees ever goes back.
// "Another process" is a second Database opened on the same URL: its own pool, its own
// connections, no shared memory with the feed's.
#include "storage/change_feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "storage/domains.hpp"
#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "storage/themes.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

using namespace std::chrono_literals;

std::string name_of(const core::StorePtr& store) { return store ? store->name() : "(none)"; }

class ChangeFeedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    other_ = must(open_database(test_database().url));
  }
  void TearDown() override {
    feed_.reset();
    other_.reset();
  }

  ChangeFeed& feed(ChangeFeed::Options options = {}) {
    ChangeFeed::Hooks hooks;
    hooks.store_changed = [this](std::int64_t id) {
      std::lock_guard lock(mutex_);
      changed_.insert(id);
    };
    hooks.domains_changed = [this] { ++domains_changed_; };
    hooks.reloaded = [this] { ++reloads_; };
    feed_ = std::make_unique<ChangeFeed>(db(), directory_, std::move(hooks), options);
    must(feed_->load());
    return *feed_;
  }

  // Waits up to `limit` for `done`, checking every few milliseconds.
  template <class Done>
  static bool within(std::chrono::milliseconds limit, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  // In the other process.
  StoreRecord other_store(std::string_view code, std::string_view name) {
    auto tx = must(other_->begin_platform());
    StoreRecord store = must(stores::create(tx, code, name));
    must(tx.commit());
    return store;
  }
  void other_rename(std::string_view code, std::string_view name) {
    auto tx = must(other_->begin_platform());
    must(stores::rename(tx, code, name));
    must(tx.commit());
  }
  void other_verified_domain(const StoreRecord& store, std::string_view domain) {
    {
      auto tx = must(other_->begin(TenantScope::admin(store.snapshot())));
      must(domains::add(tx, domain));
      must(tx.commit());
    }
    auto tx = must(other_->begin_platform());
    must(domains::mark_verified(tx, domain));
    must(tx.commit());
  }
  bool was_changed(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return changed_.contains(id);
  }

  core::LiveDirectory directory_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<Database> other_;
  std::mutex mutex_;
  std::set<std::int64_t> changed_;
  std::atomic<int> domains_changed_{0};
  std::atomic<int> reloads_{0};
};

TEST_P(ChangeFeedTest, LoadsEveryActiveStoreAndVerifiedDomain) {
  const StoreRecord shop = make_store("loaded", "Loaded");
  const StoreRecord closed = make_store("closed", "Closed");
  other_verified_domain(shop, "loaded.example.com");
  {
    auto tx = platform();
    must(stores::set_active(tx, "closed", false));
    must(tx.commit());
  }
  {
    auto tx = tenant(shop);
    must(domains::add(tx, "pending.example.com"));
    must(tx.commit());
  }
  feed();
  EXPECT_EQ(name_of(directory_.find_active_by_code("loaded")), "Loaded");
  EXPECT_EQ(name_of(directory_.find_active_by_domain("loaded.example.com")), "Loaded");
  EXPECT_EQ(directory_.find_active_by_code("closed"), nullptr);
  EXPECT_EQ(directory_.find_active_by_domain("pending.example.com"), nullptr);
  EXPECT_EQ(directory_.stats().stores, 2U);
  EXPECT_GT(feed_->position(), 0);
  EXPECT_TRUE(feed_->current());
  (void)closed;
}

TEST_P(ChangeFeedTest, ASyncAppliesWhatAnotherProcessCommitted) {
  const StoreRecord shop = make_store("first", "First");
  ChangeFeed& changes = feed();
  const StoreRecord added = other_store("second", "Second");
  other_rename("first", "First, renamed");
  other_verified_domain(added, "second.example.com");
  {
    auto tx = must(other_->begin(TenantScope::admin(added.snapshot())));
    must(domains::set_primary(tx, "second.example.com", true));
    must(tx.commit());
  }
  // Not yet: nothing has read the log.
  EXPECT_EQ(directory_.find_active_by_code("second"), nullptr);
  must(changes.sync());
  EXPECT_EQ(name_of(directory_.find_active_by_code("first")), "First, renamed");
  const core::StorePtr second = directory_.find_active_by_domain("second.example.com");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->code, "second");
  EXPECT_EQ(second->primary_domain(), "second.example.com");
  EXPECT_EQ(directory_.find_active_by_code("second")->primary_domain(), "second.example.com");
  EXPECT_TRUE(was_changed(shop.id));
  EXPECT_TRUE(was_changed(added.id));
  EXPECT_GT(domains_changed_.load(), 0);

  // Deactivated, and the domain removed: neither answers any more.
  {
    auto tx = must(other_->begin_platform());
    must(stores::set_active(tx, "first", false));
    must(tx.commit());
  }
  {
    auto tx = must(other_->begin(TenantScope::admin(added.snapshot())));
    must(domains::remove(tx, "second.example.com", "test", 0s));
    must(tx.commit());
  }
  must(changes.sync());
  EXPECT_EQ(directory_.find_active_by_code("first"), nullptr);
  EXPECT_EQ(directory_.find_active_by_domain("second.example.com"), nullptr);
  EXPECT_EQ(directory_.find_active_by_code("second")->primary_domain(), "");
}

TEST_P(ChangeFeedTest, ContentChangesNameTheirStore) {
  const StoreRecord shop = make_store("content", "Content");
  const StoreRecord quiet = make_store("quiet", "Quiet");
  ChangeFeed& changes = feed();
  {
    auto tx = must(other_->begin(TenantScope::admin(shop.snapshot())));
    NewProduct product;
    product.name = "Lamp";
    product.price_cents = 100;
    must(products::create(tx, product));
    Theme theme = must(themes::get(tx));
    theme.primary_color = "#000000";
    must(themes::put(tx, theme));
    must(tx.commit());
  }
  must(changes.sync());
  EXPECT_TRUE(was_changed(shop.id));
  EXPECT_FALSE(was_changed(quiet.id));
}

TEST_P(ChangeFeedTest, TheWriteObserverAppliesAChangeBeforeTheCommitReturns) {
  make_store("observed", "Observed");
  ChangeFeed& changes = feed();
  db().set_write_observer([&changes] { (void)changes.sync(); });
  {
    auto tx = platform();
    must(stores::rename(tx, "observed", "Observed, renamed"));
    must(tx.commit());
  }
  EXPECT_EQ(name_of(directory_.find_active_by_code("observed")), "Observed, renamed");
  {
    auto tx = platform();
    must(stores::create(tx, "fresh", "Fresh"));
    must(tx.commit());
  }
  EXPECT_EQ(name_of(directory_.find_active_by_code("fresh")), "Fresh");
  db().set_write_observer(nullptr);
}

TEST_P(ChangeFeedTest, TheWatchSeesAnotherProcessWithinAPoll) {
  make_store("watched", "Watched");
  ChangeFeed::Options options;
  options.poll = 5s;  // longer than the wait below: only the watch can make it in time
  ChangeFeed& changes = feed(options);
  changes.start();
  std::this_thread::sleep_for(200ms);  // the watch is listening
  const auto before = std::chrono::steady_clock::now();
  other_rename("watched", "Watched, renamed");
  EXPECT_TRUE(within(1s, [&] {
    return name_of(directory_.find_active_by_code("watched")) == "Watched, renamed";
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  changes.stop();
}

TEST_P(ChangeFeedTest, WithoutTheWatchThePollStillCatchesUp) {
  make_store("polled", "Polled");
  ChangeFeed::Options options;
  options.poll = 50ms;
  ChangeFeed& changes = feed(options);
  changes.start();
  if (backend() == Backend::postgres) {
    // Kill the watch connection: the feed reconnects, and reads on every poll meanwhile.
    auto tx = must(other_->begin_platform());
    std::this_thread::sleep_for(200ms);
    constexpr Sql kKill{"test_kill_listener",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE query = 'LISTEN orion_changes' AND datname = current_database()"};
    auto killed = must(tx.run(kKill, {}));
    EXPECT_EQ(killed.rows.size(), 1U);
    must(tx.commit());
  }
  other_rename("polled", "Polled, renamed");
  EXPECT_TRUE(within(
      1s, [&] { return name_of(directory_.find_active_by_code("polled")) == "Polled, renamed"; }));
  EXPECT_TRUE(changes.current());
  changes.stop();
}

TEST_P(ChangeFeedTest, AReaderBehindTheTrimmedLogReloadsEverything) {
  make_store("trimmed", "Trimmed");
  ChangeFeed& changes = feed();
  other_rename("trimmed", "Trimmed, renamed");
  {
    // Another process trimmed the log past this one's position (it was away too long).
    constexpr Sql kMark{"test_feed_trim_mark",
                        "UPDATE store_changes_trim SET through = "
                        "(SELECT MAX(id) FROM store_changes)"};
    constexpr Sql kDelete{"test_feed_trim_all", "DELETE FROM store_changes"};
    auto tx = must(other_->begin_platform());
    must(tx.run(kMark, {}));
    EXPECT_GT(must(tx.run(kDelete, {})).affected, 0);
    must(tx.commit());
  }
  const int reloads = reloads_.load();
  must(changes.sync());
  EXPECT_EQ(reloads_.load(), reloads + 1);
  EXPECT_EQ(name_of(directory_.find_active_by_code("trimmed")), "Trimmed, renamed");
}

TEST_P(ChangeFeedTest, WritersOfWatchedTablesCommitInTheOrderOfTheirChanges) {
  if (backend() != Backend::postgres) {
    GTEST_SKIP() << "SQLite has one writer at a time";
  }
  const StoreRecord a = make_store("order-a", "A");
  const StoreRecord b = make_store("order-b", "B");
  // The first writer holds its change uncommitted; a second writer of another store must wait
  // for it (else it could take a later id and commit first, and a reader pass the earlier one).
  auto first = tenant(a);
  NewProduct product;
  product.name = "First";
  product.price_cents = 1;
  must(products::create(first, product));
  std::atomic<bool> second_done{false};
  std::thread second([&] {
    auto tx = must(other_->begin(TenantScope::admin(b.snapshot())));
    NewProduct other;
    other.name = "Second";
    other.price_cents = 1;
    must(products::create(tx, other));
    must(tx.commit());
    second_done.store(true);
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(second_done.load());
  must(first.commit());
  second.join();
  EXPECT_TRUE(second_done.load());
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(ChangeFeedTest);

}  // namespace
}  // namespace orion::storage::testing

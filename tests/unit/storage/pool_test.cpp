// The connection pool (storage/database.hpp) against a real PostgreSQL 15 and a real SQLite file:
// the pool keeps `size` connections, opens up to `max_overflow` more under load and closes them
// when returned, makes a caller beyond that wait and then fail with Errc::unavailable, reuses a
// returned connection, and after a server restart (or pg_terminate_backend) replaces the dead
// pooled connection that the transaction's opening round trip found, so that the caller never
// retries; a connection whose statement failed because the server ended it is dropped, not
// taken back. There is no ping before a checkout. While the server is down every begin_* fails
// with Errc::unavailable and a one-line message.
//
// The restart and outage tests stop the shared throw-away server (tests/support/
// postgres_server.sh restart|pause|resume), so ctest runs this binary RUN_SERIAL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "storage/database.hpp"
#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "support/test_database.hpp"

namespace orion::core {
// Readable failures: "unavailable (message)" instead of bytes.
inline void PrintTo(Errc code, std::ostream* os) { *os << to_string(code); }
inline void PrintTo(const Error& error, std::ostream* os) {
  *os << to_string(error.code) << " (" << error.message << ")";
}
}  // namespace orion::core

namespace orion::storage {

// Found by ADL (PoolState lives in orion::storage), so not in the anonymous namespace.
inline bool operator==(const Database::PoolState& a, const Database::PoolState& b) {
  return a.open == b.open && a.idle == b.idle && a.in_use == b.in_use;
}

inline void PrintTo(const Database::PoolState& s, std::ostream* os) {
  *os << "{open " << s.open << ", idle " << s.idle << ", in_use " << s.in_use << "}";
}

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr Sql kBackendPid{"test_backend_pid", "SELECT pg_backend_pid()"};
constexpr Sql kScopeSetting{"test_scope_setting",
                            "SELECT COALESCE(current_setting('orion.store_id', true), '')"};
constexpr Sql kServerConnections{"test_server_connections",
                                 "SELECT COUNT(*) FROM pg_stat_activity "
                                 "WHERE datname = $1 AND usename = 'orion_tester'"};
constexpr Sql kJournalMode{"test_journal_mode", "PRAGMA journal_mode"};
constexpr Sql kForeignKeys{"test_foreign_keys", "PRAGMA foreign_keys"};
constexpr Sql kOrphanTheme{"test_orphan_theme",
                           "INSERT INTO store_themes (store_id, updated_at) VALUES (999999, 0)"};
constexpr Sql kStoreCount{"test_store_count", "SELECT COUNT(*) FROM stores"};
constexpr Sql kTerminate{"test_terminate", "SELECT pg_terminate_backend($1::integer)"};
constexpr Sql kBackendAlive{"test_backend_alive",
                            "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1::integer"};

Database::PoolState state(std::size_t open, std::size_t idle, std::size_t in_use) {
  return Database::PoolState{open, idle, in_use};
}

std::string database_name(const std::string& url) { return url.substr(url.rfind('/') + 1); }

std::int64_t backend_pid(Transaction& tx) {
  auto pid = tx.run(kBackendPid, {});
  EXPECT_TRUE(pid) << pid.error().message;
  return pid ? pid->rows.at(0).integer(0) : -1;
}

// Runs tests/support/postgres_server.sh ACTION on the run's server.
bool control_server(const std::string& action) {
  const char* script = std::getenv("ORION_PG_SERVER_SCRIPT");
  const char* state_dir = std::getenv("ORION_TEST_PG_STATE");
  if (script == nullptr || state_dir == nullptr) {
    ADD_FAILURE() << "ORION_PG_SERVER_SCRIPT and ORION_TEST_PG_STATE must be set (run through "
                     "ctest)";
    return false;
  }
  const std::string command =
      std::string("'") + script + "' " + action + " '" + state_dir + "' >/dev/null";
  const int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << command;
  return rc == 0;
}

// The server is down for this object's lifetime, and up again after it whatever the test did,
// so a failing assertion never leaves the next test without a server.
class ServerOutage {
 public:
  ServerOutage() : paused_(control_server("pause")) {}
  ~ServerOutage() {
    if (paused_) {
      control_server("resume");
    }
  }
  ServerOutage(const ServerOutage&) = delete;
  ServerOutage& operator=(const ServerOutage&) = delete;
  [[nodiscard]] bool paused() const noexcept { return paused_; }

 private:
  bool paused_;
};

// Sessions of orion_tester the server has for the test database, seen by the superuser. A
// closed connection's backend exits asynchronously, so wait (up to 10 s) for `want`.
std::int64_t server_connections(const testing::TestDatabase& test, std::int64_t want) {
  auto admin = open_database(test.owner_url, PoolOptions{1, 0});
  EXPECT_TRUE(admin) << admin.error().message;
  if (!admin) {
    return -1;
  }
  const std::string name = database_name(test.url);
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  std::int64_t seen = -1;
  for (;;) {
    auto tx = (*admin)->begin_unscoped();
    EXPECT_TRUE(tx) << tx.error().message;
    if (!tx) {
      return -1;
    }
    auto count = tx->run(kServerConnections, {name});
    EXPECT_TRUE(count) << count.error().message;
    if (!count) {
      return -1;
    }
    seen = count->rows.at(0).integer(0);
    if (seen == want || steady_clock::now() > deadline) {
      return seen;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

// Ends the server session `pid` as an operator would (pg_terminate_backend, as the superuser)
// and waits (up to 10 s) until the server no longer lists it.
void terminate_backend(const testing::TestDatabase& test, std::int64_t pid) {
  auto admin = open_database(test.owner_url, PoolOptions{1, 0});
  ASSERT_TRUE(admin) << admin.error().message;
  {
    auto tx = (*admin)->begin_unscoped();
    ASSERT_TRUE(tx) << tx.error().message;
    auto ended = tx->run(kTerminate, {pid});
    ASSERT_TRUE(ended) << ended.error().message;
    ASSERT_TRUE(ended->rows.at(0).boolean(0));
  }
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto tx = (*admin)->begin_unscoped();
    ASSERT_TRUE(tx) << tx.error().message;
    auto alive = tx->run(kBackendAlive, {pid});
    ASSERT_TRUE(alive) << alive.error().message;
    if (alive->rows.at(0).integer(0) == 0) {
      return;
    }
    ASSERT_LT(steady_clock::now(), deadline) << "backend " << pid << " still there";
    std::this_thread::sleep_for(milliseconds(20));
  }
}

std::unique_ptr<testing::TestDatabase> postgres(PoolOptions options) {
  return testing::make_test_database(Backend::postgres, options);
}

StoreRecord create_store(Database& db, const std::string& code) {
  auto tx = db.begin_platform();
  EXPECT_TRUE(tx) << tx.error().message;
  if (!tx) {
    return {};
  }
  auto store = stores::create(*tx, code, "Store " + code);
  EXPECT_TRUE(store) << store.error().message;
  EXPECT_TRUE(tx->commit());
  return store ? *store : StoreRecord{};
}

void expect_one_line_unavailable(const core::Error& error) {
  EXPECT_EQ(error.code, core::Errc::unavailable) << error.message;
  EXPECT_FALSE(error.message.empty());
  EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find('\r'), std::string::npos) << error.message;
}

// --- PostgreSQL ----------------------------------------------------------------------------------

TEST(PostgresPool, KeepsSizeConnectionsAndClosesOverflowWhenReturned) {
  auto test = postgres(PoolOptions{2, 2, milliseconds(2000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  // open_database connected once to fail early; that connection stays pooled.
  EXPECT_EQ(db.pool_state(), state(1, 1, 0));

  std::vector<PlatformTransaction> held;
  for (int i = 0; i < 4; ++i) {
    auto tx = db.begin_platform();
    ASSERT_TRUE(tx) << tx.error().message;
    held.push_back(std::move(*tx));
  }
  EXPECT_EQ(db.pool_state(), state(4, 0, 4));  // size 2 + overflow 2
  EXPECT_EQ(server_connections(*test, 4), 4);

  held.pop_back();
  held.pop_back();
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));  // the overflow is closed, not kept idle
  EXPECT_EQ(server_connections(*test, 2), 2);

  held.clear();
  EXPECT_EQ(db.pool_state(), state(2, 2, 0));  // `size` connections stay open
  EXPECT_EQ(server_connections(*test, 2), 2);

  // Under load again: the two idle ones are used first, then two new overflow ones.
  for (int i = 0; i < 4; ++i) {
    auto tx = db.begin_platform();
    ASSERT_TRUE(tx) << tx.error().message;
    held.push_back(std::move(*tx));
  }
  EXPECT_EQ(db.pool_state(), state(4, 0, 4));
  held.clear();
  EXPECT_EQ(db.pool_state(), state(2, 2, 0));
}

TEST(PostgresPool, AcquireBeyondSizeAndOverflowWaitsThenFailsUnavailable) {
  constexpr milliseconds kTimeout{300};
  auto test = postgres(PoolOptions{1, 1, kTimeout});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  const StoreRecord store = create_store(db, "pool-limit");
  ASSERT_NE(store.id, 0);

  auto first = db.begin_platform();
  ASSERT_TRUE(first) << first.error().message;
  std::optional<TenantTransaction> second;
  {
    auto tx = db.begin(TenantScope::admin(store.snapshot()));
    ASSERT_TRUE(tx) << tx.error().message;
    second.emplace(std::move(*tx));
  }
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));

  // Every kind of transaction waits for acquire_timeout, then gives up with a one-line message.
  const auto try_begin = [&](auto begin) {
    const auto start = steady_clock::now();
    auto third = begin();
    const auto waited = steady_clock::now() - start;
    ASSERT_FALSE(third);
    expect_one_line_unavailable(third.error());
    EXPECT_GE(waited, kTimeout - milliseconds(20));
    EXPECT_LT(waited, kTimeout + milliseconds(3000));
  };
  try_begin([&] { return db.begin_platform(); });
  try_begin([&] { return db.begin(TenantScope::admin(store.snapshot())); });
  try_begin([&] { return db.begin_unscoped(); });
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));  // the failed waits leaked no slot

  // A returned connection makes the next caller succeed at once.
  second.reset();
  const auto start = steady_clock::now();
  auto third = db.begin_platform();
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_LT(steady_clock::now() - start, kTimeout);
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));
}

TEST(PostgresPool, WaiterGetsTheConnectionAnotherThreadReturns) {
  auto test = postgres(PoolOptions{1, 0, milliseconds(5000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;

  auto held = std::make_unique<Result<PlatformTransaction>>(db.begin_platform());
  ASSERT_TRUE(*held) << held->error().message;
  const std::int64_t held_pid = backend_pid(**held);
  std::thread releaser([&held] {
    std::this_thread::sleep_for(milliseconds(200));
    held.reset();  // rolled back and returned to the pool
  });
  const auto start = steady_clock::now();
  auto waiter = db.begin_platform();
  const auto waited = steady_clock::now() - start;
  releaser.join();
  ASSERT_TRUE(waiter) << waiter.error().message;
  EXPECT_GE(waited, milliseconds(150));
  EXPECT_EQ(backend_pid(*waiter), held_pid);  // the very connection the other thread returned
  EXPECT_EQ(db.pool_state(), state(1, 0, 1));
}

TEST(PostgresPool, ReturnedConnectionIsReused) {
  auto test = postgres(PoolOptions{2, 2, milliseconds(2000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  const StoreRecord store = create_store(db, "pool-reuse");
  ASSERT_NE(store.id, 0);

  std::int64_t pid = -1;
  for (int i = 0; i < 5; ++i) {
    auto tx = db.begin_platform();
    ASSERT_TRUE(tx) << tx.error().message;
    const std::int64_t now = backend_pid(*tx);
    if (i == 0) {
      pid = now;
    }
    EXPECT_EQ(now, pid) << "round " << i << " opened a new connection";
    if (i % 2 == 0) {
      ASSERT_TRUE(tx->commit());
    }  // otherwise rolled back on destruction: returned just the same
  }
  EXPECT_EQ(db.pool_state(), state(1, 1, 0));

  // The reused connection does not carry a tenant scope into its next transaction.
  {
    auto tenant = db.begin(TenantScope::admin(store.snapshot()));
    ASSERT_TRUE(tenant) << tenant.error().message;
    EXPECT_EQ(backend_pid(*tenant), pid);
    auto setting = tenant->run(kScopeSetting, {});
    ASSERT_TRUE(setting) << setting.error().message;
    EXPECT_EQ(setting->rows.at(0).text(0), std::to_string(store.id));
    ASSERT_TRUE(tenant->commit());
  }
  auto platform = db.begin_platform();
  ASSERT_TRUE(platform) << platform.error().message;
  EXPECT_EQ(backend_pid(*platform), pid);
  auto setting = platform->run(kScopeSetting, {});
  ASSERT_TRUE(setting) << setting.error().message;
  EXPECT_EQ(setting->rows.at(0).text(0), "");
}

TEST(PostgresPool, DeadConnectionsAfterServerRestartAreReplacedWithoutRetry) {
  auto test = postgres(PoolOptions{2, 0, milliseconds(5000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  const StoreRecord store = create_store(db, "pool-restart");
  ASSERT_NE(store.id, 0);

  // Two pooled connections, both known to the server.
  std::vector<std::int64_t> old_pids;
  {
    std::vector<PlatformTransaction> held;
    for (int i = 0; i < 2; ++i) {
      auto tx = db.begin_platform();
      ASSERT_TRUE(tx) << tx.error().message;
      old_pids.push_back(backend_pid(*tx));
      held.push_back(std::move(*tx));
    }
  }
  ASSERT_EQ(db.pool_state(), state(2, 2, 0));

  {
    // A transaction in flight during the restart fails cleanly...
    auto in_flight = db.begin_platform();
    ASSERT_TRUE(in_flight) << in_flight.error().message;
    ASSERT_TRUE(control_server("restart"));
    auto lost = in_flight->run(kBackendPid, {});
    ASSERT_FALSE(lost);
    expect_one_line_unavailable(lost.error());
  }  // ...and its connection, marked broken by the failure, is dropped rather than taken back.
  ASSERT_EQ(db.pool_state(), state(1, 1, 0));

  // The very next transactions succeed: the opening round trip finds the dead idle connection,
  // which is dropped and replaced, so the caller does not retry.
  std::vector<TenantTransaction> fresh;
  for (int i = 0; i < 2; ++i) {
    auto tx = db.begin(TenantScope::admin(store.snapshot()));
    ASSERT_TRUE(tx) << "transaction " << i << " after the restart: " << tx.error().message;
    const std::int64_t pid = backend_pid(*tx);
    EXPECT_NE(pid, old_pids[0]);
    EXPECT_NE(pid, old_pids[1]);
    auto products = products::list(*tx);
    ASSERT_TRUE(products) << products.error().message;
    EXPECT_TRUE(products->empty());
    fresh.push_back(std::move(*tx));
  }
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));  // replaced, not added: no slot leaked
  fresh.clear();

  auto platform = db.begin_platform();
  ASSERT_TRUE(platform) << platform.error().message;
  auto found = stores::find_by_code(*platform, "pool-restart");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, store.id);
  EXPECT_EQ(server_connections(*test, 2), 2);
}

// pg_terminate_backend of an idle pooled connection: the next transaction opens on a fresh
// connection without the caller noticing, and the dead one leaves the pool (no slot leaked).
TEST(PostgresPool, TerminatedIdleConnectionIsDroppedAndTheNextTransactionWorks) {
  auto test = postgres(PoolOptions{1, 0, milliseconds(2000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  const StoreRecord store = create_store(db, "pool-terminated");
  std::int64_t old_pid = -1;
  {
    auto tx = db.begin_platform();
    ASSERT_TRUE(tx) << tx.error().message;
    old_pid = backend_pid(*tx);
  }
  ASSERT_EQ(db.pool_state(), state(1, 1, 0));
  terminate_backend(*test, old_pid);

  for (const Access access : {Access::read, Access::write}) {
    auto tx = db.begin(TenantScope::admin(store.snapshot()), access);
    ASSERT_TRUE(tx) << tx.error().message;
    EXPECT_NE(backend_pid(*tx), old_pid);
    // The tenant setting came with the BEGIN on the new connection too.
    auto setting = tx->run(kScopeSetting, {});
    ASSERT_TRUE(setting) << setting.error().message;
    EXPECT_EQ(setting->rows.at(0).text(0), std::to_string(store.id));
    EXPECT_EQ(db.pool_state(), state(1, 0, 1));
  }
  EXPECT_EQ(db.pool_state(), state(1, 1, 0));
  EXPECT_EQ(server_connections(*test, 1), 1);
}

// A statement that fails because the server ended the session marks the connection broken: the
// pool drops it when the transaction ends instead of handing it to the next caller.
TEST(PostgresPool, ConnectionEndedMidTransactionIsDroppedNotReturned) {
  auto test = postgres(PoolOptions{2, 0, milliseconds(2000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  std::int64_t old_pid = -1;
  {
    auto tx = db.begin_platform(Access::read);
    ASSERT_TRUE(tx) << tx.error().message;
    old_pid = backend_pid(*tx);
    terminate_backend(*test, old_pid);
    auto lost = tx->run(kStoreCount, {});
    ASSERT_FALSE(lost);
    expect_one_line_unavailable(lost.error());
    EXPECT_EQ(db.pool_state(), state(1, 0, 1));
  }
  EXPECT_EQ(db.pool_state(), state(0, 0, 0));
  auto next = db.begin_platform();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_NE(backend_pid(*next), old_pid);
  auto count = next->run(kStoreCount, {});
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(db.pool_state(), state(1, 0, 1));
}

TEST(PostgresPool, ServerDownFailsUnavailableWithOneLineAndRecovers) {
  auto test = postgres(PoolOptions{2, 1, milliseconds(2000)});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  const StoreRecord store = create_store(db, "pool-outage");
  ASSERT_NE(store.id, 0);
  ASSERT_EQ(db.pool_state().idle, 1U);

  {
    ServerOutage outage;
    ASSERT_TRUE(outage.paused());
    // The first call finds the idle connection dead and cannot replace it; the later ones have
    // no pooled connection left and cannot open one. Each fails at once, never hangs.
    for (int round = 0; round < 2; ++round) {
      const auto start = steady_clock::now();
      auto platform = db.begin_platform();
      ASSERT_FALSE(platform);
      expect_one_line_unavailable(platform.error());
      auto tenant = db.begin(TenantScope::admin(store.snapshot()));
      ASSERT_FALSE(tenant);
      expect_one_line_unavailable(tenant.error());
      auto unscoped = db.begin_unscoped();
      ASSERT_FALSE(unscoped);
      expect_one_line_unavailable(unscoped.error());
      EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(4));
    }
    EXPECT_EQ(db.pool_state(), state(0, 0, 0));  // failed connects leaked no slot

    // What `orion <command> --db URL` meets when the server is down.
    auto opened = open_database(test->url, PoolOptions{1, 0});
    ASSERT_FALSE(opened);
    expect_one_line_unavailable(opened.error());
  }

  // Back up: the next transaction simply works.
  auto platform = db.begin_platform();
  ASSERT_TRUE(platform) << platform.error().message;
  auto count = platform->run(kStoreCount, {});
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->rows.at(0).integer(0), 1);
  EXPECT_EQ(db.pool_state(), state(1, 0, 1));
}

// --- SQLite --------------------------------------------------------------------------------------

TEST(SqlitePool, EveryConnectionHasWalAndForeignKeysOn) {
  auto test = testing::make_test_database(Backend::sqlite, PoolOptions{2, 0});
  ASSERT_TRUE(test);
  Database& db = *test->database;

  // A committed transaction keeps its connection until destroyed, so holding two committed
  // ones proves two distinct connections without two writers waiting on each other.
  std::vector<UnscopedTransaction> held;
  for (int i = 0; i < 2; ++i) {
    auto tx = db.begin_unscoped();
    ASSERT_TRUE(tx) << tx.error().message;
    auto journal = tx->run(kJournalMode, {});
    ASSERT_TRUE(journal) << journal.error().message;
    EXPECT_EQ(journal->rows.at(0).text(0), "wal") << "connection " << i;
    auto foreign_keys = tx->run(kForeignKeys, {});
    ASSERT_TRUE(foreign_keys) << foreign_keys.error().message;
    EXPECT_EQ(foreign_keys->rows.at(0).integer(0), 1) << "connection " << i;
    // And they are enforced, not just reported: a theme of no store is refused.
    auto orphan = tx->run(kOrphanTheme, {});
    ASSERT_FALSE(orphan) << "connection " << i << " accepted a row referencing no store";
    EXPECT_EQ(orphan.error().code, core::Errc::invalid_input) << orphan.error().message;
    ASSERT_TRUE(tx->commit());
    held.push_back(std::move(*tx));
  }
  EXPECT_EQ(db.pool_state(), state(2, 0, 2));
}

TEST(SqlitePool, SecondConnectionSeesCommittedData) {
  auto test = testing::make_test_database(Backend::sqlite, PoolOptions{2, 0});
  ASSERT_TRUE(test);
  Database& db = *test->database;

  std::int64_t id = 0;
  {
    auto writer = db.begin_platform();
    ASSERT_TRUE(writer) << writer.error().message;
    auto created = stores::create(*writer, "sqlite-pool", "SQLite pool");
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_TRUE(writer->commit());

    // The writer still holds its connection: the reader gets a second one.
    auto reader = db.begin_platform();
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(db.pool_state(), state(2, 0, 2));
    auto found = stores::find_by_code(*reader, "sqlite-pool");
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, created->id);
    id = created->id;
  }  // both connections go back: SQLite lets one writer at a time hold BEGIN IMMEDIATE

  // A separate Database on the same file (another process, in effect) sees it too.
  auto other = open_database(test->url, PoolOptions{1, 0}, OpenMode::existing);
  ASSERT_TRUE(other) << other.error().message;
  auto elsewhere = (*other)->begin_platform();
  ASSERT_TRUE(elsewhere) << elsewhere.error().message;
  auto seen = stores::find_by_code(*elsewhere, "sqlite-pool");
  ASSERT_TRUE(seen) << seen.error().message;
  ASSERT_TRUE(seen->has_value());
  EXPECT_EQ((*seen)->id, id);
}

// A read transaction is a deferred BEGIN: it takes no write lock, so it begins and reads the
// committed data at once while a writer holds the lock (a BEGIN IMMEDIATE would wait for the
// writer, here for the whole busy timeout, and then fail).
TEST(SqlitePool, ReadTransactionDoesNotWaitForTheWriter) {
  auto test = testing::make_test_database(Backend::sqlite, PoolOptions{2, 0});
  ASSERT_TRUE(test);
  Database& db = *test->database;
  {
    auto setup = db.begin_platform();
    ASSERT_TRUE(setup) << setup.error().message;
    ASSERT_TRUE(stores::create(*setup, "committed", "Committed"));
    ASSERT_TRUE(setup->commit());
  }
  auto writer = db.begin_platform();
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(stores::create(*writer, "uncommitted", "Uncommitted"));

  const auto start = steady_clock::now();
  auto reader = db.begin_platform(Access::read);
  ASSERT_TRUE(reader) << reader.error().message;
  auto n = stores::count(*reader);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);  // the committed store, not the writer's
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  ASSERT_TRUE(writer->commit());
}

TEST(SqlitePool, SecondWriterWaitsForTheFirstInsteadOfFailing) {
  auto test = testing::make_test_database(Backend::sqlite, PoolOptions{2, 0});
  ASSERT_TRUE(test);
  Database& db = *test->database;

  auto first = std::make_unique<Result<PlatformTransaction>>(db.begin_platform());
  ASSERT_TRUE(*first) << first->error().message;
  ASSERT_TRUE(stores::create(**first, "first-writer", "First"));
  std::thread committer([&first] {
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_TRUE((*first)->commit());
    first.reset();
  });
  // BEGIN IMMEDIATE waits on the busy timeout for the first writer's commit.
  auto second = db.begin_platform();
  committer.join();
  ASSERT_TRUE(second) << second.error().message;
  auto created = stores::create(*second, "second-writer", "Second");
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE(second->commit());
  auto count = db.begin_platform();
  ASSERT_TRUE(count) << count.error().message;
  auto n = stores::count(*count);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 2);
}

}  // namespace
}  // namespace orion::storage

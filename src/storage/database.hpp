// The one database abstraction: a pool of connections to SQLite or PostgreSQL, transactions on
// them, and prepared statements with bound parameters only (DESIGN.md §3, STYLE.md).
//
// Tenant isolation starts here: a transaction is opened either for one store (TenantTransaction,
// only from a TenantScope) or for platform-wide work (PlatformTransaction). On PostgreSQL the
// store id is set per transaction (set_config(..., true)), so a pooled connection can never carry
// it into the next request, and row-level security enforces it a second time.
//
// Round trips (issue 15, point 4): opening a transaction is one round trip, the BEGIN and its
// tenant settings together; a pooled connection is not pinged before use. A connection whose
// statement failed with a connection-class error (Errc::unavailable) is marked broken and the
// pool drops it instead of taking it back; a dead pooled connection found by the opening round
// trip is dropped and the transaction opened on another one, so a server restart costs the
// caller nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/value.hpp"

namespace orion::storage {

using core::Error;
using core::Result;

enum class Backend : std::uint8_t { sqlite, postgres };

// What a transaction may do. `read`: PostgreSQL `BEGIN READ ONLY` (the server refuses any
// write), SQLite a deferred `BEGIN` that takes no write lock (so readers never queue behind a
// writer) and refuses any statement that would write. `write`: PostgreSQL `BEGIN`, SQLite
// `BEGIN IMMEDIATE` (two writers wait on the busy timeout instead of one failing on upgrade).
enum class Access : std::uint8_t { write, read };

std::string_view to_string(Backend backend) noexcept;

// A statement: a stable name (the prepared-statement name) and its text, with parameters
// written $1, $2, ... for both backends. Always a compile-time constant: user data travels only
// as bound parameters, never inside the text.
struct Sql {
  std::string_view name;
  std::string_view text;
};

// One connection of a backend. Used through a Transaction; not thread-safe.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs a prepared statement (prepared on first use, then cached on this connection).
  virtual Result<QueryResult> run(const Sql& sql, std::span<const Value> params) = 0;
  // Runs trusted SQL without parameters: transaction control and migrations only.
  virtual Result<void> exec(std::string_view sql) = 0;
  // Opens a transaction of `access` with its tenant settings (PostgreSQL: orion.store_id and
  // orion.platform, local to the transaction; a no-op where the backend has no row security),
  // in one round trip.
  virtual Result<void> begin(std::optional<std::int64_t> store_id, bool platform,
                             Access access) = 0;
  // True once a statement failed because the connection itself is gone: the pool drops it.
  [[nodiscard]] virtual bool broken() const noexcept = 0;
  // For a connection of Database::open_watch only: blocks until another connection may have
  // committed a change the change feed watches, or `timeout` passes. True: a change may have
  // happened (PostgreSQL: a notification on the channel orion_changes, listened on from the
  // first call; SQLite: PRAGMA data_version moved, and on the first call). An error when the
  // connection is lost.
  virtual Result<bool> wait_for_change(std::chrono::milliseconds timeout) = 0;
};

struct PoolOptions {
  std::size_t size = 4;          // connections kept open
  std::size_t max_overflow = 8;  // extra connections opened under load, closed when returned
  std::chrono::milliseconds acquire_timeout{5000};
};

class Pool;

// A connection borrowed from the pool; returned when destroyed.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> connection, bool reused) noexcept
      : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  Connection& operator*() const noexcept { return *connection_; }
  Connection* operator->() const noexcept { return connection_.get(); }
  // Taken from the idle connections rather than opened for this lease: it may have died since.
  [[nodiscard]] bool reused() const noexcept { return reused_; }

  // With a write observer on the pool: returns the connection to the pool now (so the observer
  // may take one, even from a pool of one), then tells the observer that a transaction that
  // wrote has committed; the lease is empty afterwards. Without one, does nothing.
  void release_after_write();

 private:
  Pool* pool_;
  std::unique_ptr<Connection> connection_;
  bool reused_;
};

class Database;

// A transaction on one leased connection: rolled back on destruction unless committed.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept
      : lease_(std::move(other.lease_)),
        backend_(other.backend_),
        open_(other.open_),
        wrote_(other.wrote_) {
    other.open_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  virtual ~Transaction();

  Result<QueryResult> run(const Sql& sql, std::initializer_list<Value> params);
  Result<QueryResult> run(const Sql& sql, std::span<const Value> params);
  Result<void> commit();
  [[nodiscard]] Backend backend() const noexcept { return backend_; }

 protected:
  Transaction(Lease lease, Backend backend) : lease_(std::move(lease)), backend_(backend) {}

 protected:
  Connection& connection() noexcept { return *lease_; }

 private:
  friend class Database;
  Lease lease_;
  Backend backend_;
  bool open_ = true;
  bool wrote_ = false;  // ran an INSERT, UPDATE or DELETE: commit() tells the write observer
};

// A transaction for one store: the only kind tenant repositories accept.
class TenantTransaction final : public Transaction {
 public:
  [[nodiscard]] std::int64_t store_id() const noexcept { return scope_.store_id(); }
  [[nodiscard]] const TenantScope& scope() const noexcept { return scope_; }

 private:
  friend class Database;
  TenantTransaction(Lease lease, Backend backend, const TenantScope& scope)
      : Transaction(std::move(lease), backend), scope_(scope) {}
  TenantScope scope_;
};

// A transaction for platform-wide work: the store registry, users, sessions, tokens, and the
// few explicit cross-store reads (the store directory, admin listings).
class PlatformTransaction final : public Transaction {
 private:
  friend class Database;
  using Transaction::Transaction;
};

// A transaction with neither setting: on PostgreSQL every tenant table reads empty in it. Used
// by migrations and by the isolation tests.
class UnscopedTransaction final : public Transaction {
 public:
  // Runs a trusted multi-statement script (a migration): never user data.
  Result<void> run_script(std::string_view sql);

 private:
  friend class Database;
  using Transaction::Transaction;
};

// A connection factory plus a pool; the backends (sqlite/, postgres/) implement `connect`.
class Database {
 public:
  virtual ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] virtual Backend backend() const noexcept = 0;
  // The URL with any password masked, for logs and messages.
  [[nodiscard]] virtual std::string display_url() const = 0;

  // `Access::read` for transactions that only read (the storefront's pages, the store
  // directory): cheaper on both backends, and a write in one is refused.
  Result<TenantTransaction> begin(const TenantScope& scope, Access access = Access::write);
  Result<PlatformTransaction> begin_platform(Access access = Access::write);
  Result<UnscopedTransaction> begin_unscoped();

  // Connections open and idle, for /metrics.
  struct PoolState {
    std::size_t open = 0;
    std::size_t idle = 0;
    std::size_t in_use = 0;
  };
  [[nodiscard]] PoolState pool_state() const;

  // Called on the committing thread after every commit of a transaction that wrote, once its
  // connection is back in the pool (so the observer may begin transactions of its own): the
  // change feed catches up there, so that a change is in memory before it is acknowledged. Set
  // once, before any transaction runs on another thread.
  void set_write_observer(std::function<void()> observer);

  // A connection outside the pool for the change feed's wait_for_change (PostgreSQL: LISTEN
  // needs a session of its own). Fails on an in-memory SQLite database, whose one connection is
  // the pool's.
  Result<std::unique_ptr<Connection>> open_watch();

 protected:
  explicit Database(PoolOptions options);
  // Opens a new connection (settings applied). Called by the pool, possibly concurrently.
  virtual Result<std::unique_ptr<Connection>> connect() = 0;
  // The connection of open_watch; a new connection like any other unless a backend says no.
  virtual Result<std::unique_ptr<Connection>> connect_watch() { return connect(); }

 private:
  friend class Lease;
  Result<Lease> acquire();
  Result<Lease> begin_on(std::optional<std::int64_t> store_id, bool platform, Access access);
  std::unique_ptr<Pool> pool_;
};

enum class OpenMode : std::uint8_t { create, existing };

// Opens the database a URL names: "sqlite:PATH" (":memory:" gets a single connection) or a libpq
// URI "postgresql://..." / "postgres://...". Connects once to fail early. `existing`: a missing
// SQLite file is an error rather than a new empty database.
Result<std::unique_ptr<Database>> open_database(std::string_view url, PoolOptions options = {},
                                                OpenMode mode = OpenMode::create);

}  // namespace orion::storage

#include "storage/database.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace orion::storage {

std::string_view to_string(Backend backend) noexcept {
  return backend == Backend::sqlite ? "sqlite" : "postgres";
}

// A bounded pool with overflow, as SQLAlchemy's QueuePool: `size` connections stay open, up to
// `max_overflow` more are opened under load and closed when returned. No ping before a
// connection is handed out (a round trip per transaction): a connection that a failed statement
// marked broken is closed when returned, and Database::begin_on replaces a dead idle one.
class Pool {
 public:
  explicit Pool(PoolOptions options) : options_(options) {}

  Result<Lease> acquire(const std::function<Result<std::unique_ptr<Connection>>()>& connect) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    for (;;) {
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.front());
        idle_.pop_front();
        ++in_use_;
        return Lease(this, std::move(connection), true);
      }
      if (open_ < options_.size + options_.max_overflow) {
        ++open_;
        ++in_use_;
        lock.unlock();
        auto fresh = connect();
        if (!fresh) {
          release_slot();
          return fresh.error();
        }
        return Lease(this, std::move(*fresh), false);
      }
      if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.size + options_.max_overflow) {
        return core::make_error(core::Errc::unavailable,
                                "no database connection became free in time");
      }
    }
  }

  void release(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (connection == nullptr || connection->broken() || open_ > options_.size) {
      --open_;  // an overflow connection, a broken or a lost one: close it
    } else {
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  void set_write_observer(std::function<void()> observer) { write_observer_ = std::move(observer); }
  [[nodiscard]] bool observed() const noexcept { return static_cast<bool>(write_observer_); }
  void wrote() const { write_observer_(); }

  Database::PoolState state() const {
    std::lock_guard lock(mutex_);
    return {open_, idle_.size(), in_use_};
  }

 private:
  void release_slot() {
    std::lock_guard lock(mutex_);
    --open_;
    --in_use_;
    available_.notify_one();
  }

  PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::function<void()> write_observer_;  // set before use, then only read
};

Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->release(std::move(connection_));
  }
}

void Lease::release_after_write() {
  Pool* pool = pool_;
  if (pool == nullptr || connection_ == nullptr || !pool->observed()) {
    return;  // nobody to tell: the connection goes back when the transaction ends, as ever
  }
  pool->release(std::move(connection_));
  pool->wrote();
}

Transaction::~Transaction() {
  if (open_) {
    (void)lease_->exec("ROLLBACK");
  }
}

Result<QueryResult> Transaction::run(const Sql& sql, std::initializer_list<Value> params) {
  return run(sql, std::span<const Value>(params.begin(), params.size()));
}

namespace {

// Whether a statement writes: what its first keyword says (a WITH counts: it may).
bool writes(std::string_view sql) noexcept {
  const std::size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos) {
    return false;
  }
  const std::string_view rest = sql.substr(start);
  for (const std::string_view keyword : {"INSERT", "UPDATE", "DELETE", "WITH"}) {
    if (rest.starts_with(keyword)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<QueryResult> Transaction::run(const Sql& sql, std::span<const Value> params) {
  wrote_ = wrote_ || writes(sql.text);
  return lease_->run(sql, params);
}

Result<void> Transaction::commit() {
  auto done = lease_->exec("COMMIT");
  if (!done) {
    return done;
  }
  open_ = false;
  if (wrote_) {
    lease_.release_after_write();
  }
  return {};
}

Result<void> UnscopedTransaction::run_script(std::string_view sql) {
  return connection().exec(sql);
}

Database::Database(PoolOptions options) : pool_(std::make_unique<Pool>(options)) {}

Database::~Database() = default;

Database::PoolState Database::pool_state() const { return pool_->state(); }

void Database::set_write_observer(std::function<void()> observer) {
  pool_->set_write_observer(std::move(observer));
}

Result<std::unique_ptr<Connection>> Database::open_watch() { return connect_watch(); }

Result<Lease> Database::acquire() {
  return pool_->acquire([this] { return connect(); });
}

Result<Lease> Database::begin_on(std::optional<std::int64_t> store_id, bool platform,
                                 Access access) {
  for (;;) {
    auto lease = acquire();
    if (!lease) {
      return lease.error();
    }
    auto begun = (*lease)->begin(store_id, platform, access);
    if (begun) {
      return lease;
    }
    // An idle connection the server dropped since (a restart, pg_terminate_backend): nothing
    // ran on it, so the transaction opens on the next one; the pool closes this one. Bounded:
    // each pass drops an idle connection, and a fresh connection's failure is the answer.
    if ((*lease)->broken() && lease->reused()) {
      continue;
    }
    if (!(*lease)->broken()) {
      (void)(*lease)->exec("ROLLBACK");
    }
    return begun.error();
  }
}

Result<TenantTransaction> Database::begin(const TenantScope& scope, Access access) {
  auto lease = begin_on(scope.store_id(), false, access);
  if (!lease) {
    return lease.error();
  }
  return TenantTransaction(std::move(*lease), backend(), scope);
}

Result<PlatformTransaction> Database::begin_platform(Access access) {
  auto lease = begin_on(std::nullopt, true, access);
  if (!lease) {
    return lease.error();
  }
  return PlatformTransaction(std::move(*lease), backend());
}

Result<UnscopedTransaction> Database::begin_unscoped() {
  auto lease = begin_on(std::nullopt, false, Access::write);
  if (!lease) {
    return lease.error();
  }
  return UnscopedTransaction(std::move(*lease), backend());
}

}  // namespace orion::storage

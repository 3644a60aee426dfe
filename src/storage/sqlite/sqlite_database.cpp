#include "storage/sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <optional>
#include <thread>

#include <string_view>
#include <unordered_map>

namespace orion::storage::sqlite {
namespace {

using core::Errc;
using core::make_error;

constexpr int kBusyTimeoutMs = 5000;

Error error_of(sqlite3* db, int rc, std::string_view what) {
  const std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return make_error(Errc::conflict, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_TRIGGER:
      return make_error(Errc::invalid_input, message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
      return make_error(Errc::unavailable, message);
    default:
      if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_BUSY) {
        return make_error(Errc::unavailable, message);
      }
      return make_error(Errc::internal, message);
  }
}

// "$1" → "?1": the statements are written once, in PostgreSQL's parameter style.
std::string to_sqlite_parameters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      out.push_back('?');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [name, stmt] : statements_) {
      sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<QueryResult> run(const Sql& sql, std::span<const Value> params) override {
    auto prepared = statement(sql);
    if (!prepared) {
      return prepared.error();
    }
    sqlite3_stmt* stmt = *prepared;
    if (read_only_ && sqlite3_stmt_readonly(stmt) == 0) {
      // A deferred BEGIN would upgrade to a write lock here; a read transaction never writes.
      return make_error(Errc::internal, "a read-only transaction cannot run " +
                                            std::string(sql.name) + ", which writes");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<bool>(&params[i])) {
        rc = sqlite3_bind_int(stmt, index, *b ? 1 : 0);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) {
        return error_of(db_, rc, "binding a parameter of " + std::string(sql.name));
      }
    }
    QueryResult result;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) {
        break;
      }
      if (rc != SQLITE_ROW) {
        Error error = error_of(db_, sqlite3_extended_errcode(db_), sql.name);
        sqlite3_reset(stmt);
        return error;
      }
      const int columns = sqlite3_column_count(stmt);
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
          case SQLITE_FLOAT:
            cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_NULL:
            cells.emplace_back(Null{});
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            cells.emplace_back(
                std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    result.affected = sqlite3_changes64(db_);
    sqlite3_reset(stmt);
    return result;
  }

  Result<void> exec(std::string_view sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      Error error = error_of(db_, sqlite3_extended_errcode(db_), "SQL script");
      error.message = "SQL script: " + text;
      return error;
    }
    return {};
  }

  // No tenant settings: SQLite has no row security, the repositories' own store_id filters
  // isolate. IMMEDIATE takes the write lock at BEGIN, so two writers wait on the busy timeout
  // instead of one failing when it upgrades a read lock; a read takes no lock at BEGIN (WAL:
  // it reads a snapshot and never waits for a writer).
  Result<void> begin(std::optional<std::int64_t> /*store_id*/, bool /*platform*/,
                     Access access) override {
    read_only_ = access == Access::read;
    return exec(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE");
  }

  bool broken() const noexcept override { return false; }  // embedded: no connection to lose

  // Another connection's commit moves this connection's data_version; polled every few ms (a
  // read of a counter in shared memory, no I/O) until it moves or the timeout passes.
  Result<bool> wait_for_change(std::chrono::milliseconds timeout) override {
    static constexpr Sql kDataVersion{"data_version", "PRAGMA data_version"};
    static constexpr auto kPoll = std::chrono::milliseconds(5);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto version = run(kDataVersion, {});
      if (!version) {
        return version.error();
      }
      const std::int64_t now = version->rows.empty() ? 0 : version->rows.front().integer(0);
      if (!data_version_ || *data_version_ != now) {
        data_version_ = now;
        return true;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(kPoll);
    }
  }

 private:
  Result<sqlite3_stmt*> statement(const Sql& sql) {
    auto it = statements_.find(std::string(sql.name));
    if (it != statements_.end()) {
      return it->second;
    }
    const std::string text = to_sqlite_parameters(sql.text);
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return error_of(db_, rc, "preparing " + std::string(sql.name));
    }
    statements_.emplace(std::string(sql.name), stmt);
    return stmt;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  bool read_only_ = false;                    // the open transaction is Access::read
  std::optional<std::int64_t> data_version_;  // as last seen by wait_for_change
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, PoolOptions options, bool create)
      : Database(options), path_(std::move(path)), create_(create) {}

  Backend backend() const noexcept override { return Backend::sqlite; }
  std::string display_url() const override { return "sqlite:" + path_; }

 protected:
  Result<std::unique_ptr<Connection>> connect_watch() override {
    if (path_ == ":memory:") {
      return make_error(Errc::invalid_input,
                        "an in-memory SQLite database has no second connection to watch it by");
    }
    return connect();
  }

  Result<std::unique_ptr<Connection>> connect() override {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path_.c_str(), &db,
        SQLITE_OPEN_READWRITE | (create_ ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error error = make_error(Errc::unavailable,
                               "cannot open SQLite database " + path_ + ": " +
                                   (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
      sqlite3_close_v2(db);
      return error;
    }
    auto connection = std::make_unique<SqliteConnection>(db);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    auto set = connection->exec(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
    if (!set) {
      return make_error(Errc::unavailable,
                        "cannot use SQLite database " + path_ + ": " + set.error().message);
    }
    return std::unique_ptr<Connection>(std::move(connection));
  }

 private:
  std::string path_;
  bool create_;
};

}  // namespace

Result<std::unique_ptr<Database>> open(std::string path, PoolOptions options, bool create) {
  if (path.empty()) {
    return make_error(Errc::invalid_input, "the SQLite URL names no file (sqlite:PATH)");
  }
  if (path == ":memory:") {
    options.size = 1;  // every connection would be a database of its own
    options.max_overflow = 0;
  }
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(path), options, create));
}

}  // namespace orion::storage::sqlite

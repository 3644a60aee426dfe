#include "storage/postgres/pg_database.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <chrono>

#include <array>
#include <charconv>
#include <cstring>
#include <string_view>
#include <unordered_set>

namespace orion::storage::postgres {
namespace {

using core::Errc;
using core::make_error;

// Type OIDs from pg_type.h (server headers are not needed for five constants).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// Orion reports errors on one line.
std::string one_line(const char* text) {
  std::string message;
  for (const char* p = text != nullptr ? text : ""; *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\t' || *p == '\r') {
      if (!message.empty() && message.back() != ' ') {
        message.push_back(' ');
      }
    } else {
      message.push_back(*p);
    }
  }
  while (!message.empty() && message.back() == ' ') {
    message.pop_back();
  }
  return message;
}

// Server notices ("relation already exists, skipping") are not errors; libpq would print them.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

// Maps a failed result to an Error by SQLSTATE class.
Error error_of(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message =
      std::string(what) + ": " +
      one_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const std::string_view sqlstate = state != nullptr ? state : "";
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.starts_with("08") || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return make_error(Errc::unavailable, message);
  }
  if (sqlstate == "23505") {
    return make_error(Errc::conflict, message);
  }
  if (sqlstate.starts_with("23") || sqlstate.starts_with("22")) {
    return make_error(Errc::invalid_input, message);
  }
  return make_error(Errc::internal, message);
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<QueryResult> run(const Sql& sql, std::span<const Value> params) override {
    const std::string name(sql.name);
    if (!prepared_.contains(name)) {
      ResultPtr prepared(PQprepare(conn_, name.c_str(), std::string(sql.text).c_str(), 0, nullptr));
      if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        return failed(prepared.get(), "preparing " + name);
      }
      prepared_.insert(name);
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        texts[i] = *s;
      } else if (const auto* b = std::get_if<bool>(&params[i])) {
        texts[i] = *b ? "true" : "false";
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    ResultPtr result(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                    values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return failed(result.get(), name);
    }
    QueryResult out;
    const int rows = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c) != 0) {
          cells.emplace_back(Null{});
          continue;
        }
        const char* text = PQgetvalue(result.get(), r, c);
        const auto length = static_cast<std::size_t>(PQgetlength(result.get(), r, c));
        const Oid type = PQftype(result.get(), c);
        if (type == kBoolOid) {
          cells.emplace_back(text[0] == 't');
        } else if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
          std::int64_t value = 0;
          std::from_chars(text, text + length, value);
          cells.emplace_back(value);
        } else {
          cells.emplace_back(std::string(text, length));
        }
      }
      out.rows.emplace_back(std::move(cells));
    }
    const char* affected = PQcmdTuples(result.get());
    if (affected != nullptr && *affected != '\0') {
      std::from_chars(affected, affected + std::strlen(affected), out.affected);
    }
    return out;
  }

  Result<void> exec(std::string_view sql) override {
    ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      return failed(result.get(), "SQL script");
    }
    return {};
  }

  // BEGIN and the tenant settings in one simple-query message, one round trip. is_local = true:
  // the settings end with the transaction, so a pooled connection cannot carry one request's
  // store into the next. The text holds no user data: the store id is an integer Orion owns,
  // formatted here, and the platform flag one of two constants.
  Result<void> begin(std::optional<std::int64_t> store_id, bool platform, Access access) override {
    std::string sql = access == Access::read ? "BEGIN READ ONLY; " : "BEGIN; ";
    sql += "SELECT set_config('orion.store_id', '";
    if (store_id) {
      sql += std::to_string(*store_id);
    }
    sql += platform ? "', true), set_config('orion.platform', 'on', true)"
                    : "', true), set_config('orion.platform', 'off', true)";
    return exec(sql);
  }

  bool broken() const noexcept override { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  Result<bool> wait_for_change(std::chrono::milliseconds timeout) override {
    if (!listening_) {
      if (auto listen = exec("LISTEN orion_changes"); !listen) {
        return listen.error();
      }
      listening_ = true;
      return true;  // whatever committed before the LISTEN: the caller catches up now
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
        return make_error(Errc::unavailable, "the change feed's connection was lost: " +
                                                 one_line(PQerrorMessage(conn_)));
      }
      bool notified = false;
      while (PGnotify* notify = PQnotifies(conn_)) {
        notified = true;
        PQfreemem(notify);
      }
      if (notified) {
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return false;
      }
      pollfd socket{PQsocket(conn_), POLLIN, 0};
      const int ready = ::poll(&socket, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) {
        return make_error(Errc::unavailable, "the change feed's connection cannot be polled");
      }
    }
  }

 private:
  // A failed statement's error; one of the connection class (Errc::unavailable: the server went
  // away, ended this session, or is shutting down) marks the connection broken for the pool.
  Error failed(const PGresult* result, std::string_view what) {
    Error error = error_of(conn_, result, what);
    if (error.code == Errc::unavailable) {
      broken_ = true;
    }
    return error;
  }

  PGconn* conn_;
  std::unordered_set<std::string> prepared_;
  bool broken_ = false;
  bool listening_ = false;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, PoolOptions options) : Database(options), url_(std::move(url)) {}

  Backend backend() const noexcept override { return Backend::postgres; }
  std::string display_url() const override { return mask_password(url_); }

 protected:
  Result<std::unique_ptr<Connection>> connect() override {
    // Defaults first: the URI's own settings (expand_dbname) override them.
    const std::array<const char*, 4> keys{"connect_timeout", "application_name", "dbname", nullptr};
    const std::array<const char*, 4> values{"5", "orion", url_.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
    if (conn == nullptr) {
      return make_error(Errc::unavailable, "cannot allocate a PostgreSQL connection");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
      Error error =
          make_error(Errc::unavailable, "cannot connect to PostgreSQL at " + display_url() + ": " +
                                            one_line(PQerrorMessage(conn)));
      PQfinish(conn);
      return error;
    }
    PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    return std::unique_ptr<Connection>(std::make_unique<PgConnection>(conn));
  }

 private:
  std::string url_;
};

}  // namespace

std::string mask_password(std::string_view url) {
  // scheme://user:password@host... → scheme://user:***@host...
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t at = url.find('@', authority_start);
  const std::size_t slash = url.find('/', authority_start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && at > slash)) {
    return std::string(url);
  }
  const std::size_t colon = url.find(':', authority_start);
  if (colon == std::string_view::npos || colon > at) {
    return std::string(url);
  }
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Result<std::unique_ptr<Database>> open(std::string url, PoolOptions options) {
  return std::unique_ptr<Database>(std::make_unique<PgDatabase>(std::move(url), options));
}

}  // namespace orion::storage::postgres

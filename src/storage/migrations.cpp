#include "storage/migrations.hpp"

#include "storage/clock.hpp"

namespace orion::storage {
namespace {

using core::Errc;
using core::make_error;

constexpr Sql kCreateTable{"migrations_create",
                           "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version BIGINT PRIMARY KEY,"
                           " name TEXT NOT NULL,"
                           " applied_at BIGINT NOT NULL)"};
constexpr Sql kCurrent{"migrations_current",
                       "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
constexpr Sql kRecord{
    "migrations_record",
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"};
// Serialises concurrent migrators on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
constexpr Sql kExistsSqlite{"migrations_exists_sqlite",
                            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'schema_migrations'"};
constexpr Sql kExistsPostgres{
    "migrations_exists_postgres",
    "SELECT COUNT(*) FROM pg_catalog.pg_tables "
    "WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"};
constexpr Sql kLock{"migrations_lock", "SELECT pg_advisory_xact_lock(7428190)"};

// The recorded version; with `prepare`, creates the table first and takes the migration lock
// (which needs the owner's rights), otherwise only reads, so any role may ask.
Result<std::int64_t> current_version(Transaction& tx, bool prepare) {
  if (!prepare) {
    auto exists = tx.run(tx.backend() == Backend::sqlite ? kExistsSqlite : kExistsPostgres, {});
    if (!exists) {
      return exists.error();
    }
    if (exists->rows.at(0).integer(0) == 0) {
      return 0;
    }
    auto current = tx.run(kCurrent, {});
    if (!current) {
      return current.error();
    }
    return current->rows.at(0).integer(0);
  }
  if (tx.backend() == Backend::postgres) {
    if (auto locked = tx.run(kLock, {}); !locked) {
      return locked.error();
    }
  }
  if (auto created = tx.run(kCreateTable, {}); !created) {
    return created.error();
  }
  auto current = tx.run(kCurrent, {});
  if (!current) {
    return current.error();
  }
  return current->rows.at(0).integer(0);
}

}  // namespace

std::span<const MigrationSource> migrations_for(Backend backend) noexcept {
  return backend == Backend::sqlite ? sqlite_migrations() : postgres_migrations();
}

Result<std::int64_t> schema_version(Database& database) {
  auto tx = database.begin_unscoped();
  if (!tx) {
    return tx.error();
  }
  return current_version(*tx, false);
}

Result<MigrationReport> migrate(Database& database) {
  const auto known = migrations_for(database.backend());
  return migrate_to(database, known.empty() ? 0 : known.back().version);
}

Result<MigrationReport> migrate_to(Database& database, std::int64_t target) {
  const auto known = migrations_for(database.backend());
  const std::int64_t newest = known.empty() ? 0 : known.back().version;
  MigrationReport report;
  bool first = true;
  for (;;) {
    // One transaction per migration: the version check, the script and its record commit
    // together or not at all.
    auto tx = database.begin_unscoped();
    if (!tx) {
      return tx.error();
    }
    auto version = current_version(*tx, true);
    if (!version) {
      return version.error();
    }
    if (first) {
      report.from_version = *version;
      first = false;
    }
    if (*version > newest) {
      return make_error(Errc::schema_too_new,
                        "the database schema is at version " + std::to_string(*version) +
                            ", newer than this orion knows (" + std::to_string(newest) +
                            "); upgrade orion instead");
    }
    const MigrationSource* next = nullptr;
    for (const MigrationSource& m : known) {
      if (m.version > *version && m.version <= target) {
        next = &m;
        break;
      }
    }
    if (next == nullptr) {
      report.to_version = *version;
      if (auto done = tx->commit(); !done) {
        return done.error();
      }
      return report;
    }
    if (auto applied = tx->run_script(next->sql); !applied) {
      return make_error(applied.error().code, "migration " + std::to_string(next->version) + " (" +
                                                  std::string(next->name) +
                                                  ") failed: " + applied.error().message);
    }
    if (auto recorded = tx->run(kRecord, {next->version, std::string(next->name), unix_now()});
        !recorded) {
      return recorded.error();
    }
    if (auto done = tx->commit(); !done) {
      return done.error();
    }
    report.applied.push_back(*next);
  }
}

Result<void> require_current_schema(Database& database) {
  auto version = schema_version(database);
  if (!version) {
    return version.error();
  }
  const auto known = migrations_for(database.backend());
  const std::int64_t newest = known.empty() ? 0 : known.back().version;
  if (*version > newest) {
    return core::make_error(core::Errc::schema_too_new,
                            "the database schema is at version " + std::to_string(*version) +
                                ", newer than this orion knows (" + std::to_string(newest) + ")");
  }
  if (*version < newest) {
    return core::make_error(core::Errc::unavailable,
                            "the database schema is at version " + std::to_string(*version) +
                                " of " + std::to_string(newest) + "; run 'orion migrate --db " +
                                database.display_url() + "' first");
  }
  return {};
}

}  // namespace orion::storage

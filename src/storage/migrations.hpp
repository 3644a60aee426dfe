// Versioned, forward-only schema migrations, embedded from migrations/<backend>/NNNN_name.sql.
// Each applies in one transaction and is recorded in schema_migrations; a database recorded at
// a version newer than this binary knows is refused with nothing changed.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace orion::storage {

struct MigrationSource {
  std::int64_t version;
  std::string_view name;
  std::string_view sql;
};

// The embedded migrations of each backend, in version order (generated at build time).
std::span<const MigrationSource> sqlite_migrations() noexcept;
std::span<const MigrationSource> postgres_migrations() noexcept;
std::span<const MigrationSource> migrations_for(Backend backend) noexcept;

struct MigrationReport {
  std::int64_t from_version = 0;  // the version found (0: an empty database)
  std::int64_t to_version = 0;
  std::vector<MigrationSource> applied;
};

// Applies every migration newer than the database's version. Idempotent.
Result<MigrationReport> migrate(Database& database);

// Applies migrations up to and including `target` only (tests of a migration path use it).
Result<MigrationReport> migrate_to(Database& database, std::int64_t target);

// The version recorded in the database (0 when schema_migrations is missing or empty).
Result<std::int64_t> schema_version(Database& database);

// Succeeds when the database is at exactly this binary's newest version; otherwise an error
// saying what to do (run `orion migrate`, or upgrade orion).
Result<void> require_current_schema(Database& database);

}  // namespace orion::storage

// Fresh, migrated databases for tests, on either backend. SQLite: a new file in a temporary
// directory. PostgreSQL: a new database in the run's throw-away server (ORION_TEST_PG_STATE,
// started by the ctest fixture "postgres"), migrated by the superuser and opened as
// orion_tester, a login role granted orion_app (no superuser, no BYPASSRLS, owns nothing), so
// that row-level security applies exactly as in production.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace orion::testing {

struct TestDatabase {
  TestDatabase() = default;
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase();  // closes the database, then removes a SQLite database's directory

  storage::Backend backend;
  std::string url;        // what the application connects with (orion_tester on PostgreSQL)
  std::string owner_url;  // the migrating owner (the superuser on PostgreSQL; = url on SQLite)
  std::unique_ptr<storage::Database> database;  // opened on `url`
  std::string temp_dir;                         // SQLite: the directory holding the file
};

// Creates, migrates and opens a new database. Fails the current test (ADD_FAILURE) and returns
// null when the backend is unavailable: a PostgreSQL test never silently skips.
// `up_to_version` stops the migration there (tests of a migration path); -1: every migration.
std::unique_ptr<TestDatabase> make_test_database(storage::Backend backend,
                                                 storage::PoolOptions options = {},
                                                 std::int64_t up_to_version = -1);

// The server's superuser URL for database `name` ("postgres" for the maintenance database).
std::string postgres_url(const std::string& name);

// Runs trusted SQL as the PostgreSQL superuser in database `name` (setting up roles, checking
// catalogs); fails the test on error.
void postgres_exec_as_superuser(const std::string& name, const std::string& sql);

}  // namespace orion::testing

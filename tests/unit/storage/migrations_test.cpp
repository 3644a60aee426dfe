// Migrations on both backends: idempotence, the recorded versions and names, the refusal of a
// schema newer than this build knows (with nothing changed), and that the SQLite and PostgreSQL
// schemas stay twins.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/migrations.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

constexpr Sql kTablesSqlite{"test_migrations_tables_sqlite",
                            "SELECT name FROM sqlite_master WHERE type = 'table' "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY name"};
constexpr Sql kTablesPostgres{"test_migrations_tables_postgres",
                              "SELECT table_name::text FROM information_schema.tables "
                              "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                              "ORDER BY 1"};
constexpr Sql kColumnsSqlite{"test_migrations_columns_sqlite",
                             "SELECT m.name, p.name FROM sqlite_master m, "
                             "pragma_table_info(m.name) p WHERE m.type = 'table' "
                             "AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"};
constexpr Sql kColumnsPostgres{"test_migrations_columns_postgres",
                               "SELECT table_name::text, column_name::text "
                               "FROM information_schema.columns "
                               "WHERE table_schema = current_schema() "
                               "ORDER BY table_name, ordinal_position"};
constexpr Sql kRecorded{"test_migrations_recorded",
                        "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"};
constexpr Sql kCreateMigrationsTable{"test_migrations_create_table",
                                     "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, "
                                     "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"};
constexpr Sql kInsertFutureVersion{"test_migrations_insert_future",
                                   "INSERT INTO schema_migrations (version, name, applied_at) "
                                   "VALUES (9999, 'from_the_future', 1)"};

constexpr std::int64_t kFutureVersion = 9999;

std::vector<std::string> tables(Database& database) {
  auto tx = must(database.begin_unscoped());
  const QueryResult result =
      must(tx.run(database.backend() == Backend::sqlite ? kTablesSqlite : kTablesPostgres, {}));
  std::vector<std::string> names;
  for (const Row& row : result.rows) {
    names.push_back(row.text(0));
  }
  return names;
}

std::map<std::string, std::set<std::string>> columns(Database& database) {
  auto tx = must(database.begin_unscoped());
  const QueryResult result =
      must(tx.run(database.backend() == Backend::sqlite ? kColumnsSqlite : kColumnsPostgres, {}));
  std::map<std::string, std::set<std::string>> out;
  for (const Row& row : result.rows) {
    out[row.text(0)].insert(row.text(1));
  }
  return out;
}

struct Recorded {
  std::int64_t version;
  std::string name;
  friend bool operator==(const Recorded&, const Recorded&) = default;
};

void PrintTo(const Recorded& r, std::ostream* os) { *os << r.version << " " << r.name; }

std::vector<Recorded> recorded(Database& database) {
  auto tx = must(database.begin_unscoped());
  std::vector<Recorded> out;
  for (const Row& row : must(tx.run(kRecorded, {})).rows) {
    EXPECT_GT(row.integer(2), 0) << "applied_at of migration " << row.integer(0);
    out.push_back({row.integer(0), row.text(1)});
  }
  return out;
}

std::vector<Recorded> known(Backend backend) {
  std::vector<Recorded> out;
  for (const MigrationSource& m : migrations_for(backend)) {
    out.push_back({m.version, std::string(m.name)});
  }
  return out;
}

std::int64_t newest_known(Backend backend) { return migrations_for(backend).back().version; }

class MigrationsTest : public BackendTest {
 protected:
  // The test database opened as its owner (the migrating role: the superuser on PostgreSQL).
  std::unique_ptr<Database> open_owner() {
    return must(open_database(test_database().owner_url, PoolOptions{1, 0}));
  }

  // An empty database on the backend, opened as its owner: a new SQLite file, or the test
  // database with its schema dropped on PostgreSQL.
  std::unique_ptr<Database> open_empty() {
    if (backend() == Backend::sqlite) {
      const auto dir = std::filesystem::temp_directory_path() /
                       ("orion-empty-" + std::to_string(std::random_device{}()));
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      empty_dir_ = dir;
      return must(open_database("sqlite:" + (dir / "empty.db").string(), PoolOptions{1, 0}));
    }
    const std::string& url = test_database().owner_url;
    orion::testing::postgres_exec_as_superuser(url.substr(url.rfind('/') + 1),
                                               "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    auto owner = open_owner();
    EXPECT_TRUE(tables(*owner).empty());
    return owner;
  }

  void TearDown() override {
    if (!empty_dir_.empty()) {
      std::filesystem::remove_all(empty_dir_);
    }
  }

 private:
  std::filesystem::path empty_dir_;
};

TEST_P(MigrationsTest, SecondRunAppliesNothing) {
  auto owner = open_owner();
  const MigrationReport again = must(migrate(*owner));
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.from_version, newest_known(backend()));
  EXPECT_EQ(again.to_version, newest_known(backend()));
  const MigrationReport third = must(migrate(*owner));
  EXPECT_TRUE(third.applied.empty());
  EXPECT_EQ(recorded(*owner), known(backend()));
}

TEST_P(MigrationsTest, SchemaVersionIsTheNewestKnownForOwnerAndApplication) {
  auto owner = open_owner();
  EXPECT_EQ(must(schema_version(*owner)), newest_known(backend()));
  // Any role may ask (the application role reads it at startup).
  EXPECT_EQ(must(schema_version(db())), newest_known(backend()));
}

TEST_P(MigrationsTest, MigratesAnEmptyDatabaseAndRecordsEachMigrationWithItsName) {
  auto empty = open_empty();
  EXPECT_EQ(must(schema_version(*empty)), 0);
  const MigrationReport report = must(migrate(*empty));
  EXPECT_EQ(report.from_version, 0);
  EXPECT_EQ(report.to_version, newest_known(backend()));
  std::vector<Recorded> applied;
  for (const MigrationSource& m : report.applied) {
    applied.push_back({m.version, std::string(m.name)});
  }
  EXPECT_EQ(applied, known(backend()));
  EXPECT_EQ(recorded(*empty), known(backend()));
  EXPECT_EQ(must(schema_version(*empty)), newest_known(backend()));
  const std::vector<std::string> names = tables(*empty);
  for (const char* table : {"stores", "products", "orders", "schema_migrations"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), table), names.end()) << table;
  }
  EXPECT_TRUE(must(migrate(*empty)).applied.empty());
}

TEST_P(MigrationsTest, MigrateToZeroAppliesNothing) {
  auto empty = open_empty();
  const MigrationReport report = must(migrate_to(*empty, 0));
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(report.to_version, 0);
  EXPECT_EQ(must(schema_version(*empty)), 0);
  const std::vector<std::string> names = tables(*empty);
  EXPECT_EQ(std::count(names.begin(), names.end(), "stores"), 0);
}

TEST_P(MigrationsTest, RefusesASchemaNewerThanKnownAndChangesNothing) {
  auto owner = open_owner();
  {
    auto tx = must(owner->begin_unscoped());
    must(tx.run(kInsertFutureVersion, {}));
    must(tx.commit());
  }
  const std::vector<std::string> tables_before = tables(*owner);
  const auto columns_before = columns(*owner);
  const std::vector<Recorded> recorded_before = recorded(*owner);

  auto refused = migrate(*owner);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::Errc::schema_too_new) << refused.error().message;
  EXPECT_NE(refused.error().message.find("9999"), std::string::npos) << refused.error().message;

  EXPECT_EQ(tables(*owner), tables_before);
  EXPECT_EQ(columns(*owner), columns_before);
  EXPECT_EQ(recorded(*owner), recorded_before);
  EXPECT_EQ(must(schema_version(*owner)), kFutureVersion);
  EXPECT_EQ(must(schema_version(db())), kFutureVersion);
}

TEST_P(MigrationsTest, RefusesANewerSchemaOnAnOtherwiseEmptyDatabaseWithoutCreatingTables) {
  auto empty = open_empty();
  {
    auto tx = must(empty->begin_unscoped());
    must(tx.run(kCreateMigrationsTable, {}));
    must(tx.run(kInsertFutureVersion, {}));
    must(tx.commit());
  }
  auto refused = migrate(*empty);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::Errc::schema_too_new) << refused.error().message;
  EXPECT_EQ(tables(*empty), std::vector<std::string>{"schema_migrations"});
  EXPECT_EQ(recorded(*empty), (std::vector<Recorded>{{kFutureVersion, "from_the_future"}}));
  auto refused_to = migrate_to(*empty, 1);
  ASSERT_FALSE(refused_to);
  EXPECT_EQ(refused_to.error().code, core::Errc::schema_too_new);
  EXPECT_EQ(tables(*empty), std::vector<std::string>{"schema_migrations"});
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(MigrationsTest);

TEST(MigrationListsTest, SqliteAndPostgresHaveTheSameVersionsAndNames) {
  ASSERT_FALSE(sqlite_migrations().empty());
  EXPECT_EQ(known(Backend::sqlite), known(Backend::postgres));
  std::int64_t previous = 0;
  for (const MigrationSource& m : sqlite_migrations()) {
    EXPECT_GT(m.version, previous) << "versions increase strictly";
    EXPECT_FALSE(m.name.empty());
    EXPECT_FALSE(m.sql.empty());
    previous = m.version;
  }
  EXPECT_EQ(migrations_for(Backend::sqlite).data(), sqlite_migrations().data());
  EXPECT_EQ(migrations_for(Backend::postgres).data(), postgres_migrations().data());
}

TEST(SchemaParityTest, BothBackendsHaveTheSameTablesAndColumns) {
  auto sqlite = orion::testing::make_test_database(Backend::sqlite);
  auto postgres = orion::testing::make_test_database(Backend::postgres);
  ASSERT_NE(sqlite, nullptr);
  ASSERT_NE(postgres, nullptr);
  auto sqlite_owner = must(open_database(sqlite->owner_url, PoolOptions{1, 0}));
  auto postgres_owner = must(open_database(postgres->owner_url, PoolOptions{1, 0}));
  const std::vector<std::string> sqlite_tables = tables(*sqlite_owner);
  EXPECT_GE(sqlite_tables.size(), 13U);
  EXPECT_EQ(sqlite_tables, tables(*postgres_owner));
  const auto sqlite_columns = columns(*sqlite_owner);
  const auto postgres_columns = columns(*postgres_owner);
  EXPECT_EQ(sqlite_columns.size(), sqlite_tables.size());
  for (const auto& [table, names] : sqlite_columns) {
    const auto other = postgres_columns.find(table);
    ASSERT_NE(other, postgres_columns.end()) << table << " is missing on PostgreSQL";
    EXPECT_EQ(names, other->second) << "columns of " << table;
  }
  for (const auto& [table, names] : postgres_columns) {
    EXPECT_TRUE(sqlite_columns.contains(table)) << table << " is missing on SQLite";
  }
}

}  // namespace
}  // namespace orion::storage::testing

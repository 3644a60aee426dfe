// The worked example of docs/MIGRATIONS.md, "Adding a tenant table": a database in use at
// version 1 is migrated to version 2 (store_files) with its data intact, and the new table
// takes part in isolation like every other tenant table.
#include <gtest/gtest.h>

#include "storage/files.hpp"
#include "storage/migrations.hpp"
#include "storage/products.hpp"
#include "storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

constexpr Sql kCountFiles{"test_path_count_files", "SELECT COUNT(*) FROM store_files"};

class MigrationPathTest : public ::testing::TestWithParam<Backend> {};

TEST_P(MigrationPathTest, Version1DataSurvivesMigrationToStoreFilesWhichIsIsolated) {
  auto test_db = orion::testing::make_test_database(GetParam(), {}, 1);
  ASSERT_NE(test_db, nullptr);
  Database& db = *test_db->database;
  ASSERT_EQ(must(schema_version(db)), 1);
  StorageHarness harness(db);
  const StoreRecord a = harness.make_store("alpha", "Alpha");
  const StoreRecord b = harness.make_store("bravo", "Bravo");
  std::int64_t product_id = 0;
  {
    auto tx = harness.tenant(a);
    NewProduct lamp;
    lamp.name = "Lamp";
    lamp.price_cents = 1999;
    product_id = must(products::create(tx, lamp)).id;
    must(tx.commit());
  }

  {
    auto owner = must(open_database(test_db->owner_url, PoolOptions{1, 0}));
    const MigrationReport report = must(migrate(*owner));
    ASSERT_EQ(report.from_version, 1);
    ASSERT_EQ(report.applied.size(), migrations_for(GetParam()).size() - 1);
    EXPECT_EQ(report.applied.front().version, 2);
    EXPECT_EQ(report.applied.front().name, "store_files");
  }

  {
    auto tx = harness.tenant(a);
    const auto product = must(products::get(tx, product_id));
    ASSERT_TRUE(product.has_value());
    EXPECT_EQ(product->name, "Lamp");
    EXPECT_EQ(product->price_cents, 1999);
    must(files::add(tx, "logo.png", "image/png", 123, std::string(64, 'a')));
    must(tx.commit());
  }
  {
    auto tx = harness.tenant(b);
    EXPECT_TRUE(must(files::list(tx)).empty());
    EXPECT_FALSE(must(files::find(tx, "logo.png")).has_value());
    must(files::add(tx, "logo.png", "image/png", 9, std::string(64, 'b')));  // per store
    must(tx.commit());
  }
  if (GetParam() == Backend::postgres) {
    // Row-level security on the new table: nothing visible without a store.
    auto tx = harness.unscoped();
    EXPECT_EQ(must(tx.run(kCountFiles, {})).rows.at(0).integer(0), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationPathTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace orion::storage::testing

// PostgreSQL row-level security, the second half of "isolation is enforced twice" (DESIGN.md §3):
// raw SQL, past the repositories, as the application role. The role cannot bypass the policies,
// every table with a store_id has them (a lint that catches a future table that forgets), with no
// store set every tenant table reads empty, a transaction for store A can neither read nor change
// nor create rows of store B, the setting never outlives its transaction on a pooled connection,
// and the policy lets the planner use the store_id indexes.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/customers.hpp"
#include "storage/domains.hpp"
#include "storage/files.hpp"
#include "storage/idempotency_keys.hpp"
#include "storage/invitations.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/sessions.hpp"
#include "storage/users.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

constexpr Sql kCurrentRole{"test_rls_current_role",
                           "SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles "
                           "WHERE rolname = current_user"};
constexpr Sql kTablesOwned{"test_rls_tables_owned",
                           "SELECT COUNT(*) FROM pg_tables WHERE tableowner = current_user"};
// Owning a table through a role one is a member of is owning it too (SET ROLE, or inherited).
constexpr Sql kTablesOwnedThroughRoles{
    "test_rls_tables_owned_through_roles",
    "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() "
    "AND pg_has_role(current_user, tableowner, 'MEMBER')"};
constexpr Sql kTableCount{"test_rls_table_count",
                          "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"};
constexpr Sql kTenantTables{
    "test_rls_tenant_tables",
    "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity, "
    "(SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
    "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
    "WHERE a.attname = 'store_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') "
    "AND c.relnamespace = current_schema()::regnamespace ORDER BY 1"};
constexpr Sql kStoreSetting{"test_rls_store_setting",
                            "SELECT COALESCE(current_setting('orion.store_id', true), ''), "
                            "COALESCE(current_setting('orion.platform', true), ''), "
                            "pg_backend_pid()"};

// One COUNT per table with a store_id: every tenant table, and the platform tables whose rows
// may name a store. The lint below checks that this list stays complete.
struct TableCount {
  std::string_view table;
  Sql all;       // every row the policy shows
  Sql of_store;  // the rows of store $1
};
constexpr std::array kTableCounts{
    TableCount{"api_tokens",
               {"test_rls_count_api_tokens", "SELECT COUNT(*) FROM api_tokens"},
               {"test_rls_count_api_tokens_of",
                "SELECT COUNT(*) FROM api_tokens "
                "WHERE store_id = $1"}},
    TableCount{"customers",
               {"test_rls_count_customers", "SELECT COUNT(*) FROM customers"},
               {"test_rls_count_customers_of",
                "SELECT COUNT(*) FROM customers "
                "WHERE store_id = $1"}},
    TableCount{"domain_events",
               {"test_rls_count_domain_events", "SELECT COUNT(*) FROM domain_events"},
               {"test_rls_count_domain_events_of",
                "SELECT COUNT(*) FROM domain_events "
                "WHERE store_id = $1"}},
    TableCount{"idempotency_keys",
               {"test_rls_count_idempotency_keys", "SELECT COUNT(*) FROM idempotency_keys"},
               {"test_rls_count_idempotency_keys_of",
                "SELECT COUNT(*) FROM idempotency_keys "
                "WHERE store_id = $1"}},
    TableCount{"store_changes",
               {"test_rls_count_store_changes", "SELECT COUNT(*) FROM store_changes"},
               {"test_rls_count_store_changes_of",
                "SELECT COUNT(*) FROM store_changes "
                "WHERE store_id = $1"}},
    TableCount{"store_invitations",
               {"test_rls_count_store_invitations", "SELECT COUNT(*) FROM store_invitations"},
               {"test_rls_count_store_invitations_of",
                "SELECT COUNT(*) FROM store_invitations "
                "WHERE store_id = $1"}},
    TableCount{"order_items",
               {"test_rls_count_order_items", "SELECT COUNT(*) FROM order_items"},
               {"test_rls_count_order_items_of",
                "SELECT COUNT(*) FROM order_items "
                "WHERE store_id = $1"}},
    TableCount{"orders",
               {"test_rls_count_orders", "SELECT COUNT(*) FROM orders"},
               {"test_rls_count_orders_of", "SELECT COUNT(*) FROM orders WHERE store_id = $1"}},
    TableCount{"products",
               {"test_rls_count_products", "SELECT COUNT(*) FROM products"},
               {"test_rls_count_products_of",
                "SELECT COUNT(*) FROM products "
                "WHERE store_id = $1"}},
    TableCount{"sessions",
               {"test_rls_count_sessions", "SELECT COUNT(*) FROM sessions"},
               {"test_rls_count_sessions_of",
                "SELECT COUNT(*) FROM sessions "
                "WHERE store_id = $1"}},
    TableCount{"store_domains",
               {"test_rls_count_store_domains", "SELECT COUNT(*) FROM store_domains"},
               {"test_rls_count_store_domains_of",
                "SELECT COUNT(*) FROM store_domains "
                "WHERE store_id = $1"}},
    TableCount{"store_files",
               {"test_rls_count_store_files", "SELECT COUNT(*) FROM store_files"},
               {"test_rls_count_store_files_of",
                "SELECT COUNT(*) FROM store_files "
                "WHERE store_id = $1"}},
    TableCount{"store_members",
               {"test_rls_count_store_members", "SELECT COUNT(*) FROM store_members"},
               {"test_rls_count_store_members_of",
                "SELECT COUNT(*) FROM store_members "
                "WHERE store_id = $1"}},
    TableCount{"store_sequences",
               {"test_rls_count_store_sequences", "SELECT COUNT(*) FROM store_sequences"},
               {"test_rls_count_store_sequences_of",
                "SELECT COUNT(*) FROM store_sequences "
                "WHERE store_id = $1"}},
    TableCount{"store_themes",
               {"test_rls_count_store_themes", "SELECT COUNT(*) FROM store_themes"},
               {"test_rls_count_store_themes_of",
                "SELECT COUNT(*) FROM store_themes "
                "WHERE store_id = $1"}},
};

constexpr Sql kSelectProductsOf{"test_rls_select_products_of",
                                "SELECT id, name FROM products WHERE store_id = $1"};
constexpr Sql kSelectProductById{"test_rls_select_product_by_id",
                                 "SELECT id, name FROM products WHERE id = $1"};
constexpr Sql kUpdateProductsOf{"test_rls_update_products_of",
                                "UPDATE products SET name = 'x' WHERE store_id = $1"};
constexpr Sql kDeleteProductsOf{"test_rls_delete_products_of",
                                "DELETE FROM products WHERE store_id = $1"};
constexpr Sql kUpdateCustomersOf{"test_rls_update_customers_of",
                                 "UPDATE customers SET name = 'x' WHERE store_id = $1"};
constexpr Sql kDeleteOrderItemsOf{"test_rls_delete_order_items_of",
                                  "DELETE FROM order_items WHERE store_id = $1"};
constexpr Sql kUpdateThemeOf{"test_rls_update_theme_of",
                             "UPDATE store_themes SET primary_color = '#000000' "
                             "WHERE store_id = $1"};
constexpr Sql kUpdateSequenceOf{"test_rls_update_sequence_of",
                                "UPDATE store_sequences SET next_order_number = 1 "
                                "WHERE store_id = $1"};
constexpr Sql kMoveProductTo{"test_rls_move_product_to",
                             "UPDATE products SET store_id = $1 WHERE id = $2"};
constexpr Sql kInsertProduct{"test_rls_insert_product",
                             "INSERT INTO products (store_id, name, price_cents, created_at, "
                             "updated_at) VALUES ($1, 'planted', 1, 1, 1)"};
constexpr Sql kInsertDomain{"test_rls_insert_domain",
                            "INSERT INTO store_domains (store_id, domain, verification_token, "
                            "created_at) VALUES ($1, 'planted.example.com', "
                            "'0123456789abcdef0123', 1)"};
constexpr Sql kProductNamesOf{"test_rls_product_names_of",
                              "SELECT name FROM products WHERE store_id = $1 ORDER BY id"};
constexpr Sql kSetConfigStore{"test_rls_set_config_store",
                              "SELECT set_config('orion.store_id', $1, true)"};
constexpr Sql kEnableSeqscanOff{"test_rls_enable_seqscan_off", "SET LOCAL enable_seqscan = off"};
constexpr Sql kExplainPolicyOnly{"test_rls_explain_policy_only",
                                 "EXPLAIN SELECT id, name FROM products"};
constexpr Sql kExplainScoped{"test_rls_explain_scoped",
                             "EXPLAIN SELECT id, name FROM products WHERE store_id = $1 "
                             "ORDER BY id DESC LIMIT 50"};
constexpr Sql kInsertManyProducts{
    "test_rls_insert_many_products",
    "INSERT INTO products (store_id, name, price_cents, created_at, updated_at) "
    "SELECT $1, 'bulk ' || g, 1, 1, 1 FROM generate_series(1, $2::int) g"};

const Sql& count_all(std::string_view table) {
  for (const TableCount& t : kTableCounts) {
    if (t.table == table) {
      return t.all;
    }
  }
  throw std::logic_error("no count for table " + std::string(table));
}

NewProduct new_product(std::string name, std::int64_t stock) {
  NewProduct p;
  p.name = std::move(name);
  p.price_cents = 100;
  p.sku = "SKU";
  p.stock = stock;
  return p;
}

std::int64_t count_of(Transaction& tx, const Sql& sql, std::initializer_list<Value> params = {}) {
  return must(tx.run(sql, params)).rows.at(0).integer(0);
}

std::string plan_of(Transaction& tx, const Sql& sql, std::initializer_list<Value> params = {}) {
  std::string plan;
  for (const Row& row : must(tx.run(sql, params)).rows) {
    plan += row.text(0) + "\n";
  }
  return plan;
}

// True when the plan reads products through an index whose condition is on store_id.
bool uses_store_id_index(const std::string& plan) {
  const bool index_node = plan.find("Index Scan") != std::string::npos ||
                          plan.find("Index Only Scan") != std::string::npos ||
                          plan.find("Bitmap Index Scan") != std::string::npos;
  const std::size_t cond = plan.find("Index Cond:");
  return index_node && plan.find("Seq Scan") == std::string::npos && cond != std::string::npos &&
         plan.find("store_id", cond) != std::string::npos;
}

class RowSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_database_ = orion::testing::make_test_database(Backend::postgres);
    ASSERT_NE(test_database_, nullptr) << "PostgreSQL is required: the test never skips it";
    ASSERT_EQ(test_database_->database->backend(), Backend::postgres);
    harness_ = std::make_unique<StorageHarness>(*test_database_->database);
  }

  // Two stores with a row in every table that has a store_id.
  void populate() {
    a_ = harness_->make_store("store-a");
    b_ = harness_->make_store("store-b");
    std::int64_t user = 0;
    {
      auto tx = harness_->platform();
      user = must(users::create(tx, "member@example.com", "member password", false)).id;
      must(tx.commit());
    }
    for (const StoreRecord* store : {&a_, &b_}) {
      auto tx = harness_->tenant(*store);
      const ProductRecord p =
          must(products::create(tx, new_product("Product of " + store->code, 10)));
      const std::array lines{OrderLine{p.id, 1}};
      const OrderRecord order = must(orders::create(tx, "buyer@example.com", lines));
      must(idempotency_keys::claim(tx, "key-1", std::string(64, 'b'), 3600));
      must(idempotency_keys::complete(tx, "key-1", order.id));
      must(domains::add(tx, store->code + ".example.com"));
      must(members::put(tx, user, MemberRole::owner));
      must(files::add(tx, "logo.png", "image/png", 1234, std::string(64, 'a')));
      must(invitations::create(tx, "invitee@example.com", MemberRole::staff, user));
      must(tx.commit());
      auto platform = harness_->platform();
      must(sessions::create(platform, {user, store->id, "store", 3600}));
      must(api_tokens::create(platform, store->id, "token"));
      must(platform.commit());
    }
    // Admin rows name no store: only platform-wide work may see them.
    auto platform = harness_->platform();
    must(sessions::create(platform, {user, std::nullopt, "admin", 3600}));
    must(api_tokens::create(platform, std::nullopt, "admin token"));
    must(platform.commit());
  }

  std::unique_ptr<orion::testing::TestDatabase> test_database_;
  std::unique_ptr<StorageHarness> harness_;
  StoreRecord a_;
  StoreRecord b_;
};

TEST_F(RowSecurityTest, TheApplicationRoleCannotBypassRowSecurity) {
  auto tx = harness_->unscoped();
  const QueryResult role = must(tx.run(kCurrentRole, {}));
  ASSERT_EQ(role.rows.size(), 1U);
  EXPECT_EQ(role.rows[0].text(0), "orion_tester");
  EXPECT_FALSE(role.rows[0].boolean(1)) << "the application role is a superuser";
  EXPECT_FALSE(role.rows[0].boolean(2)) << "the application role has BYPASSRLS";
  EXPECT_GE(count_of(tx, kTableCount), 13);
  EXPECT_EQ(count_of(tx, kTablesOwned), 0) << "table owners are exempt from row security";
  EXPECT_EQ(count_of(tx, kTablesOwnedThroughRoles), 0)
      << "the application role is a member of a table owner";
}

TEST_F(RowSecurityTest, EveryTableWithAStoreIdHasForcedRowSecurityAndAPolicy) {
  auto tx = harness_->unscoped();
  const QueryResult tables = must(tx.run(kTenantTables, {}));
  std::set<std::string> names;
  for (const Row& row : tables.rows) {
    const std::string& table = row.text(0);
    names.insert(table);
    EXPECT_TRUE(row.boolean(1)) << table << ": ENABLE ROW LEVEL SECURITY is missing";
    EXPECT_TRUE(row.boolean(2)) << table << ": FORCE ROW LEVEL SECURITY is missing";
    EXPECT_GE(row.integer(3), 1) << table << ": no policy";
  }
  std::set<std::string> counted;
  for (const TableCount& t : kTableCounts) {
    counted.insert(std::string(t.table));
  }
  // A new table with a store_id must be added to kTableCounts, so that the tests below cover it.
  EXPECT_EQ(names, counted);
  for (const char* tenant_table : {"products", "customers", "orders", "order_items",
                                   "store_domains", "store_themes", "store_members"}) {
    EXPECT_TRUE(names.contains(tenant_table)) << tenant_table;
  }
}

TEST_F(RowSecurityTest, WithNoStoreSetEveryTenantTableReadsEmptyAndRefusesWrites) {
  populate();
  {
    auto platform = harness_->platform();
    for (const TableCount& t : kTableCounts) {
      EXPECT_GE(count_of(platform, t.all), 2) << t.table << " (platform sees every store)";
    }
  }
  {
    auto tx = harness_->unscoped();
    for (const TableCount& t : kTableCounts) {
      EXPECT_EQ(count_of(tx, t.all), 0) << t.table << " reads rows with no store set";
      EXPECT_EQ(count_of(tx, t.of_store, {a_.id}), 0) << t.table;
    }
    EXPECT_EQ(must(tx.run(kUpdateProductsOf, {a_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kDeleteProductsOf, {a_.id})).affected, 0);
    EXPECT_FALSE(tx.run(kInsertProduct, {a_.id})) << "an unscoped insert passed the policy";
  }
  {
    // An empty store setting is no store, not store 0 or every store.
    auto tx = harness_->unscoped();
    must(tx.run(kSetConfigStore, {std::string("")}));
    EXPECT_EQ(count_of(tx, count_all("products")), 0);
  }
}

TEST_F(RowSecurityTest, AStoreCanNeitherReadNorChangeNorCreateAnotherStoresRows) {
  populate();
  std::int64_t product_of_b = 0;
  {
    auto tb = harness_->tenant(b_);
    product_of_b = must(tb.run(kSelectProductsOf, {b_.id})).rows.at(0).integer(0);
  }
  {
    auto tx = harness_->tenant(a_);
    for (const TableCount& t : kTableCounts) {
      EXPECT_EQ(count_of(tx, t.of_store, {b_.id}), 0) << t.table << " shows store B to store A";
      // Only A's rows: neither B's nor the admin rows that name no store.
      EXPECT_EQ(count_of(tx, t.all), count_of(tx, t.of_store, {a_.id})) << t.table;
      EXPECT_GE(count_of(tx, t.all), 1) << t.table;
    }
    EXPECT_TRUE(must(tx.run(kSelectProductsOf, {b_.id})).rows.empty());
    EXPECT_TRUE(must(tx.run(kSelectProductById, {product_of_b})).rows.empty());
    EXPECT_EQ(must(tx.run(kUpdateProductsOf, {b_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kDeleteProductsOf, {b_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kUpdateCustomersOf, {b_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kDeleteOrderItemsOf, {b_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kUpdateThemeOf, {b_.id})).affected, 0);
    EXPECT_EQ(must(tx.run(kUpdateSequenceOf, {b_.id})).affected, 0);
    must(tx.commit());
  }
  {
    auto tx = harness_->tenant(a_);
    EXPECT_FALSE(tx.run(kInsertProduct, {b_.id})) << "store A planted a product in store B";
  }
  {
    auto tx = harness_->tenant(a_);
    EXPECT_FALSE(tx.run(kInsertDomain, {b_.id})) << "store A planted a domain in store B";
  }
  {
    // Nor can it hand its own rows to store B.
    auto tx = harness_->tenant(a_);
    const std::int64_t own = must(tx.run(kSelectProductsOf, {a_.id})).rows.at(0).integer(0);
    EXPECT_FALSE(tx.run(kMoveProductTo, {b_.id, own})) << "store A moved a product to store B";
  }
  auto tb = harness_->tenant(b_);
  const QueryResult names = must(tb.run(kProductNamesOf, {b_.id}));
  ASSERT_EQ(names.rows.size(), 1U);
  EXPECT_EQ(names.rows[0].text(0), "Product of store-b");
  EXPECT_EQ(count_of(tb, count_all("order_items")), 1) << "order items of B";
  EXPECT_EQ(count_of(tb, count_all("store_domains")), 1) << "domains of B";
}

TEST_F(RowSecurityTest, TheStoreSettingDoesNotOutliveItsTransaction) {
  // One connection: every transaction below runs on the same server session.
  auto single = orion::testing::make_test_database(Backend::postgres, PoolOptions{1, 0});
  ASSERT_NE(single, nullptr);
  StorageHarness h(*single->database);
  const StoreRecord store = h.make_store("single-store");
  {
    auto tx = h.tenant(store);
    must(products::create(tx, new_product("Only", 1)));
    must(tx.commit());
  }
  std::int64_t pid = 0;
  {
    auto tx = h.tenant(store);
    const QueryResult setting = must(tx.run(kStoreSetting, {}));
    EXPECT_EQ(setting.rows.at(0).text(0), std::to_string(store.id));
    EXPECT_EQ(setting.rows.at(0).text(1), "off");
    pid = setting.rows.at(0).integer(2);
    EXPECT_EQ(count_of(tx, count_all("products")), 1);
    must(tx.commit());
  }
  const auto expect_clean = [&](const char* after) {
    auto tx = h.unscoped();
    const QueryResult setting = must(tx.run(kStoreSetting, {}));
    EXPECT_EQ(setting.rows.at(0).integer(2), pid) << "not the same connection";
    EXPECT_EQ(setting.rows.at(0).text(0), "") << "the store leaked " << after;
    EXPECT_NE(setting.rows.at(0).text(1), "on") << "platform access leaked " << after;
    for (const TableCount& t : kTableCounts) {
      EXPECT_EQ(count_of(tx, t.all), 0) << t.table << " readable " << after;
    }
  };
  expect_clean("after a committed tenant transaction");
  {
    auto tx = h.tenant(store);
    EXPECT_EQ(count_of(tx, count_all("products")), 1);
  }
  expect_clean("after a rolled-back tenant transaction");
  {
    auto tx = h.platform();
    EXPECT_EQ(count_of(tx, count_all("products")), 1);
    must(tx.commit());
  }
  expect_clean("after a platform transaction");
  {
    auto tx = h.tenant(store);
    EXPECT_FALSE(tx.run(kInsertProduct, {store.id + 1000})) << "the insert should fail";
  }
  expect_clean("after a failed tenant transaction");
}

TEST_F(RowSecurityTest, ThePolicyLetsThePlannerUseTheStoreIdIndex) {
  // Enough stores and rows that one store is a small fraction of the table.
  std::vector<StoreRecord> stores;
  for (int i = 0; i < 20; ++i) {
    stores.push_back(harness_->make_store("bulk-" + std::to_string(i)));
    auto tx = harness_->tenant(stores.back());
    must(tx.run(kInsertManyProducts, {stores.back().id, std::int64_t{200}}));
    must(tx.commit());
  }
  orion::testing::postgres_exec_as_superuser(
      test_database_->owner_url.substr(test_database_->owner_url.rfind('/') + 1), "ANALYZE");
  const StoreRecord& store = stores[7];
  {
    // The repositories' shape: an explicit store_id filter, which the policy must not defeat.
    auto tx = harness_->tenant(store);
    const std::string plan = plan_of(tx, kExplainScoped, {store.id});
    EXPECT_TRUE(uses_store_id_index(plan)) << plan;
  }
  {
    // The policy alone: a query that forgot its store_id filter still reads one store's rows
    // through the index, not every store's rows through a filter.
    auto tx = harness_->tenant(store);
    const std::string plan = plan_of(tx, kExplainPolicyOnly);
    EXPECT_TRUE(uses_store_id_index(plan)) << plan;
  }
  {
    // Even when the planner's statistics would prefer a scan, the index must be usable.
    auto tx = harness_->tenant(store);
    must(tx.run(kEnableSeqscanOff, {}));
    const std::string plan = plan_of(tx, kExplainPolicyOnly);
    EXPECT_TRUE(uses_store_id_index(plan)) << plan;
    EXPECT_EQ(count_of(tx, count_all("products")), 200);
  }
}

}  // namespace
}  // namespace orion::storage::testing

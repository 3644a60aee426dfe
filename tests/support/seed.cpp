#include "support/seed.hpp"

#include <gtest/gtest.h>

#include "storage/domains.hpp"
#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "storage/themes.hpp"

namespace orion::testing {

SeededStore seed_store(storage::Database& database, const std::string& code,
                       const std::string& name, int products,
                       const std::vector<std::string>& verified_domains,
                       const std::vector<std::string>& pending_domains) {
  SeededStore seeded;
  {
    auto tx = database.begin_platform();
    EXPECT_TRUE(tx) << tx.error().message;
    auto store = storage::stores::create(*tx, code, name);
    EXPECT_TRUE(store) << store.error().message;
    EXPECT_TRUE(tx->commit());
    seeded.store = *store;
  }
  {
    auto tx = database.begin(storage::TenantScope::admin(seeded.store.snapshot()));
    EXPECT_TRUE(tx) << tx.error().message;
    for (int i = 1; i <= products; ++i) {
      storage::NewProduct product;
      product.name = name + " product " + std::to_string(i);
      product.description = "mk-" + code + " item " + std::to_string(i);
      product.price_cents = 1000 * i + 99;
      product.sku = code + "-sku-" + std::to_string(i);
      product.stock = 100;
      auto created = storage::products::create(*tx, product);
      EXPECT_TRUE(created) << created.error().message;
      seeded.products.push_back(*created);
    }
    for (const auto& domain : verified_domains) {
      EXPECT_TRUE(storage::domains::add(*tx, domain));
    }
    for (const auto& domain : pending_domains) {
      EXPECT_TRUE(storage::domains::add(*tx, domain));
    }
    EXPECT_TRUE(tx->commit());
  }
  if (!verified_domains.empty()) {
    auto tx = database.begin_platform();
    EXPECT_TRUE(tx);
    for (const auto& domain : verified_domains) {
      EXPECT_TRUE(storage::domains::mark_verified(*tx, domain));
    }
    EXPECT_TRUE(tx->commit());
  }
  return seeded;
}

void seed_theme(storage::Database& database, const storage::StoreRecord& store,
                const storage::Theme& theme) {
  auto tx = database.begin(storage::TenantScope::admin(store.snapshot()));
  ASSERT_TRUE(tx);
  auto put = storage::themes::put(*tx, theme);
  ASSERT_TRUE(put) << put.error().message;
  ASSERT_TRUE(tx->commit());
}

void set_store_active(storage::Database& database, const std::string& code, bool active) {
  auto tx = database.begin_platform();
  ASSERT_TRUE(tx);
  ASSERT_TRUE(storage::stores::set_active(*tx, code, active));
  ASSERT_TRUE(tx->commit());
}

}  // namespace orion::testing

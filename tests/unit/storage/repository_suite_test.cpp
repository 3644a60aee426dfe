// The repository suite: every repository function, run on SQLite and on PostgreSQL (DESIGN.md §3:
// "the same migrations and the same repository test-suite run on both"). Each test gets a fresh
// migrated database; on PostgreSQL it connects as the unprivileged application role, so row-level
// security applies to everything here exactly as in production.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/store.hpp"
#include "storage/customers.hpp"
#include "storage/domains.hpp"
#include "storage/files.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"
#include "storage/sessions.hpp"
#include "storage/store_directory.hpp"
#include "storage/stores.hpp"
#include "storage/themes.hpp"
#include "storage/users.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

using core::Errc;

constexpr Sql kAllTokens{"test_repo_all_tokens",
                         "SELECT id, token_hash, prefix, COALESCE(store_id, 0), name, created_at, "
                         "COALESCE(last_used_at, 0), COALESCE(revoked_at, 0) FROM api_tokens"};
constexpr Sql kAllSessionHashes{"test_repo_all_session_hashes", "SELECT token_hash FROM sessions"};
constexpr Sql kCountCustomers{"test_repo_count_customers", "SELECT COUNT(*) FROM customers"};
constexpr Sql kProductStock{"test_repo_product_stock",
                            "SELECT stock FROM products WHERE store_id = $1 AND id = $2"};

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

NewProduct product(std::string name, std::int64_t price_cents,
                   std::optional<std::string> sku = std::nullopt,
                   std::optional<std::int64_t> stock = std::nullopt) {
  NewProduct p;
  p.name = std::move(name);
  p.price_cents = price_cents;
  p.sku = std::move(sku);
  p.stock = stock;
  return p;
}

class RepositoryTest : public BackendTest {};

// ---- stores -------------------------------------------------------------------------------

// repository::lock_store: a second transaction of the same store that asks for the lock gets it
// only once the first has ended (PostgreSQL: the store's lock row; SQLite: the second cannot even
// begin before the first ends), while another store's lock is not held up. The domain limit and
// the last-owner check rely on it.
TEST_P(RepositoryTest, LockStoreHoldsOffTheStoresNextWriterUntilTheFirstEnds) {
  using namespace std::chrono_literals;
  const StoreRecord store = make_store("locked");
  const StoreRecord other = make_store("not-locked");
  auto first = tenant(store);
  must(repository::lock_store(first));
  if (backend() == Backend::postgres) {  // on SQLite one writer at a time, whatever the store
    auto unrelated = tenant(other);
    must(repository::lock_store(unrelated));
    must(unrelated.commit());
  }
  std::atomic<bool> first_ended{false};
  bool second_waited = false;
  std::thread second([&] {
    auto tx = tenant(store);
    must(repository::lock_store(tx));
    second_waited = first_ended.load();
    must(tx.commit());
  });
  std::this_thread::sleep_for(300ms);
  first_ended = true;
  must(first.commit());
  second.join();
  EXPECT_TRUE(second_waited);
}

TEST_P(RepositoryTest, StoresCreateNormalisesCodeAndName) {
  auto tx = platform();
  const StoreRecord store = must(stores::create(tx, "  Tech-Store  ", "  Tech Store "));
  EXPECT_GT(store.id, 0);
  EXPECT_EQ(store.code, "tech-store");
  EXPECT_EQ(store.name, "Tech Store");
  EXPECT_TRUE(store.is_active);
  EXPECT_GT(store.created_at, 0);
  must(tx.commit());

  auto read = platform();
  const auto by_code = must(stores::find_by_code(read, "TECH-STORE"));
  ASSERT_TRUE(by_code);
  EXPECT_EQ(by_code->id, store.id);
  EXPECT_EQ(by_code->name, "Tech Store");
  const auto by_id = must(stores::find_by_id(read, store.id));
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->code, "tech-store");
  EXPECT_FALSE(must(stores::find_by_id(read, store.id + 1000)));
  EXPECT_FALSE(must(stores::find_by_code(read, "other-store")));
  EXPECT_FALSE(must(stores::find_by_code(read, "not a code!")));
}

TEST_P(RepositoryTest, StoresCreateCreatesTheThemeAndTheCounters) {
  const StoreRecord store = make_store("themed");
  auto tx = tenant(store);
  const Theme theme = must(themes::get(tx));
  EXPECT_EQ(theme.primary_color, "#3B82F6");
  EXPECT_EQ(theme.font_family, "system-ui");
  // The order counter exists: the first order is number 1.
  const ProductRecord p = must(products::create(tx, product("Thing", 100)));
  const std::array lines{OrderLine{p.id, 1}};
  EXPECT_EQ(must(orders::create(tx, "a@example.com", lines)).order_number, "000001");
}

TEST_P(RepositoryTest, StoresDuplicateCodeIsAConflict) {
  make_store("acme");
  for (const char* code : {"acme", "ACME", " acme "}) {
    auto tx = platform();
    EXPECT_EQ(error_of(stores::create(tx, code, "Another")), Errc::conflict) << code;
  }
  auto tx = platform();
  EXPECT_EQ(must(stores::count(tx)), 1);
}

TEST_P(RepositoryTest, StoresInvalidOrReservedCodeIsRefused) {
  for (const char* code : {"", "ab", "-abc", "abc-", "a_b", "ab c", "caf\xc3\xa9", "a.bc",
                           "a123456789012345678901234567890123456789012345678901"}) {
    auto tx = platform();
    EXPECT_EQ(error_of(stores::create(tx, code, "Name")), Errc::invalid_store_code) << code;
  }
  for (const char* code : {"admin", "www", "api", "static", "store", "stores", "shop", "Platform",
                           "mail", "assets", "cdn", "status", "xn--abc"}) {
    auto tx = platform();
    EXPECT_EQ(error_of(stores::create(tx, code, "Name")), Errc::reserved_store_code) << code;
  }
  for (const char* name : {"", "   ", "bad\x01name"}) {
    auto tx = platform();
    EXPECT_EQ(error_of(stores::create(tx, "fine-code", name)), Errc::invalid_input) << name;
  }
  auto tx = platform();
  EXPECT_EQ(error_of(stores::create(tx, "fine-code", std::string(201, 'n'))), Errc::invalid_input);
  EXPECT_EQ(must(stores::count(tx)), 0);
}

TEST_P(RepositoryTest, StoresListCountAndPaging) {
  std::vector<StoreRecord> created;
  for (int i = 0; i < 7; ++i) {
    created.push_back(make_store("store-" + std::to_string(i), "Store " + std::to_string(i)));
  }
  auto tx = platform();
  EXPECT_EQ(must(stores::count(tx)), 7);
  const auto all = must(stores::list(tx));
  ASSERT_EQ(all.size(), 7U);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, created[i].id);
    EXPECT_EQ(all[i].code, created[i].code);
  }
  const auto first = must(stores::list(tx, Page{3, 0}));
  ASSERT_EQ(first.size(), 3U);
  EXPECT_EQ(first[0].code, "store-0");
  const auto second = must(stores::list(tx, Page{3, 3}));
  ASSERT_EQ(second.size(), 3U);
  EXPECT_EQ(second[0].code, "store-3");
  const auto last = must(stores::list(tx, Page{3, 6}));
  ASSERT_EQ(last.size(), 1U);
  EXPECT_EQ(last[0].code, "store-6");
  EXPECT_TRUE(must(stores::list(tx, Page{3, 9})).empty());
  EXPECT_EQ(error_of(stores::list(tx, Page{0, 0})), Errc::invalid_input);
  EXPECT_EQ(error_of(stores::list(tx, Page{501, 0})), Errc::invalid_input);
  EXPECT_EQ(error_of(stores::list(tx, Page{10, -1})), Errc::invalid_input);
  EXPECT_EQ(must(stores::list(tx, Page{500, 0})).size(), 7U);
}

TEST_P(RepositoryTest, StoresSetActiveAndRename) {
  const StoreRecord store = make_store("shop-one", "Shop One");
  {
    auto tx = platform();
    const StoreRecord off = must(stores::set_active(tx, "SHOP-ONE", false));
    EXPECT_EQ(off.id, store.id);
    EXPECT_FALSE(off.is_active);
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto found = must(stores::find_by_code(tx, "shop-one"));
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->is_active);
    EXPECT_FALSE(must(stores::find_active_by_code(tx, "shop-one")));
    EXPECT_EQ(error_of(stores::set_active(tx, "no-such-store", true)), Errc::not_found);
    EXPECT_EQ(error_of(stores::set_active(tx, "-bad-", true)), Errc::invalid_input);
  }
  {
    auto tx = platform();
    EXPECT_TRUE(must(stores::set_active(tx, "shop-one", true)).is_active);
    const StoreRecord renamed = must(stores::rename(tx, "shop-one", "  New Name "));
    EXPECT_EQ(renamed.name, "New Name");
    EXPECT_EQ(renamed.code, "shop-one");
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto active = must(stores::find_active_by_code(tx, "shop-one"));
    ASSERT_TRUE(active);
    EXPECT_EQ(active->name, "New Name");
    EXPECT_EQ(error_of(stores::rename(tx, "no-such-store", "X")), Errc::not_found);
    EXPECT_EQ(error_of(stores::rename(tx, "shop-one", "")), Errc::invalid_input);
  }
}

TEST_P(RepositoryTest, StoresFindActiveByVerifiedDomainOnlyForVerifiedDomainsOfActiveStores) {
  const StoreRecord store = make_store("domained");
  const StoreRecord other = make_store("other-one");
  {
    auto tx = tenant(store);
    must(domains::add(tx, "shop.example.com"));
    must(domains::add(tx, "pending.example.com"));
    must(tx.commit());
  }
  {
    auto tx = platform();
    EXPECT_FALSE(must(stores::find_active_by_verified_domain(tx, "shop.example.com")));
    must(domains::mark_verified(tx, "shop.example.com"));
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto found = must(stores::find_active_by_verified_domain(tx, "shop.example.com"));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, store.id);
    EXPECT_FALSE(must(stores::find_active_by_verified_domain(tx, "pending.example.com")));
    EXPECT_FALSE(must(stores::find_active_by_verified_domain(tx, "unknown.example.com")));
    must(stores::set_active(tx, "domained", false));
    EXPECT_FALSE(must(stores::find_active_by_verified_domain(tx, "shop.example.com")));
  }
  EXPECT_NE(other.id, store.id);
}

// ---- domains ------------------------------------------------------------------------------

TEST_P(RepositoryTest, DomainsAddListFindRemovePerStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  {
    auto tx = tenant(a);
    const DomainRecord added = must(domains::add(tx, "b-shop.example.com"));
    EXPECT_GT(added.id, 0);
    EXPECT_EQ(added.store_id, a.id);
    EXPECT_EQ(added.domain, "b-shop.example.com");
    EXPECT_FALSE(added.is_verified);
    EXPECT_FALSE(added.verified_at);
    EXPECT_FALSE(added.is_primary);
    EXPECT_EQ(added.verification_token.size(), 32U);
    EXPECT_TRUE(is_lower_hex(added.verification_token));
    EXPECT_GT(added.created_at, 0);
    must(domains::add(tx, "a-shop.example.com"));
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    must(domains::add(tx, "shop-of-b.example.org"));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const auto list = must(domains::list(tx));
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].domain, "a-shop.example.com");
    EXPECT_EQ(list[1].domain, "b-shop.example.com");
    for (const DomainRecord& d : list) {
      EXPECT_EQ(d.store_id, a.id);
    }
    EXPECT_NE(list[0].verification_token, list[1].verification_token);
    ASSERT_TRUE(must(domains::find(tx, "a-shop.example.com")));
    EXPECT_FALSE(must(domains::find(tx, "shop-of-b.example.org")));
    EXPECT_FALSE(must(domains::find(tx, "unknown.example.org")));
    EXPECT_EQ(
        error_of(domains::remove(tx, "shop-of-b.example.org", "test", std::chrono::seconds(0))),
        Errc::not_found);
    must(domains::remove(tx, "a-shop.example.com", "test", std::chrono::seconds(0)));
    EXPECT_FALSE(must(domains::find(tx, "a-shop.example.com")));
    EXPECT_EQ(error_of(domains::remove(tx, "a-shop.example.com", "test", std::chrono::seconds(0))),
              Errc::not_found);
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    const auto list = must(domains::list(tx));
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].domain, "shop-of-b.example.org");
    EXPECT_EQ(list[0].store_id, b.id);
  }
  {
    auto tx = tenant(a);
    const auto list = must(domains::list(tx));
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].domain, "b-shop.example.com");
  }
}

TEST_P(RepositoryTest, DomainsDuplicateIsAConflictInTheSameAndAcrossStores) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  {
    auto tx = tenant(a);
    must(domains::add(tx, "taken.example.com"));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const auto again = domains::add(tx, "taken.example.com");
    EXPECT_EQ(error_of(again), Errc::domain_taken);
    if (!again) {
      EXPECT_EQ(again.error().message, "the domain taken.example.com is already registered");
    }
  }
  {
    // The name is a's once verified (a pending claim blocks nobody: domain_lifecycle_suite).
    auto tx = platform();
    must(domains::mark_verified(tx, "taken.example.com"));
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    EXPECT_EQ(error_of(domains::add(tx, "taken.example.com")), Errc::domain_taken);
  }
  // (One transaction at a time: SQLite has a single writer and BEGIN IMMEDIATE waits for it.)
  {
    auto tx = tenant(b);
    EXPECT_TRUE(must(domains::list(tx)).empty());
  }
  auto all = platform();
  const auto listed = must(domains::list_all(all));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].record.store_id, a.id);
}

TEST_P(RepositoryTest, DomainsPlatformFindAnyListAllAndMarkVerified) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  {
    auto tx = tenant(a);
    must(domains::add(tx, "one.example.com"));
    must(domains::add(tx, "two.example.com"));
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    must(domains::add(tx, "three.example.com"));
    must(tx.commit());
  }
  auto tx = platform();
  const auto any = must(domains::find_any(tx, "three.example.com"));
  ASSERT_TRUE(any);
  EXPECT_EQ(any->store_code, "store-b");
  EXPECT_EQ(any->record.store_id, b.id);
  EXPECT_FALSE(must(domains::find_any(tx, "four.example.com")));

  const auto all = must(domains::list_all(tx));
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].record.domain, "one.example.com");
  EXPECT_EQ(all[0].store_code, "store-a");
  EXPECT_EQ(all[1].record.domain, "three.example.com");
  EXPECT_EQ(all[1].store_code, "store-b");
  const auto of_a = must(domains::list_all(tx, a.id));
  ASSERT_EQ(of_a.size(), 2U);
  for (const auto& d : of_a) {
    EXPECT_EQ(d.record.store_id, a.id);
    EXPECT_EQ(d.store_code, "store-a");
  }
  EXPECT_EQ(must(domains::list_all(tx, std::nullopt, Page{1, 1})).size(), 1U);
  EXPECT_EQ(must(domains::list_all(tx, std::nullopt, Page{1, 1}))[0].record.domain,
            "three.example.com");
  EXPECT_EQ(error_of(domains::list_all(tx, std::nullopt, Page{0, 0})), Errc::invalid_input);

  const DomainRecord verified = must(domains::mark_verified(tx, "two.example.com"));
  EXPECT_TRUE(verified.is_verified);
  ASSERT_TRUE(verified.verified_at);
  EXPECT_GT(*verified.verified_at, 0);
  EXPECT_EQ(verified.store_id, a.id);
  // Verifying again keeps the first verification time.
  EXPECT_EQ(must(domains::mark_verified(tx, "two.example.com")).verified_at, verified.verified_at);
  EXPECT_EQ(error_of(domains::mark_verified(tx, "four.example.com")), Errc::not_found);
  must(tx.commit());

  auto ta = tenant(a);
  const auto found = must(domains::find(ta, "two.example.com"));
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->is_verified);
  EXPECT_FALSE(must(domains::find(ta, "one.example.com"))->is_verified);
}

// ---- themes -------------------------------------------------------------------------------

TEST_P(RepositoryTest, ThemesPutValidatesAndGetReadsBackPerStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  Theme theme;
  theme.primary_color = "#112233";
  theme.secondary_color = "#aabbcc";
  theme.background_color = "#FfFfFf";
  theme.text_color = "#000000";
  theme.font_family = "  Georgia, serif ";
  theme.logo_url = "https://cdn.example.com/logo.png";
  theme.custom_css = "body { margin: 0 }";
  {
    auto tx = tenant(a);
    const Theme put = must(themes::put(tx, theme));
    EXPECT_EQ(put.primary_color, "#112233");
    EXPECT_EQ(put.font_family, "Georgia, serif");
    EXPECT_GT(put.updated_at, 0);
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const Theme got = must(themes::get(tx));
    EXPECT_EQ(got.primary_color, "#112233");
    EXPECT_EQ(got.secondary_color, "#aabbcc");
    EXPECT_EQ(got.background_color, "#FfFfFf");
    EXPECT_EQ(got.text_color, "#000000");
    EXPECT_EQ(got.font_family, "Georgia, serif");
    EXPECT_EQ(got.logo_url, theme.logo_url);
    EXPECT_EQ(got.custom_css, "body { margin: 0 }");
  }
  {
    auto tx = tenant(b);
    const Theme untouched = must(themes::get(tx));
    EXPECT_EQ(untouched.primary_color, "#3B82F6");
    EXPECT_FALSE(untouched.logo_url);
  }
  const std::array<std::string, 7> bad_colours{"red",     "#12345",  "#1234567", "#12345G",
                                               "112233#", "#-12345", ""};
  for (const std::string& colour : bad_colours) {
    for (int field = 0; field < 4; ++field) {
      Theme bad = theme;
      std::array<std::string*, 4> fields{&bad.primary_color, &bad.secondary_color,
                                         &bad.background_color, &bad.text_color};
      *fields[static_cast<std::size_t>(field)] = colour;
      auto tx = tenant(a);
      EXPECT_EQ(error_of(themes::put(tx, bad)), Errc::invalid_input) << colour << " " << field;
    }
  }
  {
    Theme bad = theme;
    bad.font_family = " ";
    auto tx = tenant(a);
    EXPECT_EQ(error_of(themes::put(tx, bad)), Errc::invalid_input);
  }
  {
    Theme bad = theme;
    bad.custom_css = std::string(20001, 'x');
    auto tx = tenant(a);
    EXPECT_EQ(error_of(themes::put(tx, bad)), Errc::invalid_input);
  }
  {
    Theme bad = theme;
    bad.logo_url = std::string(501, 'x');
    auto tx = tenant(a);
    EXPECT_EQ(error_of(themes::put(tx, bad)), Errc::invalid_input);
  }
  auto tx = tenant(a);
  EXPECT_EQ(must(themes::get(tx)).primary_color, "#112233");
}

// ---- products -----------------------------------------------------------------------------

TEST_P(RepositoryTest, ProductsCreateGetListNewestFirstAndCount) {
  const StoreRecord store = make_store("products");
  auto tx = tenant(store);
  NewProduct first = product("  First product ", 1999, "SKU-1", 5);
  first.description = "Line one\nLine two\ttabbed";
  first.currency = "USD";
  first.image_url = "https://img.example.com/1.png";
  const ProductRecord p1 = must(products::create(tx, first));
  EXPECT_GT(p1.id, 0);
  EXPECT_EQ(p1.store_id, store.id);
  EXPECT_EQ(p1.name, "First product");
  EXPECT_EQ(p1.description, "Line one\nLine two\ttabbed");
  EXPECT_EQ(p1.price_cents, 1999);
  EXPECT_EQ(p1.currency, "USD");
  EXPECT_EQ(p1.sku, "SKU-1");
  EXPECT_EQ(p1.stock, 5);
  EXPECT_EQ(p1.image_url, "https://img.example.com/1.png");
  EXPECT_TRUE(p1.is_active);
  EXPECT_GT(p1.created_at, 0);
  EXPECT_EQ(p1.updated_at, p1.created_at);

  const ProductRecord p2 = must(products::create(tx, product("Second", 0)));
  EXPECT_FALSE(p2.sku);
  EXPECT_FALSE(p2.stock);
  EXPECT_EQ(p2.currency, "EUR");
  NewProduct hidden = product("Hidden", 10);
  hidden.is_active = false;
  const ProductRecord p3 = must(products::create(tx, hidden));
  EXPECT_FALSE(p3.is_active);
  must(tx.commit());

  auto read = tenant(store);
  const auto got = must(products::get(read, p1.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "First product");
  EXPECT_EQ(got->stock, 5);
  EXPECT_FALSE(must(products::get(read, p3.id + 1000)));

  const auto all = must(products::list(read));
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].id, p3.id);
  EXPECT_EQ(all[1].id, p2.id);
  EXPECT_EQ(all[2].id, p1.id);
  const auto active = must(products::list(read, Page{}, true));
  ASSERT_EQ(active.size(), 2U);
  EXPECT_EQ(active[0].id, p2.id);
  EXPECT_EQ(active[1].id, p1.id);
  const auto page = must(products::list(read, Page{1, 1}));
  ASSERT_EQ(page.size(), 1U);
  EXPECT_EQ(page[0].id, p2.id);
  EXPECT_EQ(error_of(products::list(read, Page{0, 0})), Errc::invalid_input);
  EXPECT_EQ(must(products::count(read)), 3);
  EXPECT_EQ(must(products::count(read, true)), 2);
}

// The storefront's catalogue in one query: the page of `list` and the total of `count`, also
// for a page past the end (no row to carry the total).
TEST_P(RepositoryTest, ProductsListWithTotalIsListAndCountInOne) {
  const StoreRecord store = make_store("catalogue");
  const StoreRecord other = make_store("other-catalogue");
  {
    auto tx = tenant(store);
    for (int i = 1; i <= 5; ++i) {
      NewProduct p = product("Product " + std::to_string(i), 100 * i);
      p.is_active = i != 3;
      must(products::create(tx, p));
    }
    must(tx.commit());
    auto elsewhere = tenant(other);
    must(products::create(elsewhere, product("Not this store's", 1)));
    must(elsewhere.commit());
  }
  auto read = must(db().begin(TenantScope::admin(store.snapshot()), Access::read));
  for (const bool only_active : {false, true}) {
    for (const Page page : {Page{2, 0}, Page{2, 2}, Page{2, 4}, Page{50, 0}, Page{2, 10}}) {
      const auto together = must(products::list_with_total(read, page, only_active));
      const auto listed = must(products::list(read, page, only_active));
      ASSERT_EQ(together.items.size(), listed.size()) << page.limit << "/" << page.offset;
      for (std::size_t i = 0; i < listed.size(); ++i) {
        EXPECT_EQ(together.items[i].id, listed[i].id);
        EXPECT_EQ(together.items[i].name, listed[i].name);
      }
      EXPECT_EQ(together.total, only_active ? 4 : 5) << page.limit << "/" << page.offset;
    }
  }
  const StoreRecord empty = make_store("empty-catalogue");
  auto none = must(db().begin(TenantScope::admin(empty.snapshot()), Access::read));
  const auto nothing = must(products::list_with_total(none, Page{10, 0}, true));
  EXPECT_TRUE(nothing.items.empty());
  EXPECT_EQ(nothing.total, 0);
  EXPECT_EQ(error_of(products::list_with_total(none, Page{0, 0})), Errc::invalid_input);
}

// Access::read: the transaction reads what is committed and refuses any write (PostgreSQL:
// BEGIN READ ONLY; SQLite: a deferred BEGIN and a refusal of every statement that writes), on
// tenant and platform transactions alike; the refused write leaves nothing behind.
TEST_P(RepositoryTest, ReadTransactionsReadAndRefuseEveryWrite) {
  const StoreRecord store = make_store("read-only");
  {
    auto tx = tenant(store);
    must(products::create(tx, product("Existing", 100)));
    must(tx.commit());
  }
  {
    auto read = must(db().begin(TenantScope::admin(store.snapshot()), Access::read));
    EXPECT_EQ(must(products::count(read)), 1);
    EXPECT_EQ(error_of(products::create(read, product("Refused", 1))), Errc::internal);
    must(read.commit());
  }
  {
    auto read = must(db().begin(TenantScope::admin(store.snapshot()), Access::read));
    const auto listed = must(products::list(read));
    ASSERT_EQ(listed.size(), 1U);
    ProductChanges rename;
    rename.name = "Renamed";
    EXPECT_EQ(error_of(products::update(read, listed[0].id, rename)), Errc::internal);
  }
  {
    auto platform_read = must(db().begin_platform(Access::read));
    EXPECT_TRUE(must(stores::find_by_code(platform_read, "read-only")));
    EXPECT_EQ(error_of(stores::create(platform_read, "refused-store", "Refused")), Errc::internal);
  }
  {
    auto check = tenant(store);
    const auto after = must(products::list(check));
    ASSERT_EQ(after.size(), 1U);
    EXPECT_EQ(after[0].name, "Existing");
  }
  auto platform_check = platform();
  EXPECT_FALSE(must(stores::find_by_code(platform_check, "refused-store")));
}

TEST_P(RepositoryTest, ProductsInvalidInputIsRefused) {
  const StoreRecord store = make_store("products");
  const auto refused = [&](const NewProduct& p) {
    auto tx = tenant(store);
    return error_of(products::create(tx, p));
  };
  EXPECT_EQ(refused(product("Negative", -1)), Errc::invalid_input);
  EXPECT_EQ(refused(product("Too dear", 100'000'000'001)), Errc::invalid_input);
  EXPECT_EQ(refused(product("", 1)), Errc::invalid_input);
  EXPECT_EQ(refused(product(std::string(201, 'n'), 1)), Errc::invalid_input);
  EXPECT_EQ(refused(product("Ctl\x01", 1)), Errc::invalid_input);
  EXPECT_EQ(refused(product("Sku", 1, "")), Errc::invalid_input);
  EXPECT_EQ(refused(product("Stock", 1, std::nullopt, -1)), Errc::invalid_input);
  NewProduct currency = product("Currency", 1);
  currency.currency = "eur";
  EXPECT_EQ(refused(currency), Errc::invalid_input);
  auto tx = tenant(store);
  EXPECT_EQ(must(products::count(tx)), 0);
}

TEST_P(RepositoryTest, ProductsUpdateChangesOnlyTheGivenFields) {
  const StoreRecord store = make_store("products");
  const StoreRecord other = make_store("others");
  ProductRecord p;
  {
    auto tx = tenant(store);
    NewProduct n = product("Lamp", 2500, "LAMP-1", 3);
    n.description = "A lamp";
    n.image_url = "https://img.example.com/lamp.png";
    p = must(products::create(tx, n));
    must(tx.commit());
  }
  {
    auto tx = tenant(store);
    ProductChanges price;
    price.price_cents = 2700;
    const ProductRecord updated = must(products::update(tx, p.id, price));
    EXPECT_EQ(updated.price_cents, 2700);
    EXPECT_EQ(updated.name, "Lamp");
    EXPECT_EQ(updated.description, "A lamp");
    EXPECT_EQ(updated.sku, "LAMP-1");
    EXPECT_EQ(updated.stock, 3);
    EXPECT_EQ(updated.image_url, "https://img.example.com/lamp.png");
    EXPECT_TRUE(updated.is_active);
    EXPECT_GE(updated.updated_at, p.updated_at);

    ProductChanges clear;
    clear.sku = std::optional<std::string>{};
    clear.stock = std::optional<std::int64_t>{};
    clear.name = " Desk lamp ";
    clear.is_active = false;
    const ProductRecord cleared = must(products::update(tx, p.id, clear));
    EXPECT_FALSE(cleared.sku);
    EXPECT_FALSE(cleared.stock);
    EXPECT_EQ(cleared.name, "Desk lamp");
    EXPECT_FALSE(cleared.is_active);
    EXPECT_EQ(cleared.price_cents, 2700);
    must(tx.commit());
  }
  {
    auto tx = tenant(store);
    const auto got = must(products::get(tx, p.id));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, "Desk lamp");
    EXPECT_EQ(got->price_cents, 2700);
    EXPECT_FALSE(got->sku);
    ProductChanges negative;
    negative.price_cents = -5;
    EXPECT_EQ(error_of(products::update(tx, p.id, negative)), Errc::invalid_input);
    ProductChanges empty_name;
    empty_name.name = "";
    EXPECT_EQ(error_of(products::update(tx, p.id, empty_name)), Errc::invalid_input);
    EXPECT_EQ(error_of(products::update(tx, p.id + 1000, ProductChanges{})), Errc::not_found);
  }
  {
    // Another store cannot update it: it does not exist there.
    auto tx = tenant(other);
    ProductChanges rename;
    rename.name = "Stolen";
    EXPECT_EQ(error_of(products::update(tx, p.id, rename)), Errc::not_found);
    EXPECT_EQ(error_of(products::remove(tx, p.id)), Errc::not_found);
    EXPECT_FALSE(must(products::get(tx, p.id)));
    must(tx.commit());
  }
  auto tx = tenant(store);
  const auto got = must(products::get(tx, p.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Desk lamp");
}

TEST_P(RepositoryTest, ProductsSkuIsUniquePerStoreOnly) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  ProductRecord first;
  {
    auto tx = tenant(a);
    first = must(products::create(tx, product("One", 1, "SAME-SKU")));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    EXPECT_EQ(error_of(products::create(tx, product("Two", 1, "SAME-SKU"))), Errc::conflict);
  }
  ProductRecord other;
  {
    auto tx = tenant(a);
    other = must(products::create(tx, product("Three", 1, "OTHER-SKU")));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    ProductChanges clash;
    clash.sku = std::optional<std::string>("SAME-SKU");
    EXPECT_EQ(error_of(products::update(tx, other.id, clash)), Errc::conflict);
  }
  {
    auto tx = tenant(b);
    const ProductRecord in_b = must(products::create(tx, product("One in B", 1, "SAME-SKU")));
    EXPECT_EQ(in_b.store_id, b.id);
    EXPECT_NE(in_b.id, first.id);
    must(tx.commit());
  }
  {
    // A removed product frees its sku.
    auto tx = tenant(a);
    must(products::remove(tx, first.id));
    must(products::create(tx, product("Successor", 1, "SAME-SKU")));
    must(tx.commit());
  }
  auto tx = tenant(a);
  EXPECT_EQ(must(products::count(tx)), 2);
}

TEST_P(RepositoryTest, ProductsRemoveSoftDeletesAndOldOrdersStillReadTheirItems) {
  const StoreRecord store = make_store("products");
  ProductRecord p;
  OrderRecord order;
  {
    auto tx = tenant(store);
    p = must(products::create(tx, product("Vase", 4200, "VASE")));
    const std::array lines{OrderLine{p.id, 2}};
    order = must(orders::create(tx, "buyer@example.com", lines));
    must(tx.commit());
  }
  {
    auto tx = tenant(store);
    must(products::remove(tx, p.id));
    EXPECT_EQ(error_of(products::remove(tx, p.id)), Errc::not_found);
    must(tx.commit());
  }
  auto tx = tenant(store);
  EXPECT_FALSE(must(products::get(tx, p.id)));
  EXPECT_TRUE(must(products::list(tx)).empty());
  EXPECT_EQ(must(products::count(tx)), 0);
  ProductChanges rename;
  rename.name = "Back";
  EXPECT_EQ(error_of(products::update(tx, p.id, rename)), Errc::not_found);
  const auto old = must(orders::get(tx, order.id));
  ASSERT_TRUE(old);
  ASSERT_EQ(old->items.size(), 1U);
  EXPECT_EQ(old->items[0].product_id, p.id);
  EXPECT_EQ(old->items[0].product_name, "Vase");
  EXPECT_EQ(old->items[0].unit_price_cents, 4200);
  EXPECT_EQ(old->total_cents, 8400);
  // A removed product can no longer be ordered.
  const std::array lines{OrderLine{p.id, 1}};
  EXPECT_EQ(error_of(orders::create(tx, "buyer@example.com", lines)), Errc::invalid_input);
}

// ---- customers ----------------------------------------------------------------------------

TEST_P(RepositoryTest, CustomersFindOrCreateIsIdempotentAndPerStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  CustomerRecord alice;
  {
    auto tx = tenant(a);
    alice = must(customers::find_or_create(tx, "  Alice@Example.COM ", "Alice"));
    EXPECT_GT(alice.id, 0);
    EXPECT_EQ(alice.store_id, a.id);
    EXPECT_EQ(alice.email, "alice@example.com");
    EXPECT_EQ(alice.name, "Alice");
    EXPECT_GT(alice.created_at, 0);
    const CustomerRecord again = must(customers::find_or_create(tx, "alice@example.com"));
    EXPECT_EQ(again.id, alice.id);
    EXPECT_EQ(again.name, "Alice");
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    EXPECT_EQ(must(customers::find_or_create(tx, "ALICE@example.com", "Other")).id, alice.id);
    EXPECT_EQ(must(customers::list(tx)).size(), 1U);
    const auto got = must(customers::get(tx, alice.id));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->email, "alice@example.com");
    for (const char* bad : {"", "alice", "@example.com", "alice@", "a@b@example.com",
                            "alice@example", "al ice@example.com"}) {
      EXPECT_EQ(error_of(customers::find_or_create(tx, bad)), Errc::invalid_input) << bad;
    }
  }
  {
    auto tx = tenant(b);
    EXPECT_FALSE(must(customers::get(tx, alice.id)));
    EXPECT_TRUE(must(customers::list(tx)).empty());
    const CustomerRecord in_b = must(customers::find_or_create(tx, "alice@example.com", "B"));
    EXPECT_NE(in_b.id, alice.id);
    EXPECT_EQ(in_b.store_id, b.id);
    EXPECT_EQ(in_b.name, "B");
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    must(customers::find_or_create(tx, "bob@example.com"));
    const auto list = must(customers::list(tx));
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].email, "bob@example.com");  // newest first
    EXPECT_EQ(list[1].email, "alice@example.com");
    EXPECT_EQ(must(customers::list(tx, Page{1, 1})).size(), 1U);
    EXPECT_EQ(error_of(customers::list(tx, Page{0, 0})), Errc::invalid_input);
    must(tx.commit());
  }
  auto tx = platform();
  EXPECT_EQ(must(tx.run(kCountCustomers, {})).rows.at(0).integer(0), 3);
}

// ---- orders -------------------------------------------------------------------------------

TEST_P(RepositoryTest, OrdersSnapshotItemsAndComputeTheTotal) {
  const StoreRecord store = make_store("orders");
  ProductRecord mug;
  ProductRecord tea;
  OrderRecord order;
  {
    auto tx = tenant(store);
    mug = must(products::create(tx, product("Mug", 1250, "MUG")));
    tea = must(products::create(tx, product("Tea", 399)));
    // The same product on two lines is one item.
    const std::array lines{OrderLine{mug.id, 2}, OrderLine{tea.id, 3}, OrderLine{mug.id, 1}};
    order = must(orders::create(tx, "Buyer@Example.com", lines));
    must(tx.commit());
  }
  EXPECT_EQ(order.store_id, store.id);
  EXPECT_EQ(order.order_number, "000001");
  EXPECT_EQ(order.customer_email, "buyer@example.com");
  EXPECT_EQ(order.status, "pending");
  EXPECT_EQ(order.currency, "EUR");
  EXPECT_EQ(order.total_cents, 3 * 1250 + 3 * 399);
  ASSERT_EQ(order.items.size(), 2U);
  EXPECT_EQ(order.items[0].product_id, mug.id);
  EXPECT_EQ(order.items[0].product_name, "Mug");
  EXPECT_EQ(order.items[0].sku, "MUG");
  EXPECT_EQ(order.items[0].unit_price_cents, 1250);
  EXPECT_EQ(order.items[0].quantity, 3);
  EXPECT_EQ(order.items[1].product_id, tea.id);
  EXPECT_FALSE(order.items[1].sku);
  EXPECT_EQ(order.items[1].quantity, 3);

  {
    auto tx = tenant(store);
    ProductChanges change;
    change.price_cents = 9999;
    change.name = "Renamed mug";
    must(products::update(tx, mug.id, change));
    must(tx.commit());
  }
  auto tx = tenant(store);
  const auto again = must(orders::get(tx, order.id));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->total_cents, 3 * 1250 + 3 * 399);
  ASSERT_EQ(again->items.size(), 2U);
  EXPECT_EQ(again->items[0].unit_price_cents, 1250);
  EXPECT_EQ(again->items[0].product_name, "Mug");
  const auto by_number = must(orders::find_by_number(tx, "000001"));
  ASSERT_TRUE(by_number);
  EXPECT_EQ(by_number->id, order.id);
  EXPECT_EQ(by_number->items.size(), 2U);
  EXPECT_FALSE(must(orders::find_by_number(tx, "000002")));
  EXPECT_FALSE(must(orders::get(tx, order.id + 1000)));
  // A new order takes the new price.
  const std::array lines{OrderLine{mug.id, 1}};
  const OrderRecord second = must(orders::create(tx, "buyer@example.com", lines));
  EXPECT_EQ(second.total_cents, 9999);
  EXPECT_EQ(second.items.at(0).product_name, "Renamed mug");
  EXPECT_EQ(second.customer_id, order.customer_id);
}

TEST_P(RepositoryTest, OrdersNumbersAreUniqueAndIncreasingPerStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  const auto make_product = [&](const StoreRecord& s) {
    auto tx = tenant(s);
    const ProductRecord p = must(products::create(tx, product("Item", 100)));
    must(tx.commit());
    return p;
  };
  const ProductRecord pa = make_product(a);
  const ProductRecord pb = make_product(b);
  std::vector<std::string> numbers_a;
  for (int i = 0; i < 5; ++i) {
    auto tx = tenant(a);
    const std::array lines{OrderLine{pa.id, 1}};
    numbers_a.push_back(must(orders::create(tx, "c@example.com", lines)).order_number);
    must(tx.commit());
  }
  {
    // A rolled-back order gives its number back (the counter is part of the transaction).
    auto tx = tenant(a);
    const std::array lines{OrderLine{pa.id, 1}};
    EXPECT_EQ(must(orders::create(tx, "c@example.com", lines)).order_number, "000006");
  }
  std::vector<std::string> numbers_b;
  for (int i = 0; i < 2; ++i) {
    auto tx = tenant(b);
    const std::array lines{OrderLine{pb.id, 1}};
    numbers_b.push_back(must(orders::create(tx, "c@example.com", lines)).order_number);
    must(tx.commit());
  }
  EXPECT_EQ(numbers_a,
            (std::vector<std::string>{"000001", "000002", "000003", "000004", "000005"}));
  EXPECT_EQ(numbers_b, (std::vector<std::string>{"000001", "000002"}));
  EXPECT_TRUE(std::is_sorted(numbers_a.begin(), numbers_a.end()));

  {
    auto ta = tenant(a);
    EXPECT_EQ(must(orders::count(ta)), 5);
    const auto list = must(orders::list(ta));
    ASSERT_EQ(list.size(), 5U);
    EXPECT_EQ(list[0].order_number, "000005");  // newest first
    EXPECT_EQ(list[4].order_number, "000001");
    for (const OrderRecord& o : list) {
      EXPECT_EQ(o.store_id, a.id);
      EXPECT_TRUE(o.items.empty()) << "list is without items";
    }
    EXPECT_EQ(must(orders::list(ta, Page{2, 1}))[0].order_number, "000004");
    EXPECT_EQ(error_of(orders::list(ta, Page{0, 0})), Errc::invalid_input);
    const auto two = must(orders::find_by_number(ta, "000002"));
    ASSERT_TRUE(two);
    EXPECT_EQ(two->store_id, a.id);
  }
  auto tb = tenant(b);
  EXPECT_EQ(must(orders::count(tb)), 2);
  EXPECT_FALSE(must(orders::find_by_number(tb, "000003")));
}

TEST_P(RepositoryTest, OrdersDecrementTrackedStockAndRefuseWhenInsufficient) {
  const StoreRecord store = make_store("orders");
  ProductRecord tracked;
  ProductRecord untracked;
  {
    auto tx = tenant(store);
    tracked = must(products::create(tx, product("Limited", 500, std::nullopt, 5)));
    untracked = must(products::create(tx, product("Plenty", 100)));
    const std::array lines{OrderLine{tracked.id, 3}, OrderLine{untracked.id, 50}};
    must(orders::create(tx, "first@example.com", lines));
    must(tx.commit());
  }
  const auto stock = [&] {
    auto tx = tenant(store);
    return must(tx.run(kProductStock, {store.id, tracked.id})).rows.at(0).optional_integer(0);
  };
  EXPECT_EQ(stock(), 2);
  {
    auto tx = tenant(store);
    EXPECT_EQ(must(products::get(tx, untracked.id))->stock, std::nullopt);
    const std::array lines{OrderLine{untracked.id, 1}, OrderLine{tracked.id, 3}};
    EXPECT_EQ(error_of(orders::create(tx, "second@example.com", lines)), Errc::conflict);
    // Dropped without commit: nothing of the failed order remains.
  }
  EXPECT_EQ(stock(), 2);
  {
    auto tx = tenant(store);
    EXPECT_EQ(must(orders::count(tx)), 1);
    EXPECT_EQ(must(customers::list(tx)).size(), 1U);
    const std::array lines{OrderLine{tracked.id, 2}};
    must(orders::create(tx, "third@example.com", lines));
    must(tx.commit());
  }
  EXPECT_EQ(stock(), 0);
  auto tx = tenant(store);
  const std::array lines{OrderLine{tracked.id, 1}};
  EXPECT_EQ(error_of(orders::create(tx, "fourth@example.com", lines)), Errc::conflict);
}

TEST_P(RepositoryTest, OrdersRefuseAProductOfAnotherStoreAndWriteNothing) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  ProductRecord of_a;
  ProductRecord of_b;
  {
    auto tx = tenant(a);
    of_a = must(products::create(tx, product("A's", 100, std::nullopt, 10)));
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    of_b = must(products::create(tx, product("B's", 100, std::nullopt, 10)));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const std::array lines{OrderLine{of_a.id, 1}, OrderLine{of_b.id, 1}};
    EXPECT_EQ(error_of(orders::create(tx, "thief@example.com", lines)), Errc::invalid_input);
  }
  {
    auto tx = tenant(a);
    const std::array lines{OrderLine{of_b.id, 1}};
    EXPECT_EQ(error_of(orders::create(tx, "thief@example.com", lines)), Errc::invalid_input);
  }
  {
    auto tx = tenant(a);
    EXPECT_EQ(must(orders::count(tx)), 0);
    EXPECT_TRUE(must(customers::list(tx)).empty());
    EXPECT_EQ(must(products::get(tx, of_a.id))->stock, 10);
  }
  auto tb = tenant(b);
  EXPECT_EQ(must(products::get(tb, of_b.id))->stock, 10);
  EXPECT_EQ(must(orders::count(tb)), 0);
  EXPECT_TRUE(must(customers::list(tb)).empty());
}

TEST_P(RepositoryTest, OrdersRefuseBadLines) {
  const StoreRecord store = make_store("orders");
  ProductRecord p;
  ProductRecord inactive;
  ProductRecord dollars;
  {
    auto tx = tenant(store);
    p = must(products::create(tx, product("Item", 1)));
    NewProduct off = product("Off", 1);
    off.is_active = false;
    inactive = must(products::create(tx, off));
    NewProduct usd = product("Dollar", 1);
    usd.currency = "USD";
    dollars = must(products::create(tx, usd));
    must(tx.commit());
  }
  const auto refused = [&](std::vector<OrderLine> lines, std::string email = "x@example.com") {
    auto tx = tenant(store);
    return error_of(orders::create(tx, email, lines));
  };
  EXPECT_EQ(refused({}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, 0}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, -1}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, orders::kMaxQuantity + 1}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, 6000}, {p.id, 5000}}), Errc::invalid_input);
  EXPECT_EQ(refused({{inactive.id, 1}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id + 1000, 1}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, 1}, {dollars.id, 1}}), Errc::invalid_input);
  EXPECT_EQ(refused({{p.id, 1}}, "not-an-email"), Errc::invalid_input);
  EXPECT_EQ(refused(std::vector<OrderLine>(orders::kMaxLines + 1, OrderLine{p.id, 1})),
            Errc::invalid_input);
  {
    auto tx = tenant(store);
    EXPECT_EQ(must(orders::count(tx)), 0);
    const std::array lines{OrderLine{p.id, orders::kMaxQuantity}};
    EXPECT_EQ(must(orders::create(tx, "x@example.com", lines)).total_cents, orders::kMaxQuantity);
  }
}

TEST_P(RepositoryTest, OrdersSetStatus) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  OrderRecord order;
  {
    auto tx = tenant(a);
    const ProductRecord p = must(products::create(tx, product("Item", 1)));
    const std::array lines{OrderLine{p.id, 1}};
    order = must(orders::create(tx, "x@example.com", lines));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    // Along the lifecycle (orders::allowed_transitions): each step is allowed from the last.
    for (const char* status : {"paid", "shipped", "delivered"}) {
      const OrderRecord changed = must(orders::set_status(tx, order.id, status));
      EXPECT_EQ(changed.status, status);
      EXPECT_EQ(changed.items.size(), 1U);
    }
    // A step the lifecycle does not allow is a conflict and changes nothing.
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "paid")), Errc::conflict);
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "cancelled")), Errc::conflict);
    EXPECT_EQ(must(orders::get(tx, order.id))->status, "delivered");
    must(orders::set_status(tx, order.id, "refunded"));
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "paid")), Errc::conflict);  // final
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "lost")), Errc::invalid_input);
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "PAID")), Errc::invalid_input);
    EXPECT_EQ(error_of(orders::set_status(tx, order.id + 1000, "paid")), Errc::not_found);
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    EXPECT_EQ(error_of(orders::set_status(tx, order.id, "cancelled")), Errc::not_found);
    EXPECT_FALSE(must(orders::get(tx, order.id)));
    must(tx.commit());
  }
  auto tx = tenant(a);
  EXPECT_EQ(must(orders::get(tx, order.id))->status, "refunded");
}

// ---- users and members --------------------------------------------------------------------

TEST_P(RepositoryTest, UsersCreateHashesWithArgon2id) {
  auto tx = platform();
  const UserRecord user = must(users::create(tx, " Owner@Example.COM ", "correct horse", false));
  EXPECT_GT(user.id, 0);
  EXPECT_EQ(user.email, "owner@example.com");
  EXPECT_TRUE(user.password_hash.starts_with("$argon2id$")) << user.password_hash;
  EXPECT_EQ(user.password_hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password("correct horse", user.password_hash));
  EXPECT_FALSE(verify_password("correct horsf", user.password_hash));
  EXPECT_FALSE(user.is_admin);
  EXPECT_TRUE(user.is_active);
  const UserRecord admin = must(users::create(tx, "admin@example.com", "another password", true));
  EXPECT_TRUE(admin.is_admin);
  EXPECT_NE(admin.password_hash, user.password_hash);
  must(tx.commit());

  auto read = platform();
  const auto found = must(users::find_by_email(read, "OWNER@example.com"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, user.id);
  EXPECT_EQ(found->password_hash, user.password_hash);
  EXPECT_FALSE(must(users::find_by_email(read, "nobody@example.com")));
  EXPECT_FALSE(must(users::find_by_email(read, "not an e-mail")));
  EXPECT_EQ(must(users::get(read, admin.id))->email, "admin@example.com");
  EXPECT_FALSE(must(users::get(read, admin.id + 1000)));
  const auto all = must(users::list(read));
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].id, user.id);
  EXPECT_EQ(must(users::list(read, Page{1, 1})).at(0).id, admin.id);

  must(users::set_password(read, user.id, "a new password"));
  const auto changed = must(users::get(read, user.id));
  EXPECT_TRUE(verify_password("a new password", changed->password_hash));
  EXPECT_FALSE(verify_password("correct horse", changed->password_hash));
  EXPECT_EQ(error_of(users::set_password(read, user.id, "short")), Errc::invalid_input);
  EXPECT_EQ(error_of(users::set_password(read, admin.id + 1000, "long enough")), Errc::not_found);
}

TEST_P(RepositoryTest, UsersDuplicateEmailIsAConflictAndShortPasswordIsRefused) {
  {
    auto tx = platform();
    must(users::create(tx, "someone@example.com", "password one", false));
    must(tx.commit());
  }
  {
    auto tx = platform();
    EXPECT_EQ(error_of(users::create(tx, "SOMEONE@example.com", "password two", false)),
              Errc::conflict);
  }
  auto tx = platform();
  EXPECT_EQ(error_of(users::create(tx, "new@example.com", "1234567", false)), Errc::invalid_input);
  EXPECT_EQ(error_of(users::create(tx, "new@example.com", std::string(1025, 'p'), false)),
            Errc::invalid_input);
  EXPECT_EQ(error_of(users::create(tx, "not-an-email", "long enough", false)), Errc::invalid_input);
  must(users::create(tx, "new@example.com", "12345678", false));
  EXPECT_EQ(must(users::list(tx)).size(), 2U);
}

TEST_P(RepositoryTest, UsersRolesParseAndPrint) {
  EXPECT_EQ(users::to_string(MemberRole::owner), "owner");
  EXPECT_EQ(users::to_string(MemberRole::staff), "staff");
  EXPECT_EQ(must(users::parse_role("owner")), MemberRole::owner);
  EXPECT_EQ(must(users::parse_role("staff")), MemberRole::staff);
  EXPECT_EQ(error_of(users::parse_role("admin")), Errc::invalid_input);
}

TEST_P(RepositoryTest, MembersPutListFindRemoveGrantAndOfUser) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  UserRecord zoe;
  UserRecord adam;
  {
    auto tx = platform();
    zoe = must(users::create(tx, "zoe@example.com", "password zoe", false));
    adam = must(users::create(tx, "adam@example.com", "password adam", false));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const MemberRecord owner = must(members::put(tx, zoe.id, MemberRole::owner));
    EXPECT_EQ(owner.store_id, a.id);
    EXPECT_EQ(owner.user_id, zoe.id);
    EXPECT_EQ(owner.email, "zoe@example.com");
    EXPECT_EQ(owner.role, MemberRole::owner);
    EXPECT_GT(owner.created_at, 0);
    must(members::put(tx, adam.id, MemberRole::owner));
    // Putting again changes the role.
    EXPECT_EQ(must(members::put(tx, adam.id, MemberRole::staff)).role, MemberRole::staff);
    EXPECT_EQ(error_of(members::put(tx, adam.id + zoe.id + 1000, MemberRole::staff)),
              Errc::not_found);
  }
  {
    auto tx = tenant(a);
    must(members::put(tx, zoe.id, MemberRole::owner));
    must(members::put(tx, adam.id, MemberRole::staff));
    must(tx.commit());
  }
  {
    auto tx = platform();
    const MemberRecord granted = must(members::grant(tx, b.id, zoe.id, MemberRole::staff));
    EXPECT_EQ(granted.store_id, b.id);
    EXPECT_EQ(granted.role, MemberRole::staff);
    EXPECT_EQ(granted.email, "zoe@example.com");
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const auto list = must(members::list(tx));
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].email, "adam@example.com");  // by e-mail
    EXPECT_EQ(list[0].role, MemberRole::staff);
    EXPECT_EQ(list[1].email, "zoe@example.com");
    EXPECT_EQ(list[1].role, MemberRole::owner);
    for (const MemberRecord& m : list) {
      EXPECT_EQ(m.store_id, a.id);
    }
    ASSERT_TRUE(must(members::find(tx, zoe.id)));
    EXPECT_EQ(must(members::find(tx, zoe.id))->role, MemberRole::owner);
  }
  {
    auto tx = tenant(b);
    const auto list = must(members::list(tx));
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].user_id, zoe.id);
    EXPECT_EQ(list[0].role, MemberRole::staff);
    EXPECT_FALSE(must(members::find(tx, adam.id)));
    EXPECT_EQ(error_of(members::remove(tx, adam.id)), Errc::not_found);
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto of_zoe = must(members::of_user(tx, zoe.id));
    ASSERT_EQ(of_zoe.size(), 2U);
    EXPECT_EQ(of_zoe[0].store_id, a.id);
    EXPECT_EQ(of_zoe[0].role, MemberRole::owner);
    EXPECT_EQ(of_zoe[1].store_id, b.id);
    EXPECT_EQ(of_zoe[1].role, MemberRole::staff);
    EXPECT_EQ(must(members::of_user(tx, adam.id)).size(), 1U);
  }
  {
    auto tx = tenant(a);
    must(members::remove(tx, adam.id));
    EXPECT_FALSE(must(members::find(tx, adam.id)));
    EXPECT_EQ(error_of(members::remove(tx, adam.id)), Errc::not_found);
    must(tx.commit());
  }
  auto tx = platform();
  EXPECT_TRUE(must(members::of_user(tx, adam.id)).empty());
  EXPECT_EQ(must(members::of_user(tx, zoe.id)).size(), 2U);
}

// ---- sessions -----------------------------------------------------------------------------

TEST_P(RepositoryTest, SessionsStoreOnlyTheHashOfTheCookie) {
  const StoreRecord store = make_store("sessions");
  UserRecord user;
  sessions::Created admin;
  sessions::Created shop;
  {
    auto tx = platform();
    user = must(users::create(tx, "admin@example.com", "admin password", true));
    admin = must(sessions::create(tx, {user.id, std::nullopt, "admin", 3600}));
    shop = must(sessions::create(tx, {std::nullopt, store.id, "shopper", 3600}));
    must(tx.commit());
  }
  EXPECT_EQ(admin.cookie_value.size(), 64U);
  EXPECT_TRUE(is_lower_hex(admin.cookie_value));
  EXPECT_EQ(admin.record.token_hash, sha256_hex(admin.cookie_value));
  EXPECT_NE(admin.record.token_hash, admin.cookie_value);
  EXPECT_EQ(admin.record.kind, "admin");
  EXPECT_EQ(admin.record.user_id, user.id);
  EXPECT_FALSE(admin.record.store_id);
  EXPECT_EQ(admin.record.data, "{}");
  EXPECT_EQ(admin.record.csrf_token.size(), 64U);
  EXPECT_EQ(admin.record.expires_at, admin.record.created_at + 3600);
  EXPECT_NE(admin.cookie_value, shop.cookie_value);
  EXPECT_EQ(shop.record.store_id, store.id);
  EXPECT_FALSE(shop.record.user_id);

  auto tx = platform();
  for (const Row& row : must(tx.run(kAllSessionHashes, {})).rows) {
    EXPECT_NE(row.text(0), admin.cookie_value);
    EXPECT_NE(row.text(0), shop.cookie_value);
  }
  const auto found = must(sessions::find(tx, admin.cookie_value));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token_hash, admin.record.token_hash);
  EXPECT_EQ(found->kind, "admin");
  EXPECT_EQ(found->csrf_token, admin.record.csrf_token);
  const auto found_shop = must(sessions::find(tx, shop.cookie_value));
  ASSERT_TRUE(found_shop);
  EXPECT_EQ(found_shop->store_id, store.id);
  EXPECT_FALSE(must(sessions::find(tx, admin.record.token_hash)));
  EXPECT_FALSE(must(sessions::find(tx, "")));
}

TEST_P(RepositoryTest, SessionsKindAndStoreMustAgree) {
  const StoreRecord store = make_store("sessions");
  auto tx = platform();
  EXPECT_EQ(error_of(sessions::create(tx, {std::nullopt, std::nullopt, "store", 60})),
            Errc::invalid_input);
  EXPECT_EQ(error_of(sessions::create(tx, {std::nullopt, std::nullopt, "shopper", 60})),
            Errc::invalid_input);
  EXPECT_EQ(error_of(sessions::create(tx, {std::nullopt, store.id, "admin", 60})),
            Errc::invalid_input);
  EXPECT_EQ(error_of(sessions::create(tx, {std::nullopt, store.id, "superuser", 60})),
            Errc::invalid_input);
  const sessions::Created ok = must(sessions::create(tx, {std::nullopt, store.id, "store", 60}));
  EXPECT_EQ(ok.record.store_id, store.id);
  EXPECT_EQ(ok.record.kind, "store");
}

TEST_P(RepositoryTest, SessionsExpireSaveDataAndRemove) {
  const StoreRecord store = make_store("sessions");
  auto tx = platform();
  const sessions::Created live = must(sessions::create(tx, {std::nullopt, store.id, "store", 600}));
  const sessions::Created now = must(sessions::create(tx, {std::nullopt, store.id, "store", 0}));
  const sessions::Created past =
      must(sessions::create(tx, {std::nullopt, store.id, "shopper", -60}));
  EXPECT_TRUE(must(sessions::find(tx, live.cookie_value)));
  EXPECT_FALSE(must(sessions::find(tx, now.cookie_value)));
  EXPECT_FALSE(must(sessions::find(tx, past.cookie_value)));

  must(sessions::save_data(tx, live.cookie_value, R"({"cart":[1,2]})"));
  EXPECT_EQ(must(sessions::find(tx, live.cookie_value))->data, R"({"cart":[1,2]})");
  EXPECT_EQ(error_of(sessions::save_data(tx, "0123", "{}")), Errc::not_found);

  EXPECT_EQ(must(sessions::remove_expired(tx)), 2);
  EXPECT_EQ(must(sessions::remove_expired(tx)), 0);
  EXPECT_TRUE(must(sessions::find(tx, live.cookie_value)));
  EXPECT_EQ(must(tx.run(kAllSessionHashes, {})).rows.size(), 1U);

  must(sessions::remove(tx, live.cookie_value));
  EXPECT_FALSE(must(sessions::find(tx, live.cookie_value)));
  must(sessions::remove(tx, live.cookie_value));  // removing twice is fine (logout twice)
  EXPECT_TRUE(must(tx.run(kAllSessionHashes, {})).rows.empty());
  must(tx.commit());
}

// ---- API tokens ---------------------------------------------------------------------------

TEST_P(RepositoryTest, ApiTokensStoreOnlyTheHashAndAuthenticate) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  api_tokens::Created token;
  api_tokens::Created admin;
  {
    auto tx = platform();
    token = must(api_tokens::create(tx, a.id, "  ci deploy "));
    admin = must(api_tokens::create(tx, std::nullopt, "admin"));
    must(api_tokens::create(tx, b.id, "b's"));
    must(tx.commit());
  }
  ASSERT_EQ(token.token.size(), 6U + 64U);
  EXPECT_TRUE(token.token.starts_with("orion_"));
  EXPECT_TRUE(is_lower_hex(std::string_view(token.token).substr(6)));
  EXPECT_EQ(token.record.prefix, token.token.substr(0, 14));
  EXPECT_EQ(token.record.store_id, a.id);
  EXPECT_EQ(token.record.name, "ci deploy");
  EXPECT_FALSE(token.record.last_used_at);
  EXPECT_FALSE(token.record.revoked_at);
  EXPECT_FALSE(admin.record.store_id);
  EXPECT_NE(token.token, admin.token);

  {
    auto tx = platform();
    const QueryResult rows = must(tx.run(kAllTokens, {}));
    ASSERT_EQ(rows.rows.size(), 3U);
    bool hash_seen = false;
    for (const Row& row : rows.rows) {
      for (const std::size_t text_column : {1, 2, 4}) {
        const std::string& cell = row.text(text_column);
        for (const std::string& secret : {token.token, admin.token}) {
          EXPECT_EQ(cell.find(secret), std::string::npos) << cell;
          EXPECT_EQ(cell.find(secret.substr(6)), std::string::npos) << cell;
        }
      }
      hash_seen = hash_seen || row.text(1) == sha256_hex(token.token);
    }
    EXPECT_TRUE(hash_seen);
  }
  {
    auto tx = platform();
    const auto used = must(api_tokens::authenticate(tx, token.token));
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, token.record.id);
    EXPECT_EQ(used->store_id, a.id);
    ASSERT_TRUE(used->last_used_at);
    EXPECT_GE(*used->last_used_at, token.record.created_at);
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto listed = must(api_tokens::list(tx, a.id));
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_TRUE(listed[0].last_used_at) << "authenticate records the use";

    std::string wrong = token.token;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    EXPECT_FALSE(must(api_tokens::authenticate(tx, wrong)));
    EXPECT_FALSE(must(api_tokens::authenticate(tx, token.token.substr(6))));
    EXPECT_FALSE(must(api_tokens::authenticate(tx, token.record.prefix)));
    EXPECT_FALSE(must(api_tokens::authenticate(tx, sha256_hex(token.token))));
    EXPECT_FALSE(must(api_tokens::authenticate(tx, "")));
    ASSERT_TRUE(must(api_tokens::authenticate(tx, admin.token)));
    EXPECT_FALSE(must(api_tokens::authenticate(tx, admin.token))->store_id);
  }
  {
    auto tx = platform();
    must(api_tokens::revoke(tx, token.record.id));
    EXPECT_EQ(error_of(api_tokens::revoke(tx, token.record.id)), Errc::not_found);
    EXPECT_EQ(error_of(api_tokens::revoke(tx, admin.record.id + 1000)), Errc::not_found);
    must(tx.commit());
  }
  auto tx = platform();
  EXPECT_FALSE(must(api_tokens::authenticate(tx, token.token)));
  const auto of_a = must(api_tokens::list(tx, a.id));
  ASSERT_EQ(of_a.size(), 1U);
  EXPECT_TRUE(of_a[0].revoked_at);
  const auto of_b = must(api_tokens::list(tx, b.id));
  ASSERT_EQ(of_b.size(), 1U);
  EXPECT_EQ(of_b[0].name, "b's");
  EXPECT_EQ(of_b[0].store_id, b.id);
  const auto of_admin = must(api_tokens::list(tx, std::nullopt));
  ASSERT_EQ(of_admin.size(), 1U);
  EXPECT_EQ(of_admin[0].id, admin.record.id);
  EXPECT_EQ(error_of(api_tokens::create(tx, a.id, std::string(101, 'n'))), Errc::invalid_input);
}

// ---- files --------------------------------------------------------------------------------

TEST_P(RepositoryTest, FilesAddFindListRemovePerStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  const std::string hash(64, 'c');
  {
    auto tx = tenant(a);
    const FileRecord logo = must(files::add(tx, "logo.png", "image/png", 2048, hash));
    EXPECT_GT(logo.id, 0);
    EXPECT_EQ(logo.store_id, a.id);
    EXPECT_EQ(logo.name, "logo.png");
    EXPECT_EQ(logo.content_type, "image/png");
    EXPECT_EQ(logo.size_bytes, 2048);
    EXPECT_EQ(logo.sha256, hash);
    EXPECT_GT(logo.created_at, 0);
    must(files::add(tx, "banner_1.jpg", "image/jpeg", 0, hash));
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    EXPECT_EQ(error_of(files::add(tx, "logo.png", "image/png", 1, hash)), Errc::conflict);
  }
  {
    auto tx = tenant(b);
    EXPECT_FALSE(must(files::find(tx, "logo.png")));
    EXPECT_TRUE(must(files::list(tx)).empty());
    EXPECT_EQ(error_of(files::remove(tx, "logo.png")), Errc::not_found);
    // The same name in another store is another file.
    EXPECT_EQ(must(files::add(tx, "logo.png", "image/png", 7, hash)).store_id, b.id);
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    const auto list = must(files::list(tx));
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].name, "banner_1.jpg");  // by name
    EXPECT_EQ(list[1].name, "logo.png");
    EXPECT_EQ(list[1].size_bytes, 2048);
    const auto found = must(files::find(tx, "logo.png"));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->store_id, a.id);
    EXPECT_FALSE(must(files::find(tx, "missing.png")));
    must(files::remove(tx, "logo.png"));
    EXPECT_FALSE(must(files::find(tx, "logo.png")));
    EXPECT_EQ(error_of(files::remove(tx, "logo.png")), Errc::not_found);
    must(tx.commit());
  }
  auto tx = tenant(b);
  const auto of_b = must(files::find(tx, "logo.png"));
  ASSERT_TRUE(of_b);
  EXPECT_EQ(of_b->size_bytes, 7);
}

TEST_P(RepositoryTest, FilesInvalidInputIsRefused) {
  const StoreRecord store = make_store("files");
  const std::string hash(64, 'c');
  for (const std::string& name :
       {std::string(), std::string(".hidden"), std::string("-dash"), std::string("Upper.png"),
        std::string("a/b.png"), std::string("a b.png"), std::string(".."), std::string(101, 'a')}) {
    auto tx = tenant(store);
    EXPECT_EQ(error_of(files::add(tx, name, "image/png", 1, hash)), Errc::invalid_input) << name;
  }
  // What the schema checks: the content type, the size and the hash.
  const auto refused = [&](std::string_view content_type, std::int64_t size, std::string sha) {
    auto tx = tenant(store);
    return error_of(files::add(tx, "file.bin", content_type, size, sha));
  };
  EXPECT_EQ(refused("x", 1, hash), Errc::invalid_input);
  EXPECT_EQ(refused("image/png", -1, hash), Errc::invalid_input);
  EXPECT_EQ(refused("image/png", 1, "abc"), Errc::invalid_input);
  auto tx = tenant(store);
  EXPECT_TRUE(must(files::list(tx)).empty());
  EXPECT_EQ(must(files::add(tx, std::string(100, 'a'), "image/png", 1, hash)).name.size(), 100U);
}

// ---- the store directory ------------------------------------------------------------------

TEST_P(RepositoryTest, DatabaseStoreDirectoryAnswersForActiveStoresOnly) {
  const StoreRecord open = make_store("open-store", "Open");
  const StoreRecord closed = make_store("closed-store", "Closed");
  {
    auto tx = tenant(open);
    must(domains::add(tx, "open.example.com"));
    must(domains::add(tx, "unverified.example.com"));
    must(tx.commit());
  }
  {
    auto tx = tenant(closed);
    must(domains::add(tx, "closed.example.com"));
    must(tx.commit());
  }
  {
    auto tx = platform();
    must(domains::mark_verified(tx, "open.example.com"));
    must(domains::mark_verified(tx, "closed.example.com"));
    must(stores::set_active(tx, "closed-store", false));
    must(tx.commit());
  }
  const DatabaseStoreDirectory directory(db());
  const core::StoreDirectory& as_interface = directory;

  const core::StorePtr by_code = as_interface.find_active_by_code("open-store");
  ASSERT_NE(by_code, nullptr);
  EXPECT_EQ(by_code->id, open.id);
  EXPECT_EQ(by_code->code, "open-store");
  EXPECT_EQ(by_code->name(), "Open");
  EXPECT_TRUE(by_code->is_active);
  const core::StorePtr by_domain = as_interface.find_active_by_domain("open.example.com");
  ASSERT_NE(by_domain, nullptr);
  EXPECT_EQ(by_domain->id, open.id);

  EXPECT_EQ(as_interface.find_active_by_code("closed-store"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_domain("closed.example.com"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_domain("unverified.example.com"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_code("unknown-store"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_domain("unknown.example.com"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_code(""), nullptr);
  EXPECT_EQ(as_interface.find_active_by_domain(""), nullptr);

  {
    auto tx = platform();
    must(stores::set_active(tx, "closed-store", true));
    must(tx.commit());
  }
  ASSERT_NE(as_interface.find_active_by_domain("closed.example.com"), nullptr);
  EXPECT_EQ(as_interface.find_active_by_domain("closed.example.com")->id, closed.id);
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(RepositoryTest);

}  // namespace
}  // namespace orion::storage::testing

// Randomised cross-store isolation, on both backends: many stores, each with data in every tenant
// table that carries the store's own marker, then thousands of random calls of every tenant
// repository function in random stores' transactions, many of them aimed at other stores' ids,
// numbers, domains and users. No answer may ever carry another store's marker or store id, and
// no write aimed at another store may change anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/customers.hpp"
#include "storage/domains.hpp"
#include "storage/files.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/themes.hpp"
#include "storage/users.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

using core::Errc;

constexpr int kStores = 20;
constexpr int kProductsPerStore = 5;  // plus one removed product
constexpr int kCustomersPerStore = 3;
constexpr int kOrdersPerStore = 3;
constexpr int kOperations = 3000;
constexpr int kMaxOperationsPerTransaction = 8;
constexpr std::uint32_t kDefaultSeed = 20240611;

constexpr Sql kSeedSequence{
    "test_isolation_seed_sequence",
    "UPDATE store_sequences SET next_order_number = $2 WHERE store_id = $1"};
constexpr Sql kAllProductNames{"test_isolation_all_product_names",
                               "SELECT store_id, name FROM products"};

// "iso007x": fixed width, so no marker is part of another; none of its letters is a hex digit,
// so no random token can contain one.
std::string marker_of(int index) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "iso%03dx", index);
  return buffer.data();
}

// Order numbers of store i start at (i + 1) * 1000 + 1: the number names its store.
std::int64_t first_order_number(int index) { return (index + 1) * 1000 + 1; }

std::string colour_of(int index) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "#%06X", 0x100000 + index * 0x0101);
  return buffer.data();
}

struct StoreData {
  int index = 0;
  StoreRecord store;
  std::string marker;
  std::vector<std::int64_t> product_ids;  // live, active
  std::int64_t removed_product_id = 0;
  std::vector<std::string> emails;
  std::vector<std::int64_t> customer_ids;
  std::vector<std::int64_t> order_ids;
  std::vector<std::string> order_numbers;
  std::vector<std::string> domains;
  std::vector<std::string> files;
  std::int64_t owner_id = 0;
  std::string colour;
};

class IsolationTest : public BackendTest {
 protected:
  std::uint32_t seed_ = kDefaultSeed;
  std::vector<StoreData> stores_;
  std::int64_t shared_staff_id_ = 0;
  std::map<std::string, int> calls_;

  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    if (const char* env = std::getenv("ORION_ISOLATION_SEED"); env != nullptr) {
      seed_ = static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
    }
    std::cout << "[ isolation ] backend " << to_string(backend()) << ", seed " << seed_ << ", "
              << kStores << " stores, " << kOperations
              << " operations (ORION_ISOLATION_SEED=<n> replays another seed)\n";
    RecordProperty("seed", std::to_string(seed_));
    populate();
  }

  void populate() {
    {
      auto tx = platform();
      shared_staff_id_ =
          must(users::create(tx, "shared-staff@example.com", "shared password", false)).id;
      must(tx.commit());
    }
    for (int i = 0; i < kStores; ++i) {
      StoreData data;
      data.index = i;
      data.marker = marker_of(i);
      data.colour = colour_of(i);
      data.store = make_store(data.marker + "-shop", "Store " + data.marker);
      {
        auto tx = platform();
        data.owner_id =
            must(users::create(tx, "owner@" + data.marker + ".example", "owner password", false))
                .id;
        must(tx.commit());
      }
      auto tx = tenant(data.store);
      must(tx.run(kSeedSequence, {data.store.id, first_order_number(i)}));
      for (int k = 0; k < kProductsPerStore + 1; ++k) {
        NewProduct p;
        p.name = "Widget " + std::to_string(k) + " " + data.marker;
        p.description = "Made by " + data.marker + "\nsecond line";
        p.sku = data.marker + "-sku-" + std::to_string(k);
        p.image_url = "https://img.example.com/" + data.marker + "/" + std::to_string(k) + ".png";
        p.price_cents = 100 * (i + 1) + k;
        p.stock = k % 2 == 0 ? std::optional<std::int64_t>(1000) : std::nullopt;
        const ProductRecord created = must(products::create(tx, p));
        if (k == kProductsPerStore) {
          must(products::remove(tx, created.id));
          data.removed_product_id = created.id;
        } else {
          data.product_ids.push_back(created.id);
        }
      }
      for (int k = 0; k < kCustomersPerStore; ++k) {
        data.emails.push_back("buyer" + std::to_string(k) + "@" + data.marker + ".example");
        data.customer_ids.push_back(
            must(customers::find_or_create(tx, data.emails.back(),
                                           "Buyer " + std::to_string(k) + " " + data.marker))
                .id);
      }
      for (int k = 0; k < kOrdersPerStore; ++k) {
        const std::array lines{
            OrderLine{data.product_ids[static_cast<std::size_t>(k) % data.product_ids.size()], 1},
            OrderLine{data.product_ids.back(), 2}};
        const OrderRecord order = must(orders::create(
            tx, data.emails[static_cast<std::size_t>(k) % data.emails.size()], lines));
        data.order_ids.push_back(order.id);
        data.order_numbers.push_back(order.order_number);
      }
      data.domains = {"shop." + data.marker + ".example", "www." + data.marker + ".example"};
      for (const std::string& domain : data.domains) {
        must(domains::add(tx, domain));
      }
      Theme theme;
      theme.primary_color = data.colour;
      theme.secondary_color = data.colour;
      theme.font_family = "Font " + data.marker;
      theme.logo_url = "https://cdn.example.com/" + data.marker + ".png";
      theme.custom_css = "." + data.marker + " { color: red }";
      must(themes::put(tx, theme));
      must(members::put(tx, data.owner_id, MemberRole::owner));
      must(members::put(tx, shared_staff_id_, MemberRole::staff));
      data.files = {data.marker + "-logo.png", data.marker + "-banner.jpg"};
      for (const std::string& name : data.files) {
        must(files::add(tx, name, "image/png", 100 + i, std::string(64, 'a')));
      }
      must(tx.commit());
      auto verify = platform();
      must(domains::mark_verified(verify, data.domains.front()));
      must(verify.commit());
      stores_.push_back(std::move(data));
    }
  }

  static bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

  // Fails when `value` carries the marker of a store other than `own`.
  void expect_own(const std::string& value, const StoreData& own, const char* what) {
    for (std::size_t at = value.find("iso"); at != std::string::npos;
         at = value.find("iso", at + 1)) {
      const std::string found = value.substr(at, 7);
      if (found.size() == 7 && found[6] == 'x' && is_digit(found[3]) && is_digit(found[4]) &&
          is_digit(found[5])) {
        EXPECT_EQ(found, own.marker) << what << " '" << value << "' read in store " << own.marker
                                     << " belongs to another store";
      }
    }
  }

  void expect_own_optional(const std::optional<std::string>& value, const StoreData& own,
                           const char* what) {
    if (value) {
      expect_own(*value, own, what);
    }
  }

  void check(const ProductRecord& p, const StoreData& own) {
    EXPECT_EQ(p.store_id, own.store.id) << "product " << p.id;
    expect_own(p.name, own, "product name");
    expect_own(p.description, own, "product description");
    expect_own_optional(p.sku, own, "product sku");
    expect_own_optional(p.image_url, own, "product image");
    EXPECT_NE(p.name.find(own.marker), std::string::npos) << p.name;
    EXPECT_NE(p.id, own.removed_product_id) << "a removed product was read";
  }

  void check(const CustomerRecord& c, const StoreData& own) {
    EXPECT_EQ(c.store_id, own.store.id) << "customer " << c.id;
    expect_own(c.email, own, "customer e-mail");
    expect_own(c.name, own, "customer name");
    EXPECT_NE(c.email.find(own.marker), std::string::npos) << c.email;
  }

  void check(const OrderRecord& o, const StoreData& own) {
    EXPECT_EQ(o.store_id, own.store.id) << "order " << o.id;
    expect_own(o.customer_email, own, "order e-mail");
    const std::int64_t number = std::stoll(o.order_number);
    EXPECT_GE(number, first_order_number(own.index)) << o.order_number;
    EXPECT_LT(number, first_order_number(own.index) + 999) << o.order_number;
    EXPECT_NE(std::find(own.customer_ids.begin(), own.customer_ids.end(), o.customer_id),
              own.customer_ids.end())
        << "order " << o.id << " of a foreign customer";
    for (const OrderItemRecord& item : o.items) {
      expect_own(item.product_name, own, "item name");
      expect_own_optional(item.sku, own, "item sku");
      EXPECT_TRUE(std::find(own.product_ids.begin(), own.product_ids.end(), item.product_id) !=
                      own.product_ids.end() ||
                  item.product_id == own.removed_product_id)
          << "item of a foreign product " << item.product_id;
    }
  }

  void check(const DomainRecord& d, const StoreData& own) {
    EXPECT_EQ(d.store_id, own.store.id) << d.domain;
    expect_own(d.domain, own, "domain");
    EXPECT_NE(d.domain.find(own.marker), std::string::npos) << d.domain;
  }

  void check(const MemberRecord& m, const StoreData& own) {
    EXPECT_EQ(m.store_id, own.store.id) << m.email;
    expect_own(m.email, own, "member e-mail");
    EXPECT_TRUE(m.user_id == own.owner_id || m.user_id == shared_staff_id_) << m.user_id;
  }

  void check(const FileRecord& f, const StoreData& own) {
    EXPECT_EQ(f.store_id, own.store.id) << f.name;
    expect_own(f.name, own, "file name");
    EXPECT_NE(f.name.find(own.marker), std::string::npos) << f.name;
  }

  void check(const Theme& t, const StoreData& own) {
    EXPECT_EQ(t.primary_color, own.colour);
    EXPECT_EQ(t.secondary_color, own.colour);
    expect_own(t.font_family, own, "font");
    expect_own_optional(t.logo_url, own, "logo");
    expect_own(t.custom_css, own, "css");
    EXPECT_EQ(t.font_family, "Font " + own.marker);
  }

  template <class T>
  const T& pick(std::mt19937& random, const std::vector<T>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  }

  const StoreData& other_store(std::mt19937& random, const StoreData& own) {
    for (;;) {
      const StoreData& other = pick(random, stores_);
      if (other.index != own.index) {
        return other;
      }
    }
  }

  static bool contains(const std::vector<std::int64_t>& ids, std::int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  Page random_page(std::mt19937& random) {
    return Page{std::uniform_int_distribution<std::int64_t>(1, 10)(random),
                std::uniform_int_distribution<std::int64_t>(0, 4)(random)};
  }

  // What a transaction created in its own store; such a transaction is rolled back.
  struct Created {
    int orders = 0;
    int files = 0;
  };

  // One random operation in `own`'s transaction; returns whether it created something that must
  // not be committed (counted in `created`).
  bool operate(std::mt19937& random, TenantTransaction& tx, const StoreData& own,
               Created& created) {
    const StoreData& any = pick(random, stores_);  // often another store, sometimes this one
    const StoreData& other = other_store(random, own);
    const int op = std::uniform_int_distribution<int>(0, 27)(random);
    switch (op) {
      case 0: {
        ++calls_["products::get"];
        const std::int64_t id = std::bernoulli_distribution(0.2)(random)
                                    ? any.removed_product_id
                                    : pick(random, any.product_ids);
        const auto found = must(products::get(tx, id));
        EXPECT_EQ(found.has_value(), any.index == own.index && contains(own.product_ids, id))
            << "product " << id << " of " << any.marker << " read in " << own.marker;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 1: {
        ++calls_["products::list"];
        const bool only_active = std::bernoulli_distribution(0.5)(random);
        for (const ProductRecord& p : must(products::list(tx, random_page(random), only_active))) {
          check(p, own);
        }
        return false;
      }
      case 2: {
        ++calls_["products::count"];
        EXPECT_EQ(must(products::count(tx, std::bernoulli_distribution(0.5)(random))),
                  kProductsPerStore);
        return false;
      }
      case 3: {
        ++calls_["products::update"];
        ProductChanges changes;
        changes.name = "hijacked by " + own.marker;
        changes.price_cents = 0;
        EXPECT_EQ(error_of(products::update(tx, pick(random, other.product_ids), changes)),
                  Errc::not_found);
        return false;
      }
      case 4: {
        ++calls_["products::remove"];
        EXPECT_EQ(error_of(products::remove(tx, pick(random, other.product_ids))), Errc::not_found);
        return false;
      }
      case 5: {
        ++calls_["customers::get"];
        const std::int64_t id = pick(random, any.customer_ids);
        const auto found = must(customers::get(tx, id));
        EXPECT_EQ(found.has_value(), any.index == own.index) << "customer " << id;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 6: {
        ++calls_["customers::list"];
        const auto list = must(customers::list(tx, Page{50, 0}));
        EXPECT_EQ(list.size(), static_cast<std::size_t>(kCustomersPerStore));
        for (const CustomerRecord& c : list) {
          check(c, own);
        }
        for (const CustomerRecord& c : must(customers::list(tx, random_page(random)))) {
          check(c, own);
        }
        return false;
      }
      case 7: {
        ++calls_["customers::find_or_create"];
        const CustomerRecord c = must(customers::find_or_create(tx, pick(random, own.emails)));
        check(c, own);
        EXPECT_TRUE(contains(own.customer_ids, c.id));
        return false;
      }
      case 8: {
        ++calls_["orders::get"];
        const std::int64_t id = pick(random, any.order_ids);
        const auto found = must(orders::get(tx, id));
        EXPECT_EQ(found.has_value(), any.index == own.index) << "order " << id;
        if (found) {
          check(*found, own);
          EXPECT_EQ(found->items.size(), 2U);
        }
        return false;
      }
      case 9: {
        ++calls_["orders::find_by_number"];
        const std::string& number = pick(random, any.order_numbers);
        const auto found = must(orders::find_by_number(tx, number));
        EXPECT_EQ(found.has_value(), any.index == own.index) << "order " << number;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 10: {
        ++calls_["orders::list"];
        for (const OrderRecord& o : must(orders::list(tx, random_page(random)))) {
          check(o, own);
        }
        return false;
      }
      case 11: {
        ++calls_["orders::count"];
        EXPECT_EQ(must(orders::count(tx)), kOrdersPerStore + created.orders);
        return false;
      }
      case 12: {
        ++calls_["orders::set_status"];
        EXPECT_EQ(error_of(orders::set_status(tx, pick(random, other.order_ids), "cancelled")),
                  Errc::not_found);
        return false;
      }
      case 13: {
        ++calls_["orders::create"];
        const std::int64_t product_id = pick(random, any.product_ids);
        const std::array lines{OrderLine{product_id, 1}};
        auto order = orders::create(tx, pick(random, own.emails), lines);
        if (any.index == own.index) {
          check(must(std::move(order)), own);
          ++created.orders;
          return true;
        }
        EXPECT_EQ(error_of(order), Errc::invalid_input)
            << "ordered product " << product_id << " of " << any.marker << " in " << own.marker;
        return false;
      }
      case 14: {
        ++calls_["domains::list"];
        const auto list = must(domains::list(tx));
        EXPECT_EQ(list.size(), own.domains.size());
        for (const DomainRecord& d : list) {
          check(d, own);
        }
        return false;
      }
      case 15: {
        ++calls_["domains::find"];
        const std::string& domain = pick(random, any.domains);
        const auto found = must(domains::find(tx, domain));
        EXPECT_EQ(found.has_value(), any.index == own.index) << domain;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 16: {
        ++calls_["domains::remove"];
        EXPECT_EQ(error_of(domains::remove(tx, pick(random, other.domains), "test",
                                           std::chrono::seconds(0))),
                  Errc::not_found);
        return false;
      }
      case 26: {
        ++calls_["domains::set_primary"];
        EXPECT_EQ(error_of(domains::set_primary(tx, pick(random, other.domains), true)),
                  Errc::not_found);
        return false;
      }
      case 27: {
        ++calls_["domains::events"];
        const std::string& domain = pick(random, any.domains);
        const auto history = must(domains::events(tx, domain));
        // Added once each, the first also verified: its own store sees those events only.
        const std::size_t recorded = domain == any.domains.front() ? 2U : 1U;
        EXPECT_EQ(history.size(), any.index == own.index ? recorded : 0U) << domain;
        for (const DomainEvent& e : history) {
          EXPECT_EQ(e.store_id, own.store.id) << domain;
          EXPECT_EQ(e.domain, domain);
        }
        return false;
      }
      case 17: {
        ++calls_["themes::get"];
        check(must(themes::get(tx)), own);
        return false;
      }
      case 18: {
        ++calls_["members::list"];
        const auto list = must(members::list(tx));
        EXPECT_EQ(list.size(), 2U);
        for (const MemberRecord& m : list) {
          check(m, own);
        }
        return false;
      }
      case 19: {
        ++calls_["members::find"];
        const std::int64_t user =
            std::bernoulli_distribution(0.3)(random) ? shared_staff_id_ : any.owner_id;
        const auto found = must(members::find(tx, user));
        EXPECT_EQ(found.has_value(), user == shared_staff_id_ || any.index == own.index) << user;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 20: {
        ++calls_["members::remove"];
        EXPECT_EQ(error_of(members::remove(tx, other.owner_id)), Errc::not_found);
        return false;
      }
      case 22: {
        ++calls_["files::find"];
        const std::string& name = pick(random, any.files);
        const auto found = must(files::find(tx, name));
        EXPECT_EQ(found.has_value(), any.index == own.index) << name;
        if (found) {
          check(*found, own);
        }
        return false;
      }
      case 23: {
        ++calls_["files::list"];
        const auto list = must(files::list(tx));
        EXPECT_EQ(list.size(), own.files.size() + static_cast<std::size_t>(created.files));
        for (const FileRecord& f : list) {
          check(f, own);
        }
        return false;
      }
      case 24: {
        ++calls_["files::remove"];
        EXPECT_EQ(error_of(files::remove(tx, pick(random, other.files))), Errc::not_found);
        return false;
      }
      case 25: {
        ++calls_["files::add"];
        const std::string name = own.marker + "-upload-" + std::to_string(created.files) + ".txt";
        check(must(files::add(tx, name, "text/plain", 1, std::string(64, 'b'))), own);
        ++created.files;
        return true;
      }
      default: {
        ++calls_["members::put(existing)"];
        // Re-putting the store's own owner changes nothing and reads back only this store.
        check(must(members::put(tx, own.owner_id, MemberRole::owner)), own);
        return false;
      }
    }
  }

  void run_random_operations() {
    std::mt19937 random(seed_);
    int done = 0;
    while (done < kOperations) {
      const StoreData& own = pick(random, stores_);
      auto tx = tenant(own);
      bool must_roll_back = false;
      Created created;
      const int count = std::uniform_int_distribution<int>(1, kMaxOperationsPerTransaction)(random);
      for (int i = 0; i < count && done < kOperations; ++i, ++done) {
        must_roll_back = operate(random, tx, own, created) || must_roll_back;
        if (HasFailure()) {
          FAIL() << "stopped at operation " << done << " of seed " << seed_;
        }
      }
      // Failed writes at other stores are committed: had one of them changed a row, the
      // final check below would see it.
      if (!must_roll_back) {
        must(tx.commit());
      }
    }
  }

  // Nothing aimed at another store changed it.
  void check_unchanged() {
    for (const StoreData& data : stores_) {
      auto tx = tenant(data);
      EXPECT_EQ(must(products::count(tx)), kProductsPerStore) << data.marker;
      EXPECT_EQ(must(orders::count(tx)), kOrdersPerStore) << data.marker;
      for (const OrderRecord& o : must(orders::list(tx))) {
        EXPECT_EQ(o.status, "pending") << data.marker;
      }
      EXPECT_EQ(must(domains::list(tx)).size(), data.domains.size()) << data.marker;
      EXPECT_EQ(must(members::list(tx)).size(), 2U) << data.marker;
      EXPECT_EQ(must(files::list(tx)).size(), data.files.size()) << data.marker;
    }
    auto tx = platform();
    for (const Row& row : must(tx.run(kAllProductNames, {})).rows) {
      EXPECT_EQ(row.text(1).find("hijacked"), std::string::npos) << row.text(1);
    }
  }

  TenantTransaction tenant(const StoreData& data) const { return BackendTest::tenant(data.store); }
  using BackendTest::tenant;
};

TEST_P(IsolationTest, RandomReadsAndWritesNeverCrossStores) {
  ASSERT_EQ(stores_.size(), static_cast<std::size_t>(kStores));
  SCOPED_TRACE("isolation seed " + std::to_string(seed_));
  run_random_operations();
  check_unchanged();
  int total = 0;
  for (const auto& [name, count] : calls_) {
    EXPECT_GT(count, 0) << name;
    total += count;
  }
  EXPECT_EQ(total, kOperations);
  EXPECT_EQ(calls_.size(), 28U) << "every tenant repository function was called";
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(IsolationTest);

}  // namespace
}  // namespace orion::storage::testing

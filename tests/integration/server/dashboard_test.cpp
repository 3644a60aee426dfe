// The store dashboard's overview, products, orders and members over a real socket, on both
// backends, signed in through the login form (ConsoleSession): what each page shows, every
// validation rule of the product form (422, the message beside the field, the value kept), the
// order lifecycle (every transition allowed and refused), the members' rules (the last owner
// stays), roles (staff may not manage members), CSRF, and that another store's ids are 404.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::ConsoleSession;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kHost = "platform.test";
constexpr const char* kPassword = "correct horse battery";

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// A urlencoded form body.
std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += (body.empty() ? "" : "&") + encode(name) + "=" + encode(value);
  }
  return body;
}

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

bool contains(const HttpResponse& response, const std::string& text) {
  return response.body().find(text) != std::string::npos;
}

// How often `text` occurs in the page.
std::size_t occurrences(const std::string& body, const std::string& text) {
  std::size_t count = 0;
  for (auto at = body.find(text); at != std::string::npos; at = body.find(text, at + 1)) {
    ++count;
  }
  return count;
}

// The id at the end of a redirect like /store/alpha/products/12?notice=created.
std::int64_t id_in(const std::string& location, const std::string& prefix) {
  if (!location.starts_with(prefix)) {
    return 0;
  }
  return std::stoll(location.substr(prefix.size()));
}

class DashboardTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto alpha = storage::stores::create(*tx, "alpha", "Alpha Shop");
    auto bravo = storage::stores::create(*tx, "bravo", "Bravo Shop");
    ASSERT_TRUE(alpha && bravo);
    alpha_ = *alpha;
    bravo_ = *bravo;
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    auto staff = storage::users::create(*tx, "staff@alpha.test", kPassword, false);
    auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
    ASSERT_TRUE(owner && staff && other);
    owner_id_ = owner->id;
    staff_id_ = staff->id;
    other_id_ = other->id;
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, staff->id, storage::MemberRole::staff));
    ASSERT_TRUE(storage::members::grant(*tx, bravo->id, other->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }

  std::unique_ptr<ConsoleSession> sign_in(const std::string& email,
                                          const std::string& store = "alpha") {
    auto session = std::make_unique<ConsoleSession>(*server_, "/store/" + store, email, kPassword);
    EXPECT_TRUE(session->signed_in()) << session->login_response().body();
    return session;
  }

  storage::TenantScope scope(const storage::StoreRecord& store) {
    return storage::TenantScope::admin(store.snapshot());
  }

  storage::ProductRecord add_product(const storage::StoreRecord& store, const std::string& name,
                                     std::int64_t price_cents,
                                     std::optional<std::string> sku = std::nullopt) {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    storage::NewProduct product;
    product.name = name;
    product.price_cents = price_cents;
    product.sku = std::move(sku);
    auto created = storage::products::create(*tx, product);
    EXPECT_TRUE(created) << created.error().message;
    EXPECT_TRUE(tx->commit());
    return *created;
  }

  std::optional<storage::ProductRecord> product(const storage::StoreRecord& store,
                                                std::int64_t id) {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    return storage::products::get(*tx, id).value();
  }

  std::int64_t product_count(const storage::StoreRecord& store) {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    return storage::products::count(*tx).value();
  }

  // An order of `quantity` of `product`, then moved through `statuses` (each must be allowed).
  storage::OrderRecord add_order(const storage::StoreRecord& store,
                                 const storage::ProductRecord& product, std::int64_t quantity,
                                 const std::vector<std::string>& statuses = {},
                                 const std::string& email = "buyer@example.com") {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    const storage::OrderLine line{product.id, quantity};
    auto order = storage::orders::create(*tx, email, {&line, 1});
    EXPECT_TRUE(order) << order.error().message;
    for (const std::string& status : statuses) {
      order = storage::orders::set_status(*tx, order->id, status);
      EXPECT_TRUE(order) << order.error().message;
    }
    EXPECT_TRUE(tx->commit());
    return *order;
  }

  std::string order_status(const storage::StoreRecord& store, std::int64_t id) {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    return storage::orders::get(*tx, id).value().value().status;
  }

  // Each member's e-mail with their role in `store`.
  std::map<std::string, std::string> members(const storage::StoreRecord& store) {
    auto tx = server_->database().begin(scope(store));
    EXPECT_TRUE(tx);
    std::map<std::string, std::string> out;
    for (const auto& m : storage::members::list(*tx).value()) {
      out[m.email] = std::string(storage::users::to_string(m.role));
    }
    return out;
  }

  std::unique_ptr<TestServer> server_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
  std::int64_t owner_id_ = 0;
  std::int64_t staff_id_ = 0;
  std::int64_t other_id_ = 0;
};

// ---- Overview ----

TEST_P(DashboardTest, OverviewCountsOrdersRevenueAndLinksTheRecentOrders) {
  const auto lamp = add_product(alpha_, "Alpha Lamp", 1250);
  add_product(alpha_, "Alpha Chair", 4000);
  const auto paid = add_order(alpha_, lamp, 2, {"paid"});            // 25.00
  const auto pending = add_order(alpha_, lamp, 1);                   // 12.50
  const auto cancelled = add_order(alpha_, lamp, 4, {"cancelled"});  // not revenue
  add_order(alpha_, lamp, 8, {"paid", "refunded"});                  // not revenue
  // Another store's orders count for that store only.
  const auto bravo_product = add_product(bravo_, "Bravo Bowl", 99900);
  add_order(bravo_, bravo_product, 3, {"paid"});

  auto session = sign_in("owner@alpha.test");
  for (const std::string path : {"/", "/dashboard"}) {
    auto home = session->get(path);
    ASSERT_EQ(home.result_int(), 200) << home.body();
    EXPECT_TRUE(
        contains(home, "<p class=\"error-code\">2</p><p><a href=\"/store/alpha/products\">"))
        << home.body();
    EXPECT_TRUE(contains(home, "<p class=\"error-code\">4</p><p><a href=\"/store/alpha/orders\">"))
        << home.body();
    EXPECT_TRUE(contains(home, "<p class=\"price revenue\">37.50 EUR</p>")) << home.body();
    for (const auto& order : {paid, pending, cancelled}) {
      EXPECT_TRUE(contains(home, "<a href=\"/store/alpha/orders/" + std::to_string(order.id) +
                                     "\">" + order.order_number + "</a>"))
          << home.body();
    }
    EXPECT_TRUE(contains(home, "buyer@example.com"));
    EXPECT_FALSE(contains(home, "Bravo")) << home.body();
  }
}

TEST_P(DashboardTest, OverviewOfAStoreWithoutOrdersShowsZeroRevenue) {
  auto session = sign_in("staff@alpha.test");
  auto home = session->get("/");
  ASSERT_EQ(home.result_int(), 200) << home.body();
  EXPECT_TRUE(contains(home, "<p class=\"price revenue\">0.00 EUR</p>")) << home.body();
  EXPECT_TRUE(contains(home, "No orders yet."));
}

// ---- Products ----

TEST_P(DashboardTest, OwnerCreatesEditsAndDeletesAProductAndTheShopFollows) {
  auto session = sign_in("owner@alpha.test");
  auto blank = session->get("/products/new");
  ASSERT_EQ(blank.result_int(), 200) << blank.body();
  EXPECT_TRUE(contains(blank, "<form method=\"post\" action=\"/store/alpha/products\">"));
  EXPECT_FALSE(contains(blank, "enctype=\"multipart/form-data\""));  // no image before it exists

  auto created = session->post("/products", form({{"name", "Desk Lamp"},
                                                  {"price", "12.50"},
                                                  {"description", "Warm light."},
                                                  {"sku", "LAMP-1"},
                                                  {"stock", "7"},
                                                  {"is_active", "1"}}));
  ASSERT_EQ(created.result_int(), 303) << created.body();
  const std::int64_t id = id_in(location(created), "/store/alpha/products/");
  ASSERT_GT(id, 0) << location(created);
  EXPECT_EQ(location(created), "/store/alpha/products/" + std::to_string(id) + "?notice=created");
  auto stored = product(alpha_, id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "Desk Lamp");
  EXPECT_EQ(stored->price_cents, 1250);
  EXPECT_EQ(stored->description, "Warm light.");
  EXPECT_EQ(stored->sku, "LAMP-1");
  EXPECT_EQ(stored->stock, 7);
  EXPECT_TRUE(stored->is_active);

  auto edit = session->get("/products/" + std::to_string(id) + "?notice=created");
  ASSERT_EQ(edit.result_int(), 200) << edit.body();
  EXPECT_TRUE(contains(edit, "The product was created."));
  EXPECT_TRUE(contains(edit, "value=\"Desk Lamp\""));
  EXPECT_TRUE(contains(edit, "value=\"12.50\""));
  EXPECT_TRUE(contains(edit, "value=\"LAMP-1\""));
  EXPECT_TRUE(contains(edit, "value=\"7\""));
  // The image upload form (its route is the uploads' own) and the delete form.
  const std::string product_url = "/store/alpha/products/" + std::to_string(id);
  // The upload's CSRF token is in its action (checked on the head, before the body is read).
  EXPECT_TRUE(contains(edit, "<form method=\"post\" action=\"" + product_url + "/image?csrf=" +
                                 session->csrf() + "\" enctype=\"multipart/form-data\">"))
      << edit.body();
  EXPECT_TRUE(
      contains(edit, "<input id=\"image\" type=\"file\" name=\"image\" accept=\"image/*\">"));
  EXPECT_TRUE(contains(edit, "<form method=\"post\" action=\"" + product_url + "/delete\">"));
  EXPECT_EQ(occurrences(edit.body(), "name=\"csrf\" value=\"" + session->csrf() + "\""), 3u)
      << "sign-out, product and delete forms";

  // The list links it; the storefront sells it.
  auto list = session->get("/products");
  ASSERT_EQ(list.result_int(), 200);
  EXPECT_TRUE(contains(list, "<a href=\"" + product_url + "\">Desk Lamp</a>")) << list.body();
  EXPECT_TRUE(contains(list, "12.50 EUR"));
  auto shop = server_->get(kHost, "/stores/alpha/shop/products");
  ASSERT_EQ(shop.result_int(), 200);
  EXPECT_TRUE(contains(shop, "Desk Lamp")) << shop.body();

  // Edit: every field changes; unchecking "for sale" takes it out of the shop.
  auto updated = session->post("/products/" + std::to_string(id), form({{"name", "Desk Lamp XL"},
                                                                        {"price", "20"},
                                                                        {"description", ""},
                                                                        {"sku", ""},
                                                                        {"stock", ""}}));
  ASSERT_EQ(updated.result_int(), 303) << updated.body();
  EXPECT_EQ(location(updated), product_url + "?notice=saved");
  stored = product(alpha_, id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "Desk Lamp XL");
  EXPECT_EQ(stored->price_cents, 2000);
  EXPECT_EQ(stored->description, "");
  EXPECT_FALSE(stored->sku);
  EXPECT_FALSE(stored->stock);
  EXPECT_FALSE(stored->is_active);
  EXPECT_TRUE(contains(session->get("/products/" + std::to_string(id) + "?notice=saved"),
                       "Your changes were saved."));
  EXPECT_FALSE(contains(server_->get(kHost, "/stores/alpha/shop/products"), "Desk Lamp"));
  ASSERT_EQ(session
                ->post("/products/" + std::to_string(id),
                       form({{"name", "Desk Lamp XL"}, {"price", "20.00"}, {"is_active", "1"}}))
                .result_int(),
            303);
  EXPECT_TRUE(contains(server_->get(kHost, "/stores/alpha/shop/products"), "Desk Lamp XL"));

  // Delete.
  auto deleted = session->post("/products/" + std::to_string(id) + "/delete", "");
  ASSERT_EQ(deleted.result_int(), 303) << deleted.body();
  EXPECT_EQ(location(deleted), "/store/alpha/products?notice=deleted");
  EXPECT_FALSE(product(alpha_, id));
  EXPECT_TRUE(contains(session->get("/products?notice=deleted"), "The product was deleted."));
  EXPECT_EQ(session->get("/products/" + std::to_string(id)).result_int(), 404);
  EXPECT_EQ(session->post("/products/" + std::to_string(id) + "/delete", "").result_int(), 404);
  EXPECT_FALSE(contains(server_->get(kHost, "/stores/alpha/shop/products"), "Desk Lamp"));
}

TEST_P(DashboardTest, PricesAreParsedAsDecimalsWithAtMostTwoPlaces) {
  auto session = sign_in("owner@alpha.test");
  for (const auto& [text, cents] : std::vector<std::pair<std::string, std::int64_t>>{
           {"12.50", 1250}, {"12", 1200}, {"12.5", 1250}, {"0", 0}, {" 3.07 ", 307}}) {
    auto created = session->post("/products", form({{"name", "P " + text}, {"price", text}}));
    ASSERT_EQ(created.result_int(), 303) << text << "\n" << created.body();
    auto stored = product(alpha_, id_in(location(created), "/store/alpha/products/"));
    ASSERT_TRUE(stored) << text;
    EXPECT_EQ(stored->price_cents, cents) << text;
  }
}

struct Refusal {
  std::string field;  // the field set to `value` (the others valid)
  std::string value;
  std::string message;  // part of the message beside the field
};

TEST_P(DashboardTest, EveryProductRuleRefusesWith422TheMessageAndTheValuesKept) {
  add_product(alpha_, "Taken", 100, "TAKEN-1");
  const std::int64_t before = product_count(alpha_);
  const std::vector<Refusal> refusals = {
      {"name", "", "Enter a name."},
      {"name", "   ", "Enter a name."},
      {"name", std::string(201, 'n'), "at most 200 characters"},
      {"price", "", "Enter a price"},
      {"price", "abc", "at most two decimals"},
      {"price", "-1", "at most two decimals"},
      {"price", "1.234", "at most two decimals"},
      {"price", "1,50", "at most two decimals"},
      {"price", "12.", "at most two decimals"},
      {"price", "99999999999", "at most two decimals"},
      {"sku", "TAKEN-1", "already has the SKU TAKEN-1"},
      {"sku", std::string(65, 's'), "at most 64 characters"},
      {"stock", "-1", "whole number from 0"},
      {"stock", "2.5", "whole number from 0"},
      {"stock", "many", "whole number from 0"},
      {"description", std::string(5001, 'd'), "at most 5000 characters"},
  };
  auto session = sign_in("owner@alpha.test");
  const auto edited = add_product(alpha_, "Editable", 500, "EDIT-1");
  for (const Refusal& refusal : refusals) {
    std::map<std::string, std::string> fields = {{"name", "Good Name"},
                                                 {"price", "9.99"},
                                                 {"description", "Kept description"},
                                                 {"sku", "KEPT-SKU"},
                                                 {"stock", "3"}};
    fields[refusal.field] = refusal.value;
    std::vector<std::pair<std::string, std::string>> body(fields.begin(), fields.end());
    body.emplace_back("is_active", "1");
    for (const std::string& path :
         {std::string("/products"), "/products/" + std::to_string(edited.id)}) {
      auto response = session->post(path, form(body));
      ASSERT_EQ(response.result_int(), 422)
          << path << " " << refusal.field << "=" << refusal.value << "\n"
          << response.body();
      EXPECT_TRUE(contains(response, "class=\"error\"")) << response.body();
      const auto beside =
          response.body().find("<span class=\"field-error\" id=\"" + refusal.field + "-error\">");
      ASSERT_NE(beside, std::string::npos) << refusal.field << "\n" << response.body();
      EXPECT_NE(response.body().find(refusal.message, beside), std::string::npos)
          << refusal.field << "=" << refusal.value << "\n"
          << response.body();
      EXPECT_EQ(occurrences(response.body(), "class=\"field-error\""), 1u) << response.body();
      // Every value comes back as typed (a long one too).
      for (const auto& [name, value] : fields) {
        if (name == "description") {
          EXPECT_TRUE(contains(response, ">" + value + "</textarea>")) << name;
        } else if (name != refusal.field || !value.empty()) {
          EXPECT_TRUE(contains(response, "name=\"" + name + "\" value=\"" + value + "\""))
              << name << "\n"
              << response.body();
        }
      }
    }
  }
  EXPECT_EQ(product_count(alpha_), before + 1);
  auto unchanged = product(alpha_, edited.id);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->name, "Editable");
  EXPECT_EQ(unchanged->price_cents, 500);
  EXPECT_EQ(unchanged->sku, "EDIT-1");
}

TEST_P(DashboardTest, AnotherStoresProductIsNotFoundAndStaysUnchanged) {
  const auto bowl = add_product(bravo_, "Bravo Bowl", 1500, "BOWL");
  auto session = sign_in("owner@alpha.test");
  const std::string path = "/products/" + std::to_string(bowl.id);
  auto page = session->get(path);
  EXPECT_EQ(page.result_int(), 404);
  EXPECT_FALSE(contains(page, "Bravo Bowl"));
  EXPECT_EQ(session->post(path, form({{"name", "Stolen"}, {"price", "1"}})).result_int(), 404);
  EXPECT_EQ(session->post(path + "/delete", "").result_int(), 404);
  EXPECT_EQ(session->get("/products/abc").result_int(), 404);
  EXPECT_EQ(session->get("/products/99999999999999999999").result_int(), 404);
  auto still = product(bravo_, bowl.id);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->name, "Bravo Bowl");
  EXPECT_EQ(still->price_cents, 1500);
  // A SKU is unique per store only: alpha may use bravo's.
  EXPECT_EQ(session->post("/products", form({{"name", "A"}, {"price", "1"}, {"sku", "BOWL"}}))
                .result_int(),
            303);
}

TEST_P(DashboardTest, TheProductListHasFiftyAPage) {
  {
    auto tx = server_->database().begin(scope(alpha_));
    ASSERT_TRUE(tx);
    for (int i = 1; i <= 120; ++i) {
      storage::NewProduct p;
      p.name = "Item " + std::to_string(i);
      p.price_cents = i;
      ASSERT_TRUE(storage::products::create(*tx, p));
    }
    ASSERT_TRUE(tx->commit());
  }
  auto session = sign_in("staff@alpha.test");
  auto first = session->get("/products");
  ASSERT_EQ(first.result_int(), 200);
  EXPECT_EQ(occurrences(first.body(), "<tr><td><a href="), 50u);
  EXPECT_TRUE(contains(first, ">Item 120</a>"));  // newest first
  EXPECT_TRUE(contains(first, "page 1 of 3"));
  EXPECT_TRUE(contains(first, "href=\"/store/alpha/products?page=2\""));
  EXPECT_FALSE(contains(first, "rel=\"prev\""));
  auto last = session->get("/products?page=3");
  ASSERT_EQ(last.result_int(), 200);
  EXPECT_EQ(occurrences(last.body(), "<tr><td><a href="), 20u);
  EXPECT_TRUE(contains(last, ">Item 1</a>"));
  EXPECT_TRUE(contains(last, "href=\"/store/alpha/products?page=2\""));
  EXPECT_FALSE(contains(last, "rel=\"next\""));
  EXPECT_EQ(session->get("/products?page=4").result_int(), 404);
  EXPECT_EQ(session->get("/products?page=0").result_int(), 400);
  EXPECT_EQ(session->get("/products?page=x").result_int(), 400);
}

// ---- Orders ----

TEST_P(DashboardTest, OrderListFiltersByStatusAndTheDetailShowsTheOrder) {
  const auto lamp = add_product(alpha_, "Alpha Lamp", 1250, "LAMP");
  const auto first = add_order(alpha_, lamp, 2, {}, "first@example.com");
  const auto second = add_order(alpha_, lamp, 1, {"paid"}, "second@example.com");
  auto session = sign_in("staff@alpha.test");

  auto all = session->get("/orders");
  ASSERT_EQ(all.result_int(), 200) << all.body();
  EXPECT_TRUE(contains(all, "first@example.com"));
  EXPECT_TRUE(contains(all, "second@example.com"));
  EXPECT_LT(all.body().find("second@example.com"), all.body().find("first@example.com"));
  auto paid = session->get("/orders?status=paid");
  ASSERT_EQ(paid.result_int(), 200);
  EXPECT_TRUE(contains(paid, "second@example.com"));
  EXPECT_FALSE(contains(paid, "first@example.com"));
  EXPECT_TRUE(contains(paid, "aria-current=\"page\" href=\"/store/alpha/orders?status=paid\""));
  EXPECT_TRUE(contains(session->get("/orders?status=shipped"), "No orders shipped."));
  EXPECT_EQ(session->get("/orders?status=lost").result_int(), 422);

  auto detail = session->get("/orders/" + std::to_string(first.id));
  ASSERT_EQ(detail.result_int(), 200) << detail.body();
  EXPECT_TRUE(contains(detail, "Order " + first.order_number));
  EXPECT_TRUE(contains(detail, "first@example.com"));
  EXPECT_TRUE(contains(detail,
                       "<td>Alpha Lamp</td><td>LAMP</td><td>12.50 EUR</td><td>2</td>"
                       "<td>25.00 EUR</td>"))
      << detail.body();
  EXPECT_TRUE(contains(detail, "<td class=\"order-status\">pending</td>"));
  EXPECT_TRUE(
      contains(detail, "action=\"/store/alpha/orders/" + std::to_string(first.id) + "/status\""));
  EXPECT_FALSE(contains(detail, "second@example.com"));
  EXPECT_TRUE(contains(session->get("/orders/" + std::to_string(second.id)), "paid"));
  EXPECT_EQ(session->get("/orders/999999").result_int(), 404);
  EXPECT_EQ(session->get("/orders/x").result_int(), 404);
}

TEST_P(DashboardTest, OrderListHasFiftyAPageWithTheFilterKept) {
  const auto lamp = add_product(alpha_, "Alpha Lamp", 100);
  {
    auto tx = server_->database().begin(scope(alpha_));
    ASSERT_TRUE(tx);
    const storage::OrderLine line{lamp.id, 1};
    for (int i = 0; i < 55; ++i) {
      auto order = storage::orders::create(*tx, "b@example.com", {&line, 1});
      ASSERT_TRUE(order);
      ASSERT_TRUE(storage::orders::set_status(*tx, order->id, "paid"));
    }
    ASSERT_TRUE(tx->commit());
  }
  auto session = sign_in("owner@alpha.test");
  auto first = session->get("/orders?status=paid");
  ASSERT_EQ(first.result_int(), 200);
  EXPECT_EQ(occurrences(first.body(), "<tr><td><a href="), 50u);
  EXPECT_TRUE(contains(first, "href=\"/store/alpha/orders?status=paid&amp;page=2\""))
      << first.body();
  auto second = session->get("/orders?status=paid&page=2");
  ASSERT_EQ(second.result_int(), 200);
  EXPECT_EQ(occurrences(second.body(), "<tr><td><a href="), 5u);
  EXPECT_EQ(session->get("/orders?status=paid&page=3").result_int(), 404);
}

TEST_P(DashboardTest, EveryLifecycleTransitionIsAllowedOrRefusedWith409) {
  // How to reach each status from pending.
  const std::map<std::string, std::vector<std::string>> paths = {
      {"pending", {}},
      {"paid", {"paid"}},
      {"shipped", {"paid", "shipped"}},
      {"delivered", {"paid", "shipped", "delivered"}},
      {"cancelled", {"cancelled"}},
      {"refunded", {"paid", "refunded"}}};
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"pending", {"paid", "cancelled"}},
      {"paid", {"shipped", "refunded", "cancelled"}},
      {"shipped", {"delivered", "refunded"}},
      {"delivered", {"refunded"}},
      {"cancelled", {}},
      {"refunded", {}}};
  const auto lamp = add_product(alpha_, "Alpha Lamp", 100);
  auto session = sign_in("staff@alpha.test");
  for (const auto& [from, path] : paths) {
    // The detail page offers exactly the allowed next statuses.
    const auto shown = add_order(alpha_, lamp, 1, path);
    auto detail = session->get("/orders/" + std::to_string(shown.id));
    ASSERT_EQ(detail.result_int(), 200);
    for (const auto& [to, unused] : paths) {
      const auto& next = allowed.at(from);
      const bool ok = std::find(next.begin(), next.end(), to) != next.end();
      EXPECT_EQ(contains(detail, "name=\"status\" value=\"" + to + "\""), ok)
          << from << " → " << to << "\n"
          << detail.body();

      const auto order = add_order(alpha_, lamp, 1, path);
      auto response =
          session->post("/orders/" + std::to_string(order.id) + "/status", form({{"status", to}}));
      if (ok) {
        EXPECT_EQ(response.result_int(), 303) << from << " → " << to << "\n" << response.body();
        EXPECT_EQ(location(response),
                  "/store/alpha/orders/" + std::to_string(order.id) + "?notice=status");
        EXPECT_EQ(order_status(alpha_, order.id), to);
      } else {
        EXPECT_EQ(response.result_int(), 409) << from << " → " << to << "\n" << response.body();
        EXPECT_TRUE(contains(response, "is " + from)) << response.body();
        EXPECT_EQ(order_status(alpha_, order.id), from);
      }
    }
    if (allowed.at(from).empty()) {
      EXPECT_TRUE(contains(detail, "its status cannot change any more")) << detail.body();
    }
  }
  const auto order = add_order(alpha_, lamp, 1);
  EXPECT_EQ(
      session->post("/orders/" + std::to_string(order.id) + "/status", form({{"status", "lost"}}))
          .result_int(),
      422);
  EXPECT_EQ(session->post("/orders/" + std::to_string(order.id) + "/status", "").result_int(), 422);
  EXPECT_EQ(order_status(alpha_, order.id), "pending");
  auto notice = session->get("/orders/" + std::to_string(order.id) + "?notice=status");
  EXPECT_TRUE(contains(notice, "The order is now pending."));
}

TEST_P(DashboardTest, AnotherStoresOrderIsNotFoundAndKeepsItsStatus) {
  const auto bowl = add_product(bravo_, "Bravo Bowl", 1500);
  const auto order = add_order(bravo_, bowl, 1);
  auto session = sign_in("owner@alpha.test");
  EXPECT_EQ(session->get("/orders/" + std::to_string(order.id)).result_int(), 404);
  EXPECT_EQ(
      session->post("/orders/" + std::to_string(order.id) + "/status", form({{"status", "paid"}}))
          .result_int(),
      404);
  EXPECT_EQ(order_status(bravo_, order.id), "pending");
  EXPECT_FALSE(contains(session->get("/orders"), "Bravo"));
}

// ---- Roles and CSRF ----

TEST_P(DashboardTest, StaffManagesProductsAndOrdersButNotMembers) {
  const auto lamp = add_product(alpha_, "Alpha Lamp", 100);
  const auto order = add_order(alpha_, lamp, 1);
  auto session = sign_in("staff@alpha.test");
  EXPECT_EQ(session->get("/products").result_int(), 200);
  EXPECT_EQ(session->post("/products", form({{"name", "By staff"}, {"price", "1"}})).result_int(),
            303);
  EXPECT_EQ(session->get("/orders").result_int(), 200);
  EXPECT_EQ(
      session->post("/orders/" + std::to_string(order.id) + "/status", form({{"status", "paid"}}))
          .result_int(),
      303);
  const auto before = members(alpha_);
  EXPECT_EQ(session->get("/members").result_int(), 403);
  EXPECT_EQ(session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "owner"}}))
                .result_int(),
            403);
  EXPECT_EQ(session->post("/members/" + std::to_string(owner_id_) + "/remove", "").result_int(),
            403);
  EXPECT_EQ(members(alpha_), before);
  // Staff do not see the owner's navigation.
  EXPECT_FALSE(contains(session->get("/"), "href=\"/store/alpha/members\""));
}

TEST_P(DashboardTest, AFormWithoutTheCsrfTokenIsRefusedAndChangesNothing) {
  const auto lamp = add_product(alpha_, "Alpha Lamp", 100);
  const auto order = add_order(alpha_, lamp, 1);
  auto session = sign_in("owner@alpha.test");
  const std::int64_t before = product_count(alpha_);
  const auto members_before = members(alpha_);
  const std::string product_path = "/products/" + std::to_string(lamp.id);
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/products", form({{"name", "Forged"}, {"price", "1"}})},
           {product_path, form({{"name", "Forged"}, {"price", "1"}})},
           {product_path + "/delete", ""},
           {"/orders/" + std::to_string(order.id) + "/status", form({{"status", "paid"}})},
           {"/members", form({{"email", "new@alpha.test"},
                              {"role", "owner"},
                              {"password", "long enough password"}})},
           {"/members/" + std::to_string(staff_id_) + "/remove", ""}}) {
    auto missing = session->post_raw(path, body);
    EXPECT_EQ(missing.result_int(), 403) << path << "\n" << missing.body();
    auto wrong = session->post_raw(path, body + (body.empty() ? "" : "&") +
                                             "csrf=" + std::string(session->csrf().size(), 'a'));
    EXPECT_EQ(wrong.result_int(), 403) << path;
  }
  EXPECT_EQ(product_count(alpha_), before);
  EXPECT_EQ(product(alpha_, lamp.id)->name, "Alpha Lamp");
  EXPECT_EQ(order_status(alpha_, order.id), "pending");
  EXPECT_EQ(members(alpha_), members_before);
}

// ---- Members ----

TEST_P(DashboardTest, OwnerInvitesChangesRolesAndRemovesMembers) {
  auto session = sign_in("owner@alpha.test");
  auto page = session->get("/members");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(contains(page, "owner@alpha.test (you)"));
  EXPECT_TRUE(contains(page, "staff@alpha.test"));
  EXPECT_FALSE(contains(page, "owner@bravo.test"));
  EXPECT_TRUE(contains(page, "<form method=\"post\" action=\"/store/alpha/members\">"));
  EXPECT_FALSE(contains(page, "type=\"password\"")) << "no page here sets a password";

  // An existing user of another store is invited, not attached: they join by accepting.
  auto invited =
      session->post("/members", form({{"email", "Owner@Bravo.test"}, {"role", "staff"}}));
  ASSERT_EQ(invited.result_int(), 201) << invited.body();
  EXPECT_TRUE(contains(invited, "owner@bravo.test already has an Orion account")) << invited.body();
  EXPECT_TRUE(contains(invited, "/store/alpha/invite/"));
  EXPECT_EQ(members(alpha_).count("owner@bravo.test"), 0u);
  EXPECT_TRUE(contains(session->get("/members"), "Withdraw the invitation of owner@bravo.test"));

  // A member's role changes at once.
  auto promoted =
      session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "owner"}}));
  ASSERT_EQ(promoted.result_int(), 303);
  EXPECT_EQ(location(promoted), "/store/alpha/members?notice=role");
  EXPECT_EQ(members(alpha_).at("staff@alpha.test"), "owner");
  auto same = session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "owner"}}));
  EXPECT_EQ(location(same), "/store/alpha/members?notice=unchanged");
  ASSERT_EQ(session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "staff"}}))
                .result_int(),
            303);
  EXPECT_EQ(members(bravo_).at("owner@bravo.test"), "owner");  // untouched there
  // Bad e-mail, bad role.
  auto bad_email =
      session->post("/members", form({{"email", "not-an-address"}, {"role", "staff"}}));
  ASSERT_EQ(bad_email.result_int(), 422);
  EXPECT_TRUE(contains(bad_email, "id=\"email-error\">Enter an e-mail address"));
  EXPECT_TRUE(contains(bad_email, "value=\"not-an-address\""));
  auto bad_role =
      session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "boss"}}));
  ASSERT_EQ(bad_role.result_int(), 422);
  EXPECT_TRUE(contains(bad_role, "id=\"role-error\">Choose owner or staff."));
  EXPECT_EQ(members(alpha_).at("staff@alpha.test"), "staff");

  // Remove.
  auto removed = session->post("/members/" + std::to_string(staff_id_) + "/remove", "");
  ASSERT_EQ(removed.result_int(), 303) << removed.body();
  EXPECT_EQ(location(removed), "/store/alpha/members?notice=removed");
  EXPECT_EQ(members(alpha_).count("staff@alpha.test"), 0u);
  EXPECT_TRUE(contains(session->get("/members?notice=removed"), "The member was removed."));
  EXPECT_EQ(session->post("/members/" + std::to_string(staff_id_) + "/remove", "").result_int(),
            404);
  // Another store's member is no member here.
  EXPECT_EQ(session->post("/members/999999/remove", "").result_int(), 404);
}

TEST_P(DashboardTest, TheLastOwnerCanNeitherBeRemovedNorDemoted) {
  auto session = sign_in("owner@alpha.test");
  auto page = session->get("/members");
  EXPECT_TRUE(contains(page, "the only owner")) << page.body();
  auto removed = session->post("/members/" + std::to_string(owner_id_) + "/remove", "");
  EXPECT_EQ(removed.result_int(), 409) << removed.body();
  EXPECT_TRUE(contains(removed, "only owner")) << removed.body();
  auto demoted =
      session->post("/members", form({{"email", "owner@alpha.test"}, {"role", "staff"}}));
  EXPECT_EQ(demoted.result_int(), 409) << demoted.body();
  EXPECT_EQ(members(alpha_).at("owner@alpha.test"), "owner");

  // With a second owner, the first may go.
  ASSERT_EQ(session->post("/members", form({{"email", "staff@alpha.test"}, {"role", "owner"}}))
                .result_int(),
            303);
  EXPECT_EQ(session->post("/members/" + std::to_string(owner_id_) + "/remove", "").result_int(),
            303);
  EXPECT_EQ(members(alpha_).count("owner@alpha.test"), 0u);
  auto survivor = sign_in("staff@alpha.test");
  EXPECT_EQ(survivor->post("/members/" + std::to_string(staff_id_) + "/remove", "").result_int(),
            409);
  EXPECT_EQ(members(alpha_).at("staff@alpha.test"), "owner");
}

ORION_SERVER_ON_BOTH_BACKENDS(DashboardTest);

}  // namespace
}  // namespace orion

// The storefront over real sockets, on both backends (issue 4 point 3): the seed's integration
// test, the three routing modes with links that keep their mode, pagination, product pages,
// the server-side cart with its cookie (begun by the first cart write; no GET writes anything)
// and its forms' origin check, guest checkout end to end, another
// store's product refused, the JSON API under /shop/api/ and its validation, the not-found
// pages and the platform's own page.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <string>

#include "storage/customers.hpp"
#include "storage/domains.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/sessions.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using testing::HttpResponse;
using testing::TestServer;

using testing::contains;
using testing::set_cookie;

class ShopTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    orion_ = add_store("orion", "Orion Shop");
    techstore_ = add_store("techstore", "Tech Store");
    lamp_ = add_product(orion_, "Orion Lamp", 2500);
    laptop_ = add_product(techstore_, "Tech Laptop", 99900);
  }

  core::Store add_store(const std::string& code, const std::string& name) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    auto store = storage::stores::create(*tx, code, name);
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    EXPECT_TRUE(tx->commit());
    return store->snapshot();
  }

  std::int64_t add_product(const core::Store& store, const std::string& name,
                           std::int64_t price_cents, bool active = true) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    storage::NewProduct product;
    product.name = name;
    product.price_cents = price_cents;
    product.description = "The " + name + ".";
    product.is_active = active;
    auto created = storage::products::create(*tx, product);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    EXPECT_TRUE(tx->commit());
    return created->id;
  }

  void add_verified_domain(const core::Store& store, const std::string& domain) {
    {
      auto tx = server_->database().begin(storage::TenantScope::admin(store));
      ASSERT_TRUE(tx);
      ASSERT_TRUE(storage::domains::add(*tx, domain));
      ASSERT_TRUE(tx->commit());
    }
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::domains::mark_verified(*tx, domain));
    ASSERT_TRUE(tx->commit());
  }

  std::int64_t order_count(const core::Store& store) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    return storage::orders::count(*tx).value();
  }

  // The product added from its page (a same-origin form post, no cookie yet): the cart session
  // the first cart write begins, as its cookie.
  struct Cart {
    std::string cookie;
  };
  Cart fill_cart(const std::string& host, const std::string& base, std::int64_t product,
                 int quantity) {
    auto added = server_->post_form(
        host, base + "/shop/cart/items",
        "product_id=" + std::to_string(product) + "&quantity=" + std::to_string(quantity),
        testing::from_origin(host));
    EXPECT_EQ(added.result_int(), 303) << added.body();
    EXPECT_EQ(added[http::field::location], base + "/shop/cart");
    Cart cart{testing::cookie_value(added, "orion_cart")};
    EXPECT_FALSE(cart.cookie.empty());
    return cart;
  }

  // A storefront form post from a page of `host` carrying the cart's cookie.
  HttpResponse post_from_shop(const std::string& host, const std::string& target,
                              const std::string& form, const Cart& cart) {
    return server_->post_form(
        host, target, form, testing::from_origin(host, {{"Cookie", "orion_cart=" + cart.cookie}}));
  }

  std::int64_t session_count() {
    static constexpr storage::Sql kCount{"test_sessions_count", "SELECT COUNT(*) FROM sessions"};
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    auto counted = tx->run(kCount, {});
    EXPECT_TRUE(counted);
    return counted->rows.front().integer(0);
  }

  std::unique_ptr<TestServer> server_;
  core::Store orion_;
  core::Store techstore_;
  std::int64_t lamp_ = 0;
  std::int64_t laptop_ = 0;
};

TEST_P(ShopTest, OnePathTwoHostsTwoStores) {
  // The seed's integration test.
  auto orion = server_->get("orion.platform.test", "/shop/products");
  ASSERT_EQ(orion.result_int(), 200) << orion.body();
  EXPECT_TRUE(contains(orion.body(), "Orion Shop"));
  EXPECT_TRUE(contains(orion.body(), "Orion Lamp"));
  EXPECT_FALSE(contains(orion.body(), "Tech Store"));
  EXPECT_FALSE(contains(orion.body(), "Tech Laptop"));
  auto tech = server_->get("techstore.platform.test", "/shop/products");
  ASSERT_EQ(tech.result_int(), 200);
  EXPECT_TRUE(contains(tech.body(), "Tech Store"));
  EXPECT_TRUE(contains(tech.body(), "Tech Laptop"));
  EXPECT_FALSE(contains(tech.body(), "Orion Shop"));
  EXPECT_FALSE(contains(tech.body(), "Orion Lamp"));
}

TEST_P(ShopTest, EveryModeRendersItsStoreAndKeepsItsLinks) {
  add_verified_domain(orion_, "orion.lu");
  const std::string product_link = "/shop/products/" + std::to_string(lamp_);
  struct Mode {
    std::string host;
    std::string base;
  };
  for (const Mode& mode : {Mode{"platform.test", "/stores/orion"}, Mode{"orion.platform.test", ""},
                           Mode{"orion.lu", ""}}) {
    for (const std::string& page :
         {std::string("/shop/"), std::string("/shop/products"), product_link}) {
      auto response = server_->get(mode.host, mode.base + page);
      ASSERT_EQ(response.result_int(), 200) << mode.host << mode.base << page << response.body();
      const std::string& html = response.body();
      EXPECT_TRUE(contains(html, "Orion Shop")) << mode.host;
      EXPECT_FALSE(contains(html, "Tech Store"));
      EXPECT_TRUE(contains(html, "href=\"" + mode.base + "/shop/cart\"")) << mode.host << html;
      EXPECT_TRUE(contains(html, "href=\"" + mode.base + "/shop/\""));
      if (page != product_link) {
        EXPECT_TRUE(contains(html, "href=\"" + mode.base + product_link + "\"")) << html;
      }
      if (mode.base.empty()) {
        EXPECT_FALSE(contains(html, "/stores/")) << mode.host << page;
      }
      EXPECT_NE(response["Content-Security-Policy"].find("script-src 'none'"), std::string::npos);
    }
  }
  // A store host's / goes to /shop/; the mode's prefix is case-insensitive.
  EXPECT_EQ(server_->get("orion.lu", "/")[http::field::location], "/shop/");
  EXPECT_EQ(server_->get("platform.test", "/stores/ORION/shop/").result_int(), 200);
}

TEST_P(ShopTest, ProductListIsPaginatedTwelveAPage) {
  for (int i = 0; i < 12; ++i) {
    add_product(orion_, "Extra " + std::to_string(i), 100 + i);
  }
  auto first = server_->get("platform.test", "/stores/orion/shop/products");
  ASSERT_EQ(first.result_int(), 200);
  EXPECT_TRUE(contains(first.body(), "href=\"/stores/orion/shop/products?page=2\""));
  EXPECT_FALSE(contains(first.body(), "rel=\"prev\""));
  EXPECT_TRUE(contains(first.body(), "13 products"));
  auto second = server_->get("platform.test", "/stores/orion/shop/products?page=2");
  ASSERT_EQ(second.result_int(), 200);
  EXPECT_TRUE(contains(second.body(), "href=\"/stores/orion/shop/products?page=1\""));
  EXPECT_FALSE(contains(second.body(), "rel=\"next\""));
  // Newest first: the lamp, created first, is alone on page 2.
  EXPECT_TRUE(contains(second.body(), "Orion Lamp"));
  EXPECT_FALSE(contains(first.body(), "Orion Lamp"));
  EXPECT_EQ(server_->get("platform.test", "/stores/orion/shop/products?page=3").result_int(), 404);
  EXPECT_EQ(server_->get("platform.test", "/stores/orion/shop/products?page=x").result_int(), 400);
}

TEST_P(ShopTest, AnotherStoresOrAMissingOrInactiveProductIsAThemed404) {
  const std::int64_t hidden = add_product(orion_, "Hidden Thing", 100, false);
  for (const std::string& id : {std::to_string(laptop_), std::to_string(hidden),
                                std::string("999999"), std::string("abc")}) {
    auto response = server_->get("orion.platform.test", "/shop/products/" + id);
    EXPECT_EQ(response.result_int(), 404) << id;
    EXPECT_TRUE(contains(response.body(), "Orion Shop")) << id;
    EXPECT_FALSE(contains(response.body(), "Tech Laptop"));
    EXPECT_FALSE(contains(response.body(), "Hidden Thing"));
  }
}

TEST_P(ShopTest, CartCookieIsScopedToTheStoreAndItsMode) {
  // The first cart write sets the cookie, scoped to the mode's shop.
  auto path_added = server_->post_form("platform.test", "/stores/orion/shop/cart/items",
                                       "product_id=" + std::to_string(lamp_),
                                       testing::from_origin("platform.test"));
  ASSERT_EQ(path_added.result_int(), 303) << path_added.body();
  const std::string path_cookie = set_cookie(path_added);
  EXPECT_TRUE(contains(path_cookie, "orion_cart="));
  EXPECT_TRUE(contains(path_cookie, "Path=/stores/orion/shop/;")) << path_cookie;
  EXPECT_TRUE(contains(path_cookie, "HttpOnly"));
  EXPECT_TRUE(contains(path_cookie, "SameSite=Lax"));
  EXPECT_FALSE(contains(path_cookie, "Domain"));
  EXPECT_FALSE(contains(path_cookie, "Secure"));  // plain HTTP here
  auto host_added = server_->post_form("orion.platform.test", "/shop/cart/items",
                                       "product_id=" + std::to_string(lamp_),
                                       testing::from_origin("orion.platform.test"));
  EXPECT_TRUE(contains(set_cookie(host_added), "Path=/shop/;"));
  const Cart host_cart{testing::cookie_value(host_added, "orion_cart")};
  auto cart_page = server_->get("orion.platform.test", "/shop/cart",
                                {{"Cookie", "orion_cart=" + host_cart.cookie}});
  EXPECT_EQ(cart_page["Cache-Control"], "private, no-store");
  // A cart write with the cart's cookie keeps its session: no new cookie.
  auto again = post_from_shop("orion.platform.test", "/shop/cart/items",
                              "product_id=" + std::to_string(lamp_), host_cart);
  EXPECT_EQ(again.result_int(), 303);
  EXPECT_EQ(set_cookie(again), "");

  // orion's cart sent to techstore is not techstore's: ignored there (a cart of its own begins).
  const Cart cart = fill_cart("platform.test", "/stores/orion", lamp_, 1);
  auto foreign = server_->get("platform.test", "/stores/techstore/shop/cart",
                              {{"Cookie", "orion_cart=" + cart.cookie}});
  EXPECT_EQ(foreign.result_int(), 200);
  EXPECT_FALSE(contains(foreign.body(), "Orion Lamp"));
  auto post = post_from_shop("platform.test", "/stores/techstore/shop/cart/items",
                             "product_id=" + std::to_string(laptop_), cart);
  EXPECT_EQ(post.result_int(), 303);
  const std::string techstore_cookie = testing::cookie_value(post, "orion_cart");
  EXPECT_FALSE(techstore_cookie.empty());
  EXPECT_NE(techstore_cookie, cart.cookie);
  auto own = server_->get("platform.test", "/stores/orion/shop/cart",
                          {{"Cookie", "orion_cart=" + cart.cookie}});
  EXPECT_TRUE(contains(own.body(), "Orion Lamp"));
  EXPECT_FALSE(contains(own.body(), "Tech Laptop"));
}

TEST_P(ShopTest, CheckoutEndToEnd) {
  const Cart cart = fill_cart("orion.platform.test", "", lamp_, 3);
  const testing::Headers with_cookie{{"Cookie", "orion_cart=" + cart.cookie}};
  auto page = server_->get("orion.platform.test", "/shop/cart", with_cookie);
  ASSERT_EQ(page.result_int(), 200);
  EXPECT_TRUE(contains(page.body(), "Orion Lamp"));
  EXPECT_TRUE(contains(page.body(), "75.00 EUR"));

  auto placed = post_from_shop("orion.platform.test", "/shop/checkout",
                               "customer_email=Ada%40Example.com", cart);
  ASSERT_EQ(placed.result_int(), 303) << placed.body();
  const std::string location(placed[http::field::location]);
  ASSERT_TRUE(location.starts_with("/shop/orders/")) << location;
  const std::string number = location.substr(std::string("/shop/orders/").size());

  // The price is a snapshot: a later price change does not touch the order.
  {
    auto tx = server_->database().begin(storage::TenantScope::admin(orion_));
    ASSERT_TRUE(tx);
    storage::ProductChanges changes;
    changes.price_cents = 9999;
    ASSERT_TRUE(storage::products::update(*tx, lamp_, changes));
    ASSERT_TRUE(tx->commit());
  }
  auto confirmation = server_->get("orion.platform.test", location, with_cookie);
  ASSERT_EQ(confirmation.result_int(), 200) << confirmation.body();
  EXPECT_TRUE(contains(confirmation.body(), number));
  EXPECT_TRUE(contains(confirmation.body(), "25.00 EUR"));
  EXPECT_TRUE(contains(confirmation.body(), "75.00 EUR"));
  EXPECT_TRUE(contains(confirmation.body(), "ada@example.com"));

  {
    auto tx = server_->database().begin(storage::TenantScope::admin(orion_));
    ASSERT_TRUE(tx);
    auto customers = storage::customers::list(*tx);
    ASSERT_TRUE(customers);
    ASSERT_EQ(customers->size(), 1u);
    EXPECT_EQ(customers->front().email, "ada@example.com");
    auto order = storage::orders::find_by_number(*tx, number);
    ASSERT_TRUE(order && *order);
    EXPECT_EQ((*order)->total_cents, 7500);
    ASSERT_EQ((*order)->items.size(), 1u);
    EXPECT_EQ((*order)->items[0].unit_price_cents, 2500);
    EXPECT_EQ((*order)->items[0].quantity, 3);
    EXPECT_EQ((*order)->items[0].product_name, "Orion Lamp");
  }
  EXPECT_EQ(order_count(techstore_), 0);

  // The cart is empty now; nobody else sees the confirmation.
  auto emptied = server_->get("orion.platform.test", "/shop/cart", with_cookie);
  EXPECT_TRUE(contains(emptied.body(), "Your cart is empty"));
  EXPECT_EQ(server_->get("orion.platform.test", location).result_int(), 404);
  const Cart other = fill_cart("orion.platform.test", "", lamp_, 1);
  EXPECT_EQ(
      server_->get("orion.platform.test", location, {{"Cookie", "orion_cart=" + other.cookie}})
          .result_int(),
      404);
  // A second order of the same customer gets the next number.
  auto again = post_from_shop("orion.platform.test", "/shop/checkout",
                              "customer_email=ada%40example.com", other);
  ASSERT_EQ(again.result_int(), 303);
  EXPECT_NE(std::string(again[http::field::location]), location);
  EXPECT_EQ(order_count(orion_), 2);
}

TEST_P(ShopTest, FormTargetsOpenedDirectlyGoBackToTheCart) {
  for (const char* target : {"/shop/cart/items", "/shop/checkout", "/shop/cart/items/1/remove"}) {
    auto response = server_->get("platform.test", std::string("/stores/orion") + target);
    EXPECT_EQ(response.result_int(), 303) << target;
    EXPECT_EQ(response[http::field::location], "/stores/orion/shop/cart") << target;
  }
}

TEST_P(ShopTest, CartLinesCanBeRemoved) {
  const Cart cart = fill_cart("orion.platform.test", "", lamp_, 2);
  const testing::Headers with_cookie{{"Cookie", "orion_cart=" + cart.cookie}};
  auto removed = post_from_shop("orion.platform.test",
                                "/shop/cart/items/" + std::to_string(lamp_) + "/remove", "", cart);
  EXPECT_EQ(removed.result_int(), 303);
  auto page = server_->get("orion.platform.test", "/shop/cart", with_cookie);
  EXPECT_TRUE(contains(page.body(), "Your cart is empty"));
}

// Issue 14 point 9: the storefront's forms carry no token; a browser's Sec-Fetch-Site, Origin or
// Referer must say the form was sent from this shop. Another site, another store of the platform
// (a sibling subdomain: "same-site", yet not this shop) are refused; a POST with none of the
// three headers is no browser's (every current one sends Sec-Fetch-Site) and goes ahead, as a
// scripted client of the form contract expects.
TEST_P(ShopTest, StorefrontFormsFromAnotherSiteAreRefused) {
  const Cart cart = fill_cart("orion.platform.test", "", lamp_, 1);
  const std::string cookie = "orion_cart=" + cart.cookie;
  const std::string add = "product_id=" + std::to_string(lamp_);
  const std::vector<testing::Headers> refused{
      {{"Origin", "https://evil.example"}},
      {{"Origin", "http://techstore.platform.test"}},
      {{"Origin", "http://orion.platform.test:8080"}},  // another port is another origin
      {{"Origin", "null"}},
      {{"Sec-Fetch-Site", "cross-site"}},
      {{"Sec-Fetch-Site", "same-site"}, {"Origin", "http://techstore.platform.test"}},
      {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://orion.platform.test"}},
      {{"Referer", "https://evil.example/orion.platform.test/shop/"}},
  };
  for (const auto& headers : refused) {
    for (const std::string& target :
         {std::string("/shop/cart/items"), std::string("/shop/checkout"),
          "/shop/cart/items/" + std::to_string(lamp_) + "/remove"}) {
      testing::Headers with = headers;
      with.emplace_back("Cookie", cookie);
      auto response =
          server_->post_form("orion.platform.test", target, add + "&customer_email=a%40b.lu", with);
      EXPECT_EQ(response.result_int(), 403) << target << " " << testing::set_cookie(response);
      EXPECT_TRUE(contains(response.body(), "Orion Shop"));
      EXPECT_EQ(testing::set_cookie(response), "");
    }
  }
  // Without any cookie too: a cross-site post begins no session.
  const std::int64_t sessions = session_count();
  EXPECT_EQ(server_
                ->post_form("orion.platform.test", "/shop/cart/items", add,
                            {{"Origin", "https://evil.example"}})
                .result_int(),
            403);
  EXPECT_EQ(session_count(), sessions);
  EXPECT_EQ(order_count(orion_), 0);

  // Same origin, said any of the three ways, works.
  for (const testing::Headers& headers :
       {testing::Headers{{"Sec-Fetch-Site", "same-origin"}},
        testing::Headers{{"Origin", "http://orion.platform.test"}},
        testing::Headers{{"Origin", "http://ORION.platform.test:80"}},
        testing::Headers{{"Referer", "http://orion.platform.test/shop/products/1"}},
        testing::Headers{}}) {  // no browser: nothing says it came from elsewhere
    testing::Headers with = headers;
    with.emplace_back("Cookie", cookie);
    EXPECT_EQ(server_->post_form("orion.platform.test", "/shop/cart/items", add, with).result_int(),
              303);
  }
  auto placed =
      post_from_shop("orion.platform.test", "/shop/checkout", "customer_email=a%40b.lu", cart);
  EXPECT_EQ(placed.result_int(), 303) << placed.body();
  EXPECT_EQ(order_count(orion_), 1);
}

// Issue 14 point 9 (DESIGN.md §7): no storefront GET sets a cookie or writes to the database, and
// every anonymous shopper gets the same page.
TEST_P(ShopTest, StorefrontGetsSetNoCookieAndWriteNothing) {
  add_verified_domain(orion_, "orion.lu");
  const std::string lamp = std::to_string(lamp_);
  const std::int64_t sessions = session_count();
  struct Mode {
    std::string host;
    std::string base;
  };
  for (const Mode& mode : {Mode{"platform.test", "/stores/orion"}, Mode{"orion.platform.test", ""},
                           Mode{"orion.lu", ""}}) {
    for (const std::string& page :
         {std::string("/shop/"), std::string("/shop/products"), "/shop/products/" + lamp,
          std::string("/shop/products?page=1"), std::string("/shop/cart"),
          std::string("/shop/orders/000001"), std::string("/shop/theme.css"),
          std::string("/shop/api/products"), "/shop/api/products/" + lamp,
          std::string("/shop/cart/items"), std::string("/shop/checkout"),
          std::string("/shop/no-such-page")}) {
      const std::string target = mode.base + page;
      auto first = server_->get(mode.host, target);
      auto second = server_->get(mode.host, target);
      EXPECT_LT(first.result_int(), 500) << mode.host << target;
      EXPECT_EQ(testing::set_cookie(first), "") << mode.host << target;
      EXPECT_EQ(first.body(), second.body()) << mode.host << target;
      auto head = server_->request(http::verb::head, mode.host, target);
      EXPECT_EQ(testing::set_cookie(head), "") << mode.host << target;
    }
  }
  EXPECT_EQ(session_count(), sessions);
  // The product page's form needs no token: it is the same for everyone, cacheable.
  auto product = server_->get("orion.platform.test", "/shop/products/" + lamp);
  EXPECT_FALSE(contains(product.body(), "csrf"));
  EXPECT_FALSE(contains(std::string(product["Cache-Control"]), "no-store"));
}

TEST_P(ShopTest, AnotherStoresProductNeverBecomesAnOrder) {
  const Cart cart = fill_cart("orion.platform.test", "", lamp_, 1);
  // Through the form: refused.
  auto added = post_from_shop("orion.platform.test", "/shop/cart/items",
                              "product_id=" + std::to_string(laptop_), cart);
  EXPECT_EQ(added.result_int(), 422);
  // Smuggled into the session's data: the checkout refuses it, and no order is written.
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::sessions::save_data(
        *tx, cart.cookie,
        R"({"lines":[{"product_id":)" + std::to_string(lamp_) + R"(,"quantity":1},{"product_id":)" +
            std::to_string(laptop_) + R"(,"quantity":1}],"orders":[]})"));
    ASSERT_TRUE(tx->commit());
  }
  auto checkout = post_from_shop("orion.platform.test", "/shop/checkout",
                                 "customer_email=eve%40example.com", cart);
  EXPECT_EQ(checkout.result_int(), 422) << checkout.body();
  EXPECT_FALSE(contains(checkout.body(), "Tech Laptop"));
  EXPECT_EQ(order_count(orion_), 0);
  EXPECT_EQ(order_count(techstore_), 0);
}

TEST_P(ShopTest, CheckoutValidatesTheEmailAndTheCart) {
  const Cart cart = fill_cart("orion.platform.test", "", lamp_, 1);
  auto bad =
      post_from_shop("orion.platform.test", "/shop/checkout", "customer_email=not-an-email", cart);
  EXPECT_EQ(bad.result_int(), 422);
  EXPECT_TRUE(contains(bad.body(), "e-mail"));
  EXPECT_TRUE(contains(bad.body(), "Orion Lamp"));  // the cart is still there
  auto quantity = post_from_shop("orion.platform.test", "/shop/cart/items",
                                 "product_id=" + std::to_string(lamp_) + "&quantity=0", cart);
  EXPECT_EQ(quantity.result_int(), 422);
  EXPECT_EQ(order_count(orion_), 0);
}

TEST_P(ShopTest, JsonApiListsAndShowsThisStoresProducts) {
  for (int i = 0; i < 3; ++i) {
    add_product(orion_, "More " + std::to_string(i), 500);
  }
  auto list = server_->get("orion.platform.test", "/shop/api/products?limit=2&offset=1");
  ASSERT_EQ(list.result_int(), 200) << list.body();
  EXPECT_EQ(list[http::field::content_type], "application/json");
  const json::object body = json::parse(list.body()).as_object();
  EXPECT_EQ(body.at("total").as_int64(), 4);
  EXPECT_EQ(body.at("limit").as_int64(), 2);
  EXPECT_EQ(body.at("offset").as_int64(), 1);
  ASSERT_EQ(body.at("items").as_array().size(), 2u);
  const json::object& first = body.at("items").as_array()[0].as_object();
  EXPECT_TRUE(first.contains("price_cents"));
  EXPECT_EQ(first.at("currency").as_string(), "EUR");

  auto paged =
      json::parse(server_->get("platform.test", "/stores/orion/shop/api/products?page=1").body());
  EXPECT_EQ(paged.at("items").as_array().size(), 4u);
  EXPECT_TRUE(paged.at("items").as_array()[0].at("url").as_string().starts_with(
      "/stores/orion/shop/products/"));

  auto one = server_->get("orion.platform.test", "/shop/api/products/" + std::to_string(lamp_));
  ASSERT_EQ(one.result_int(), 200);
  const json::value lamp = json::parse(one.body());
  EXPECT_EQ(lamp.at("name").as_string(), "Orion Lamp");
  EXPECT_EQ(lamp.at("price_cents").as_int64(), 2500);

  auto foreign =
      server_->get("orion.platform.test", "/shop/api/products/" + std::to_string(laptop_));
  EXPECT_EQ(foreign.result_int(), 404);
  EXPECT_EQ(json::parse(foreign.body()).at("error").at("code").as_string(), "not_found");
  auto bad_limit = server_->get("orion.platform.test", "/shop/api/products?limit=0");
  EXPECT_EQ(bad_limit.result_int(), 422);
  EXPECT_EQ(json::parse(bad_limit.body()).at("error").at("field").as_string(), "limit");
}

TEST_P(ShopTest, JsonApiCreatesAnOrder) {
  const std::string body = R"({"customer_email":"bob@example.com","items":[{"product_id":)" +
                           std::to_string(lamp_) + R"(,"quantity":2}]})";
  auto created =
      server_->json(http::verb::post, "techstore.platform.test", "/shop/api/orders", body);
  EXPECT_EQ(created.result_int(), 422);  // the lamp is orion's, not techstore's
  EXPECT_EQ(json::parse(created.body()).at("error").at("field").as_string(), "items[0].product_id");
  EXPECT_EQ(order_count(techstore_), 0);
  EXPECT_EQ(order_count(orion_), 0);

  auto placed = server_->json(http::verb::post, "orion.platform.test", "/shop/api/orders", body);
  ASSERT_EQ(placed.result_int(), 201) << placed.body();
  const json::value order = json::parse(placed.body());
  EXPECT_FALSE(order.at("order_number").as_string().empty());
  EXPECT_EQ(order.at("customer_email").as_string(), "bob@example.com");
  EXPECT_EQ(order.at("total_cents").as_int64(), 5000);
  EXPECT_EQ(order.at("currency").as_string(), "EUR");
  ASSERT_EQ(order.at("items").as_array().size(), 1u);
  EXPECT_EQ(order.at("items").as_array()[0].at("unit_price_cents").as_int64(), 2500);
  EXPECT_EQ(order_count(orion_), 1);
}

TEST_P(ShopTest, JsonApiValidatesTheOrder) {
  const std::string lamp = std::to_string(lamp_);
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  for (const Case& c : {
           Case{"{not json", 400, ""},
           Case{R"({"items":[{"product_id":)" + lamp + R"(,"quantity":1}]})", 422,
                "customer_email"},
           Case{
               R"({"customer_email":"nope","items":[{"product_id":)" + lamp + R"(,"quantity":1}]})",
               422, "customer_email"},
           Case{R"({"customer_email":"a@b.lu"})", 422, "items"},
           Case{R"({"customer_email":"a@b.lu","items":[]})", 422, "items"},
           Case{R"({"customer_email":"a@b.lu","items":[{"product_id":)" + lamp +
                    R"(,"quantity":0}]})",
                422, "items[0].quantity"},
           Case{R"({"customer_email":"a@b.lu","items":[{"product_id":"x","quantity":1}]})", 422,
                "items[0].product_id"},
           Case{R"({"customer_email":"a@b.lu","items":[{"product_id":)" + lamp +
                    R"(,"quantity":1}],"coupon":"FREE"})",
                422, "coupon"},
       }) {
    auto response =
        server_->json(http::verb::post, "orion.platform.test", "/shop/api/orders", c.body);
    EXPECT_EQ(response.result_int(), c.status) << c.body << " -> " << response.body();
    const json::value error = json::parse(response.body()).at("error");
    EXPECT_FALSE(error.at("code").as_string().empty());
    if (!c.field.empty()) {
      EXPECT_EQ(error.at("field").as_string(), c.field) << c.body;
    }
  }
  EXPECT_EQ(order_count(orion_), 0);
}

TEST_P(ShopTest, NotFoundPages) {
  auto themed = server_->get("orion.platform.test", "/shop/no-such-page");
  EXPECT_EQ(themed.result_int(), 404);
  EXPECT_TRUE(contains(themed.body(), "Orion Shop"));
  EXPECT_TRUE(contains(themed[http::field::content_type], "text/html"));
  for (const auto& [host, target] :
       {std::pair<std::string, std::string>{"nope.platform.test", "/shop/"},
        {"platform.test", "/stores/nope/shop/"},
        {"platform.test", "/stores/nope/shop/products"},
        {"unknown-domain.example", "/shop/products"}}) {
    auto response = server_->get(host, target);
    EXPECT_EQ(response.result_int(), 404) << host << target;
    EXPECT_TRUE(contains(response.body(), "Store not found")) << host << target << response.body();
    EXPECT_FALSE(contains(response.body(), "Orion Shop"));
  }
  auto api = server_->get("orion.platform.test", "/shop/api/nothing");
  EXPECT_EQ(api.result_int(), 404);
  EXPECT_EQ(api[http::field::content_type], "application/json");
}

// One page for every unknown host (rendered once at start): it never repeats the host asked for,
// so two unknown hosts get the same bytes, and the platform's own host the variant with a link
// to the store list.
TEST_P(ShopTest, TheStoreNotFoundPageIsTheSameForEveryUnknownHost) {
  auto first = server_->get("first-unknown.platform.test", "/shop/products");
  auto second = server_->get("second-unknown.example", "/shop/products");
  ASSERT_EQ(first.result_int(), 404);
  ASSERT_EQ(second.result_int(), 404);
  EXPECT_EQ(first.body(), second.body());
  EXPECT_FALSE(contains(first.body(), "first-unknown"));
  EXPECT_FALSE(contains(first.body(), "href=\"/\""));
  auto on_platform = server_->get("platform.test", "/stores/nope/shop/");
  ASSERT_EQ(on_platform.result_int(), 404);
  EXPECT_TRUE(contains(on_platform.body(), "See the stores on platform.test"));
  EXPECT_TRUE(contains(on_platform.body(), "Store not found"));
}

TEST_P(ShopTest, ThePlatformHasItsOwnPage) {
  auto page = server_->get("platform.test", "/");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(contains(page.body(), "Orion"));
  EXPECT_TRUE(contains(page.body(), "href=\"/stores/orion/shop/\""));
  EXPECT_TRUE(contains(page.body(), "techstore.platform.test"));
}

ORION_SERVER_ON_BOTH_BACKENDS(ShopTest);

}  // namespace
}  // namespace orion

// Orders and stock kept safe (issue 14 points 6, 7 and 11), over real sockets on both backends:
// cancelling an order gives its stock back exactly once, wherever it is cancelled; unpaid orders
// expire and give theirs back, once even with two sweeps at once; order creation and cart writes
// are rate-limited per client (the trusted proxy's client, not the TCP peer), counted in the
// database; product edits never undo a sale; a double submit makes one order, and the order API
// honours Idempotency-Key, per store.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/rate_limit.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using testing::ConsoleSession;
using testing::contains;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kPassword = "correct horse battery";

class OrdersStockTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void start(app::Config config = {}) {
    config.order_sweep_interval = std::chrono::seconds(0);  // the tests run the passes
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto alpha = storage::stores::create(*tx, "alpha", "Alpha Shop");
    auto bravo = storage::stores::create(*tx, "bravo", "Bravo Shop");
    ASSERT_TRUE(alpha && bravo);
    alpha_ = alpha->snapshot();
    bravo_ = bravo->snapshot();
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    ASSERT_TRUE(owner);
    ASSERT_TRUE(storage::members::grant(*tx, alpha->id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
    lamp_ = add_product(alpha_, "Lamp", 5);
    bravo_lamp_ = add_product(bravo_, "Bravo Lamp", 5);
  }

  std::int64_t add_product(const core::Store& store, const std::string& name,
                           std::optional<std::int64_t> stock) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    storage::NewProduct product;
    product.name = name;
    product.price_cents = 1000;
    product.stock = stock;
    auto created = storage::products::create(*tx, product);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    EXPECT_TRUE(tx->commit());
    return created->id;
  }

  std::optional<std::int64_t> stock(const core::Store& store, std::int64_t product) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    return storage::products::get(*tx, product).value()->stock;
  }

  std::int64_t order_count(const core::Store& store, std::string_view status = {}) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    return storage::orders::count(*tx, status).value();
  }

  storage::OrderRecord order(const core::Store& store, const std::string& number) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    EXPECT_TRUE(tx);
    return storage::orders::find_by_number(*tx, number).value().value();
  }

  static std::string order_body(std::int64_t product, int quantity,
                                const std::string& email = "ada@example.com") {
    return R"({"customer_email":")" + email + R"(","items":[{"product_id":)" +
           std::to_string(product) + R"(,"quantity":)" + std::to_string(quantity) + "}]}";
  }

  // POST /shop/api/orders on `code`'s subdomain with extra headers.
  HttpResponse api_order(const std::string& code, const std::string& body,
                         testing::Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    return server_->request(http::verb::post, code + ".platform.test", "/shop/api/orders", body,
                            headers);
  }

  // Makes every order of `store` look `age_s` seconds old.
  void age_orders(const core::Store& store, std::int64_t age_s) {
    static constexpr storage::Sql kAge{"test_age_orders",
                                       "UPDATE orders SET created_at = created_at - $2 "
                                       "WHERE store_id = $1"};
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->run(kAge, {store.id, age_s}));
    ASSERT_TRUE(tx->commit());
  }

  std::int64_t rate_limit_rows() {
    static constexpr storage::Sql kCount{"test_rate_limit_rows",
                                         "SELECT COUNT(*) FROM rate_limits"};
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    return tx->run(kCount, {}).value().rows.front().integer(0);
  }

  std::unique_ptr<TestServer> server_;
  core::Store alpha_;
  core::Store bravo_;
  std::int64_t lamp_ = 0;
  std::int64_t bravo_lamp_ = 0;
};

// Point 6: cancelling gives the stock back, once, through the dashboard's orders page.
TEST_P(OrdersStockTest, CancellingAnOrderGivesItsStockBackOnce) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::int64_t untracked = add_product(alpha_, "Poster", std::nullopt);
  const std::string body = R"({"customer_email":"ada@example.com","items":[{"product_id":)" +
                           std::to_string(lamp_) + R"(,"quantity":3},{"product_id":)" +
                           std::to_string(untracked) + R"(,"quantity":2}]})";
  auto placed = api_order("alpha", body);
  ASSERT_EQ(placed.result_int(), 201) << placed.body();
  const std::string number(json::parse(placed.body()).at("order_number").as_string());
  EXPECT_EQ(stock(alpha_, lamp_), 2);

  ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  const std::string status_path = "/orders/" + std::to_string(order(alpha_, number).id) + "/status";
  auto cancelled = owner.post(status_path, "status=cancelled");
  ASSERT_EQ(cancelled.result_int(), 303) << cancelled.body();
  EXPECT_EQ(order(alpha_, number).status, "cancelled");
  EXPECT_EQ(stock(alpha_, lamp_), 5);
  EXPECT_EQ(stock(alpha_, untracked), std::nullopt);  // nothing taken, nothing given back
  // A second cancel is refused and gives nothing back.
  EXPECT_EQ(owner.post(status_path, "status=cancelled").result_int(), 409);
  EXPECT_EQ(stock(alpha_, lamp_), 5);

  // A paid order cancelled gives its stock back too; a refund (goods may be gone) does not.
  auto paid = api_order("alpha", order_body(lamp_, 1));
  ASSERT_EQ(paid.result_int(), 201);
  const auto paid_id =
      order(alpha_, std::string(json::parse(paid.body()).at("order_number").as_string())).id;
  auto refunded = api_order("alpha", order_body(lamp_, 1));
  ASSERT_EQ(refunded.result_int(), 201);
  const auto refunded_id =
      order(alpha_, std::string(json::parse(refunded.body()).at("order_number").as_string())).id;
  EXPECT_EQ(stock(alpha_, lamp_), 3);
  for (const auto& [id, steps] :
       {std::pair{paid_id, std::vector<std::string>{"paid", "cancelled"}},
        std::pair{refunded_id, std::vector<std::string>{"paid", "refunded"}}}) {
    for (const std::string& status : steps) {
      ASSERT_EQ(
          owner.post("/orders/" + std::to_string(id) + "/status", "status=" + status).result_int(),
          303);
    }
  }
  EXPECT_EQ(stock(alpha_, lamp_), 4);
}

// Point 6: unpaid orders expire after order_pending_ttl_s and give their stock back, once, even
// with two sweeps (two instances) at once; younger and paid orders stay.
TEST_P(OrdersStockTest, UnpaidOrdersExpireAndGiveTheirStockBackOnce) {
  app::Config config;
  config.order_pending_ttl = std::chrono::seconds(3600);
  config.order_rate_limit = 0;
  ASSERT_NO_FATAL_FAILURE(start(config));
  const std::int64_t big = add_product(alpha_, "Big stock", 100);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(api_order("alpha", order_body(big, 2)).result_int(), 201);
  }
  ASSERT_EQ(api_order("alpha", order_body(lamp_, 1)).result_int(), 201);
  auto paid = api_order("alpha", order_body(lamp_, 1));
  ASSERT_EQ(paid.result_int(), 201);
  {
    auto tx = server_->database().begin(storage::TenantScope::admin(alpha_));
    ASSERT_TRUE(tx);
    const auto number = std::string(json::parse(paid.body()).at("order_number").as_string());
    ASSERT_TRUE(storage::orders::set_status(
        *tx, storage::orders::find_by_number(*tx, number).value()->id, "paid"));
    ASSERT_TRUE(tx->commit());
  }
  ASSERT_EQ(api_order("bravo", order_body(bravo_lamp_, 2)).result_int(), 201);
  EXPECT_EQ(stock(alpha_, big), 88);
  EXPECT_EQ(stock(alpha_, lamp_), 3);
  EXPECT_EQ(stock(bravo_, bravo_lamp_), 3);

  // Young orders: nothing to do.
  auto none = server_->app().order_sweeper().pass();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->orders_expired, 0);

  age_orders(alpha_, 7200);
  age_orders(bravo_, 7200);
  std::atomic<std::int64_t> expired{0};
  std::vector<std::thread> sweeps;
  for (int i = 0; i < 2; ++i) {
    sweeps.emplace_back([&] {
      auto swept = server_->app().order_sweeper().pass();
      EXPECT_TRUE(swept) << (swept ? "" : swept.error().message);
      if (swept) {
        expired += swept->orders_expired;
      }
    });
  }
  for (auto& sweep : sweeps) {
    sweep.join();
  }
  EXPECT_EQ(expired.load(), 8);  // 7 of alpha's (not the paid one), 1 of bravo's
  EXPECT_EQ(stock(alpha_, big), 100);
  EXPECT_EQ(stock(alpha_, lamp_), 4);  // the paid order keeps its lamp
  EXPECT_EQ(stock(bravo_, bravo_lamp_), 5);
  EXPECT_EQ(order_count(alpha_, "cancelled"), 7);
  EXPECT_EQ(order_count(alpha_, "paid"), 1);
  EXPECT_EQ(order_count(alpha_, "pending"), 0);
  // Once only: a later pass finds nothing.
  auto again = server_->app().order_sweeper().pass();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->orders_expired, 0);
  EXPECT_EQ(stock(alpha_, big), 100);
  auto metrics = server_->get("platform.test", "/metrics");
  EXPECT_TRUE(contains(metrics.body(), "orion_orders_expired_total 8")) << metrics.body();
}

// Point 6: order creation (API and checkout form) and cart writes are limited per client, as
// the trusted proxy names it: every request here arrives from 127.0.0.1.
TEST_P(OrdersStockTest, OrdersAndCartWritesAreRateLimitedPerClient) {
  app::Config config;
  config.trusted_proxies = "127.0.0.1";
  config.order_rate_limit = 2;
  config.order_rate_window = std::chrono::seconds(600);
  config.cart_rate_limit = 3;
  config.cart_rate_window = std::chrono::seconds(60);
  ASSERT_NO_FATAL_FAILURE(start(config));
  const testing::Headers ada{{"X-Forwarded-For", "198.51.100.7"}};
  const testing::Headers bob{{"X-Forwarded-For", "203.0.113.9"}};
  ASSERT_EQ(api_order("alpha", order_body(lamp_, 1), ada).result_int(), 201);
  ASSERT_EQ(api_order("bravo", order_body(bravo_lamp_, 1), ada).result_int(), 201);
  auto refused = api_order("alpha", order_body(lamp_, 1), ada);
  ASSERT_EQ(refused.result_int(), 429) << refused.body();
  EXPECT_EQ(json::parse(refused.body()).at("error").at("code").as_string(), "rate_limited");
  const int retry_after = std::stoi(std::string(refused[http::field::retry_after]));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 600);
  EXPECT_EQ(order_count(alpha_), 1);
  EXPECT_EQ(stock(alpha_, lamp_), 4);
  // Another client behind the same proxy is not affected.
  EXPECT_EQ(api_order("alpha", order_body(lamp_, 1), bob).result_int(), 201);
  // The counters are the database's: an order counted by another instance (here this test's
  // own handle on the database) counts here too.
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto counted = storage::rate_limit::hit(*tx, storage::rate_limit::Policy{"shop_orders", 2, 600},
                                            "203.0.113.9");
    ASSERT_TRUE(counted);
    EXPECT_EQ(*counted, 0);
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(api_order("alpha", order_body(lamp_, 1), bob).result_int(), 429);
  // The checkout form counts against the same limit: a readable 429 page.
  const std::string add = "product_id=" + std::to_string(lamp_);
  auto added = server_->post_form("alpha.platform.test", "/shop/cart/items", add,
                                  testing::from_origin("alpha.platform.test", ada));
  ASSERT_EQ(added.result_int(), 303) << added.body();
  testing::Headers ada_cart = testing::from_origin("alpha.platform.test", ada);
  ada_cart.emplace_back("Cookie", "orion_cart=" + testing::cookie_value(added, "orion_cart"));
  auto checkout = server_->post_form("alpha.platform.test", "/shop/checkout",
                                     "customer_email=ada%40example.com", ada_cart);
  EXPECT_EQ(checkout.result_int(), 429);
  EXPECT_TRUE(contains(checkout.body(), "Too many orders")) << checkout.body();
  EXPECT_TRUE(contains(checkout.body(), "Alpha Shop"));
  EXPECT_FALSE(checkout[http::field::retry_after].empty());

  // Cart writes: 3 a minute (one used above).
  EXPECT_EQ(
      server_->post_form("alpha.platform.test", "/shop/cart/items", add, ada_cart).result_int(),
      303);
  EXPECT_EQ(
      server_->post_form("alpha.platform.test", "/shop/cart/items", add, ada_cart).result_int(),
      303);
  auto slow_down = server_->post_form("alpha.platform.test", "/shop/cart/items", add, ada_cart);
  EXPECT_EQ(slow_down.result_int(), 429);
  EXPECT_TRUE(contains(slow_down.body(), "Too many cart changes")) << slow_down.body();
  const int cart_retry = std::stoi(std::string(slow_down[http::field::retry_after]));
  EXPECT_GT(cart_retry, 0);
  EXPECT_LE(cart_retry, 60);
  EXPECT_EQ(server_
                ->post_form("alpha.platform.test", "/shop/cart/items", add,
                            testing::from_origin("alpha.platform.test", bob))
                .result_int(),
            303);
  // Counted in the database (every instance reads the same counters): one row per bucket and
  // client.
  EXPECT_EQ(rate_limit_rows(), 4);
}

// Point 7: an edit of a product (name, price) never writes back a stock it read before a
// checkout took some. Checkouts and edits run in parallel; the stock ends at initial − sold.
TEST_P(OrdersStockTest, ProductEditsNeverUndoASale) {
  ASSERT_NO_FATAL_FAILURE(start());
  constexpr std::int64_t kInitial = 1000;
  const std::int64_t product = add_product(alpha_, "Contended", kInitial);
  std::atomic<std::int64_t> sold{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        auto tx = server_->database().begin(storage::TenantScope::admin(alpha_));
        if (!tx) {
          failed = true;
          return;
        }
        const storage::OrderLine line{product, 1 + (i % 3)};
        auto created = storage::orders::create(*tx, "buyer" + std::to_string(t) + "@example.com",
                                               std::span(&line, 1));
        if (created && tx->commit()) {
          sold += line.quantity;
        }
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        auto tx = server_->database().begin(storage::TenantScope::admin(alpha_));
        if (!tx) {
          failed = true;
          return;
        }
        storage::ProductChanges changes;
        changes.price_cents = 1000 + i;
        changes.name = "Contended " + std::to_string(t) + "." + std::to_string(i);
        auto updated = storage::products::update(*tx, product, changes);
        if (!updated || !tx->commit()) {
          // SQLite may refuse a writer when the lock wait runs out; it changed nothing then.
          continue;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_FALSE(failed.load());
  EXPECT_GT(sold.load(), 0);
  EXPECT_EQ(stock(alpha_, product), kInitial - sold.load());
}

// Point 7: the dashboard's product form leaves the stock alone when its field still shows what
// the page showed, even if a checkout changed the stock since.
TEST_P(OrdersStockTest, SavingTheProductFormKeepsASaleMadeMeanwhile) {
  ASSERT_NO_FATAL_FAILURE(start());
  ConsoleSession owner(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  ASSERT_TRUE(owner.signed_in());
  const std::string path = "/products/" + std::to_string(lamp_);
  auto edit = owner.get(path);
  ASSERT_EQ(edit.result_int(), 200);
  const std::string shown = testing::hidden_field(edit.body(), "stock_shown");
  EXPECT_EQ(shown, "v:5");
  ASSERT_EQ(api_order("alpha", order_body(lamp_, 2)).result_int(), 201);  // a sale meanwhile
  auto saved = owner.post(path,
                          "name=Renamed+Lamp&price=12.00&description=&sku=&stock=5"
                          "&is_active=1&stock_shown=" +
                              shown);
  ASSERT_EQ(saved.result_int(), 303) << saved.body();
  EXPECT_EQ(stock(alpha_, lamp_), 3);
  // Changing the field sets the stock.
  auto restocked = owner.post(path,
                              "name=Renamed+Lamp&price=12.00&description=&sku=&stock=9"
                              "&is_active=1&stock_shown=" +
                                  shown);
  ASSERT_EQ(restocked.result_int(), 303) << restocked.body();
  EXPECT_EQ(stock(alpha_, lamp_), 9);
}

// Point 11: the checkout consumes the cart in the transaction that creates the order, so a
// double submit (here eight at once) makes one order.
TEST_P(OrdersStockTest, ADoubleSubmittedCheckoutMakesOneOrder) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto added = server_->post_form("alpha.platform.test", "/shop/cart/items",
                                  "product_id=" + std::to_string(lamp_) + "&quantity=1",
                                  testing::from_origin("alpha.platform.test"));
  ASSERT_EQ(added.result_int(), 303);
  const testing::Headers cart = testing::from_origin(
      "alpha.platform.test",
      {{"Cookie", "orion_cart=" + testing::cookie_value(added, "orion_cart")}});
  std::vector<HttpResponse> responses(8);
  std::vector<std::thread> submits;
  for (auto& response : responses) {
    submits.emplace_back([&] {
      response = server_->post_form("alpha.platform.test", "/shop/checkout",
                                    "customer_email=ada%40example.com", cart);
    });
  }
  for (auto& submit : submits) {
    submit.join();
  }
  EXPECT_EQ(order_count(alpha_), 1);
  EXPECT_EQ(stock(alpha_, lamp_), 4);
  std::set<std::string> locations;
  for (const auto& response : responses) {
    EXPECT_TRUE(response.result_int() == 303 || response.result_int() == 422)
        << response.result_int() << response.body();
    if (response.result_int() == 303) {
      locations.insert(std::string(response[http::field::location]));
    }
  }
  EXPECT_EQ(locations.size(), 1u);  // every redirect shows the one order
}

// Point 11: Idempotency-Key on POST /shop/api/orders: the same key and body → the same order
// (201, then 200); the same key with another body → 422; keys are per store; eight concurrent
// requests with one key make one order.
TEST_P(OrdersStockTest, TheOrderApiHonoursIdempotencyKeys) {
  app::Config config;
  config.order_rate_limit = 0;  // more orders than the default allows one client
  ASSERT_NO_FATAL_FAILURE(start(config));
  const testing::Headers key{{"Idempotency-Key", "order-7f3a"}};
  auto first = api_order("alpha", order_body(lamp_, 2), key);
  ASSERT_EQ(first.result_int(), 201) << first.body();
  auto replay = api_order("alpha", order_body(lamp_, 2), key);
  ASSERT_EQ(replay.result_int(), 200) << replay.body();
  EXPECT_EQ(json::parse(replay.body()).at("order_number"),
            json::parse(first.body()).at("order_number"));
  EXPECT_EQ(order_count(alpha_), 1);
  EXPECT_EQ(stock(alpha_, lamp_), 3);

  auto other_body = api_order("alpha", order_body(lamp_, 1), key);
  EXPECT_EQ(other_body.result_int(), 422) << other_body.body();
  EXPECT_EQ(json::parse(other_body.body()).at("error").at("code").as_string(),
            "idempotency_key_reused");
  EXPECT_EQ(order_count(alpha_), 1);

  // The same key in another store is that store's own.
  auto bravo = api_order("bravo", order_body(bravo_lamp_, 2), key);
  EXPECT_EQ(bravo.result_int(), 201) << bravo.body();
  EXPECT_EQ(order_count(bravo_), 1);

  // Without a key, each request is an order; a malformed key is refused.
  EXPECT_EQ(api_order("alpha", order_body(lamp_, 1)).result_int(), 201);
  auto bad = api_order("alpha", order_body(lamp_, 1), {{"Idempotency-Key", std::string(256, 'k')}});
  EXPECT_EQ(bad.result_int(), 422);
  EXPECT_EQ(json::parse(bad.body()).at("error").at("field").as_string(), "Idempotency-Key");
  EXPECT_EQ(order_count(alpha_), 2);

  // Concurrent: one order.
  const testing::Headers racing{{"Idempotency-Key", "race-1"}};
  std::vector<HttpResponse> responses(8);
  std::vector<std::thread> clients;
  for (auto& response : responses) {
    clients.emplace_back(
        [&] { response = api_order("bravo", order_body(bravo_lamp_, 1), racing); });
  }
  for (auto& client : clients) {
    client.join();
  }
  std::set<std::string> numbers;
  int created = 0;
  for (const auto& response : responses) {
    ASSERT_TRUE(response.result_int() == 201 || response.result_int() == 200) << response.body();
    created += response.result_int() == 201 ? 1 : 0;
    numbers.insert(std::string(json::parse(response.body()).at("order_number").as_string()));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(numbers.size(), 1u);
  EXPECT_EQ(order_count(bravo_), 2);
  EXPECT_EQ(stock(bravo_, bravo_lamp_), 2);
}

ORION_SERVER_ON_BOTH_BACKENDS(OrdersStockTest);

}  // namespace
}  // namespace orion

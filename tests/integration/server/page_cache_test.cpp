// The page cache over real sockets, on both backends (issue 15, point 3): a storefront page is
// answered from memory (the hit counter moves) until its store changes — a change committed in
// the server's process is shown by the very next request (the change feed tells the cache before
// the commit returns; other processes: change_feed_test) — with its ETag and a 304 for
// If-None-Match, HEAD from the GET entry; a cart page is never kept, so a shopper never gets
// another's cart, and the cacheable pages are the same with or without a cart cookie; only the
// queries the pages' own links use are kept.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <string>

#include "storage/products.hpp"
#include "storage/tenant_scope.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace http = boost::beast::http;
using testing::contains;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kHost = "orion.platform.test";

class PageCacheTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    orion_ = testing::seed_store(server_->database(), "orion", "Orion Shop", 2);
    ASSERT_NE(server_->app().pages(), nullptr);
  }

  std::uint64_t counter(const std::string& name) {
    const HttpResponse metrics = server_->get("platform.test", "/metrics");
    const std::string& text = metrics.body();
    const std::string line = "\n" + name + " ";
    const auto at = text.find(line);
    if (at == std::string::npos) {
      ADD_FAILURE() << name << " is not in /metrics";
      return 0;
    }
    return std::stoull(text.substr(at + line.size()));
  }

  // Renames a product through the server's database handle, as a handler would.
  void rename(std::int64_t product, const std::string& name) {
    auto tx = server_->database().begin(storage::TenantScope::admin(orion_.store.snapshot()));
    ASSERT_TRUE(tx);
    storage::ProductChanges changes;
    changes.name = name;
    ASSERT_TRUE(storage::products::update(*tx, product, changes));
    ASSERT_TRUE(tx->commit());
  }

  std::unique_ptr<TestServer> server_;
  testing::SeededStore orion_;
};

TEST_P(PageCacheTest, APageIsServedFromMemoryUntilItsStoreChanges) {
  const std::int64_t lamp = orion_.products.front().id;
  const std::string product_path = "/shop/products/" + std::to_string(lamp);
  for (const std::string path : {"/shop/products", product_path.c_str(), "/shop/api/products"}) {
    const HttpResponse first = server_->get(kHost, path);
    ASSERT_EQ(first.result_int(), 200) << path;
    ASSERT_TRUE(contains(first.body(), "Orion Shop product 1")) << path;
    const std::uint64_t hits = counter("orion_page_cache_hits_total");
    const HttpResponse second = server_->get(kHost, path);
    EXPECT_EQ(second.body(), first.body()) << path;
    EXPECT_EQ(counter("orion_page_cache_hits_total"), hits + 1) << path;
    EXPECT_EQ(second[http::field::etag], first[http::field::etag]) << path;
    EXPECT_FALSE(second["X-Request-Id"].empty());
    EXPECT_NE(second["X-Request-Id"], first["X-Request-Id"]);
  }

  // The commit returns once the change feed told the cache: the very next request of every
  // cached page shows the change, and is kept again.
  rename(lamp, "Renamed Lamp");
  for (const std::string path : {"/shop/products", product_path.c_str(), "/shop/api/products"}) {
    const HttpResponse fresh = server_->get(kHost, path);
    EXPECT_TRUE(contains(fresh.body(), "Renamed Lamp")) << path;
    EXPECT_FALSE(contains(fresh.body(), ">Orion Shop product 1<")) << path;
    EXPECT_FALSE(contains(fresh.body(), "\"Orion Shop product 1\"")) << path;
    const std::uint64_t hits = counter("orion_page_cache_hits_total");
    EXPECT_EQ(server_->get(kHost, path).body(), fresh.body()) << path;
    EXPECT_EQ(counter("orion_page_cache_hits_total"), hits + 1) << path;
  }
  EXPECT_GT(counter("orion_page_cache_entries"), 0U);
  EXPECT_GT(counter("orion_page_cache_bytes"), 0U);
}

TEST_P(PageCacheTest, IfNoneMatchGets304AndHeadComesFromTheGetEntry) {
  const HttpResponse page = server_->get(kHost, "/shop/products");
  const std::string etag(page[http::field::etag]);
  ASSERT_EQ(etag.size(), 34U) << etag;
  const HttpResponse revalidated =
      server_->get(kHost, "/shop/products", {{"If-None-Match", "\"nope\", " + etag}});
  EXPECT_EQ(revalidated.result_int(), 304);
  EXPECT_TRUE(revalidated.body().empty());
  EXPECT_EQ(revalidated[http::field::etag], etag);
  EXPECT_EQ(server_->get(kHost, "/shop/products", {{"If-None-Match", "\"nope\""}}).result_int(),
            200);

  const std::uint64_t hits = counter("orion_page_cache_hits_total");
  const HttpResponse head = server_->request(http::verb::head, kHost, "/shop/products");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(head[http::field::content_length], std::to_string(page.body().size()));
  EXPECT_EQ(head[http::field::etag], etag);
  EXPECT_EQ(counter("orion_page_cache_hits_total"), hits + 1);

  // The theme's stylesheet too.
  const HttpResponse css = server_->get(kHost, "/shop/theme.css");
  EXPECT_EQ(css.result_int(), 200);
  EXPECT_EQ(server_->get(kHost, "/shop/theme.css", {{"If-None-Match", std::string(css["ETag"])}})
                .result_int(),
            304);
}

TEST_P(PageCacheTest, ACartIsNeverServedToAnotherShopperAndNoKeptPageSetsACookie) {
  const std::int64_t lamp = orion_.products.front().id;
  const std::string product_path = "/shop/products/" + std::to_string(lamp);
  const HttpResponse anonymous_page = server_->get(kHost, product_path);
  const HttpResponse empty_cart = server_->get(kHost, "/shop/cart");
  EXPECT_FALSE(contains(empty_cart.body(), "Orion Shop product 1"));

  const std::uint64_t entries = counter("orion_page_cache_entries");
  const HttpResponse added = server_->post_form(
      kHost, "/shop/cart/items", "product_id=" + std::to_string(lamp), testing::from_origin(kHost));
  ASSERT_EQ(added.result_int(), 303) << added.body();
  const std::string cookie = testing::cookie_value(added, "orion_cart");
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(counter("orion_page_cache_entries"), entries);  // a Set-Cookie answer is not kept

  const testing::Headers mine{{"Cookie", "orion_cart=" + cookie}};
  const testing::Headers theirs{{"Cookie", "orion_cart=someone-else"}};
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(contains(server_->get(kHost, "/shop/cart", mine).body(), "Orion Shop product 1"));
    EXPECT_FALSE(
        contains(server_->get(kHost, "/shop/cart", theirs).body(), "Orion Shop product 1"));
    EXPECT_FALSE(contains(server_->get(kHost, "/shop/cart").body(), "Orion Shop product 1"));
  }
  EXPECT_EQ(counter("orion_page_cache_entries"), entries);

  // The product page holds nothing of the visitor: with or without a cart, the same bytes, and
  // never a cookie.
  const std::uint64_t hits = counter("orion_page_cache_hits_total");
  const HttpResponse with_cart = server_->get(kHost, product_path, mine);
  EXPECT_EQ(counter("orion_page_cache_hits_total"), hits + 1);
  EXPECT_EQ(with_cart.body(), anonymous_page.body());
  EXPECT_TRUE(with_cart[http::field::set_cookie].empty());
  EXPECT_TRUE(server_->get(kHost, product_path)[http::field::set_cookie].empty());
}

TEST_P(PageCacheTest, OnlyTheQueriesThePagesLinkAreKept) {
  const std::uint64_t entries = counter("orion_page_cache_entries");
  for (const char* target :
       {"/shop/products?junk=1", "/shop/products?page=01", "/shop/products?page=1&page=1",
        "/shop/products?page=1&", "/shop/?x=1", "/shop/theme.css?v=12345",
        "/shop/api/products?offset=1", "/shop/api/products?page=1000", "/shop/api/products?x"}) {
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(server_->get(kHost, target).result_int(), 200) << target;
    }
  }
  EXPECT_EQ(counter("orion_page_cache_entries"), entries);
  for (const char* target : {"/shop/products?page=1", "/shop/api/products?page=1&limit=5"}) {
    server_->get(kHost, target);
    const std::uint64_t hits = counter("orion_page_cache_hits_total");
    server_->get(kHost, target);
    EXPECT_EQ(counter("orion_page_cache_hits_total"), hits + 1) << target;
  }
  EXPECT_EQ(counter("orion_page_cache_entries"), entries + 2);
}

TEST_P(PageCacheTest, AnUnknownHostOrAServerNotServingKeepsNothing) {
  const std::uint64_t entries = counter("orion_page_cache_entries");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(server_->get("nobody" + std::to_string(i) + ".platform.test", "/shop/").result_int(),
              404);
    EXPECT_EQ(server_->get("shop" + std::to_string(i) + ".example", "/shop/").result_int(), 404);
  }
  EXPECT_EQ(counter("orion_page_cache_entries"), entries);

  server_->app().pages()->set_serving(false);
  const std::uint64_t hits = counter("orion_page_cache_hits_total");
  server_->get(kHost, "/shop/");
  server_->get(kHost, "/shop/");
  EXPECT_EQ(counter("orion_page_cache_hits_total"), hits);
  EXPECT_EQ(counter("orion_page_cache_entries"), 0U);
}

ORION_SERVER_ON_BOTH_BACKENDS(PageCacheTest);

}  // namespace
}  // namespace orion

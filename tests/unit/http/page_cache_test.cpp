// The page cache alone (versions and the build race, serving on and off, LRU by bytes, entity
// tags and If-None-Match) and its chain step (hits without the endpoint, HEAD from the GET entry,
// 304, what is never kept: a Set-Cookie answer, a page that did not opt in, an unknown host).
#include "http/page_cache.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/field.hpp>
#include <thread>

#include "http/middleware/chain.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::http {
namespace {

using Clock = PageCache::Clock;

Response page(std::string body) {
  Response response = make_response(Status::ok, std::move(body), "text/html; charset=utf-8");
  response.set(beast_http::field::etag, entity_tag(response.body()));
  return response;
}

// A moment strictly after every change made so far (steady_clock may tick coarsely).
Clock::time_point after_changes() {
  const auto now = Clock::now();
  while (Clock::now() == now) {
  }
  return Clock::now();
}

PageCache::Options small(std::size_t max_bytes) { return PageCache::Options{max_bytes, 1}; }

TEST(PageCacheTest, AnInsertedPageIsFoundForItsStoreOnly) {
  PageCache cache({});
  EXPECT_EQ(cache.find("k", 1), nullptr);
  const auto ticket = cache.ticket(1, after_changes());
  ASSERT_TRUE(ticket.valid);
  ASSERT_TRUE(cache.insert("k", ticket, page("one")));
  const auto found = cache.find("k", 1);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->response.body(), "one");
  EXPECT_EQ(found->etag, entity_tag("one"));
  EXPECT_EQ(cache.find("k", 2), nullptr);  // the same key under another store is not its page
  const auto stats = cache.stats();
  EXPECT_EQ(stats.hits, 1U);
  EXPECT_EQ(stats.misses, 1U);
  EXPECT_EQ(stats.entries, 0U);  // the mismatched lookup dropped it
}

TEST(PageCacheTest, StoreChangedHidesThatStoresPagesAndNoOtherStores) {
  PageCache cache({});
  const auto began = after_changes();
  ASSERT_TRUE(cache.insert("a", cache.ticket(1, began), page("a1")));
  ASSERT_TRUE(cache.insert("b", cache.ticket(2, began), page("b1")));
  cache.store_changed(1);
  EXPECT_EQ(cache.find("a", 1), nullptr);
  ASSERT_NE(cache.find("b", 2), nullptr);
  // A build begun after the change is kept and served.
  ASSERT_TRUE(cache.insert("a", cache.ticket(1, after_changes()), page("a2")));
  ASSERT_NE(cache.find("a", 1), nullptr);
  EXPECT_EQ(cache.find("a", 1)->response.body(), "a2");
}

// The race of issue 15: a miss takes its ticket, reads the database, and meanwhile the store
// changes; what it built must not be kept, and what was kept before must not be served.
TEST(PageCacheTest, ABuildThatRacedAChangeIsNeitherKeptNorServed) {
  PageCache cache({});
  const auto began = after_changes();
  const PageCache::Ticket ticket = cache.ticket(7, began);  // the miss, before its reads
  ASSERT_TRUE(ticket.valid);
  cache.store_changed(7);  // the change feed, while the build reads
  EXPECT_FALSE(cache.insert("k", ticket, page("old data")));
  EXPECT_EQ(cache.find("k", 7), nullptr);
  EXPECT_EQ(cache.stats().refused, 1U);

  // An entry kept under the old version (its insert won the race) is never returned after.
  const auto before = cache.ticket(7, after_changes());
  ASSERT_TRUE(cache.insert("k", before, page("v1")));
  cache.store_changed(7);
  EXPECT_EQ(cache.find("k", 7), nullptr);

  // Its ticket already says so when the change came between the request's start (when its
  // store row was resolved) and the ticket.
  const auto request_began = after_changes();
  cache.store_changed(7);
  const auto late = cache.ticket(7, request_began);
  EXPECT_FALSE(late.valid);
  EXPECT_FALSE(cache.insert("k", late, page("old row")));
  EXPECT_EQ(cache.find("k", 7), nullptr);
}

TEST(PageCacheTest, AllChangedDropsEveryStoresPagesAndRefusesBuildsInProgress) {
  PageCache cache({});
  const auto began = after_changes();
  ASSERT_TRUE(cache.insert("a", cache.ticket(1, began), page("a")));
  const auto in_progress = cache.ticket(2, began);
  cache.all_changed();
  EXPECT_EQ(cache.stats().entries, 0U);
  EXPECT_EQ(cache.stats().bytes, 0U);
  EXPECT_EQ(cache.find("a", 1), nullptr);
  EXPECT_FALSE(cache.insert("b", in_progress, page("b")));
  // Counters start again under the new epoch, and an old ticket whose counter matches again is
  // still refused: it began before the change.
  cache.store_changed(3);
  const auto stale = cache.ticket(3, began);
  EXPECT_FALSE(cache.insert("c", stale, page("c")));
  EXPECT_TRUE(cache.insert("c", cache.ticket(3, after_changes()), page("c")));
}

TEST(PageCacheTest, NothingIsServedOrKeptWhileNotServingNorTrustedAfter) {
  PageCache cache({});
  EXPECT_TRUE(cache.serving());
  const auto began = after_changes();
  ASSERT_TRUE(cache.insert("a", cache.ticket(1, began), page("a")));
  const auto in_progress = cache.ticket(1, began);
  cache.set_serving(false);
  EXPECT_EQ(cache.find("a", 1), nullptr);
  const auto meanwhile = cache.ticket(1, after_changes());
  EXPECT_FALSE(meanwhile.valid);
  EXPECT_FALSE(cache.insert("a", meanwhile, page("a")));
  cache.set_serving(true);
  EXPECT_EQ(cache.find("a", 1), nullptr);  // built before the outage
  EXPECT_FALSE(cache.insert("a", in_progress, page("a")));
  EXPECT_FALSE(cache.insert("a", meanwhile, page("a")));
  EXPECT_TRUE(cache.insert("a", cache.ticket(1, after_changes()), page("a")));
  EXPECT_NE(cache.find("a", 1), nullptr);
}

TEST(PageCacheTest, MemoryIsBoundedByBytesLeastRecentlyUsedFirst) {
  const Response body = page(std::string(1000, 'x'));
  const std::size_t cost = PageCache::cost_of("a", body);
  EXPECT_GT(cost, 1000U + PageCache::kEntryOverhead);
  PageCache cache(small(3 * cost));
  const auto began = after_changes();
  for (const char* key : {"a", "b", "c"}) {
    ASSERT_TRUE(cache.insert(key, cache.ticket(1, began), body));
  }
  EXPECT_EQ(cache.stats().bytes, 3 * cost);
  ASSERT_NE(cache.find("a", 1), nullptr);  // "b" is now the least recently used
  ASSERT_TRUE(cache.insert("d", cache.ticket(1, began), body));
  EXPECT_EQ(cache.find("b", 1), nullptr);
  EXPECT_NE(cache.find("a", 1), nullptr);
  EXPECT_NE(cache.find("c", 1), nullptr);
  EXPECT_NE(cache.find("d", 1), nullptr);
  auto stats = cache.stats();
  EXPECT_EQ(stats.evictions, 1U);
  EXPECT_EQ(stats.entries, 3U);
  EXPECT_EQ(stats.bytes, 3 * cost);
  // Replacing a key is not an eviction; a page larger than the whole budget is never kept.
  ASSERT_TRUE(cache.insert("a", cache.ticket(1, began), body));
  EXPECT_EQ(cache.stats().evictions, 1U);
  EXPECT_FALSE(cache.insert("huge", cache.ticket(1, began), page(std::string(4 * cost, 'y'))));
  stats = cache.stats();
  EXPECT_EQ(stats.entries, 3U);
  EXPECT_LE(stats.bytes, 3 * cost);
}

TEST(PageCacheTest, ConcurrentChangesNeverLetAStalePageBeServed) {
  // Builders insert pages of the data they read under their tickets while a writer changes the
  // data and announces each change; a page found after an announcement always shows that change
  // or a later one.
  PageCache cache({});
  std::atomic<std::uint64_t> data{0};       // "the database"
  std::atomic<std::uint64_t> announced{0};  // the last change store_changed was called for
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        const auto began = Clock::now();
        const std::uint64_t known = announced.load();
        if (auto found = cache.find("k", 1)) {
          ++hits;
          if (std::stoull(found->response.body()) < known) {
            ++stale;
          }
          continue;
        }
        const auto ticket = cache.ticket(1, began);
        cache.insert("k", ticket, page(std::to_string(data.load())));
      }
    });
  }
  for (std::uint64_t i = 1; i <= 2000; ++i) {
    data.store(i);  // the commit
    cache.store_changed(1);
    announced.store(i);
    if (i % 100 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let hits happen
    }
  }
  stop = true;
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(stale.load(), 0);
  EXPECT_GT(hits.load(), 0);
}

TEST(PageCacheTest, EntityTagsAreStrongDigestsOfTheBody) {
  const std::string tag = entity_tag("<html>a</html>");
  EXPECT_EQ(tag.size(), 34U);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag, entity_tag("<html>a</html>"));
  EXPECT_NE(tag, entity_tag("<html>b</html>"));
}

TEST(PageCacheTest, IfNoneMatchComparesWeaklyAcrossAList) {
  const std::string tag = entity_tag("x");
  EXPECT_TRUE(if_none_match(tag, tag));
  EXPECT_TRUE(if_none_match("W/" + tag, tag));
  EXPECT_TRUE(if_none_match("\"other\", " + tag, tag));
  EXPECT_TRUE(if_none_match(" \"other\" ,W/" + tag + " ", tag));
  EXPECT_TRUE(if_none_match("*", tag));
  EXPECT_TRUE(if_none_match(" * ", tag));
  EXPECT_FALSE(if_none_match("", tag));
  EXPECT_FALSE(if_none_match("\"other\"", tag));
  EXPECT_FALSE(if_none_match(tag.substr(1, tag.size() - 2), tag));  // unquoted: not that tag
  EXPECT_FALSE(if_none_match(",,", tag));
}

TEST(PageCacheTest, MetricsNameEveryCounter) {
  PageCache cache({});
  const std::string text = cache.metrics();
  for (const char* name : {"orion_page_cache_hits_total 0", "orion_page_cache_misses_total 0",
                           "orion_page_cache_evictions_total 0", "orion_page_cache_refused_total 0",
                           "orion_page_cache_bytes 0", "orion_page_cache_entries 0"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

// ---------------------------------------------------------------------------------------------
// The chain step.

// Builds a page per request and counts the builds: /shop/products and /shop/cookie opt in (the
// latter also sets a cookie), /shop/cart does not; the body names the build.
class CountingEndpoint final : public Endpoint {
 public:
  asio::awaitable<Response> serve(Request&, RequestContext& context) const override {
    const int n = ++builds;
    const std::string& path = context.resolution->clean_path;
    context.cacheable = path != "/shop/cart";
    Response response =
        make_response(Status::ok, path + " build " + std::to_string(n), "text/html; charset=utf-8");
    response.set(beast_http::field::cache_control, "public, max-age=60");
    if (path == "/shop/cookie") {
      response.set(beast_http::field::set_cookie, "orion_cart=abc; Path=/shop/");
    }
    if (path == "/shop/missing") {
      response.result(Status::not_found);
    }
    co_return response;
  }
  mutable std::atomic<int> builds{0};
};

class PageCacheStepTest : public ::testing::Test {
 protected:
  PageCacheStepTest() {
    directory_.add_store(1, "orion", "Orion Shop");
    auto endpoint = std::make_unique<CountingEndpoint>();
    endpoint_ = endpoint.get();
    ChainParts parts{
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()),
        platform_, lookup_, std::move(endpoint)};
    parts.pages = &cache_;
    chain_ = make_chain(std::move(parts));
  }

  Response send(beast_http::verb method, const std::string& host, const std::string& target,
                const std::string& if_none_match = {}) {
    Request request{method, target, 11};
    request.set(beast_http::field::host, host);
    if (!if_none_match.empty()) {
      request.set(beast_http::field::if_none_match, if_none_match);
    }
    asio::io_context io;
    auto response = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<Response> {
          RequestContext context;
          co_return co_await chain_->run(request, context);
        },
        asio::use_future);
    io.run();
    return response.get();
  }
  Response get(const std::string& target, const std::string& host = "orion.platform.com") {
    return send(beast_http::verb::get, host, target);
  }

  testing::MemoryStoreDirectory directory_;
  core::Platform platform_ = core::Platform::make("platform.com").value();
  asio::thread_pool blocking_{1};
  // Resolved from memory, as `orion serve` does while its change feed is current: only then
  // does the page cache answer.
  StoreLookup lookup_ = StoreLookup::in_memory_only(directory_, blocking_);
  PageCache cache_{PageCache::Options{}};
  CountingEndpoint* endpoint_ = nullptr;
  std::unique_ptr<Chain> chain_;
};

TEST_F(PageCacheStepTest, ASecondRequestIsAnsweredFromTheCacheWithItsOwnRequestId) {
  const Response first = get("/shop/products");
  const Response second = get("/shop/products");
  EXPECT_EQ(endpoint_->builds.load(), 1);
  EXPECT_EQ(second.body(), "/shop/products build 1");
  EXPECT_EQ(second[beast_http::field::etag], entity_tag("/shop/products build 1"));
  EXPECT_EQ(second[beast_http::field::etag], first[beast_http::field::etag]);
  EXPECT_EQ(second[beast_http::field::cache_control], "public, max-age=60");
  EXPECT_FALSE(second["X-Request-Id"].empty());
  EXPECT_NE(second["X-Request-Id"], first["X-Request-Id"]);
  EXPECT_EQ(cache_.stats().hits, 1U);
  // Another query, mode or host is another page.
  get("/shop/products?page=2");
  send(beast_http::verb::get, "platform.com", "/stores/orion/shop/products");
  EXPECT_EQ(endpoint_->builds.load(), 3);
  // A change of the store: built again.
  cache_.store_changed(1);
  EXPECT_EQ(get("/shop/products").body(), "/shop/products build 4");
}

TEST_F(PageCacheStepTest, HeadIsAnsweredFromTheGetEntry) {
  get("/shop/products");
  const Response head = send(beast_http::verb::head, "orion.platform.com", "/shop/products");
  EXPECT_EQ(endpoint_->builds.load(), 1);
  EXPECT_EQ(head.result(), Status::ok);
  EXPECT_EQ(head[beast_http::field::etag], entity_tag("/shop/products build 1"));
  EXPECT_EQ(head[beast_http::field::content_length], "22");  // the server drops the body
}

TEST_F(PageCacheStepTest, IfNoneMatchGets304OnAHitAndOnAMiss) {
  const std::string tag = entity_tag("/shop/products build 1");
  const Response miss = send(beast_http::verb::get, "orion.platform.com", "/shop/products", tag);
  EXPECT_EQ(miss.result(), Status::not_modified);
  EXPECT_TRUE(miss.body().empty());
  EXPECT_EQ(miss[beast_http::field::etag], tag);
  const Response hit =
      send(beast_http::verb::get, "orion.platform.com", "/shop/products", "\"x\", W/" + tag);
  EXPECT_EQ(hit.result(), Status::not_modified);
  EXPECT_EQ(hit[beast_http::field::cache_control], "public, max-age=60");
  EXPECT_EQ(send(beast_http::verb::get, "orion.platform.com", "/shop/products", "*").result(),
            Status::not_modified);
  const Response other =
      send(beast_http::verb::get, "orion.platform.com", "/shop/products", "\"x\"");
  EXPECT_EQ(other.result(), Status::ok);
  EXPECT_EQ(other.body(), "/shop/products build 1");
  EXPECT_EQ(endpoint_->builds.load(), 1);
}

TEST_F(PageCacheStepTest, WhatIsNeverKept) {
  get("/shop/cookie");
  get("/shop/cookie");  // sets a cookie
  get("/shop/cart");
  get("/shop/cart");  // did not opt in
  get("/shop/missing");
  get("/shop/missing");  // not a 200
  send(beast_http::verb::head, "orion.platform.com", "/shop/products");
  send(beast_http::verb::post, "orion.platform.com", "/shop/products");
  get("/shop/products", "nobody.platform.com");
  get("/shop/products", "nobody.example");  // no store: never an entry
  EXPECT_EQ(endpoint_->builds.load(), 10);
  EXPECT_EQ(cache_.stats().entries, 0U);
  EXPECT_EQ(cache_.stats().hits, 0U);
}

TEST_F(PageCacheStepTest, NotServingBuildsEveryRequest) {
  cache_.set_serving(false);
  get("/shop/products");
  const Response second = get("/shop/products");
  EXPECT_EQ(endpoint_->builds.load(), 2);
  EXPECT_EQ(second[beast_http::field::etag], entity_tag("/shop/products build 2"));
  cache_.set_serving(true);
  get("/shop/products");
  get("/shop/products");
  EXPECT_EQ(endpoint_->builds.load(), 3);
}

}  // namespace
}  // namespace orion::http

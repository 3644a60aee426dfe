// Custom domains on the server side, over real sockets, on both backends, with a real resolver
// (dnsmasq on loopback): verification by DNS TXT (the record added late) and by HTTP token (the
// name mapped to 127.0.0.1 and the check pointed at this server's own port), a verified domain
// drifting away and detached by the re-check scheduler after its grace, quarantine, the
// per-store limit, primary-domain redirects, the canonical URL of an order, and a trusted
// proxy's X-Forwarded-Proto. The store cache gets a long TTL: only invalidation can make a
// change visible, so every "at once" below is the invalidation's doing — the verification
// token's answer too, which comes from that cache. The HTTP check is allowed to connect to
// loopback (domain_http_allow_private) except where a test shows the default refusing it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "storage/sessions.hpp"
#include "support/dnsmasq.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace json = boost::json;
using boost::beast::http::field;
using boost::beast::http::verb;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kPlatform = "platform.test";

// A port nothing listens on right now, for a server that must know its port before it starts.
unsigned short free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(0)});
  return acceptor.local_endpoint().port();
}

using testing::contains;
using testing::set_cookie;

class DomainsLifecycleTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    dns_ = testing::Dnsmasq::start();
    ASSERT_TRUE(dns_);
  }

  // Starts the server with `config` on top of the suite's: this dnsmasq, the HTTP check on the
  // server's own port (on loopback, so allowed unless `allow_private` is false), a long
  // store-cache TTL; then stores alpha and bravo and an admin token.
  void start(app::Config config = {}, bool allow_private = true) {
    const unsigned short port = free_port();
    config.listen = "127.0.0.1:" + std::to_string(port);
    config.domain_http_port = port;
    config.domain_http_allow_private = allow_private;
    config.dns_server = dns_->server();
    config.dns_timeout = std::chrono::milliseconds(1000);
    config.store_cache_ttl = std::chrono::minutes(10);
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    alpha_ = testing::seed_store(server_->database(), "alpha", "Alpha Shop", 2);
    bravo_ = testing::seed_store(server_->database(), "bravo", "Bravo Shop", 1);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::api_tokens::create(*tx, std::nullopt, "domains test");
    ASSERT_TRUE(created);
    ASSERT_TRUE(tx->commit());
    admin_ = created->token;
  }

  HttpResponse call(verb method, const std::string& target, const std::string& payload = {}) {
    return server_->json(method, kPlatform, target, payload, admin_);
  }

  static json::object body(const HttpResponse& response) {
    boost::system::error_code ec;
    json::value value = json::parse(response.body(), ec);
    if (ec || !value.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << response.body();
      return {};
    }
    return value.as_object();
  }

  static std::string error_code(const HttpResponse& response) {
    const auto object = body(response);
    const auto* error = object.if_contains("error");
    return error != nullptr ? std::string(error->at("code").as_string()) : std::string();
  }

  // Adds `domain` to `store` through the API; its verification token.
  std::string add(const std::string& store, const std::string& domain) {
    auto added = call(verb::post, "/api/v1/admin/stores/" + store + "/domains",
                      json::serialize(json::object{{"domain", domain}}));
    EXPECT_EQ(added.result_int(), 201) << added.body();
    if (added.result_int() != 201) {
      return {};
    }
    const std::string value(body(added).at("verification").at("record_value").as_string());
    return value.substr(std::string("orion-verify=").size());
  }

  json::object verify(const std::string& domain, const std::string& payload = {}) {
    auto response = call(verb::post, "/api/v1/admin/domains/" + domain + "/verify", payload);
    EXPECT_EQ(response.result_int(), 200) << response.body();
    return body(response);
  }

  json::object detail(const std::string& domain) {
    auto response = call(verb::get, "/api/v1/admin/domains/" + domain);
    EXPECT_EQ(response.result_int(), 200) << response.body();
    return body(response);
  }

  std::string state(const std::string& domain) {
    const auto object = detail(domain);
    const auto* state = object.if_contains("state");
    return state != nullptr ? std::string(state->as_string()) : std::string();
  }

  int tls_ask(const std::string& domain) {
    return server_->get(kPlatform, "/internal/tls-ask?domain=" + domain).result_int();
  }

  // The value of a counter on /metrics (-1 when it is not there).
  long long metric(const std::string& name) {
    const std::string text = server_->get(kPlatform, "/metrics").body();
    const std::string prefix = "\n" + name + " ";
    const std::size_t at = text.find(prefix);
    if (at == std::string::npos) {
      return -1;
    }
    return std::stoll(text.substr(at + prefix.size()));
  }

  // Polls `done` every 50 ms for up to `limit`.
  static bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::unique_ptr<testing::Dnsmasq> dns_;
  std::unique_ptr<TestServer> server_;
  testing::SeededStore alpha_;
  testing::SeededStore bravo_;
  std::string admin_;
};

TEST_P(DomainsLifecycleTest, ATxtRecordAddedLateVerifiesTheDomain) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string token = add("alpha", "late.example");
  ASSERT_FALSE(token.empty());

  auto early = verify("late.example");
  EXPECT_EQ(early.at("state"), "pending");
  EXPECT_EQ(early.at("check").at("outcome"), "not_found");
  EXPECT_EQ(server_->get("late.example", "/shop/").result_int(), 404);
  EXPECT_EQ(tls_ask("late.example"), 404);

  ASSERT_TRUE(dns_->set_txt("_orion-verify.late.example", {"orion-verify=" + token}));
  auto late = verify("late.example");
  EXPECT_EQ(late.at("state"), "verified");
  EXPECT_EQ(late.at("verified_by"), "dns");
  EXPECT_EQ(late.at("check").at("outcome"), "verified");
  EXPECT_TRUE(late.at("next_check_at").is_int64());
  EXPECT_EQ(server_->get("late.example", "/shop/").result_int(), 200);
  EXPECT_EQ(tls_ask("late.example"), 200);

  // A TXT record with another value is a wrong value, and changes nothing.
  const std::string other = add("alpha", "wrong.example");
  ASSERT_TRUE(dns_->set_txt("_orion-verify.wrong.example", {"orion-verify=not-" + other}));
  auto wrong = verify("wrong.example");
  EXPECT_EQ(wrong.at("state"), "pending");
  EXPECT_EQ(wrong.at("check").at("outcome"), "wrong_value");
  EXPECT_FALSE(wrong.at("check").at("message").as_string().empty());
  EXPECT_EQ(server_->get("wrong.example", "/shop/").result_int(), 404);
}

TEST_P(DomainsLifecycleTest, TheHttpTokenIsAnsweredForAPendingDomainAndVerifiesIt) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string token = add("alpha", "tok.example");
  ASSERT_FALSE(token.empty());
  const std::string path = "/.well-known/orion-verify/" + token;

  // Served although the domain does not route yet: proving it is the point.
  auto right = server_->get("tok.example", path);
  ASSERT_EQ(right.result_int(), 200) << right.body();
  EXPECT_EQ(right.body(), "orion-verify=" + token);
  EXPECT_TRUE(std::string_view(right[field::content_type]).starts_with("text/plain"));
  EXPECT_EQ(server_->request(verb::head, "tok.example", path).result_int(), 200);
  EXPECT_EQ(server_->get("tok.example", "/.well-known/orion-verify/0123abcd").result_int(), 404);
  EXPECT_EQ(server_->get("unknown.example", path).result_int(), 404);
  EXPECT_EQ(server_->get("alpha.platform.test", path).result_int(), 404);
  EXPECT_EQ(server_->get("tok.example", "/shop/").result_int(), 404);

  // The check itself: the name resolves to this server, which answers the token.
  ASSERT_TRUE(dns_->set_address("tok.example", {"127.0.0.1"}));
  auto checked = verify("tok.example", R"({"method":"http"})");
  EXPECT_EQ(checked.at("state"), "verified") << json::serialize(checked);
  EXPECT_EQ(checked.at("verified_by"), "http");
  EXPECT_EQ(checked.at("check").at("method"), "http");
  EXPECT_EQ(server_->get("tok.example", "/shop/").result_int(), 200);
  // Still answered once verified: the re-checks of an HTTP-verified domain use it.
  EXPECT_EQ(server_->get("tok.example", path).result_int(), 200);

  // A name whose address answers nothing (127.0.0.2: this server listens on 127.0.0.1 only).
  add("alpha", "far.example");
  ASSERT_TRUE(dns_->set_address("far.example", {"127.0.0.2"}));
  auto far = verify("far.example", R"({"method":"http"})");
  EXPECT_EQ(far.at("state"), "pending");
  EXPECT_NE(far.at("check").at("outcome"), "verified");
  EXPECT_EQ(server_->get("far.example", "/shop/").result_int(), 404);

  auto bad = call(verb::post, "/api/v1/admin/domains/far.example/verify", R"({"method":"smtp"})");
  EXPECT_EQ(bad.result_int(), 422) << bad.body();
}

TEST_P(DomainsLifecycleTest, ARemovedDomainStopsAnsweringItsTokenAtOnce) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string token = add("alpha", "gone.example");
  ASSERT_FALSE(token.empty());
  const std::string path = "/.well-known/orion-verify/" + token;
  // Answered twice, so the answer is in the cache (whose TTL here is 10 minutes).
  ASSERT_EQ(server_->get("gone.example", path).result_int(), 200);
  ASSERT_EQ(server_->get("gone.example", path).result_int(), 200);
  ASSERT_EQ(call(verb::delete_, "/api/v1/admin/domains/gone.example").result_int(), 204);
  auto after = server_->get("gone.example", path);
  EXPECT_EQ(after.result_int(), 404) << after.body();

  // A name asked for before it was added ("no such domain" is cached too) answers once added.
  const std::string later_path = "/.well-known/orion-verify/0123456789abcdef0123456789abcdef";
  EXPECT_EQ(server_->get("later.example", later_path).result_int(), 404);
  const std::string later = add("alpha", "later.example");
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(server_->get("later.example", "/.well-known/orion-verify/" + later).result_int(), 200);
}

TEST_P(DomainsLifecycleTest, ARepeatedTokenRequestIsAnsweredWithoutAQuery) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string token = add("alpha", "cached.example");
  ASSERT_FALSE(token.empty());
  const std::string path = "/.well-known/orion-verify/" + token;
  const long long misses = metric("orion_verification_token_cache_misses_total");
  const long long hits = metric("orion_verification_token_cache_hits_total");
  ASSERT_GE(misses, 0);
  ASSERT_GE(hits, 0);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(server_->get("cached.example", path).result_int(), 200);
  }
  // A wrong token for the same host is answered from the same cached record.
  EXPECT_EQ(server_->get("cached.example", "/.well-known/orion-verify/wrong").result_int(), 404);
  EXPECT_EQ(metric("orion_verification_token_cache_misses_total"), misses + 1);
  EXPECT_EQ(metric("orion_verification_token_cache_hits_total"), hits + 5);
}

TEST_P(DomainsLifecycleTest, TheHttpCheckRefusesALoopbackAddressByDefault) {
  ASSERT_NO_FATAL_FAILURE(start({}, /*allow_private=*/false));
  const std::string token = add("alpha", "inside.example");
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE(dns_->set_address("inside.example", {"127.0.0.1"}));
  // The token is served, so only the guard can stop the check from passing.
  ASSERT_EQ(server_->get("inside.example", "/.well-known/orion-verify/" + token).result_int(), 200);
  auto checked = verify("inside.example", R"({"method":"http"})");
  EXPECT_EQ(checked.at("state"), "pending") << json::serialize(checked);
  EXPECT_EQ(checked.at("check").at("outcome"), "lookup_failed");
  EXPECT_TRUE(contains(std::string(checked.at("check").at("message").as_string()),
                       "inside.example resolves to a non-public address (127.0.0.1, Loopback); the "
                       "HTTP check only connects to public addresses"))
      << json::serialize(checked);
  EXPECT_EQ(server_->get("inside.example", "/shop/").result_int(), 404);
}

TEST_P(DomainsLifecycleTest, ADomainDriftingAwayFailsThenDetachesAfterItsGrace) {
  app::Config config;
  config.domain_recheck_interval = std::chrono::seconds(1);
  config.domain_grace = std::chrono::seconds(2);
  config.domain_check_poll = std::chrono::milliseconds(200);
  ASSERT_NO_FATAL_FAILURE(start(config));
  const std::string token = add("alpha", "drift.example");
  ASSERT_TRUE(dns_->set_txt("_orion-verify.drift.example", {"orion-verify=" + token}));
  ASSERT_EQ(verify("drift.example").at("state"), "verified");
  ASSERT_EQ(server_->get("drift.example", "/shop/").result_int(), 200);

  ASSERT_TRUE(dns_->set_txt("_orion-verify.drift.example", {}));
  ASSERT_TRUE(
      wait_for([&] { return state("drift.example") == "failing"; }, std::chrono::seconds(6)));
  // Failing still routes, during the grace.
  EXPECT_EQ(server_->get("drift.example", "/shop/").result_int(), 200);
  EXPECT_EQ(tls_ask("drift.example"), 200);

  ASSERT_TRUE(
      wait_for([&] { return state("drift.example") == "detached"; }, std::chrono::seconds(8)));
  EXPECT_EQ(server_->get("drift.example", "/shop/").result_int(), 404);
  EXPECT_EQ(tls_ask("drift.example"), 404);

  const auto record = detail("drift.example");
  bool failing = false;
  bool detached = false;
  for (const auto& event : record.at("events").as_array()) {
    const auto& e = event.as_object();
    EXPECT_FALSE(e.at("reason").as_string().empty()) << json::serialize(e);
    failing = failing || e.at("to") == "failing";
    detached = detached || (e.at("to") == "detached" && e.at("from") == "failing");
  }
  EXPECT_TRUE(failing) << json::serialize(record.at("events"));
  EXPECT_TRUE(detached) << json::serialize(record.at("events"));
  EXPECT_TRUE(record.at("pointing").at("status").is_string());
  EXPECT_FALSE(record.at("is_verified").as_bool());

  const std::string metrics = server_->get(kPlatform, "/metrics").body();
  EXPECT_TRUE(contains(metrics, "orion_domain_checks_total{result=\"failed\"}")) << metrics;
  EXPECT_TRUE(contains(metrics, "orion_domain_transitions_total")) << metrics;
  EXPECT_TRUE(wait_for(
      [&] {
        return contains(server_->get(kPlatform, "/metrics").body(),
                        "orion_domains{state=\"detached\"} 1");
      },
      std::chrono::seconds(2)));
}

TEST_P(DomainsLifecycleTest, ARemovedNameIsHeldBackFromOtherStoresUntilItsQuarantineEnds) {
  app::Config config;
  config.domain_quarantine = std::chrono::seconds(2);
  ASSERT_NO_FATAL_FAILURE(start(config));
  add("alpha", "held.example");
  verify("held.example", R"({"force":true})");  // a domain never verified is not held back
  ASSERT_EQ(call(verb::delete_, "/api/v1/admin/domains/held.example").result_int(), 204);
  auto refused =
      call(verb::post, "/api/v1/admin/stores/bravo/domains", R"({"domain":"held.example"})");
  EXPECT_EQ(refused.result_int(), 409) << refused.body();
  EXPECT_EQ(error_code(refused), "domain_quarantined");
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  auto later =
      call(verb::post, "/api/v1/admin/stores/bravo/domains", R"({"domain":"held.example"})");
  EXPECT_EQ(later.result_int(), 201) << later.body();
  // The name is bravo's once verified: alpha is refused as for any taken name.
  verify("held.example", R"({"force":true})");
  auto taken =
      call(verb::post, "/api/v1/admin/stores/alpha/domains", R"({"domain":"held.example"})");
  EXPECT_EQ(error_code(taken), "domain_taken");
}

TEST_P(DomainsLifecycleTest, ANeverVerifiedDomainRemovedIsFreeAtOnceAndItsHttpProofCanBeRefused) {
  ASSERT_NO_FATAL_FAILURE(start());
  // A pending claim removed (even by an admin) holds nothing back.
  add("alpha", "never.example");
  ASSERT_EQ(call(verb::delete_, "/api/v1/admin/domains/never.example").result_int(), 204);
  add("bravo", "never.example");
  // Another store's pending claim does not block the name either.
  const std::string token = add("alpha", "never.example");
  EXPECT_FALSE(token.empty());

  // www. of another store's verified domain points here, but the HTTP proof is not enough.
  add("alpha", "brand.example");
  verify("brand.example", R"({"force":true})");
  const std::string www = add("bravo", "www.brand.example");
  ASSERT_TRUE(dns_->set_address("www.brand.example", {"127.0.0.1"}));
  auto refused =
      call(verb::post, "/api/v1/admin/domains/www.brand.example/verify", R"({"method":"http"})");
  EXPECT_EQ(refused.result_int(), 409) << refused.body();
  EXPECT_EQ(error_code(refused), "txt_verification_required");
  const auto message = body(refused).at("error").at("message").as_string();
  EXPECT_TRUE(
      contains(std::string(message), "_orion-verify.www.brand.example = orion-verify=" + www))
      << message;
  EXPECT_EQ(state("www.brand.example"), "pending");
  EXPECT_EQ(server_->get("www.brand.example", "/shop/").result_int(), 404);
}

TEST_P(DomainsLifecycleTest, WithoutQuarantineARemovedNameIsFreeAtOnce) {
  app::Config config;
  config.domain_quarantine = std::chrono::seconds(0);
  ASSERT_NO_FATAL_FAILURE(start(config));
  add("alpha", "free.example");
  ASSERT_EQ(call(verb::delete_, "/api/v1/admin/domains/free.example").result_int(), 204);
  EXPECT_EQ(call(verb::post, "/api/v1/admin/stores/bravo/domains", R"({"domain":"free.example"})")
                .result_int(),
            201);
}

TEST_P(DomainsLifecycleTest, AStoreHasAtMostTheLimitOfDomains) {
  app::Config config;
  config.domain_limit = 2;
  ASSERT_NO_FATAL_FAILURE(start(config));
  add("alpha", "one.example");
  add("alpha", "two.example");
  auto third =
      call(verb::post, "/api/v1/admin/stores/alpha/domains", R"({"domain":"three.example"})");
  EXPECT_EQ(third.result_int(), 409) << third.body();
  EXPECT_EQ(error_code(third), "domain_limit");
  // Another store has its own allowance.
  add("bravo", "three.example");
}

TEST_P(DomainsLifecycleTest, StorefrontPagesRedirectToThePrimaryDomainUntilItIsUnmarked) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string shop_token = add("alpha", "shop.example");
  const std::string other_token = add("alpha", "other.example");
  add("alpha", "pend.example");
  for (const char* domain : {"shop.example", "other.example"}) {
    ASSERT_EQ(verify(domain, R"({"force":true})").at("state"), "verified");
  }
  auto pending = call(verb::patch, "/api/v1/admin/domains/pend.example", R"({"primary":true})");
  EXPECT_EQ(pending.result_int(), 409) << pending.body();
  EXPECT_EQ(error_code(pending), "domain_not_verified");
  ASSERT_EQ(server_->get("alpha.platform.test", "/shop/").result_int(), 200);

  auto marked = call(verb::patch, "/api/v1/admin/domains/shop.example", R"({"primary":true})");
  ASSERT_EQ(marked.result_int(), 200) << marked.body();
  EXPECT_EQ(body(marked).at("primary"), true);

  const auto expect_redirect = [&](verb method, const std::string& host, const std::string& target,
                                   int status, const std::string& location) {
    auto response = server_->request(method, host, target);
    EXPECT_EQ(response.result_int(), status) << host << target << " " << response.body();
    EXPECT_EQ(response[field::location], location) << host << target;
    // Browsers may keep a redirect without cache headers for ever; an hour bounds a stale one.
    EXPECT_EQ(response[field::cache_control], "max-age=3600") << host << target;
  };
  expect_redirect(verb::get, "alpha.platform.test", "/shop/products?page=2", 301,
                  "https://shop.example/shop/products?page=2");
  expect_redirect(verb::get, "other.example", "/shop/", 301, "https://shop.example/shop/");
  expect_redirect(verb::get, kPlatform, "/stores/alpha/shop/products?page=1&q=a%20b", 301,
                  "https://shop.example/shop/products?page=1&q=a%20b");
  expect_redirect(verb::get, "alpha.platform.test", "/", 301, "https://shop.example/");
  expect_redirect(verb::head, "alpha.platform.test", "/shop/cart", 301,
                  "https://shop.example/shop/cart");
  // Not a read: 308, so the form's method and body go along.
  expect_redirect(verb::post, "alpha.platform.test", "/shop/cart/items", 308,
                  "https://shop.example/shop/cart/items");

  // The primary itself serves; dashboards, APIs and the domain proof never redirect.
  EXPECT_EQ(server_->get("shop.example", "/shop/").result_int(), 200);
  EXPECT_EQ(server_->get(kPlatform, "/store/alpha/login").result_int(), 200);
  EXPECT_EQ(call(verb::get, "/api/v1/stores/alpha/products").result_int(), 200);
  EXPECT_EQ(server_->get("alpha.platform.test", "/shop/api/products").result_int(), 200);
  EXPECT_EQ(server_->get("other.example", "/.well-known/orion-verify/" + other_token).result_int(),
            200);
  EXPECT_EQ(server_->get(kPlatform, "/stores/alpha/shop/api/products").result_int(), 200);

  // Orders made anywhere point at the canonical address.
  const std::string order = json::serialize(json::object{
      {"customer_email", "ada@example.com"},
      {"items",
       json::array{json::object{{"product_id", alpha_.products[0].id}, {"quantity", 1}}}}});
  auto placed = server_->json(verb::post, "alpha.platform.test", "/shop/api/orders", order);
  ASSERT_EQ(placed.result_int(), 201) << placed.body();
  const std::string number(body(placed).at("order_number").as_string());
  EXPECT_EQ(std::string(body(placed).at("url").as_string()),
            "https://shop.example/shop/orders/" + number);

  // Unmarked: the redirects stop with the next request.
  ASSERT_EQ(
      call(verb::patch, "/api/v1/admin/domains/shop.example", R"({"primary":false})").result_int(),
      200);
  EXPECT_EQ(server_->get("alpha.platform.test", "/shop/").result_int(), 200);
  EXPECT_EQ(server_->get(kPlatform, "/stores/alpha/shop/").result_int(), 200);
  auto local = server_->json(verb::post, "alpha.platform.test", "/shop/api/orders", order);
  ASSERT_EQ(local.result_int(), 201) << local.body();
  EXPECT_EQ(std::string(body(local).at("url").as_string()),
            "http://alpha.platform.test/shop/orders/" +
                std::string(body(local).at("order_number").as_string()));
  EXPECT_FALSE(shop_token.empty());
}

TEST_P(DomainsLifecycleTest, TheOrderConfirmationShowsTheCanonicalUrl) {
  ASSERT_NO_FATAL_FAILURE(start());
  add("alpha", "shop.example");
  ASSERT_EQ(verify("shop.example", R"({"force":true})").at("state"), "verified");
  ASSERT_EQ(
      call(verb::patch, "/api/v1/admin/domains/shop.example", R"({"primary":true})").result_int(),
      200);
  const std::string product = std::to_string(alpha_.products[0].id);
  auto page = server_->get("shop.example", "/shop/products/" + product);
  ASSERT_EQ(page.result_int(), 200) << page.body();
  auto added = server_->post_form("shop.example", "/shop/cart/items",
                                  "product_id=" + product + "&quantity=1",
                                  testing::from_origin("shop.example"));
  ASSERT_EQ(added.result_int(), 303) << added.body();
  const std::string cookie = "orion_cart=" + testing::cookie_value(added, "orion_cart");
  auto placed =
      server_->post_form("shop.example", "/shop/checkout", "customer_email=ada%40example.com",
                         testing::from_origin("shop.example", {{"Cookie", cookie}}));
  ASSERT_EQ(placed.result_int(), 303) << placed.body();
  const std::string location(placed[field::location]);
  auto confirmation = server_->get("shop.example", location, {{"Cookie", cookie}});
  ASSERT_EQ(confirmation.result_int(), 200) << confirmation.body();
  EXPECT_TRUE(contains(confirmation.body(), "https://shop.example" + location))
      << confirmation.body();
}

TEST_P(DomainsLifecycleTest, ATrustedProxySaysTheRequestCameOverHttps) {
  app::Config config;
  config.trusted_proxies = "127.0.0.1";
  ASSERT_NO_FATAL_FAILURE(start(config));
  // The cart cookie (set by the first cart write) is Secure when the proxy says https.
  const std::string add = "product_id=" + std::to_string(alpha_.products[0].id);
  auto proxied = server_->post_form(
      "alpha.platform.test", "/shop/cart/items", add,
      {{"X-Forwarded-Proto", "https"}, {"Origin", "https://alpha.platform.test"}});
  ASSERT_EQ(proxied.result_int(), 303) << proxied.body();
  EXPECT_TRUE(contains(set_cookie(proxied), "; Secure")) << set_cookie(proxied);
  auto plain = server_->post_form("alpha.platform.test", "/shop/cart/items", add,
                                  testing::from_origin("alpha.platform.test"));
  ASSERT_EQ(plain.result_int(), 303) << plain.body();
  EXPECT_FALSE(contains(set_cookie(plain), "; Secure")) << set_cookie(plain);
}

TEST_P(DomainsLifecycleTest, AnyoneElsesXForwardedProtoIsIgnored) {
  app::Config config;
  config.trusted_proxies = "192.0.2.1";
  ASSERT_NO_FATAL_FAILURE(start(config));
  auto claimed = server_->post_form(
      "alpha.platform.test", "/shop/cart/items",
      "product_id=" + std::to_string(alpha_.products[0].id),
      {{"X-Forwarded-Proto", "https"}, {"Origin", "https://alpha.platform.test"}});
  ASSERT_EQ(claimed.result_int(), 303) << claimed.body();
  EXPECT_FALSE(contains(set_cookie(claimed), "; Secure")) << set_cookie(claimed);
}

ORION_SERVER_ON_BOTH_BACKENDS(DomainsLifecycleTest);

}  // namespace
}  // namespace orion

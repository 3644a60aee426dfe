// The management API (DESIGN.md §4) over a real socket, on both backends: the happy path of
// every route, token scopes (401 without or with a bad token, 403 outside a store token's
// scope), 400 for malformed bodies, 422 naming the field, 409 on duplicates, pagination, and
// every change honoured by the storefront's resolution on the very next request (the store
// cache is given a long TTL here, so only the API's invalidation can make that happen).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "storage/orders.hpp"
#include "storage/sessions.hpp"
#include "storage/stores.hpp"
#include "support/dnsmasq.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kPlatform = "platform.test";

class ApiTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    app::Config config;
    config.store_cache_ttl = std::chrono::minutes(10);
    // Domain checks ask a resolver that never answers, and give up quickly.
    config.dns_server = silent_.server();
    config.dns_timeout = std::chrono::milliseconds(200);
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    admin_ = token(std::nullopt);
    ASSERT_FALSE(admin_.empty());
  }

  // A token made the way `orion token create` makes one.
  std::string token(std::optional<std::int64_t> store_id) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    if (!tx) {
      return {};
    }
    auto created = storage::api_tokens::create(*tx, store_id, "api test");
    EXPECT_TRUE(created);
    EXPECT_TRUE(tx->commit());
    return created ? created->token : std::string();
  }

  // Creates a store through the API and returns its id.
  std::int64_t create_store(const std::string& code, const std::string& name) {
    auto response = call(verb::post, "/api/v1/admin/stores",
                         json::serialize(json::object{{"code", code}, {"name", name}}));
    EXPECT_EQ(response.result_int(), 201) << response.body();
    return body(response).at("id").as_int64();
  }

  HttpResponse call(verb method, const std::string& target, const std::string& payload = {},
                    std::optional<std::string> bearer = std::nullopt) {
    return server_->json(method, kPlatform, target, payload, bearer.value_or(admin_));
  }

  static json::object body(const HttpResponse& response) {
    boost::system::error_code ec;
    json::value value = json::parse(response.body(), ec);
    EXPECT_FALSE(ec) << response.body();
    if (ec || !value.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << response.body();
      return {};
    }
    return value.as_object();
  }

  static std::string error_code(const HttpResponse& response) {
    const json::object b = body(response);
    const json::value* error = b.if_contains("error");
    if (error == nullptr || !error->is_object()) {
      return "(no error object) " + response.body();
    }
    return std::string(error->at("code").as_string());
  }

  static std::string error_field(const HttpResponse& response) {
    const json::object b = body(response);
    const json::value* field = b.at("error").as_object().if_contains("field");
    return field != nullptr ? std::string(field->as_string()) : std::string();
  }

  static std::string error_message(const HttpResponse& response) {
    return std::string(body(response).at("error").at("message").as_string());
  }

  // Whether `host` resolves to an active store right now: a store host's "/" redirects to
  // "/shop/" (ContextDetection) only when it does; otherwise it is the "no store" 404.
  bool resolves(const std::string& host) {
    const auto response = server_->get(host, "/");
    if (response.result_int() == 302) {
      return true;
    }
    EXPECT_EQ(response.result_int(), 404) << host;
    return false;
  }

  testing::SilentResolver silent_;
  std::unique_ptr<TestServer> server_;
  std::string admin_;
};

TEST_P(ApiTest, StoresCanBeCreatedListedReadAndChanged) {
  auto created =
      call(verb::post, "/api/v1/admin/stores", R"({"code":"  TechStore ","name":"Tech Store"})");
  ASSERT_EQ(created.result_int(), 201) << created.body();
  EXPECT_EQ(created["Location"], "/api/v1/admin/stores/techstore");
  EXPECT_EQ(created["Content-Type"], "application/json");
  auto store = body(created);
  EXPECT_EQ(store.at("code"), "techstore");
  EXPECT_EQ(store.at("name"), "Tech Store");
  EXPECT_EQ(store.at("is_active"), true);
  create_store("fashionhub", "Fashion Hub");

  auto list = call(verb::get, "/api/v1/admin/stores");
  ASSERT_EQ(list.result_int(), 200) << list.body();
  auto page = body(list);
  EXPECT_EQ(page.at("total"), 2);
  EXPECT_EQ(page.at("limit"), 50);
  EXPECT_EQ(page.at("offset"), 0);
  ASSERT_EQ(page.at("items").as_array().size(), 2U);
  EXPECT_EQ(page.at("items").as_array()[0].at("code"), "techstore");

  auto one = call(verb::get, "/api/v1/admin/stores/TECHSTORE");
  ASSERT_EQ(one.result_int(), 200) << one.body();
  EXPECT_EQ(body(one).at("name"), "Tech Store");

  auto renamed = call(verb::patch, "/api/v1/admin/stores/techstore", R"({"name":"Tech Planet"})");
  ASSERT_EQ(renamed.result_int(), 200) << renamed.body();
  EXPECT_EQ(body(renamed).at("name"), "Tech Planet");
  EXPECT_EQ(body(call(verb::get, "/api/v1/admin/stores/techstore")).at("name"), "Tech Planet");

  auto off = call(verb::patch, "/api/v1/admin/stores/techstore", R"({"is_active":false})");
  ASSERT_EQ(off.result_int(), 200) << off.body();
  EXPECT_EQ(body(off).at("is_active"), false);
  EXPECT_EQ(body(off).at("name"), "Tech Planet");

  EXPECT_EQ(call(verb::get, "/api/v1/admin/stores/nosuchstore").result_int(), 404);
  EXPECT_EQ(call(verb::patch, "/api/v1/admin/stores/nosuchstore", "{}").result_int(), 404);
}

TEST_P(ApiTest, DeactivatingAStoreTakesItOffItsHostsAtTheNextRequest) {
  create_store("orion", "Orion Shop");
  ASSERT_TRUE(resolves("orion.platform.test"));  // now cached as active
  auto off = call(verb::patch, "/api/v1/admin/stores/orion", R"({"is_active":false})");
  ASSERT_EQ(off.result_int(), 200) << off.body();
  EXPECT_FALSE(resolves("orion.platform.test"));
  EXPECT_EQ(server_->get("orion.platform.test", "/shop/").result_int(), 404);
  EXPECT_EQ(server_->get(kPlatform, "/stores/orion/shop/").result_int(), 404);

  auto on = call(verb::patch, "/api/v1/admin/stores/orion", R"({"is_active":true})");
  ASSERT_EQ(on.result_int(), 200) << on.body();
  EXPECT_TRUE(resolves("orion.platform.test"));
}

TEST_P(ApiTest, ANewStoreAnswersAtOnceEvenAfterItsCodeWasAskedFor) {
  EXPECT_FALSE(resolves("newshop.platform.test"));  // "no such store" is cached now
  create_store("newshop", "New Shop");
  EXPECT_TRUE(resolves("newshop.platform.test"));
}

TEST_P(ApiTest, DomainsCanBeAddedVerifiedListedAndRemoved) {
  create_store("orion", "Orion Shop");
  auto added = call(verb::post, "/api/v1/admin/stores/orion/domains", R"({"domain":"Orion.LU."})");
  ASSERT_EQ(added.result_int(), 201) << added.body();
  auto domain = body(added);
  EXPECT_EQ(domain.at("domain"), "orion.lu");
  EXPECT_EQ(domain.at("store"), "orion");
  EXPECT_EQ(domain.at("is_verified"), false);
  const auto& verification = domain.at("verification").as_object();
  EXPECT_EQ(verification.at("record_name"), "_orion-verify.orion.lu");
  const std::string value(verification.at("record_value").as_string());
  ASSERT_TRUE(value.starts_with("orion-verify=")) << value;
  const std::string token = value.substr(13);
  EXPECT_GE(token.size(), 16U);
  EXPECT_EQ(std::string_view(verification.at("http_path").as_string()),
            "/.well-known/orion-verify/" + token);

  // Unverified: it does not route.
  EXPECT_FALSE(resolves("orion.lu"));

  auto listed = call(verb::get, "/api/v1/admin/stores/orion/domains");
  ASSERT_EQ(listed.result_int(), 200) << listed.body();
  EXPECT_EQ(body(listed).at("total"), 1);
  EXPECT_EQ(body(listed).at("items").as_array()[0].at("domain"), "orion.lu");

  // Without force the DNS is checked (the resolver here never answers): a failed check is an
  // answer, 200 with the domain still pending and what went wrong; it does not route.
  auto unforced = call(verb::post, "/api/v1/admin/domains/orion.lu/verify", "");
  ASSERT_EQ(unforced.result_int(), 200) << unforced.body();
  EXPECT_EQ(body(unforced).at("state"), "pending");
  EXPECT_EQ(body(unforced).at("check").at("outcome"), "lookup_failed");
  EXPECT_EQ(body(unforced).at("check").at("method"), "dns");
  EXPECT_FALSE(body(unforced).at("check").at("message").as_string().empty());
  EXPECT_FALSE(resolves("orion.lu"));

  auto forced = call(verb::post, "/api/v1/admin/domains/orion.lu/verify", R"({"force":true})");
  ASSERT_EQ(forced.result_int(), 200) << forced.body();
  EXPECT_EQ(body(forced).at("is_verified"), true);
  EXPECT_EQ(body(forced).at("state"), "verified");
  EXPECT_EQ(body(forced).at("verified_by"), "forced");
  EXPECT_EQ(body(forced).at("check").at("method"), "forced");
  EXPECT_TRUE(body(forced).at("verified_at").is_int64());
  EXPECT_TRUE(resolves("orion.lu"));
  EXPECT_EQ(server_->get(kPlatform, "/internal/tls-ask?domain=orion.lu").result_int(), 200);
  // Forcing again is harmless.
  EXPECT_EQ(
      call(verb::post, "/api/v1/admin/domains/orion.lu/verify", R"({"force":true})").result_int(),
      200);

  auto removed = call(verb::delete_, "/api/v1/admin/domains/ORION.lu");
  EXPECT_EQ(removed.result_int(), 204) << removed.body();
  EXPECT_FALSE(resolves("orion.lu"));
  EXPECT_EQ(server_->get("orion.lu", "/shop/").result_int(), 404);
  EXPECT_EQ(server_->get(kPlatform, "/internal/tls-ask?domain=orion.lu").result_int(), 404);
  EXPECT_EQ(body(call(verb::get, "/api/v1/admin/stores/orion/domains")).at("total"), 0);

  EXPECT_EQ(call(verb::delete_, "/api/v1/admin/domains/orion.lu").result_int(), 404);
  EXPECT_EQ(
      call(verb::post, "/api/v1/admin/domains/orion.lu/verify", R"({"force":true})").result_int(),
      404);
}

TEST_P(ApiTest, ADeactivatedStoreLosesItsVerifiedDomainToo) {
  create_store("orion", "Orion Shop");
  ASSERT_EQ(call(verb::post, "/api/v1/admin/stores/orion/domains", R"({"domain":"orion.lu"})")
                .result_int(),
            201);
  ASSERT_EQ(
      call(verb::post, "/api/v1/admin/domains/orion.lu/verify", R"({"force":true})").result_int(),
      200);
  ASSERT_TRUE(resolves("orion.lu"));
  ASSERT_EQ(call(verb::patch, "/api/v1/admin/stores/orion", R"({"is_active":false})").result_int(),
            200);
  EXPECT_FALSE(resolves("orion.lu"));
}

TEST_P(ApiTest, DomainsAreValidatedAndUnique) {
  create_store("orion", "Orion Shop");
  create_store("techstore", "Tech Store");
  const std::string path = "/api/v1/admin/stores/orion/domains";
  for (const char* bad : {R"({"domain":"192.168.1.1"})", R"({"domain":"co.uk"})",
                          R"({"domain":"shop.platform.test"})", R"({"domain":"not a domain"})",
                          R"({"domain":"https://orion.lu/"})", R"({"domain":42})"}) {
    auto response = call(verb::post, path, bad);
    EXPECT_EQ(response.result_int(), 422) << bad << " " << response.body();
    EXPECT_EQ(error_field(response), "domain") << bad;
  }
  auto missing = call(verb::post, path, "{}");
  EXPECT_EQ(missing.result_int(), 422);
  EXPECT_EQ(error_code(missing), "missing_field");
  EXPECT_EQ(error_field(missing), "domain");

  ASSERT_EQ(call(verb::post, path, R"({"domain":"orion.lu"})").result_int(), 201);
  auto again = call(verb::post, path, R"({"domain":"orion.lu"})");
  EXPECT_EQ(again.result_int(), 409) << again.body();
  EXPECT_EQ(error_code(again), "domain_taken");
  // Held by orion once verified (another store's pending claim blocks nobody: DOMAINS.md).
  ASSERT_EQ(
      call(verb::post, "/api/v1/admin/domains/orion.lu/verify", R"({"force":true})").result_int(),
      200);
  auto taken =
      call(verb::post, "/api/v1/admin/stores/techstore/domains", R"({"domain":"orion.lu"})");
  EXPECT_EQ(taken.result_int(), 409) << taken.body();
  EXPECT_EQ(error_code(taken), "domain_taken");
  EXPECT_EQ(
      call(verb::post, "/api/v1/admin/stores/nosuch/domains", R"({"domain":"a.lu"})").result_int(),
      404);
}

TEST_P(ApiTest, ProductsHaveTheFullLifecycle) {
  create_store("orion", "Orion Shop");
  const std::string base = "/api/v1/stores/orion/products";
  auto created = call(verb::post, base,
                      R"({"name":"Lamp","price_cents":1999,"description":"Bright","sku":"L-1"})");
  ASSERT_EQ(created.result_int(), 201) << created.body();
  auto product = body(created);
  const std::int64_t id = product.at("id").as_int64();
  EXPECT_EQ(created["Location"], base + "/" + std::to_string(id));
  EXPECT_EQ(product.at("name"), "Lamp");
  EXPECT_EQ(product.at("price_cents"), 1999);
  EXPECT_EQ(product.at("description"), "Bright");
  EXPECT_EQ(product.at("sku"), "L-1");
  EXPECT_EQ(product.at("currency"), "EUR");
  EXPECT_EQ(product.at("is_active"), true);
  EXPECT_TRUE(product.at("stock").is_null());

  // Only name and price are required.
  auto plain = call(verb::post, base, R"({"name":"Plain","price_cents":0})");
  ASSERT_EQ(plain.result_int(), 201) << plain.body();
  EXPECT_TRUE(body(plain).at("sku").is_null());

  const std::string item = base + "/" + std::to_string(id);
  auto got = call(verb::get, item);
  ASSERT_EQ(got.result_int(), 200) << got.body();
  EXPECT_EQ(body(got).at("name"), "Lamp");

  auto patched = call(verb::patch, item, R"({"price_cents":2499,"sku":null,"stock":3})");
  ASSERT_EQ(patched.result_int(), 200) << patched.body();
  EXPECT_EQ(body(patched).at("price_cents"), 2499);
  EXPECT_TRUE(body(patched).at("sku").is_null());
  EXPECT_EQ(body(patched).at("stock"), 3);
  EXPECT_EQ(body(patched).at("name"), "Lamp");

  auto list = call(verb::get, base);
  ASSERT_EQ(list.result_int(), 200);
  EXPECT_EQ(body(list).at("total"), 2);

  EXPECT_EQ(call(verb::delete_, item).result_int(), 204);
  EXPECT_EQ(call(verb::get, item).result_int(), 404);
  EXPECT_EQ(call(verb::delete_, item).result_int(), 404);
  EXPECT_EQ(call(verb::patch, item, R"({"name":"Ghost"})").result_int(), 404);
  EXPECT_EQ(body(call(verb::get, base)).at("total"), 1);

  EXPECT_EQ(call(verb::get, base + "/999999").result_int(), 404);
  EXPECT_EQ(call(verb::get, base + "/abc").result_int(), 404);
  EXPECT_EQ(call(verb::get, "/api/v1/stores/nosuch/products").result_int(), 404);
}

TEST_P(ApiTest, ANewProductIsOnTheStorefrontAtOnce) {
  create_store("orion", "Orion Shop");
  create_store("techstore", "Tech Store");
  const auto shop_products = [&](const std::string& host) {
    auto response = server_->get(host, "/shop/api/products");
    EXPECT_EQ(response.result_int(), 200) << host << " " << response.body();
    return body(response);
  };
  EXPECT_EQ(shop_products("orion.platform.test").at("total"), 0);
  auto created = call(verb::post, "/api/v1/stores/orion/products",
                      R"({"name":"Orion Lamp","price_cents":1500})");
  ASSERT_EQ(created.result_int(), 201);
  auto shop = shop_products("orion.platform.test");
  ASSERT_EQ(shop.at("total"), 1);
  EXPECT_EQ(shop.at("items").as_array()[0].at("name"), "Orion Lamp");
  EXPECT_EQ(body(call(verb::get, "/api/v1/stores/orion/products")).at("total"), 1);
  // ...and only on that store.
  EXPECT_EQ(shop_products("techstore.platform.test").at("total"), 0);
  EXPECT_EQ(body(call(verb::get, "/api/v1/stores/techstore/products")).at("total"), 0);

  // Taken off sale through the API: gone from the storefront, still managed through the API.
  const std::string item =
      "/api/v1/stores/orion/products/" + std::to_string(body(created).at("id").as_int64());
  ASSERT_EQ(call(verb::patch, item, R"({"is_active":false})").result_int(), 200);
  EXPECT_EQ(shop_products("orion.platform.test").at("total"), 0);
  EXPECT_EQ(body(call(verb::get, "/api/v1/stores/orion/products")).at("total"), 1);
}

TEST_P(ApiTest, ProductFieldsAreValidatedByName) {
  create_store("orion", "Orion Shop");
  const std::string base = "/api/v1/stores/orion/products";
  struct Case {
    const char* body;
    const char* field;
    const char* code;
  };
  for (const Case& c :
       {Case{R"({"name":"Lamp"})", "price_cents", "missing_field"},
        Case{R"({"price_cents":100})", "name", "missing_field"},
        Case{R"({"name":"Lamp","price_cents":-1})", "price_cents", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":"12"})", "price_cents", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1.5})", "price_cents", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1e300})", "price_cents", "invalid_field"},
        Case{R"({"name":"","price_cents":1})", "name", "invalid_field"},
        Case{R"({"name":7,"price_cents":1})", "name", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1,"sku":""})", "sku", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1,"stock":-2})", "stock", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1,"currency":"euro"})", "currency", "invalid_field"},
        Case{R"({"name":"Lamp","price_cents":1,"prise":2})", "prise", "unknown_field"}}) {
    auto response = call(verb::post, base, c.body);
    EXPECT_EQ(response.result_int(), 422) << c.body << " " << response.body();
    EXPECT_EQ(error_code(response), c.code) << c.body;
    EXPECT_EQ(error_field(response), c.field) << c.body;
    EXPECT_TRUE(error_message(response).starts_with(std::string(c.field) + ": "))
        << error_message(response);
  }
  auto negative = call(verb::post, base, R"({"name":"Lamp","price_cents":-1})");
  EXPECT_EQ(error_message(negative),
            "price_cents: must be a non-negative integer no greater than "
            "100000000000");
  EXPECT_EQ(body(call(verb::get, base)).at("total"), 0);
}

TEST_P(ApiTest, MalformedBodiesAre400) {
  create_store("orion", "Orion Shop");
  const std::string base = "/api/v1/stores/orion/products";
  auto broken = call(verb::post, base, R"({"name":"Lamp",)");
  EXPECT_EQ(broken.result_int(), 400);
  EXPECT_EQ(error_code(broken), "malformed_json");
  auto empty = call(verb::post, base, "");
  EXPECT_EQ(empty.result_int(), 400);
  auto array = call(verb::post, base, R"(["name"])");
  EXPECT_EQ(array.result_int(), 400);
  EXPECT_EQ(error_code(array), "invalid_body");
  auto form = server_->request(verb::post, kPlatform, base, "name=Lamp&price_cents=1",
                               {{"Content-Type", "application/x-www-form-urlencoded"},
                                {"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(form.result_int(), 400);
  EXPECT_EQ(error_code(form), "unsupported_content_type");
  auto charset = server_->request(
      verb::post, kPlatform, base, R"({"name":"Lamp","price_cents":1})",
      {{"Content-Type", "application/json; charset=utf-8"}, {"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(charset.result_int(), 201) << charset.body();
  EXPECT_EQ(call(verb::post, "/api/v1/admin/stores", "{nope}").result_int(), 400);
  EXPECT_EQ(call(verb::put, "/api/v1/stores/orion/theme", "[]").result_int(), 400);
}

TEST_P(ApiTest, DuplicatesAre409) {
  create_store("orion", "Orion Shop");
  auto again = call(verb::post, "/api/v1/admin/stores", R"({"code":"ORION","name":"Other"})");
  EXPECT_EQ(again.result_int(), 409) << again.body();
  EXPECT_EQ(error_code(again), "conflict");

  const std::string base = "/api/v1/stores/orion/products";
  ASSERT_EQ(call(verb::post, base, R"({"name":"A","price_cents":1,"sku":"S-1"})").result_int(),
            201);
  auto sku = call(verb::post, base, R"({"name":"B","price_cents":1,"sku":"S-1"})");
  EXPECT_EQ(sku.result_int(), 409) << sku.body();
  auto other = call(verb::post, base, R"({"name":"C","price_cents":1,"sku":"S-2"})");
  ASSERT_EQ(other.result_int(), 201);
  auto patched = call(verb::patch, base + "/" + std::to_string(body(other).at("id").as_int64()),
                      R"({"sku":"S-1"})");
  EXPECT_EQ(patched.result_int(), 409) << patched.body();
}

TEST_P(ApiTest, StoreFieldsAreValidatedByName) {
  for (const auto& [payload, field] :
       {std::pair<const char*, const char*>{R"({"code":"ab","name":"X"})", "code"},
        {R"({"code":"admin","name":"X"})", "code"},
        {R"({"code":"-abc","name":"X"})", "code"},
        {R"({"code":"good-code","name":""})", "name"},
        {R"({"code":"good-code","name":"   "})", "name"},
        {R"({"code":"good-code"})", "name"},
        {R"({"name":"X"})", "code"},
        {R"({"code":"good-code","name":"X","extra":1})", "extra"}}) {
    auto response = call(verb::post, "/api/v1/admin/stores", payload);
    EXPECT_EQ(response.result_int(), 422) << payload << " " << response.body();
    EXPECT_EQ(error_field(response), field) << payload;
  }
  create_store("orion", "Orion Shop");
  auto active = call(verb::patch, "/api/v1/admin/stores/orion", R"({"is_active":"no"})");
  EXPECT_EQ(active.result_int(), 422);
  EXPECT_EQ(error_field(active), "is_active");
  auto name = call(verb::patch, "/api/v1/admin/stores/orion", R"({"name":""})");
  EXPECT_EQ(name.result_int(), 422);
  EXPECT_EQ(error_field(name), "name");
}

TEST_P(ApiTest, ListsArePaginated) {
  create_store("orion", "Orion Shop");
  const std::string base = "/api/v1/stores/orion/products";
  for (int i = 1; i <= 7; ++i) {
    ASSERT_EQ(call(verb::post, base,
                   R"({"name":"P)" + std::to_string(i) + R"(","price_cents":)" +
                       std::to_string(i * 100) + "}")
                  .result_int(),
              201);
  }
  auto first = body(call(verb::get, base + "?limit=3"));
  EXPECT_EQ(first.at("total"), 7);
  EXPECT_EQ(first.at("limit"), 3);
  EXPECT_EQ(first.at("offset"), 0);
  ASSERT_EQ(first.at("items").as_array().size(), 3U);
  EXPECT_EQ(first.at("items").as_array()[0].at("name"), "P7");  // newest first
  auto last = body(call(verb::get, base + "?limit=3&offset=6"));
  ASSERT_EQ(last.at("items").as_array().size(), 1U);
  EXPECT_EQ(last.at("items").as_array()[0].at("name"), "P1");
  EXPECT_EQ(body(call(verb::get, base + "?offset=50")).at("items").as_array().size(), 0U);
  EXPECT_EQ(body(call(verb::get, base + "?limit=500")).at("items").as_array().size(), 7U);
  for (const char* bad : {"?limit=0", "?limit=501", "?limit=x", "?limit=", "?limit=-1"}) {
    auto response = call(verb::get, base + bad);
    EXPECT_EQ(response.result_int(), 422) << bad;
    EXPECT_EQ(error_field(response), "limit") << bad;
  }
  auto offset = call(verb::get, base + "?offset=-1");
  EXPECT_EQ(offset.result_int(), 422);
  EXPECT_EQ(error_field(offset), "offset");

  auto stores = body(call(verb::get, "/api/v1/admin/stores?limit=1&offset=0"));
  EXPECT_EQ(stores.at("total"), 1);
  EXPECT_EQ(call(verb::get, "/api/v1/admin/stores?limit=0").result_int(), 422);
  EXPECT_EQ(call(verb::get, "/api/v1/stores/orion/orders?limit=999").result_int(), 422);
}

TEST_P(ApiTest, OrdersOfTheStoreAreListed) {
  const std::int64_t orion = create_store("orion", "Orion Shop");
  create_store("techstore", "Tech Store");
  auto product =
      call(verb::post, "/api/v1/stores/orion/products", R"({"name":"Lamp","price_cents":1250})");
  ASSERT_EQ(product.result_int(), 201);
  {
    // A shopper's checkout, as the storefront makes it.
    auto tx = server_->database().begin(
        storage::TenantScope::admin(core::Store{orion, "orion", "Orion Shop", true, {}}));
    ASSERT_TRUE(tx);
    const storage::OrderLine lines[] = {{body(product).at("id").as_int64(), 2}};
    ASSERT_TRUE(storage::orders::create(*tx, "Shopper@Example.com", lines));
    ASSERT_TRUE(tx->commit());
  }
  auto orders = call(verb::get, "/api/v1/stores/orion/orders");
  ASSERT_EQ(orders.result_int(), 200) << orders.body();
  auto page = body(orders);
  EXPECT_EQ(page.at("total"), 1);
  const auto& order = page.at("items").as_array()[0].as_object();
  EXPECT_EQ(order.at("total_cents"), 2500);
  EXPECT_EQ(order.at("customer_email"), "shopper@example.com");
  EXPECT_EQ(order.at("status"), "pending");
  EXPECT_FALSE(order.at("order_number").as_string().empty());
  EXPECT_EQ(body(call(verb::get, "/api/v1/stores/techstore/orders")).at("total"), 0);
}

TEST_P(ApiTest, ThemeCanBeReadAndReplaced) {
  create_store("orion", "Orion Shop");
  const std::string path = "/api/v1/stores/orion/theme";
  auto initial = call(verb::get, path);
  ASSERT_EQ(initial.result_int(), 200) << initial.body();
  EXPECT_EQ(body(initial).at("primary_color"), "#3B82F6");
  EXPECT_TRUE(body(initial).at("logo_url").is_null());

  // The storefront has read (and cached) the default theme.
  auto before = server_->get("orion.platform.test", "/shop/");
  ASSERT_EQ(before.result_int(), 200);
  EXPECT_EQ(before.body().find("ff00aa"), std::string::npos);

  auto put = call(verb::put, path,
                  R"({"primary_color":"#f0a","secondary_color":"#123456",
                      "font_family":"Helvetica Neue, Arial, sans-serif",
                      "logo_url":"/static/stores/orion/logo.png","custom_css":"h1 { color: red; }"})");
  ASSERT_EQ(put.result_int(), 200) << put.body();
  auto theme = body(put);
  EXPECT_EQ(theme.at("primary_color"), "#ff00aa");
  EXPECT_EQ(theme.at("secondary_color"), "#123456");
  EXPECT_EQ(theme.at("background_color"), "#FFFFFF");  // left out: the default
  EXPECT_EQ(theme.at("font_family"), "Helvetica Neue, Arial, sans-serif");
  EXPECT_EQ(theme.at("logo_url"), "/static/stores/orion/logo.png");
  EXPECT_EQ(theme.at("custom_css"), "h1 { color: red; }");
  EXPECT_EQ(body(call(verb::get, path)).at("primary_color"), "#ff00aa");
  // The next storefront page wears it.
  auto after = server_->get("orion.platform.test", "/shop/");
  ASSERT_EQ(after.result_int(), 200);
  EXPECT_NE(after.body().find("--primary:#ff00aa"), std::string::npos) << after.body();

  // What GET returns can be sent back as it is.
  auto round_trip = call(verb::put, path, call(verb::get, path).body());
  EXPECT_EQ(round_trip.result_int(), 200) << round_trip.body();

  auto https = call(verb::put, path, R"({"logo_url":"https://cdn.example.com/logo.svg"})");
  EXPECT_EQ(https.result_int(), 200) << https.body();
  EXPECT_EQ(body(https).at("logo_url"), "https://cdn.example.com/logo.svg");
  auto cleared = call(verb::put, path, R"({"logo_url":null})");
  EXPECT_EQ(cleared.result_int(), 200);
  EXPECT_TRUE(body(cleared).at("logo_url").is_null());
}

TEST_P(ApiTest, ThemeFieldsAreValidatedByName) {
  create_store("orion", "Orion Shop");
  const std::string path = "/api/v1/stores/orion/theme";
  const std::string big_css(20001, 'a');
  for (const auto& [payload, field] :
       {std::pair<std::string, std::string>{R"j({"primary_color":"red"})j", "primary_color"},
        {R"j({"secondary_color":"#12345"})j", "secondary_color"},
        {R"j({"background_color":"#GGGGGG"})j", "background_color"},
        {R"j({"text_color":"#11223344"})j", "text_color"},
        {R"j({"text_color":"#111;}"})j", "text_color"},
        {R"j({"primary_color":5})j", "primary_color"},
        {R"j({"font_family":"Arial; } body { display:none"})j", "font_family"},
        {R"j({"font_family":"\"Comic Sans\""})j", "font_family"},
        {R"j({"font_family":""})j", "font_family"},
        {R"j({"logo_url":"javascript:alert(1)"})j", "logo_url"},
        {R"j({"logo_url":"http://example.com/logo.png"})j", "logo_url"},
        {R"j({"logo_url":"/static/x\" onerror=\"alert(1)"})j", "logo_url"},
        {R"j({"logo_url":"/static/../../etc/passwd"})j", "logo_url"},
        {R"j({"logo_url":"https://a.example/x.png?)"})j", "logo_url"},
        {R"j({"logo_url":"//evil.example/x.png"})j", "logo_url"},
        {R"j({"custom_css":"</style><script>alert(1)</script>"})j", "custom_css"},
        {R"j({"custom_css":")j" + big_css + R"j("})j", "custom_css"},
        {R"j({"colour":"#fff"})j", "colour"}}) {
    auto response = call(verb::put, path, payload);
    EXPECT_EQ(response.result_int(), 422) << payload << " " << response.body();
    EXPECT_EQ(error_field(response), field) << payload;
  }
  // Nothing was stored by any of them.
  EXPECT_EQ(body(call(verb::get, path)).at("primary_color"), "#3B82F6");
}

TEST_P(ApiTest, RequestsWithoutAValidTokenAre401) {
  create_store("orion", "Orion Shop");
  for (const char* target :
       {"/api/v1/admin/stores", "/api/v1/admin/stores/orion", "/api/v1/stores/orion/products",
        "/api/v1/stores/orion/theme", "/api/v1/stores/orion/orders"}) {
    auto none = server_->get(kPlatform, target);
    EXPECT_EQ(none.result_int(), 401) << target;
    EXPECT_EQ(none["WWW-Authenticate"], R"(Bearer realm="orion")") << target;
    EXPECT_EQ(error_code(none), "missing_token");
    auto bad = call(verb::get, target, {}, "orion_0123456789abcdef");
    EXPECT_EQ(bad.result_int(), 401) << target;
    EXPECT_NE(bad["WWW-Authenticate"].find("invalid_token"), std::string::npos);
    EXPECT_EQ(error_code(bad), "invalid_token");
  }
  auto basic = server_->get(kPlatform, "/api/v1/admin/stores", {{"Authorization", "Basic YTpi"}});
  EXPECT_EQ(basic.result_int(), 401);
  auto empty = server_->get(kPlatform, "/api/v1/admin/stores", {{"Authorization", "Bearer "}});
  EXPECT_EQ(empty.result_int(), 401);
  // The scheme name is case-insensitive (RFC 9110).
  auto lower =
      server_->get(kPlatform, "/api/v1/admin/stores", {{"Authorization", "bearer " + admin_}});
  EXPECT_EQ(lower.result_int(), 200);
  // A write without a token changes nothing.
  auto post = server_->json(verb::post, kPlatform, "/api/v1/admin/stores",
                            R"({"code":"sneaky","name":"Sneaky"})");
  EXPECT_EQ(post.result_int(), 401);
  EXPECT_EQ(body(call(verb::get, "/api/v1/admin/stores")).at("total"), 1);
}

TEST_P(ApiTest, ARevokedTokenIsRefused) {
  std::int64_t id = 0;
  std::string revoked;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto created = storage::api_tokens::create(*tx, std::nullopt, "soon revoked");
    ASSERT_TRUE(created);
    id = created->record.id;
    revoked = created->token;
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(call(verb::get, "/api/v1/admin/stores", {}, revoked).result_int(), 200);
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::api_tokens::revoke(*tx, id));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(call(verb::get, "/api/v1/admin/stores", {}, revoked).result_int(), 401);
}

TEST_P(ApiTest, AStoreTokenReachesOnlyItsOwnStore) {
  const std::int64_t orion = create_store("orion", "Orion Shop");
  create_store("techstore", "Tech Store");
  const std::string mine = token(orion);

  EXPECT_EQ(call(verb::get, "/api/v1/stores/orion/products", {}, mine).result_int(), 200);
  EXPECT_EQ(call(verb::get, "/api/v1/stores/ORION/theme", {}, mine).result_int(), 200);
  EXPECT_EQ(call(verb::get, "/api/v1/stores/orion/orders", {}, mine).result_int(), 200);
  auto created =
      call(verb::post, "/api/v1/stores/orion/products", R"({"name":"Mine","price_cents":5})", mine);
  ASSERT_EQ(created.result_int(), 201) << created.body();
  const std::string item =
      "/api/v1/stores/orion/products/" + std::to_string(body(created).at("id").as_int64());
  EXPECT_EQ(call(verb::patch, item, R"({"price_cents":6})", mine).result_int(), 200);
  EXPECT_EQ(call(verb::put, "/api/v1/stores/orion/theme", R"({"primary_color":"#000"})", mine)
                .result_int(),
            200);

  // Another store, existing or not: 403, and nothing about it leaks.
  for (const char* target : {"/api/v1/stores/techstore/products", "/api/v1/stores/techstore/theme",
                             "/api/v1/stores/techstore/orders", "/api/v1/stores/nosuch/products"}) {
    auto response = call(verb::get, target, {}, mine);
    EXPECT_EQ(response.result_int(), 403) << target;
    EXPECT_EQ(error_code(response), "wrong_store") << target;
  }
  auto foreign = call(verb::post, "/api/v1/stores/techstore/products",
                      R"({"name":"Intruder","price_cents":1})", mine);
  EXPECT_EQ(foreign.result_int(), 403);
  EXPECT_EQ(body(call(verb::get, "/api/v1/stores/techstore/products")).at("total"), 0);
  // The product id of one store is not reachable through another store's path either.
  const std::string crossed =
      "/api/v1/stores/techstore/products/" + std::to_string(body(created).at("id").as_int64());
  EXPECT_EQ(call(verb::get, crossed).result_int(), 404);

  // Admin routes: 403, its own store included.
  for (const auto& [method, target] :
       {std::pair<verb, const char*>{verb::get, "/api/v1/admin/stores"},
        {verb::post, "/api/v1/admin/stores"},
        {verb::get, "/api/v1/admin/stores/orion"},
        {verb::patch, "/api/v1/admin/stores/orion"},
        {verb::get, "/api/v1/admin/stores/orion/domains"},
        {verb::post, "/api/v1/admin/stores/orion/domains"},
        {verb::post, "/api/v1/admin/domains/orion.lu/verify"},
        {verb::get, "/api/v1/admin/domains/orion.lu"},
        {verb::patch, "/api/v1/admin/domains/orion.lu"},
        {verb::delete_, "/api/v1/admin/domains/orion.lu"}}) {
    auto response = call(method, target, "{}", mine);
    EXPECT_EQ(response.result_int(), 403) << target;
    EXPECT_EQ(error_code(response), "admin_token_required") << target;
  }
  // A deactivated store's token stops working; the admin still manages the store.
  ASSERT_EQ(call(verb::patch, "/api/v1/admin/stores/orion", R"({"is_active":false})").result_int(),
            200);
  auto inactive = call(verb::get, "/api/v1/stores/orion/products", {}, mine);
  EXPECT_EQ(inactive.result_int(), 403);
  EXPECT_EQ(error_code(inactive), "store_inactive");
  EXPECT_EQ(call(verb::get, "/api/v1/stores/orion/products").result_int(), 200);
}

TEST_P(ApiTest, TheApiAnswersOnThePlatformHostOnly) {
  create_store("orion", "Orion Shop");
  auto on_store =
      server_->json(verb::get, "orion.platform.test", "/api/v1/admin/stores", {}, admin_);
  EXPECT_EQ(on_store.result_int(), 404) << on_store.body();
  EXPECT_EQ(
      server_->json(verb::get, "orion.platform.test", "/api/v1/stores/orion/products", {}, admin_)
          .result_int(),
      404);
  auto unknown = call(verb::get, "/api/v1/nothing-here");
  EXPECT_EQ(unknown.result_int(), 404);
  EXPECT_EQ(error_code(unknown), "not_found");
  auto method = call(verb::put, "/api/v1/admin/stores", "{}");
  EXPECT_EQ(method.result_int(), 405);
}

TEST_P(ApiTest, TheOpenApiDocumentIsPublic) {
  auto doc = server_->get(kPlatform, "/api/v1/openapi.json");
  ASSERT_EQ(doc.result_int(), 200);
  EXPECT_EQ(doc["Content-Type"], "application/json");
  auto parsed = body(doc);
  EXPECT_EQ(parsed.at("openapi").as_string().subview().substr(0, 2), "3.");
}

ORION_SERVER_ON_BOTH_BACKENDS(ApiTest);

}  // namespace
}  // namespace orion

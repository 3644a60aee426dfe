// Custom domains in both consoles over a real socket, on both backends, with the real DNS check
// against a dnsmasq on loopback: an owner adds a domain and sees the TXT record to create; the
// check reports an absent record and a wrong value, and passes once the record is right, after
// which the domain routes to the store at once; removal stops the routing. A domain another store
// has is a conflict, an invalid one is refused with its reason; staff are kept out; an admin sees
// every store's domains, adds one to a store, checks it and may force-verify it.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/dnsmasq.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::ConsoleSession;
using testing::Dnsmasq;
using testing::HttpResponse;
using testing::TestServer;
namespace beast_http = boost::beast::http;

constexpr const char* kPassword = "correct horse battery";

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

unsigned status(const HttpResponse& response) { return response.result_int(); }

class DomainsConsoleTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    dns_ = Dnsmasq::start();
    ASSERT_TRUE(dns_);
    app::Config config;
    config.dns_server = dns_->server();
    config.dns_timeout = std::chrono::milliseconds(3'000);
    config.store_cache_ttl = std::chrono::milliseconds(60'000);  // routing must not wait for it
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    alpha_ = testing::seed_store(server_->database(), "alpha", "Alpha Shop", 1).store;
    bravo_ = testing::seed_store(server_->database(), "bravo", "Bravo Shop", 1, {},
                                 {"taken.example.com"})
                 .store;
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto admin = storage::users::create(*tx, "admin@example.com", kPassword, true);
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    auto staff = storage::users::create(*tx, "staff@alpha.test", kPassword, false);
    ASSERT_TRUE(admin && owner && staff);
    ASSERT_TRUE(storage::members::grant(*tx, alpha_.id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(storage::members::grant(*tx, alpha_.id, staff->id, storage::MemberRole::staff));
    ASSERT_TRUE(tx->commit());
  }

  ConsoleSession owner() const {
    return ConsoleSession(*server_, "/store/alpha", "owner@alpha.test", kPassword);
  }
  ConsoleSession admin() const {
    return ConsoleSession(*server_, "/admin", "admin@example.com", kPassword);
  }

  std::string token_of(const std::string& domain) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    auto found = storage::domains::find_any(*tx, domain);
    EXPECT_TRUE(found && *found) << domain;
    return found && *found ? (*found)->record.verification_token : std::string();
  }

  bool is_verified(const std::string& domain) {
    auto tx = server_->database().begin_platform();
    auto found = storage::domains::find_any(*tx, domain);
    return found && *found && (*found)->record.is_verified;
  }

  // The storefront's home page as a shopper on `host` sees it.
  HttpResponse shop_on(const std::string& host) const { return server_->get(host, "/shop/"); }

  std::unique_ptr<Dnsmasq> dns_;
  std::unique_ptr<TestServer> server_;
  storage::StoreRecord alpha_;
  storage::StoreRecord bravo_;
};

TEST_P(DomainsConsoleTest, OwnerAddsChecksAndRemovesADomain) {
  const ConsoleSession session = owner();
  ASSERT_TRUE(session.signed_in());
  auto empty = session.get("/domains");
  ASSERT_EQ(status(empty), 200U) << empty.body();
  EXPECT_NE(empty.body().find("No custom domain yet"), std::string::npos);
  EXPECT_NE(empty.body().find("alpha.platform.test"), std::string::npos);

  auto added = session.post("/domains", "domain=Shop.Example.COM");
  ASSERT_EQ(status(added), 303U) << added.body();
  EXPECT_EQ(location(added), "/store/alpha/domains?added=shop.example.com");
  const std::string token = token_of("shop.example.com");
  const std::string name = "_orion-verify.shop.example.com";
  const std::string value = "orion-verify=" + token;

  auto listed = session.get("/domains?added=shop.example.com");
  ASSERT_EQ(status(listed), 200U);
  EXPECT_NE(listed.body().find("Added shop.example.com"), std::string::npos);
  EXPECT_NE(listed.body().find(">" + name + "<"), std::string::npos) << listed.body();
  EXPECT_NE(listed.body().find(">" + value + "<"), std::string::npos);
  EXPECT_NE(listed.body().find("pending"), std::string::npos);
  EXPECT_EQ(status(shop_on("shop.example.com")), 404U) << "a pending domain must not route";

  // No record at all.
  auto absent = session.post("/domains/shop.example.com/verify", "");
  EXPECT_EQ(status(absent), 422U);
  EXPECT_NE(absent.body().find("No TXT record " + name + " was found"), std::string::npos)
      << absent.body();
  EXPECT_NE(absent.body().find("class=\"error"), std::string::npos);
  EXPECT_FALSE(is_verified("shop.example.com"));

  // A record with another value.
  ASSERT_TRUE(dns_->set_txt(name, {"orion-verify=not-the-token"}));
  auto wrong = session.post("/domains/shop.example.com/verify", "");
  EXPECT_EQ(status(wrong), 422U);
  EXPECT_NE(wrong.body().find("holds &quot;orion-verify=not-the-token&quot;"), std::string::npos)
      << wrong.body();
  EXPECT_NE(wrong.body().find("not the expected " + value), std::string::npos);
  EXPECT_FALSE(is_verified("shop.example.com"));
  EXPECT_EQ(status(shop_on("shop.example.com")), 404U);

  // The right value, beside an unrelated record: verified, and it routes at once.
  ASSERT_TRUE(dns_->set_txt(name, {"v=spf1 -all", value}));
  auto right = session.post("/domains/shop.example.com/verify", "");
  ASSERT_EQ(status(right), 303U) << right.body();
  EXPECT_EQ(location(right), "/store/alpha/domains?verified=shop.example.com");
  EXPECT_TRUE(is_verified("shop.example.com"));
  auto shop = shop_on("shop.example.com");
  EXPECT_EQ(status(shop), 200U);
  EXPECT_NE(shop.body().find("Alpha Shop"), std::string::npos);
  auto after = session.get("/domains?verified=shop.example.com");
  EXPECT_NE(after.body().find("shop.example.com is verified"), std::string::npos);
  EXPECT_NE(after.body().find("state-verified"), std::string::npos);

  // Checking a verified domain again changes nothing.
  auto again = session.post("/domains/shop.example.com/verify", "");
  EXPECT_EQ(status(again), 303U);

  auto removed = session.post("/domains/shop.example.com/remove", "");
  ASSERT_EQ(status(removed), 303U);
  EXPECT_EQ(location(removed), "/store/alpha/domains?removed=shop.example.com");
  EXPECT_EQ(status(shop_on("shop.example.com")), 404U) << "a removed domain must stop routing";
  auto gone = session.get("/domains");
  EXPECT_EQ(gone.body().find(name), std::string::npos);
  EXPECT_EQ(status(session.post("/domains/shop.example.com/remove", "")), 404U);
}

TEST_P(DomainsConsoleTest, ARecordAddedLateIsFoundOnTheNextCheck) {
  const ConsoleSession session = owner();
  ASSERT_EQ(status(session.post("/domains", "domain=late.example.org")), 303U);
  EXPECT_EQ(status(session.post("/domains/late.example.org/verify", "")), 422U);
  ASSERT_TRUE(dns_->set_txt("_orion-verify.late.example.org",
                            {"orion-verify=" + token_of("late.example.org")}));
  EXPECT_EQ(status(session.post("/domains/late.example.org/verify", "")), 303U);
  EXPECT_EQ(status(shop_on("late.example.org")), 200U);
}

TEST_P(DomainsConsoleTest, ADomainOfAnotherStoreIsAConflict) {
  const ConsoleSession session = owner();
  auto taken = session.post("/domains", "domain=TAKEN.example.com");
  EXPECT_EQ(status(taken), 409U);
  EXPECT_NE(taken.body().find("taken.example.com is already in use"), std::string::npos)
      << taken.body();
  EXPECT_NE(taken.body().find("value=\"TAKEN.example.com\""), std::string::npos);
  EXPECT_NE(taken.body().find("class=\"field-error\""), std::string::npos);
  // Nor can the owner check or remove it: it is not this store's.
  EXPECT_EQ(status(session.post("/domains/taken.example.com/verify", "")), 404U);
  EXPECT_EQ(status(session.post("/domains/taken.example.com/remove", "")), 404U);
  auto tx = server_->database().begin_platform();
  auto still = storage::domains::find_any(*tx, "taken.example.com");
  ASSERT_TRUE(still && *still);
  EXPECT_EQ((*still)->store_code, "bravo");
}

TEST_P(DomainsConsoleTest, InvalidDomainsAreRefusedWithTheirReason) {
  const ConsoleSession session = owner();
  const std::pair<std::string, std::string> cases[] = {
      {"", "Enter a domain"},
      {"exa%20mple.com", "domain"},
      {"192.0.2.10", "IP"},
      {"co.uk", "public suffix"},
      {"platform.test", "platform"},
      {"alpha.platform.test", "platform"},
      {"https%3A%2F%2Fshop.example.com%2F", "URL"},
  };
  for (const auto& [input, reason] : cases) {
    auto refused = session.post("/domains", "domain=" + input);
    EXPECT_EQ(status(refused), 422U) << input;
    EXPECT_NE(refused.body().find("class=\"field-error\""), std::string::npos) << input;
    EXPECT_NE(refused.body().find(reason), std::string::npos) << input << ": " << refused.body();
  }
  auto tx = server_->database().begin_platform();
  auto all = storage::domains::list_all(*tx, alpha_.id);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_P(DomainsConsoleTest, StaffCannotManageDomains) {
  const ConsoleSession staff(*server_, "/store/alpha", "staff@alpha.test", kPassword);
  ASSERT_TRUE(staff.signed_in());
  EXPECT_EQ(status(staff.get("/domains")), 403U);
  EXPECT_EQ(status(staff.post("/domains", "domain=staff.example.com")), 403U);
  EXPECT_EQ(status(staff.post("/domains/taken.example.com/verify", "")), 403U);
  EXPECT_EQ(status(staff.post("/domains/taken.example.com/remove", "")), 403U);
  EXPECT_EQ(status(staff.get("/")), 200U);
  // Nor can a store owner use the admin's pages.
  EXPECT_EQ(status(server_->get("platform.test", "/admin/domains")), 302U);
}

TEST_P(DomainsConsoleTest, AdminSeesEveryDomainAndMayForceOne) {
  const ConsoleSession session = admin();
  ASSERT_TRUE(session.signed_in());
  auto added = session.post("/stores/alpha/domains", "domain=admin-added.example.net");
  ASSERT_EQ(status(added), 303U) << added.body();
  EXPECT_EQ(location(added), "/admin/stores/alpha/domains?added=admin-added.example.net");

  auto all = session.get("/domains");
  ASSERT_EQ(status(all), 200U);
  for (const std::string domain : {"admin-added.example.net", "taken.example.com"}) {
    EXPECT_NE(all.body().find(">_orion-verify." + domain + "<"), std::string::npos) << domain;
    EXPECT_NE(all.body().find(">orion-verify=" + token_of(domain) + "<"), std::string::npos);
  }
  EXPECT_NE(all.body().find(">alpha<"), std::string::npos);
  EXPECT_NE(all.body().find(">bravo<"), std::string::npos);

  auto of_bravo = session.get("/stores/bravo/domains");
  ASSERT_EQ(status(of_bravo), 200U);
  EXPECT_NE(of_bravo.body().find("taken.example.com"), std::string::npos);
  EXPECT_EQ(of_bravo.body().find("admin-added.example.net"), std::string::npos);
  EXPECT_EQ(status(session.get("/stores/nosuch/domains")), 404U);

  // A check without the record fails and says why; forcing verifies without one.
  auto check = session.post("/domains/taken.example.com/verify", "back=store");
  EXPECT_EQ(status(check), 422U);
  EXPECT_NE(check.body().find("No TXT record _orion-verify.taken.example.com"), std::string::npos);
  EXPECT_NE(check.body().find("Domains of Bravo Shop"), std::string::npos);
  auto forced = session.post("/domains/taken.example.com/verify", "force=1&back=store");
  ASSERT_EQ(status(forced), 303U) << forced.body();
  EXPECT_EQ(location(forced), "/admin/stores/bravo/domains?verified=taken.example.com");
  EXPECT_TRUE(is_verified("taken.example.com"));
  auto shop = shop_on("taken.example.com");
  EXPECT_EQ(status(shop), 200U);
  EXPECT_NE(shop.body().find("Bravo Shop"), std::string::npos);

  // A real check from the admin console.
  ASSERT_TRUE(dns_->set_txt("_orion-verify.admin-added.example.net",
                            {"orion-verify=" + token_of("admin-added.example.net")}));
  auto checked = session.post("/domains/admin-added.example.net/verify", "");
  ASSERT_EQ(status(checked), 303U) << checked.body();
  EXPECT_EQ(location(checked), "/admin/domains?verified=admin-added.example.net");
  EXPECT_NE(shop_on("admin-added.example.net").body().find("Alpha Shop"), std::string::npos);

  auto duplicate = session.post("/stores/alpha/domains", "domain=taken.example.com");
  EXPECT_EQ(status(duplicate), 409U);
  EXPECT_EQ(status(session.post("/stores/alpha/domains", "domain=co.uk")), 422U);

  auto removed = session.post("/domains/taken.example.com/remove", "");
  ASSERT_EQ(status(removed), 303U);
  EXPECT_EQ(location(removed), "/admin/domains?removed=taken.example.com");
  EXPECT_EQ(status(shop_on("taken.example.com")), 404U);
  EXPECT_EQ(status(session.post("/domains/taken.example.com/verify", "force=1")), 404U);
}

ORION_SERVER_ON_BOTH_BACKENDS(DomainsConsoleTest);

// A resolver that never answers: the check gives up after the configured timeout and says the
// lookup failed, not that the record is missing.
TEST(DomainsConsoleLookup, ATimeoutIsReportedAsAFailedLookup) {
  testing::SilentResolver silent;
  app::Config config;
  config.dns_server = silent.server();
  config.dns_timeout = std::chrono::milliseconds(400);
  auto server = TestServer::start(storage::Backend::sqlite, config);
  ASSERT_TRUE(server);
  auto store =
      testing::seed_store(server->database(), "alpha", "Alpha Shop", 0, {}, {"slow.example.com"})
          .store;
  {
    auto tx = server->database().begin_platform();
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    ASSERT_TRUE(owner);
    ASSERT_TRUE(storage::members::grant(*tx, store.id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(tx->commit());
  }
  const ConsoleSession session(*server, "/store/alpha", "owner@alpha.test", kPassword);
  const auto started = std::chrono::steady_clock::now();
  auto failed = session.post("/domains/slow.example.com/verify", "");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status(failed), 422U);
  EXPECT_NE(failed.body().find("Could not look up the TXT record"), std::string::npos)
      << failed.body();
  EXPECT_NE(failed.body().find("within 400 ms"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(3));
}

}  // namespace
}  // namespace orion

// Custom domains in both consoles over a real socket, on both backends, with the real checks
// against a dnsmasq on loopback: an owner adds a domain and sees the TXT record (and the HTTP
// alternative) to create; the check reports an absent record and a wrong value, and passes once
// the record is right, after which the domain routes to the store at once; removal stops the
// routing. Each domain's page shows its state in words, its recorded transitions with their
// reasons and where its DNS points with the exact fixes; the HTTP check reaches this very server;
// marking a domain primary makes the store's subdomain redirect to it. A domain another store
// has (or held back by its quarantine) and one past the store's limit are refused with the
// reason; staff are kept out; an admin sees every store's domains filtered by state, adds,
// checks, forces, re-checks, marks primary and removes them, and sees the domain health table.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

// A TCP port free on 127.0.0.1 now: the server listens there and the HTTP token check connects
// there, so the check of a domain resolving to 127.0.0.1 reaches this very server.
unsigned short free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  unsigned short port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// How often `needle` occurs in `haystack`.
std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

class DomainsConsoleTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    dns_ = Dnsmasq::start();
    ASSERT_TRUE(dns_);
    app::Config config;
    config.dns_server = dns_->server();
    config.dns_timeout = std::chrono::milliseconds(3'000);
    config.store_cache_ttl = std::chrono::milliseconds(60'000);  // routing must not wait for it
    const unsigned short port = free_tcp_port();
    ASSERT_NE(port, 0U);
    config.listen = "127.0.0.1:" + std::to_string(port);
    config.domain_http_port = port;
    config.domain_http_allow_private = true;  // the HTTP check fetches from this loopback server
    config.domain_limit = 3;
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
  {
    // Verified: a pending claim of another store blocks nobody (see the test after this one).
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::domains::mark_verified(*tx, "taken.example.com"));
    ASSERT_TRUE(tx->commit());
  }
  const ConsoleSession session = owner();
  auto taken = session.post("/domains", "domain=TAKEN.example.com");
  EXPECT_EQ(status(taken), 409U);
  EXPECT_NE(taken.body().find("taken.example.com is already registered"), std::string::npos)
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

TEST_P(DomainsConsoleTest, AnotherStoresPendingClaimDoesNotBlockButTheHttpCheckNeedsTheTxtRecord) {
  const ConsoleSession session = owner();
  // Bravo holds taken.example.com pending: alpha starts its own claim, with its own token.
  ASSERT_EQ(status(session.post("/domains", "domain=taken.example.com")), 303U);
  const std::string bravo_token = token_of("taken.example.com");  // the oldest claim's
  std::string alpha_token;
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto own = storage::domains::find_claim(*tx, "taken.example.com", alpha_.id);
    ASSERT_TRUE(own && *own);
    alpha_token = (*own)->record.verification_token;
  }
  EXPECT_NE(alpha_token, bravo_token) << "bravo's claim keeps its token";
  // The name is contested: the HTTP token proves only that it points here. Refused, saying so.
  auto http = session.post("/domains/taken.example.com/verify", "method=http");
  EXPECT_EQ(status(http), 409U);
  EXPECT_NE(http.body().find("The HTTP check cannot verify taken.example.com"), std::string::npos)
      << http.body();
  EXPECT_NE(http.body().find("_orion-verify.taken.example.com = orion-verify=" + alpha_token),
            std::string::npos)
      << http.body();
  // The TXT record with alpha's token takes the name over from bravo's pending claim.
  ASSERT_TRUE(dns_->set_txt("_orion-verify.taken.example.com", {"orion-verify=" + alpha_token}));
  ASSERT_EQ(status(session.post("/domains/taken.example.com/verify", "method=dns")), 303U);
  EXPECT_EQ(shop_on("taken.example.com").result_int(), 200);
  auto tx = server_->database().begin_platform();
  ASSERT_TRUE(tx);
  auto bravo_claim = storage::domains::find_claim(*tx, "taken.example.com", bravo_.id);
  ASSERT_TRUE(bravo_claim);
  EXPECT_FALSE(*bravo_claim) << "bravo's pending claim ended";
}

TEST_P(DomainsConsoleTest, AnAdminLiftsTheQuarantineOfADomainAnAdminRemoved) {
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::domains::mark_verified(*tx, "taken.example.com"));
    ASSERT_TRUE(tx->commit());
  }
  const ConsoleSession admin_session = admin();
  auto listed = admin_session.get("/domains");
  EXPECT_NE(listed.body().find("No store, this one included, can add it for 30 days"),
            std::string::npos)
      << listed.body();
  ASSERT_EQ(status(admin_session.post("/domains/taken.example.com/remove", "")), 303U);
  const ConsoleSession session = owner();
  EXPECT_EQ(status(session.post("/domains", "domain=taken.example.com")), 409U);

  EXPECT_EQ(status(admin_session.post("/domains/quarantine", "domain=")), 422U);
  EXPECT_EQ(status(admin_session.post("/domains/quarantine", "domain=free.example.com")), 404U);
  auto lifted = admin_session.post("/domains/quarantine", "domain=Taken.Example.com");
  ASSERT_EQ(status(lifted), 303U);
  auto notice = admin_session.get("/domains?lifted=taken.example.com");
  EXPECT_NE(notice.body().find("The quarantine of taken.example.com is lifted"), std::string::npos);
  EXPECT_EQ(status(session.post("/domains", "domain=taken.example.com")), 303U);
  auto tx = server_->database().begin_platform();
  ASSERT_TRUE(tx);
  auto history = storage::domains::events_any(*tx, "taken.example.com");
  ASSERT_TRUE(history);
  bool recorded = false;
  for (const auto& e : *history) {
    recorded = recorded ||
               (e.store_id == bravo_.id && e.reason == "quarantine lifted by an administrator");
  }
  EXPECT_TRUE(recorded) << "the lift is in the history of the store it was removed from";
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
  EXPECT_EQ(status(staff.get("/domains/taken.example.com")), 403U);
  EXPECT_EQ(status(staff.post("/domains/taken.example.com/primary", "primary=1")), 403U);
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

TEST_P(DomainsConsoleTest, StatesAndTheirTransitionsAreShownWithReasons) {
  const ConsoleSession session = owner();
  ASSERT_EQ(status(session.post("/domains", "domain=shop.example.com")), 303U);
  const std::string token = token_of("shop.example.com");
  const std::string name = "_orion-verify.shop.example.com";

  // Pending: in words, with both ways to prove it.
  auto listed = session.get("/domains");
  ASSERT_EQ(status(listed), 200U);
  EXPECT_NE(listed.body().find("state-pending"), std::string::npos) << listed.body();
  EXPECT_NE(listed.body().find("Pending: not verified yet"), std::string::npos);
  EXPECT_NE(listed.body().find(">http://shop.example.com/.well-known/orion-verify/" + token + "<"),
            std::string::npos);
  EXPECT_NE(listed.body().find("class=\"http-body\">orion-verify=" + token + "<"),
            std::string::npos);
  auto pending = session.get("/domains/shop.example.com");
  ASSERT_EQ(status(pending), 200U) << pending.body();
  EXPECT_EQ(count_of(pending.body(), "class=\"event\""), 1U);
  EXPECT_NE(pending.body().find("<td>(new)</td><td>pending</td>"), std::string::npos)
      << pending.body();
  EXPECT_NE(pending.body().find("added; waiting for verification"), std::string::npos);

  // Verified from the domain's page: back there, with the transition and its reason.
  ASSERT_TRUE(dns_->set_txt(name, {"orion-verify=" + token}));
  auto verified = session.post("/domains/shop.example.com/verify", "method=dns&back=detail");
  ASSERT_EQ(status(verified), 303U) << verified.body();
  EXPECT_EQ(location(verified), "/store/alpha/domains/shop.example.com?verified=shop.example.com");
  auto page = session.get("/domains/shop.example.com?verified=shop.example.com");
  ASSERT_EQ(status(page), 200U);
  EXPECT_NE(page.body().find("state-verified"), std::string::npos) << page.body();
  EXPECT_NE(page.body().find("Verified by its DNS TXT record: it serves the shop."),
            std::string::npos);
  EXPECT_NE(page.body().find("Next re-check"), std::string::npos);
  EXPECT_NE(page.body().find("<td>pending</td><td>verified</td><td class=\"reason\">verified: "),
            std::string::npos);
  EXPECT_EQ(count_of(page.body(), "class=\"event\""), 2U);

  // The record goes away: the owner's check fails, the domain is failing but still routes.
  ASSERT_TRUE(dns_->set_txt(name, {}));
  auto failed = session.post("/domains/shop.example.com/verify", "method=dns");
  EXPECT_EQ(status(failed), 422U);
  EXPECT_NE(failed.body().find("state-failing"), std::string::npos) << failed.body();
  EXPECT_NE(failed.body().find("Failing: a re-check failed. It still serves the shop until"),
            std::string::npos);
  EXPECT_NE(failed.body().find("class=\"error check-error\">No TXT record " + name),
            std::string::npos);
  EXPECT_EQ(status(shop_on("shop.example.com")), 200U) << "a failing domain still routes";
  auto history = session.get("/domains/shop.example.com");
  EXPECT_NE(history.body().find("<td>verified</td><td>failing</td><td class=\"reason\">the "
                                "re-check failed; still routing until the grace period ends"),
            std::string::npos)
      << history.body();
  EXPECT_NE(history.body().find("Last check"), std::string::npos);
  // Newest first: failing, verified, added.
  EXPECT_LT(history.body().find("<td>failing</td><td class"),
            history.body().find("<td>verified</td><td class"));
}

TEST_P(DomainsConsoleTest, ThePointingReportListsTheFixOrSaysItPointsHere) {
  const ConsoleSession session = owner();
  ASSERT_EQ(status(session.post("/domains", "domain=here.example.com")), 303U);
  ASSERT_EQ(status(session.post("/domains", "domain=away.example.com")), 303U);
  ASSERT_TRUE(dns_->set_address("platform.test", {"127.0.0.1"}));
  ASSERT_TRUE(dns_->set_cname("here.example.com", "platform.test"));
  ASSERT_TRUE(dns_->set_address("away.example.com", {"192.0.2.1"}));

  auto here = session.get("/domains/here.example.com");
  ASSERT_EQ(status(here), 200U);
  EXPECT_NE(here.body().find("class=\"pointing-points_here\""), std::string::npos) << here.body();
  EXPECT_NE(here.body().find("<strong>points here</strong>"), std::string::npos);
  EXPECT_NE(here.body().find("<code>CNAME platform.test</code>"), std::string::npos);
  EXPECT_EQ(here.body().find("class=\"fixes\""), std::string::npos);

  auto away = session.get("/domains/away.example.com");
  ASSERT_EQ(status(away), 200U);
  EXPECT_NE(away.body().find("class=\"pointing-points_elsewhere\""), std::string::npos)
      << away.body();
  EXPECT_NE(away.body().find("<code>A 192.0.2.1</code>"), std::string::npos);
  EXPECT_NE(away.body().find("<li><code>Remove the A record away.example.com → 192.0.2.1</code>"),
            std::string::npos);
  EXPECT_NE(
      away.body().find("<li><code>Create a CNAME record: away.example.com → platform.test</code>"),
      std::string::npos);
  // The report belongs to the domain's page only: the list does no lookups.
  EXPECT_EQ(session.get("/domains").body().find("pointing-"), std::string::npos);
  EXPECT_EQ(status(session.get("/domains/taken.example.com")), 404U) << "another store's domain";
}

TEST_P(DomainsConsoleTest, TheHttpCheckReachesOrionItself) {
  // Under example.org: no other store has a name there, so the HTTP proof is allowed.
  const ConsoleSession session = owner();
  ASSERT_EQ(status(session.post("/domains", "domain=http.example.org")), 303U);
  ASSERT_EQ(status(session.post("/domains", "domain=nowhere.example.org")), 303U);
  ASSERT_TRUE(dns_->set_address("http.example.org", {"127.0.0.1"}));

  auto passed = session.post("/domains/http.example.org/verify", "method=http");
  ASSERT_EQ(status(passed), 303U) << passed.body();
  EXPECT_TRUE(is_verified("http.example.org"));
  EXPECT_EQ(status(shop_on("http.example.org")), 200U);
  auto page = session.get("/domains/http.example.org");
  EXPECT_NE(page.body().find("Verified by HTTP: it serves the shop."), std::string::npos)
      << page.body();

  // No address: nothing answers the token.
  auto failed = session.post("/domains/nowhere.example.org/verify", "method=http");
  EXPECT_EQ(status(failed), 422U);
  EXPECT_NE(failed.body().find("class=\"error check-error\""), std::string::npos);
  EXPECT_FALSE(is_verified("nowhere.example.org"));
  auto unknown = session.post("/domains/nowhere.example.org/verify", "method=carrier-pigeon");
  EXPECT_EQ(status(unknown), 422U);
  EXPECT_NE(unknown.body().find("by DNS or by HTTP"), std::string::npos);
}

TEST_P(DomainsConsoleTest, APrimaryDomainTakesTheStoresVisitorsUntilUnmarked) {
  const ConsoleSession session = owner();
  ASSERT_EQ(status(session.post("/domains", "domain=p.example.com")), 303U);
  ASSERT_EQ(status(session.post("/domains", "domain=q.example.com")), 303U);
  ASSERT_TRUE(
      dns_->set_txt("_orion-verify.p.example.com", {"orion-verify=" + token_of("p.example.com")}));
  ASSERT_EQ(status(session.post("/domains/p.example.com/verify", "")), 303U);

  auto refused = session.post("/domains/q.example.com/primary", "primary=1");
  EXPECT_EQ(status(refused), 409U);
  EXPECT_NE(refused.body().find("Only a verified domain can be primary"), std::string::npos)
      << refused.body();
  EXPECT_EQ(status(session.post("/domains/p.example.com/primary", "primary=maybe")), 422U);

  auto marked = session.post("/domains/p.example.com/primary", "primary=1");
  ASSERT_EQ(status(marked), 303U) << marked.body();
  EXPECT_EQ(location(marked), "/store/alpha/domains?primary=p.example.com");
  auto listed = session.get("/domains?primary=p.example.com");
  EXPECT_NE(listed.body().find("p.example.com is the primary domain"), std::string::npos);
  EXPECT_NE(listed.body().find("<strong class=\"primary\">(primary)</strong>"), std::string::npos);
  EXPECT_NE(listed.body().find("Stop being primary"), std::string::npos);
  EXPECT_EQ(status(session.get("/domains")), 200U) << "the dashboard never redirects";

  // The storefront on the subdomain now answers with the same page on the primary domain.
  auto moved = server_->get("alpha.platform.test", "/shop/products?page=1");
  EXPECT_EQ(status(moved), 301U);
  EXPECT_EQ(location(moved), "https://p.example.com/shop/products?page=1");
  EXPECT_EQ(status(shop_on("p.example.com")), 200U);

  auto unmarked = session.post("/domains/p.example.com/primary", "primary=0&back=detail");
  ASSERT_EQ(status(unmarked), 303U);
  EXPECT_EQ(location(unmarked), "/store/alpha/domains/p.example.com?unprimary=p.example.com");
  EXPECT_EQ(status(shop_on("alpha.platform.test")), 200U) << "unmarking stops the redirects";
  auto history = session.get("/domains/p.example.com");
  EXPECT_NE(history.body().find("marked primary"), std::string::npos) << history.body();
  EXPECT_NE(history.body().find("no longer primary"), std::string::npos);
}

TEST_P(DomainsConsoleTest, TheLimitAndAnotherStoresQuarantineAreRefusedWithTheirReason) {
  const ConsoleSession session = owner();
  for (const std::string domain : {"one.example.com", "two.example.com", "three.example.com"}) {
    ASSERT_EQ(status(session.post("/domains", "domain=" + domain)), 303U) << domain;
  }
  auto over = session.post("/domains", "domain=four.example.com");
  EXPECT_EQ(status(over), 409U);
  EXPECT_NE(over.body().find("class=\"field-error\">A store may have at most 3 domains"),
            std::string::npos)
      << over.body();
  // The quarantine is explained before removing.
  auto listed = session.get("/domains");
  EXPECT_NE(listed.body().find("Removing one.example.com stops it serving the shop at once"),
            std::string::npos);
  EXPECT_NE(listed.body().find("It was never verified, so no store is kept from adding it"),
            std::string::npos)
      << "a pending domain is not held back";
  ASSERT_EQ(status(session.post("/domains/three.example.com/remove", "")), 303U);

  // Bravo's domain, once verified, removed by an admin is held back from alpha.
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::domains::mark_verified(*tx, "taken.example.com"));
    ASSERT_TRUE(tx->commit());
  }
  const ConsoleSession admin_session = admin();
  ASSERT_EQ(status(admin_session.post("/domains/taken.example.com/remove", "")), 303U);
  auto held = session.post("/domains", "domain=taken.example.com");
  EXPECT_EQ(status(held), 409U);
  EXPECT_NE(held.body().find("The domain taken.example.com was recently removed from another "
                             "store and is held back until "),
            std::string::npos)
      << held.body();
  EXPECT_EQ(status(session.post("/domains", "domain=four.example.com")), 303U);
}

TEST_P(DomainsConsoleTest, AdminFiltersForcesRechecksAndMarksPrimary) {
  const ConsoleSession session = admin();
  auto pending = session.get("/domains?state=pending");
  ASSERT_EQ(status(pending), 200U);
  EXPECT_NE(pending.body().find("id=\"domain-taken.example.com\""), std::string::npos);
  EXPECT_NE(pending.body().find("pending (1)"), std::string::npos) << pending.body();
  EXPECT_NE(pending.body().find("verified (0)"), std::string::npos);
  EXPECT_EQ(session.get("/domains?state=verified").body().find("id=\"domain-taken.example.com\""),
            std::string::npos);
  EXPECT_EQ(status(session.get("/domains?state=bogus")), 400U);

  auto forced = session.post("/domains/taken.example.com/verify", "force=1&back=detail");
  ASSERT_EQ(status(forced), 303U) << forced.body();
  EXPECT_EQ(location(forced), "/admin/domains/taken.example.com?verified=taken.example.com");
  auto page = session.get("/domains/taken.example.com");
  ASSERT_EQ(status(page), 200U);
  EXPECT_NE(page.body().find("Verified by an admin, without a check: it serves the shop. It is "
                             "not re-checked until an admin asks."),
            std::string::npos)
      << page.body();
  EXPECT_NE(page.body().find("verified by an administrator; not re-checked on schedule"),
            std::string::npos);
  EXPECT_NE(page.body().find("Re-check by DNS"), std::string::npos);
  EXPECT_NE(session.get("/domains?state=verified").body().find("verified (1)"), std::string::npos);

  // The admin's re-check is a real check; with the record in place it passes by DNS.
  ASSERT_TRUE(dns_->set_txt("_orion-verify.taken.example.com",
                            {"orion-verify=" + token_of("taken.example.com")}));
  auto rechecked = session.post("/domains/taken.example.com/verify", "method=dns&back=detail");
  ASSERT_EQ(status(rechecked), 303U) << rechecked.body();
  auto after = session.get("/domains/taken.example.com");
  EXPECT_NE(after.body().find("Verified by its DNS TXT record"), std::string::npos) << after.body();
  EXPECT_EQ(after.body().find("Re-check by DNS"), std::string::npos);

  auto marked = session.post("/domains/taken.example.com/primary", "primary=1&back=store");
  ASSERT_EQ(status(marked), 303U) << marked.body();
  EXPECT_EQ(location(marked), "/admin/stores/bravo/domains?primary=taken.example.com");
  EXPECT_NE(session.get("/stores/bravo/domains").body().find("(primary)"), std::string::npos);
  EXPECT_EQ(status(server_->get("bravo.platform.test", "/shop/")), 301U);
  ASSERT_EQ(status(session.post("/domains/taken.example.com/primary", "primary=0")), 303U);
  EXPECT_EQ(status(server_->get("bravo.platform.test", "/shop/")), 200U);
  EXPECT_EQ(status(session.get("/domains/no-such.example.com")), 404U);
}

TEST_P(DomainsConsoleTest, TheHealthPageListsABrokenDomainAndThenAllGood) {
  const ConsoleSession session = admin();
  auto broken = session.get("/domains/health");
  ASSERT_EQ(status(broken), 200U) << broken.body();
  EXPECT_NE(broken.body().find("Checked 2 stores"), std::string::npos) << broken.body();
  // Counts keep their noun's number: one domain, two problems.
  EXPECT_NE(broken.body().find("the DNS of 1 custom domain:"), std::string::npos);
  EXPECT_NE(broken.body().find("<strong>2 problems</strong>"), std::string::npos);
  EXPECT_EQ(broken.body().find("id=\"health-ok\""), std::string::npos);
  EXPECT_NE(broken.body().find("<td><code>taken.example.com</code></td>"), std::string::npos);
  EXPECT_NE(broken.body().find("TXT _orion-verify.taken.example.com = orion-verify=" +
                               token_of("taken.example.com")),
            std::string::npos);
  EXPECT_NE(broken.body().find("class=\"fix\""), std::string::npos);
  EXPECT_NE(broken.body().find(">bravo</a>"), std::string::npos);

  ASSERT_EQ(status(session.post("/domains/taken.example.com/remove", "")), 303U);
  auto good = session.get("/domains/health");
  ASSERT_EQ(status(good), 200U);
  EXPECT_NE(good.body().find("id=\"health-ok\""), std::string::npos) << good.body();
  EXPECT_NE(good.body().find("<strong>0 problems</strong>"), std::string::npos);
  EXPECT_EQ(good.body().find("class=\"problem\""), std::string::npos);
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

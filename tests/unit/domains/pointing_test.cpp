// Where a custom domain's A/AAAA/CNAME records point against the platform's expected targets
// (DnsVerifier::pointing, with dnsmasq on loopback as the resolver), the exact records to fix
// when they do not, and the parsing of --domain-targets and of the verification method.
#include <gtest/gtest.h>

#include <chrono>

#include "domains/verifier.hpp"
#include "support/dnsmasq.hpp"

namespace orion::domains {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using Status = Pointing::Status;

TEST(ParseTargets, AddressesAndOneHostName) {
  auto targets = parse_targets(" 203.0.113.10, 2001:DB8::10 ,Shops.Platform.Example., [::1]");
  ASSERT_TRUE(targets) << targets.error().message;
  EXPECT_EQ(targets->addresses, (Strings{"203.0.113.10", "2001:db8::10", "::1"}));
  EXPECT_EQ(targets->cname, "shops.platform.example");

  auto empty = parse_targets("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->cname.empty());
  EXPECT_TRUE(empty->addresses.empty());

  auto repeated = parse_targets("192.0.2.1,192.0.2.1,,");
  ASSERT_TRUE(repeated);
  EXPECT_EQ(repeated->addresses, Strings{"192.0.2.1"});
}

TEST(ParseTargets, RefusesWhatIsNeitherAndTwoHosts) {
  for (const char* text : {"not a host", "192.0.2.1,http://x.example", "-bad.example.com",
                           "shop_1.example.com", "localhost"}) {
    auto targets = parse_targets(text);
    ASSERT_FALSE(targets) << text;
    EXPECT_EQ(targets.error().code, core::Errc::invalid_input);
    EXPECT_NE(targets.error().message.find("neither an IP address nor a host name"),
              std::string::npos)
        << targets.error().message;
  }
  auto two = parse_targets("a.example.com,b.example.com");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("at most one CNAME target"), std::string::npos);
}

TEST(Method, NamesRoundTrip) {
  EXPECT_EQ(to_string(Method::dns), "dns");
  EXPECT_EQ(to_string(Method::http), "http");
  EXPECT_EQ(parse_method("dns"), Method::dns);
  EXPECT_EQ(parse_method("http"), Method::http);
  EXPECT_EQ(parse_method("https"), std::nullopt);
  EXPECT_EQ(parse_method(""), std::nullopt);
}

TEST(PointingStatus, Names) {
  EXPECT_EQ(to_string(Status::points_here), "points_here");
  EXPECT_EQ(to_string(Status::points_elsewhere), "points_elsewhere");
  EXPECT_EQ(to_string(Status::no_records), "no_records");
  EXPECT_EQ(to_string(Status::lookup_failed), "lookup_failed");
}

// The platform domain shops.platform.test resolves to 198.51.100.10; no targets configured.
class PointingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = testing::Dnsmasq::start();
    ASSERT_TRUE(dns_);
    ASSERT_TRUE(dns_->set_address("shops.platform.test", {"198.51.100.10"}));
  }
  [[nodiscard]] std::unique_ptr<DnsVerifier> verifier(Targets targets = {}) const {
    DnsOptions options;
    options.server = dns_->server();
    options.timeout = 3s;
    options.platform_domain = "shops.platform.test";
    options.targets = std::move(targets);
    auto made = DnsVerifier::make(options);
    EXPECT_TRUE(made);
    return made ? std::move(*made) : nullptr;
  }
  std::unique_ptr<testing::Dnsmasq> dns_;
};

TEST_F(PointingTest, CnameToThePlatformPointsHere) {
  ASSERT_TRUE(dns_->set_cname("shop.example.com", "shops.platform.test"));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_here) << pointing.message;
  EXPECT_TRUE(pointing.ok());
  EXPECT_EQ(pointing.found, Strings{"CNAME shops.platform.test"});
  EXPECT_EQ(pointing.expected, (Strings{"CNAME shops.platform.test", "A 198.51.100.10"}));
  EXPECT_TRUE(pointing.fixes.empty());
  EXPECT_EQ(pointing.message,
            "shop.example.com points at the platform (CNAME shops.platform.test).");
}

TEST_F(PointingTest, CnameElsewhereIsReplaced) {
  ASSERT_TRUE(dns_->set_address("shops.other-host.test", {"192.0.2.50"}));
  ASSERT_TRUE(dns_->set_cname("shop.example.com", "shops.other-host.test"));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_elsewhere) << pointing.message;
  EXPECT_FALSE(pointing.ok());
  EXPECT_EQ(pointing.found, Strings{"CNAME shops.other-host.test"});
  EXPECT_EQ(pointing.fixes,
            (Strings{"Remove the CNAME record shop.example.com → shops.other-host.test",
                     "Create a CNAME record: shop.example.com → shops.platform.test"}));
  EXPECT_NE(pointing.message.find("points elsewhere (CNAME shops.other-host.test)"),
            std::string::npos)
      << pointing.message;
}

TEST_F(PointingTest, CnameThroughAnotherNameToThePlatformAddressPointsHere) {
  // e.g. a CDN or the owner's own alias in between: the addresses visitors reach decide.
  ASSERT_TRUE(dns_->set_cname("alias.example.com", "shops.platform.test"));
  ASSERT_TRUE(dns_->set_cname("shop.example.com", "alias.example.com"));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_here) << pointing.message;
}

TEST_F(PointingTest, ARecordAtThePlatformAddressPointsHere) {
  ASSERT_TRUE(dns_->set_address("shop.example.com", {"198.51.100.10"}));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_here) << pointing.message;
  EXPECT_EQ(pointing.found, Strings{"A 198.51.100.10"});
  EXPECT_TRUE(pointing.fixes.empty());
}

TEST_F(PointingTest, ARecordElsewhereOnASubdomainBecomesACname) {
  ASSERT_TRUE(dns_->set_address("shop.example.com", {"192.0.2.9"}));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_elsewhere) << pointing.message;
  EXPECT_EQ(pointing.found, Strings{"A 192.0.2.9"});
  EXPECT_EQ(pointing.fixes,
            (Strings{"Remove the A record shop.example.com → 192.0.2.9",
                     "Create a CNAME record: shop.example.com → shops.platform.test"}));
}

TEST_F(PointingTest, ApexDomainGetsAddressRecordsNotACname) {
  ASSERT_TRUE(dns_->set_address("example.com", {"192.0.2.9"}));
  const Pointing pointing = verifier()->pointing("example.com");
  EXPECT_EQ(pointing.status, Status::points_elsewhere) << pointing.message;
  EXPECT_EQ(pointing.fixes, (Strings{"Remove the A record example.com → 192.0.2.9",
                                     "Create an A record: example.com → 198.51.100.10"}));
  // Also under a multi-label public suffix.
  const Pointing uk = verifier()->pointing("shop.co.uk");
  EXPECT_EQ(uk.status, Status::no_records) << uk.message;
  EXPECT_EQ(uk.fixes, Strings{"Create an A record: shop.co.uk → 198.51.100.10"});
}

TEST_F(PointingTest, OnlyTheWrongAddressIsRemovedWhenOneIsRight) {
  ASSERT_TRUE(dns_->set_address("shop.example.com", {"198.51.100.10", "2001:db8::99"}));
  const Pointing pointing = verifier()->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::points_elsewhere) << pointing.message;
  EXPECT_EQ(pointing.found, (Strings{"A 198.51.100.10", "AAAA 2001:db8::99"}));
  EXPECT_EQ(pointing.fixes, Strings{"Remove the AAAA record shop.example.com → 2001:db8::99"});
}

TEST_F(PointingTest, NoRecordsSaysWhatToCreate) {
  const Pointing pointing = verifier()->pointing("new.example.com");
  EXPECT_EQ(pointing.status, Status::no_records) << pointing.message;
  EXPECT_TRUE(pointing.found.empty());
  EXPECT_EQ(pointing.fixes,
            Strings{"Create a CNAME record: new.example.com → shops.platform.test"});
  EXPECT_NE(pointing.message.find("has no A, AAAA or CNAME record"), std::string::npos);
}

TEST_F(PointingTest, ConfiguredAddressesReplaceThePlatformDomain) {
  auto targets = parse_targets("203.0.113.10,2001:db8::10");
  ASSERT_TRUE(targets);
  const auto configured = verifier(*targets);
  ASSERT_TRUE(dns_->set_address("here.example.com", {"203.0.113.10", "2001:db8::10"}));
  EXPECT_EQ(configured->pointing("here.example.com").status, Status::points_here);
  // The platform domain's own address is not a target any more, and no CNAME is offered.
  ASSERT_TRUE(dns_->set_address("old.example.com", {"198.51.100.10"}));
  const Pointing old = configured->pointing("old.example.com");
  EXPECT_EQ(old.status, Status::points_elsewhere) << old.message;
  EXPECT_EQ(old.expected, (Strings{"A 203.0.113.10", "AAAA 2001:db8::10"}));
  EXPECT_EQ(old.fixes, (Strings{"Remove the A record old.example.com → 198.51.100.10",
                                "Create an A record: old.example.com → 203.0.113.10",
                                "Create an AAAA record: old.example.com → 2001:db8::10"}));
}

TEST_F(PointingTest, ConfiguredCnameTarget) {
  auto targets = parse_targets("edge.cdn.test");
  ASSERT_TRUE(targets);
  const auto configured = verifier(*targets);
  ASSERT_TRUE(dns_->set_cname("shop.example.com", "edge.cdn.test"));
  EXPECT_EQ(configured->pointing("shop.example.com").status, Status::points_here);
  // A CNAME to the platform domain is not the configured target.
  ASSERT_TRUE(dns_->set_cname("other.example.com", "shops.platform.test"));
  const Pointing other = configured->pointing("other.example.com");
  EXPECT_EQ(other.status, Status::points_elsewhere);
  EXPECT_EQ(other.fixes.back(), "Create a CNAME record: other.example.com → edge.cdn.test");
  // An apex domain cannot have a CNAME, and the target has no address to copy.
  const Pointing apex = configured->pointing("example.org");
  EXPECT_EQ(apex.status, Status::no_records);
  EXPECT_EQ(apex.fixes, Strings{"Create an ALIAS (or ANAME) record: example.org → edge.cdn.test "
                                "(an apex domain cannot have a CNAME)"});
}

TEST(PointingFailures, ASilentResolverIsALookupFailure) {
  testing::SilentResolver silent;
  DnsOptions options;
  options.server = silent.server();
  options.timeout = 300ms;
  auto verifier = DnsVerifier::make(options);
  ASSERT_TRUE(verifier);
  const Pointing pointing = (*verifier)->pointing("shop.example.com");
  EXPECT_EQ(pointing.status, Status::lookup_failed);
  EXPECT_FALSE(pointing.ok());
  EXPECT_TRUE(pointing.fixes.empty());
  EXPECT_NE(pointing.message.find("Could not look up where shop.example.com points"),
            std::string::npos)
      << pointing.message;
  EXPECT_NE(pointing.message.find("within 300 ms"), std::string::npos) << pointing.message;
}

}  // namespace
}  // namespace orion::domains

// The DNS TXT check of src/domains against a real dnsmasq on loopback, and the resolver
// addresses --dns-server accepts.
#include <gtest/gtest.h>

#include <chrono>
#include <tuple>

#include "domains/verifier.hpp"
#include "support/dnsmasq.hpp"

namespace orion::domains {
namespace {

using namespace std::chrono_literals;

DnsOptions options(std::string server, std::chrono::milliseconds timeout) {
  DnsOptions options;
  options.server = std::move(server);
  options.timeout = timeout;
  return options;
}

TEST(ParseResolver, AcceptsAddressesWithAndWithoutAPort) {
  auto system = parse_resolver("");
  ASSERT_TRUE(system);
  EXPECT_TRUE(system->is_system());
  EXPECT_EQ(system->describe(), "the system's resolver");
  const std::tuple<const char*, const char*, unsigned> cases[] = {
      {"127.0.0.1", "127.0.0.1", 53},
      {"127.0.0.1:5353", "127.0.0.1", 5353},
      {"localhost:53", "127.0.0.1", 53},
      {"::1", "::1", 53},
      {"[::1]", "::1", 53},
      {"[2001:db8::1]:5300", "2001:db8::1", 5300},
  };
  for (const auto& [text, address, port] : cases) {
    auto parsed = parse_resolver(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(parsed->address, address) << text;
    EXPECT_EQ(parsed->port, port) << text;
  }
  EXPECT_EQ(parse_resolver("[::1]:53")->describe(), "[::1]:53");
  EXPECT_EQ(parse_resolver("10.0.0.2")->describe(), "10.0.0.2:53");
}

TEST(ParseResolver, RefusesWhatIsNotAnIpAndPort) {
  for (const char* text : {"resolver", "dns.example.com:53", "127.0.0.1:", "127.0.0.1:0",
                           "127.0.0.1:70000", "127.0.0.1:5x", "[::1", "[::1]x", "1.2.3.4.5"}) {
    auto parsed = parse_resolver(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, core::Errc::invalid_input);
    EXPECT_NE(parsed.error().message.find("IP[:PORT]"), std::string::npos) << text;
  }
}

TEST(DnsVerifier, RefusesABadResolverOrTimeout) {
  EXPECT_FALSE(DnsVerifier::make(options("not an address", 1s)));
  EXPECT_FALSE(DnsVerifier::make(options("127.0.0.1:53", 0ms)));
}

TEST(Records, NameAndValue) {
  EXPECT_EQ(record_name("shop.example.com"), "_orion-verify.shop.example.com");
  EXPECT_EQ(record_value("abc123"), "orion-verify=abc123");
}

class DnsVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = testing::Dnsmasq::start();
    ASSERT_TRUE(dns_);
    auto verifier = DnsVerifier::make(options(dns_->server(), 3s));
    ASSERT_TRUE(verifier);
    verifier_ = std::move(*verifier);
  }
  std::unique_ptr<testing::Dnsmasq> dns_;
  std::unique_ptr<DnsVerifier> verifier_;
};

TEST_F(DnsVerifierTest, AbsentRecordIsNotFound) {
  const Check check = verifier_->check("absent.example.com", "t0k3n");
  EXPECT_EQ(check.outcome, Outcome::not_found);
  EXPECT_FALSE(check.verified());
  EXPECT_NE(check.message.find("No TXT record _orion-verify.absent.example.com"),
            std::string::npos);
  EXPECT_NE(check.message.find("orion-verify=t0k3n"), std::string::npos) << check.message;
}

TEST_F(DnsVerifierTest, WrongValueSaysWhatWasFound) {
  ASSERT_TRUE(dns_->set_txt("_orion-verify.shop.example.com", {"orion-verify=other"}));
  const Check check = verifier_->check("shop.example.com", "t0k3n");
  EXPECT_EQ(check.outcome, Outcome::wrong_value);
  EXPECT_NE(check.message.find("\"orion-verify=other\""), std::string::npos) << check.message;
  EXPECT_NE(check.message.find("not the expected orion-verify=t0k3n"), std::string::npos);
}

TEST_F(DnsVerifierTest, RightValueAmongOthersVerifies) {
  ASSERT_TRUE(dns_->set_txt("_orion-verify.shop.example.com",
                            {"google-site-verification=x", "orion-verify=t0k3n"}));
  const Check check = verifier_->check("shop.example.com", "t0k3n");
  EXPECT_EQ(check.outcome, Outcome::verified) << check.message;
  EXPECT_TRUE(check.verified());
  // Another domain's record does not verify this one, nor does another token.
  EXPECT_EQ(verifier_->check("other.example.com", "t0k3n").outcome, Outcome::not_found);
  EXPECT_EQ(verifier_->check("shop.example.com", "t0k3").outcome, Outcome::wrong_value);
}

TEST_F(DnsVerifierTest, QuotesKeptByAProviderStillMatch) {
  // Some DNS providers' forms publish the quotes an owner typed as part of the value.
  ASSERT_TRUE(dns_->set_txt("_orion-verify.quoted.example.com", {"\"orion-verify=t0k3n\""}));
  EXPECT_EQ(verifier_->check("quoted.example.com", "t0k3n").outcome, Outcome::verified);
  EXPECT_EQ(verifier_->check("quoted.example.com", "t0k3").outcome, Outcome::wrong_value);
}

TEST_F(DnsVerifierTest, ARecordAddedLateIsSeen) {
  EXPECT_EQ(verifier_->check("late.example.com", "abc").outcome, Outcome::not_found);
  ASSERT_TRUE(dns_->set_txt("_orion-verify.late.example.com", {"orion-verify=abc"}));
  EXPECT_EQ(verifier_->check("late.example.com", "abc").outcome, Outcome::verified);
}

TEST(DnsVerifierFailures, ASilentResolverTimesOut) {
  testing::SilentResolver silent;
  auto verifier = DnsVerifier::make(options(silent.server(), 300ms));
  ASSERT_TRUE(verifier);
  const auto started = std::chrono::steady_clock::now();
  const Check check = (*verifier)->check("shop.example.com", "t0k3n");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(check.outcome, Outcome::lookup_failed);
  EXPECT_NE(check.message.find("within 300 ms"), std::string::npos) << check.message;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2s);
}

}  // namespace
}  // namespace orion::domains

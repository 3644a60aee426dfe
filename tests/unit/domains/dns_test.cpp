// The A, AAAA and CNAME lookups of DnsClient against a real dnsmasq on loopback: several
// addresses, CNAME chains (the first hop is what `cname` reports, the addresses at the end are
// what `a` reports), names without records, and a resolver that never answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "domains/dns.hpp"
#include "support/dnsmasq.hpp"

namespace orion::domains {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> sorted(std::vector<std::string> list) {
  std::sort(list.begin(), list.end());
  return list;
}

class DnsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = testing::Dnsmasq::start();
    ASSERT_TRUE(dns_);
  }
  [[nodiscard]] DnsClient client() const { return DnsClient(*parse_resolver(dns_->server()), 3s); }
  std::unique_ptr<testing::Dnsmasq> dns_;
};

TEST_F(DnsClientTest, AddressesOfAName) {
  ASSERT_TRUE(dns_->set_address("host.example.com", {"192.0.2.1", "192.0.2.2", "2001:db8::1"}));
  const DnsClient dns = client();
  const Answer v4 = dns.a("host.example.com");
  ASSERT_EQ(v4.status, Answer::Status::found) << v4.problem;
  EXPECT_EQ(sorted(v4.records), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  const Answer v6 = dns.aaaa("host.example.com");
  ASSERT_EQ(v6.status, Answer::Status::found) << v6.problem;
  EXPECT_EQ(v6.records, std::vector<std::string>{"2001:db8::1"});
  // The name has no CNAME of its own.
  EXPECT_EQ(dns.cname("host.example.com").status, Answer::Status::no_record);
}

TEST_F(DnsClientTest, AnAddressRecordIsExactNotAWildcard) {
  ASSERT_TRUE(dns_->set_address("host.example.com", {"192.0.2.1"}));
  const DnsClient dns = client();
  EXPECT_EQ(dns.a("sub.host.example.com").status, Answer::Status::no_record);
  EXPECT_EQ(dns.a("example.com").status, Answer::Status::no_record);
}

TEST_F(DnsClientTest, OnlyIpv4MeansNoAaaa) {
  ASSERT_TRUE(dns_->set_address("v4.example.com", {"192.0.2.7"}));
  const Answer v6 = client().aaaa("v4.example.com");
  EXPECT_EQ(v6.status, Answer::Status::no_record);
  EXPECT_TRUE(v6.records.empty());
}

TEST_F(DnsClientTest, CnameIsTheFirstHopAndAddressesFollowTheChain) {
  ASSERT_TRUE(dns_->set_address("edge.platform.test", {"203.0.113.10"}));
  ASSERT_TRUE(dns_->set_cname("www.platform.test", "edge.platform.test"));
  ASSERT_TRUE(dns_->set_cname("Shop.Example.com", "www.platform.test"));
  const DnsClient dns = client();
  const Answer alias = dns.cname("shop.example.com");
  ASSERT_EQ(alias.status, Answer::Status::found) << alias.problem;
  EXPECT_EQ(alias.records, std::vector<std::string>{"www.platform.test"});
  EXPECT_EQ(dns.cname("www.platform.test").records, std::vector<std::string>{"edge.platform.test"});
  const Answer v4 = dns.a("shop.example.com");
  ASSERT_EQ(v4.status, Answer::Status::found) << v4.problem;
  EXPECT_EQ(v4.records, std::vector<std::string>{"203.0.113.10"});
}

TEST_F(DnsClientTest, CnameToANameWithoutAddressesHasNoA) {
  ASSERT_TRUE(dns_->set_cname("shop.example.com", "nowhere.example.net"));
  const DnsClient dns = client();
  EXPECT_EQ(dns.cname("shop.example.com").records, std::vector<std::string>{"nowhere.example.net"});
  EXPECT_EQ(dns.a("shop.example.com").status, Answer::Status::no_record);
  EXPECT_EQ(dns.aaaa("shop.example.com").status, Answer::Status::no_record);
}

TEST_F(DnsClientTest, UnknownNameHasNoRecords) {
  const DnsClient dns = client();
  for (const Answer& answer : {dns.a("absent.example.com"), dns.aaaa("absent.example.com"),
                               dns.cname("absent.example.com")}) {
    EXPECT_EQ(answer.status, Answer::Status::no_record) << answer.problem;
    EXPECT_TRUE(answer.records.empty());
  }
}

TEST_F(DnsClientTest, RemovingRecordsTakesThemAway) {
  ASSERT_TRUE(dns_->set_address("gone.example.com", {"192.0.2.1"}));
  ASSERT_TRUE(dns_->set_cname("alias.example.com", "gone.example.com"));
  ASSERT_TRUE(dns_->set_address("gone.example.com", {}));
  ASSERT_TRUE(dns_->set_cname("alias.example.com", ""));
  const DnsClient dns = client();
  EXPECT_EQ(dns.a("gone.example.com").status, Answer::Status::no_record);
  EXPECT_EQ(dns.cname("alias.example.com").status, Answer::Status::no_record);
}

TEST(DnsClientFailures, EveryLookupTimesOutOnASilentResolver) {
  testing::SilentResolver silent;
  const DnsClient dns(*parse_resolver(silent.server()), 300ms);
  for (int type = 0; type < 3; ++type) {
    const auto started = std::chrono::steady_clock::now();
    const Answer answer = type == 0   ? dns.a("shop.example.com")
                          : type == 1 ? dns.aaaa("shop.example.com")
                                      : dns.cname("shop.example.com");
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(answer.status, Answer::Status::failed) << type;
    EXPECT_NE(answer.problem.find("within 300 ms"), std::string::npos) << answer.problem;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
  }
}

}  // namespace
}  // namespace orion::domains

#include "core/domain.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fixtures.hpp"

namespace orion::core {
namespace {

using test::describe;
using test::errc_of;

constexpr std::string_view kPlatform = "platform.com";

std::string domain(std::string_view input, std::string_view platform = kPlatform) {
  return describe(validate_custom_domain(input, platform));
}

TEST(ValidateCustomDomain, AcceptsRegistrableNames) {
  for (const std::string_view d :
       {"orion.lu", "mytechstore.net", "shop.example.com", "my-shop.co.uk", "a.b.c.example.org",
        "someone.github.io", "xn--bcher-kva.de", "1shop.com", "shop1.io"}) {
    EXPECT_EQ(domain(d), d);
  }
}

TEST(ValidateCustomDomain, NormalisesTheName) {
  EXPECT_EQ(domain("Shop.Example.COM"), "shop.example.com");
  EXPECT_EQ(domain("example.com."), "example.com");
  EXPECT_EQ(domain("  orion.lu \t"), "orion.lu");
  EXPECT_EQ(domain("bücher.de"), "xn--bcher-kva.de");
  EXPECT_EQ(domain("BÜCHER.DE."), "xn--bcher-kva.de");
  EXPECT_EQ(domain("shop.bücher.de"), "shop.xn--bcher-kva.de");
}

TEST(ValidateCustomDomain, RejectsIpLiterals) {
  for (const std::string_view d :
       {"1.2.3.4", "127.0.0.1", "10.0.0.1.", "::1", "2001:db8::1", "[::1]", "[2001:db8::1]",
        "::ffff:1.2.3.4", "[v1.fe80]",
        "\xef\xbc\x91\xef\xbc\x8e\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x93\xef\xbc\x8e"
        "\xef\xbc\x94"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::domain_is_ip) << d;
  }
}

TEST(ValidateCustomDomain, RejectsAmbiguousNumericNames) {
  // Not addresses to Orion, but addresses to some browser or resolver: never a store's name.
  for (const std::string_view d : {"1.2.3", "01.2.3.4", "256.1.1.1", "10.0.0.0x1", "shop.0x7f"}) {
    EXPECT_FALSE(validate_custom_domain(d, kPlatform)) << d;
  }
}

TEST(ValidateCustomDomain, RejectsPublicSuffixes) {
  for (const std::string_view d :
       {"com", "lu", "net", "co.uk", "CO.UK", "co.uk.", "github.io", "blogspot.com", "de"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::domain_is_public_suffix) << d;
  }
}

TEST(ValidateCustomDomain, RejectsSingleLabelNames) {
  for (const std::string_view d : {"localhost", "orion", "intranet", "shop-1"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::invalid_domain) << d;
  }
}

TEST(ValidateCustomDomain, RejectsThePlatformDomainAndNamesUnderIt) {
  for (const std::string_view d :
       {"platform.com", "PLATFORM.COM", "platform.com.", "shop.platform.com", "orion.platform.com",
        "a.b.platform.com", "www.platform.com", "admin.platform.com"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::domain_is_platform) << d;
  }
}

TEST(ValidateCustomDomain, AcceptsNamesThatOnlyLookLikeThePlatform) {
  EXPECT_EQ(domain("notplatform.com"), "notplatform.com");
  EXPECT_EQ(domain("my-platform.com"), "my-platform.com");
  EXPECT_EQ(domain("platform.co"), "platform.co");
  EXPECT_EQ(domain("platform.com.au"), "platform.com.au");
  EXPECT_EQ(domain("platform.com.evil.example"), "platform.com.evil.example");
}

TEST(ValidateCustomDomain, KnowsAPlatformCalledLocalhost) {
  EXPECT_EQ(errc_of(validate_custom_domain("techstore.localhost", "localhost")),
            Errc::domain_is_platform);
  EXPECT_EQ(errc_of(validate_custom_domain("localhost", "localhost")), Errc::domain_is_platform);
  EXPECT_EQ(domain("orion.lu", "localhost"), "orion.lu");
  EXPECT_EQ(domain("platform.com", "localhost"), "platform.com");
}

TEST(ValidateCustomDomain, RejectsUrlsPortsAndUserInformation) {
  for (const std::string_view d :
       {"http://example.com", "https://example.com/", "example.com/", "example.com/shop",
        "//example.com", "example.com:443", "example.com:", "user@example.com",
        "user@example.com:80", "http://user@example.com/"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::invalid_domain) << d;
  }
}

TEST(ValidateCustomDomain, RejectsInvalidHostNames) {
  for (const std::string_view d :
       {"", "   ", "exa_mple.com", "exa mple.com", "-shop.com", "shop-.com", "a..com", ".a.com",
        "a.com..", "*.example.com", "%zz.com", "%ff.com", "shop\x01.com"}) {
    EXPECT_EQ(errc_of(validate_custom_domain(d, kPlatform)), Errc::invalid_domain)
        << "\"" << d << "\"";
  }
  EXPECT_EQ(errc_of(validate_custom_domain(std::string(64, 'a') + ".com", kPlatform)),
            Errc::invalid_domain);
  EXPECT_EQ(errc_of(validate_custom_domain(std::string_view("shop\0.com", 9), kPlatform)),
            Errc::invalid_domain);
}

TEST(ValidateCustomDomain, RejectsNamesLongerThan253) {
  std::string name;
  while (name.size() < 300) {
    name += std::string(60, 'a') + ".";
  }
  name += "com";
  EXPECT_FALSE(validate_custom_domain(name, kPlatform));
}

TEST(ValidateCustomDomain, ErrorsNameTheProblem) {
  auto url = validate_custom_domain("https://example.com/", kPlatform);
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().message.find("URL"), std::string::npos) << url.error().message;
  auto port = validate_custom_domain("example.com:8080", kPlatform);
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message.find("port"), std::string::npos) << port.error().message;
  auto at = validate_custom_domain("owner@example.com", kPlatform);
  ASSERT_FALSE(at);
  EXPECT_NE(at.error().message.find("'@'"), std::string::npos) << at.error().message;
}

}  // namespace
}  // namespace orion::core

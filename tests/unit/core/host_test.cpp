#include "core/host.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "fixtures.hpp"

namespace orion::core {
namespace {

using test::describe;
using test::errc_of;

std::string authority(std::string_view a) { return describe(normalize_authority(a)); }
std::string host(std::string_view h) { return describe(normalize_host(h)); }

// n letters 'a' .. as one label.
std::string label(std::size_t n, char c = 'a') { return std::string(n, c); }

// A syntactically valid name of exactly `length` characters: 63-character labels, then a shorter
// last one.
std::string name_of_length(std::size_t length) {
  std::string out;
  while (length - out.size() > 64) {
    out += label(63) + ".";
  }
  out += label(length - out.size(), 'b');
  return out;
}

struct Case {
  std::string_view input;
  std::string_view expected;  // the normalised name, or "!<error code>"
};

void expect_authorities(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(authority(c.input), c.expected) << "authority: \"" << c.input << "\"";
  }
}

void expect_hosts(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(host(c.input), c.expected) << "host: \"" << c.input << "\"";
  }
}

// ---- ports ----------------------------------------------------------------------------------

TEST(NormalizeAuthority, StripsAPort) {
  expect_authorities({
      {"platform.com:8080", "platform.com"},
      {"platform.com:80", "platform.com"},
      {"platform.com:443", "platform.com"},
      {"platform.com:1", "platform.com"},
      {"platform.com:65535", "platform.com"},
      {"platform.com:00080", "platform.com"},  // five digits, value 80
      {"orion.platform.com:8080", "orion.platform.com"},
      {"127.0.0.1:8080", "127.0.0.1"},
  });
}

TEST(NormalizeAuthority, KeepsAHostWithoutPort) {
  expect_authorities({{"platform.com", "platform.com"}, {"orion.lu", "orion.lu"}});
}

TEST(NormalizeAuthority, AcceptsAnEmptyPort) {
  // RFC 3986 §3.2.3: "host:" means the scheme's default port.
  expect_authorities({{"platform.com:", "platform.com"}, {"[::1]:", "[::1]"}});
}

TEST(NormalizeAuthority, RejectsBadPorts) {
  expect_authorities({
      {"platform.com:http", "!invalid_host"},    // letters
      {"platform.com:8o", "!invalid_host"},      // a letter among digits
      {"platform.com:0x50", "!invalid_host"},    // hex
      {"platform.com:65536", "!invalid_host"},   // one more than the largest port
      {"platform.com:99999", "!invalid_host"},   // five digits, too large
      {"platform.com:123456", "!invalid_host"},  // six digits
      {"platform.com:000080", "!invalid_host"},  // six digits even if the value is small
      {"platform.com:-1", "!invalid_host"},
      {"platform.com:+80", "!invalid_host"},
      {"platform.com: 80", "!invalid_host"},
      {"platform.com:80 ", "!invalid_host"},
      {"platform.com:8080:", "!invalid_host"},  // a second colon
      {"[::1]:http", "!invalid_host"},
      {"[::1]:65536", "!invalid_host"},
      {"[::1]:123456", "!invalid_host"},
  });
}

// ---- IPv6 -----------------------------------------------------------------------------------

TEST(NormalizeAuthority, StripsThePortOfAnIpv6Literal) {
  expect_authorities({
      {"[::1]:8080", "[::1]"},
      {"[::1]", "[::1]"},
      {"[2001:db8::1]:443", "[2001:db8::1]"},
  });
  auto h = normalize_authority("[::1]:8080");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->kind, HostKind::ipv6);
}

TEST(NormalizeAuthority, WritesIpv6InCanonicalForm) {
  expect_authorities({
      {"[0:0::1]", "[::1]"},
      {"[0000:0000:0000:0000:0000:0000:0000:0001]:80", "[::1]"},
      {"[2001:DB8:0:0:0:0:0:1]", "[2001:db8::1]"},
      {"[2001:db8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"},  // the longest run of zeros shrinks
      {"[::FFFF:192.0.2.1]", "[::ffff:192.0.2.1]"},
  });
}

TEST(NormalizeAuthority, RejectsAnUnbracketedIpv6Address) {
  expect_authorities({
      {"::1", "!invalid_host"},
      {"::1:8080", "!invalid_host"},
      {"2001:db8::1", "!invalid_host"},
      {"fe80::1", "!invalid_host"},
  });
  EXPECT_EQ(host("::1"), "!invalid_host");
}

TEST(NormalizeAuthority, RejectsMalformedIpv6Literals) {
  expect_authorities({
      {"[::1", "!invalid_host"},
      {"[::1]x", "!invalid_host"},
      {"[::1]]", "!invalid_host"},
      {"[::1]:80:80", "!invalid_host"},
      {"[]", "!invalid_host"},
      {"[", "!invalid_host"},
      {"[:::]", "!invalid_host"},
      {"[1::2::3]", "!invalid_host"},
      {"[12345::]", "!invalid_host"},
      {"[g::1]", "!invalid_host"},
      {"[1.2.3.4]", "!invalid_host"},
      {"[platform.com]", "!invalid_host"},
  });
}

TEST(NormalizeAuthority, RejectsIpv6ZoneIdentifiers) {
  expect_authorities({
      {"[fe80::1%25eth0]", "!invalid_host"},
      {"[fe80::1%eth0]", "!invalid_host"},
      {"[fe80::1%25eth0]:8080", "!invalid_host"},
  });
}

TEST(NormalizeAuthority, RejectsIpvFutureLiterals) {
  expect_authorities({{"[v1.fe80::1]", "!invalid_host"}, {"[V7.abc]:80", "!invalid_host"}});
}

// ---- missing, empty, user information -------------------------------------------------------

TEST(NormalizeAuthority, EmptyAuthorityIsAMissingHost) {
  EXPECT_EQ(errc_of(normalize_authority("")), Errc::missing_host);
}

TEST(NormalizeAuthority, RejectsAPortWithoutAHost) {
  EXPECT_EQ(authority(":8080"), "!invalid_host");
  EXPECT_EQ(authority(":"), "!invalid_host");
}

TEST(NormalizeAuthority, RejectsUserInformation) {
  expect_authorities({
      {"user@platform.com", "!invalid_host"},
      {"@platform.com", "!invalid_host"},
      {"user:secret@platform.com:80", "!invalid_host"},
      {"platform.com@evil.example", "!invalid_host"},
      {"user@[::1]", "!invalid_host"},
  });
  EXPECT_EQ(host("user@platform.com"), "!invalid_host");
  EXPECT_EQ(host("user%40platform.com"), "!invalid_host");  // '@' by way of an escape
}

TEST(NormalizeHost, EmptyHostIsInvalid) { EXPECT_EQ(host(""), "!invalid_host"); }

// ---- case, trailing dot, labels ---------------------------------------------------------------

TEST(NormalizeHost, LowerCases) {
  expect_hosts({
      {"ORION.Platform.COM", "orion.platform.com"},
      {"Platform.Com", "platform.com"},
      {"already.lower", "already.lower"},
  });
  EXPECT_EQ(authority("TechStore.LOCALHOST:8080"), "techstore.localhost");
}

TEST(NormalizeHost, StripsExactlyOneTrailingDot) {
  expect_hosts({
      {"platform.com.", "platform.com"},
      {"a.com.", "a.com"},
      {"a.com..", "!invalid_host"},
      {"a.com...", "!invalid_host"},
      {".", "!invalid_host"},
      {"..", "!invalid_host"},
  });
  expect_authorities({{"platform.com.:8080", "platform.com"}, {"a.com..:80", "!invalid_host"}});
}

TEST(NormalizeHost, RejectsEmptyLabels) {
  expect_hosts({
      {".a.com", "!invalid_host"},
      {"a..com", "!invalid_host"},
      {"a.%2ecom", "!invalid_host"},  // an escaped dot is still a dot
  });
}

TEST(NormalizeHost, LabelsAreAtMost63Characters) {
  const std::string ok = label(63) + ".com";
  EXPECT_EQ(host(ok), ok);
  EXPECT_EQ(host(label(63)), label(63));
  EXPECT_EQ(host(label(64) + ".com"), "!invalid_host");
  EXPECT_EQ(host("shop." + label(64)), "!invalid_host");
}

TEST(NormalizeHost, HostsAreAtMost253Characters) {
  const std::string longest = name_of_length(253);
  ASSERT_EQ(longest.size(), 253U);
  EXPECT_EQ(host(longest), longest);
  EXPECT_EQ(host(longest + "."), longest);  // the trailing dot does not count
  EXPECT_EQ(authority(longest + ":8080"), longest);

  const std::string too_long = name_of_length(254);
  ASSERT_EQ(too_long.size(), 254U);
  EXPECT_EQ(errc_of(normalize_host(too_long)), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_host(too_long + ".")), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_authority(too_long + ":80")), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_host(name_of_length(5000))), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_host(std::string(100000, 'a'))), Errc::host_too_long);
}

TEST(NormalizeHost, AnInternationalisedHostIsMeasuredAfterConversion) {
  // Five labels of 52 Unicode characters, each 60 once in punycode: well over 253 characters in
  // the form every lookup uses, so "too long", like an ASCII name of that length.
  std::string unicode;
  for (int i = 0; i < 5; ++i) {
    unicode += "bü" + label(50) + ".";
  }
  unicode += "de";
  EXPECT_EQ(errc_of(normalize_host(unicode)), Errc::host_too_long);
}

TEST(NormalizeHost, AnInternationalisedHostAtTheLengthBoundary) {
  // Three 63-character labels, one of n, and "bücher" ("xn--bcher-kva", 13 characters).
  const auto name = [](std::size_t n) {
    return label(63) + "." + label(63) + "." + label(63) + "." + label(n, 'b') + ".bücher";
  };
  const std::string longest =
      label(63) + "." + label(63) + "." + label(63) + "." + label(47, 'b') + ".xn--bcher-kva";
  ASSERT_EQ(longest.size(), 253U);
  EXPECT_EQ(host(name(47)), longest);
  EXPECT_EQ(errc_of(normalize_host(name(48))), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_host(name(49))), Errc::host_too_long);
  EXPECT_EQ(errc_of(normalize_host(name(55))), Errc::host_too_long);
}

// Where two rules would both refuse an input, the message tells which one did; these pin each
// rule on its own, so that none can quietly go while another still happens to cover for it.
TEST(NormalizeAuthority, ErrorsNameTheRuleThatFailed) {
  const auto message = [](std::string_view a) {
    auto h = normalize_authority(a);
    return h ? std::string("(accepted)") : h.error().message;
  };
  EXPECT_NE(message("2001:db8::1").find("bracket"), std::string::npos) << message("2001:db8::1");
  EXPECT_NE(message("::1").find("bracket"), std::string::npos) << message("::1");
  EXPECT_NE(message("[fe80::1%25eth0]").find("zone"), std::string::npos);
  EXPECT_NE(message("[v1.fe80::1]").find("IPvFuture"), std::string::npos);
  EXPECT_NE(message("user@platform.com").find("user information"), std::string::npos);
  EXPECT_NE(message("a b.com").find("space"), std::string::npos);
  EXPECT_NE(message("a\tb.com").find("control"), std::string::npos);
  EXPECT_NE(message("platform.com:99999").find("port"), std::string::npos);
  EXPECT_NE(message("1.2.3").find("IPv4"), std::string::npos);
}

TEST(NormalizeHost, RejectsIllegalCharacters) {
  expect_hosts({
      {"tech_store.platform.com", "!invalid_host"},
      {"tech store.platform.com", "!invalid_host"},
      {" platform.com", "!invalid_host"},
      {"platform.com ", "!invalid_host"},
      {"a\tb.com", "!invalid_host"},
      {"a\rb.com", "!invalid_host"},
      {"a\nb.com", "!invalid_host"},
      {"a\x7f.com", "!invalid_host"},
      {"a\x01.com", "!invalid_host"},
      {"a!b.com", "!invalid_host"},
      {"a*b.com", "!invalid_host"},
      {"*.platform.com", "!invalid_host"},
      {"a,b.com", "!invalid_host"},
      {"a/b.com", "!invalid_host"},
      {"a\\b.com", "!invalid_host"},
      {"a\"b.com", "!invalid_host"},
      {"a<b>.com", "!invalid_host"},
      {"a:b", "!invalid_host"},  // a colon is never part of a name
      {"a[b].com", "!invalid_host"},
  });
  EXPECT_EQ(host(std::string_view("a\0b.com", 7)), "!invalid_host");
  EXPECT_EQ(host(std::string_view("platform.com\0", 13)), "!invalid_host");
}

TEST(NormalizeHost, RejectsLabelsStartingOrEndingWithAHyphen) {
  expect_hosts({
      {"-orion.platform.com", "!invalid_host"},
      {"orion-.platform.com", "!invalid_host"},
      {"orion.-platform.com", "!invalid_host"},
      {"orion.platform-.com", "!invalid_host"},
      {"orion.platform.com-", "!invalid_host"},
      {"-", "!invalid_host"},
  });
  expect_hosts({
      {"tech-store.platform.com", "tech-store.platform.com"},
      {"a--b.com", "a--b.com"},
      {"xn--bcher-kva.de", "xn--bcher-kva.de"},
      {"a-1.b-2.c", "a-1.b-2.c"},
  });
}

// ---- internationalised names --------------------------------------------------------------

TEST(NormalizeHost, ConvertsInternationalisedNamesToPunycode) {
  expect_hosts({
      {"bücher.de", "xn--bcher-kva.de"},
      {"BÜCHER.DE", "xn--bcher-kva.de"},  // upper-case Unicode maps to lower case first
      {"Bücher.De", "xn--bcher-kva.de"},
      {"bücher.de.", "xn--bcher-kva.de"},
      {"bücher.de\xe3\x80\x82", "xn--bcher-kva.de"},  // an ideographic full stop as the last dot
      {"shop.bücher.de", "shop.xn--bcher-kva.de"},
      {"münchen.de", "xn--mnchen-3ya.de"},
      {"straße.de", "xn--strae-oqa.de"},  // non-transitional: ß stays ß
  });
  expect_authorities({{"bücher.de:8080", "xn--bcher-kva.de"}});
}

TEST(NormalizeHost, DecodesPercentEncodedUtf8) {
  expect_hosts({
      {"b%C3%BCcher.de", "xn--bcher-kva.de"},
      {"b%c3%bccher.de", "xn--bcher-kva.de"},
      {"B%C3%9CCHER.DE", "xn--bcher-kva.de"},  // Ü escaped
      {"%70latform.com", "platform.com"},      // escaped ASCII
      {"PLATFORM%2ECOM", "platform.com"},
  });
  expect_authorities({{"b%C3%BCcher.de:443", "xn--bcher-kva.de"}});
}

TEST(NormalizeHost, RejectsBadEscapesAndWhatTheyDecodeTo) {
  expect_hosts({
      {"%zzplatform.com", "!invalid_host"},
      {"platform.com%4", "!invalid_host"},
      {"platform.com%", "!invalid_host"},
      {"a%00.com", "!invalid_host"},
      {"a%20b.com", "!invalid_host"},
      {"a%09b.com", "!invalid_host"},
      {"a%2fb.com", "!invalid_host"},
      {"a%3a80", "!invalid_host"},
      {"%5b::1%5d", "!invalid_host"},
  });
}

TEST(NormalizeHost, RejectsInvalidInternationalisedNames) {
  expect_hosts({
      {"%ff.com", "!invalid_host"},  // not UTF-8
      {"b%C3.de", "!invalid_host"},  // truncated UTF-8
      {"a\xe2\x80\x8c"
       "b.com",
       "!invalid_host"},  // a zero-width non-joiner out of context
      {"\xef\xbd\x81\xef\xbc\x8f\xef\xbd\x82.com", "!invalid_host"},  // "ａ／ｂ": maps to '/'
      {"a\xef\xbc\x9a"
       "80",
       "!invalid_host"},                                   // a fullwidth colon maps to ':'
      {"bücher.de.\xe3\x80\x82", "!invalid_host"},         // two trailing dots, one ideographic
      {"b\xc3\xbc" + label(70) + ".de", "!invalid_host"},  // a label too long once encoded
  });
}

TEST(NormalizeHost, RecognisesIpv4AfterIdnMapping) {
  // Fullwidth digits and dots map to ASCII: the result is the address, not a name.
  auto h = normalize_host(
      "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97\xef\xbc\x8e\xef\xbc\x90\xef\xbc\x8e\xef\xbc\x90\xef"
      "\xbc\x8e\xef\xbc\x91");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->name, "127.0.0.1");
  EXPECT_EQ(h->kind, HostKind::ipv4);
}

// ---- IPv4 -----------------------------------------------------------------------------------

TEST(NormalizeHost, RecognisesDottedQuads) {
  for (const std::string_view a :
       {"1.2.3.4", "127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.200"}) {
    auto h = normalize_host(a);
    ASSERT_TRUE(h) << a << ": " << h.error().message;
    EXPECT_EQ(h->name, a);
    EXPECT_EQ(h->kind, HostKind::ipv4) << a;
  }
  auto with_port = normalize_authority("127.0.0.1:8080");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->kind, HostKind::ipv4);
  auto with_dot = normalize_host("1.2.3.4.");
  ASSERT_TRUE(with_dot);
  EXPECT_EQ(*with_dot, (Host{"1.2.3.4", HostKind::ipv4}));
}

TEST(NormalizeHost, NamesAreKindName) {
  for (const std::string_view n : {"platform.com", "localhost", "1.2.3.4.nip.io", "123.com",
                                   "0xcafe.com", "a.b1", "a.1b", "1a", "a.0xg"}) {
    auto h = normalize_host(n);
    ASSERT_TRUE(h) << n << ": " << h.error().message;
    EXPECT_EQ(h->kind, HostKind::name) << n;
  }
}

TEST(NormalizeHost, RejectsAmbiguousNumericHosts) {
  expect_hosts({
      {"1.2.3", "!invalid_host"},  // a three-part address to inet_aton
      {"1.2", "!invalid_host"},
      {"1", "!invalid_host"},
      {"2130706433", "!invalid_host"},  // 127.0.0.1 as one number
      {"0x7f.0.0.1", "!invalid_host"},  // a hex octet
      {"0x7f.1", "!invalid_host"},
      {"01.2.3.4", "!invalid_host"},  // octal to some resolvers
      {"1.2.3.04", "!invalid_host"},
      {"00.0.0.0", "!invalid_host"},
      {"256.1.1.1", "!invalid_host"},
      {"1.2.3.256", "!invalid_host"},
      {"1.2.3.1000", "!invalid_host"},
      {"1.2.3.4.5", "!invalid_host"},
      {"a.1.2.3.4", "!invalid_host"},  // ends in a number but is no address
      {"platform.1", "!invalid_host"},
      {"1.2.3.", "!invalid_host"},  // the trailing dot goes, "1.2.3" stays ambiguous
  });
}

TEST(NormalizeHost, RejectsHostsEndingInAHexNumber) {
  // URL parsers (WHATWG, inet_aton) read a last label "0x…" as a number: "127.0.0.0x1" is
  // 127.0.0.1 to a browser, so it may not pass for a name here.
  expect_hosts({
      {"127.0.0.0x1", "!invalid_host"},
      {"1.2.3.0x4", "!invalid_host"},
      {"shop.0x7f", "!invalid_host"},
      {"0x7f", "!invalid_host"},
      {"0x7F000001", "!invalid_host"},
      {"a.0X1F", "!invalid_host"},
      {"a.0x", "!invalid_host"},
  });
}

// ---- is_same_or_under -----------------------------------------------------------------------

TEST(IsSameOrUnder, MatchesTheDomainItself) {
  EXPECT_TRUE(is_same_or_under("platform.com", "platform.com"));
  EXPECT_TRUE(is_same_or_under("localhost", "localhost"));
}

TEST(IsSameOrUnder, MatchesNamesUnderTheDomain) {
  EXPECT_TRUE(is_same_or_under("orion.platform.com", "platform.com"));
  EXPECT_TRUE(is_same_or_under("a.b.platform.com", "platform.com"));
  EXPECT_TRUE(is_same_or_under("techstore.localhost", "localhost"));
  EXPECT_TRUE(is_same_or_under("a.b.example", "example"));
}

TEST(IsSameOrUnder, DoesNotMatchOtherNames) {
  EXPECT_FALSE(is_same_or_under("notplatform.com", "platform.com"));
  EXPECT_FALSE(is_same_or_under("orion-platform.com", "platform.com"));
  EXPECT_FALSE(is_same_or_under("platform.com.evil.example", "platform.com"));
  EXPECT_FALSE(is_same_or_under("platform.co", "platform.com"));
  EXPECT_FALSE(is_same_or_under("latform.com", "platform.com"));
  EXPECT_FALSE(is_same_or_under("com", "platform.com"));
  EXPECT_FALSE(is_same_or_under("platform.com", "orion.platform.com"));
  EXPECT_FALSE(is_same_or_under("", "platform.com"));
}

}  // namespace
}  // namespace orion::core

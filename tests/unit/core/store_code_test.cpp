#include "core/store_code.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "fixtures.hpp"

namespace orion::core {
namespace {

using test::describe;
using test::errc_of;

std::string code(std::string_view input) { return describe(validate_store_code(input)); }

// DESIGN.md §2: "not reserved (admin www api static store stores shop platform mail assets cdn
// status at least)".
constexpr std::string_view kDesignReserved[] = {"admin", "www",    "api",  "static",
                                                "store", "stores", "shop", "platform",
                                                "mail",  "assets", "cdn",  "status"};

TEST(ValidateStoreCode, AcceptsValidCodes) {
  for (const std::string_view c :
       {"orion", "techstore", "fashionhub", "abc", "a1b", "123", "tech-store", "a-b-c", "a--b",
        "shop1", "store-1", "shops", "administrator", "www2", "api-store"}) {
    EXPECT_EQ(code(c), c);
  }
}

TEST(ValidateStoreCode, LengthIsThreeToFifty) {
  EXPECT_EQ(errc_of(validate_store_code("")), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code("a")), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code("ab")), Errc::invalid_store_code);
  EXPECT_EQ(code("abc"), "abc");
  EXPECT_EQ(code(std::string(50, 'a')), std::string(50, 'a'));
  EXPECT_EQ(errc_of(validate_store_code(std::string(51, 'a'))), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code(std::string(1000, 'a'))), Errc::invalid_store_code);
  EXPECT_EQ(kMinStoreCodeLength, 3U);
  EXPECT_EQ(kMaxStoreCodeLength, 50U);
}

TEST(ValidateStoreCode, LowerCasesAndTrims) {
  EXPECT_EQ(code("ORION"), "orion");
  EXPECT_EQ(code("Orion"), "orion");
  EXPECT_EQ(code("  Tech-Store \t"), "tech-store");
  EXPECT_EQ(code("\n\r\f\vfashionhub\n"), "fashionhub");
  EXPECT_EQ(code(std::string(20, ' ') + std::string(50, 'X') + std::string(20, '\t')),
            std::string(50, 'x'));
}

TEST(ValidateStoreCode, LengthCountsAfterTrimming) {
  EXPECT_EQ(errc_of(validate_store_code("  ab  ")), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code("   ")), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code(" " + std::string(51, 'a') + " ")),
            Errc::invalid_store_code);
}

TEST(ValidateStoreCode, RejectsLeadingOrTrailingHyphens) {
  for (const std::string_view c : {"-orion", "orion-", "-orion-", "---", "-ab", "ab-", " -abc "}) {
    EXPECT_EQ(errc_of(validate_store_code(c)), Errc::invalid_store_code) << "\"" << c << "\"";
  }
}

TEST(ValidateStoreCode, RejectsCharactersOutsideTheAlphabet) {
  for (const std::string_view c :
       {"tech_store", "tech store", "tech.store", "tech/store", "tech\\store", "tech%2fstore",
        "tech@store", "tech:store", "tëch",
        "t\xc3\xa9"
        "ch",
        "orion!", "or\tion", "or\nion", "ORİON",
        "\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x89\xef\xbd\x8f\xef\xbd\x8e"}) {
    EXPECT_EQ(errc_of(validate_store_code(c)), Errc::invalid_store_code) << "\"" << c << "\"";
  }
  EXPECT_EQ(errc_of(validate_store_code(std::string_view("ori\0on", 6))), Errc::invalid_store_code);
  EXPECT_EQ(errc_of(validate_store_code(std::string_view("orion\0", 6))), Errc::invalid_store_code);
}

TEST(ValidateStoreCode, RejectsEveryReservedWordOfTheDesign) {
  for (const std::string_view word : kDesignReserved) {
    EXPECT_EQ(errc_of(validate_store_code(word)), Errc::reserved_store_code) << word;
    std::string upper(word);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return static_cast<char>(c - 'a' + 'A'); });
    EXPECT_EQ(errc_of(validate_store_code(upper)), Errc::reserved_store_code) << upper;
    EXPECT_EQ(errc_of(validate_store_code("  " + std::string(word) + "\t")),
              Errc::reserved_store_code)
        << word;
  }
}

TEST(ValidateStoreCode, ReservedIsAnExactMatch) {
  for (const std::string_view c : {"admins", "myadmin", "shop-1", "stores2", "wwww", "apis"}) {
    EXPECT_EQ(code(c), c);
  }
}

TEST(ValidateStoreCode, RejectsIdnaReservedCodes) {
  // "??--" is how IDNA labels are spelt (RFC 5891 §4.2.3.1): "xn--abc.platform.com" would not
  // be a store's subdomain but some internationalised name.
  for (const std::string_view c : {"xn--abc", "XN--ABC", "ab--c", "zz--top", "xn--bcher-kva"}) {
    EXPECT_EQ(errc_of(validate_store_code(c)), Errc::reserved_store_code) << c;
  }
  EXPECT_EQ(code("a--b"), "a--b");      // hyphens in positions 2 and 3, not 3 and 4
  EXPECT_EQ(code("abc--d"), "abc--d");  // positions 4 and 5
}

TEST(ValidateStoreCode, ErrorsSayWhatWasWrong) {
  auto reserved = validate_store_code("Admin");
  ASSERT_FALSE(reserved);
  EXPECT_NE(reserved.error().message.find("admin"), std::string::npos);
  auto bad = validate_store_code("a_b");
  ASSERT_FALSE(bad);
  EXPECT_FALSE(bad.error().message.empty());
}

TEST(IsReservedStoreCode, KnowsTheListAndTheIdnaForm) {
  EXPECT_TRUE(is_reserved_store_code("admin"));
  EXPECT_TRUE(is_reserved_store_code("www"));
  EXPECT_TRUE(is_reserved_store_code("status"));
  EXPECT_TRUE(is_reserved_store_code("xn--x"));
  EXPECT_FALSE(is_reserved_store_code("orion"));
  EXPECT_FALSE(is_reserved_store_code("admins"));
  EXPECT_FALSE(is_reserved_store_code("adm"));
  EXPECT_FALSE(is_reserved_store_code(""));
  EXPECT_FALSE(is_reserved_store_code("a-"));
}

TEST(ReservedStoreCodes, AreSortedUniqueAndLowerCase) {
  const auto list = reserved_store_codes();
  ASSERT_FALSE(list.empty());
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
  EXPECT_EQ(std::adjacent_find(list.begin(), list.end()), list.end());
  for (const std::string_view word : list) {
    EXPECT_TRUE(std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    })) << word;
    EXPECT_TRUE(is_reserved_store_code(word)) << word;
  }
}

TEST(ReservedStoreCodes, IncludeTheDesignList) {
  const auto list = reserved_store_codes();
  for (const std::string_view word : kDesignReserved) {
    EXPECT_TRUE(std::binary_search(list.begin(), list.end(), word)) << word;
  }
}

TEST(ReservedStoreCodes, NoneCanBeRegistered) {
  for (const std::string_view word : reserved_store_codes()) {
    EXPECT_FALSE(validate_store_code(word)) << word;
  }
}

}  // namespace
}  // namespace orion::core

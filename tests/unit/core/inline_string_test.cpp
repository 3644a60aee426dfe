// core::InlineString, the bounded string a Resolution holds its host and base path in.
#include "core/inline_string.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace orion::core {
namespace {

TEST(InlineString, StartsEmptyAndTerminated) {
  const InlineString<8> s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0U);
  EXPECT_EQ(std::string_view(s.c_str()), "");
}

TEST(InlineString, AssignsAppendsAndClears) {
  InlineString<16> s;
  s.assign("/stores/").append("orion");
  EXPECT_EQ(s.view(), "/stores/orion");
  EXPECT_EQ(std::string_view(s.c_str()), "/stores/orion");  // terminated after the bytes in use
  EXPECT_EQ(s.str(), std::string("/stores/orion"));
  EXPECT_TRUE(s == "/stores/orion");
  EXPECT_FALSE(s == "/stores/orio");
  EXPECT_TRUE(s == InlineString<16>("/stores/orion"));
  EXPECT_FALSE(s == InlineString<16>("/stores/orio"));
  s = std::string_view("x");
  EXPECT_EQ(s.view(), "x");
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(std::string_view(s.c_str()), "");
}

TEST(InlineString, HoldsExactlyItsCapacity) {
  InlineString<4> s;
  s.assign("abcd");
  EXPECT_EQ(s.view(), "abcd");
  EXPECT_THROW(s.append("e"), std::length_error);
  EXPECT_EQ(s.view(), "abcd");  // unchanged by the refused append
  EXPECT_THROW(s.assign("abcde"), std::length_error);
  EXPECT_EQ(s.view(), "abcd");
  EXPECT_THROW(InlineString<4>(std::string_view("abcde")), std::length_error);
}

TEST(InlineString, CopiesAreIndependent) {
  InlineString<32> a("shop.example.com");
  InlineString<32> b = a;
  b.append(".");
  EXPECT_EQ(a.view(), "shop.example.com");
  EXPECT_EQ(b.view(), "shop.example.com.");
  a = b;
  EXPECT_EQ(a.view(), "shop.example.com.");
  EXPECT_EQ(std::string_view(a.c_str()), "shop.example.com.");
}

}  // namespace
}  // namespace orion::core

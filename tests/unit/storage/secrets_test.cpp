// constant_time_equal, the one compare of secrets (CSRF tokens, domain verification tokens):
// equal, different at the first or the last byte, different lengths (a prefix included), empty.
#include "storage/secrets.hpp"

#include <gtest/gtest.h>

#include <string>

namespace orion::storage {
namespace {

TEST(ConstantTimeEqual, EqualSecretsAreEqual) {
  const std::string token = random_hex(16);
  const std::string copy = token;  // another buffer: the bytes are compared, not the pointers
  EXPECT_TRUE(constant_time_equal(token, copy));
  EXPECT_TRUE(constant_time_equal("orion-verify=abc", "orion-verify=abc"));
}

TEST(ConstantTimeEqual, OneDifferentByteAnywhereIsDifferent) {
  EXPECT_FALSE(constant_time_equal("abcdef", "xbcdef"));
  EXPECT_FALSE(constant_time_equal("abcdef", "abcxef"));
  EXPECT_FALSE(constant_time_equal("abcdef", "abcdex"));
  EXPECT_FALSE(constant_time_equal("abcdef", "ABCDEF"));  // case matters
  EXPECT_FALSE(constant_time_equal(random_hex(16), random_hex(16)));
}

TEST(ConstantTimeEqual, DifferentLengthsAreDifferent) {
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", std::string("abc\0", 4)));
}

TEST(ConstantTimeEqual, EmptyEqualsOnlyEmpty) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal(std::string_view(), std::string_view()));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal("a", ""));
}

}  // namespace
}  // namespace orion::storage

#include "core/store_code.hpp"

#include <algorithm>
#include <array>

#include "core/text.hpp"

namespace orion::core {
namespace {

// DESIGN.md §2's list, plus the names of the platform's own paths and of the hosts an operator
// is likely to put under the platform domain, so that no store can ever shadow them.
constexpr std::array<std::string_view, 42> kReserved = {
    "admin",     "api",   "app",    "apps",    "assets",  "auth", "billing", "blog",    "cdn",
    "dashboard", "dev",   "dns",    "docs",    "email",   "ftp",  "healthz", "help",    "imap",
    "internal",  "login", "logout", "mail",    "metrics", "mx",   "ns1",     "ns2",     "oauth",
    "platform",  "pop",   "readyz", "root",    "shop",    "smtp", "sso",     "staging", "static",
    "status",    "store", "stores", "support", "webmail", "www",
};

constexpr bool sorted_reserved() {
  auto copy = kReserved;
  std::sort(copy.begin(), copy.end());
  return copy == kReserved;
}

static_assert(sorted_reserved(), "kReserved must stay sorted for binary_search");

constexpr std::size_t longest_reserved() {
  std::size_t longest = 0;
  for (const std::string_view word : kReserved) {
    longest = std::max(longest, word.size());
  }
  return longest;
}

// No code longer than every reserved word can be on the list: most codes skip the search.
constexpr std::size_t kLongestReserved = longest_reserved();

bool is_code_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || text::is_digit(c) || c == '-';
}

}  // namespace

std::span<const std::string_view> reserved_store_codes() noexcept { return kReserved; }

bool is_reserved_store_code(std::string_view code) noexcept {
  // "xn--…" and every other "??--" label are reserved for IDNA encodings (RFC 5891 §4.2.3.1); a
  // store code of that form would make its subdomain read as a different, internationalised name.
  if (code.size() >= 4 && code[2] == '-' && code[3] == '-') {
    return true;
  }
  return code.size() <= kLongestReserved &&
         std::binary_search(kReserved.begin(), kReserved.end(), code);
}

Result<std::string> validate_store_code(std::string_view input) {
  const std::string_view trimmed = text::trim(input);
  if (trimmed.size() < kMinStoreCodeLength || trimmed.size() > kMaxStoreCodeLength) {
    return make_error(Errc::invalid_store_code, "a store code has 3 to 50 characters");
  }
  std::string code(trimmed);
  text::lower_ascii(code);
  // A lambda rather than the function pointer, so that the per-character test is inlined.
  if (!std::all_of(code.begin(), code.end(), [](char c) { return is_code_char(c); })) {
    return make_error(Errc::invalid_store_code,
                      "a store code may contain only letters a-z, digits and hyphens");
  }
  if (code.front() == '-' || code.back() == '-') {
    return make_error(Errc::invalid_store_code, "a store code may not start or end with a hyphen");
  }
  if (is_reserved_store_code(code)) {
    return make_error(Errc::reserved_store_code,
                      "store code '" + code + "' is reserved by the platform");
  }
  return code;
}

}  // namespace orion::core

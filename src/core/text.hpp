// Small ASCII and percent-encoding helpers shared by the host, path and code parsers.
#pragma once

#include <string>
#include <string_view>

namespace orion::core::text {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr bool is_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

inline void lower_ascii(std::string& s) noexcept {
  for (char& c : s) {
    c = to_lower(c);
  }
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Appends the percent-decoded form of `s` to `out`; false on a truncated or non-hex escape.
inline bool append_percent_decoded(std::string_view s, std::string& out) {
  constexpr auto hex = [](char c) noexcept -> int {
    if (is_digit(c)) {
      return c - '0';
    }
    const char l = to_lower(c);
    return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return false;
    }
    const int hi = hex(s[i + 1]);
    const int lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

}  // namespace orion::core::text

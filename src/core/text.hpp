// Small ASCII and percent-encoding helpers shared by the host, path and code parsers.
#pragma once

#include <cstdint>
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

// a == b. Keys and host names are mostly 4 to 16 bytes long, which this compares with two loads
// each instead of the call to memcmp that GCC makes for operator== on strings of unknown length.
inline bool same(std::string_view a, std::string_view b) noexcept {
  const std::size_t size = a.size();
  if (size != b.size()) {
    return false;
  }
  const auto load = [](const char* p, auto word) {
    __builtin_memcpy(&word, p, sizeof word);
    return word;
  };
  if (size >= 8 && size <= 16) {
    const std::size_t last = size - 8;  // the two words overlap when size < 16
    return ((load(a.data(), std::uint64_t{}) ^ load(b.data(), std::uint64_t{})) |
            (load(a.data() + last, std::uint64_t{}) ^ load(b.data() + last, std::uint64_t{}))) == 0;
  }
  if (size >= 4 && size < 8) {
    const std::size_t last = size - 4;
    return ((load(a.data(), std::uint32_t{}) ^ load(b.data(), std::uint32_t{})) |
            (load(a.data() + last, std::uint32_t{}) ^ load(b.data() + last, std::uint32_t{}))) == 0;
  }
  return a == b;
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

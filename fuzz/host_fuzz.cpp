// Fuzzes host normalisation (core/host.hpp) with whatever a client could send as a Host header or
// as the authority of an absolute-form target. A success must be the one canonical spelling the
// header promises, stable under normalising it again and independent of a port.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/host.hpp"
#include "fuzz_check.hpp"

namespace {

using orion::core::Errc;
using orion::core::Host;
using orion::core::HostKind;
using orion::core::kMaxHostLength;
using orion::core::kMaxLabelLength;
using orion::core::normalize_authority;
using orion::core::normalize_host;
using orion::core::Result;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; }

std::string describe(const Result<Host>& r) {
  if (!r) {
    return "error: " + r.error().message;
  }
  return "host: " + r->name + " kind " + std::to_string(static_cast<int>(r->kind));
}

bool same(const Result<Host>& a, const Result<Host>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

// Host functions fail only with the host error codes (the HTTP layer maps them to 400).
void check_error(const Result<Host>& r) {
  if (!r) {
    const Errc code = r.error().code;
    ORION_FUZZ_CHECK_MSG(
        code == Errc::missing_host || code == Errc::invalid_host || code == Errc::host_too_long,
        r.error().message);
    ORION_FUZZ_CHECK(!r.error().message.empty());
  }
}

// RFC 5952 §4 text form of an address, written independently of the code under test: lower-case
// hex without leading zeros, "::" for the longest run of two or more zero fields (the first on a
// tie), and §5's mixed notation for IPv4-mapped addresses.
std::string rfc5952(const std::array<unsigned char, 16>& bytes) {
  std::array<unsigned, 8> words{};
  for (std::size_t i = 0; i < 8; ++i) {
    words[i] = bytes[2 * i] * 256U + bytes[2 * i + 1];
  }
  char buffer[64];
  if (std::all_of(words.begin(), words.begin() + 5, [](unsigned w) { return w == 0; }) &&
      words[5] == 0xffff) {
    std::snprintf(buffer, sizeof buffer, "::ffff:%u.%u.%u.%u", unsigned{bytes[12]},
                  unsigned{bytes[13]}, unsigned{bytes[14]}, unsigned{bytes[15]});
    return buffer;
  }
  std::size_t best = 8;
  std::size_t best_len = 1;
  for (std::size_t i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && words[j] == 0) {
      ++j;
    }
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (std::size_t i = 0; i < 8;) {
    if (i == best) {
      out += "::";
      i += best_len;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out.push_back(':');
    }
    std::snprintf(buffer, sizeof buffer, "%x", words[i]);
    out += buffer;
    ++i;
  }
  return out;
}

void check_ipv6(const Host& host) {
  const std::string& name = host.name;
  ORION_FUZZ_CHECK_MSG(name.size() >= 4 && name.front() == '[' && name.back() == ']', name);
  const std::string inner = name.substr(1, name.size() - 2);
  ORION_FUZZ_CHECK_MSG(
      std::all_of(
          inner.begin(), inner.end(),
          [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || c == ':' || c == '.'; }),
      name);
  std::array<unsigned char, 16> bytes{};
  ORION_FUZZ_CHECK_MSG(inet_pton(AF_INET6, inner.c_str(), bytes.data()) == 1, name);
  ORION_FUZZ_CHECK_MSG(inner == rfc5952(bytes), name + " is not RFC 5952's " + rfc5952(bytes));
}

void check_ipv4(const Host& host) {
  std::array<unsigned char, 4> bytes{};
  ORION_FUZZ_CHECK_MSG(inet_pton(AF_INET, host.name.c_str(), bytes.data()) == 1, host.name);
  char canonical[16];
  std::snprintf(canonical, sizeof canonical, "%u.%u.%u.%u", unsigned{bytes[0]}, unsigned{bytes[1]},
                unsigned{bytes[2]}, unsigned{bytes[3]});
  ORION_FUZZ_CHECK_MSG(host.name == canonical, host.name);
}

void check_name(const Host& host) {
  const std::string_view name = host.name;
  ORION_FUZZ_CHECK_MSG(
      std::all_of(name.begin(), name.end(), [](char c) { return is_ldh(c) || c == '.'; }), name);
  std::string_view last_label;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    ORION_FUZZ_CHECK_MSG(!label.empty(), name);  // no empty label, no leading or trailing dot
    ORION_FUZZ_CHECK_MSG(label.size() <= kMaxLabelLength, name);
    ORION_FUZZ_CHECK_MSG(label.front() != '-' && label.back() != '-', name);
    last_label = label;
    start = dot + 1;
  }
  // A name whose last label is a number (WHATWG URL's "ends in a number": decimal, or "0x" and
  // hex digits) is an IPv4 address to a browser or inet_aton ("127.0.0.0x1"), never a name.
  const bool hex_number = last_label.starts_with("0x") &&
                          std::all_of(last_label.begin() + 2, last_label.end(),
                                      [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
  ORION_FUZZ_CHECK_MSG(!hex_number, name);
  ORION_FUZZ_CHECK_MSG(!std::all_of(last_label.begin(), last_label.end(), is_digit), name);
}

void check_success(const Host& host) {
  ORION_FUZZ_CHECK(!host.name.empty());
  ORION_FUZZ_CHECK_MSG(host.name.size() <= kMaxHostLength, host.name);
  switch (host.kind) {
    case HostKind::name:
      check_name(host);
      break;
    case HostKind::ipv4:
      check_ipv4(host);
      break;
    case HostKind::ipv6:
      check_ipv6(host);
      break;
  }
  // Canonical means stable: the output is its own normal form, with or without a port.
  const Result<Host> again = normalize_host(host.name);
  ORION_FUZZ_CHECK_MSG(again && *again == host, host.name + " -> " + describe(again));
  for (const char* suffix : {"", ":80", ":", ":65535"}) {
    const Result<Host> with_port = normalize_authority(host.name + suffix);
    ORION_FUZZ_CHECK_MSG(with_port && *with_port == host,
                         host.name + suffix + " -> " + describe(with_port));
  }
}

// True when appending ":80" to `s` can only add a port: no port or colon outside an IPv6 literal
// is there already, and nothing follows the literal's ']'.
bool port_free(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    return s.find(']') == s.size() - 1;
  }
  return s.find(':') == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const orion::fuzz::InputScope scope(data, size);
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const Result<Host> host = normalize_host(input);
  check_error(host);
  if (host) {
    check_success(*host);
  }

  const Result<Host> authority = normalize_authority(input);
  check_error(authority);
  if (authority) {
    check_success(*authority);
    ORION_FUZZ_CHECK(input.find('@') == std::string_view::npos);  // user information refused
  }

  if (port_free(input) && input.find('@') == std::string_view::npos) {
    // Without a port an authority is a host, and a default port changes nothing.
    ORION_FUZZ_CHECK_MSG(same(authority, host), describe(authority) + " vs " + describe(host));
    const Result<Host> with_port = normalize_authority(std::string(input) + ":80");
    ORION_FUZZ_CHECK_MSG(same(with_port, authority),
                         describe(with_port) + " vs " + describe(authority));
  }
  return 0;
}

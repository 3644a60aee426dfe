// Host normalisation: turns what a client sent (a Host header, or the authority of an
// absolute-form request-target) into the one canonical spelling every lookup uses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace orion::core {

inline constexpr std::size_t kMaxHostLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;

enum class HostKind : std::uint8_t { name, ipv4, ipv6 };

struct Host {
  // Lower-case ASCII; IDNs in punycode; no port, no trailing dot. IPv6 in brackets and in the
  // canonical RFC 5952 form ("[::1]"); IPv4 as a plain dotted quad.
  std::string name;
  HostKind kind = HostKind::name;

  friend bool operator==(const Host&, const Host&) = default;
};

// Normalises an authority, "host[:port]": strips the port (IPv6 literals included), lower-cases,
// strips one trailing dot, converts IDNs to punycode (libidn2). User information, an empty host,
// an unbracketed IPv6 address, a bad port, an illegal character or more than 253 characters is an
// error.
Result<Host> normalize_authority(std::string_view authority);

// Normalises a host without a port (a bracketed IPv6 literal is accepted).
Result<Host> normalize_host(std::string_view host);

// A host name normalised in place, without allocating (normalize_plain_authority).
struct PlainHostName {
  // Room for the longest name and for the 8-byte words the normaliser writes (it stores whole
  // words, so the bytes past `size` are unspecified).
  std::array<char, kMaxHostLength + 11> bytes;
  std::size_t size = 0;

  [[nodiscard]] std::string_view view() const noexcept { return {bytes.data(), size}; }
};

// normalize_authority's common case, for callers that only read the name: "name" or "name:port"
// whose name is plain ASCII (letters of either case, digits, hyphens and dots, at most one
// trailing dot), with well-formed labels and a last label that is not a number. True, with `out`
// holding exactly the name normalize_authority would return (of kind HostKind::name), when the
// authority is that; false for anything else, errors included, which only normalize_authority
// can then decide.
bool normalize_plain_authority(std::string_view authority, PlainHostName& out) noexcept;

// True when `host` is exactly `domain` or a name under it ("a.b.example" is under "example").
// Both must already be normalised.
bool is_same_or_under(std::string_view host, std::string_view domain) noexcept;

}  // namespace orion::core

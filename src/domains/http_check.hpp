// The HTTP side of the token check: one plain-HTTP GET to addresses the configured resolver
// gave, with one deadline for connect + request + response. Internal to src/domains: the
// Verifier turns its result into an Outcome and a sentence for the owner.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace orion::domains {

struct HttpRequest {
  std::vector<std::string> addresses;  // IP literals, tried in order
  std::uint16_t port = 80;
  std::string host;    // the Host header
  std::string target;  // the path, e.g. "/.well-known/orion-verify/abc"
  std::chrono::milliseconds timeout{5'000};
};

struct HttpResponse {
  bool answered = false;       // a status line and headers arrived
  unsigned status = 0;         // when answered
  std::string reason;          // "Not Found", from the status code
  std::string location;        // the Location header of a redirect
  std::string body;            // up to kBodyLimit bytes
  bool body_too_long = false;  // the body went past kBodyLimit (`body` is then empty)
  std::string problem;         // when not answered: what went wrong, one phrase
};

// The most of a body the check reads: a token answer is a few dozen bytes.
inline constexpr std::size_t kBodyLimit = 4096;

// Blocks up to request.timeout: call it on the blocking pool. Redirects are not followed.
HttpResponse http_get(const HttpRequest& request);

// One range the HTTP check never connects to (unless DnsOptions::http_allow_private), named as
// in the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus the multicast spaces, the
// deprecated IPv6 site-local block and the IPv4 limited broadcast, named as their RFCs do).
struct BlockedRange {
  std::string_view network;  // CIDR, e.g. "198.18.0.0/15"
  std::string_view name;     // e.g. "Benchmarking"
};

// The table, IPv4 ranges first; a more specific range comes before the one that contains it.
std::span<const BlockedRange> blocked_ranges() noexcept;

// Why an IP literal is one the HTTP check must not connect to: the name of its blocked range
// ("Loopback", "Benchmarking", ...), or nothing for a public address. IPv6 forms that carry an
// IPv4 address (IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, IPv4-compatible
// ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address, so
// 64:ff9b::7f00:1 is "Loopback (in a NAT64 address)". Text that is not an IP literal cannot be
// classified and is refused ("not an IP address"). Otherwise a domain pointed at 127.0.0.1 or
// 169.254.169.254 would make the platform fetch from its own network.
std::optional<std::string> blocked_range_of(std::string_view literal);

// blocked_range_of(literal) has a value.
bool is_private_address(std::string_view literal);

}  // namespace orion::domains

// The HTTP side of the token check: one plain-HTTP GET to addresses the configured resolver
// gave, with one deadline for connect + request + response. Internal to src/domains: the
// Verifier turns its result into an Outcome and a sentence for the owner.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
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

// Whether an IP literal is one the HTTP check must not connect to unless the operator allows it
// (DnsOptions::http_allow_private): loopback, private, shared (CGNAT), link-local, unique-local,
// "this network" and unspecified addresses, IPv4-mapped IPv6 forms included. Otherwise a domain
// pointed at 127.0.0.1 or 169.254.169.254 would make the platform fetch from its own network.
// Text that is not an IP literal counts as private (refused: it cannot be classified).
bool is_private_address(std::string_view literal);

}  // namespace orion::domains

// The HTTP side of the token check: one plain-HTTP GET to addresses the configured resolver
// gave, with one deadline for connect + request + response. Internal to src/domains: the
// Verifier turns its result into an Outcome and a sentence for the owner.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
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

}  // namespace orion::domains

// Checking that whoever added a custom domain controls it, before it routes (DESIGN.md §4): the
// DNS TXT record `_orion-verify.<domain>` must hold `orion-verify=<token>`, or Orion itself must
// answer that value at http://<domain>/.well-known/orion-verify/<token>; and reporting where the
// domain's A/AAAA/CNAME records point. Handlers, the scheduler and the CLI see only the Verifier
// interface, so tests point a real one at a local resolver.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "domains/dns.hpp"

namespace orion::domains {

// The record an owner creates to prove a domain: its name and its value.
std::string record_name(std::string_view domain);  // _orion-verify.<domain>
std::string record_value(std::string_view token);  // orion-verify=<token>

enum class Outcome : std::uint8_t {
  verified,       // the record holds the domain's token
  not_found,      // no such TXT record (the name does not exist, or has no TXT)
  wrong_value,    // TXT records exist at the name, none holds the token
  lookup_failed,  // no usable answer: timeout, SERVFAIL, resolver unreachable
};
std::string_view to_string(Outcome outcome) noexcept;

// The result of one check, with a sentence for the owner: what was found and what to do next.
struct Check {
  Outcome outcome = Outcome::lookup_failed;
  std::string message;

  [[nodiscard]] bool verified() const noexcept { return outcome == Outcome::verified; }
};

// How an owner proves a domain (DESIGN.md §4).
enum class Method : std::uint8_t {
  dns,   // TXT _orion-verify.<domain> = orion-verify=<token>
  http,  // GET http://<domain>/.well-known/orion-verify/<token> answers orion-verify=<token>
};
std::string_view to_string(Method method) noexcept;                  // "dns", "http"
std::optional<Method> parse_method(std::string_view text) noexcept;  // "dns", "http"

// Whether a domain's A/AAAA/CNAME records already send its visitors to the platform.
struct Pointing {
  enum class Status : std::uint8_t {
    points_here,       // every address (or the CNAME) is one of the expected targets
    points_elsewhere,  // records exist, some or all lead elsewhere
    no_records,        // no A, AAAA or CNAME record
    lookup_failed,     // no usable answer
  };
  Status status = Status::lookup_failed;
  std::vector<std::string> found;     // "CNAME shops.example.net", "A 192.0.2.1", ...
  std::vector<std::string> expected;  // "CNAME <platform target>", "A 203.0.113.10", ...
  std::string message;                // one sentence for the owner
  std::vector<std::string> fixes;     // the exact records to create or remove, one per line
  [[nodiscard]] bool ok() const noexcept { return status == Status::points_here; }
};
std::string_view to_string(Pointing::Status status) noexcept;  // snake_case

// Where the platform expects custom domains to point (app::Config domain_targets): a CNAME
// target host name and/or IP addresses. Empty: a CNAME to the platform domain, or A/AAAA records
// holding the addresses the platform domain itself resolves to.
struct Targets {
  std::string cname;                   // e.g. "shops.platform.example"
  std::vector<std::string> addresses;  // e.g. "203.0.113.10", "2001:db8::10"
};
// "203.0.113.10,2001:db8::10,shops.platform.example" (comma-separated; IP literals are
// addresses, one host name at most is the CNAME target). Errc::invalid_input when an entry is
// neither.
core::Result<Targets> parse_targets(std::string_view text);

class Verifier {
 public:
  virtual ~Verifier() = default;
  // Checks `domain` (normalised, as stored) against its verification `token` by `method`.
  // Blocks up to the verifier's timeout: call it on the blocking pool, never on an I/O thread.
  [[nodiscard]] virtual Check check(std::string_view domain, std::string_view token,
                                    Method method) const = 0;
  [[nodiscard]] Check check(std::string_view domain, std::string_view token) const {
    return check(domain, token, Method::dns);
  }
  // Where `domain` points now, against the expected targets. Blocks like `check`.
  [[nodiscard]] virtual Pointing pointing(std::string_view domain) const = 0;
};

struct DnsOptions {
  std::string server;  // IP[:PORT] of the resolver; empty: the system's
  std::chrono::milliseconds timeout{5'000};
  std::string platform_domain = "localhost";  // the default CNAME target
  Targets targets;                            // empty: derived from platform_domain
  // The port the HTTP token check connects to on the domain's address (80 in production;
  // tests point it at a server on loopback). The Host header is the domain.
  std::uint16_t http_port = 80;
  // Whether the HTTP token check may connect to a loopback, private, link-local or otherwise
  // non-public address (domains::is_private_address). Off in production: a domain pointed at
  // such an address would make the platform fetch from its own network (SSRF). Tests and a
  // local demo that serve the token on 127.0.0.1 turn it on.
  bool http_allow_private = false;
};

// The real checks: DNS through c-ares (TXT, A, AAAA, CNAME) asking the configured resolver, and
// the HTTP token over plain HTTP to the address that resolver gives (Boost.Beast, no redirects
// followed, the body read up to 4 KiB, one deadline for connect + request + response), never to
// a non-public address unless DnsOptions::http_allow_private.
class DnsVerifier final : public Verifier {
 public:
  // Errc::invalid_input when `server` is not IP[:PORT] or the timeout is not positive.
  static core::Result<std::unique_ptr<DnsVerifier>> make(const DnsOptions& options);

  using Verifier::check;
  [[nodiscard]] Check check(std::string_view domain, std::string_view token,
                            Method method) const override;
  [[nodiscard]] Pointing pointing(std::string_view domain) const override;
  [[nodiscard]] const DnsClient& client() const noexcept { return client_; }

 private:
  DnsVerifier(Resolver resolver, const DnsOptions& options)
      : client_(std::move(resolver), options.timeout), options_(options) {}
  DnsClient client_;
  DnsOptions options_;
};

}  // namespace orion::domains

// Checking that whoever added a custom domain controls it, before it routes (DESIGN.md §4): the
// DNS TXT record `_orion-verify.<domain>` must hold `orion-verify=<token>`, the domain's own
// token. Handlers and the CLI see only the Verifier interface, so tests can point a real one at a
// local resolver, and further methods (the HTTP token, re-checks on a schedule) can join it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

class Verifier {
 public:
  virtual ~Verifier() = default;
  // Checks `domain` (normalised, as stored) against its verification `token`. Blocks up to the
  // verifier's timeout: call it on the blocking pool, never on an I/O thread.
  [[nodiscard]] virtual Check check(std::string_view domain, std::string_view token) const = 0;
};

struct DnsOptions {
  std::string server;  // IP[:PORT] of the resolver; empty: the system's
  std::chrono::milliseconds timeout{5'000};
};

// The DNS TXT check through c-ares.
class DnsVerifier final : public Verifier {
 public:
  // Errc::invalid_input when `server` is not IP[:PORT] or the timeout is not positive.
  static core::Result<std::unique_ptr<DnsVerifier>> make(const DnsOptions& options);

  [[nodiscard]] Check check(std::string_view domain, std::string_view token) const override;
  [[nodiscard]] const DnsClient& client() const noexcept { return client_; }

 private:
  DnsVerifier(Resolver resolver, std::chrono::milliseconds timeout)
      : client_(std::move(resolver), timeout) {}
  DnsClient client_;
};

}  // namespace orion::domains

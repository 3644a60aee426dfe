// DNS lookups through c-ares for domain verification: synchronous, each with a deadline, and
// asking either the system's resolvers or one configured resolver (tests point it at a dnsmasq
// on loopback). They block: run them on the blocking pool, never on an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace orion::domains {

// The resolver to ask: an IP address and a port, or (address empty) the system's resolvers
// from /etc/resolv.conf.
struct Resolver {
  std::string address;
  std::uint16_t port = 53;

  [[nodiscard]] bool is_system() const noexcept { return address.empty(); }
  // "127.0.0.1:5353", "[::1]:53" or "the system's resolver", for messages.
  [[nodiscard]] std::string describe() const;
};

// "IP", "IP:PORT", "[V6]", "[V6]:PORT" or "localhost[:PORT]"; empty text is the system's
// resolver. Errc::invalid_input with what is wrong otherwise.
core::Result<Resolver> parse_resolver(std::string_view text);

// The answer to one query (TXT, A, AAAA or CNAME).
struct Answer {
  enum class Status : std::uint8_t {
    found,      // the name has records of the type asked (in `records`)
    no_record,  // the name does not exist, or has no record of that type
    failed,     // no usable answer: timeout, SERVFAIL, refused, unreachable (see `problem`)
  };
  Status status = Status::failed;
  // TXT: each record's character-strings joined, as published. A/AAAA: the addresses as text
  // ("192.0.2.1", "2001:db8::1"), following CNAMEs as a resolver does. CNAME: the one target
  // host name (lower-case, no trailing dot) the name is an alias for, the first hop only.
  std::vector<std::string> records;
  std::string problem;  // for `failed`: what went wrong, one phrase
};
using TxtAnswer = Answer;

class DnsClient {
 public:
  // `timeout` bounds each lookup as a whole (every server and retry included).
  DnsClient(Resolver resolver, std::chrono::milliseconds timeout);
  ~DnsClient();
  DnsClient(const DnsClient&) = delete;
  DnsClient& operator=(const DnsClient&) = delete;

  [[nodiscard]] const Resolver& resolver() const noexcept { return resolver_; }
  [[nodiscard]] std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  // The TXT records of `name` (a DNS name, e.g. "_orion-verify.shop.example.com"). Safe to call
  // from several threads at once: every lookup uses its own c-ares channel.
  [[nodiscard]] Answer txt(const std::string& name) const;
  // The IPv4 / IPv6 addresses of `name` (through its CNAMEs, if any), and what `name` itself is
  // an alias for. Same deadline and thread safety as txt().
  [[nodiscard]] Answer a(const std::string& name) const;
  [[nodiscard]] Answer aaaa(const std::string& name) const;
  [[nodiscard]] Answer cname(const std::string& name) const;

 private:
  [[nodiscard]] Answer query(const std::string& name, int type) const;

  Resolver resolver_;
  std::chrono::milliseconds timeout_;
};

}  // namespace orion::domains

#include "domains/verifier.hpp"

#include <algorithm>

namespace orion::domains {
namespace {

// A record's value quoted for a message, cut short: it is someone else's text.
std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 80;
  std::string text = "\"";
  for (char c : value.substr(0, kShown)) {
    text += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (value.size() > kShown) {
    text += "...";
  }
  return text + "\"";
}

}  // namespace

std::string record_name(std::string_view domain) { return "_orion-verify." + std::string(domain); }

std::string record_value(std::string_view token) { return "orion-verify=" + std::string(token); }

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::verified:
      return "verified";
    case Outcome::not_found:
      return "not_found";
    case Outcome::wrong_value:
      return "wrong_value";
    case Outcome::lookup_failed:
      return "lookup_failed";
  }
  return "lookup_failed";
}

core::Result<std::unique_ptr<DnsVerifier>> DnsVerifier::make(const DnsOptions& options) {
  auto resolver = parse_resolver(options.server);
  if (!resolver) {
    return resolver.error();
  }
  if (options.timeout.count() <= 0) {
    return core::make_error(core::Errc::invalid_input, "the DNS timeout must be positive");
  }
  return std::unique_ptr<DnsVerifier>(new DnsVerifier(std::move(*resolver), options.timeout));
}

Check DnsVerifier::check(std::string_view domain, std::string_view token) const {
  const std::string name = record_name(domain);
  const std::string expected = record_value(token);
  const TxtAnswer answer = client_.txt(name);
  switch (answer.status) {
    case TxtAnswer::Status::failed:
      return Check{Outcome::lookup_failed, "Could not look up the TXT record " + name + ": " +
                                               answer.problem +
                                               ". Nothing is wrong with the domain yet; try "
                                               "again in a few minutes."};
    case TxtAnswer::Status::no_record:
      return Check{Outcome::not_found,
                   "No TXT record " + name + " was found. Create it with the value " + expected +
                       " at your DNS provider, then check again (new records can take a while "
                       "to appear)."};
    case TxtAnswer::Status::found:
      break;
  }
  if (answer.records.empty()) {
    return Check{Outcome::not_found, "No TXT record " + name +
                                         " was found. Create it with the value " + expected +
                                         ", then check again."};
  }
  // Providers sometimes keep the quotes an owner typed: "orion-verify=..." counts too.
  const auto matches = [&expected](const std::string& value) {
    return value == expected ||
           (value.size() == expected.size() + 2 && value.front() == '"' && value.back() == '"' &&
            value.compare(1, expected.size(), expected) == 0);
  };
  if (std::any_of(answer.records.begin(), answer.records.end(), matches)) {
    return Check{Outcome::verified, "The TXT record " + name + " holds the right value: " +
                                        std::string(domain) + " is verified."};
  }
  std::string found = quoted(answer.records.front());
  if (answer.records.size() > 1) {
    found += " (and " + std::to_string(answer.records.size() - 1) + " more)";
  }
  return Check{Outcome::wrong_value, "The TXT record " + name + " holds " + found +
                                         ", not the expected " + expected +
                                         ". Change its value, then check again."};
}

}  // namespace orion::domains

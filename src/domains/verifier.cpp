#include "domains/verifier.hpp"

#include <libpsl.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstring>

#include "domains/http_check.hpp"

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

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// A DNS host name as RFC 1123 allows it (LDH labels of 1..63, 253 in all), at least two labels.
bool is_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.find('.') == std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
        return false;
      }
    }
    start = dot + 1;
  }
  return true;
}

// An IP literal in its canonical text, or nothing.
std::optional<std::string> ip_literal(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(text), error);
  if (error) {
    return std::nullopt;
  }
  return address.to_string();
}

bool is_v6(std::string_view address) { return address.find(':') != std::string_view::npos; }

std::string address_record(std::string_view address) {
  return (is_v6(address) ? "AAAA " : "A ") + std::string(address);
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& list, std::string_view separator) {
  std::string text;
  for (const auto& item : list) {
    if (!text.empty()) {
      text += separator;
    }
    text += item;
  }
  return text;
}

// An apex (registrable) domain cannot hold a CNAME next to its SOA and NS records.
bool is_apex(const std::string& domain) {
  const psl_ctx_t* psl = psl_builtin();
  if (psl == nullptr) {
    return domain.find('.') == domain.rfind('.');  // no list: guess from the label count
  }
  const char* registrable = psl_registrable_domain(psl, domain.c_str());
  return registrable == nullptr || std::strcmp(registrable, domain.c_str()) == 0;
}

// Percent-encodes what is not an RFC 3986 unreserved character: the token goes into a path.
std::string path_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

Check check_dns(const DnsClient& client, std::string_view domain, std::string_view token) {
  const std::string name = record_name(domain);
  const std::string expected = record_value(token);
  const TxtAnswer answer = client.txt(name);
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

Check check_http(const DnsClient& client, const DnsOptions& options, std::string_view domain,
                 std::string_view token) {
  const std::string name(domain);
  const std::string expected = record_value(token);
  const std::string target = "/.well-known/orion-verify/" + path_segment(token);
  const std::string url = "http://" + name +
                          (options.http_port == 80 ? "" : ":" + std::to_string(options.http_port)) +
                          target;
  // The configured resolver, not the system's: the same view of DNS as the TXT check.
  HttpRequest request{{}, options.http_port, name, target, options.timeout};
  for (const auto lookup : {&DnsClient::a, &DnsClient::aaaa}) {
    const Answer answer = (client.*lookup)(name);
    if (answer.status == Answer::Status::failed) {
      return Check{Outcome::lookup_failed, "Could not look up the address of " + name + ": " +
                                               answer.problem + ", so " + url +
                                               " could not be fetched. Try again in a few "
                                               "minutes."};
    }
    request.addresses.insert(request.addresses.end(), answer.records.begin(), answer.records.end());
  }
  if (request.addresses.empty()) {
    return Check{Outcome::lookup_failed,
                 name + " has no A or AAAA record, so " + url +
                     " cannot be reached. Point the domain at the platform first, or verify "
                     "with the DNS TXT record " +
                     record_name(name) + " instead."};
  }
  if (!options.http_allow_private) {
    // Any non-public address refuses the whole check: connecting only to the public ones would
    // still let a name that mixes them steer a later check (or a changed record) inside.
    for (const auto& address : request.addresses) {
      if (const auto range = blocked_range_of(address)) {
        return Check{Outcome::lookup_failed,
                     name + " resolves to a non-public address (" + address + ", " + *range +
                         "); the HTTP check only connects to public addresses. Point the domain "
                         "at the platform's public address, or verify with the DNS TXT record " +
                         record_name(name) + " instead."};
      }
    }
  }
  const HttpResponse response = http_get(request);
  if (!response.answered) {
    return Check{Outcome::lookup_failed,
                 "Could not fetch " + url + ": " + response.problem +
                     ". Check that the domain points at the platform, then try again."};
  }
  const std::string status =
      std::to_string(response.status) +
      (response.reason.empty() || response.reason == "<unknown-status>" ? ""
                                                                        : " " + response.reason);
  if (response.status >= 300 && response.status < 400) {
    return Check{
        Outcome::not_found,
        url + " answered " + status +
            (response.location.empty() ? ""
                                       : " (a redirect to " + quoted(response.location) + ")") +
            ": redirects are not followed, so the token must be answered at that "
            "address itself, over plain HTTP."};
  }
  if (response.status != 200) {
    return Check{Outcome::not_found, url + " answered " + status + ", not the token " + expected +
                                         ". Make sure the domain points at the platform, then "
                                         "check again."};
  }
  if (response.body_too_long) {
    return Check{Outcome::wrong_value, url + " answered more than " +
                                           std::to_string(kBodyLimit / 1024) +
                                           " KiB, not the expected " + expected + "."};
  }
  if (trimmed(response.body) != expected) {
    return Check{Outcome::wrong_value, url + " answered " + quoted(trimmed(response.body)) +
                                           ", not the expected " + expected +
                                           ". Is the domain pointing at another server?"};
  }
  return Check{Outcome::verified, url + " answered the right value: " + name + " is verified."};
}

// Where the platform expects `domain` to point: the configured targets, or the platform domain
// and its addresses; addresses of a CNAME target count too, so A records copying them pass.
Targets expected_targets(const DnsClient& client, const DnsOptions& options) {
  Targets expected = options.targets;
  if (expected.cname.empty() && expected.addresses.empty()) {
    expected.cname = lower(options.platform_domain);
    if (!expected.cname.empty() && expected.cname.back() == '.') {
      expected.cname.pop_back();
    }
  }
  if (expected.addresses.empty() && !expected.cname.empty()) {
    for (const Answer& answer : {client.a(expected.cname), client.aaaa(expected.cname)}) {
      expected.addresses.insert(expected.addresses.end(), answer.records.begin(),
                                answer.records.end());
    }
  }
  return expected;
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

std::string_view to_string(Method method) noexcept {
  switch (method) {
    case Method::dns:
      return "dns";
    case Method::http:
      return "http";
  }
  return "dns";
}

std::optional<Method> parse_method(std::string_view text) noexcept {
  if (text == "dns") {
    return Method::dns;
  }
  if (text == "http") {
    return Method::http;
  }
  return std::nullopt;
}

std::string_view to_string(Pointing::Status status) noexcept {
  switch (status) {
    case Pointing::Status::points_here:
      return "points_here";
    case Pointing::Status::points_elsewhere:
      return "points_elsewhere";
    case Pointing::Status::no_records:
      return "no_records";
    case Pointing::Status::lookup_failed:
      return "lookup_failed";
  }
  return "lookup_failed";
}

core::Result<Targets> parse_targets(std::string_view text) {
  Targets targets;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trimmed(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) {
      continue;
    }
    if (auto address = ip_literal(entry)) {
      if (!contains(targets.addresses, *address)) {
        targets.addresses.push_back(std::move(*address));
      }
      continue;
    }
    std::string name = lower(entry);
    if (name.back() == '.') {
      name.pop_back();
    }
    if (!is_host_name(name)) {
      return core::make_error(
          core::Errc::invalid_input,
          "domain target '" + std::string(entry) + "' is neither an IP address nor a host name");
    }
    if (!targets.cname.empty() && targets.cname != name) {
      return core::make_error(core::Errc::invalid_input, "domain targets name two hosts ('" +
                                                             targets.cname + "', '" + name +
                                                             "'): at most one CNAME target");
    }
    targets.cname = std::move(name);
  }
  return targets;
}

core::Result<std::unique_ptr<DnsVerifier>> DnsVerifier::make(const DnsOptions& options) {
  auto resolver = parse_resolver(options.server);
  if (!resolver) {
    return resolver.error();
  }
  if (options.timeout.count() <= 0) {
    return core::make_error(core::Errc::invalid_input, "the DNS timeout must be positive");
  }
  if (options.http_port == 0) {
    return core::make_error(core::Errc::invalid_input, "the HTTP check port must be 1..65535");
  }
  return std::unique_ptr<DnsVerifier>(new DnsVerifier(std::move(*resolver), options));
}

Check DnsVerifier::check(std::string_view domain, std::string_view token, Method method) const {
  switch (method) {
    case Method::http:
      return check_http(client_, options_, domain, token);
    case Method::dns:
      break;
  }
  return check_dns(client_, domain, token);
}

Pointing DnsVerifier::pointing(std::string_view domain) const {
  const std::string name(domain);
  Pointing result;
  // The first failure ends the report: half an answer would suggest the wrong fix.
  const auto failed = [&](const Answer& answer) {
    if (answer.status != Answer::Status::failed) {
      return false;
    }
    result.status = Pointing::Status::lookup_failed;
    result.message = "Could not look up where " + name + " points: " + answer.problem +
                     ". Try again in a few minutes.";
    return true;
  };
  const Answer alias = client_.cname(name);
  if (failed(alias)) {
    return result;
  }
  const Answer v4 = client_.a(name);
  if (failed(v4)) {
    return result;
  }
  const Answer v6 = client_.aaaa(name);
  if (failed(v6)) {
    return result;
  }
  const Targets expected = expected_targets(client_, options_);
  if (!expected.cname.empty()) {
    result.expected.push_back("CNAME " + expected.cname);
  }
  for (const auto& address : expected.addresses) {
    result.expected.push_back(address_record(address));
  }

  // The addresses visitors reach: through the CNAME when there is one.
  std::vector<std::string> addresses = v4.records;
  addresses.insert(addresses.end(), v6.records.begin(), v6.records.end());
  const std::string cname = alias.records.empty() ? std::string() : alias.records.front();
  const auto expected_address = [&expected](const std::string& address) {
    return contains(expected.addresses, address);
  };
  const bool addresses_here =
      !addresses.empty() && std::all_of(addresses.begin(), addresses.end(), expected_address);
  const bool use_cname = !expected.cname.empty() && !is_apex(name);

  // The records to create once the wrong ones are gone.
  const auto create = [&] {
    if (use_cname) {
      result.fixes.push_back("Create a CNAME record: " + name + " → " + expected.cname);
    } else if (!expected.addresses.empty()) {
      for (const auto& address : expected.addresses) {
        result.fixes.push_back(
            std::string(is_v6(address) ? "Create an AAAA record: " : "Create an A record: ") +
            name + " → " + address);
      }
    } else {
      result.fixes.push_back("Create an ALIAS (or ANAME) record: " + name + " → " + expected.cname +
                             " (an apex domain cannot have a CNAME)");
    }
  };
  const auto remove = [&](const std::string& address) {
    result.fixes.push_back(
        std::string(is_v6(address) ? "Remove the AAAA record " : "Remove the A record ") + name +
        " → " + address);
  };
  const std::string expected_text = joined(result.expected, " or ");

  if (!cname.empty()) {
    result.found.push_back("CNAME " + cname);
    if (cname == expected.cname || addresses_here) {
      result.status = Pointing::Status::points_here;
      result.message = name + " points at the platform (CNAME " + cname + ").";
      return result;
    }
    result.status = Pointing::Status::points_elsewhere;
    result.fixes.push_back("Remove the CNAME record " + name + " → " + cname);
    create();
  } else if (addresses.empty()) {
    result.status = Pointing::Status::no_records;
    result.message = name + " has no A, AAAA or CNAME record yet: create the record below so " +
                     "that visitors reach the store.";
    create();
    return result;
  } else {
    for (const auto& address : addresses) {
      result.found.push_back(address_record(address));
    }
    if (addresses_here) {
      result.status = Pointing::Status::points_here;
      result.message = name + " points at the platform (" + joined(result.found, ", ") + ").";
      return result;
    }
    result.status = Pointing::Status::points_elsewhere;
    const bool some_here = std::any_of(addresses.begin(), addresses.end(), expected_address);
    for (const auto& address : addresses) {
      if (!expected_address(address)) {
        remove(address);
      }
    }
    // Records already right stay; otherwise a CNAME (or the platform's addresses) replaces them.
    if (!some_here) {
      create();
    }
  }
  result.message = name + " points elsewhere (" + joined(result.found, ", ") +
                   "), not at the platform (" + expected_text +
                   "): change the records as listed so that visitors reach the store.";
  return result;
}

}  // namespace orion::domains

#include "core/host.hpp"

#include "core/lanes.hpp"
#include "core/text.hpp"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <boost/url/ipv6_address.hpp>
#include <charconv>

namespace orion::core {
namespace {

// Caps the work done on hostile input before normalisation; no real host, however encoded, comes
// near it.
constexpr std::size_t kMaxRawHostLength = 2048;

Error invalid(std::string message) { return make_error(Errc::invalid_host, std::move(message)); }

bool is_ascii(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

using text::is_digit;

constexpr bool is_ldh(char c) noexcept { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; }

bool check_port(std::string_view port) noexcept {
  if (port.empty()) {
    return true;  // "host:" is allowed by RFC 3986 and means the default port
  }
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
    return false;
  }
  unsigned value = 0;
  std::from_chars(port.data(), port.data() + port.size(), value);
  return value <= 65535;
}

// A dotted quad with four decimal octets, none with a leading zero (which some resolvers would
// read as octal: refusing it keeps "which address is this" unambiguous).
bool is_dotted_quad(std::string_view name) noexcept {
  int parts = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view octet = name.substr(start, dot - start);
    if (octet.empty() || octet.size() > 3 || !std::all_of(octet.begin(), octet.end(), is_digit) ||
        (octet.size() > 1 && octet.front() == '0')) {
      return false;
    }
    unsigned value = 0;
    std::from_chars(octet.data(), octet.data() + octet.size(), value);
    if (value > 255) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

// A label URL parsers (WHATWG "ends in a number") and inet_aton read as a number: decimal digits,
// or "0x" and hex digits, so that "127.0.0.0x1" is 127.0.0.1 to a browser.
bool is_number_label(std::string_view label) noexcept {
  if (label.starts_with("0x")) {
    return std::all_of(label.begin() + 2, label.end(),
                       [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
  }
  return std::all_of(label.begin(), label.end(), [](char c) { return is_digit(c); });
}

// Checks a lower-case ASCII name label by label and tells a host name from an IPv4 address.
Result<HostKind> check_ascii_name(std::string_view name) {
  if (name.empty()) {
    return invalid("host is empty");
  }
  if (name.size() > kMaxHostLength) {
    return make_error(Errc::host_too_long, "host is longer than 253 characters");
  }
  std::string_view last_label;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty()) {
      return invalid("host has an empty label");
    }
    if (label.size() > kMaxLabelLength) {
      return invalid("host has a label longer than 63 characters");
    }
    // A lambda rather than the function pointer, so that the per-character test is inlined
    // (bench/detection_bench.cpp).
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_ldh(c); })) {
      return invalid("host may contain only letters, digits, hyphens and dots");
    }
    if (label.front() == '-' || label.back() == '-') {
      return invalid("a host label may not start or end with a hyphen");
    }
    last_label = label;
    start = dot + 1;
  }
  // A name whose last label is a number is an IPv4 address or nothing: "1.2.3", "0x7f.1" and
  // "1.2.3.04" are spellings that different parsers read differently, so none is accepted.
  if (is_number_label(last_label)) {
    if (!is_dotted_quad(name)) {
      return invalid("host ends in a number but is not a dotted-quad IPv4 address");
    }
    return HostKind::ipv4;
  }
  return HostKind::name;
}

// The RFC 5952 text form. Boost.URL's to_string() also writes "::" for a single zero field
// ("1::2:3:4:5:6:7"), which §4.2.2 forbids, so only IPv4-mapped addresses, which it writes as
// §5 recommends ("::ffff:192.0.2.1"), are left to it.
std::string to_rfc5952(const boost::urls::ipv6_address& address) {
  if (address.is_v4_mapped()) {
    return address.to_string();
  }
  const auto bytes = address.to_bytes();
  std::array<unsigned, 8> fields{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    fields[i] = bytes[2 * i] * 256U + bytes[2 * i + 1];
  }
  // The first longest run of two or more zero fields becomes "::" (§4.2.2, §4.2.3).
  std::size_t run_start = fields.size();
  std::size_t run_length = 1;
  for (std::size_t i = 0; i < fields.size();) {
    std::size_t end = i;
    while (end < fields.size() && fields[end] == 0) {
      ++end;
    }
    if (end - i > run_length) {
      run_start = i;
      run_length = end - i;
    }
    i = std::max(end, i + 1);
  }
  std::string out;
  for (std::size_t i = 0; i < fields.size();) {
    if (i == run_start) {
      out += "::";
      i += run_length;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out.push_back(':');
    }
    char hex[4];
    const auto written = std::to_chars(hex, hex + sizeof hex, fields[i], 16);
    out.append(hex, written.ptr);
    ++i;
  }
  return out;
}

Result<Host> normalize_ipv6_literal(std::string_view literal) {
  if (literal.size() < 3 || literal.back() != ']') {
    return invalid("IPv6 literal is not closed by ']'");
  }
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  if (inner.front() == 'v' || inner.front() == 'V') {
    return invalid("IPvFuture literals are not accepted");
  }
  if (inner.find('%') != std::string_view::npos) {
    return invalid("IPv6 zone identifiers are not accepted");
  }
  auto address = boost::urls::parse_ipv6_address(inner);
  if (!address) {
    return invalid("malformed IPv6 literal");
  }
  return Host{"[" + to_rfc5952(*address) + "]", HostKind::ipv6};
}

// Converts a UTF-8 name to its ASCII (punycode) form following UTS #46 non-transitional
// processing, falling back to transitional processing for names only it allows (such as those
// with a sharp s), as browsers and curl do.
Result<std::string> to_ascii(const std::string& utf8) {
  char* out = nullptr;
  int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(utf8.c_str()),
                          reinterpret_cast<uint8_t**>(&out), IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc == IDN2_DISALLOWED) {
    rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(utf8.c_str()),
                        reinterpret_cast<uint8_t**>(&out), IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
  }
  if (rc == IDN2_TOO_BIG_DOMAIN) {
    return make_error(Errc::host_too_long, "host is longer than 253 characters");
  }
  if (rc != IDN2_OK) {
    return invalid(std::string("host is not a valid internationalised domain name (") +
                   idn2_strerror(rc) + ")");
  }
  std::string ascii(out);
  idn2_free(out);
  return ascii;
}

// The common case in one pass: a plain ASCII name of letters, digits, hyphens and dots whose
// labels are all well formed, at most one trailing dot, and a last label that is not a number.
// Lower-cases while it copies. Anything else (escapes, IDNs, IPv4, any error) returns false and
// is left to the full path, which gives the same answer for what this accepts.

// For plain_name_bytes: each byte's lower-case form if it may appear in a plain name, else 0.
constexpr std::array<char, 256> kPlainNameChar = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const char lower = text::to_lower(static_cast<char>(c));
    if (is_ldh(lower) || lower == '.') {
      table[static_cast<std::size_t>(c)] = lower;
    }
  }
  return table;
}();

// The last label (after the last dot, or all of `name`) is a number. Both number forms start with
// a digit, so a name ending in a letter label, nearly every name, is told by one byte.
bool ends_in_number(const char* name, std::size_t size, std::size_t last_label) noexcept {
  return is_digit(name[last_label]) &&
         is_number_label(std::string_view(name + last_label, size - last_label));
}

// A byte at a time, any length up to kMaxHostLength.
bool plain_name_bytes(const char* host, std::size_t size, char* out) noexcept {
  std::size_t label_start = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = kPlainNameChar[static_cast<unsigned char>(host[i])];
    out[i] = c;
    if (c >= 'a' || (c >= '0' && c <= '9')) {
      continue;
    }
    if (c == '.') {
      // An empty label, one ending in a hyphen or one that is too long.
      if (i == label_start || out[i - 1] == '-' || i - label_start > kMaxLabelLength) {
        return false;
      }
      label_start = i + 1;
    } else if (c != '-' || i == label_start) {
      return false;  // not a name character, or a label starting with a hyphen
    }
  }
  // The last label: not empty, not ending in a hyphen, not too long, not a number.
  return label_start != size && out[size - 1] != '-' && size - label_start <= kMaxLabelLength &&
         !ends_in_number(out, size, label_start);
}

// Sixteen bytes at a time (core/lanes.hpp), for names of at most kMaxLabelLength bytes, which
// cannot hold a label that is too long: the same answer as plain_name_bytes in about half its
// instructions for a typical 20-30 byte name (tests/unit/core/fast_path_test.cpp holds both to
// the host rules).
bool plain_name_lanes(const char* host, std::size_t size, char* out) noexcept {
  using namespace lanes;
  constexpr std::size_t kCapacity = (kMaxLabelLength + kWidth - 1) / kWidth * kWidth;
  static_assert(kCapacity <= sizeof(PlainHostName::bytes), "out holds every whole vector");
  // Past the name, 'a's: a letter, neither a dot nor a hyphen, so the lanes past the name and
  // the byte after its last one pass every test below.
  const Padded<kCapacity> padded(host, size, 'a');
  Lanes bad{};
  for (std::size_t offset = 0; offset < size; offset += kWidth) {
    const Lanes lower = to_lower(load(padded.bytes + offset));
    store(out + offset, lower);
    const Lanes dots = lower == '.';
    const Lanes hyphens = lower == '-';
    const Lanes name_char = between(lower, 'a', 'z') | between(lower, '0', '9') | dots | hyphens;
    // Each lane's next byte: a dot followed by a dot or a hyphen is an empty label or one starting
    // with a hyphen; a hyphen followed by a dot, a label ending with one.
    const Lanes next = load(padded.bytes + offset + 1);
    const Lanes next_dots = next == '.';
    bad |= ~name_char | (dots & (next_dots | (next == '-'))) | (hyphens & next_dots);
  }
  // The first byte and the last may be neither a dot nor a hyphen.
  const char first_byte = out[0];
  const char last_byte = out[size - 1];
  if (any(bad) || first_byte == '.' || first_byte == '-' || last_byte == '.' || last_byte == '-') {
    return false;
  }
  std::size_t last_label = size;
  while (last_label > 0 && out[last_label - 1] != '.') {
    --last_label;
  }
  return !ends_in_number(out, size, last_label);
}

// `host` without a port: drops one trailing dot, then checks and lower-cases it into `out`.
bool plain_name(std::string_view host, PlainHostName& out) noexcept {
  if (!host.empty() && host.back() == '.') {
    host.remove_suffix(1);
  }
  const std::size_t size = host.size();
  if (size == 0 || size > kMaxHostLength) {
    return false;
  }
  const bool plain = size <= kMaxLabelLength
                         ? plain_name_lanes(host.data(), size, out.bytes.data())
                         : plain_name_bytes(host.data(), size, out.bytes.data());
  out.size = plain ? size : 0;
  return plain;
}

// The port of a plain authority: the digits after its last colon, when there are at most five
// (more cannot be a port, and are left to the full path to refuse). Sets `name` to what precedes
// the colon, or to all of `authority` when it ends in no such port. False for a port above 65535.
bool split_plain_port(std::string_view authority, std::string_view& name) noexcept {
  std::size_t start = authority.size();
  unsigned port = 0;
  unsigned scale = 1;
  while (start > 0 && authority.size() - start < 5 && is_digit(authority[start - 1])) {
    --start;
    port += static_cast<unsigned>(authority[start] - '0') * scale;
    scale *= 10;
  }
  if (start > 0 && authority[start - 1] == ':') {
    name = authority.substr(0, start - 1);
    return port <= 65535;
  }
  name = authority;  // a colon left in it is not a name character: the name check refuses it
  return true;
}

}  // namespace

Result<Host> normalize_host(std::string_view host) {
  if (host.empty()) {
    return invalid("host is empty");
  }
  if (host.size() > kMaxRawHostLength) {
    return make_error(Errc::host_too_long, "host is longer than 253 characters");
  }
  if (host.front() == '[') {
    return normalize_ipv6_literal(host);
  }
  if (PlainHostName plain; plain_name(host, plain)) {
    return Host{std::string(plain.view()), HostKind::name};
  }
  std::string name;
  if (host.find('%') != std::string_view::npos) {
    if (!text::append_percent_decoded(host, name)) {
      return invalid("host has a malformed percent-escape");
    }
  } else {
    name.assign(host);
  }
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return c == ' ' || text::is_control(c); })) {
    return invalid("host contains a control character or a space");
  }
  bool stripped_dot = false;
  if (name.back() == '.') {
    name.pop_back();
    stripped_dot = true;
  }
  if (!is_ascii(name)) {
    auto ascii = to_ascii(name);
    if (!ascii) {
      return ascii.error();
    }
    name = std::move(*ascii);
    // UTS #46 maps ideographic full stops to '.', so a trailing one shows up only now.
    if (!name.empty() && name.back() == '.') {
      if (stripped_dot) {
        return invalid("host has an empty label");
      }
      name.pop_back();
    }
  }
  text::lower_ascii(name);
  auto kind = check_ascii_name(name);
  if (!kind) {
    return kind.error();
  }
  return Host{std::move(name), *kind};
}

Result<Host> normalize_authority(std::string_view authority) {
  if (authority.empty()) {
    return make_error(Errc::missing_host, "the request names no host");
  }
  // The common case, "name" or "name:port" with a plain name: the checks below would pass it to
  // normalize_host, whose plain-name fast path would accept it. Anything else (user information,
  // a second colon, a bad port, an IPv6 literal, a name needing more work) takes the full path.
  if (PlainHostName plain; normalize_plain_authority(authority, plain)) {
    Result<Host> out{boost::system::in_place_value};
    out->name.assign(plain.view());
    return out;
  }
  // One scan for '@' and the first two colons.
  std::size_t colon = std::string_view::npos;
  bool second_colon = false;
  for (std::size_t i = 0; i < authority.size(); ++i) {
    if (authority[i] == '@') {
      return invalid("user information is not allowed in a host");
    }
    if (authority[i] == ':') {
      second_colon = second_colon || colon != std::string_view::npos;
      colon = colon == std::string_view::npos ? i : colon;
    }
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return invalid("IPv6 literal is not closed by ']'");
    }
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return invalid("unexpected characters after an IPv6 literal");
      }
      port = rest.substr(1);
      has_port = true;
    }
  } else if (colon != std::string_view::npos) {
    if (second_colon) {
      return invalid("an IPv6 address in a host must be enclosed in brackets");
    }
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (has_port && !check_port(port)) {
    return invalid("host has an invalid port");
  }
  if (host.empty()) {
    return invalid("host is empty");
  }
  return normalize_host(host);
}

bool normalize_plain_authority(std::string_view authority, PlainHostName& out) noexcept {
  std::string_view name;
  return split_plain_port(authority, name) && plain_name(name, out);
}

bool is_same_or_under(std::string_view host, std::string_view domain) noexcept {
  if (host.size() == domain.size()) {
    return text::same(host, domain);
  }
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         text::same(host.substr(host.size() - domain.size()), domain);
}

}  // namespace orion::core

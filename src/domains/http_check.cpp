#include "domains/http_check.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <initializer_list>
#include <utility>

namespace orion::domains {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string duration_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  return std::to_string(ms) + " ms";
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

std::string addresses_text(const std::vector<tcp::endpoint>& endpoints) {
  std::string text;
  for (const auto& endpoint : endpoints) {
    text += (text.empty() ? "" : ", ") + endpoint_text(endpoint);
  }
  return text;
}

constexpr BlockedRange kBlocked[] = {
    // IANA IPv4 Special-Purpose Address Registry: every block not globally reachable.
    {"0.0.0.0/8", "\"This network\""},
    {"10.0.0.0/8", "Private-Use"},
    {"100.64.0.0/10", "Shared Address Space"},
    {"127.0.0.0/8", "Loopback"},
    {"169.254.0.0/16", "Link Local"},
    {"172.16.0.0/12", "Private-Use"},
    {"192.0.0.0/24", "IETF Protocol Assignments"},
    {"192.0.2.0/24", "Documentation (TEST-NET-1)"},
    {"192.88.99.0/24", "Deprecated (6to4 Relay Anycast)"},
    {"192.168.0.0/16", "Private-Use"},
    {"198.18.0.0/15", "Benchmarking"},
    {"198.51.100.0/24", "Documentation (TEST-NET-2)"},
    {"203.0.113.0/24", "Documentation (TEST-NET-3)"},
    {"224.0.0.0/4", "Multicast"},  // the IPv4 Multicast Address Space Registry
    {"255.255.255.255/32", "Limited Broadcast"},
    {"240.0.0.0/4", "Reserved"},
    // IANA IPv6 Special-Purpose Address Registry. The forms that carry an IPv4 address
    // (::ffff:0:0/96, ::ffff:0:0:0/96, ::/96, 64:ff9b::/96, 2002::/16) are not here: they are
    // judged by that address (embedded_v4 below).
    {"::1/128", "Loopback Address"},
    {"::/128", "Unspecified Address"},
    {"64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use)"},
    {"100::/64", "Discard-Only Address Block"},
    {"100:0:0:1::/64", "Dummy IPv6 Prefix"},
    {"2001::/23", "IETF Protocol Assignments"},  // TEREDO 2001::/32 and benchmarking included
    {"2001:db8::/32", "Documentation"},
    {"3fff::/20", "Documentation"},
    {"5f00::/16", "Segment Routing (SRv6) SIDs"},
    {"fc00::/7", "Unique-Local"},
    {"fe80::/10", "Link-Local Unicast"},
    {"fec0::/10", "Site-Local (deprecated)"},  // RFC 3879
    {"ff00::/8", "Multicast"},                 // the IPv6 Multicast Address Space Registry
};

using Bytes = asio::ip::address_v6::bytes_type;

// The first `bits` bits of `a` and `b` are equal.
bool same_prefix(const Bytes& a, const Bytes& b, unsigned bits) {
  for (std::size_t i = 0; i < a.size() && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const unsigned mask = (0xFFU << (8 - take)) & 0xFFU;
    if ((a[i] & mask) != (b[i] & mask)) {
      return false;
    }
    bits -= take;
  }
  return true;
}

struct Parsed {
  std::optional<asio::ip::network_v4> v4;
  std::optional<asio::ip::network_v6> v6;
  std::string_view name;
};

const std::vector<Parsed>& parsed_table() {
  static const std::vector<Parsed> table = [] {
    std::vector<Parsed> out;
    for (const auto& range : kBlocked) {
      const std::string text(range.network);
      if (text.find(':') == std::string::npos) {
        out.push_back({asio::ip::make_network_v4(text), std::nullopt, range.name});
      } else {
        out.push_back({std::nullopt, asio::ip::make_network_v6(text), range.name});
      }
    }
    return out;
  }();
  return table;
}

std::optional<std::string_view> v4_range(const asio::ip::address_v4& address) {
  const std::uint32_t a = address.to_uint();
  for (const auto& range : parsed_table()) {
    if (range.v4 && (a & range.v4->netmask().to_uint()) == range.v4->network().to_uint()) {
      return range.name;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> v6_range(const asio::ip::address_v6& address) {
  const Bytes bytes = address.to_bytes();
  for (const auto& range : parsed_table()) {
    if (range.v6 && same_prefix(bytes, range.v6->network().to_bytes(), range.v6->prefix_length())) {
      return range.name;
    }
  }
  return std::nullopt;
}

// The IPv4 address an IPv6 form carries, with the form's name, or nothing.
std::optional<std::pair<asio::ip::address_v4, std::string_view>> embedded_v4(
    const asio::ip::address_v6& address) {
  const Bytes b = address.to_bytes();
  const auto v4 = [&b](std::size_t at) {
    return asio::ip::address_v4(
        asio::ip::address_v4::bytes_type{b[at], b[at + 1], b[at + 2], b[at + 3]});
  };
  const auto starts_with = [&b](std::initializer_list<unsigned> head) {
    std::size_t i = 0;
    for (unsigned byte : head) {
      if (b[i++] != byte) {
        return false;
      }
    }
    return true;
  };
  using Form = std::pair<asio::ip::address_v4, std::string_view>;
  if (starts_with({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF})) {
    return Form{v4(12), "an IPv4-mapped address"};
  }
  if (starts_with({0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0})) {
    return Form{v4(12), "an IPv4-translated address"};
  }
  if (starts_with({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return Form{v4(12), "an IPv4-compatible address"};
  }
  if (starts_with({0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return Form{v4(12), "a NAT64 address"};
  }
  if (starts_with({0x20, 0x02})) {
    return Form{v4(2), "a 6to4 address"};
  }
  return std::nullopt;
}

}  // namespace

std::span<const BlockedRange> blocked_ranges() noexcept { return kBlocked; }

std::optional<std::string> blocked_range_of(std::string_view literal) {
  boost::system::error_code invalid;
  const auto address = asio::ip::make_address(std::string(literal), invalid);
  if (invalid) {
    return std::string("not an IP address");
  }
  if (address.is_v4()) {
    if (auto name = v4_range(address.to_v4())) {
      return std::string(*name);
    }
    return std::nullopt;
  }
  const auto v6 = address.to_v6();
  // Checked first so that ::1 and :: are named as themselves, not as IPv4-compatible forms.
  if (auto name = v6_range(v6)) {
    return std::string(*name);
  }
  if (auto inner = embedded_v4(v6)) {
    if (auto name = v4_range(inner->first)) {
      return std::string(*name) + " (in " + std::string(inner->second) + ")";
    }
  }
  return std::nullopt;
}

bool is_private_address(std::string_view literal) { return blocked_range_of(literal).has_value(); }

HttpResponse http_get(const HttpRequest& request) {
  HttpResponse response;
  std::vector<tcp::endpoint> endpoints;
  for (const auto& text : request.addresses) {
    boost::system::error_code invalid;
    const auto address = asio::ip::make_address(text, invalid);
    if (!invalid) {
      endpoints.emplace_back(address, request.port);
    }
  }
  if (endpoints.empty()) {
    response.problem = "there is no address to connect to";
    return response;
  }

  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::empty_body> get{http::verb::get, request.target, 11};
  get.set(http::field::host, request.host);
  get.set(http::field::user_agent, "Orion domain verification");
  get.set(http::field::connection, "close");
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  beast::flat_buffer buffer;

  // Beast's stream deadline is re-armed per operation; setting the same absolute time before
  // each makes it one deadline for the whole exchange.
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  beast::error_code failure;
  const char* stage = "connect";
  tcp::endpoint peer;
  stream.expires_at(deadline);
  stream.async_connect(endpoints, [&](beast::error_code error, const tcp::endpoint& connected) {
    if (error) {
      failure = error;
      return;
    }
    peer = connected;
    stage = "write";
    stream.expires_at(deadline);
    http::async_write(stream, get, [&](beast::error_code written, std::size_t) {
      if (written) {
        failure = written;
        return;
      }
      stage = "read";
      stream.expires_at(deadline);
      http::async_read(stream, buffer, parser,
                       [&](beast::error_code read, std::size_t) { failure = read; });
    });
  });
  io.run();

  if (parser.is_header_done()) {
    const auto& message = parser.get();
    response.answered = true;
    response.status = message.result_int();
    response.reason = std::string(http::obsolete_reason(message.result()));
    if (auto location = message.find(http::field::location); location != message.end()) {
      response.location = std::string(location->value());
    }
    if (failure == http::error::body_limit) {
      response.body_too_long = true;
      return response;
    }
    if (!failure || parser.is_done()) {
      response.body = message.body();
      return response;
    }
    // Headers arrived, the body did not: no answer to judge.
    response.answered = false;
  }
  const std::string where =
      std::string(stage) == "connect" ? addresses_text(endpoints) : endpoint_text(peer);
  if (failure == beast::error::timeout) {
    response.problem =
        std::string(stage) == "connect"
            ? "could not connect to " + where + " within " + duration_text(request.timeout)
            : "no answer from " + where + " within " + duration_text(request.timeout);
  } else if (failure == asio::error::connection_refused) {
    response.problem = "nothing accepts connections at " + where;
  } else if (failure == http::error::end_of_stream || failure == asio::error::eof ||
             failure == asio::error::connection_reset) {
    response.problem = where + " closed the connection without a complete answer";
  } else if (failure) {
    response.problem = "the request to " + where + " failed: " + failure.message();
  } else {
    response.problem = "no answer from " + where;
  }
  return response;
}

}  // namespace orion::domains

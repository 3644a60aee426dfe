#include "domains/http_check.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
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

bool private_v4(const asio::ip::address_v4& address) {
  const std::uint32_t a = address.to_uint();
  // {network, prefix length}
  static constexpr std::pair<std::uint32_t, int> kRanges[] = {
      {0x00000000, 8},   // 0.0.0.0/8: "this network", 0.0.0.0 included
      {0x0A000000, 8},   // 10.0.0.0/8
      {0x64400000, 10},  // 100.64.0.0/10: shared address space (carrier-grade NAT)
      {0x7F000000, 8},   // 127.0.0.0/8: loopback
      {0xA9FE0000, 16},  // 169.254.0.0/16: link-local (cloud metadata services live here)
      {0xAC100000, 12},  // 172.16.0.0/12
      {0xC0A80000, 16},  // 192.168.0.0/16
  };
  for (const auto& [network, bits] : kRanges) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - bits);
    if ((a & mask) == network) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_private_address(std::string_view literal) {
  boost::system::error_code invalid;
  const auto address = asio::ip::make_address(std::string(literal), invalid);
  if (invalid) {
    return true;
  }
  if (address.is_v4()) {
    return private_v4(address.to_v4());
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return private_v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
  }
  const auto bytes = v6.to_bytes();
  return v6.is_loopback() || v6.is_unspecified() ||
         (bytes[0] & 0xFE) == 0xFC ||                      // fc00::/7: unique local
         (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80);  // fe80::/10: link-local
}

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

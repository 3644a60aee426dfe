// The HTTP token check (DnsVerifier::check with Method::http): dnsmasq on loopback maps the test
// domain to 127.0.0.1, and a small HTTP responder on a loopback port plays the domain's server:
// the right token, a wrong body, 404, a redirect, an overlong body, nothing listening, and a
// server that never answers. Those checks allow loopback (DnsOptions::http_allow_private); with
// it off, a loopback, private or mixed answer is refused before any connection, and the
// classifier's table says which addresses count as private.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "domains/http_check.hpp"
#include "domains/verifier.hpp"
#include "support/dnsmasq.hpp"

namespace orion::domains {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What the responder answers every request with.
struct Reply {
  unsigned status = 200;
  std::string body;
  std::string location;
  bool silent = false;  // read the request, never answer
};

Reply answer(unsigned status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply redirect(std::string location) {
  Reply reply = answer(301, "");
  reply.location = std::move(location);
  return reply;
}

Reply never_answer() {
  Reply reply = answer(200, "orion-verify=t0k3n");
  reply.silent = true;
  return reply;
}

// One HTTP/1.1 server on 127.0.0.1 and a free port, on its own thread.
class Responder {
 public:
  explicit Responder(Reply reply)
      : reply_(std::move(reply)),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Responder() {
    io_.stop();
    thread_.join();
  }
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Connections accepted so far, a request sent on them or not.
  [[nodiscard]] int accepted() const { return accepted_.load(); }
  // The request target and Host header of every request so far.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> requests() {
    const std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error) {
        return;
      }
      accepted_.fetch_add(1);
      serve(std::make_shared<Connection>(std::move(socket)));
      accept();
    });
  }

  void serve(const std::shared_ptr<Connection>& connection) {
    http::async_read(
        connection->socket, connection->buffer, connection->request,
        [this, connection](beast::error_code error, std::size_t) {
          if (error) {
            return;
          }
          {
            const std::lock_guard lock(mutex_);
            requests_.emplace_back(std::string(connection->request.target()),
                                   std::string(connection->request[http::field::host]));
          }
          if (reply_.silent) {
            held_.push_back(connection);  // open, unanswered, until the end
            return;
          }
          auto& response = connection->response;
          response.version(11);
          response.result(reply_.status);
          response.set(http::field::content_type, "text/plain");
          if (!reply_.location.empty()) {
            response.set(http::field::location, reply_.location);
          }
          response.body() = reply_.body;
          response.prepare_payload();
          http::async_write(connection->socket, response,
                            [connection](beast::error_code, std::size_t) {
                              beast::error_code ignored;
                              connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
                            });
        });
  }

  Reply reply_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Connection>> held_;  // the io thread's only
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> requests_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// A loopback port where nothing listens (bound once, then released).
std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

class HttpCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = testing::Dnsmasq::start();
    ASSERT_TRUE(dns_);
    ASSERT_TRUE(dns_->set_address("shop.example.com", {"127.0.0.1"}));
  }
  [[nodiscard]] Check check(std::uint16_t port, std::string_view token = "t0k3n",
                            std::chrono::milliseconds timeout = 3s,
                            std::string_view domain = "shop.example.com",
                            bool allow_private = true) const {
    DnsOptions options;
    options.server = dns_->server();
    options.timeout = timeout;
    options.http_port = port;
    options.http_allow_private = allow_private;  // the responder is on loopback
    auto verifier = DnsVerifier::make(options);
    EXPECT_TRUE(verifier);
    return (*verifier)->check(domain, token, Method::http);
  }
  [[nodiscard]] static std::string url(std::uint16_t port, std::string_view token = "t0k3n") {
    return "http://shop.example.com:" + std::to_string(port) + "/.well-known/orion-verify/" +
           std::string(token);
  }
  std::unique_ptr<testing::Dnsmasq> dns_;
};

TEST_F(HttpCheckTest, RightTokenVerifies) {
  Responder server(answer(200, "orion-verify=t0k3n\n"));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::verified) << result.message;
  EXPECT_TRUE(result.verified());
  EXPECT_EQ(result.message, url(server.port()) +
                                " answered the right value: shop.example.com "
                                "is verified.");
  // It asked the domain's address for the token's path, with the domain as Host.
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].first, "/.well-known/orion-verify/t0k3n");
  EXPECT_EQ(requests[0].second, "shop.example.com");
}

TEST_F(HttpCheckTest, WrongBodyIsAWrongValue) {
  Responder server(answer(200, "orion-verify=someone-else"));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::wrong_value) << result.message;
  EXPECT_NE(result.message.find("answered \"orion-verify=someone-else\", not the expected "
                                "orion-verify=t0k3n"),
            std::string::npos)
      << result.message;
  // The token is part of the value: the right body for another token does not verify.
  EXPECT_EQ(check(server.port(), "t0k3").outcome, Outcome::wrong_value);
}

TEST_F(HttpCheckTest, NotFoundSaysWhatAnswered) {
  Responder server(answer(404, "no such page"));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::not_found) << result.message;
  EXPECT_NE(result.message.find(url(server.port()) + " answered 404 Not Found"), std::string::npos)
      << result.message;
}

TEST_F(HttpCheckTest, OtherStatusIsNotFoundToo) {
  Responder server(answer(500, "orion-verify=t0k3n"));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::not_found) << result.message;
  EXPECT_NE(result.message.find("answered 500 Internal Server Error"), std::string::npos);
}

TEST_F(HttpCheckTest, RedirectIsNotFollowed) {
  Responder server(redirect("https://shop.example.com/.well-known/orion-verify/t0k3n"));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::not_found) << result.message;
  EXPECT_NE(result.message.find("answered 301 Moved Permanently (a redirect to "
                                "\"https://shop.example.com/.well-known/orion-verify/t0k3n\")"),
            std::string::npos)
      << result.message;
  EXPECT_NE(result.message.find("redirects are not followed"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST_F(HttpCheckTest, OverlongBodyIsNotRead) {
  Responder server(answer(200, "orion-verify=t0k3n" + std::string(8000, ' ')));
  const Check result = check(server.port());
  EXPECT_EQ(result.outcome, Outcome::wrong_value) << result.message;
  EXPECT_NE(result.message.find("answered more than 4 KiB"), std::string::npos) << result.message;
}

TEST_F(HttpCheckTest, TokenIsEscapedInThePath) {
  Responder server(answer(200, "orion-verify=a/b c"));
  const Check result = check(server.port(), "a/b c");
  EXPECT_EQ(result.outcome, Outcome::verified) << result.message;
  ASSERT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(server.requests()[0].first, "/.well-known/orion-verify/a%2Fb%20c");
}

TEST_F(HttpCheckTest, NothingListeningIsALookupFailure) {
  const std::uint16_t port = closed_port();
  const Check result = check(port);
  EXPECT_EQ(result.outcome, Outcome::lookup_failed) << result.message;
  EXPECT_NE(
      result.message.find("Could not fetch " + url(port) +
                          ": nothing accepts connections at 127.0.0.1:" + std::to_string(port)),
      std::string::npos)
      << result.message;
}

TEST_F(HttpCheckTest, SlowServerTimesOut) {
  Responder server(never_answer());
  const auto started = std::chrono::steady_clock::now();
  const Check result = check(server.port(), "t0k3n", 500ms);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.outcome, Outcome::lookup_failed) << result.message;
  EXPECT_NE(result.message.find("no answer from 127.0.0.1:" + std::to_string(server.port()) +
                                " within 500 ms"),
            std::string::npos)
      << result.message;
  EXPECT_EQ(server.requests().size(), 1U);  // the request did arrive
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 3s);
}

TEST_F(HttpCheckTest, DomainWithoutAddressIsALookupFailure) {
  Responder server(answer(200, "orion-verify=t0k3n"));
  const Check result = check(server.port(), "t0k3n", 3s, "elsewhere.example.com");
  EXPECT_EQ(result.outcome, Outcome::lookup_failed) << result.message;
  EXPECT_NE(result.message.find("elsewhere.example.com has no A or AAAA record"), std::string::npos)
      << result.message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpCheckTest, LoopbackIsRefusedWithoutConnectingUnlessAllowed) {
  Responder server(answer(200, "orion-verify=t0k3n"));
  const Check refused = check(server.port(), "t0k3n", 3s, "shop.example.com", false);
  EXPECT_EQ(refused.outcome, Outcome::lookup_failed) << refused.message;
  EXPECT_FALSE(refused.verified());
  EXPECT_NE(refused.message.find("shop.example.com resolves to a non-public address (127.0.0.1, "
                                 "Loopback); the HTTP check only connects to public addresses"),
            std::string::npos)
      << refused.message;
  EXPECT_NE(refused.message.find("_orion-verify.shop.example.com"), std::string::npos);
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_TRUE(server.requests().empty());

  // The same check with the setting on reaches the responder and verifies.
  EXPECT_EQ(check(server.port()).outcome, Outcome::verified);
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(HttpCheckTest, APrivateAddressAmongPublicOnesRefusesTheWholeCheck) {
  Responder server(answer(200, "orion-verify=t0k3n"));
  ASSERT_TRUE(dns_->set_address("mixed.example.com", {"8.8.8.8", "127.0.0.1"}));
  const Check refused = check(server.port(), "t0k3n", 3s, "mixed.example.com", false);
  EXPECT_EQ(refused.outcome, Outcome::lookup_failed) << refused.message;
  EXPECT_NE(refused.message.find(
                "mixed.example.com resolves to a non-public address (127.0.0.1, Loopback)"),
            std::string::npos)
      << refused.message;
  EXPECT_EQ(server.accepted(), 0);

  ASSERT_TRUE(dns_->set_address("v6.example.com", {"::1"}));
  const Check v6 = check(server.port(), "t0k3n", 3s, "v6.example.com", false);
  EXPECT_EQ(v6.outcome, Outcome::lookup_failed) << v6.message;
  EXPECT_NE(v6.message.find("resolves to a non-public address (::1, Loopback Address)"),
            std::string::npos)
      << v6.message;
  EXPECT_EQ(server.accepted(), 0);
}

TEST(PrivateAddress, Table) {
  const std::pair<const char*, bool> table[] = {
      // IPv4: each refused range at its edges, and public neighbours.
      {"0.0.0.0", true},
      {"0.255.255.255", true},
      {"1.0.0.0", false},
      {"10.0.0.1", true},
      {"10.255.255.255", true},
      {"11.0.0.0", false},
      {"100.63.255.255", false},
      {"100.64.0.0", true},
      {"100.127.255.255", true},
      {"100.128.0.0", false},
      {"127.0.0.1", true},
      {"127.255.255.254", true},
      {"128.0.0.0", false},
      {"169.253.255.255", false},
      {"169.254.169.254", true},
      {"169.255.0.0", false},
      {"172.15.255.255", false},
      {"172.16.0.0", true},
      {"172.31.255.255", true},
      {"172.32.0.0", false},
      {"192.167.255.255", false},
      {"192.168.1.1", true},
      {"192.169.0.0", false},
      {"192.0.2.10", true},
      {"203.0.113.10", true},
      {"8.8.8.8", false},
      // IPv6.
      {"::1", true},
      {"::", true},
      {"::2", true},  // IPv4-compatible 0.0.0.2: "this network"
      {"::1:0:0:0", false},
      {"fc00::1", true},
      {"fd12:3456::1", true},
      {"fbff:ffff::1", false},
      {"fe80::1", true},
      {"febf:ffff::1", true},
      {"fec0::1", true},
      {"2001:db8::10", true},
      {"2606:4700::1111", false},
      // IPv4-mapped IPv6: judged by the IPv4 address inside.
      {"::ffff:127.0.0.1", true},
      {"::ffff:10.1.2.3", true},
      {"::ffff:169.254.169.254", true},
      {"::ffff:0.0.0.0", true},
      {"::ffff:203.0.113.10", true},
      {"::ffff:8.8.8.8", false},
      // Not an IP literal: cannot be classified, so refused.
      {"", true},
      {"localhost", true},
      {"127.0.0.1:80", true},
  };
  for (const auto& [literal, expected] : table) {
    EXPECT_EQ(is_private_address(literal), expected) << literal;
  }
}

// One row per range of the IANA special-purpose registries (and the multicast spaces): the
// registry name, addresses at both edges inside, and the public neighbours just outside. Written
// by hand, not derived from blocked_ranges(), and held against it: a range missing from the table
// fails its row, and a table entry without a row fails too.
struct RangeRow {
  const char* network;
  const char* name;
  std::vector<const char*> inside;
  std::vector<const char*> outside;  // public; empty where both neighbours are blocked ranges
};

const std::vector<RangeRow>& range_rows() {
  static const std::vector<RangeRow> rows = {
      {"0.0.0.0/8", "\"This network\"", {"0.0.0.0", "0.255.255.255"}, {"1.0.0.0"}},
      {"10.0.0.0/8", "Private-Use", {"10.0.0.0", "10.255.255.255"}, {"9.255.255.255", "11.0.0.0"}},
      {"100.64.0.0/10",
       "Shared Address Space",
       {"100.64.0.0", "100.127.255.255"},
       {"100.63.255.255", "100.128.0.0"}},
      {"127.0.0.0/8",
       "Loopback",
       {"127.0.0.0", "127.255.255.255"},
       {"126.255.255.255", "128.0.0.0"}},
      {"169.254.0.0/16",
       "Link Local",
       {"169.254.0.0", "169.254.169.254", "169.254.255.255"},
       {"169.253.255.255", "169.255.0.0"}},
      {"172.16.0.0/12",
       "Private-Use",
       {"172.16.0.0", "172.31.255.255"},
       {"172.15.255.255", "172.32.0.0"}},
      {"192.0.0.0/24",
       "IETF Protocol Assignments",
       {"192.0.0.0", "192.0.0.255"},
       {"191.255.255.255", "192.0.1.0"}},
      {"192.0.2.0/24",
       "Documentation (TEST-NET-1)",
       {"192.0.2.0", "192.0.2.255"},
       {"192.0.1.255", "192.0.3.0"}},
      {"192.88.99.0/24",
       "Deprecated (6to4 Relay Anycast)",
       {"192.88.99.0", "192.88.99.255"},
       {"192.88.98.255", "192.88.100.0"}},
      {"192.168.0.0/16",
       "Private-Use",
       {"192.168.0.0", "192.168.255.255"},
       {"192.167.255.255", "192.169.0.0"}},
      {"198.18.0.0/15",
       "Benchmarking",
       {"198.18.0.0", "198.19.255.255"},
       {"198.17.255.255", "198.20.0.0"}},
      {"198.51.100.0/24",
       "Documentation (TEST-NET-2)",
       {"198.51.100.0", "198.51.100.255"},
       {"198.51.99.255", "198.51.101.0"}},
      {"203.0.113.0/24",
       "Documentation (TEST-NET-3)",
       {"203.0.113.0", "203.0.113.255"},
       {"203.0.112.255", "203.0.114.0"}},
      {"224.0.0.0/4", "Multicast", {"224.0.0.0", "239.255.255.255"}, {"223.255.255.255"}},
      {"255.255.255.255/32", "Limited Broadcast", {"255.255.255.255"}, {}},
      {"240.0.0.0/4", "Reserved", {"240.0.0.0", "255.255.255.254"}, {}},
      {"::1/128", "Loopback Address", {"::1"}, {"::1:0:0:0"}},
      {"::/128", "Unspecified Address", {"::"}, {}},
      {"64:ff9b:1::/48",
       "IPv4-IPv6 Translat. (local use)",
       {"64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff"},
       {"64:ff9b:0:ffff:ffff:ffff:ffff:ffff", "64:ff9b:2::"}},
      {"100::/64",
       "Discard-Only Address Block",
       {"100::", "100::ffff:ffff:ffff:ffff"},
       {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
      {"100:0:0:1::/64",
       "Dummy IPv6 Prefix",
       {"100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff"},
       {"100:0:0:2::"}},
      {"2001::/23",
       "IETF Protocol Assignments",
       {"2001::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1",
        "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"}},
      {"2001:db8::/32",
       "Documentation",
       {"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"}},
      {"3fff::/20",
       "Documentation",
       {"3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"}},
      {"5f00::/16",
       "Segment Routing (SRv6) SIDs",
       {"5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f01::"}},
      {"fc00::/7",
       "Unique-Local",
       {"fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::"}},
      {"fe80::/10",
       "Link-Local Unicast",
       {"fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
      {"fec0::/10",
       "Site-Local (deprecated)",
       {"fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {}},
      {"ff00::/8",
       "Multicast",
       {"ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
       {}},
  };
  return rows;
}

TEST(BlockedRanges, EachRangeBlocksInsideAndNotJustOutside) {
  for (const auto& row : range_rows()) {
    for (const char* address : row.inside) {
      EXPECT_EQ(blocked_range_of(address), std::optional<std::string>(row.name))
          << address << " in " << row.network;
    }
    for (const char* address : row.outside) {
      EXPECT_EQ(blocked_range_of(address), std::nullopt) << address << " next to " << row.network;
    }
  }
}

TEST(BlockedRanges, TheTableHasARowPerRangeAndNoOther) {
  const auto table = blocked_ranges();
  ASSERT_EQ(table.size(), range_rows().size());
  for (const auto& range : table) {
    const auto row =
        std::find_if(range_rows().begin(), range_rows().end(),
                     [&range](const RangeRow& r) { return range.network == r.network; });
    ASSERT_NE(row, range_rows().end()) << range.network << " has no row";
    EXPECT_EQ(range.name, row->name) << range.network;
  }
}

// IPv6 forms that carry an IPv4 address are judged by it: every blocked IPv4 row's addresses are
// blocked, with the same name, inside each form, and public IPv4 neighbours stay public there.
TEST(BlockedRanges, EmbeddedIPv4FormsAreJudgedByTheirIPv4Address) {
  const auto v6_forms = [](const char* v4_text) {
    const auto b = asio::ip::make_address_v4(v4_text).to_bytes();
    const auto form = [&b](std::array<unsigned char, 16> bytes, std::size_t at) {
      std::copy(b.begin(), b.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
      return asio::ip::address_v6(bytes).to_string();
    };
    return std::vector<std::pair<std::string, std::string>>{
        {form({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 12), "an IPv4-mapped address"},
        {form({0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 12), "an IPv4-translated address"},
        {form({0x00, 0x64, 0xFF, 0x9B}, 12), "a NAT64 address"},
        {form({0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2), "a 6to4 address"},
    };
  };
  for (const auto& row : range_rows()) {
    if (std::string_view(row.network).find(':') != std::string_view::npos) {
      continue;
    }
    for (const char* address : row.inside) {
      for (const auto& [v6, form] : v6_forms(address)) {
        EXPECT_EQ(blocked_range_of(v6),
                  std::optional<std::string>(std::string(row.name) + " (in " + form + ")"))
            << v6 << " carries " << address;
      }
    }
    for (const char* address : row.outside) {
      for (const auto& [v6, form] : v6_forms(address)) {
        EXPECT_EQ(blocked_range_of(v6), std::nullopt) << v6 << " carries " << address;
      }
    }
  }
  // IPv4-compatible ::a.b.c.d (deprecated): the same, past the ::/128 and ::1/128 rows.
  EXPECT_EQ(blocked_range_of("::127.0.0.1"), "Loopback (in an IPv4-compatible address)");
  EXPECT_EQ(blocked_range_of("::198.18.0.1"), "Benchmarking (in an IPv4-compatible address)");
  EXPECT_EQ(blocked_range_of("::8.8.8.8"), std::nullopt);
  EXPECT_EQ(blocked_range_of("64:ff9b::a9fe:a9fe"), "Link Local (in a NAT64 address)");
  EXPECT_EQ(blocked_range_of("2002:7f00:1::"), "Loopback (in a 6to4 address)");
  // Public addresses in the forms' neighbourhood, and text that is no address.
  EXPECT_EQ(blocked_range_of("64:ff9b::808:808"), std::nullopt);
  EXPECT_EQ(blocked_range_of("2002:808:808::1"), std::nullopt);
  EXPECT_EQ(blocked_range_of("2606:4700::1111"), std::nullopt);
  EXPECT_EQ(blocked_range_of("shop.example.com"), "not an IP address");
}

// The connection goes to the literals the check judged, never to a new lookup of the name: a
// Host that resolves nowhere still reaches the address given.
TEST(HttpGet, ConnectsToTheGivenAddressesWithoutResolvingTheHost) {
  Responder server(answer(200, "orion-verify=t0k3n"));
  const HttpResponse response =
      http_get(HttpRequest{{"127.0.0.1"}, server.port(), "nowhere.invalid", "/x", 3s});
  EXPECT_TRUE(response.answered) << response.problem;
  EXPECT_EQ(response.status, 200U);
  ASSERT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(server.requests().front().second, "nowhere.invalid");
}

TEST(HttpCheckFailures, ASilentResolverIsALookupFailure) {
  testing::SilentResolver silent;
  DnsOptions options;
  options.server = silent.server();
  options.timeout = 300ms;
  auto verifier = DnsVerifier::make(options);
  ASSERT_TRUE(verifier);
  const Check result = (*verifier)->check("shop.example.com", "t0k3n", Method::http);
  EXPECT_EQ(result.outcome, Outcome::lookup_failed);
  EXPECT_NE(result.message.find("Could not look up the address of shop.example.com"),
            std::string::npos)
      << result.message;
}

TEST(DnsVerifierOptions, RefusesPortZero) {
  DnsOptions options;
  options.http_port = 0;
  EXPECT_FALSE(DnsVerifier::make(options));
}

}  // namespace
}  // namespace orion::domains

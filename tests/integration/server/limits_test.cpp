// The server's limits over real sockets with the whole app behind them, on both backends: an
// oversize request head (431), an oversize body (413), and a stalled client that is closed after
// the read deadline without holding up anyone else.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>

#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::TestServer;
namespace asio = boost::asio;
namespace bh = boost::beast::http;

class LimitsTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    app::Config config;
    config.header_limit = 4 * 1024;
    config.body_limit = 8 * 1024;
    config.read_timeout = std::chrono::milliseconds(400);
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    testing::seed_store(server_->database(), "orion", "Orion Shop", 1);
  }

  // Sends `raw` and reads until the server closes; returns what came back.
  std::string exchange(const std::string& raw) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(socket, asio::buffer(raw));
    std::string reply;
    boost::system::error_code error;
    asio::read(socket, asio::dynamic_buffer(reply), error);
    return reply;
  }

  std::unique_ptr<TestServer> server_;
};

TEST_P(LimitsTest, OversizeHeadIs431) {
  const std::string reply = exchange("GET /shop/ HTTP/1.1\r\nHost: orion.platform.test\r\nX-Big: " +
                                     std::string(6000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431")) << reply.substr(0, 80);
}

TEST_P(LimitsTest, OversizeBodyIs413) {
  const std::string body(9000, 'x');
  const std::string reply = exchange(
      "POST /shop/api/orders HTTP/1.1\r\nHost: orion.platform.test\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply.substr(0, 80);
  // A body within the limit reaches the handler (and is judged there, not refused as too big).
  auto small = server_->json(bh::verb::post, "orion.platform.test", "/shop/api/orders", "{");
  EXPECT_NE(small.result_int(), 413);
}

// Issue 14 point 5 with the whole app: HEAD and GET of a storefront page on one kept-alive
// connection. The HEAD answer has the GET's status and headers, its Content-Length included,
// and no body, so the GET's answer that follows parses where it starts.
TEST_P(LimitsTest, HeadThenGetOnOneConnection) {
  const std::string wire = exchange(
      "HEAD /shop/ HTTP/1.1\r\nHost: orion.platform.test\r\n\r\n"
      "GET /shop/ HTTP/1.1\r\nHost: orion.platform.test\r\nConnection: close\r\n\r\n");
  boost::beast::flat_buffer buffer;
  buffer.commit(asio::buffer_copy(buffer.prepare(wire.size()), asio::buffer(wire)));
  const auto parse = [&buffer](bool head) {
    bh::response_parser<bh::string_body> parser;
    parser.skip(head);  // a HEAD answer has no body, whatever its Content-Length
    boost::beast::error_code ec;
    while (!parser.is_done() && !ec && buffer.size() > 0) {
      buffer.consume(parser.put(buffer.data(), ec));
      if (ec == bh::error::need_more) {
        ec = {};
        break;
      }
    }
    if (!parser.is_done() && !ec) {
      parser.put_eof(ec);
    }
    EXPECT_FALSE(ec) << ec.message();
    return parser.release();
  };
  const auto head = parse(true);
  const auto get = parse(false);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(get.result_int(), 200) << wire.substr(0, 400);
  EXPECT_TRUE(get.body().find("Orion Shop") != std::string::npos) << get.body().substr(0, 200);
  EXPECT_EQ(head[bh::field::content_length], std::to_string(get.body().size()));
  EXPECT_EQ(head[bh::field::content_type], get[bh::field::content_type]);
  EXPECT_EQ(buffer.size(), 0U) << "bytes after the GET's answer";
}

// Issue 14 point 14 with the whole app: a body framed by anything but one `chunked` is 400 and
// the connection closes, so the bytes after the head are never read as a second request.
TEST_P(LimitsTest, TransferEncodingOtherThanChunkedIs400) {
  for (const std::string coding : {"gzip", "chunked, chunked", "gzip, chunked"}) {
    const std::string reply = exchange(
        "POST /shop/api/orders HTTP/1.1\r\nHost: orion.platform.test\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: " +
        coding + "\r\n\r\n0\r\n\r\nGET /shop/ HTTP/1.1\r\nHost: orion.platform.test\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << coding << ": " << reply.substr(0, 200);
    EXPECT_EQ(reply.find("HTTP/1.1 200"), std::string::npos) << coding << ": smuggled";
  }
}

TEST_P(LimitsTest, AStalledClientIsClosedAndNeverHoldsUpOthers) {
  asio::io_context io;
  asio::ip::tcp::socket stalled(io);
  stalled.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(stalled, asio::buffer(std::string("GET /shop/ HTTP/1.1\r\nHost: orion.plat")));
  const auto started = std::chrono::steady_clock::now();
  // Others are served at once while it stalls.
  auto other = server_->get("orion.platform.test", "/shop/");
  EXPECT_EQ(other.result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
  // The stalled one is closed once the read deadline passes.
  std::string reply;
  boost::system::error_code error;
  asio::read(stalled, asio::dynamic_buffer(reply), error);
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset) << error;
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

ORION_SERVER_ON_BOTH_BACKENDS(LimitsTest);

}  // namespace
}  // namespace orion

// The server's limits and lifetimes over real loopback sockets: keep-alive, 431 and 413, a
// malformed request, a stalled client cut off without holding up others, the connection cap,
// and a graceful stop that lets an in-flight request finish.
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace orion::http {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking test client: sends raw bytes, reads until the server closes or `timeout` passes.
class RawClient {
 public:
  explicit RawClient(const tcp::endpoint& server) : socket_(io_) { socket_.connect(server); }
  // The server may answer and stop reading before everything is sent (413): not an error here.
  void send(const std::string& bytes) {
    boost::system::error_code ignored;
    asio::write(socket_, asio::buffer(bytes), ignored);
  }
  // Everything the server sends until it closes the connection (or `timeout`).
  std::string read_all(std::chrono::milliseconds timeout = 5000ms) {
    set_timeout(timeout);
    std::string out;
    char chunk[65536];
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
      out.append(chunk, n);
      if (ec) {
        closed_ = ec == asio::error::eof || ec == asio::error::connection_reset;
        return out;
      }
    }
  }
  // Reads until `count` complete responses (by Content-Length) have arrived.
  std::string read_responses(int count, std::chrono::milliseconds timeout = 5000ms) {
    set_timeout(timeout);
    std::string out;
    char chunk[65536];
    while (complete_responses(out) < count) {
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
      out.append(chunk, n);
      if (ec) {
        break;
      }
    }
    return out;
  }
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  void set_timeout(std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  static int complete_responses(const std::string& text) {
    int count = 0;
    std::size_t pos = 0;
    for (;;) {
      const std::size_t head_end = text.find("\r\n\r\n", pos);
      if (head_end == std::string::npos) {
        return count;
      }
      const std::size_t length_at = text.find("Content-Length: ", pos);
      std::size_t length = 0;
      if (length_at != std::string::npos && length_at < head_end) {
        length = std::stoul(text.substr(length_at + 16));
      }
      if (text.size() < head_end + 4 + length) {
        return count;
      }
      ++count;
      pos = head_end + 4 + length;
    }
  }
  asio::io_context io_;
  tcp::socket socket_;
  bool closed_ = false;
};

namespace beast = boost::beast;

// Parses the responses in `wire` one after the other, as a client on one connection does: the
// answer to a HEAD has no body whatever its Content-Length says (RFC 9110 §9.3.2), so the bytes
// after its head are the next response. Stops at the first that does not parse.
std::vector<beast::http::response<beast::http::string_body>> parse_responses(
    const std::string& wire, const std::vector<bool>& is_head) {
  std::vector<beast::http::response<beast::http::string_body>> out;
  beast::flat_buffer buffer;
  buffer.commit(asio::buffer_copy(buffer.prepare(wire.size()), asio::buffer(wire)));
  for (const bool head : is_head) {
    beast::http::response_parser<beast::http::string_body> parser;
    parser.skip(head);
    beast::error_code ec;
    while (!parser.is_done() && !ec) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == beast::http::error::need_more) {
        ec = {};
        parser.put_eof(ec);  // the wire holds all there is: a message cut short is an error
        break;
      }
    }
    if (ec || !parser.is_done()) {
      break;
    }
    out.push_back(parser.release());
  }
  return out;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options) {
    server_ = std::make_unique<Server>(
        std::vector<asio::io_context*>{&loops_[0], &loops_[1]},
        [](Request& request, const Peer&, RequestBody& body) -> asio::awaitable<Response> {
          if (request.target() == "/slow") {
            asio::steady_timer timer(co_await asio::this_coro::executor, 400ms);
            co_await timer.async_wait(asio::use_awaitable);
            co_return make_response(Status::ok, "slow done", "text/plain");
          }
          if (request.target() == "/throw") {
            throw std::runtime_error("handler bug");
          }
          if (request.target() == "/refuse") {
            // Answers from the head alone, leaving the body unread.
            co_return json_error(Status::unauthorized, "unauthorized", "sign in first");
          }
          if (request.target() == "/empty" || request.target() == "/not-modified") {
            // A careless handler: a body (and its length) on a status that may not have one.
            Response bodiless{
                request.target() == "/empty" ? Status::no_content : Status::not_modified, 11};
            bodiless.body() = "not for the wire";
            bodiless.set(beast::http::field::content_length, "16");
            co_return bodiless;
          }
          if (auto refused = co_await body.read(request.target() == "/small" ? 10 : 1024 * 1024)) {
            co_return std::move(*refused);
          }
          co_return make_response(Status::ok, "hello " + std::to_string(request.body().size()),
                                  "text/plain");
        },
        options);
    ASSERT_TRUE(server_->listen(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)));
    for (auto& loop : loops_) {
      threads_.emplace_back([&loop] { loop.run(); });
    }
  }
  void stop() {
    if (!server_) {
      return;
    }
    auto done = asio::co_spawn(loops_[0], server_->stop(), asio::use_future);
    done.get();
  }
  void TearDown() override {
    stop();
    work_.clear();
    for (auto& loop : loops_) {
      loop.stop();
    }
    for (auto& t : threads_) {
      t.join();
    }
  }
  tcp::endpoint endpoint() const { return server_->endpoint(); }

  // Two loops, one thread each, as App runs them: connections are dealt to both.
  std::array<asio::io_context, 2> loops_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      asio::make_work_guard(loops_[0]), asio::make_work_guard(loops_[1])};
  std::unique_ptr<Server> server_;
  std::vector<std::thread> threads_;
};

TEST_F(ServerTest, AnswersAndKeepsTheConnectionAlive) {
  start({});
  RawClient client(endpoint());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string out = client.read_responses(2);
  EXPECT_EQ(count_of(out, "HTTP/1.1 200 OK"), 2) << out;
}

TEST_F(ServerTest, ClosesWhenTheClientAsksForIt) {
  start({});
  RawClient client(endpoint());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string out = client.read_all();
  EXPECT_EQ(count_of(out, "HTTP/1.1 200 OK"), 1);
  EXPECT_TRUE(client.closed());
}

TEST_F(ServerTest, AHeadOverTheLimitIs431) {
  start({});  // the default limit: 16 KiB
  RawClient client(endpoint());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n");
  const std::string out = client.read_all();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431")) << out.substr(0, 200);
  EXPECT_NE(out.find("\"code\":\"header_too_large\""), std::string::npos);
}

TEST_F(ServerTest, AHeadJustUnderTheLimitIsServed) {
  start({});
  RawClient client(endpoint());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(15 * 1024, 'a') +
              "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 200"));
}

TEST_F(ServerTest, ABodyOverTheLimitIs413AndTheLimitIsPerRoute) {
  start({});
  {
    RawClient client(endpoint());
    const std::string body(1024 * 1024 + 1, 'b');
    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    const std::string out = client.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out.substr(0, 200);
  }
  {
    RawClient client(endpoint());
    const std::string body(1024 * 1024, 'b');
    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    const std::string out = client.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out.substr(0, 200);
    EXPECT_NE(out.find("hello 1048576"), std::string::npos);
  }
  {
    RawClient client(endpoint());
    client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 413"));
  }
}

// Issue 14 point 5: a HEAD answer is the GET answer without its body, so that a client (a proxy
// on a kept-alive upstream connection) reads the next response where it starts.
TEST_F(ServerTest, AHeadAnswerHasTheGetHeadersAndNoBodyOnOneConnection) {
  start({});
  RawClient client(endpoint());
  client.send(
      "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string wire = client.read_all();
  const auto responses = parse_responses(wire, {true, false, true});
  ASSERT_EQ(responses.size(), 3U) << wire;
  const auto& get = responses[1];
  EXPECT_EQ(get.result_int(), 200);
  EXPECT_EQ(get.body(), "hello 0");
  for (const auto* head : {&responses[0], &responses[2]}) {
    EXPECT_EQ(head->result_int(), 200);
    EXPECT_EQ((*head)[beast::http::field::content_length], std::to_string(get.body().size()));
    EXPECT_EQ((*head)[beast::http::field::content_type], get[beast::http::field::content_type]);
  }
  // Nothing follows the last HEAD's head: the whole wire is three heads and one body.
  EXPECT_TRUE(wire.ends_with("\r\n\r\n")) << wire;
  EXPECT_TRUE(client.closed());
}

// 204 and 304 answers never carry a body (nor a Content-Length for one), whatever the handler
// put in them.
TEST_F(ServerTest, NoContentAndNotModifiedCarryNoBody) {
  start({});
  RawClient client(endpoint());
  client.send(
      "GET /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /not-modified HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string wire = client.read_all();
  EXPECT_EQ(wire.find("not for the wire"), std::string::npos) << wire;
  const auto responses = parse_responses(wire, {false, false, false});
  ASSERT_EQ(responses.size(), 3U) << wire;
  EXPECT_EQ(responses[0].result_int(), 204);
  EXPECT_EQ(responses[0].count(beast::http::field::content_length), 0U);
  EXPECT_EQ(responses[1].result_int(), 304);
  EXPECT_EQ(responses[1].count(beast::http::field::content_length), 0U);
  EXPECT_EQ(responses[2].body(), "hello 0");
}

// Issue 14 point 14: only `Transfer-Encoding: chunked` frames a body; anything else is 400 and
// the connection closes (RFC 9112 §6.1, §6.3), never "no body" with the rest read as the next
// request.
TEST_F(ServerTest, TransferEncodingOtherThanOneChunkedIs400AndCloses) {
  start({});
  const std::string chunked_body = "5\r\nhello\r\n0\r\n\r\n";
  for (const std::string& fields : {
           std::string("Transfer-Encoding: gzip\r\n"),
           std::string("Transfer-Encoding: identity\r\n"),
           std::string("Transfer-Encoding: chunked, chunked\r\n"),
           std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
           std::string("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"),
           std::string("Transfer-Encoding: gzip, chunked\r\n"),
           std::string("Transfer-Encoding: chunked;ext=1\r\n"),
           std::string("Transfer-Encoding: ,chunked\r\n"),
           std::string("Transfer-Encoding: chunked\r\nContent-Length: 15\r\n"),
           std::string("Content-Length: 15\r\nTransfer-Encoding: chunked\r\n"),
       }) {
    RawClient client(endpoint());
    client.send("POST /a HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n" + chunked_body +
                "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string out = client.read_all();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << fields << out;
    EXPECT_NE(out.find("\"code\":\"malformed_request\""), std::string::npos) << fields << out;
    EXPECT_EQ(count_of(out, "HTTP/1.1 "), 1) << fields << out;
    EXPECT_TRUE(client.closed()) << fields;
  }
  {
    RawClient client(endpoint());
    client.send("POST /a HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked_body);
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 400"));
  }
  // Exactly `chunked` (in any case) frames the body as before.
  RawClient client(endpoint());
  client.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n" + chunked_body +
              "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string out = client.read_all();
  EXPECT_EQ(count_of(out, "HTTP/1.1 200 OK"), 2) << out;
  EXPECT_NE(out.find("hello 5"), std::string::npos) << out;
}

// Issue 14 point 10, the server's part: a handler that answers on the head leaves the body
// unread; the answer comes before the client sent a byte of it, and the connection closes.
TEST_F(ServerTest, AnAnswerFromTheHeadAloneComesBeforeTheBodyAndCloses) {
  start({});
  RawClient client(endpoint());
  client.send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5242880\r\n\r\n");
  const std::string out = client.read_all(3000ms);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 401")) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_TRUE(client.closed());
}

// A client that waits for `100 Continue` gets it when the handler reads the body, not before.
TEST_F(ServerTest, ExpectContinueIsAnsweredWhenTheBodyIsWanted) {
  start({});
  RawClient client(endpoint());
  client.send(
      "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\n");
  const std::string interim = client.read_responses(1, 2000ms);
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue\r\n\r\n")) << interim;
  client.send("hello");
  const std::string out = client.read_all();
  EXPECT_NE(out.find("hello 5"), std::string::npos) << out;
}

TEST_F(ServerTest, AMalformedRequestIs400) {
  start({});
  RawClient client(endpoint());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  const std::string out = client.read_all();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << out;
  EXPECT_TRUE(client.closed());
}

TEST_F(ServerTest, AHandlerThatThrowsIs500AndTheServerLives) {
  start({});
  {
    RawClient client(endpoint());
    client.send("GET /throw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 500"));
  }
  RawClient client(endpoint());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 200"));
}

TEST_F(ServerTest, AStalledClientIsCutOffWithoutHoldingUpOthers) {
  ServerOptions options;
  options.read_timeout = 500ms;
  start(options);
  RawClient stalled(endpoint());
  stalled.send("GET / HTTP/1.1\r\nHo");  // and then nothing
  const auto before = std::chrono::steady_clock::now();
  RawClient other(endpoint());
  other.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(other.read_all().starts_with("HTTP/1.1 200"));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 400ms);
  const std::string out = stalled.read_all(3000ms);
  EXPECT_TRUE(stalled.closed()) << "the stalled connection was not closed";
  EXPECT_EQ(out, "");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2500ms);
}

TEST_F(ServerTest, AnIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 300ms;
  start(options);
  RawClient client(endpoint());
  client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string out = client.read_all(3000ms);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200"));
  EXPECT_TRUE(client.closed());
}

TEST_F(ServerTest, ConnectionsOverTheCapAre503) {
  ServerOptions options;
  options.max_connections = 2;
  start(options);
  RawClient first(endpoint());
  RawClient second(endpoint());
  first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(count_of(first.read_responses(1), "200 OK"), 1);
  ASSERT_EQ(count_of(second.read_responses(1), "200 OK"), 1);
  RawClient third(endpoint());
  const std::string out = third.read_all();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 503")) << out;
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinishAndRefusesNewConnections) {
  start({});
  RawClient slow(endpoint());
  slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  RawClient idle(endpoint());
  idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(count_of(idle.read_responses(1), "200 OK"), 1);
  std::this_thread::sleep_for(100ms);  // the slow request is in its handler now
  const tcp::endpoint server = endpoint();
  stop();
  const std::string out = slow.read_all();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
  EXPECT_NE(out.find("slow done"), std::string::npos);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(slow.closed());
  idle.read_all(2000ms);
  EXPECT_TRUE(idle.closed());
  EXPECT_EQ(server_->open_connections(), 0U);
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(server, ec);
  EXPECT_TRUE(ec) << "a new connection was accepted after stop";
  server_.reset();
}

}  // namespace
}  // namespace orion::http

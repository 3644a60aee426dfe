// The server's limits and lifetimes over real loopback sockets: keep-alive, 431 and 413, a
// malformed request, a stalled client cut off without holding up others, the connection cap,
// and a graceful stop that lets an in-flight request finish.
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
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
        io_,
        [](Request& request, const Peer&) -> asio::awaitable<Response> {
          if (request.target() == "/slow") {
            asio::steady_timer timer(co_await asio::this_coro::executor, 400ms);
            co_await timer.async_wait(asio::use_awaitable);
            co_return make_response(Status::ok, "slow done", "text/plain");
          }
          if (request.target() == "/throw") {
            throw std::runtime_error("handler bug");
          }
          co_return make_response(Status::ok, "hello " + std::to_string(request.body().size()),
                                  "text/plain");
        },
        options,
        [](const Request& head) -> std::uint64_t {
          return head.target() == "/small" ? 10 : 1024 * 1024;
        });
    ASSERT_TRUE(server_->listen(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)));
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }
  void stop() {
    if (!server_) {
      return;
    }
    auto done = asio::co_spawn(io_, server_->stop(), asio::use_future);
    done.get();
  }
  void TearDown() override {
    stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) {
      t.join();
    }
  }
  tcp::endpoint endpoint() const { return server_->endpoint(); }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      asio::make_work_guard(io_)};
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

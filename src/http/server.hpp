// The HTTP/1.1 server: a listener that owns one C++20 coroutine per connection, with the
// explicit limits of the Beast examples (header and body size, read and idle deadlines, a
// connection cap) and a graceful stop (stop accepting, let in-flight requests finish within a
// deadline, then close what is left).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "core/error.hpp"
#include "http/message.hpp"

namespace orion::http {

namespace asio = boost::asio;

struct ServerOptions {
  std::size_t header_limit = 16 * 1024;            // larger request heads get 431
  std::uint64_t body_limit = 1024 * 1024;          // larger bodies get 413 (per route: below)
  std::chrono::milliseconds read_timeout{10'000};  // a started request must arrive within this
  std::chrono::milliseconds idle_timeout{60'000};  // a kept-alive connection waits this long
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_connections = 10'000;  // more are answered 503 and closed
  std::chrono::milliseconds shutdown_grace{10'000};
};

// What the server knows about a request beyond the message itself.
struct Peer {
  asio::ip::tcp::endpoint remote;
  bool tls = false;  // set by a TLS front end later; plain TCP here
};

// The application: turns a request into a response. Never throws out (the error boundary
// middleware catches), but the server still answers 500 if it does.
using Handler = std::function<asio::awaitable<Response>(Request&, const Peer&)>;

// Picks the body limit for a request from its head (method, target), e.g. larger for uploads.
using BodyLimit = std::function<std::uint64_t(const Request&)>;

class Server {
 public:
  Server(asio::io_context& io, Handler handler, ServerOptions options, BodyLimit body_limit = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Port 0 picks a free port (see `endpoint()`).
  core::Result<void> listen(const asio::ip::tcp::endpoint& endpoint);
  [[nodiscard]] asio::ip::tcp::endpoint endpoint() const;

  // Stops accepting, closes idle connections, lets busy ones finish their current response
  // (then closes them) and force-closes whatever is left after shutdown_grace. Completes when
  // every connection coroutine has ended. Safe to call once, from any thread.
  asio::awaitable<void> stop();

  [[nodiscard]] std::size_t open_connections() const noexcept { return live_.load(); }

 private:
  struct Connection;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  void forget(const std::shared_ptr<Connection>& connection);

  asio::io_context& io_;
  Handler handler_;
  ServerOptions options_;
  BodyLimit body_limit_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> live_{0};
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace orion::http

// The HTTP/1.1 server: a listener that owns one C++20 coroutine per connection, with the
// explicit limits of the Beast examples (header and body size, read and idle deadlines, a
// connection cap) and a graceful stop (stop accepting, let in-flight requests finish within a
// deadline, then close what is left). It reads a request's head, refuses framing it cannot trust
// (RFC 9112 §6: any Transfer-Encoding but one `chunked`, with no Content-Length), and hands the
// head to the handler; the body is read only when the handler asks for it (RequestBody), with the
// limit the handler's route sets. Every response leaves through one write path that drops the
// body where HTTP forbids one (HEAD, 1xx, 204, 304).
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
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace orion::http {

namespace asio = boost::asio;

struct ServerOptions {
  std::size_t header_limit = 16 * 1024;  // larger request heads get 431
  // How much of an unread or refused body is read and thrown away (at most 4 times this, for at
  // most a second) so that the refusal before it is not lost to a reset. Not a body limit: the
  // handler's RequestBody::read says how large a body it takes.
  std::uint64_t body_limit = 1024 * 1024;
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

// The body of the request being answered. The handler gets the request with its head only; a
// handler that needs the body reads it, so that it can refuse a request on its head alone (an
// upload without a session) before a byte of the body is read or held in memory. A body the
// handler leaves unread ends the connection after the response (the next request would start in
// the middle of it).
class RequestBody {
 public:
  virtual ~RequestBody() = default;
  // Reads the body into the request, at most `limit` bytes (a declared Content-Length over it is
  // refused before anything is read; a chunked body when it passes it). Sends `100 Continue`
  // first when the client waits for it. None: the request holds its body now (also when it had
  // none, or on a second call); else the answer to send instead (413 too large, 400 malformed),
  // after which the connection closes.
  virtual asio::awaitable<std::optional<Response>> read(std::uint64_t limit) = 0;
};

// The application: turns a request into a response. Never throws out (the error boundary
// middleware catches), but the server still answers 500 if it does.
using Handler = std::function<asio::awaitable<Response>(Request&, const Peer&, RequestBody&)>;

// The one rule of what a response to `method` may carry (RFC 9110 §6.4.1, §9.3.2): a HEAD answer
// keeps every header of the GET answer, its Content-Length (the GET body's length) included, and
// loses the body; a 1xx, 204 or 304 answer has neither body nor Content-Length. The server applies
// it to every response it writes.
void shape_for(Response& response, beast_http::verb method);

// Why a request head cannot be framed safely, if it cannot (RFC 9112 §6.1, §6.3): a
// Transfer-Encoding other than exactly one `chunked` (`gzip`, `chunked, chunked`, two
// Transfer-Encoding lines, `gzip, chunked`: Orion decodes no transfer coding, and DESIGN.md §7
// answers all of them 400), Transfer-Encoding on HTTP/1.0, or Transfer-Encoding together with
// Content-Length (a request-smuggling vector). Errc::malformed.
std::optional<core::Error> framing_problem(const Request& head);

class Server {
 public:
  // `loops`: where connections live, each an io_context that exactly one thread runs (the
  // model of nginx's workers: a connection needs no strand, and its completions never wake or
  // wait for another thread). Accepted connections are dealt to the loops in turn; the acceptor
  // lives on the first. At least one loop; the loops outlive the server.
  Server(std::vector<asio::io_context*> loops, Handler handler, ServerOptions options);
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

  std::vector<asio::io_context*> loops_;
  std::size_t next_loop_ = 0;  // touched by the accept loop only
  Handler handler_;
  ServerOptions options_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> live_{0};
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace orion::http

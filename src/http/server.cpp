#include "http/server.hpp"

#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <string_view>
#include <vector>

namespace orion::http {
namespace {

namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Errors that mean "the client sent something that is not HTTP/1.1" (answered 400), as opposed
// to the connection ending or timing out (closed without an answer).
bool is_malformed(const beast::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category() &&
         ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message &&
         ec != beast_http::error::need_more && ec != beast_http::error::header_limit &&
         ec != beast_http::error::body_limit;
}

// Transfer-Encoding's list elements across all its field lines, trimmed; an empty element (",",
// "chunked,") kept as "" so that it is refused too.
std::vector<std::string_view> transfer_codings(const Request& head, std::size_t& lines) {
  std::vector<std::string_view> codings;
  lines = 0;
  const auto [first, last] = head.equal_range(beast_http::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    ++lines;
    std::string_view rest = field->value();
    for (;;) {
      const std::size_t comma = rest.find(',');
      std::string_view coding = rest.substr(0, comma);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) {
        coding.remove_prefix(1);
      }
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
        coding.remove_suffix(1);
      }
      codings.push_back(coding);
      if (comma == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(comma + 1);
    }
  }
  return codings;
}

// The server's RequestBody: reads the rest of the message into the parser's request.
class Body final : public RequestBody {
 public:
  Body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
       beast_http::request_parser<beast_http::string_body>& parser)
      : stream_(stream), buffer_(buffer), parser_(parser) {}

  asio::awaitable<std::optional<Response>> read(std::uint64_t limit) override {
    if (refused_ || broken_) {
      co_return refusal(limit);
    }
    if (parser_.is_done()) {
      co_return std::nullopt;
    }
    // A declared length is refused before a byte of the body is read; a chunked body is cut
    // off by the parser when it passes the limit.
    if (parser_.content_length() && *parser_.content_length() > limit) {
      refused_ = true;
      co_return refusal(limit);
    }
    if (beast::iequals(parser_.get()[beast_http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue), kTuple);
      if (ec) {
        broken_ = true;
        co_return refusal(limit);
      }
    }
    parser_.body_limit(limit);
    auto [ec, n] = co_await beast_http::async_read(stream_, buffer_, parser_, kTuple);
    if (ec == beast_http::error::body_limit) {
      refused_ = true;
    } else if (is_malformed(ec)) {
      refused_ = true;
      malformed_ = "the request body is not valid HTTP/1.1: " + ec.message();
    } else if (ec) {
      broken_ = true;
    }
    if (refused_ || broken_) {
      co_return refusal(limit);
    }
    co_return std::nullopt;
  }

  [[nodiscard]] bool refused() const noexcept { return refused_; }
  // The body could not be read for want of a client: nobody to answer.
  [[nodiscard]] bool broken() const noexcept { return broken_; }

 private:
  [[nodiscard]] Response refusal(std::uint64_t limit) const {
    if (!malformed_.empty() || broken_) {
      return json_error(Status::bad_request, "malformed_request",
                        malformed_.empty() ? "the request body did not arrive" : malformed_);
    }
    return json_error(Status::payload_too_large, "body_too_large",
                      "the request body is larger than the " + std::to_string(limit) +
                          " bytes this route accepts");
  }

  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  beast_http::request_parser<beast_http::string_body>& parser_;
  bool refused_ = false;
  bool broken_ = false;
  std::string malformed_;
};

}  // namespace

void shape_for(Response& response, beast_http::verb method) {
  const unsigned code = response.result_int();
  if ((code >= 100 && code < 200) || code == 204 || code == 304) {
    response.erase(beast_http::field::content_length);
    response.erase(beast_http::field::transfer_encoding);
    response.body().clear();
    return;
  }
  if (method == beast_http::verb::head) {
    // The length the GET's body has; a handler that answered the HEAD with a length and no body
    // already said it.
    if (!response.body().empty() || !response.has_content_length()) {
      response.erase(beast_http::field::transfer_encoding);
      response.set(beast_http::field::content_length, std::to_string(response.body().size()));
    }
    response.body().clear();
  }
}

std::optional<core::Error> framing_problem(const Request& head) {
  std::size_t lines = 0;
  const std::vector<std::string_view> codings = transfer_codings(head, lines);
  if (lines == 0) {
    return std::nullopt;
  }
  const auto refuse = [](std::string message) {
    return core::make_error(core::Errc::malformed, std::move(message));
  };
  if (head.count(beast_http::field::content_length) > 0) {
    return refuse("a request may not carry both Transfer-Encoding and Content-Length");
  }
  if (head.version() < 11) {
    return refuse("an HTTP/1.0 request may not carry Transfer-Encoding");
  }
  if (lines != 1 || codings.size() != 1 || !beast::iequals(codings.front(), "chunked")) {
    return refuse(
        "Transfer-Encoding must be exactly 'chunked' (no other transfer coding is "
        "supported)");
  }
  return std::nullopt;
}

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // touched only on the connection's loop
};

Server::Server(std::vector<asio::io_context*> loops, Handler handler, ServerOptions options)
    : loops_(std::move(loops)),
      handler_(std::move(handler)),
      options_(options),
      acceptor_(*loops_.at(0)) {}

Server::~Server() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

core::Result<void> Server::listen(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return core::make_error(core::Errc::unavailable,
                            "cannot listen on " + endpoint.address().to_string() + ":" +
                                std::to_string(endpoint.port()) + ": " + ec.message());
  }
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
  return {};
}

tcp::endpoint Server::endpoint() const {
  beast::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopping_) {
    // Accepted on the acceptor's own loop, then handed to the next loop as a bare descriptor:
    // a pending accept never holds a socket of another loop (whose services might be gone
    // first when the loops are destroyed).
    auto [ec, accepted] = co_await acceptor_.async_accept(kTuple);
    if (!ec) {
      const auto protocol = acceptor_.local_endpoint(ec).protocol();
      if (!ec) {
        const auto descriptor = accepted.release(ec);
        if (!ec) {
          asio::io_context& loop = *loops_[next_loop_];
          next_loop_ = (next_loop_ + 1) % loops_.size();
          tcp::socket moved(loop);
          if (moved.assign(protocol, descriptor, ec)) {
            ::close(descriptor);
          }
          accepted = std::move(moved);
        }
      }
    }
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) {
        co_return;
      }
      // Out of file descriptors and the like: pause rather than spin.
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(accepted));
    {
      std::lock_guard lock(mutex_);
      connections_.insert(connection);
    }
    const bool over = live_.fetch_add(1) >= options_.max_connections;
    if (over) {
      // Over the cap: answer at once and close, rather than queue without bound.
      asio::co_spawn(
          connection->stream.get_executor(),
          [this, connection]() -> asio::awaitable<void> {
            Response busy = json_error(Status::service_unavailable, "unavailable",
                                       "the server is at its connection limit; try again");
            busy.keep_alive(false);
            connection->stream.expires_after(options_.write_timeout);
            co_await beast_http::async_write(connection->stream, busy, kTuple);
            beast::error_code ignored;
            connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            forget(connection);
          },
          asio::detached);
      continue;
    }
    asio::co_spawn(connection->stream.get_executor(), serve(connection), asio::detached);
  }
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> connection) {
  beast::tcp_stream& stream = connection->stream;
  beast::flat_buffer buffer;
  beast::error_code ignored;
  const Peer peer{stream.socket().remote_endpoint(ignored), false};
  for (;;) {
    // Idle: wait for the first byte of the next request under the idle deadline only.
    if (buffer.size() == 0) {
      connection->busy = false;
      if (stopping_) {
        break;
      }
      stream.expires_after(options_.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) {
        break;
      }
      buffer.commit(n);
    }
    connection->busy = true;
    // A fresh parser per message; the whole request must arrive within read_timeout, so a
    // client that trickles bytes is cut off and never holds a connection slot for long.
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(boost::none);  // the handler's RequestBody::read sets it
    stream.expires_after(options_.read_timeout);
    auto [head_ec, head_n] = co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
    std::optional<Response> refusal;
    if (head_ec == beast_http::error::header_limit) {
      refusal = json_error(
          Status::request_header_fields_too_large, "header_too_large",
          "the request head is larger than " + std::to_string(options_.header_limit) + " bytes");
    } else if (is_malformed(head_ec)) {
      refusal = json_error(Status::bad_request, "malformed_request",
                           "the request is not valid HTTP/1.1: " + head_ec.message());
    } else if (head_ec) {
      break;  // closed, reset or timed out: nobody to answer
    } else if (auto problem = framing_problem(parser.get())) {
      refusal = json_error(Status::bad_request, "malformed_request", problem->message);
    }
    Response response;
    bool keep_alive = false;
    auto method = beast_http::verb::unknown;
    Body body(stream, buffer, parser);
    if (refusal) {
      response = std::move(*refusal);  // the stream is out of sync: answer, then close
    } else {
      Request& request = parser.get();
      method = request.method();
      keep_alive = request.keep_alive();
      try {
        response = co_await handler_(request, peer, body);
      } catch (...) {
        response = json_error(Status::internal_server_error, "internal",
                              "the server failed to handle the request");
      }
      if (body.broken()) {
        break;  // the client went away or stalled while sending its body
      }
    }
    // A body refused or left unread is still on the wire ahead of any next request.
    const bool unread = refusal || body.refused() || !parser.is_done();
    keep_alive = keep_alive && !unread && !stopping_;
    response.keep_alive(keep_alive);
    shape_for(response, method);
    stream.expires_after(options_.write_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, response, kTuple);
    if (write_ec) {
      break;
    }
    if (unread) {
      // Lingering close: the client may still be sending the body we did not read. Closing now
      // would reset the connection and could destroy the answer before it is read, so stop
      // sending, then read and discard for a moment.
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(std::chrono::milliseconds(1000));
      std::size_t drained = 0;
      while (drained < 4 * options_.body_limit) {
        buffer.clear();
        auto [drain_ec, n] = co_await stream.async_read_some(buffer.prepare(65536), kTuple);
        if (drain_ec) {
          break;
        }
        drained += n;
      }
      break;
    }
    if (!keep_alive) {
      break;
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
  forget(connection);
}

void Server::forget(const std::shared_ptr<Connection>& connection) {
  {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
  }
  live_.fetch_sub(1);
}

asio::awaitable<void> Server::stop() {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  const auto close_where = [this](bool only_idle) {
    std::lock_guard lock(mutex_);
    for (const auto& connection : connections_) {
      asio::post(connection->stream.get_executor(), [connection, only_idle] {
        if (!only_idle || !connection->busy) {
          beast::error_code ignored;
          connection->stream.socket().cancel(ignored);
          connection->stream.socket().close(ignored);
        }
      });
    }
  };
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  // Idle connections close now; busy ones finish their response (keep-alive is off) and close.
  // Re-checked while waiting, since a busy connection may turn idle between two requests.
  while (live_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    close_where(true);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
  while (live_.load() > 0) {
    close_where(false);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
}

}  // namespace orion::http

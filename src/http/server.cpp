#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

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

}  // namespace

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // touched only on the connection's strand
};

Server::Server(asio::io_context& io, Handler handler, ServerOptions options, BodyLimit body_limit)
    : io_(io),
      handler_(std::move(handler)),
      options_(options),
      body_limit_(std::move(body_limit)),
      acceptor_(asio::make_strand(io)) {}

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
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) {
        co_return;
      }
      // Out of file descriptors and the like: pause rather than spin.
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
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
    parser.body_limit(boost::none);  // checked below, once the route's limit is known
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
    } else {
      const std::uint64_t limit = body_limit_ ? body_limit_(parser.get()) : options_.body_limit;
      const auto too_large = [&] {
        return json_error(Status::payload_too_large, "body_too_large",
                          "the request body is larger than the " + std::to_string(limit) +
                              " bytes this route accepts");
      };
      // A declared length is refused before a byte of the body is read; a chunked body is
      // cut off by the parser when it passes the limit.
      if (parser.content_length() && *parser.content_length() > limit) {
        refusal = too_large();
      } else if (!parser.is_done()) {
        parser.body_limit(limit);
        auto [body_ec, body_n] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
        if (body_ec == beast_http::error::body_limit) {
          refusal = too_large();
        } else if (is_malformed(body_ec)) {
          refusal = json_error(Status::bad_request, "malformed_request",
                               "the request body is not valid HTTP/1.1: " + body_ec.message());
        } else if (body_ec) {
          break;
        }
      }
    }
    Response response;
    bool keep_alive = false;
    if (refusal) {
      response = std::move(*refusal);  // the stream is out of sync: answer, then close
    } else {
      Request request = parser.release();
      keep_alive = request.keep_alive();
      try {
        response = co_await handler_(request, peer);
      } catch (...) {
        response = json_error(Status::internal_server_error, "internal",
                              "the server failed to handle the request");
      }
    }
    keep_alive = keep_alive && !stopping_;
    response.keep_alive(keep_alive);
    stream.expires_after(options_.write_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, response, kTuple);
    if (write_ec) {
      break;
    }
    if (refusal) {
      // Lingering close: the client may still be sending the body we refused. Closing now
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

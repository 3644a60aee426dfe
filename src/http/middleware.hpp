// One middleware interface, handle(request, context, next), and the chain that runs them in the
// order src/http/middleware/chain.cpp writes down. Middlewares never throw on purpose; the error
// boundary turns a stray exception into a 500.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <vector>

#include "http/context.hpp"
#include "http/message.hpp"

namespace orion::http {

class Chain;

// The rest of the chain after the current middleware.
class Next {
 public:
  Next(const Chain& chain, std::size_t index) : chain_(&chain), index_(index) {}
  asio::awaitable<Response> operator()(Request& request, RequestContext& context) const;

 private:
  const Chain* chain_;
  std::size_t index_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                           Next next) const = 0;
};

// The terminal step: the router and handlers.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual asio::awaitable<Response> serve(Request& request, RequestContext& context) const = 0;
};

class Chain {
 public:
  Chain(std::vector<std::unique_ptr<Middleware>> middlewares, std::unique_ptr<Endpoint> endpoint)
      : middlewares_(std::move(middlewares)), endpoint_(std::move(endpoint)) {}

  asio::awaitable<Response> run(Request& request, RequestContext& context) const {
    return step(request, context, 0);
  }

  // The server's Handler: a fresh context per request, then the chain.
  [[nodiscard]] Handler handler() const;

 private:
  friend class Next;
  asio::awaitable<Response> step(Request& request, RequestContext& context,
                                 std::size_t index) const;

  std::vector<std::unique_ptr<Middleware>> middlewares_;
  std::unique_ptr<Endpoint> endpoint_;
};

}  // namespace orion::http

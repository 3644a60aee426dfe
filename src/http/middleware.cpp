#include "http/middleware.hpp"

namespace orion::http {

asio::awaitable<Response> Next::operator()(Request& request, RequestContext& context) const {
  return chain_->step(request, context, index_);
}

asio::awaitable<Response> Chain::step(Request& request, RequestContext& context,
                                      std::size_t index) const {
  if (index < middlewares_.size()) {
    return middlewares_[index]->handle(request, context, Next(*this, index + 1));
  }
  return endpoint_->serve(request, context);
}

Handler Chain::handler() const {
  return
      [this](Request& request, const Peer& peer, RequestBody& body) -> asio::awaitable<Response> {
        RequestContext context;
        context.peer = peer;
        context.body = &body;
        co_return co_await run(request, context);
      };
}

}  // namespace orion::http

#include "http/middleware/store_context.hpp"

#include <boost/beast/http/field.hpp>
#include <iterator>

#include "http/error_status.hpp"

namespace orion::http {

asio::awaitable<Response> StoreContext::handle(Request& request, RequestContext& context,
                                               Next next) const {
  const auto hosts = request.equal_range(beast_http::field::host);
  const auto host_fields = static_cast<std::size_t>(std::distance(hosts.first, hosts.second));
  const core::RequestHead head{request.target(), request[beast_http::field::host], host_fields};
  core::Result<core::Resolution> resolved;
  if (const core::StoreDirectory* memory = lookup_.in_memory()) {
    // The whole resolution on this thread, against memory: the code detection_bench measures.
    resolved = core::resolve(platform_, head, *memory);
    context.current = true;
  } else {
    auto classified = core::classify(platform_, head);
    if (!classified) {
      co_return error_response(classified.error());
    }
    core::StorePtr found = co_await lookup_.answer(classified->lookup);
    resolved = core::finish(std::move(*classified), std::move(found));
  }
  if (!resolved) {
    co_return error_response(resolved.error());
  }
  context.resolution = std::move(*resolved);
  co_return co_await next(request, context);
}

}  // namespace orion::http

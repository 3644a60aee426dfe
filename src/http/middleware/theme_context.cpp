#include "http/middleware/theme_context.hpp"

#include "http/error_status.hpp"
#include "http/offload.hpp"

namespace orion::http {

asio::awaitable<Response> ThemeContext::handle(Request& request, RequestContext& context,
                                               Next next) const {
  const core::StorePtr& store = context.resolution->store;
  if (store) {
    context.theme = themes_.peek(store->id);
    if (!context.theme) {
      auto theme = co_await offload(blocking_, [&] { return themes_.get(*store); });
      if (!theme) {
        co_return error_response(theme.error());
      }
      context.theme = std::move(*theme);
    }
  }
  co_return co_await next(request, context);
}

}  // namespace orion::http

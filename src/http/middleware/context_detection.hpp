// Fourth: acts on what StoreContext decided before any handler runs. A store host's `/` goes to
// its storefront (`/shop/`, DESIGN.md §4) and a path-based store root (`/stores/{code}` or
// `/stores/{code}/`) to `/stores/{code}/shop/`; the dashboard root `/store/{code}` gets its
// trailing slash. Everything else passes through with the context type already set.
#pragma once

#include "http/middleware.hpp"

namespace orion::http {

class ContextDetection final : public Middleware {
 public:
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;
};

}  // namespace orion::http

// Every route of the server, registered by area. app/ calls add_routes once at start.
#pragma once

#include "http/router.hpp"
#include "web/services.hpp"

namespace orion::web {

// GET /healthz, /readyz, /metrics, /internal/tls-ask, the platform's own pages (web/ops.cpp).
void add_ops_routes(http::Router& router, const Services& services);
// The storefront pages and /shop/api/ (web/shop/).
void add_shop_routes(http::Router& router, const Services& services);
// The management API /api/v1/ (web/api/).
void add_api_routes(http::Router& router, const Services& services);
// /admin and /store/{code}/: login-protected (web/console/).
void add_console_routes(http::Router& router, const Services& services);

inline void add_routes(http::Router& router, const Services& services) {
  add_ops_routes(router, services);
  add_shop_routes(router, services);
  add_api_routes(router, services);
  add_console_routes(router, services);
}

}  // namespace orion::web

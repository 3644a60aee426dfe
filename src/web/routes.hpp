// Every route of the server, registered by area. app/ calls add_routes once at start.
#pragma once

#include <vector>

#include "http/middleware/probes.hpp"
#include "http/router.hpp"
#include "web/services.hpp"

namespace orion::web {

// GET /metrics (unless it has its own listener), /internal/tls-ask, the platform's own pages
// (web/ops.cpp).
void add_ops_routes(http::Router& router, const Services& services);
// GET /healthz and /readyz, answered on every Host by the chain's Probes step (web/ops.cpp).
std::vector<http::Probe> ops_probes(const Services& services);
// The Prometheus text of /metrics (on the main listener or on metrics_listen).
http::Response metrics_response(const Services& services);
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

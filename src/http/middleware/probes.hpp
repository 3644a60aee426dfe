// After StoreContext: the health probes (/healthz, /readyz) answered on every Host (DESIGN.md
// §7). Load balancers probe by IP address or by a name that is no store's, and a probe must not
// be redirected to a store's primary domain or turned into a storefront's 404: so the probes
// are matched on the request's own path, whatever the host resolved to, before any step that
// could redirect or refuse it. The handlers come from web/ops.cpp.
#pragma once

#include <string>
#include <vector>

#include "http/middleware.hpp"
#include "http/router.hpp"

namespace orion::http {

struct Probe {
  std::string path;  // e.g. "/healthz": the whole path, no routing-mode prefix
  RouteHandler handler;
};

class Probes final : public Middleware {
 public:
  explicit Probes(std::vector<Probe> probes) : probes_(std::move(probes)) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  std::vector<Probe> probes_;
};

}  // namespace orion::http

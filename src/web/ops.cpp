// The operator's endpoints (DESIGN.md §4, §7): liveness and readiness (the database answers) on
// every Host, Prometheus metrics on the platform host (or on metrics_listen), and Caddy's
// on-demand TLS `ask` check.
#include <boost/json.hpp>

#include "core/domain.hpp"
#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "http/query.hpp"
#include "storage/migrations.hpp"
#include "web/routes.hpp"

namespace orion::web {

using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
namespace asio = boost::asio;
namespace verb = boost::beast::http;

std::vector<http::Probe> ops_probes(const Services& services) {
  const Services* s = &services;
  std::vector<http::Probe> probes;
  probes.push_back(
      {"/healthz", [](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
         co_return http::make_response(Status::ok, R"({"status":"ok"})", "application/json");
       }});
  probes.push_back(
      {"/readyz", [s](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
         auto ready = co_await http::offload(
             s->blocking, [s] { return storage::require_current_schema(s->database); });
         if (!ready) {
           co_return http::json_error(Status::service_unavailable, "not_ready",
                                      "database: " + ready.error().message);
         }
         co_return http::make_response(Status::ok, R"({"status":"ready"})", "application/json");
       }});
  return probes;
}

http::Response metrics_response(const Services& services) {
  return http::make_response(Status::ok, services.metrics.render(),
                             "text/plain; version=0.0.4; charset=utf-8");
}

void add_ops_routes(http::Router& router, const Services& services) {
  const auto platform = core::ContextType::platform;
  const Services* s = &services;

  // With a listener of its own, /metrics is not answered here at all: the point of that
  // listener is that the public one, whatever a proxy in front lets through, cannot show it.
  if (services.metrics_on_main_listener) {
    router.add(platform, verb::verb::get, "/metrics",
               [s](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
                 co_return metrics_response(*s);
               });
  }

  // 200 only for a routing (verified or failing) domain of an active store; anything else 404
  // (Caddy then issues no certificate). Answered from the in-memory directory, so a TLS
  // handshake storm — of made-up names too — costs no query; the change feed keeps it exact, so
  // a detached domain is refused from the next ask.
  auto tls_ask = [s](Request&, RequestContext& context,
                     const RouteParams&) -> asio::awaitable<Response> {
    const auto asked = http::query_param(context.resolution->query, "domain");
    if (!asked || asked->empty()) {
      co_return http::json_error(Status::bad_request, "missing_domain",
                                 "give the domain as ?domain=NAME");
    }
    auto domain = core::validate_custom_domain(*asked, s->platform.domain());
    if (!domain) {
      co_return http::json_error(Status::not_found, "unknown_domain", "not a domain of any store");
    }
    const core::Lookup lookup{core::Lookup::By::domain, *domain};
    const core::StorePtr store = co_await s->stores.find(lookup);
    if (!store) {
      co_return http::json_error(Status::not_found, "unknown_domain",
                                 "not a verified domain of an active store");
    }
    boost::json::object body{{"domain", *domain}, {"store", store->code}};
    co_return http::make_response(Status::ok, boost::json::serialize(body), "application/json");
  };
  router.add(platform, verb::verb::get, "/internal/tls-ask", tls_ask);
  // Caddy asks by address (deploy/caddy/Caddyfile: ask http://127.0.0.1:8080/...): a Host that
  // is an IP literal belongs to no store and resolves to the storefront context, so the same
  // answer is given there — only for such hosts, never on a store's own host.
  router.add(core::ContextType::shop, verb::verb::get, "/internal/tls-ask",
             [tls_ask](Request& request, RequestContext& context,
                       const RouteParams& params) -> asio::awaitable<Response> {
               if (context.resolution->role != core::HostRole::unknown) {
                 co_return http::json_error(Status::not_found, "not_found", "no such page");
               }
               co_return co_await tls_ask(request, context, params);
             });
}

}  // namespace orion::web

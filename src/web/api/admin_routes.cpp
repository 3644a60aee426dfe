// The platform half of the management API (DESIGN.md §4), admin tokens only: the store registry
// (/api/v1/admin/stores...) and custom domains (/api/v1/admin/stores/{code}/domains,
// /api/v1/admin/domains/{domain}...: detail with history and DNS report, primary mark, checks,
// removal). DNS and HTTP checks never run inside a database transaction (they take up to
// dns_timeout): the request is admitted in one, the check runs after it closed. Every change that
// alters what a host resolves to empties the store cache after its commit, so the storefront
// honours it on the next request.
#include <boost/json/array.hpp>

#include "core/domain.hpp"
#include "core/store_code.hpp"
#include "domains/lifecycle.hpp"
#include "http/offload.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "web/api/api_call.hpp"
#include "web/domain_checks.hpp"

namespace orion::web::api {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;
using http::Response;
using http::RouteParams;
using http::Status;
using storage::PlatformTransaction;
using storage::TenantTransaction;
using Who = Access::Who;
using Via = Access::Via;

// stores::validate_name words its errors "store name must ..."; the request field is "name".
Failure name_failure(const core::Error& error) {
  constexpr std::string_view kPrefix = "store name ";
  std::string_view message = error.message;
  if (message.starts_with(kPrefix)) {
    message.remove_prefix(kPrefix.size());
  }
  return invalid_field("name", message);
}

Outcome<Response> list_stores(Call& call, PlatformTransaction& tx, const RouteParams&) {
  auto page = page_of(call.context.resolution->query);
  if (!page) {
    return page.error();
  }
  auto stores = storage::stores::list(tx, *page);
  if (!stores) {
    return failure_of(stores.error());
  }
  auto total = storage::stores::count(tx);
  if (!total) {
    return failure_of(total.error());
  }
  json::array items;
  for (const auto& store : *stores) {
    items.push_back(store_json(store));
  }
  return json_response(Status::ok, list_envelope(std::move(items), *total, *page));
}

Outcome<Response> create_store(Call& call, PlatformTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"code", "name"}); !known) {
    return known.error();
  }
  auto code = string_field(*body, "code");
  if (!code) {
    return code.error();
  }
  if (!*code) {
    return missing_field("code");
  }
  auto valid_code = core::validate_store_code(**code);
  if (!valid_code) {
    return invalid_field("code", valid_code.error().message);
  }
  auto name = string_field(*body, "name");
  if (!name) {
    return name.error();
  }
  if (!*name) {
    return missing_field("name");
  }
  if (auto valid_name = storage::stores::validate_name(**name); !valid_name) {
    return name_failure(valid_name.error());
  }
  auto store = storage::stores::create(tx, *valid_code, **name);
  if (!store) {
    return failure_of(store.error());
  }
  // A lookup of this code may have been cached as "no such store".
  return json_response(Status::created, store_json(*store), "/api/v1/admin/stores/" + store->code);
}

Outcome<Response> get_store(Call& call, PlatformTransaction&, const RouteParams&) {
  return json_response(Status::ok, store_json(*call.store));
}

Outcome<Response> update_store(Call& call, PlatformTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"name", "is_active"}); !known) {
    return known.error();
  }
  auto name = string_field(*body, "name");
  if (!name) {
    return name.error();
  }
  auto is_active = boolean_field(*body, "is_active");
  if (!is_active) {
    return is_active.error();
  }
  storage::StoreRecord store = *call.store;
  if (*name) {
    if (auto valid_name = storage::stores::validate_name(**name); !valid_name) {
      return name_failure(valid_name.error());
    }
    auto renamed = storage::stores::rename(tx, store.code, **name);
    if (!renamed) {
      return failure_of(renamed.error());
    }
    store = std::move(*renamed);
  }
  if (*is_active) {
    auto changed = storage::stores::set_active(tx, store.code, **is_active);
    if (!changed) {
      return failure_of(changed.error());
    }
    store = std::move(*changed);
  }
  return json_response(Status::ok, store_json(store));
}

Outcome<Response> list_domains(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto page = page_of(call.context.resolution->query);
  if (!page) {
    return page.error();
  }
  // A store has a handful of domains: all of them, then the page.
  auto domains = storage::domains::list(tx);
  if (!domains) {
    return failure_of(domains.error());
  }
  const auto total = static_cast<std::int64_t>(domains->size());
  json::array items;
  for (std::int64_t i = page->offset; i < total && i < page->offset + page->limit; ++i) {
    items.push_back(domain_json((*domains)[static_cast<std::size_t>(i)], call.store->code));
  }
  return json_response(Status::ok, list_envelope(std::move(items), total, *page));
}

Outcome<Response> add_domain(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"domain"}); !known) {
    return known.error();
  }
  auto domain = string_field(*body, "domain");
  if (!domain) {
    return domain.error();
  }
  if (!*domain) {
    return missing_field("domain");
  }
  auto valid = core::validate_custom_domain(**domain, call.services.platform.domain());
  if (!valid) {
    return invalid_field("domain", valid.error().message);
  }
  // Its refusals are typed (domain_taken, domain_quarantined, domain_limit): 409 each.
  auto added = storage::domains::add(tx, *valid, call.services.domain_policy.add_rules());
  if (!added) {
    return failure_of(added.error());
  }
  return json_response(Status::created, domain_json(*added, call.store->code),
                       "/api/v1/admin/domains/" + added->domain);
}

Outcome<Response> update_domain(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"primary"}); !known) {
    return known.error();
  }
  auto primary = boolean_field(*body, "primary");
  if (!primary) {
    return primary.error();
  }
  if (!*primary) {
    return missing_field("primary");
  }
  auto updated = storage::domains::set_primary(tx, call.domain->record.domain, **primary);
  if (!updated) {
    if (updated.error().code == core::Errc::conflict) {
      return Failure{Status::conflict, "domain_not_verified", updated.error().message, {}};
    }
    return failure_of(updated.error());
  }
  // The storefront's redirects start or stop with the next request.
  return json_response(Status::ok, domain_json(*updated, call.store->code));
}

Outcome<Response> remove_domain(Call& call, TenantTransaction& tx, const RouteParams&) {
  // Admin tokens only (the route's guard): an admin's removal holds the name back from its
  // store too (storage::domains::Hold); an admin lifts that hold when the matter is settled.
  if (auto removed = storage::domains::remove(
          tx, call.domain->record.domain, "removed by an admin through the API",
          call.services.domain_policy.quarantine, storage::domains::Hold::everyone);
      !removed) {
    return failure_of(removed.error());
  }
  return no_content();
}

// What a verify request asks for, read inside the admission transaction.
struct VerifyAsk {
  storage::domains::PlatformDomain domain;
  domains::Method method = domains::Method::dns;
  bool force = false;
};

Outcome<VerifyAsk> verify_ask(const Call& call) {
  auto body = json_body(call.request, true);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"method", "force"}); !known) {
    return known.error();
  }
  auto force = boolean_field(*body, "force");
  if (!force) {
    return force.error();
  }
  auto method_text = string_field(*body, "method");
  if (!method_text) {
    return method_text.error();
  }
  VerifyAsk ask{*call.domain, domains::Method::dns, force->value_or(false)};
  if (*method_text) {
    if (ask.force) {
      return invalid_field("method", "a forced verification checks nothing; give one of them");
    }
    auto method = domains::parse_method(**method_text);
    if (!method) {
      return invalid_field("method", "must be \"dns\" or \"http\"");
    }
    ask.method = *method;
  } else if (ask.domain.record.verified_by == "http") {
    ask.method = domains::Method::http;  // re-check the way it was proved
  }
  return ask;
}

json::object check_json(std::string_view method, std::string_view outcome,
                        std::string_view message) {
  return json::object{{"method", method}, {"outcome", outcome}, {"message", message}};
}

// POST /api/v1/admin/domains/{domain}/verify. The token check and the body are read in one
// platform transaction; the DNS or HTTP check (up to dns_timeout) runs after it closed, on the
// blocking pool, and domains::verify applies its outcome conditionally.
boost::asio::awaitable<Response> verify_domain(const Services& s, http::Request& request,
                                               http::RequestContext& context,
                                               const RouteParams& params) {
  const Access access{Who::admin, Via::domain, params.get("domain")};
  std::optional<VerifyAsk> ask;
  PlatformWork admit_only = [&ask](Call& call, PlatformTransaction&) -> Outcome<Response> {
    auto asked = verify_ask(call);
    if (!asked) {
      return asked.error();
    }
    ask = std::move(*asked);
    return no_content();
  };
  Response refused = co_await serve_platform(s, request, context, access, admit_only);
  if (!ask) {
    co_return refused;
  }
  const std::string& name = ask->domain.record.domain;
  if (ask->force) {
    co_return co_await http::offload(s.blocking, [&]() -> Response {
      auto forced = domains::force_verify(s.database, name);
      if (!forced) {
        return respond(failure_of(forced.error()));
      }
      json::object body = domain_json(forced->record, forced->store_code);
      body["check"] = check_json("forced", "verified", "marked verified by an admin; not checked");
      return json_response(Status::ok, body);
    });
  }
  auto checked = co_await run_domain_check(s, ask->domain.store_code, name, [&]() -> Response {
    auto verified = domains::verify(s.database, s.verifier, s.domain_policy, name, ask->method,
                                    domains::Trigger::admin, ask->domain.record.store_id);
    if (!verified) {
      return respond(failure_of(verified.error()));
    }
    if (verified->changed) {
    }
    // A failed check is an answer, not an error: 200 with the domain as it stands and what to fix.
    json::object body = domain_json(verified->domain.record, verified->domain.store_code);
    body["check"] =
        check_json(domains::to_string(ask->method), domains::to_string(verified->check.outcome),
                   verified->check.message);
    return json_response(Status::ok, body);
  });
  if (!checked) {
    Response refused_now = respond(failure_of(checked.error()));
    add_retry_after(s, refused_now);
    co_return refused_now;
  }
  co_return std::move(*checked);
}

json::object event_json(const storage::DomainEvent& event) {
  return json::object{{"from", event.from.empty() ? json::value(nullptr) : json::value(event.from)},
                      {"to", event.to},
                      {"reason", event.reason},
                      {"at", event.at}};
}

json::object pointing_json(const domains::Pointing& pointing) {
  json::array found;
  for (const auto& record : pointing.found) {
    found.push_back(json::value(record));
  }
  json::array expected;
  for (const auto& record : pointing.expected) {
    expected.push_back(json::value(record));
  }
  json::array fixes;
  for (const auto& fix : pointing.fixes) {
    fixes.push_back(json::value(fix));
  }
  return json::object{{"status", domains::to_string(pointing.status)},
                      {"ok", pointing.ok()},
                      {"found", std::move(found)},
                      {"expected", std::move(expected)},
                      {"message", pointing.message},
                      {"fixes", std::move(fixes)}};
}

// GET /api/v1/admin/domains/{domain}: the record and its history from one transaction, then
// where its DNS points (a lookup: after the transaction, on the blocking pool).
boost::asio::awaitable<Response> get_domain(const Services& s, http::Request& request,
                                            http::RequestContext& context,
                                            const RouteParams& params) {
  const Access access{Who::admin, Via::domain, params.get("domain")};
  std::optional<json::object> body;
  PlatformWork read = [&body](Call& call, PlatformTransaction& tx) -> Outcome<Response> {
    const auto& record = call.domain->record;
    auto events = storage::domains::events_any(tx, record.domain);
    if (!events) {
      return failure_of(events.error());
    }
    json::array history;
    for (const auto& event : *events) {
      history.push_back(event_json(event));
    }
    json::object out = domain_json(record, call.domain->store_code);
    out["events"] = std::move(history);
    body = std::move(out);
    return no_content();
  };
  Response refused = co_await serve_platform(s, request, context, access, read);
  if (!body) {
    co_return refused;
  }
  const std::string name(body->at("domain").as_string());
  const std::string store(body->at("store").as_string());
  auto pointing = co_await run_domain_check(s, store, "pointing " + name,
                                            [&] { return s.verifier.pointing(name); });
  if (!pointing) {
    Response refused_now = respond(failure_of(pointing.error()));
    add_retry_after(s, refused_now);
    co_return refused_now;
  }
  (*body)["pointing"] = pointing_json(*pointing);
  co_return json_response(Status::ok, *body);
}

}  // namespace

void add_admin_routes(http::Router& router, const Services& services) {
  const Guard admin{Who::admin, Via::nothing, {}};
  const Guard store{Who::admin, Via::store_code, "code"};
  const Guard domain{Who::admin, Via::domain, "domain"};
  add_platform_route(router, services, verb::get, "/api/v1/admin/stores", admin, list_stores);
  add_platform_route(router, services, verb::post, "/api/v1/admin/stores", admin, create_store);
  add_platform_route(router, services, verb::get, "/api/v1/admin/stores/{code}", store, get_store);
  add_platform_route(router, services, verb::patch, "/api/v1/admin/stores/{code}", store,
                     update_store);
  add_tenant_route(router, services, verb::get, "/api/v1/admin/stores/{code}/domains", store,
                   list_domains);
  add_tenant_route(router, services, verb::post, "/api/v1/admin/stores/{code}/domains", store,
                   add_domain);
  const Services* s = &services;
  router.add(core::ContextType::api, verb::post, "/api/v1/admin/domains/{domain}/verify",
             [s](http::Request& request, http::RequestContext& context,
                 const RouteParams& params) -> boost::asio::awaitable<Response> {
               co_return co_await verify_domain(*s, request, context, params);
             });
  router.add(core::ContextType::api, verb::get, "/api/v1/admin/domains/{domain}",
             [s](http::Request& request, http::RequestContext& context,
                 const RouteParams& params) -> boost::asio::awaitable<Response> {
               co_return co_await get_domain(*s, request, context, params);
             });
  add_tenant_route(router, services, verb::patch, "/api/v1/admin/domains/{domain}", domain,
                   update_domain);
  add_tenant_route(router, services, verb::delete_, "/api/v1/admin/domains/{domain}", domain,
                   remove_domain);
}

}  // namespace orion::web::api

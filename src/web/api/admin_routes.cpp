// The platform half of the management API (DESIGN.md §4), admin tokens only: the store registry
// (/api/v1/admin/stores...) and custom domains (/api/v1/admin/stores/{code}/domains,
// /api/v1/admin/domains/{domain}...). Every change that alters what a host resolves to empties
// the store cache after its commit, so the storefront honours it on the next request.
#include <boost/json/array.hpp>

#include "core/domain.hpp"
#include "core/store_code.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "web/api/api_call.hpp"

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
  call.stores_changed = true;
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
  call.stores_changed = *name || *is_active;
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
  auto added = storage::domains::add(tx, *valid);
  if (!added) {
    return failure_of(added.error());
  }
  call.stores_changed = true;
  return json_response(Status::created, domain_json(*added, call.store->code));
}

Outcome<Response> verify_domain(Call& call, PlatformTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request, true);
  if (!body) {
    return body.error();
  }
  if (auto known = only_fields(*body, {"force"}); !known) {
    return known.error();
  }
  auto force = boolean_field(*body, "force");
  if (!force) {
    return force.error();
  }
  const storage::DomainRecord& current = call.domain->record;
  if (current.is_verified) {
    return json_response(Status::ok, domain_json(current, call.store->code));
  }
  if (!force->value_or(false)) {
    // Checking the DNS record or the HTTP token is issue 6's work; until then only an admin's
    // explicit decision verifies a domain, and the API says so rather than pretending.
    return Failure{Status::not_implemented,
                   "verification_not_available",
                   "checking the DNS TXT record or the HTTP token is not available yet; an admin "
                   "who has checked it can mark the domain verified with {\"force\": true}",
                   {}};
  }
  auto verified = storage::domains::mark_verified(tx, current.domain);
  if (!verified) {
    return failure_of(verified.error());
  }
  call.stores_changed = true;
  return json_response(Status::ok, domain_json(*verified, call.store->code));
}

Outcome<Response> remove_domain(Call& call, TenantTransaction& tx, const RouteParams&) {
  if (auto removed = storage::domains::remove(tx, call.domain->record.domain); !removed) {
    return failure_of(removed.error());
  }
  call.stores_changed = true;
  return no_content();
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
  add_platform_route(router, services, verb::post, "/api/v1/admin/domains/{domain}/verify", domain,
                     verify_domain);
  add_tenant_route(router, services, verb::delete_, "/api/v1/admin/domains/{domain}", domain,
                   remove_domain);
}

}  // namespace orion::web::api

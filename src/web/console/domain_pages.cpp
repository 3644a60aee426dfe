// Custom domains in both consoles: a store owner's /domains (add one, see the TXT record to
// create, check it, remove it) and the admin's view of every store's domains (/admin/domains,
// /admin/stores/{code}/domains), where an admin may also mark a domain verified without a check.
// The check is Services::verifier (src/domains), run on the blocking pool with its own timeout;
// a domain that passes is marked verified and the store cache emptied, so it routes at once.
#include <boost/beast/http/field.hpp>

#include "core/domain.hpp"
#include "core/host.hpp"
#include "core/text.hpp"
#include "domains/verifier.hpp"
#include "http/query.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "web/console/console.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = boost::beast::http::verb;

// What a domains page shows besides the list: a notice after a redirect, or what went wrong.
struct Message {
  std::string notice;
  std::string error;         // the summary (class "error")
  std::string field_error;   // beside the add form's field (class "field-error")
  std::string domain_value;  // the add form's value, kept after an error
  std::string check_domain;  // the domain whose check failed (its row shows the message)
};

// The notice of the page a POST redirected to: ?added=D, ?verified=D or ?removed=D.
Message notice_of(const RequestContext& context) {
  const std::string& query = context.resolution->query;
  Message message;
  if (auto d = http::query_param(query, "added")) {
    message.notice = "Added " + *d +
                     ". Create the TXT record shown for it at your DNS provider, then press "
                     "\"Check DNS\".";
  } else if (auto v = http::query_param(query, "verified")) {
    message.notice = *v + " is verified and now routes to the store.";
  } else if (auto r = http::query_param(query, "removed")) {
    message.notice = "Removed " + *r + ". It no longer routes to the store.";
  }
  return message;
}

// A {domain} route parameter as stored (lower-case, punycode); none when it is no host name.
std::optional<std::string> domain_param(const RouteParams& params) {
  auto host = core::normalize_host(core::text::trim(params.get("domain")));
  if (!host) {
    return std::nullopt;
  }
  return host->name;
}

Data domain_item(const storage::DomainRecord& d, const std::string& store_code,
                 const std::string& base, const Message& message) {
  Data item;
  item.set("name", d.domain);
  item.set("store_code", store_code);
  item.set("verified", d.is_verified);
  item.set("primary", d.is_primary);
  item.set("state", d.is_verified ? std::string("verified") : std::string("pending"));
  item.set("since", utc_time(d.is_verified && d.verified_at ? *d.verified_at : d.created_at));
  item.set("record_name", domains::record_name(d.domain));
  item.set("record_value", domains::record_value(d.verification_token));
  item.set("verify_url", base + "/domains/" + d.domain + "/verify");
  item.set("remove_url", base + "/domains/" + d.domain + "/remove");
  if (!message.check_domain.empty() && message.check_domain == d.domain) {
    item.set("check_error", message.error);
  }
  return item;
}

void set_message(Data& data, const Message& message) {
  if (!message.notice.empty()) {
    data.set("notice", message.notice);
  }
  if (!message.error.empty()) {
    data.set("error", message.error);
  }
  if (!message.field_error.empty()) {
    data.set("field_error", message.field_error);
  }
  data.set("domain_value", message.domain_value);
}

// Runs the DNS check of a pending domain and, when it passes, marks the domain verified, in the
// same store and with the same token that were checked (it may have been removed and added
// again meanwhile). Blocking: call it through console.blocking. No transaction stays open
// during the lookup, which can take the verifier's whole timeout.
core::Result<domains::Check> check_and_mark(const Services& s, const storage::DomainRecord& d) {
  domains::Check check = s.verifier.check(d.domain, d.verification_token);
  if (!check.verified()) {
    return check;
  }
  auto tx = s.database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto now = storage::domains::find_any(*tx, d.domain);
  if (!now) {
    return now.error();
  }
  if (!*now || (*now)->record.store_id != d.store_id ||
      (*now)->record.verification_token != d.verification_token) {
    return core::make_error(core::Errc::conflict, "the domain " + d.domain +
                                                      " changed while it was checked; reload "
                                                      "the page and check it again");
  }
  if (auto marked = storage::domains::mark_verified(*tx, d.domain); !marked) {
    return marked.error();
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return check;
}

// ---- The store dashboard (owners and admins) ----

asio::awaitable<Response> show_store_domains(const Console& console, RequestContext& context,
                                             Visit& visit, Status status, const Message& message) {
  const Services& s = console.services();
  auto listed =
      co_await console.blocking([&s, &visit]() -> core::Result<std::vector<storage::DomainRecord>> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        return storage::domains::list(*tx);
      });
  if (!listed) {
    co_return console.failure(context, visit, listed.error());
  }
  const std::string code = context.resolution->store->code;
  const std::string base = visit.url("");
  Data data = console.page_data(context, visit, "Domains");
  set_message(data, message);
  data.set("add_url", visit.url("/domains"));
  data.set("has_domains", !listed->empty());
  data.set("platform_domain", s.platform.domain());
  data.set("subdomain", code + "." + s.platform.domain());
  Data items{Data::type::list};
  for (const storage::DomainRecord& d : *listed) {
    items.push_back(domain_item(d, code, base, message));
  }
  data.set("domains", items);
  co_return console.render(status, "console/domains", data);
}

asio::awaitable<Response> store_domains(const Console& console, Request&, RequestContext& context,
                                        const RouteParams&, Visit& visit) {
  // Named, not temporaries: GCC 12 may destroy a temporary argument of a co_await twice.
  const Message notice = notice_of(context);
  co_return co_await show_store_domains(console, context, visit, Status::ok, notice);
}

asio::awaitable<Response> add_store_domain(const Console& console, Request&,
                                           RequestContext& context, const RouteParams&,
                                           Visit& visit) {
  const Services& s = console.services();
  Message message;
  message.domain_value = std::string(core::text::trim(visit.form.text("domain")));
  if (message.domain_value.empty()) {
    message.field_error = "Enter a domain, e.g. shop.example.com.";
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_store_domains(console, context, visit, Status::unprocessable_entity,
                                          message);
  }
  auto valid = core::validate_custom_domain(message.domain_value, s.platform.domain());
  if (!valid) {
    message.field_error = valid.error().message;
    message.error = "The domain was not added: " + valid.error().message;
    co_return co_await show_store_domains(console, context, visit, Status::unprocessable_entity,
                                          message);
  }
  const std::string domain = *valid;
  auto added = co_await console.blocking([&s, &visit, &domain]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    if (auto row = storage::domains::add(*tx, domain); !row) {
      return row.error();
    }
    return tx->commit();
  });
  if (!added) {
    if (added.error().code != core::Errc::conflict) {
      co_return console.failure(context, visit, added.error());
    }
    message.field_error = domain + " is already in use by a store on this platform.";
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_store_domains(console, context, visit, Status::conflict, message);
  }
  s.stores.invalidate_all();
  co_return redirect(Status::see_other, visit.url("/domains?added=" + domain));
}

// The store's own domain named by the route, or the response to send instead (404).
struct Found {
  std::optional<storage::DomainRecord> record;
  std::optional<Response> instead;
};

asio::awaitable<Found> find_store_domain(const Console& console, RequestContext& context,
                                         const RouteParams& params, Visit& visit) {
  const Services& s = console.services();
  const auto domain = domain_param(params);
  if (!domain) {
    co_return Found{{},
                    console.error_page(context, visit.scope, Status::not_found, "No such domain",
                                       "This store has no such domain.", visit.who)};
  }
  auto found = co_await console.blocking(
      [&s, &visit, &domain]() -> core::Result<std::optional<storage::DomainRecord>> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        return storage::domains::find(*tx, *domain);
      });
  if (!found) {
    co_return Found{{}, console.failure(context, visit, found.error())};
  }
  if (!*found) {
    co_return Found{{},
                    console.error_page(context, visit.scope, Status::not_found, "No such domain",
                                       "This store has no domain " + *domain + ".", visit.who)};
  }
  co_return Found{std::move(**found), {}};
}

asio::awaitable<Response> verify_store_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const Services& s = console.services();
  Found found = co_await find_store_domain(console, context, params, visit);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const storage::DomainRecord& d = *found.record;
  if (!d.is_verified) {
    auto check = co_await console.blocking([&s, &d] { return check_and_mark(s, d); });
    if (!check) {
      co_return console.failure(context, visit, check.error());
    }
    if (!check->verified()) {
      Message message;
      message.error = check->message;
      message.check_domain = d.domain;
      co_return co_await show_store_domains(console, context, visit, Status::unprocessable_entity,
                                            message);
    }
    s.stores.invalidate_all();
  }
  co_return redirect(Status::see_other, visit.url("/domains?verified=" + d.domain));
}

asio::awaitable<Response> remove_store_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const Services& s = console.services();
  Found found = co_await find_store_domain(console, context, params, visit);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const std::string domain = found.record->domain;
  auto removed = co_await console.blocking([&s, &visit, &domain]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    if (auto gone = storage::domains::remove(*tx, domain); !gone) {
      return gone.error();
    }
    return tx->commit();
  });
  if (!removed) {
    co_return console.failure(context, visit, removed.error());
  }
  s.stores.invalidate_all();
  co_return redirect(Status::see_other, visit.url("/domains?removed=" + domain));
}

// ---- The admin console ----

// One admin list: every store's domains, or (with `store`) one store's, with its add form.
struct AdminList {
  std::optional<storage::StoreRecord> store;
  std::vector<storage::domains::PlatformDomain> domains;
};

// Every store's domains, or those of the store `code` (Errc::not_found when there is none).
core::Result<AdminList> load_admin_list(const Services& s, const std::optional<std::string>& code) {
  auto tx = s.database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  AdminList list;
  std::optional<std::int64_t> store_id;
  if (code) {
    auto store = storage::stores::get_by_code(*tx, *code);
    if (!store) {
      return store.error();
    }
    store_id = store->id;
    list.store = std::move(*store);
  }
  auto domains = storage::domains::list_all(*tx, store_id);
  if (!domains) {
    return domains.error();
  }
  list.domains = std::move(*domains);
  return list;
}

// The admin page a verify or remove form came from: the domain's store's domains page when its
// hidden field "back" is "store", else /admin/domains.
std::optional<std::string> back_of(const Visit& visit,
                                   const storage::domains::PlatformDomain& domain) {
  if (visit.form.text("back") == "store") {
    return domain.store_code;
  }
  return std::nullopt;
}

std::string admin_page_url(const Visit& visit, const std::optional<std::string>& code) {
  return code ? visit.url("/stores/" + *code + "/domains") : visit.url("/domains");
}

asio::awaitable<Response> show_admin_domains(const Console& console, RequestContext& context,
                                             Visit& visit, const std::optional<std::string>& code,
                                             Status status, const Message& message) {
  const Services& s = console.services();
  auto list = co_await console.blocking([&s, &code] { return load_admin_list(s, code); });
  if (!list) {
    co_return console.failure(context, visit, list.error());
  }
  const std::string base = visit.url("");
  Data data = console.page_data(
      context, visit, list->store ? "Domains of " + list->store->name : std::string("Domains"));
  set_message(data, message);
  if (list->store) {
    data.set("store", true);
    data.set("store_code", list->store->code);
    data.set("store_name", list->store->name);
    data.set("store_url", visit.url("/stores/" + list->store->code));
    data.set("add_url", visit.url("/stores/" + list->store->code + "/domains"));
    data.set("all_url", visit.url("/domains"));
    data.set("back", "store");
  }
  data.set("has_domains", !list->domains.empty());
  Data items{Data::type::list};
  for (const auto& d : list->domains) {
    Data item = domain_item(d.record, d.store_code, base, message);
    item.set("store_domains_url", visit.url("/stores/" + d.store_code + "/domains"));
    items.push_back(item);
  }
  data.set("domains", items);
  co_return console.render(status, "console/domains_admin", data);
}

asio::awaitable<Response> admin_domains(const Console& console, Request&, RequestContext& context,
                                        const RouteParams&, Visit& visit) {
  const std::optional<std::string> all;
  const Message notice = notice_of(context);
  co_return co_await show_admin_domains(console, context, visit, all, Status::ok, notice);
}

asio::awaitable<Response> admin_store_domains(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const std::optional<std::string> code(params.get("code"));
  const Message notice = notice_of(context);
  co_return co_await show_admin_domains(console, context, visit, code, Status::ok, notice);
}

asio::awaitable<Response> admin_add_domain(const Console& console, Request&,
                                           RequestContext& context, const RouteParams& params,
                                           Visit& visit) {
  const Services& s = console.services();
  const std::string code(params.get("code"));
  Message message;
  message.domain_value = std::string(core::text::trim(visit.form.text("domain")));
  auto valid = core::validate_custom_domain(message.domain_value, s.platform.domain());
  if (message.domain_value.empty() || !valid) {
    message.field_error = message.domain_value.empty() ? "Enter a domain, e.g. shop.example.com."
                                                       : valid.error().message;
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_admin_domains(console, context, visit, code,
                                          Status::unprocessable_entity, message);
  }
  const std::string domain = *valid;
  auto added = co_await console.blocking([&s, &code, &domain]() -> core::Result<void> {
    storage::StoreRecord store;
    {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto found = storage::stores::get_by_code(*tx, code);
      if (!found) {
        return found.error();
      }
      store = std::move(*found);
    }
    // The admin named the store: the explicit admin path to its scope.
    auto tx = s.database.begin(storage::TenantScope::admin(store.snapshot()));
    if (!tx) {
      return tx.error();
    }
    if (auto row = storage::domains::add(*tx, domain); !row) {
      return row.error();
    }
    return tx->commit();
  });
  if (!added) {
    if (added.error().code != core::Errc::conflict) {
      co_return console.failure(context, visit, added.error());
    }
    message.field_error = domain + " is already in use by a store on this platform.";
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_admin_domains(console, context, visit, code, Status::conflict, message);
  }
  s.stores.invalidate_all();
  co_return redirect(Status::see_other, admin_page_url(visit, code) + "?added=" + domain);
}

// Any store's domain named by the route, or the response to send instead (404).
struct FoundAny {
  std::optional<storage::domains::PlatformDomain> domain;
  std::optional<Response> instead;
};

asio::awaitable<FoundAny> find_any_domain(const Console& console, RequestContext& context,
                                          const RouteParams& params, Visit& visit) {
  const Services& s = console.services();
  const auto domain = domain_param(params);
  if (!domain) {
    co_return FoundAny{{},
                       console.error_page(context, visit.scope, Status::not_found, "No such domain",
                                          "No store has such a domain.", visit.who)};
  }
  auto found = co_await console.blocking(
      [&s, &domain]() -> core::Result<std::optional<storage::domains::PlatformDomain>> {
        auto tx = s.database.begin_platform();
        if (!tx) {
          return tx.error();
        }
        return storage::domains::find_any(*tx, *domain);
      });
  if (!found) {
    co_return FoundAny{{}, console.failure(context, visit, found.error())};
  }
  if (!*found) {
    co_return FoundAny{{},
                       console.error_page(context, visit.scope, Status::not_found, "No such domain",
                                          "No store has the domain " + *domain + ".", visit.who)};
  }
  co_return FoundAny{std::move(**found), {}};
}

asio::awaitable<Response> admin_verify_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const Services& s = console.services();
  FoundAny found = co_await find_any_domain(console, context, params, visit);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const storage::DomainRecord& d = found.domain->record;
  const auto back = back_of(visit, *found.domain);
  if (!d.is_verified) {
    if (visit.form.text("force") == "1") {
      // An admin's decision: no check. (Issue 6 keeps such domains out of re-checks.)
      auto marked = co_await console.blocking([&s, &d]() -> core::Result<void> {
        auto tx = s.database.begin_platform();
        if (!tx) {
          return tx.error();
        }
        if (auto row = storage::domains::mark_verified(*tx, d.domain); !row) {
          return row.error();
        }
        return tx->commit();
      });
      if (!marked) {
        co_return console.failure(context, visit, marked.error());
      }
    } else {
      auto check = co_await console.blocking([&s, &d] { return check_and_mark(s, d); });
      if (!check) {
        co_return console.failure(context, visit, check.error());
      }
      if (!check->verified()) {
        Message message;
        message.error = check->message;
        message.check_domain = d.domain;
        co_return co_await show_admin_domains(console, context, visit, back,
                                              Status::unprocessable_entity, message);
      }
    }
    s.stores.invalidate_all();
  }
  co_return redirect(Status::see_other, admin_page_url(visit, back) + "?verified=" + d.domain);
}

asio::awaitable<Response> admin_remove_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const Services& s = console.services();
  FoundAny found = co_await find_any_domain(console, context, params, visit);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const storage::domains::PlatformDomain& d = *found.domain;
  auto removed = co_await console.blocking([&s, &d]() -> core::Result<void> {
    storage::StoreRecord store;
    {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto owner = storage::stores::get_by_code(*tx, d.store_code);
      if (!owner) {
        return owner.error();
      }
      store = std::move(*owner);
    }
    // The admin chose the domain, and with it its store: the explicit admin path.
    auto tx = s.database.begin(storage::TenantScope::admin(store.snapshot()));
    if (!tx) {
      return tx.error();
    }
    if (auto gone = storage::domains::remove(*tx, d.record.domain); !gone) {
      return gone.error();
    }
    return tx->commit();
  });
  if (!removed) {
    co_return console.failure(context, visit, removed.error());
  }
  s.stores.invalidate_all();
  co_return redirect(Status::see_other,
                     admin_page_url(visit, back_of(visit, d)) + "?removed=" + d.record.domain);
}

}  // namespace

void add_domain_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/domains", gated(console, Role::owner, &store_domains));
  router.add(dashboard, verb::post, "/domains", gated(console, Role::owner, &add_store_domain));
  router.add(dashboard, verb::post, "/domains/{domain}/verify",
             gated(console, Role::owner, &verify_store_domain));
  router.add(dashboard, verb::post, "/domains/{domain}/remove",
             gated(console, Role::owner, &remove_store_domain));

  const auto admin = core::ContextType::admin;
  router.add(admin, verb::get, "/admin/domains", gated(console, Role::admin, &admin_domains));
  router.add(admin, verb::get, "/admin/stores/{code}/domains",
             gated(console, Role::admin, &admin_store_domains));
  router.add(admin, verb::post, "/admin/stores/{code}/domains",
             gated(console, Role::admin, &admin_add_domain));
  router.add(admin, verb::post, "/admin/domains/{domain}/verify",
             gated(console, Role::admin, &admin_verify_domain));
  router.add(admin, verb::post, "/admin/domains/{domain}/remove",
             gated(console, Role::admin, &admin_remove_domain));
}

}  // namespace orion::web::console

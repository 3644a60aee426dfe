// Custom domains in both consoles (docs/CONSOLE.md, docs/DOMAINS.md): a store owner's /domains
// (each domain's state in words, the TXT record and the HTTP alternative that prove it, the last
// check's sentence; add, verify now by DNS or HTTP, mark primary, remove) and a domain's page
// (its recorded transitions and where its DNS points); the admin's view of every store's domains
// (/admin/domains with a state filter, /admin/stores/{code}/domains, a domain's page), where an
// admin may also force a verification or re-check a forced one, and /admin/domains/health.
//
// Every check goes through domains::verify / force_verify (src/domains/lifecycle), the one path
// that records transitions and applies them conditionally; it runs on the blocking pool, outside
// any transaction. Lookups of where a domain points (DNS) run only on a domain's own page and on
// the health page, also on the blocking pool. A change of routing empties the store cache so it
// takes effect on the next request.
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <string_view>

#include "core/domain.hpp"
#include "core/host.hpp"
#include "core/text.hpp"
#include "domains/health.hpp"
#include "domains/lifecycle.hpp"
#include "domains/verifier.hpp"
#include "http/error_status.hpp"
#include "http/query.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "web/console/console.hpp"
#include "web/domain_checks.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using storage::DomainRecord;
using storage::DomainState;
using verb = boost::beast::http::verb;

// What a domains page shows besides its data: a notice after a redirect, or what went wrong.
struct Message {
  std::string notice;
  std::string error;         // the summary (class "error")
  std::string field_error;   // beside the add form's field (class "field-error")
  std::string domain_value;  // the add form's value, kept after an error
  std::string check_domain;  // the domain whose check failed (its row shows the message)
};

// The notice of the page a POST redirected to (?added=D, ?verified=D, ...).
Message notice_of(const RequestContext& context) {
  const std::string& query = context.resolution->query;
  Message message;
  if (auto d = http::query_param(query, "added")) {
    message.notice = "Added " + *d +
                     ". Create the TXT record shown for it at your DNS provider (or point the "
                     "domain at the platform and use the HTTP check), then verify it.";
  } else if (auto v = http::query_param(query, "verified")) {
    message.notice = *v + " is verified and routes to the store.";
  } else if (auto f = http::query_param(query, "forced")) {
    message.notice = *f +
                     " is verified by an admin's decision, without a check; it is not re-checked "
                     "until an admin asks.";
  } else if (auto r = http::query_param(query, "removed")) {
    message.notice = "Removed " + *r + ". It no longer routes to the store.";
  } else if (auto p = http::query_param(query, "primary")) {
    message.notice = *p + " is the primary domain: the store's other addresses now redirect to it.";
  } else if (auto u = http::query_param(query, "unprimary")) {
    message.notice = *u + " is no longer the primary domain: nothing redirects to it now.";
  } else if (auto l = http::query_param(query, "lifted")) {
    message.notice = "The quarantine of " + *l + " is lifted: any store may add it now.";
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

// "1 day", "2 days"; "1 address", "2 addresses" with the plural given.
std::string plural(std::int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}
std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "30 days", "72 hours", "90 seconds": a setting as the owner reads it.
std::string duration_words(std::chrono::seconds duration) {
  const std::int64_t s = duration.count();
  if (s > 0 && s % 86400 == 0) {
    return plural(s / 86400, "day");
  }
  if (s > 0 && s % 3600 == 0) {
    return plural(s / 3600, "hour");
  }
  if (s > 0 && s % 60 == 0) {
    return plural(s / 60, "minute");
  }
  return plural(s, "second");
}

std::string_view verified_by_words(const std::string& by) {
  if (by == "dns") {
    return "by its DNS TXT record";
  }
  if (by == "http") {
    return "by HTTP";
  }
  if (by == "forced") {
    return "by an admin, without a check";
  }
  return "";
}

// Since when the domain is in its state.
std::int64_t since_of(const DomainRecord& d) {
  switch (d.state) {
    case DomainState::verified:
      return d.verified_at.value_or(d.checked_at.value_or(d.created_at));
    case DomainState::failing:
      return d.failing_since.value_or(d.checked_at.value_or(d.created_at));
    case DomainState::detached:
      return d.detached_at.value_or(d.checked_at.value_or(d.created_at));
    case DomainState::pending:
      break;
  }
  return d.created_at;
}

// The state as a sentence: what it means for the shop, and what happens next.
std::string state_words(const DomainRecord& d, const domains::Policy& policy) {
  switch (d.state) {
    case DomainState::pending:
      return "Pending: not verified yet, so it does not serve the shop.";
    case DomainState::verified: {
      std::string words = "Verified";
      if (const auto by = verified_by_words(d.verified_by); !by.empty()) {
        words += " ";
        words += by;
      }
      words += ": it serves the shop.";
      if (d.forced()) {
        words += " It is not re-checked until an admin asks.";
      } else if (d.next_check_at) {
        words += " Next re-check " + utc_time(*d.next_check_at) + ".";
      }
      return words;
    }
    case DomainState::failing: {
      const std::int64_t until = d.failing_since.value_or(since_of(d)) + policy.grace.count();
      return "Failing: a re-check failed. It still serves the shop until " + utc_time(until) +
             " (a grace period of " + duration_words(policy.grace) +
             "); if no check passes by then, it stops.";
    }
    case DomainState::detached: {
      const std::int64_t removal =
          d.detached_at.value_or(since_of(d)) + policy.remove_detached.count();
      return "Detached: its checks kept failing, so it no longer serves the shop. A passing check "
             "makes it verified again; otherwise it is removed on " +
             utc_time(removal) + ".";
    }
  }
  return "";
}

// What removing the domain means, said before the owner (or an admin) confirms: the quarantine
// rules of storage::domains::remove.
std::string quarantine_words(const DomainRecord& d, const domains::Policy& policy, bool admin) {
  std::string words =
      "Removing " + d.domain + " stops it serving the shop at once and deletes its verification.";
  if (d.state == DomainState::pending) {
    words += " It was never verified, so no store is kept from adding it afterwards.";
  } else if (policy.quarantine.count() > 0 && admin) {
    words += " No store, this one included, can add it for " + duration_words(policy.quarantine) +
             ", unless an admin lifts the hold (Domains of all stores).";
  } else if (policy.quarantine.count() > 0) {
    words += " No other store can add it for " + duration_words(policy.quarantine) +
             " (this store can add it again at any time, and must verify it again).";
  }
  return words;
}

std::string http_path(const DomainRecord& d) {
  return "/.well-known/orion-verify/" + d.verification_token;
}

// One domain's data for the lists and its page. `url` is the domain's URL in this console
// (…/domains/{domain}); its actions are below it.
Data domain_item(const DomainRecord& d, const std::string& store_code, const std::string& url,
                 const domains::Policy& policy, const Message& message) {
  Data item;
  item.set("name", d.domain);
  item.set("store_code", store_code);
  item.set("state", std::string(storage::to_string(d.state)));
  item.set("state_words", state_words(d, policy));
  item.set("since", utc_time(since_of(d)));
  item.set("primary", d.is_primary);
  item.set("routes", storage::routes(d.state));
  item.set("can_mark_primary", storage::routes(d.state) && !d.is_primary);
  item.set("forced", d.forced());
  item.set("verified", d.state == DomainState::verified);
  item.set("record_name", domains::record_name(d.domain));
  item.set("record_value", domains::record_value(d.verification_token));
  item.set("http_url", "http://" + d.domain + http_path(d));
  item.set("http_path", http_path(d));
  item.set("http_body", domains::record_value(d.verification_token));
  if (!d.last_result.empty()) {
    item.set("last_result", d.last_result);
  }
  if (d.checked_at) {
    item.set("checked_at", utc_time(*d.checked_at));
  }
  item.set("url", url);
  item.set("verify_url", url + "/verify");
  item.set("primary_url", url + "/primary");
  item.set("remove_url", url + "/remove");
  item.set("quarantine_words", quarantine_words(d, policy, false));
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

Data events_data(const std::vector<storage::DomainEvent>& events) {
  Data list{Data::type::list};
  for (const storage::DomainEvent& e : events) {
    Data item;
    item.set("at", utc_time(e.at));
    item.set("from", e.from.empty() ? std::string("(new)") : e.from);
    item.set("to", e.to);
    item.set("reason", e.reason);
    list.push_back(item);
  }
  return list;
}

std::string_view pointing_words(domains::Pointing::Status status) {
  switch (status) {
    case domains::Pointing::Status::points_here:
      return "points here";
    case domains::Pointing::Status::points_elsewhere:
      return "points elsewhere";
    case domains::Pointing::Status::no_records:
      return "has no A, AAAA or CNAME record";
    case domains::Pointing::Status::lookup_failed:
      return "could not be looked up";
  }
  return "";
}

Data lines(const std::vector<std::string>& values) {
  Data list{Data::type::list};
  for (const std::string& v : values) {
    list.push_back(Data(v));
  }
  return list;
}

Data pointing_data(const domains::Pointing& p) {
  Data data;
  data.set("status", std::string(domains::to_string(p.status)));
  data.set("words", std::string(pointing_words(p.status)));
  data.set("ok", p.ok());
  data.set("message", p.message);
  data.set("found", lines(p.found));
  data.set("has_found", !p.found.empty());
  data.set("expected", lines(p.expected));
  data.set("has_expected", !p.expected.empty());
  data.set("fixes", lines(p.fixes));
  data.set("has_fixes", !p.fixes.empty());
  return data;
}

// A POST's verification method: the form's `method` ("dns" when absent).
std::optional<domains::Method> method_of(const Visit& visit) {
  const std::string given = visit.form.text("method");  // text() returns a copy: keep it
  const std::string_view text = core::text::trim(given);
  return text.empty() ? std::optional(domains::Method::dns) : domains::parse_method(text);
}

// A primary form's `primary`: "1" marks, "0" un-marks; none otherwise.
std::optional<bool> primary_of(const Visit& visit) {
  const std::string text = visit.form.text("primary");
  if (text == "1") {
    return true;
  }
  if (text == "0") {
    return false;
  }
  return std::nullopt;
}

// Why `add` refused a domain, for the owner: the storage layer's sentence (already in use,
// held back by another store's quarantine, the store's limit), capitalised.
std::string refusal(const core::Error& error) {
  std::string text = error.message;
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') {
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  }
  if (!text.empty() && text.back() != '.') {
    text += '.';
  }
  return text;
}

// What a domain's page shows beyond its record: its history and where it points now.
struct Detail {
  DomainRecord record;
  std::string store_code;
  std::vector<storage::DomainEvent> events;
  domains::Pointing pointing;
};

// Which console a form came from: the dashboard acts on its own store's domains, the admin
// console on any store's.
enum class Side : std::uint8_t { store, admin };

// Runs `write` in a transaction of a store and commits it: the dashboard's own store, or for an
// admin the store `store_code` (named by the route, or owning the domain), by the explicit admin
// path to its scope. Blocks: the blocking pool only.
template <class Write>
core::Result<void> in_store(const Services& s, const Visit& visit, Side side,
                            const std::string& store_code, const Write& write) {
  std::optional<storage::TenantScope> scope = visit.scope.tenant;
  if (side == Side::admin) {
    // The lookup's transaction ends before the store's begins.
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto store = storage::stores::get_by_code(*tx, store_code);
    if (!store) {
      return store.error();
    }
    scope = storage::TenantScope::admin(store->snapshot());
  }
  auto tx = s.database.begin(*scope);
  if (!tx) {
    return tx.error();
  }
  if (auto written = write(*tx); !written) {
    return written.error();
  }
  return tx->commit();
}

// ---- The store dashboard (owners and admins) ----

asio::awaitable<Response> show_store_domains(const Console& console, RequestContext& context,
                                             Visit& visit, Status status, const Message& message) {
  const Services& s = console.services();
  auto listed =
      co_await console.blocking([&s, &visit]() -> core::Result<std::vector<DomainRecord>> {
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
  Data data = console.page_data(context, visit, "Domains");
  set_message(data, message);
  data.set("add_url", visit.url("/domains"));
  data.set("has_domains", !listed->empty());
  data.set("platform_domain", s.platform.domain());
  data.set("subdomain", code + "." + s.platform.domain());
  data.set("limit", std::to_string(s.domain_policy.max_per_store));
  data.set("grace", duration_words(s.domain_policy.grace));
  Data items{Data::type::list};
  for (const DomainRecord& d : *listed) {
    items.push_back(
        domain_item(d, code, visit.url("/domains/" + d.domain), s.domain_policy, message));
  }
  data.set("domains", items);
  co_return console.render(status, "console/domains", data);
}

// The response for a domain's page: its record, history and pointing report, or `instead`.
struct DetailLoad {
  std::optional<Detail> detail;
  std::optional<Response> instead;
};

Response render_detail(const Console& console, RequestContext& context, Visit& visit,
                       const Detail& detail, bool admin, Status status, const Message& message) {
  const Services& s = console.services();
  Data data = console.page_data(context, visit, detail.record.domain);
  set_message(data, message);
  const std::string url = visit.url("/domains/" + detail.record.domain);
  Data item = domain_item(detail.record, detail.store_code, url, s.domain_policy, message);
  item.set("quarantine_words", quarantine_words(detail.record, s.domain_policy, admin));
  data.set("domain", item);
  data.set("admin", admin);
  data.set("list_url",
           admin ? visit.url("/stores/" + detail.store_code + "/domains") : visit.url("/domains"));
  data.set("store_code", detail.store_code);
  data.set("events", events_data(detail.events));
  data.set("has_events", !detail.events.empty());
  data.set("pointing", pointing_data(detail.pointing));
  data.set("subdomain", detail.store_code + "." + s.platform.domain());
  return console.render(status, "console/domain", data);
}

// Where `domain` points, looked up on the check executor (web/domain_checks.hpp); a lookup the
// executor refused (one of this domain running, the store's or the platform's limit reached)
// says so in the report's place.
asio::awaitable<domains::Pointing> pointing_of(const Services& s, const std::string& store,
                                               const std::string& domain) {
  auto pointing = co_await run_domain_check(s, store, "pointing " + domain,
                                            [&s, &domain] { return s.verifier.pointing(domain); });
  if (!pointing) {
    domains::Pointing busy;
    busy.message = pointing.error().message;
    co_return busy;
  }
  co_return std::move(*pointing);
}

asio::awaitable<DetailLoad> load_store_detail(const Console& console, RequestContext& context,
                                              Visit& visit, const std::string& domain) {
  const Services& s = console.services();
  const std::string code = context.resolution->store->code;
  auto loaded = co_await console.blocking(
      [&s, &visit, &domain, &code]() -> core::Result<std::optional<Detail>> {
        Detail detail;
        {
          auto tx = s.database.begin(*visit.scope.tenant);
          if (!tx) {
            return tx.error();
          }
          auto found = storage::domains::find(*tx, domain);
          if (!found) {
            return found.error();
          }
          if (!*found) {
            return std::optional<Detail>();
          }
          detail.record = std::move(**found);
          auto events = storage::domains::events(*tx, domain);
          if (!events) {
            return events.error();
          }
          detail.events = std::move(*events);
        }
        detail.store_code = code;
        return std::optional<Detail>(std::move(detail));
      });
  if (!loaded) {
    co_return DetailLoad{{}, console.failure(context, visit, loaded.error())};
  }
  if (!*loaded) {
    co_return DetailLoad{
        {},
        console.error_page(context, visit.scope, Status::not_found, "No such domain",
                           "This store has no domain " + domain + ".", visit.who)};
  }
  // The lookups run after the transaction ended, on the check executor: they may take the
  // resolver's timeout.
  (**loaded).pointing = co_await pointing_of(s, code, domain);
  co_return DetailLoad{std::move(**loaded), {}};
}

asio::awaitable<Response> show_store_detail(const Console& console, RequestContext& context,
                                            Visit& visit, const std::string& domain, Status status,
                                            const Message& message) {
  DetailLoad load = co_await load_store_detail(console, context, visit, domain);
  if (load.instead) {
    co_return std::move(*load.instead);
  }
  co_return render_detail(console, context, visit, *load.detail, false, status, message);
}

asio::awaitable<Response> store_domains(const Console& console, Request&, RequestContext& context,
                                        const RouteParams&, Visit& visit) {
  // Named, not temporaries: GCC 12 may destroy a temporary argument of a co_await twice.
  const Message notice = notice_of(context);
  co_return co_await show_store_domains(console, context, visit, Status::ok, notice);
}

asio::awaitable<Response> store_domain(const Console& console, Request&, RequestContext& context,
                                       const RouteParams& params, Visit& visit) {
  const auto domain = domain_param(params);
  if (!domain) {
    co_return console.error_page(context, visit.scope, Status::not_found, "No such domain",
                                 "This store has no such domain.", visit.who);
  }
  const std::string name = *domain;
  const Message notice = notice_of(context);
  co_return co_await show_store_detail(console, context, visit, name, Status::ok, notice);
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
  const std::string code = context.resolution->store->code;
  const auto add = [&s, &domain](storage::TenantTransaction& tx) {
    return storage::domains::add(tx, domain, s.domain_policy.add_rules());
  };
  auto added = co_await console.blocking(
      [&s, &visit, &code, &add] { return in_store(s, visit, Side::store, code, add); });
  if (!added) {
    const Status status = http::status_of(added.error().code);
    if (status != Status::conflict && status != Status::unprocessable_entity) {
      co_return console.failure(context, visit, added.error());
    }
    message.field_error = refusal(added.error());
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_store_domains(console, context, visit, status, message);
  }
  co_return redirect(Status::see_other, visit.url("/domains?added=" + domain));
}

// ---- The admin console ----

// One admin list: every store's domains (optionally in one state), or one store's, with its
// add form; and how many domains are in each state.
struct AdminList {
  std::optional<storage::StoreRecord> store;
  std::vector<storage::domains::PlatformDomain> domains;
  storage::domains::StateCounts counts;
};

// Every store's domains, or those of the store `code` (Errc::not_found when there is none).
core::Result<AdminList> load_admin_list(const Services& s, const std::optional<std::string>& code,
                                        std::optional<DomainState> state) {
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
  for (auto& d : *domains) {
    if (!state || d.record.state == *state) {
      list.domains.push_back(std::move(d));
    }
  }
  auto counts = storage::domains::count_states(*tx);
  if (!counts) {
    return counts.error();
  }
  list.counts = *counts;
  return list;
}

asio::awaitable<Response> show_admin_domains(const Console& console, RequestContext& context,
                                             Visit& visit, const std::optional<std::string>& code,
                                             std::optional<DomainState> state, Status status,
                                             const Message& message) {
  const Services& s = console.services();
  auto list =
      co_await console.blocking([&s, &code, state] { return load_admin_list(s, code, state); });
  if (!list) {
    co_return console.failure(context, visit, list.error());
  }
  Data data = console.page_data(
      context, visit, list->store ? "Domains of " + list->store->name : std::string("Domains"));
  set_message(data, message);
  if (list->store) {
    data.set("store", true);
    data.set("store_code", list->store->code);
    data.set("store_name", list->store->name);
    data.set("store_url", visit.url("/stores/" + list->store->code));
    data.set("add_url", visit.url("/stores/" + list->store->code + "/domains"));
    data.set("back", "store");
  } else {
    // The filter links, with how many domains each state has across every store.
    const auto& c = list->counts;
    Data filters{Data::type::list};
    const std::pair<const char*, std::int64_t> states[] = {{"pending", c.pending},
                                                           {"verified", c.verified},
                                                           {"failing", c.failing},
                                                           {"detached", c.detached}};
    for (const auto& [name, count] : states) {
      Data f;
      f.set("name", std::string(name));
      f.set("count", std::to_string(count));
      f.set("url", visit.url(std::string("/domains?state=") + name));
      f.set("current", state && storage::to_string(*state) == name);
      filters.push_back(f);
    }
    data.set("filters", filters);
    data.set("total", std::to_string(c.pending + c.verified + c.failing + c.detached));
    data.set("filtered", state.has_value());
    if (state) {
      data.set("state_filter", std::string(storage::to_string(*state)));
    }
  }
  data.set("all_url", visit.url("/domains"));
  data.set("health_url", visit.url("/domains/health"));
  data.set("lift_url", visit.url("/domains/quarantine"));
  data.set("has_domains", !list->domains.empty());
  Data items{Data::type::list};
  for (const auto& d : list->domains) {
    Data item = domain_item(d.record, d.store_code, visit.url("/domains/" + d.record.domain),
                            s.domain_policy, message);
    item.set("store_domains_url", visit.url("/stores/" + d.store_code + "/domains"));
    item.set("quarantine_words", quarantine_words(d.record, s.domain_policy, true));
    items.push_back(item);
  }
  data.set("domains", items);
  co_return console.render(status, "console/domains_admin", data);
}

asio::awaitable<Response> admin_domains(const Console& console, Request&, RequestContext& context,
                                        const RouteParams&, Visit& visit) {
  const std::optional<std::string> all;
  std::optional<DomainState> state;
  if (auto text = http::query_param(context.resolution->query, "state"); text && !text->empty()) {
    state = storage::parse_domain_state(*text);
    if (!state) {
      co_return console.error_page(context, visit.scope, Status::bad_request, "No such state",
                                   "A domain is pending, verified, failing or detached.",
                                   visit.who);
    }
  }
  const Message notice = notice_of(context);
  co_return co_await show_admin_domains(console, context, visit, all, state, Status::ok, notice);
}

asio::awaitable<Response> admin_store_domains(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  const std::optional<std::string> code(params.get("code"));
  const std::optional<DomainState> any;
  const Message notice = notice_of(context);
  co_return co_await show_admin_domains(console, context, visit, code, any, Status::ok, notice);
}

asio::awaitable<Response> admin_add_domain(const Console& console, Request&,
                                           RequestContext& context, const RouteParams& params,
                                           Visit& visit) {
  const Services& s = console.services();
  const std::optional<std::string> code(params.get("code"));
  const std::optional<DomainState> any;
  Message message;
  message.domain_value = std::string(core::text::trim(visit.form.text("domain")));
  auto valid = core::validate_custom_domain(message.domain_value, s.platform.domain());
  if (message.domain_value.empty() || !valid) {
    message.field_error = message.domain_value.empty() ? "Enter a domain, e.g. shop.example.com."
                                                       : valid.error().message;
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_admin_domains(console, context, visit, code, any,
                                          Status::unprocessable_entity, message);
  }
  const std::string domain = *valid;
  const auto add = [&s, &domain](storage::TenantTransaction& tx) {
    return storage::domains::add(tx, domain, s.domain_policy.add_rules());
  };
  auto added = co_await console.blocking(
      [&s, &visit, &code, &add] { return in_store(s, visit, Side::admin, *code, add); });
  if (!added) {
    if (http::status_of(added.error().code) != Status::conflict) {
      co_return console.failure(context, visit, added.error());
    }
    message.field_error = refusal(added.error());
    message.error = "The domain was not added: " + message.field_error;
    co_return co_await show_admin_domains(console, context, visit, code, any, Status::conflict,
                                          message);
  }
  co_return redirect(Status::see_other,
                     visit.url("/stores/" + *code + "/domains") + "?added=" + domain);
}

Response no_domain(const Console& console, RequestContext& context, const Visit& visit,
                   const std::string& domain) {
  return console.error_page(context, visit.scope, Status::not_found, "No such domain",
                            domain.empty() ? std::string("No store has such a domain.")
                                           : "No store has the domain " + domain + ".",
                            visit.who);
}

asio::awaitable<Response> show_admin_detail(const Console& console, RequestContext& context,
                                            Visit& visit, const std::string& domain, Status status,
                                            const Message& message) {
  const Services& s = console.services();
  auto loaded = co_await console.blocking([&s, &domain]() -> core::Result<std::optional<Detail>> {
    Detail detail;
    {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto found = storage::domains::find_any(*tx, domain);
      if (!found) {
        return found.error();
      }
      if (!*found) {
        return std::optional<Detail>();
      }
      detail.record = std::move((*found)->record);
      detail.store_code = std::move((*found)->store_code);
      auto events = storage::domains::events_any(*tx, domain);
      if (!events) {
        return events.error();
      }
      detail.events = std::move(*events);
    }
    return std::optional<Detail>(std::move(detail));
  });
  if (!loaded) {
    co_return console.failure(context, visit, loaded.error());
  }
  if (!*loaded) {
    co_return no_domain(console, context, visit, domain);
  }
  // The lookups run after the transaction ended, on the check executor: they may take the
  // resolver's timeout.
  (**loaded).pointing = co_await pointing_of(s, (**loaded).store_code, domain);
  co_return render_detail(console, context, visit, **loaded, true, status, message);
}

asio::awaitable<Response> admin_domain(const Console& console, Request&, RequestContext& context,
                                       const RouteParams& params, Visit& visit) {
  const auto domain = domain_param(params);
  if (!domain) {
    co_return no_domain(console, context, visit, "");
  }
  const std::string name = *domain;
  const Message notice = notice_of(context);
  co_return co_await show_admin_detail(console, context, visit, name, Status::ok, notice);
}

// ---- Actions on one domain (both consoles) ----
//
// Every POST on one domain has one shape: find the domain (a 404 page when this console cannot
// see it), check the form, run one change on the blocking pool (its commit brings the in-memory
// directory up to date before the answer: storage/change_feed.hpp), then redirect back to the
// page the form came from, or show that page again with the refusal beside the domain. What
// differs between the consoles is which domains they see, the transaction a change runs in
// (in_store) and the pages they go back to.

// The domain a form acts on, as its console found it.
struct Target {
  Side side = Side::store;
  std::string domain;      // as stored
  std::string store_code;  // its store
  std::int64_t store_id = 0;
};

// The target named by the route, or the response to send instead (404).
struct TargetFound {
  std::optional<Target> target;
  std::optional<Response> instead;
};

Response no_target(const Console& console, RequestContext& context, const Visit& visit, Side side,
                   const std::string& domain) {
  if (side == Side::admin) {
    return no_domain(console, context, visit, domain);
  }
  return console.error_page(context, visit.scope, Status::not_found, "No such domain",
                            domain.empty() ? std::string("This store has no such domain.")
                                           : "This store has no domain " + domain + ".",
                            visit.who);
}

asio::awaitable<TargetFound> find_target(const Console& console, RequestContext& context,
                                         const RouteParams& params, Visit& visit, Side side) {
  const Services& s = console.services();
  const auto param = domain_param(params);
  if (!param) {
    co_return TargetFound{{}, no_target(console, context, visit, side, "")};
  }
  const std::string domain = *param;
  // The dashboard's own store; an admin learns the store from the domain.
  std::string own_code;
  if (side == Side::store) {
    own_code = context.resolution->store->code;
  }
  auto found = co_await console.blocking(
      [&s, &visit, &domain, &own_code, side]() -> core::Result<std::optional<Target>> {
        if (side == Side::admin) {
          auto tx = s.database.begin_platform();
          if (!tx) {
            return tx.error();
          }
          auto any = storage::domains::find_any(*tx, domain);
          if (!any) {
            return any.error();
          }
          if (!*any) {
            return std::optional<Target>();
          }
          return Target{side, (*any)->record.domain, (*any)->store_code, (*any)->record.store_id};
        }
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        auto own = storage::domains::find(*tx, domain);
        if (!own) {
          return own.error();
        }
        if (!*own) {
          return std::optional<Target>();
        }
        return Target{side, (*own)->domain, own_code, (*own)->store_id};
      });
  if (!found) {
    co_return TargetFound{{}, console.failure(context, visit, found.error())};
  }
  if (!*found) {
    co_return TargetFound{{}, no_target(console, context, visit, side, domain)};
  }
  co_return TargetFound{std::move(*found), {}};
}

// Where a form came from (its hidden "back"): the domain's page ("detail"), for an admin the
// domain's store's page ("store"), or the console's list of domains.
enum class Back : std::uint8_t { all, store, detail };

Back back_of(const Visit& visit) {
  const std::string back = visit.form.text("back");
  return back == "store" ? Back::store : back == "detail" ? Back::detail : Back::all;
}

// The page the form came from, with ?key=domain (its notice).
std::string back_url(const Visit& visit, const Target& target, std::string_view key) {
  std::string page = "/domains?";
  if (back_of(visit) == Back::detail) {
    page = "/domains/" + target.domain + "?";
  } else if (back_of(visit) == Back::store && target.side == Side::admin) {
    page = "/stores/" + target.store_code + "/domains?";
  }
  return visit.url(page + std::string(key) + "=" + target.domain);
}

// The page the form came from, shown again with `error` beside the domain.
asio::awaitable<Response> refuse(const Console& console, RequestContext& context, Visit& visit,
                                 const Target& target, Status status, const std::string& error) {
  Message message;
  message.error = error;
  message.check_domain = target.domain;
  const Back back = back_of(visit);
  if (target.side == Side::store) {
    if (back == Back::detail) {
      co_return co_await show_store_detail(console, context, visit, target.domain, status, message);
    }
    co_return co_await show_store_domains(console, context, visit, status, message);
  }
  if (back == Back::detail) {
    co_return co_await show_admin_detail(console, context, visit, target.domain, status, message);
  }
  const std::optional<DomainState> any;
  std::optional<std::string> code;
  if (back == Back::store) {
    code = target.store_code;
  }
  co_return co_await show_admin_domains(console, context, visit, code, any, status, message);
}

// What a change did: done, or refused with a sentence for the owner.
struct Outcome {
  std::optional<Status> refused;
  std::string reason;
};

// A committed write is done; a conflict (not a verified domain, ...) is a refusal with
// the storage layer's sentence; any other error stays one.
core::Result<Outcome> written(const core::Result<void>& result) {
  if (result) {
    return Outcome{};
  }
  if (http::status_of(result.error().code) == Status::conflict) {
    return Outcome{Status::conflict, refusal(result.error())};
  }
  return result.error();
}

// Runs `change` (a callable giving core::Result<Outcome>) on the blocking pool and answers
// with the redirect to `done_url` or the refusal; an error is the failure page.
template <class Change>
asio::awaitable<Response> act(const Console& console, RequestContext& context, Visit& visit,
                              const Target& target, const Change& change,
                              const std::string& done_url) {
  auto outcome = co_await console.blocking(change);
  if (!outcome) {
    co_return console.failure(context, visit, outcome.error());
  }
  if (outcome->refused) {
    const Status status = *outcome->refused;
    co_return co_await refuse(console, context, visit, target, status, outcome->reason);
  }
  co_return redirect(Status::see_other, done_url);
}

// Verify now by the form's method (DNS or HTTP); an admin may instead force it ("force" = 1).
asio::awaitable<Response> verify_domain(const Console& console, RequestContext& context,
                                        const RouteParams& params, Visit& visit, Side side) {
  const Services& s = console.services();
  TargetFound found = co_await find_target(console, context, params, visit, side);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const Target& target = *found.target;
  const std::string& domain = target.domain;
  const std::string done_url = back_url(visit, target, "verified");
  if (side == Side::admin && visit.form.text("force") == "1") {
    // An admin's decision without a check; kept out of the scheduled re-checks.
    const auto force = [&s, &domain]() -> core::Result<Outcome> {
      if (auto forced = domains::force_verify(s.database, domain); !forced) {
        return forced.error();
      }
      return Outcome{};
    };
    co_return co_await act(console, context, visit, target, force, done_url);
  }
  const auto method = method_of(visit);
  if (!method) {
    const std::string error = "Choose how to verify " + domain + ": by DNS or by HTTP.";
    co_return co_await refuse(console, context, visit, target, Status::unprocessable_entity, error);
  }
  const domains::Method how = *method;
  // An admin's check is real also for a forced domain: this is its "re-check".
  const domains::Trigger trigger =
      side == Side::admin ? domains::Trigger::admin : domains::Trigger::owner;
  const std::int64_t store_id = target.store_id;
  const auto check = [&s, &domain, how, trigger, store_id]() -> core::Result<Outcome> {
    auto verified =
        domains::verify(s.database, s.verifier, s.domain_policy, domain, how, trigger, store_id);
    if (!verified) {
      // Refused before any check (the HTTP proof is not enough here, the name was taken): the
      // sentence beside the domain.
      return written(core::Result<void>(verified.error()));
    }
    Outcome outcome;
    if (!verified->check.verified()) {
      outcome.refused = Status::unprocessable_entity;
      outcome.reason = verified->check.message;
    }
    return outcome;
  };
  // The check runs on the check executor once admitted (one at a time per domain, a cap per
  // store); a refusal is shown like a failed check, with Retry-After.
  auto checked = co_await run_domain_check(s, target.store_code, domain, check);
  if (!checked) {
    Response refused_now =
        co_await refuse(console, context, visit, target, http::status_of(checked.error().code),
                        checked.error().message);
    add_retry_after(s, refused_now);
    co_return refused_now;
  }
  const auto done = [&checked] { return std::move(*checked); };
  co_return co_await act(console, context, visit, target, done, done_url);
}

// Mark ("primary" = 1) or un-mark (0) the store's primary domain. It decides redirects for every
// request of the store: the cache empties at once.
asio::awaitable<Response> primary_domain(const Console& console, RequestContext& context,
                                         const RouteParams& params, Visit& visit, Side side) {
  const Services& s = console.services();
  TargetFound found = co_await find_target(console, context, params, visit, side);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const Target& target = *found.target;
  const auto primary = primary_of(visit);
  if (!primary) {
    const std::string error = "Say whether " + target.domain + " should be primary (1) or not (0).";
    co_return co_await refuse(console, context, visit, target, Status::unprocessable_entity, error);
  }
  const bool mark = *primary;
  const auto set = [&target, mark](storage::TenantTransaction& tx) {
    return storage::domains::set_primary(tx, target.domain, mark);
  };
  const auto change = [&s, &visit, &target, &set] {
    return written(in_store(s, visit, target.side, target.store_code, set));
  };
  const std::string done_url = back_url(visit, target, mark ? "primary" : "unprimary");
  co_return co_await act(console, context, visit, target, change, done_url);
}

// Remove the domain (quarantined for other stores). Its own page is gone: a removal from there
// goes back to the list (for an admin, the store's list unless the form came from every store's).
asio::awaitable<Response> remove_domain(const Console& console, RequestContext& context,
                                        const RouteParams& params, Visit& visit, Side side) {
  const Services& s = console.services();
  TargetFound found = co_await find_target(console, context, params, visit, side);
  if (found.instead) {
    co_return std::move(*found.instead);
  }
  const Target& target = *found.target;
  const auto change = [&s, &visit, &target]() -> core::Result<Outcome> {
    if (target.side == Side::store) {
      const auto remove = [&s, &target](storage::TenantTransaction& tx) {
        return storage::domains::remove(tx, target.domain, "removed by the store's owner",
                                        s.domain_policy.quarantine);
      };
      if (auto done = in_store(s, visit, target.side, target.store_code, remove); !done) {
        return done.error();
      }
      return Outcome{};
    }
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    // An admin's removal holds the name back from its store too (storage::domains::Hold).
    if (auto gone = storage::domains::remove_any(*tx, target.domain, target.store_id,
                                                 "removed by an admin", s.domain_policy.quarantine,
                                                 storage::domains::Hold::everyone);
        !gone) {
      return gone.error();
    }
    if (auto committed = tx->commit(); !committed) {
      return committed.error();
    }
    return Outcome{};
  };
  const std::string list = side == Side::store || back_of(visit) == Back::all
                               ? visit.url("/domains")
                               : visit.url("/stores/" + target.store_code + "/domains");
  const std::string done_url = list + "?removed=" + target.domain;
  co_return co_await act(console, context, visit, target, change, done_url);
}

// An admin lifts the quarantine of a removed name (the form on /admin/domains): any store may add
// it at once. Recorded in the history of the store that removed it.
asio::awaitable<Response> admin_lift_quarantine(const Console& console, Request&,
                                                RequestContext& context, const RouteParams&,
                                                Visit& visit) {
  const Services& s = console.services();
  const std::optional<std::string> all;
  const std::optional<DomainState> any;
  Message message;
  message.domain_value = std::string(core::text::trim(visit.form.text("domain")));
  auto host = core::normalize_host(message.domain_value);
  if (message.domain_value.empty() || !host) {
    message.error = "Enter the removed domain whose quarantine to lift, e.g. shop.example.com.";
    co_return co_await show_admin_domains(console, context, visit, all, any,
                                          Status::unprocessable_entity, message);
  }
  const std::string domain = host->name;
  auto lifted = co_await console.blocking([&s, &domain]() -> core::Result<void> {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    if (auto done =
            storage::domains::lift_quarantine(*tx, domain, "quarantine lifted by an administrator");
        !done) {
      return done.error();
    }
    return tx->commit();
  });
  if (!lifted) {
    if (lifted.error().code != core::Errc::not_found) {
      co_return console.failure(context, visit, lifted.error());
    }
    message.error = refusal(lifted.error());
    co_return co_await show_admin_domains(console, context, visit, all, any, Status::not_found,
                                          message);
  }
  co_return redirect(Status::see_other, visit.url("/domains?lifted=" + domain));
}

// The routes' handlers: the shared actions, each for its console.
asio::awaitable<Response> verify_store_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  co_return co_await verify_domain(console, context, params, visit, Side::store);
}

asio::awaitable<Response> primary_store_domain(const Console& console, Request&,
                                               RequestContext& context, const RouteParams& params,
                                               Visit& visit) {
  co_return co_await primary_domain(console, context, params, visit, Side::store);
}

asio::awaitable<Response> remove_store_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  co_return co_await remove_domain(console, context, params, visit, Side::store);
}

asio::awaitable<Response> admin_verify_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  co_return co_await verify_domain(console, context, params, visit, Side::admin);
}

asio::awaitable<Response> admin_primary_domain(const Console& console, Request&,
                                               RequestContext& context, const RouteParams& params,
                                               Visit& visit) {
  co_return co_await primary_domain(console, context, params, visit, Side::admin);
}

asio::awaitable<Response> admin_remove_domain(const Console& console, Request&,
                                              RequestContext& context, const RouteParams& params,
                                              Visit& visit) {
  co_return co_await remove_domain(console, context, params, visit, Side::admin);
}

asio::awaitable<Response> admin_domain_health(const Console& console, Request&,
                                              RequestContext& context, const RouteParams&,
                                              Visit& visit) {
  const Services& s = console.services();
  // Resolves every store's addresses and looks up every domain's DNS: the check executor, one
  // report at a time.
  auto admitted = co_await run_domain_check(s, "", "domain health report", [&s] {
    return domains::check_health(s.database, s.platform, s.verifier, domains::HealthOptions{});
  });
  if (!admitted) {
    Response refused_now = console.failure(context, visit, admitted.error());
    add_retry_after(s, refused_now);
    co_return refused_now;
  }
  auto& report = *admitted;
  if (!report) {
    co_return console.failure(context, visit, report.error());
  }
  Data data = console.page_data(context, visit, "Domain health");
  const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
  data.set("stores", plural(count(report->stores), "store"));
  data.set("addresses", plural(count(report->addresses), "address", "addresses"));
  data.set("domains", plural(count(report->domains), "custom domain"));
  data.set("problem_count", plural(count(report->problems.size()), "problem"));
  data.set("ok", report->ok());
  data.set("all_url", visit.url("/domains"));
  Data problems{Data::type::list};
  for (const domains::Finding& f : report->problems) {
    Data item;
    item.set("store", f.store);
    item.set("store_url", visit.url("/stores/" + f.store + "/domains"));
    item.set("address", f.address);
    item.set("kind", f.kind);
    item.set("expected", f.expected);
    item.set("got", f.got);
    item.set("fix", f.fix);
    problems.push_back(item);
  }
  data.set("problems", problems);
  co_return console.render(Status::ok, "console/domains_health", data);
}

}  // namespace

void add_domain_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/domains", gated(console, Role::owner, &store_domains));
  router.add(dashboard, verb::post, "/domains", gated(console, Role::owner, &add_store_domain));
  router.add(dashboard, verb::get, "/domains/{domain}", gated(console, Role::owner, &store_domain));
  router.add(dashboard, verb::post, "/domains/{domain}/verify",
             gated(console, Role::owner, &verify_store_domain));
  router.add(dashboard, verb::post, "/domains/{domain}/primary",
             gated(console, Role::owner, &primary_store_domain));
  router.add(dashboard, verb::post, "/domains/{domain}/remove",
             gated(console, Role::owner, &remove_store_domain));

  const auto admin = core::ContextType::admin;
  router.add(admin, verb::get, "/admin/domains", gated(console, Role::admin, &admin_domains));
  // Before /admin/domains/{domain}: the first matching route serves.
  router.add(admin, verb::get, "/admin/domains/health",
             gated(console, Role::admin, &admin_domain_health));
  router.add(admin, verb::post, "/admin/domains/quarantine",
             gated(console, Role::admin, &admin_lift_quarantine));
  router.add(admin, verb::get, "/admin/domains/{domain}",
             gated(console, Role::admin, &admin_domain));
  router.add(admin, verb::get, "/admin/stores/{code}/domains",
             gated(console, Role::admin, &admin_store_domains));
  router.add(admin, verb::post, "/admin/stores/{code}/domains",
             gated(console, Role::admin, &admin_add_domain));
  router.add(admin, verb::post, "/admin/domains/{domain}/verify",
             gated(console, Role::admin, &admin_verify_domain));
  router.add(admin, verb::post, "/admin/domains/{domain}/primary",
             gated(console, Role::admin, &admin_primary_domain));
  router.add(admin, verb::post, "/admin/domains/{domain}/remove",
             gated(console, Role::admin, &admin_remove_domain));
}

}  // namespace orion::web::console

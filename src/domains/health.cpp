#include "domains/health.hpp"

#include <ctime>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/domain.hpp"
#include "core/store_code.hpp"
#include "storage/domains.hpp"
#include "storage/records.hpp"
#include "storage/store_directory.hpp"
#include "storage/stores.hpp"

namespace orion::domains {
namespace {

using storage::DomainRecord;
using storage::DomainState;
using storage::StoreRecord;

constexpr std::int64_t kPageSize = 500;  // the repositories' largest page

std::string utc(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

// What a resolution led to, in the table's words.
std::string describe(const core::Result<core::Resolution>& r) {
  if (!r) {
    return "refused: " + r.error().message;
  }
  if (r->store) {
    return "store " + r->store->code + " (" + std::string(core::to_string(r->mode)) + ")";
  }
  switch (r->role) {
    case core::HostRole::admin:
      return "the admin interface";
    case core::HostRole::platform:
      return "the platform's own pages";
    case core::HostRole::unknown:
      return "no store (a host no store can have)";
    case core::HostRole::store:
      break;
  }
  return "no store";
}

bool leads_to(const core::Result<core::Resolution>& r, const StoreRecord& store,
              core::DetectionMode mode) {
  return r && r->store && r->store->id == store.id && r->mode == mode;
}

// Everything the check reads, loaded up front in short transactions: no transaction stays open
// while the DNS lookups run (each can take the verifier's whole timeout).
struct Snapshot {
  std::vector<StoreRecord> stores;
  std::vector<storage::domains::PlatformDomain> domains;
};

core::Result<Snapshot> load(storage::Database& database, std::size_t limit) {
  Snapshot snapshot;
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  for (std::int64_t offset = 0; snapshot.stores.size() < limit; offset += kPageSize) {
    auto page = storage::stores::list(*tx, storage::Page{kPageSize, offset});
    if (!page) {
      return page.error();
    }
    const bool last = static_cast<std::int64_t>(page->size()) < kPageSize;
    for (auto& store : *page) {
      if (snapshot.stores.size() < limit) {
        snapshot.stores.push_back(std::move(store));
      }
    }
    if (last) {
      break;
    }
  }
  for (std::int64_t offset = 0;; offset += kPageSize) {
    auto page = storage::domains::list_all(*tx, std::nullopt, storage::Page{kPageSize, offset});
    if (!page) {
      return page.error();
    }
    const bool last = static_cast<std::int64_t>(page->size()) < kPageSize;
    for (auto& domain : *page) {
      snapshot.domains.push_back(std::move(domain));
    }
    if (last) {
      break;
    }
  }
  return snapshot;
}

class Checker {
 public:
  Checker(storage::Database& database, const core::Platform& platform, const Verifier& verifier,
          HealthReport& report)
      : directory_(database), platform_(platform), verifier_(verifier), report_(report) {}

  void subdomain(const StoreRecord& store) {
    const std::string host = store.code + "." + platform_.domain();
    const auto r = resolve(host, "/shop/");
    if (leads_to(r, store, core::DetectionMode::subdomain)) {
      return;
    }
    // Where visitors can be sent instead: the path URL, when it still reaches the store.
    const std::string path = path_address(store);
    const bool path_works = leads_to(
        core::resolve(platform_, core::RequestHead{path_target(store), platform_.domain(), 1},
                      directory_),
        store, core::DetectionMode::path_based);
    const std::string instead =
        path_works ? "give the store a custom domain, or link to " + path + " instead."
                   : "give the store a custom domain.";
    std::string fix;
    if (core::is_reserved_store_code(store.code)) {
      fix = "The code '" + store.code +
            "' is reserved, so its subdomain can never be the store's: " + instead;
    } else if (!core::validate_store_code(store.code)) {
      fix =
          "The code '" + store.code +
          "' is not a valid subdomain label (letters, digits and inner hyphens, 3-50): " + instead;
    } else {
      fix = "Check that the store is active and that no proxy rewrites the Host header of " + host +
            " (orion resolve --host " + host + " /shop/ shows how it is read).";
    }
    add(store, host, "subdomain", "store " + store.code, describe(r), std::move(fix));
  }

  void path(const StoreRecord& store) {
    const std::string target = path_target(store);
    const auto r = resolve(platform_.domain(), target);
    if (leads_to(r, store, core::DetectionMode::path_based)) {
      return;
    }
    std::string fix;
    if (!core::validate_store_code(store.code)) {
      fix = "The code '" + store.code +
            "' cannot appear in a storefront path: give the store a custom domain.";
    } else {
      fix = "Check that the store is active (orion store activate " + store.code + ").";
    }
    add(store, path_address(store), "path", "store " + store.code, describe(r), std::move(fix));
  }

  // A custom domain: one that routes must resolve to its store, any other must not resolve.
  void custom_domain(const StoreRecord& store, const DomainRecord& domain) {
    const auto r = resolve(domain.domain, "/shop/");
    const bool should_route = storage::routes(domain.state);
    auto valid = core::validate_custom_domain(domain.domain, platform_.domain());
    if (!valid) {
      // Names under the platform domain (or a suffix that became public) never resolve as
      // custom domains, whatever their state.
      add(store, domain.domain, "custom_domain",
          should_route ? "store " + store.code : "no store (" + to_name(domain.state) + ")",
          describe(r),
          "The name can no longer be a custom domain (" + valid.error().message +
              "): remove it from the store (dashboard, admin console or API) and add one that "
              "can.");
      return;
    }
    if (should_route) {
      if (leads_to(r, store, core::DetectionMode::custom_domain)) {
        return;
      }
      add(store, domain.domain, "custom_domain", "store " + store.code, describe(r),
          r && r->store ? "Another store answers for " + domain.domain +
                              ": remove the domain from one of them."
                        : "Check that the store is active and that the domain is stored "
                          "normalised (orion domain list).");
      return;
    }
    if (r && r->store) {
      add(store, domain.domain, "custom_domain", "no store (" + to_name(domain.state) + ")",
          describe(r),
          "A " + to_name(domain.state) + " domain must not route: " + r->store->code +
              " owns it as a verified domain; remove it from one of the stores.");
    }
  }

  // Whether the domain's DNS proves it (by the method it was last verified by) and sends its
  // visitors to the platform.
  void dns(const StoreRecord& store, const DomainRecord& domain) {
    ++report_.domains;
    const Method method = domain.verified_by == "http" ? Method::http : Method::dns;
    // A forced domain is an admin's decision: no proof is expected until an admin asks.
    if (!domain.forced()) {
      verification(store, domain, method);
    }
    where(store, domain);
  }

  void pending(const StoreRecord& store, const DomainRecord& domain) {
    // Pending and detached domains are expected not to route; they are reported here, with the
    // record that would make them route, only when DNS is checked.
    ++report_.domains;
    const Check check = verifier_.check(domain.domain, domain.verification_token, Method::dns);
    std::string got = to_name(domain.state);
    if (domain.state == DomainState::detached && domain.detached_at) {
      got += " since " + utc(*domain.detached_at);
    }
    got += ", " + short_outcome(check, Method::dns);
    std::string fix = check.verified()
                          ? "The record is in place: run orion domain verify " + domain.domain + "."
                          : check.message + " Then run orion domain verify " + domain.domain + ".";
    add(store, domain.domain, "dns", "verified: " + expected_proof(domain, Method::dns),
        std::move(got), std::move(fix));
    where(store, domain);
  }

 private:
  void where(const StoreRecord& store, const DomainRecord& domain) {
    const Pointing pointing = verifier_.pointing(domain.domain);
    if (pointing.ok()) {
      return;
    }
    std::string got = pointing.found.empty() ? std::string(to_string(pointing.status))
                                             : join(pointing.found, ", ");
    std::string fix = pointing.fixes.empty() ? pointing.message
                                             : pointing.message + " " + join(pointing.fixes, "; ");
    add(store, domain.domain, "dns", join(pointing.expected, " or "), std::move(got),
        std::move(fix));
  }

  void verification(const StoreRecord& store, const DomainRecord& domain, Method method) {
    const Check check = verifier_.check(domain.domain, domain.verification_token, method);
    if (check.verified()) {
      if (domain.state == DomainState::failing) {
        add(store, domain.domain, "dns", expected_proof(domain, method),
            "failing since " + utc(domain.failing_since.value_or(0)) + ", passes now",
            "Run orion domain verify " + domain.domain + " to mark it verified again.");
      }
      return;
    }
    std::string got = short_outcome(check, method);
    if (domain.state == DomainState::failing && domain.failing_since) {
      got = "failing since " + utc(*domain.failing_since) + ": " + got;
    }
    add(store, domain.domain, "dns", expected_proof(domain, method), std::move(got), check.message);
  }

  static std::string expected_proof(const DomainRecord& domain, Method method) {
    if (method == Method::http) {
      return "http://" + domain.domain + "/.well-known/orion-verify/" + domain.verification_token +
             " answers " + record_value(domain.verification_token);
    }
    return "TXT " + record_name(domain.domain) + " = " + record_value(domain.verification_token);
  }

  static std::string short_outcome(const Check& check, Method method) {
    const bool http = method == Method::http;
    switch (check.outcome) {
      case Outcome::verified:
        return http ? "token served" : "TXT present";
      case Outcome::not_found:
        return http ? "token not served" : "TXT missing";
      case Outcome::wrong_value:
        return http ? "token wrong" : "TXT wrong value";
      case Outcome::lookup_failed:
        return http ? "request failed" : "lookup failed";
    }
    return "lookup failed";
  }

  static std::string to_name(DomainState state) { return std::string(storage::to_string(state)); }

  static std::string path_target(const StoreRecord& store) {
    return "/stores/" + store.code + "/shop/";
  }

  std::string path_address(const StoreRecord& store) const {
    return platform_.domain() + "/stores/" + store.code + "/shop/";
  }

  core::Result<core::Resolution> resolve(std::string_view host, std::string_view target) {
    ++report_.addresses;
    return core::resolve(platform_, core::RequestHead{target, host, 1}, directory_);
  }

  void add(const StoreRecord& store, std::string address, std::string kind, std::string expected,
           std::string got, std::string fix) {
    report_.problems.push_back(Finding{store.code, std::move(address), std::move(kind),
                                       std::move(expected), std::move(got), std::move(fix)});
  }

  storage::DatabaseStoreDirectory directory_;  // no cache: the database's answer now
  const core::Platform& platform_;
  const Verifier& verifier_;
  HealthReport& report_;
};

}  // namespace

core::Result<HealthReport> check_health(storage::Database& database, const core::Platform& platform,
                                        const Verifier& verifier, const HealthOptions& options) {
  auto snapshot = load(database, options.limit);
  if (!snapshot) {
    return snapshot.error();
  }
  HealthReport report;
  std::unordered_map<std::int64_t, std::vector<const DomainRecord*>> by_store;
  for (const auto& domain : snapshot->domains) {
    by_store[domain.record.store_id].push_back(&domain.record);
  }
  static const std::vector<const DomainRecord*> kNone;
  Checker checker(database, platform, verifier, report);
  for (const StoreRecord& store : snapshot->stores) {
    if (options.active_only && !store.is_active) {
      continue;
    }
    ++report.stores;
    checker.subdomain(store);
    checker.path(store);
    const auto found = by_store.find(store.id);
    const auto& domains = found == by_store.end() ? kNone : found->second;
    for (const DomainRecord* domain : domains) {
      checker.custom_domain(store, *domain);
    }
    if (!options.dns) {
      continue;
    }
    for (const DomainRecord* domain : domains) {
      if (storage::routes(domain->state)) {
        checker.dns(store, *domain);
      } else {
        checker.pending(store, *domain);
      }
    }
  }
  return report;
}

}  // namespace orion::domains

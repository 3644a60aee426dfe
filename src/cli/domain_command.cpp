#include "cli/domain_command.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/detection.hpp"
#include "core/domain.hpp"
#include "core/host.hpp"
#include "core/text.hpp"
#include "domains/health.hpp"
#include "domains/lifecycle.hpp"
#include "domains/verifier.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"

namespace orion::cli {
namespace {

// The domain as typed ("Shop.Example.com.") in the form it is stored.
core::Result<std::string> normalised(std::string_view typed) {
  auto host = core::normalize_host(core::text::trim(typed));
  if (!host) {
    return host.error();
  }
  return host->name;
}

std::string not_added(const std::string& name) {
  return "the domain " + name +
         " does not exist (add it first: orion domain add --store C --domain " + name + ")";
}

// Prints rows as columns as wide as their widest cell; the last column is not padded.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) {
    return;
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line.append(widths[i] - row[i].size() + 2, ' ');
      }
    }
    line += '\n';
    std::fputs(line.c_str(), stdout);
  }
}

// "1 store", "2 stores": a count with its noun in the right number.
std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

void DomainCommand::attach_dns(CLI::App& command, DnsFlags& flags, bool targets) {
  command
      .add_option("--dns-server", flags.server,
                  "DNS resolver to ask, IP[:PORT] (default: the system's resolver)")
      ->envname("ORION_DNS_SERVER");
  command
      .add_option("--dns-timeout-ms", flags.timeout_ms,
                  "Give up on each DNS lookup or HTTP check after this many milliseconds")
      ->envname("ORION_DNS_TIMEOUT_MS")
      ->check(CLI::Range(1, 60'000))
      ->default_val(5'000);
  command
      .add_option("--http-port", flags.http_port,
                  "Port the HTTP token check connects to on the domain's address")
      ->envname("ORION_DOMAIN_HTTP_PORT")
      ->check(CLI::Range(1, 65'535))
      ->default_val(80);
  command
      .add_flag("--http-allow-private", flags.http_allow_private,
                "Let the HTTP token check connect to loopback/private addresses (tests, local "
                "setups); refused otherwise")
      ->envname("ORION_DOMAIN_HTTP_ALLOW_PRIVATE");
  if (!targets) {
    return;
  }
  command
      .add_option("--targets", flags.targets,
                  "Where custom domains must point: IP addresses and at most one CNAME target, "
                  "comma-separated (default: the platform domain)")
      ->envname("ORION_DOMAIN_TARGETS");
}

CLI::App* DomainCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "domain", "Add, list, verify and check stores' custom domains, and mark the primary one");
  cmd->require_subcommand(1);

  add_ = cmd->add_subcommand("add",
                             "Add a custom domain to a store and print the DNS record "
                             "that proves ownership");
  add_->add_option("--store", store_, "Store code")->required();
  add_->add_option("--domain", domain_, "The domain, e.g. shop.example.com")->required();
  add_->add_option("--platform-domain", add_platform_,
                   "The platform domain, refused as a custom domain together with every name "
                   "under it")
      ->envname("ORION_PLATFORM_DOMAIN");
  add_->add_option("--limit", limit_, "Custom domains a store may have at most")
      ->envname("ORION_DOMAIN_LIMIT")
      ->check(CLI::Range(1, 1000))
      ->default_val(10);
  db_.attach(*add_);

  list_ = cmd->add_subcommand(
      "list",
      "List custom domains with their state (pending, verified, failing, detached) and "
      "which one is primary");
  list_->add_option("--store", store_, "Only this store's domains");
  db_.attach(*list_);

  verify_ = cmd->add_subcommand(
      "verify",
      "Check that the domain proves its owner (DNS TXT _orion-verify.<domain>, or the HTTP "
      "token) and record the outcome: a passing check makes it route, a failing one starts its "
      "grace period. Exits 1 when the domain is not verified afterwards");
  verify_->add_option("domain", domain_, "The domain")->required();
  verify_->add_flag("--force", force_,
                    "Mark it verified without a check (an operator's decision; never re-checked "
                    "on the schedule until an admin asks for a check)");
  verify_
      ->add_option("--method", method_,
                   "dns: the TXT record _orion-verify.<domain>; http: "
                   "http://<domain>/.well-known/orion-verify/<token>")
      ->check(CLI::IsMember({"dns", "http"}))
      ->default_val("dns");
  verify_
      ->add_option("--recheck-interval-s", recheck_interval_s_,
                   "After a passing check, re-check the domain this often (seconds)")
      ->envname("ORION_DOMAIN_RECHECK_INTERVAL_S")
      ->check(CLI::Range(60LL, 365LL * 86400))
      ->default_val(24 * 3600);
  verify_
      ->add_option("--grace-s", grace_s_,
                   "A failing domain still routes this long before it is detached (seconds)")
      ->envname("ORION_DOMAIN_GRACE_S")
      ->check(CLI::Range(0LL, 365LL * 86400))
      ->default_val(72 * 3600);
  attach_dns(*verify_, verify_dns_, false);
  db_.attach(*verify_);

  primary_ = cmd->add_subcommand(
      "primary",
      "Mark a verified domain as its store's primary domain: the store's subdomain, other "
      "domains and path URLs then answer 301 to the same page on it");
  primary_->add_option("domain", domain_, "The domain")->required();
  primary_->add_flag("--unset", unset_,
                     "Un-mark it: the redirects stop (a running server within its store cache "
                     "TTL)");
  db_.attach(*primary_);

  check_ = cmd->add_subcommand(
      "check",
      "Resolve every active store's subdomain, path URL and custom domains against the "
      "database, check every domain's DNS, and list what does not lead to the expected store, "
      "with the fix. Exits 1 when anything is wrong");
  check_
      ->add_option("--platform-domain", check_platform_,
                   "The platform domain the server runs with (default: localhost)")
      ->envname("ORION_PLATFORM_DOMAIN");
  check_->add_flag("--no-dns", no_dns_,
                   "Only resolve addresses; skip the DNS and HTTP checks of custom domains");
  attach_dns(*check_, check_dns_, true);
  db_.attach(*check_);
  return cmd;
}

int DomainCommand::run() {
  if (add_->parsed()) {
    return add();
  }
  if (list_->parsed()) {
    return list();
  }
  if (primary_->parsed()) {
    return primary();
  }
  if (check_->parsed()) {
    return check();
  }
  return verify();
}

int DomainCommand::add() {
  // Without a platform domain there is nothing under it to refuse; the router never resolves
  // a custom domain under the platform domain anyway.
  std::string platform;
  if (!add_platform_.empty()) {
    auto p = core::Platform::make(add_platform_);
    if (!p) {
      return fail("domain add", p.error());
    }
    platform = p->domain();
  }
  auto domain = core::validate_custom_domain(domain_, platform);
  if (!domain) {
    return fail("domain add", domain.error());
  }
  auto database = db_.open();
  if (!database) {
    return fail("domain add", database.error());
  }
  storage::StoreRecord store;
  {
    auto tx = (*database)->begin_platform();
    if (!tx) {
      return fail("domain add", tx.error());
    }
    auto found = storage::stores::get_by_code(*tx, store_);
    if (!found) {
      return fail("domain add", found.error());
    }
    store = std::move(*found);
  }
  // The operator named the store: the explicit admin path to its scope.
  auto tx = (*database)->begin(storage::TenantScope::admin(store.snapshot()));
  if (!tx) {
    return fail("domain add", tx.error());
  }
  auto added = storage::domains::add(*tx, *domain, storage::domains::AddRules{limit_});
  if (!added) {
    return fail("domain add", added.error());
  }
  if (auto done = tx->commit(); !done) {
    return fail("domain add", done.error());
  }
  std::printf(
      "added %s to store %s (pending verification)\n"
      "prove ownership with this DNS record, then run: orion domain verify %s\n"
      "  _orion-verify.%s.  TXT  \"orion-verify=%s\"\n",
      added->domain.c_str(), store.code.c_str(), added->domain.c_str(), added->domain.c_str(),
      added->verification_token.c_str());
  return 0;
}

int DomainCommand::list() {
  return in_platform_transaction(
      db_, "domain list", [&](storage::PlatformTransaction& tx) -> core::Result<std::string> {
        std::optional<std::int64_t> store_id;
        if (!store_.empty()) {
          auto store = storage::stores::get_by_code(tx, store_);
          if (!store) {
            return store.error();
          }
          store_id = store->id;
        }
        auto all = storage::domains::list_all(tx, store_id);
        if (!all) {
          return all.error();
        }
        std::string out;
        char line[512];
        std::snprintf(line, sizeof line, "%-40s %-24s %-9s %-8s %s\n", "DOMAIN", "STORE", "STATE",
                      "PRIMARY", "VERIFIED_BY");
        out += line;
        for (const auto& d : *all) {
          std::snprintf(line, sizeof line, "%-40s %-24s %-9s %-8s %s\n", d.record.domain.c_str(),
                        d.store_code.c_str(),
                        std::string(storage::to_string(d.record.state)).c_str(),
                        d.record.is_primary ? "yes" : "no",
                        d.record.verified_by.empty() ? "-" : d.record.verified_by.c_str());
          out += line;
        }
        return out;
      });
}

int DomainCommand::verify() {
  constexpr std::string_view kCommand = "domain verify";
  auto name = normalised(domain_);
  if (!name) {
    return fail(kCommand, name.error());
  }
  const auto method = domains::parse_method(method_);
  if (!method) {
    return fail(kCommand, "--method must be dns or http");
  }
  // A bad resolver address is bad input: refuse it before touching the database.
  std::unique_ptr<domains::Verifier> verifier;
  if (!force_) {
    domains::DnsOptions options;
    options.server = verify_dns_.server;
    options.timeout = std::chrono::milliseconds(verify_dns_.timeout_ms);
    options.http_port = static_cast<std::uint16_t>(verify_dns_.http_port);
    options.http_allow_private = verify_dns_.http_allow_private;
    auto made = domains::DnsVerifier::make(options);
    if (!made) {
      return fail(kCommand, "--dns-server: " + made.error().message);
    }
    verifier = std::move(*made);
  }
  auto database = db_.open();
  if (!database) {
    return fail(kCommand, database.error());
  }
  if (force_) {
    auto forced = domains::force_verify(**database, *name);
    if (!forced) {
      return fail(kCommand, forced.error().code == core::Errc::not_found ? not_added(*name)
                                                                         : forced.error().message);
    }
    std::printf(
        "%s is verified and routes to store %s (forced by an operator: no check, and no "
        "scheduled re-check until an admin asks for one)\n",
        forced->record.domain.c_str(), forced->store_code.c_str());
    return 0;
  }
  domains::Policy policy;
  policy.interval = std::chrono::seconds(recheck_interval_s_);
  policy.grace = std::chrono::seconds(grace_s_);
  // The lookup runs outside any transaction; verify() applies its outcome conditionally.
  auto done =
      domains::verify(**database, *verifier, policy, *name, *method, domains::Trigger::admin);
  if (!done) {
    return fail(kCommand, done.error().code == core::Errc::not_found ? not_added(*name)
                                                                     : done.error().message);
  }
  const storage::DomainRecord& d = done->domain.record;
  const std::string state(storage::to_string(d.state));
  if (!done->check.verified()) {
    // The outcome is recorded (last check, failing since...) but the domain does not pass.
    return fail(kCommand, d.domain + " is " + state +
                              (storage::routes(d.state) ? " (still routes during its grace period)"
                                                        : " (does not route)") +
                              ": " + done->check.message);
  }
  std::printf("%s is %s and routes to store %s (%s check): %s\n", d.domain.c_str(), state.c_str(),
              done->domain.store_code.c_str(), std::string(domains::to_string(*method)).c_str(),
              done->check.message.c_str());
  return 0;
}

int DomainCommand::primary() {
  constexpr std::string_view kCommand = "domain primary";
  auto name = normalised(domain_);
  if (!name) {
    return fail(kCommand, name.error());
  }
  auto database = db_.open();
  if (!database) {
    return fail(kCommand, database.error());
  }
  storage::StoreRecord store;
  {
    auto tx = (*database)->begin_platform();
    if (!tx) {
      return fail(kCommand, tx.error());
    }
    auto found = storage::domains::find_any(*tx, *name);
    if (!found) {
      return fail(kCommand, found.error());
    }
    if (!*found) {
      return fail(kCommand, not_added(*name));
    }
    auto owner = storage::stores::get_by_code(*tx, (*found)->store_code);
    if (!owner) {
      return fail(kCommand, owner.error());
    }
    store = std::move(*owner);
  }
  auto tx = (*database)->begin(storage::TenantScope::admin(store.snapshot()));
  if (!tx) {
    return fail(kCommand, tx.error());
  }
  auto marked = storage::domains::set_primary(*tx, *name, !unset_);
  if (!marked) {
    return fail(kCommand, marked.error());
  }
  if (auto committed = tx->commit(); !committed) {
    return fail(kCommand, committed.error());
  }
  if (unset_) {
    std::printf("%s is no longer the primary domain of store %s: nothing redirects to it\n",
                marked->domain.c_str(), store.code.c_str());
  } else {
    std::printf(
        "%s is the primary domain of store %s: its subdomain, other domains and path URLs "
        "redirect to it\n",
        marked->domain.c_str(), store.code.c_str());
  }
  return 0;
}

int DomainCommand::check() {
  constexpr std::string_view kCommand = "domain check";
  auto platform = core::Platform::make(check_platform_.empty() ? "localhost" : check_platform_);
  if (!platform) {
    return fail(kCommand, "--platform-domain: " + platform.error().message);
  }
  auto targets = domains::parse_targets(check_dns_.targets);
  if (!targets) {
    return fail(kCommand, "--targets: " + targets.error().message);
  }
  domains::DnsOptions options;
  options.server = check_dns_.server;
  options.timeout = std::chrono::milliseconds(check_dns_.timeout_ms);
  options.platform_domain = platform->domain();
  options.targets = std::move(*targets);
  options.http_port = static_cast<std::uint16_t>(check_dns_.http_port);
  options.http_allow_private = check_dns_.http_allow_private;
  auto verifier = domains::DnsVerifier::make(options);
  if (!verifier) {
    return fail(kCommand, "--dns-server: " + verifier.error().message);
  }
  auto database = db_.open();
  if (!database) {
    return fail(kCommand, database.error());
  }
  domains::HealthOptions health;
  health.dns = !no_dns_;
  auto report = domains::check_health(**database, *platform, **verifier, health);
  if (!report) {
    return fail(kCommand, report.error());
  }
  if (report->ok()) {
    const std::string stores = report->stores == 1
                                   ? std::string("1 store resolves")
                                   : "all " + std::to_string(report->stores) + " stores resolve";
    const std::string dns = health.dns
                                ? count_of(report->domains, "domain's", "domains'") + " DNS checked"
                                : "DNS not checked";
    std::printf("%s as expected (%s resolved, %s)\n", stores.c_str(),
                count_of(report->addresses, "address", "addresses").c_str(), dns.c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"STORE", "ADDRESS", "KIND", "EXPECTED", "GOT", "FIX"});
  for (const auto& p : report->problems) {
    rows.push_back({p.store, p.address, p.kind, p.expected, p.got, p.fix});
  }
  print_table(rows);
  std::printf("%s in %s checked\n",
              count_of(report->problems.size(), "problem", "problems").c_str(),
              count_of(report->stores, "store", "stores").c_str());
  return 1;
}

}  // namespace orion::cli

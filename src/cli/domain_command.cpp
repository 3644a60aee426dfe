#include "cli/domain_command.hpp"

#include <chrono>
#include <memory>

#include "core/detection.hpp"
#include "core/domain.hpp"
#include "core/host.hpp"
#include "core/text.hpp"
#include "domains/verifier.hpp"
#include "storage/domains.hpp"
#include "storage/stores.hpp"

namespace orion::cli {
namespace {

std::string state_of(const storage::DomainRecord& d) {
  return d.is_verified ? (d.is_primary ? "verified, primary" : "verified") : "pending";
}

}  // namespace

CLI::App* DomainCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("domain", "Add, list and verify stores' custom domains");
  cmd->require_subcommand(1);
  add_ = cmd->add_subcommand("add",
                             "Add a custom domain to a store and print the DNS record "
                             "that proves ownership");
  add_->add_option("--store", store_, "Store code")->required();
  add_->add_option("--domain", domain_, "The domain, e.g. shop.example.com")->required();
  add_->add_option("--platform-domain", platform_domain_,
                   "The platform domain, refused as a custom domain together with every name "
                   "under it")
      ->envname("ORION_PLATFORM_DOMAIN");
  db_.attach(*add_);
  list_ = cmd->add_subcommand("list", "List custom domains and their verification state");
  list_->add_option("--store", store_, "Only this store's domains");
  db_.attach(*list_);
  verify_ = cmd->add_subcommand(
      "verify",
      "Check the domain's DNS TXT record _orion-verify.<domain> and, when it holds the "
      "domain's token, mark the domain verified so that it routes");
  verify_->add_option("domain", domain_, "The domain")->required();
  verify_->add_flag("--force", force_,
                    "Mark it verified without checking DNS (an operator's decision)");
  verify_
      ->add_option("--dns-server", dns_server_,
                   "DNS resolver to ask, IP[:PORT] (default: the system's resolver)")
      ->envname("ORION_DNS_SERVER");
  verify_
      ->add_option("--dns-timeout-ms", dns_timeout_ms_,
                   "Give up on the DNS lookup after this many milliseconds")
      ->envname("ORION_DNS_TIMEOUT_MS")
      ->check(CLI::Range(1, 60'000))
      ->default_val(5'000);
  db_.attach(*verify_);
  return cmd;
}

int DomainCommand::run() {
  if (add_->parsed()) {
    return add();
  }
  if (list_->parsed()) {
    return list();
  }
  return verify();
}

int DomainCommand::add() {
  // Without a platform domain there is nothing under it to refuse; the router never resolves
  // a custom domain under the platform domain anyway.
  std::string platform;
  if (!platform_domain_.empty()) {
    auto p = core::Platform::make(platform_domain_);
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
  auto added = storage::domains::add(*tx, *domain);
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
        std::snprintf(line, sizeof line, "%-40s %-24s %s\n", "DOMAIN", "STORE", "STATE");
        out += line;
        for (const auto& d : *all) {
          std::snprintf(line, sizeof line, "%-40s %-24s %s\n", d.record.domain.c_str(),
                        d.store_code.c_str(), state_of(d.record).c_str());
          out += line;
        }
        return out;
      });
}

int DomainCommand::verify() {
  auto host = core::normalize_host(core::text::trim(domain_));
  if (!host) {
    return fail("domain verify", host.error());
  }
  const std::string& name = host->name;
  // A bad resolver address is bad input: refuse it before touching the database.
  std::unique_ptr<domains::Verifier> verifier;
  if (!force_) {
    auto made =
        domains::DnsVerifier::make({dns_server_, std::chrono::milliseconds(dns_timeout_ms_)});
    if (!made) {
      return fail("domain verify", "--dns-server: " + made.error().message);
    }
    verifier = std::move(*made);
  }
  auto database = db_.open();
  if (!database) {
    return fail("domain verify", database.error());
  }
  storage::DomainRecord current;
  {
    auto tx = (*database)->begin_platform();
    if (!tx) {
      return fail("domain verify", tx.error());
    }
    auto found = storage::domains::find_any(*tx, name);
    if (!found) {
      return fail("domain verify", found.error());
    }
    if (!*found) {
      return fail("domain verify",
                  "the domain " + name +
                      " does not exist (add it first: orion domain add --store C --domain " + name +
                      ")");
    }
    current = std::move((*found)->record);
  }
  if (current.is_verified) {
    std::printf("%s is verified (already) and routes to its store\n", name.c_str());
    return 0;
  }
  std::string how = "marked verified by an operator";
  if (verifier) {
    // No transaction stays open during the lookup: it can take the whole timeout.
    const domains::Check check = verifier->check(name, current.verification_token);
    if (!check.verified()) {
      return fail("domain verify", check.message);
    }
    how = "TXT record " + domains::record_name(name) + " checked";
  }
  return in_platform_transaction(db_, "domain verify", [&](storage::PlatformTransaction& tx) {
    return describe(storage::domains::mark_verified(tx, name),
                    [&how](const storage::DomainRecord& d) {
                      return d.domain + " is verified and routes to its store (" + how + ")\n";
                    });
  });
}

}  // namespace orion::cli

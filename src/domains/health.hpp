// `orion domain check` and the admin's "domain health" page: re-runs tenant resolution for every
// store's subdomain, path-based storefront and custom domains against the database, checks every
// domain's DNS (verification record and where it points), and lists what does not lead to the
// expected store, each with the fix. Blocking (database and DNS): the blocking pool or the CLI.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/detection.hpp"
#include "core/error.hpp"
#include "domains/verifier.hpp"
#include "storage/database.hpp"

namespace orion::domains {

struct Finding {
  std::string store;     // the store's code
  std::string address;   // what was resolved: "shop.example.com", "techstore.localhost",
                         // "localhost/stores/techstore/shop/"
  std::string kind;      // "subdomain", "path", "custom_domain", "dns"
  std::string expected;  // "store techstore", "TXT _orion-verify.x = orion-verify=...", ...
  std::string got;       // "no store (unknown host)", "store other", "TXT missing", ...
  std::string fix;       // one sentence: what to change
};

struct HealthOptions {
  bool dns = true;              // also check every domain's records (slow: one lookup each)
  bool active_only = true;      // inactive stores are expected not to resolve and are skipped
  std::size_t limit = 100'000;  // stores at most
};

struct HealthReport {
  std::size_t stores = 0;     // stores checked
  std::size_t addresses = 0;  // subdomains + paths + custom domains resolved
  std::size_t domains = 0;    // custom domains whose DNS was checked
  std::vector<Finding> problems;
  [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

core::Result<HealthReport> check_health(storage::Database& database, const core::Platform& platform,
                                        const Verifier& verifier, const HealthOptions& options);

}  // namespace orion::domains

// A custom domain's life (docs/DOMAINS.md): what a check does to it, when its grace ends, and
// the one place every verification runs through — the owner's and the admin's "verify" (API,
// consoles, CLI) and the scheduled re-checks. `decide` is pure; the functions below it block
// (database and network) and belong on the blocking pool, never on an I/O thread. A check runs
// outside any database transaction; its result is applied conditionally on the state it was
// decided from (storage::domains::apply), so racing checkers cannot both apply.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "domains/verifier.hpp"
#include "storage/database.hpp"
#include "storage/domains.hpp"
#include "storage/records.hpp"

namespace orion::domains {

// The operator's settings (app::Config domain_*).
struct Policy {
  std::chrono::seconds interval{24 * 3600};          // re-check a verified domain this often
  double jitter = 0.1;                               // ± this fraction of the interval, at random
  std::chrono::seconds grace{72 * 3600};             // a failing domain still routes this long
  std::chrono::seconds quarantine{30 * 86400};       // a removed name is held back this long
  std::chrono::seconds remove_detached{30 * 86400};  // a detached domain is removed after this
  std::size_t max_per_store = 10;
  std::chrono::seconds pending_ttl{7 * 86400};  // a pending claim is removed after this

  // What storage::domains::add enforces under this policy.
  [[nodiscard]] storage::domains::AddRules add_rules() const noexcept {
    return {max_per_store, pending_ttl};
  }
};

// Whether the HTTP proof may verify `record` (docs/DOMAINS.md, "Which proof"). The HTTP token is
// answered by Orion itself, so it proves only that the name points at the platform — which a name
// under another store's domain (www. of a verified domain, a CNAME to it) may do without its
// owner's consent. It is enough only where no other store has a claim, in any state (pending
// claims younger than policy.pending_ttl included: a contested name is decided by DNS), on the
// name's registrable domain (libpsl) or any name under it. Otherwise
// Errc::txt_verification_required with a sentence naming the TXT record to create. Every check goes
// through this: verify() for the owner's and the admin's checks (API, consoles, CLI), and sweep()
// picks DNS for a re-check where HTTP is not enough any more.
core::Result<void> http_proof_allowed(storage::PlatformTransaction& tx,
                                      const storage::DomainRecord& record, const Policy& policy,
                                      std::int64_t now);

// Who asked for a check. On a forced domain (verified_by "forced"):
//   owner, schedule -> the check is recorded (checked_at, last_result: the owner sees what is
//                      wrong) and nothing else changes: no state change, no event, not put on
//                      the schedule, still forced, even when it passes;
//   admin           -> checked for real: decide() applies as for any domain, verified_by becomes
//                      the method (so it is re-checked on the schedule from now on, and a failure
//                      starts the grace period), and an event records the admin's check.
// Otherwise a passing check sets verified_by to the method ("dns", "http").
enum class Trigger : std::uint8_t {
  owner,     // the store's owner (dashboard, store API): never clears a forced verification
  admin,     // an admin (admin console, admin API, CLI): a forced domain is checked for real
  schedule,  // the re-check scheduler
};

// What one check does to a domain (pure). `now` in Unix seconds; `random` in [-1, 1] spreads
// the next re-check by ± policy.jitter × interval.
//   pending/detached + pass      -> verified (reason: what was found), re-check scheduled
//   pending + fail               -> pending (no event; last_result says what to fix)
//   detached + fail              -> detached (no event)
//   verified + fail              -> failing (failing_since = now), still routes
//   failing + pass               -> verified
//   failing + fail, grace over   -> detached (stops routing, loses primary)
//   failing + fail, within grace -> failing
// A lookup that failed (resolver down) counts as a failure: the grace period absorbs outages.
// The grace ends at failing_since + grace exactly (that second detaches); a failing domain's
// next check is at the grace's end at the latest, so it detaches on time. Pending domains are not
// scheduled (the owner asks again once the record exists); detached ones stay scheduled until
// they are removed, so a fixed record brings them back on its own (detached_at is kept: the
// removal clock runs from the detachment). decide() leaves verified_by empty ("keep"): verify()
// knows the method and the trigger (see Trigger).
storage::domains::Update decide(const storage::DomainRecord& current, const Check& check,
                                std::int64_t now, const Policy& policy, double random);

// Checks `domain` by `method` now and applies the outcome: `store_id`'s claim on it, or without
// one the name's holder (or its oldest pending claim). Errc::not_found when there is no such
// claim; Errc::txt_verification_required for Method::http where http_proof_allowed refuses it
// (nothing is checked); Errc::domain_taken when another store took the name while this was
// checked. A pending claim verified takes the name from other stores' pending claims
// (storage::domains::apply). The updated record and the check's result.
struct Verification {
  storage::domains::PlatformDomain domain;
  Check check;
  bool changed = false;  // the state changed (callers invalidate the store cache)
};
core::Result<Verification> verify(storage::Database& database, const Verifier& verifier,
                                  const Policy& policy, std::string_view domain, Method method,
                                  Trigger trigger, std::optional<std::int64_t> store_id = {});

// An admin's decision without a check: verified, never re-checked on the schedule.
core::Result<storage::domains::PlatformDomain> force_verify(storage::Database& database,
                                                            std::string_view domain);

// One pass of the scheduler: re-checks up to `limit` due domains (DNS; HTTP for those last
// verified over HTTP where http_proof_allowed still allows it), removes domains detached longer
// than policy.remove_detached, and pending claims older than policy.pending_ttl.
struct Sweep {
  std::size_t checked = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t transitions = 0;  // state changes (verified->failing, failing->detached, ...)
  std::size_t removed = 0;
  std::size_t expired = 0;  // pending claims removed (they never routed)
  [[nodiscard]] bool routing_changed() const noexcept { return transitions + removed > 0; }
};
core::Result<Sweep> sweep(storage::Database& database, const Verifier& verifier,
                          const Policy& policy, std::int64_t now, std::size_t limit = 100);

}  // namespace orion::domains

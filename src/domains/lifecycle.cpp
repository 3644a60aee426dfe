#include "domains/lifecycle.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "core/domain.hpp"
#include "storage/clock.hpp"

namespace orion::domains {
namespace {

using storage::DomainRecord;
using storage::DomainState;
using storage::domains::PlatformDomain;
using storage::domains::Update;

// now + interval ± jitter × interval, never earlier than the next second.
std::int64_t next_check(std::int64_t now, const Policy& policy, double random) {
  const auto interval = static_cast<double>(policy.interval.count());
  const double spread = std::clamp(random, -1.0, 1.0) * std::max(policy.jitter, 0.0) * interval;
  const auto next = now + policy.interval.count() + static_cast<std::int64_t>(std::llround(spread));
  return std::max(next, now + 1);
}

// "30 days", "6 hours", "90 seconds": the operator's setting as the owner reads it.
std::string span(std::chrono::seconds duration) {
  const auto s = duration.count();
  if (s >= 86400 && s % 86400 == 0) {
    return std::to_string(s / 86400) + (s == 86400 ? " day" : " days");
  }
  if (s >= 3600 && s % 3600 == 0) {
    return std::to_string(s / 3600) + (s == 3600 ? " hour" : " hours");
  }
  return std::to_string(s) + (s == 1 ? " second" : " seconds");
}

double draw() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(-1.0, 1.0)(engine);
}

// An update that changes nothing but records the check (checked_at, last_result).
Update record_only(const DomainRecord& current, const Check& check, std::int64_t now) {
  Update u;
  u.expected = current.state;
  u.expected_checked_at = current.checked_at;
  u.state = current.state;
  u.checked_at = now;
  u.next_check_at = current.next_check_at;
  u.failing_since = current.failing_since;
  u.detached_at = current.detached_at;
  u.last_result = check.message;
  return u;
}

// decide, then what only the caller knows: who asked and how the domain was checked.
Update decide_for(const DomainRecord& current, const Check& check, std::int64_t now,
                  const Policy& policy, double random, Method method, Trigger trigger) {
  if (current.forced() && trigger != Trigger::admin) {
    return record_only(current, check, now);
  }
  Update u = decide(current, check, now, policy, random);
  if (check.verified() || current.forced()) {
    u.verified_by = std::string(to_string(method));
  }
  if (current.forced()) {
    // The admin's check replaces the forced decision: from now on the domain is re-checked.
    u.record_event = true;
    if (u.reason.empty()) {
      u.reason =
          "checked by an administrator; re-checked on schedule from now on: " + check.message;
    }
  }
  return u;
}

struct Applied {
  PlatformDomain domain;
  bool changed = false;
};

// Applies `update` in its own transaction. When the condition no longer held (another checker
// or the owner got there first), the domain as it is now, unchanged by this check.
core::Result<Applied> apply(storage::Database& database, const PlatformDomain& checked,
                            const Update& update) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto applied =
      storage::domains::apply(*tx, checked.record.store_id, checked.record.domain, update);
  if (!applied) {
    return applied.error();
  }
  Applied out;
  if (*applied) {
    out.domain = PlatformDomain{std::move(**applied), checked.store_code};
    out.changed = update.state != update.expected;
  } else {
    auto now = storage::domains::find_claim(*tx, checked.record.domain, checked.record.store_id);
    if (!now) {
      return now.error();
    }
    if (!*now) {
      return core::make_error(core::Errc::not_found,
                              "the domain " + checked.record.domain + " does not exist");
    }
    out.domain = std::move(**now);
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return out;
}

// The claim to check, read in a transaction that has ended before the check; for the HTTP
// method, only where http_proof_allowed allows it.
core::Result<PlatformDomain> read(storage::Database& database, const Policy& policy,
                                  std::string_view domain, std::optional<std::int64_t> store_id,
                                  Method method) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto found = store_id ? storage::domains::find_claim(*tx, domain, *store_id)
                        : storage::domains::find_any(*tx, domain);
  if (!found) {
    return found.error();
  }
  if (!*found) {
    return core::make_error(core::Errc::not_found,
                            "the domain " + std::string(domain) + " does not exist");
  }
  if (method == Method::http) {
    if (auto allowed = http_proof_allowed(*tx, (*found)->record, policy, storage::unix_now());
        !allowed) {
      return allowed.error();
    }
  }
  return std::move(**found);
}

}  // namespace

core::Result<void> http_proof_allowed(storage::PlatformTransaction& tx, const DomainRecord& record,
                                      const Policy& policy, std::int64_t now) {
  const std::string registrable = core::registrable_domain(record.domain);
  auto near = storage::domains::claim_near(tx, record.store_id, registrable,
                                           now - policy.pending_ttl.count());
  if (!near) {
    return near.error();
  }
  if (!*near) {
    return {};
  }
  const std::string where = **near == record.domain
                                ? "another store has also claimed " + record.domain
                                : "another store has a domain under " + registrable;
  return core::make_error(
      core::Errc::txt_verification_required,
      "The HTTP check cannot verify " + record.domain + ": " + where +
          ", and the HTTP token only shows that a name points at the platform. Prove control "
          "with the DNS TXT record " +
          record_name(record.domain) + " = " + record_value(record.verification_token) +
          ", then verify by DNS");
}

Update decide(const DomainRecord& current, const Check& check, std::int64_t now,
              const Policy& policy, double random) {
  Update u;
  u.expected = current.state;
  u.expected_checked_at = current.checked_at;
  u.checked_at = now;
  u.last_result = check.message;
  const bool passed = check.verified();
  if (passed) {
    u.state = DomainState::verified;
    u.next_check_at = next_check(now, policy, random);
    switch (current.state) {
      case DomainState::pending:
        u.reason = "verified: " + check.message;
        break;
      case DomainState::verified:
        break;
      case DomainState::failing:
        u.reason = "the re-check passed again: " + check.message;
        break;
      case DomainState::detached:
        u.reason = "verified again: " + check.message;
        break;
    }
    return u;
  }
  switch (current.state) {
    case DomainState::pending:
      // Not scheduled: the owner has not set the record up yet and asks again when they have.
      u.state = DomainState::pending;
      break;
    case DomainState::detached:
      // Still re-checked until it is removed, so a fixed record brings it back on its own.
      u.state = DomainState::detached;
      u.detached_at = current.detached_at.value_or(now);
      u.next_check_at = next_check(now, policy, random);
      break;
    case DomainState::verified:
    case DomainState::failing: {
      const std::int64_t since =
          current.state == DomainState::failing ? current.failing_since.value_or(now) : now;
      const std::int64_t grace_end = since + policy.grace.count();
      if (now >= grace_end) {
        u.state = DomainState::detached;
        u.detached_at = now;
        u.next_check_at = next_check(now, policy, random);
        u.reason = "detached: the check kept failing for the whole grace period; " + check.message;
      } else {
        u.state = DomainState::failing;
        u.failing_since = since;
        // Checked again by the end of the grace at the latest, so it detaches on time.
        u.next_check_at = std::min(next_check(now, policy, random), grace_end);
        if (current.state == DomainState::verified) {
          u.reason =
              "the re-check failed; still routing until the grace period ends: " + check.message;
        }
      }
      break;
    }
  }
  return u;
}

core::Result<Verification> verify(storage::Database& database, const Verifier& verifier,
                                  const Policy& policy, std::string_view domain, Method method,
                                  Trigger trigger, std::optional<std::int64_t> store_id) {
  // The transaction ends before the check: a slow resolver must not hold a connection.
  auto current = read(database, policy, domain, store_id, method);
  if (!current) {
    return current.error();
  }
  Check check = verifier.check(current->record.domain, current->record.verification_token, method);
  const Update update =
      decide_for(current->record, check, storage::unix_now(), policy, draw(), method, trigger);
  auto applied = apply(database, *current, update);
  if (!applied) {
    return applied.error();
  }
  return Verification{std::move(applied->domain), std::move(check), applied->changed};
}

core::Result<PlatformDomain> force_verify(storage::Database& database, std::string_view domain) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto marked = storage::domains::mark_verified(*tx, domain);
  if (!marked) {
    return marked.error();
  }
  auto found = storage::domains::find_any(*tx, domain);
  if (!found) {
    return found.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  if (!*found) {
    return core::make_error(core::Errc::not_found,
                            "the domain " + std::string(domain) + " does not exist");
  }
  return std::move(**found);
}

core::Result<Sweep> sweep(storage::Database& database, const Verifier& verifier,
                          const Policy& policy, std::int64_t now, std::size_t limit) {
  Sweep out;
  const auto max = static_cast<std::int64_t>(limit);
  std::vector<PlatformDomain> due;
  std::vector<Method> methods;
  {
    auto tx = database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto found = storage::domains::due(*tx, now, max);
    if (!found) {
      return found.error();
    }
    due = std::move(*found);
    // Re-checked the way it was proved, unless the HTTP proof is not enough any more (another
    // store claimed a name of its registrable domain since): then the TXT record must hold.
    for (const PlatformDomain& domain : due) {
      Method method = domain.record.verified_by == "http" ? Method::http : Method::dns;
      if (method == Method::http) {
        auto allowed = http_proof_allowed(*tx, domain.record, policy, now);
        if (!allowed && allowed.error().code != core::Errc::txt_verification_required) {
          return allowed.error();
        }
        method = allowed ? Method::http : Method::dns;
      }
      methods.push_back(method);
    }
  }
  for (std::size_t i = 0; i < due.size(); ++i) {
    const PlatformDomain& domain = due[i];
    const Method method = methods[i];
    const Check check =
        verifier.check(domain.record.domain, domain.record.verification_token, method);
    ++out.checked;
    ++(check.verified() ? out.passed : out.failed);
    const Update update =
        decide_for(domain.record, check, now, policy, draw(), method, Trigger::schedule);
    auto applied = apply(database, domain, update);
    if (!applied) {
      if (applied.error().code == core::Errc::not_found) {
        continue;  // removed while it was being checked
      }
      return applied.error();
    }
    if (applied->changed) {
      ++out.transitions;
    }
  }

  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto stale = storage::domains::detached_before(*tx, now - policy.remove_detached.count(), max);
  if (!stale) {
    return stale.error();
  }
  for (const PlatformDomain& domain : *stale) {
    const std::string reason = "removed: detached for longer than " + span(policy.remove_detached);
    auto gone =
        storage::domains::remove_any(*tx, domain.record.domain, domain.record.store_id, reason,
                                     policy.quarantine, storage::domains::Hold::others);
    if (!gone) {
      return gone.error();
    }
    ++out.removed;
  }
  if (policy.pending_ttl.count() > 0) {
    auto expired = storage::domains::expire_pending(
        *tx, now - policy.pending_ttl.count(), max,
        "removed: not verified within " + span(policy.pending_ttl));
    if (!expired) {
      return expired.error();
    }
    out.expired = *expired;
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return out;
}

}  // namespace orion::domains

// Custom domains of stores (table store_domains), their recorded transitions (domain_events) and
// the quarantine of removed names (domain_quarantine). A store manages its own domains through a
// TenantTransaction; the platform looks a domain up by name, across stores, through a
// PlatformTransaction (verification, re-checks, the admin interface, the CLI).
//
// Every change of state goes through here and records a DomainEvent in the same transaction, so
// the history can never disagree with the state.
//
// Claims (docs/DOMAINS.md, "Claims and takeover"): each store may hold one claim on a name, and
// several stores may hold pending claims on the same name at once, each with its own token; a
// claim past pending (verified, failing, detached) is the name's only one, its holder's
// (domain_holders, which a store's own transaction can read). The first pending claim to get past
// pending takes the name, and the other stores' pending claims end in the same transaction, with
// an event on each store. So nobody blocks a name by adding it and never proving it. The decisions
// (what a failed check does to a verified domain, when the grace ends) live in
// src/domains/lifecycle; this layer stores them, conditionally on the state they were decided from.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::domains {

// What `add` enforces.
struct AddRules {
  std::size_t max_per_store = 10;               // domains of one store in any state
  std::chrono::seconds pending_ttl{7 * 86400};  // an older pending claim is over (0: never)
};

// `domain` must already be validated (core::validate_custom_domain). A fresh verification token
// is generated; the domain starts pending and an "added" event is recorded. Another store's
// pending claim on the name does not stop it (see above). Errc::domain_taken when a store holds
// the name (past pending) or this store has it already; Errc::domain_quarantined when a removal
// holds it back from this store ("... is held back until <UTC time>"); Errc::domain_limit when
// the store already has `max_per_store` domains ("a store may have at most N domains"). Re-adding
// a name the same store removed ends its quarantine, unless an admin's removal placed it; the
// store's own pending claim older than `pending_ttl` is removed and the name added afresh.
Result<DomainRecord> add(TenantTransaction& tx, std::string_view domain,
                         const AddRules& rules = {});
Result<std::vector<DomainRecord>> list(TenantTransaction& tx);
Result<std::optional<DomainRecord>> find(TenantTransaction& tx, std::string_view domain);
// Whom the quarantine of a removal holds the name back from: the other stores (the removing
// store may take it back at once), or every store, the removing one too (an admin's removal:
// the store was made to let the name go; an admin lifts the hold when it is settled).
enum class Hold : std::uint8_t { others, everyone };

// Deletes the domain, records a "removed" event with `reason`, and, when the domain had ever been
// verified, holds the name back until now + `quarantine` (zero: no quarantine). A pending domain
// was never proved and is never held back. Errc::not_found when the store has no such domain.
Result<void> remove(TenantTransaction& tx, std::string_view domain, std::string_view reason,
                    std::chrono::seconds quarantine, Hold hold = Hold::others);
// Marks a routing (verified or failing) domain primary, un-marking the store's previous primary,
// or (primary == false) un-marks it. Records an event ("marked primary" / "no longer primary",
// from == to == the state). Errc::not_found when absent; Errc::conflict when marking a domain
// that does not route.
Result<DomainRecord> set_primary(TenantTransaction& tx, std::string_view domain, bool primary);
// The store's recorded transitions of `domain` (also after its removal), newest first.
Result<std::vector<DomainEvent>> events(TenantTransaction& tx, std::string_view domain,
                                        Page page = {50, 0});

struct PlatformDomain {
  DomainRecord record;
  std::string store_code;
};

// The name's holder if it has one, else its oldest pending claim.
Result<std::optional<PlatformDomain>> find_any(PlatformTransaction& tx, std::string_view domain);
// The claim of one store on the name.
Result<std::optional<PlatformDomain>> find_claim(PlatformTransaction& tx, std::string_view domain,
                                                 std::int64_t store_id);
// A claim of a store other than `store_id` on `registrable` or any name under it, in any state
// (pending ones only when created after `pending_since`: older ones have expired): its name.
Result<std::optional<std::string>> claim_near(PlatformTransaction& tx, std::int64_t store_id,
                                              std::string_view registrable,
                                              std::int64_t pending_since);
// Removes up to `limit` pending claims created at or before `created_before` (never verified in
// time), each with a "removed" event giving `reason` on its store and no quarantine. How many.
Result<std::size_t> expire_pending(PlatformTransaction& tx, std::int64_t created_before,
                                   std::int64_t limit, std::string_view reason);
// Every domain, or those of one store.
Result<std::vector<PlatformDomain>> list_all(PlatformTransaction& tx,
                                             std::optional<std::int64_t> store_id = {},
                                             Page page = {500, 0});
// Any store's recorded transitions of `domain`, newest first.
Result<std::vector<DomainEvent>> events_any(PlatformTransaction& tx, std::string_view domain,
                                            Page page = {50, 0});

// A decided change to a domain after a check (or an admin's decision), applied only if the
// domain is still in `expected` state and was last checked at `expected_checked_at` (so two
// checkers racing, or a check racing an owner's removal, cannot both apply).
struct Update {
  DomainState expected = DomainState::pending;
  std::optional<std::int64_t> expected_checked_at;
  DomainState state = DomainState::pending;
  std::string verified_by;  // kept as it was when empty
  std::int64_t checked_at = 0;
  std::optional<std::int64_t> next_check_at;
  std::optional<std::int64_t> failing_since;
  std::optional<std::int64_t> detached_at;
  std::string last_result;
  std::string reason;  // recorded as an event when the state changes (or `record_event`)
  bool record_event = false;
};
// Applies to `store_id`'s claim on `domain`. The updated record, or nullopt when the condition no
// longer held (nothing changed). When the state leaves verified/failing the domain stops being
// primary. A pending claim that becomes verified takes the name (see above); Errc::domain_taken
// when another store got there first. Errc::not_found when absent.
Result<std::optional<DomainRecord>> apply(PlatformTransaction& tx, std::int64_t store_id,
                                          std::string_view domain, const Update& update);

// Domains whose scheduled re-check is due at `now` (next_check_at <= now; never forced ones,
// whose next_check_at is null), oldest due first, at most `limit`.
Result<std::vector<PlatformDomain>> due(PlatformTransaction& tx, std::int64_t now,
                                        std::int64_t limit);
// Detached domains detached at or before `before`, for the scheduler to remove.
Result<std::vector<PlatformDomain>> detached_before(PlatformTransaction& tx, std::int64_t before,
                                                    std::int64_t limit);
// Removes `store_id`'s claim on `domain` as the platform (the scheduler, an admin), with the
// same event and quarantine as `remove`.
Result<void> remove_any(PlatformTransaction& tx, std::string_view domain, std::int64_t store_id,
                        std::string_view reason, std::chrono::seconds quarantine, Hold hold);
// Ends the running quarantine of `domain` (an admin's decision), recording `reason` in the history
// of the store that removed it. Errc::not_found when nothing holds the name back.
Result<void> lift_quarantine(PlatformTransaction& tx, std::string_view domain,
                             std::string_view reason);
// When `domain` is held back from stores other than `store_id`: the end of its quarantine.
Result<std::optional<std::int64_t>> quarantined_until(PlatformTransaction& tx,
                                                      std::string_view domain,
                                                      std::int64_t store_id);

// How many domains are in each state (for /metrics and the admin overview).
struct StateCounts {
  std::int64_t pending = 0, verified = 0, failing = 0, detached = 0;
};
Result<StateCounts> count_states(PlatformTransaction& tx);

// Marks a domain verified now by an admin's decision ("forced"): never re-checked on the
// schedule until an admin asks for a check. Records the event. Errc::not_found if absent. Acts on
// find_any's claim: the holder's, or the oldest pending claim, which then takes the name.
Result<DomainRecord> mark_verified(PlatformTransaction& tx, std::string_view domain);

}  // namespace orion::storage::domains

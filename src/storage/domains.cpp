#include "storage/domains.hpp"

#include <ctime>
#include <utility>

#include "core/domain.hpp"
#include "storage/clock.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"

namespace orion::storage::domains {
namespace {

using core::Errc;
using core::make_error;

// Qualified for joins; RETURNING takes the plain names (SQLite allows no qualifier there).
#define ORION_DOMAIN_COLUMNS                                                            \
  "d.id, d.store_id, d.domain, d.is_verified, d.verification_token, d.verified_at, "    \
  "d.is_primary, d.created_at, d.state, d.verified_by, d.checked_at, d.next_check_at, " \
  "d.failing_since, d.detached_at, d.last_result"
#define ORION_DOMAIN_RETURNING                                                              \
  "id, store_id, domain, is_verified, verification_token, verified_at, is_primary, "        \
  "created_at, state, verified_by, checked_at, next_check_at, failing_since, detached_at, " \
  "last_result"
#define ORION_EVENT_COLUMNS "id, store_id, domain, from_state, to_state, reason, at"

constexpr std::size_t kColumns = 15;

DomainRecord read(const Row& row) {
  DomainRecord r;
  r.id = row.integer(0);
  r.store_id = row.integer(1);
  r.domain = row.text(2);
  r.is_verified = row.boolean(3);
  r.verification_token = row.text(4);
  r.verified_at = row.optional_integer(5);
  r.is_primary = row.boolean(6);
  r.created_at = row.integer(7);
  // The column's CHECK admits only the four names.
  r.state = parse_domain_state(row.text(8)).value_or(DomainState::pending);
  r.verified_by = row.text(9);
  r.checked_at = row.optional_integer(10);
  r.next_check_at = row.optional_integer(11);
  r.failing_since = row.optional_integer(12);
  r.detached_at = row.optional_integer(13);
  r.last_result = row.text(14);
  return r;
}

PlatformDomain read_platform(const Row& row) {
  return PlatformDomain{read(row), row.text(kColumns)};
}

DomainEvent read_event(const Row& row) {
  return DomainEvent{row.integer(0), row.integer(1), row.text(2),   row.text(3),
                     row.text(4),    row.text(5),    row.integer(6)};
}

constexpr Sql kInsert{"domains_insert",
                      "INSERT INTO store_domains (store_id, domain, verification_token, "
                      "created_at, state, registrable) VALUES ($1, $2, $3, $4, 'pending', $5) "
                      "RETURNING " ORION_DOMAIN_RETURNING};
constexpr Sql kCountOfStore{"domains_count_of_store",
                            "SELECT COUNT(*) FROM store_domains WHERE store_id = $1"};
constexpr Sql kList{"domains_list",
                    "SELECT " ORION_DOMAIN_COLUMNS
                    " FROM store_domains d WHERE d.store_id = $1 ORDER BY d.domain"};
constexpr Sql kFind{"domains_find",
                    "SELECT " ORION_DOMAIN_COLUMNS
                    " FROM store_domains d WHERE d.store_id = $1 AND d.domain = $2"};
constexpr Sql kDelete{"domains_delete",
                      "DELETE FROM store_domains WHERE store_id = $1 AND domain = $2 "
                      "RETURNING store_id, state"};
constexpr Sql kDeleteAny{"domains_delete_any",
                         "DELETE FROM store_domains WHERE domain = $1 AND store_id = $2 "
                         "RETURNING store_id, state"};
// The name's holder (a claim past pending) if any, else its oldest pending claim.
constexpr Sql kFindAny{"domains_find_any",
                       "SELECT " ORION_DOMAIN_COLUMNS
                       ", s.code FROM store_domains d "
                       "JOIN stores s ON s.id = d.store_id WHERE d.domain = $1 "
                       "ORDER BY CASE WHEN d.state = 'pending' THEN 1 ELSE 0 END, d.created_at, "
                       "d.id LIMIT 1"};
constexpr Sql kFindClaim{"domains_find_claim", "SELECT " ORION_DOMAIN_COLUMNS
                                               ", s.code FROM store_domains d "
                                               "JOIN stores s ON s.id = d.store_id "
                                               "WHERE d.domain = $1 AND d.store_id = $2"};
// Another store's claim on a name of registrable domain $3 (pending ones younger than $2 only).
// Rows from before 0006 have no registrable domain: matched by name ($4: "%." + it, escaped).
constexpr Sql kClaimNear{"domains_claim_near",
                         "SELECT domain FROM store_domains WHERE store_id <> $1 "
                         "AND (state <> 'pending' OR created_at > $2) "
                         "AND (registrable = $3 OR (registrable IS NULL "
                         "AND (domain = $3 OR domain LIKE $4 ESCAPE '!'))) "
                         "ORDER BY domain LIMIT 1"};
constexpr Sql kExpiredPending{"domains_expired_pending",
                              "SELECT store_id, domain FROM store_domains "
                              "WHERE state = 'pending' AND created_at <= $1 "
                              "ORDER BY created_at, id LIMIT $2"};
constexpr Sql kDeletePendingClaim{"domains_delete_pending_claim",
                                  "DELETE FROM store_domains WHERE store_id = $1 AND domain = $2 "
                                  "AND state = 'pending' AND created_at <= $3 RETURNING store_id"};
constexpr Sql kEndOtherClaims{"domains_end_other_claims",
                              "DELETE FROM store_domains WHERE domain = $1 AND store_id <> $2 "
                              "AND state = 'pending' RETURNING store_id"};
constexpr Sql kHolderOf{"domains_holder_of",
                        "SELECT held_by FROM domain_holders WHERE domain = $1"};
constexpr Sql kHold{"domains_hold", "INSERT INTO domain_holders (domain, held_by) VALUES ($1, $2)"};
constexpr Sql kUnhold{"domains_unhold",
                      "DELETE FROM domain_holders WHERE domain = $1 AND held_by = $2"};
// Serialises the claims on one name (adding, taking it over) on PostgreSQL; SQLite has one
// writer at a time anyway.
constexpr Sql kLockName{"domains_lock_name",
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"};
constexpr Sql kListAll{"domains_list_all",
                       "SELECT " ORION_DOMAIN_COLUMNS
                       ", s.code FROM store_domains d "
                       "JOIN stores s ON s.id = d.store_id ORDER BY d.domain LIMIT $1 OFFSET $2"};
constexpr Sql kListOfStore{"domains_list_of_store",
                           "SELECT " ORION_DOMAIN_COLUMNS
                           ", s.code FROM store_domains d "
                           "JOIN stores s ON s.id = d.store_id WHERE d.store_id = $1 "
                           "ORDER BY d.domain LIMIT $2 OFFSET $3"};
constexpr Sql kDue{"domains_due",
                   "SELECT " ORION_DOMAIN_COLUMNS
                   ", s.code FROM store_domains d JOIN stores s ON s.id = d.store_id "
                   "WHERE d.next_check_at IS NOT NULL AND d.next_check_at <= $1 "
                   "AND d.verified_by <> 'forced' ORDER BY d.next_check_at, d.id LIMIT $2"};
constexpr Sql kDetachedBefore{"domains_detached_before",
                              "SELECT " ORION_DOMAIN_COLUMNS
                              ", s.code FROM store_domains d JOIN stores s ON s.id = d.store_id "
                              "WHERE d.state = 'detached' AND d.detached_at <= $1 "
                              "ORDER BY d.detached_at, d.id LIMIT $2"};
constexpr Sql kCountStates{"domains_count_states",
                           "SELECT state, COUNT(*) FROM store_domains GROUP BY state"};

constexpr Sql kMarkVerified{
    "domains_mark_verified",
    "UPDATE store_domains SET state = 'verified', is_verified = TRUE, "
    "verified_at = COALESCE(verified_at, $2), verified_by = 'forced', next_check_at = NULL, "
    "failing_since = NULL, detached_at = NULL, last_result = $3 WHERE domain = $1 "
    "AND store_id = $4 RETURNING " ORION_DOMAIN_RETURNING};

// apply: $1 domain, $2 expected state, $3 state, $4 routes, $5 checked_at, $6 verified_by ("":
// keep), $7 next_check_at, $8 failing_since, $9 detached_at, $10 last_result, [$11 expected
// checked_at]. verified_at keeps the time the domain last became verified; a domain that stops
// routing loses its verification time and its primary mark in the same statement.
#define ORION_APPLY_SET                                                             \
  "UPDATE store_domains SET state = $3, is_verified = $4, "                         \
  "verified_at = CASE WHEN $4 THEN COALESCE(verified_at, $5) ELSE NULL END, "       \
  "is_primary = (is_primary AND $4), "                                              \
  "verified_by = CASE WHEN $6 = '' THEN verified_by ELSE $6 END, checked_at = $5, " \
  "next_check_at = $7, failing_since = $8, detached_at = $9, last_result = $10 "    \
  "WHERE domain = $1 AND store_id = $11 AND state = $2 AND "
constexpr Sql kApplyNeverChecked{"domains_apply_never_checked", ORION_APPLY_SET
                                 "checked_at IS NULL RETURNING " ORION_DOMAIN_RETURNING};
constexpr Sql kApplyChecked{"domains_apply_checked",
                            ORION_APPLY_SET "checked_at = $12 RETURNING " ORION_DOMAIN_RETURNING};
#undef ORION_APPLY_SET

constexpr Sql kUnmarkOtherPrimary{"domains_unmark_other_primary",
                                  "UPDATE store_domains SET is_primary = FALSE WHERE store_id = $1 "
                                  "AND is_primary AND domain <> $2 RETURNING domain, state"};
constexpr Sql kSetPrimary{"domains_set_primary",
                          "UPDATE store_domains SET is_primary = $3 WHERE store_id = $1 "
                          "AND domain = $2 RETURNING " ORION_DOMAIN_RETURNING};

constexpr Sql kInsertEvent{"domains_insert_event",
                           "INSERT INTO domain_events (store_id, domain, from_state, to_state, "
                           "reason, at) VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Sql kEvents{"domains_events", "SELECT " ORION_EVENT_COLUMNS
                                        " FROM domain_events WHERE store_id = $1 AND domain = $2 "
                                        "ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4"};
constexpr Sql kEventsAny{"domains_events_any", "SELECT " ORION_EVENT_COLUMNS
                                               " FROM domain_events WHERE domain = $1 "
                                               "ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3"};

constexpr Sql kQuarantineOf{"domains_quarantine_of",
                            "SELECT removed_by, held_until, binds_remover FROM domain_quarantine "
                            "WHERE domain = $1"};
constexpr Sql kQuarantineEnd{"domains_quarantine_end",
                             "DELETE FROM domain_quarantine WHERE domain = $1"};
constexpr Sql kQuarantineHold{
    "domains_quarantine_hold",
    "INSERT INTO domain_quarantine (domain, removed_by, removed_at, held_until, binds_remover) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (domain) DO UPDATE SET "
    "removed_by = excluded.removed_by, removed_at = excluded.removed_at, "
    "held_until = excluded.held_until, binds_remover = excluded.binds_remover"};
constexpr Sql kQuarantinedUntil{"domains_quarantined_until",
                                "SELECT held_until FROM domain_quarantine WHERE domain = $1 "
                                "AND (removed_by <> $2 OR binds_remover) AND held_until > $3"};
constexpr Sql kQuarantineLift{"domains_quarantine_lift",
                              "DELETE FROM domain_quarantine WHERE domain = $1 AND held_until > $2 "
                              "RETURNING removed_by"};
constexpr Sql kStoreExists{"domains_store_exists", "SELECT id FROM stores WHERE id = $1"};

#undef ORION_DOMAIN_COLUMNS
#undef ORION_DOMAIN_RETURNING
#undef ORION_EVENT_COLUMNS

// The columns' CHECK allows 1000 bytes; a longer sentence is cut at a UTF-8 boundary.
std::string bounded(std::string_view text) {
  constexpr std::size_t kMax = 1000;
  if (text.size() <= kMax) {
    return std::string(text);
  }
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return std::string(text.substr(0, end));
}

std::string utc_time(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return std::string(text, n);
}

std::string quoted(std::string_view domain) { return "the domain " + std::string(domain); }

Result<void> record_event(Transaction& tx, std::int64_t store_id, std::string_view domain,
                          std::string_view from, std::string_view to, std::string_view reason,
                          std::int64_t at) {
  auto inserted = tx.run(kInsertEvent, {store_id, std::string(domain), std::string(from),
                                        std::string(to), bounded(reason), at});
  if (!inserted) {
    return inserted.error();
  }
  return {};
}

Result<void> lock_name(Transaction& tx, std::string_view domain) {
  if (tx.backend() != Backend::postgres) {
    return {};
  }
  if (auto locked = tx.run(kLockName, {std::string(domain)}); !locked) {
    return locked.error();
  }
  return {};
}

// The shared half of remove and remove_any: `deleted` is the DELETE's RETURNING store_id, state.
// A name that never got past pending was never proved: no visitor was sent to it through this
// store, so nothing is held back and another store may claim it at once.
Result<void> removed(Transaction& tx, Result<QueryResult> deleted, std::string_view domain,
                     std::string_view reason, std::chrono::seconds quarantine, Hold hold) {
  if (!deleted) {
    return deleted.error();
  }
  if (deleted->rows.empty()) {
    return make_error(Errc::not_found, quoted(domain) + " does not exist");
  }
  const std::int64_t store_id = deleted->rows.front().integer(0);
  const std::string from = deleted->rows.front().text(1);
  const std::int64_t now = unix_now();
  if (auto event = record_event(tx, store_id, domain, from, "removed", reason, now); !event) {
    return event;
  }
  if (from == to_string(DomainState::pending)) {
    return {};
  }
  if (auto unheld = tx.run(kUnhold, {std::string(domain), store_id}); !unheld) {
    return unheld.error();
  }
  if (quarantine.count() > 0) {
    auto held = tx.run(kQuarantineHold, {std::string(domain), store_id, now,
                                         now + quarantine.count(), hold == Hold::everyone});
    if (!held) {
      return held.error();
    }
  }
  return {};
}

// `store_id`'s claim on `domain` has just got past pending: it holds the name now, and every
// other store's pending claim on it ends, each with an event on its store, and one on the
// winner's. Errc::domain_taken when another store holds the name already (it got there first).
Result<void> take_name(Transaction& tx, std::int64_t store_id, std::string_view domain,
                       std::int64_t now) {
  const std::string name(domain);
  if (auto held = tx.run(kHold, {name, store_id}); !held) {
    if (held.error().code == Errc::conflict) {
      return make_error(Errc::domain_taken, quoted(name) + " was verified by another store first");
    }
    return held.error();
  }
  auto ended = tx.run(kEndOtherClaims, {name, store_id});
  if (!ended) {
    return ended.error();
  }
  for (const Row& row : ended->rows) {
    if (auto event = record_event(tx, row.integer(0), name, "pending", "removed",
                                  "removed: another store proved control of the name first", now);
        !event) {
      return event;
    }
  }
  if (!ended->rows.empty()) {
    return record_event(tx, store_id, name, "verified", "verified",
                        "took the name over: the pending claims of other stores on it ended", now);
  }
  return {};
}

// An update's SQL failed: a unique violation means another store holds the name.
core::Error taken_or(core::Error error, std::string_view domain) {
  if (error.code == Errc::conflict) {
    return make_error(Errc::domain_taken, quoted(domain) + " was verified by another store first");
  }
  return error;
}

Result<std::vector<DomainEvent>> events_page(Transaction& tx, const Sql& sql,
                                             std::vector<Value> params, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  params.emplace_back(checked->limit);
  params.emplace_back(checked->offset);
  return repository::all_rows(tx.run(sql, std::span<const Value>(params)), read_event);
}

}  // namespace

Result<DomainRecord> add(TenantTransaction& tx, std::string_view domain, const AddRules& rules) {
  const std::string name(domain);
  const std::int64_t now = unix_now();
  // Two adds of one store must not both pass the limit.
  if (auto locked = repository::lock_store(tx); !locked) {
    return locked.error();
  }
  // An add racing another store's verification of the name sees its outcome.
  if (auto locked = lock_name(tx, name); !locked) {
    return locked.error();
  }
  const std::string taken = quoted(name) + " is already registered";
  auto holder = tx.run(kHolderOf, {name});
  if (!holder) {
    return holder.error();
  }
  if (!holder->rows.empty()) {
    return make_error(Errc::domain_taken, taken);
  }
  // The store's own claim that was never verified in time is over: it starts again.
  if (rules.pending_ttl.count() > 0) {
    auto expired =
        tx.run(kDeletePendingClaim, {tx.store_id(), name, now - rules.pending_ttl.count()});
    if (!expired) {
      return expired.error();
    }
    if (!expired->rows.empty()) {
      if (auto event = record_event(tx, tx.store_id(), name, "pending", "removed",
                                    "removed: not verified in time", now);
          !event) {
        return event.error();
      }
    }
  }
  auto count = tx.run(kCountOfStore, {tx.store_id()});
  if (!count) {
    return count.error();
  }
  if (count->rows.at(0).integer(0) >= static_cast<std::int64_t>(rules.max_per_store)) {
    return make_error(Errc::domain_limit, "a store may have at most " +
                                              std::to_string(rules.max_per_store) + " domains");
  }
  auto held = tx.run(kQuarantineOf, {name});
  if (!held) {
    return held.error();
  }
  if (!held->rows.empty()) {
    const std::int64_t removed_by = held->rows.front().integer(0);
    const std::int64_t until = held->rows.front().integer(1);
    const bool binds_remover = held->rows.front().boolean(2);
    if (until > now && (removed_by != tx.store_id() || binds_remover)) {
      return make_error(Errc::domain_quarantined,
                        quoted(name) +
                            (removed_by == tx.store_id() ? " was removed by an administrator"
                                                         : " was recently removed from another "
                                                           "store") +
                            " and is held back until " + utc_time(until));
    }
    // Its own store takes the name back, or the hold has ended: either way it is over.
    if (auto ended = tx.run(kQuarantineEnd, {name}); !ended) {
      return ended.error();
    }
  }
  auto added = repository::single_row(
      tx.run(kInsert, {tx.store_id(), name, random_hex(16), now, core::registrable_domain(name)}),
      read);
  if (!added) {
    if (added.error().code == Errc::conflict) {
      return make_error(Errc::domain_taken, taken);
    }
    return added.error();
  }
  if (auto event = record_event(tx, tx.store_id(), name, "", "pending",
                                "added; waiting for verification", now);
      !event) {
    return event.error();
  }
  return added;
}

Result<std::vector<DomainRecord>> list(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kList, {tx.store_id()}), read);
}

Result<std::optional<DomainRecord>> find(TenantTransaction& tx, std::string_view domain) {
  return repository::optional_row(tx.run(kFind, {tx.store_id(), std::string(domain)}), read);
}

Result<void> remove(TenantTransaction& tx, std::string_view domain, std::string_view reason,
                    std::chrono::seconds quarantine, Hold hold) {
  return removed(tx, tx.run(kDelete, {tx.store_id(), std::string(domain)}), domain, reason,
                 quarantine, hold);
}

Result<DomainRecord> set_primary(TenantTransaction& tx, std::string_view domain, bool primary) {
  auto current = repository::found(find(tx, domain), quoted(domain));
  if (!current) {
    return current.error();
  }
  if (current->is_primary == primary) {
    return current;
  }
  const std::int64_t now = unix_now();
  const std::string name(domain);
  if (primary) {
    if (!routes(current->state)) {
      return make_error(Errc::conflict, "only a verified domain can be primary; " + name + " is " +
                                            std::string(to_string(current->state)));
    }
    // Un-mark the previous primary first: the one-primary index would refuse two.
    auto previous = tx.run(kUnmarkOtherPrimary, {tx.store_id(), name});
    if (!previous) {
      return previous.error();
    }
    for (const Row& row : previous->rows) {
      if (auto event = record_event(tx, tx.store_id(), row.text(0), row.text(1), row.text(1),
                                    "no longer primary: " + name + " is", now);
          !event) {
        return event.error();
      }
    }
  }
  auto updated = repository::single_row(tx.run(kSetPrimary, {tx.store_id(), name, primary}), read);
  if (!updated) {
    return updated.error();
  }
  const auto state = to_string(updated->state);
  if (auto event = record_event(tx, tx.store_id(), name, state, state,
                                primary ? "marked primary" : "no longer primary", now);
      !event) {
    return event.error();
  }
  return updated;
}

Result<std::vector<DomainEvent>> events(TenantTransaction& tx, std::string_view domain, Page page) {
  return events_page(tx, kEvents, {tx.store_id(), std::string(domain)}, page);
}

Result<std::optional<PlatformDomain>> find_any(PlatformTransaction& tx, std::string_view domain) {
  return repository::optional_row(tx.run(kFindAny, {std::string(domain)}), read_platform);
}

Result<std::optional<PlatformDomain>> find_claim(PlatformTransaction& tx, std::string_view domain,
                                                 std::int64_t store_id) {
  return repository::optional_row(tx.run(kFindClaim, {std::string(domain), store_id}),
                                  read_platform);
}

Result<std::optional<std::string>> claim_near(PlatformTransaction& tx, std::int64_t store_id,
                                              std::string_view registrable,
                                              std::int64_t pending_since) {
  // LIKE's wildcards escaped ('!' is the escape): host names hold neither, but the pattern is
  // built from data.
  std::string pattern = "%.";
  for (const char c : registrable) {
    if (c == '%' || c == '_' || c == '!') {
      pattern += '!';
    }
    pattern += c;
  }
  return repository::optional_row(
      tx.run(kClaimNear, {store_id, pending_since, std::string(registrable), pattern}),
      [](const Row& row) { return row.text(0); });
}

Result<std::size_t> expire_pending(PlatformTransaction& tx, std::int64_t created_before,
                                   std::int64_t limit, std::string_view reason) {
  auto expired = tx.run(kExpiredPending, {created_before, limit});
  if (!expired) {
    return expired.error();
  }
  const std::int64_t now = unix_now();
  std::size_t removed_count = 0;
  for (const Row& row : expired->rows) {
    const std::int64_t store_id = row.integer(0);
    const std::string domain = row.text(1);
    auto deleted = tx.run(kDeletePendingClaim, {store_id, domain, created_before});
    if (!deleted) {
      return deleted.error();
    }
    if (deleted->rows.empty()) {
      continue;
    }
    if (auto event = record_event(tx, store_id, domain, "pending", "removed", reason, now);
        !event) {
      return event.error();
    }
    ++removed_count;
  }
  return removed_count;
}

Result<std::vector<PlatformDomain>> list_all(PlatformTransaction& tx,
                                             std::optional<std::int64_t> store_id, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  if (store_id) {
    return repository::all_rows(tx.run(kListOfStore, {*store_id, checked->limit, checked->offset}),
                                read_platform);
  }
  return repository::all_rows(tx.run(kListAll, {checked->limit, checked->offset}), read_platform);
}

Result<std::vector<DomainEvent>> events_any(PlatformTransaction& tx, std::string_view domain,
                                            Page page) {
  return events_page(tx, kEventsAny, {std::string(domain)}, page);
}

Result<std::optional<DomainRecord>> apply(PlatformTransaction& tx, std::int64_t store_id,
                                          std::string_view domain, const Update& update) {
  auto current = repository::found(find_claim(tx, domain, store_id), quoted(domain));
  if (!current) {
    return current.error();
  }
  const bool routing = routes(update.state);
  const bool takes_name = update.expected == DomainState::pending && routing;
  if (takes_name) {
    if (auto locked = lock_name(tx, domain); !locked) {
      return locked.error();
    }
  }
  std::vector<Value> params{std::string(domain),
                            std::string(to_string(update.expected)),
                            std::string(to_string(update.state)),
                            routing,
                            update.checked_at,
                            update.verified_by,
                            to_value(update.next_check_at),
                            to_value(update.failing_since),
                            to_value(update.detached_at),
                            bounded(update.last_result),
                            store_id};
  if (update.expected_checked_at) {
    params.emplace_back(*update.expected_checked_at);
  }
  auto applied = repository::optional_row(
      tx.run(update.expected_checked_at ? kApplyChecked : kApplyNeverChecked,
             std::span<const Value>(params)),
      read);
  if (!applied) {
    return taken_or(applied.error(), domain);
  }
  if (!*applied) {
    return applied;
  }
  if (update.state != update.expected || update.record_event) {
    if (auto event = record_event(tx, (*applied)->store_id, domain, to_string(update.expected),
                                  to_string(update.state), update.reason, update.checked_at);
        !event) {
      return event.error();
    }
  }
  if (takes_name) {
    if (auto took = take_name(tx, store_id, domain, update.checked_at); !took) {
      return took.error();
    }
  }
  return applied;
}

Result<std::vector<PlatformDomain>> due(PlatformTransaction& tx, std::int64_t now,
                                        std::int64_t limit) {
  return repository::all_rows(tx.run(kDue, {now, limit}), read_platform);
}

Result<std::vector<PlatformDomain>> detached_before(PlatformTransaction& tx, std::int64_t before,
                                                    std::int64_t limit) {
  return repository::all_rows(tx.run(kDetachedBefore, {before, limit}), read_platform);
}

Result<void> remove_any(PlatformTransaction& tx, std::string_view domain, std::int64_t store_id,
                        std::string_view reason, std::chrono::seconds quarantine, Hold hold) {
  return removed(tx, tx.run(kDeleteAny, {std::string(domain), store_id}), domain, reason,
                 quarantine, hold);
}

Result<void> lift_quarantine(PlatformTransaction& tx, std::string_view domain,
                             std::string_view reason) {
  const std::string name(domain);
  const std::int64_t now = unix_now();
  auto lifted = tx.run(kQuarantineLift, {name, now});
  if (!lifted) {
    return lifted.error();
  }
  if (lifted->rows.empty()) {
    return make_error(Errc::not_found, quoted(name) + " is not held back");
  }
  // Recorded in the history of the store that removed it, if that store still exists.
  const std::int64_t removed_by = lifted->rows.front().integer(0);
  auto store = tx.run(kStoreExists, {removed_by});
  if (!store) {
    return store.error();
  }
  if (store->rows.empty()) {
    return {};
  }
  return record_event(tx, removed_by, name, "", "removed", reason, now);
}

Result<std::optional<std::int64_t>> quarantined_until(PlatformTransaction& tx,
                                                      std::string_view domain,
                                                      std::int64_t store_id) {
  return repository::optional_row(
      tx.run(kQuarantinedUntil, {std::string(domain), store_id, unix_now()}),
      [](const Row& row) { return row.integer(0); });
}

Result<StateCounts> count_states(PlatformTransaction& tx) {
  auto rows = tx.run(kCountStates, {});
  if (!rows) {
    return rows.error();
  }
  StateCounts counts;
  for (const Row& row : rows->rows) {
    const auto state = parse_domain_state(row.text(0));
    const std::int64_t n = row.integer(1);
    if (!state) {
      continue;
    }
    switch (*state) {
      case DomainState::pending:
        counts.pending = n;
        break;
      case DomainState::verified:
        counts.verified = n;
        break;
      case DomainState::failing:
        counts.failing = n;
        break;
      case DomainState::detached:
        counts.detached = n;
        break;
    }
  }
  return counts;
}

Result<DomainRecord> mark_verified(PlatformTransaction& tx, std::string_view domain) {
  if (auto locked = lock_name(tx, domain); !locked) {
    return locked.error();
  }
  // The name's holder, or (only pending claims) the oldest claim, which takes the name.
  auto current = repository::found(find_any(tx, domain), quoted(domain));
  if (!current) {
    return current.error();
  }
  const std::int64_t store_id = current->record.store_id;
  const std::int64_t now = unix_now();
  constexpr std::string_view kReason = "verified by an administrator; not re-checked on schedule";
  auto marked = repository::found(
      repository::optional_row(
          tx.run(kMarkVerified, {std::string(domain), now, std::string(kReason), store_id}), read),
      quoted(domain));
  if (!marked) {
    return taken_or(marked.error(), domain);
  }
  if (auto event = record_event(tx, marked->store_id, domain, to_string(current->record.state),
                                "verified", kReason, now);
      !event) {
    return event.error();
  }
  if (current->record.state == DomainState::pending) {
    if (auto took = take_name(tx, store_id, domain, now); !took) {
      return took.error();
    }
  }
  return marked;
}

}  // namespace orion::storage::domains

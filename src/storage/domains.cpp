#include "storage/domains.hpp"

#include <ctime>
#include <utility>

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
                      "created_at, state) VALUES ($1, $2, $3, $4, 'pending') "
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
                         "DELETE FROM store_domains WHERE domain = $1 RETURNING store_id, state"};
constexpr Sql kFindAny{"domains_find_any",
                       "SELECT " ORION_DOMAIN_COLUMNS
                       ", s.code FROM store_domains d "
                       "JOIN stores s ON s.id = d.store_id WHERE d.domain = $1"};
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
    "RETURNING " ORION_DOMAIN_RETURNING};

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
  "WHERE domain = $1 AND state = $2 AND "
constexpr Sql kApplyNeverChecked{"domains_apply_never_checked", ORION_APPLY_SET
                                 "checked_at IS NULL RETURNING " ORION_DOMAIN_RETURNING};
constexpr Sql kApplyChecked{"domains_apply_checked",
                            ORION_APPLY_SET "checked_at = $11 RETURNING " ORION_DOMAIN_RETURNING};
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
                            "SELECT removed_by, held_until FROM domain_quarantine "
                            "WHERE domain = $1"};
constexpr Sql kQuarantineEnd{"domains_quarantine_end",
                             "DELETE FROM domain_quarantine WHERE domain = $1"};
constexpr Sql kQuarantineHold{
    "domains_quarantine_hold",
    "INSERT INTO domain_quarantine (domain, removed_by, removed_at, held_until) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (domain) DO UPDATE SET removed_by = excluded.removed_by, "
    "removed_at = excluded.removed_at, held_until = excluded.held_until"};
constexpr Sql kQuarantinedUntil{"domains_quarantined_until",
                                "SELECT held_until FROM domain_quarantine WHERE domain = $1 "
                                "AND removed_by <> $2 AND held_until > $3"};

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

// The shared half of remove and remove_any: `deleted` is the DELETE's RETURNING store_id, state.
Result<void> removed(Transaction& tx, Result<QueryResult> deleted, std::string_view domain,
                     std::string_view reason, std::chrono::seconds quarantine) {
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
  if (quarantine.count() > 0) {
    auto held =
        tx.run(kQuarantineHold, {std::string(domain), store_id, now, now + quarantine.count()});
    if (!held) {
      return held.error();
    }
  }
  return {};
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
  auto count = tx.run(kCountOfStore, {tx.store_id()});
  if (!count) {
    return count.error();
  }
  if (count->rows.at(0).integer(0) >= static_cast<std::int64_t>(rules.max_per_store)) {
    return make_error(Errc::conflict, "a store may have at most " +
                                          std::to_string(rules.max_per_store) + " domains");
  }
  auto held = tx.run(kQuarantineOf, {name});
  if (!held) {
    return held.error();
  }
  if (!held->rows.empty()) {
    const std::int64_t removed_by = held->rows.front().integer(0);
    const std::int64_t until = held->rows.front().integer(1);
    if (until > now && removed_by != tx.store_id()) {
      return make_error(Errc::conflict, quoted(name) +
                                            " was recently removed from another store "
                                            "and is held back until " +
                                            utc_time(until));
    }
    // Its own store takes the name back, or the hold has ended: either way it is over.
    if (auto ended = tx.run(kQuarantineEnd, {name}); !ended) {
      return ended.error();
    }
  }
  auto added =
      repository::single_row(tx.run(kInsert, {tx.store_id(), name, random_hex(16), now}), read);
  if (!added) {
    if (added.error().code == Errc::conflict) {
      return make_error(Errc::conflict, quoted(name) + " is already registered");
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
                    std::chrono::seconds quarantine) {
  return removed(tx, tx.run(kDelete, {tx.store_id(), std::string(domain)}), domain, reason,
                 quarantine);
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

Result<std::optional<DomainRecord>> apply(PlatformTransaction& tx, std::string_view domain,
                                          const Update& update) {
  auto current = repository::found(find_any(tx, domain), quoted(domain));
  if (!current) {
    return current.error();
  }
  const bool routing = routes(update.state);
  std::vector<Value> params{std::string(domain),
                            std::string(to_string(update.expected)),
                            std::string(to_string(update.state)),
                            routing,
                            update.checked_at,
                            update.verified_by,
                            to_value(update.next_check_at),
                            to_value(update.failing_since),
                            to_value(update.detached_at),
                            bounded(update.last_result)};
  if (update.expected_checked_at) {
    params.emplace_back(*update.expected_checked_at);
  }
  auto applied = repository::optional_row(
      tx.run(update.expected_checked_at ? kApplyChecked : kApplyNeverChecked,
             std::span<const Value>(params)),
      read);
  if (!applied || !*applied) {
    return applied;
  }
  if (update.state != update.expected || update.record_event) {
    if (auto event = record_event(tx, (*applied)->store_id, domain, to_string(update.expected),
                                  to_string(update.state), update.reason, update.checked_at);
        !event) {
      return event.error();
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

Result<void> remove_any(PlatformTransaction& tx, std::string_view domain, std::string_view reason,
                        std::chrono::seconds quarantine) {
  return removed(tx, tx.run(kDeleteAny, {std::string(domain)}), domain, reason, quarantine);
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
  auto current = repository::found(find_any(tx, domain), quoted(domain));
  if (!current) {
    return current.error();
  }
  const std::int64_t now = unix_now();
  constexpr std::string_view kReason = "verified by an administrator; not re-checked on schedule";
  auto marked = repository::found(
      repository::optional_row(
          tx.run(kMarkVerified, {std::string(domain), now, std::string(kReason)}), read),
      quoted(domain));
  if (!marked) {
    return marked.error();
  }
  if (auto event = record_event(tx, marked->store_id, domain, to_string(current->record.state),
                                "verified", kReason, now);
      !event) {
    return event.error();
  }
  return marked;
}

}  // namespace orion::storage::domains

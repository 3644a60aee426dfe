// The custom-domain lifecycle in storage (storage/domains.hpp), on SQLite and PostgreSQL: every
// change records its event, the per-store limit, the quarantine of removed names, one primary
// domain per store, the conditional apply, the scheduler's queries, and the primary domain the
// resolution lookups hand out. Plus the upgrade from 0003: existing domains keep routing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/clock.hpp"
#include "storage/domains.hpp"
#include "storage/migrations.hpp"
#include "storage/store_directory.hpp"
#include "storage/stores.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::storage::testing {
namespace {

using core::Errc;
using namespace std::chrono_literals;

constexpr Sql kSetQuarantineUntil{"test_lifecycle_set_quarantine_until",
                                  "UPDATE domain_quarantine SET held_until = $2 WHERE domain = $1"};
constexpr Sql kQuarantineRows{"test_lifecycle_quarantine_rows",
                              "SELECT removed_by, held_until - removed_at FROM domain_quarantine "
                              "WHERE domain = $1"};
constexpr Sql kSetCreatedAt{"test_lifecycle_set_created_at",
                            "UPDATE store_domains SET created_at = $2 WHERE domain = $1"};
constexpr Sql kHolders{"test_lifecycle_holders",
                       "SELECT held_by FROM domain_holders WHERE domain = $1"};
constexpr Sql kInsertLegacyDomain{
    "test_lifecycle_insert_legacy_domain",
    "INSERT INTO store_domains (store_id, domain, verification_token, is_verified, verified_at, "
    "created_at) VALUES ($1, $2, '0123456789abcdef0123', $3, $4, 100)"};

class DomainLifecycleTest : public BackendTest {
 protected:
  DomainRecord add(const StoreRecord& store, std::string_view domain,
                   const domains::AddRules& rules = {}) {
    auto tx = tenant(store);
    DomainRecord added = must(domains::add(tx, domain, rules));
    must(tx.commit());
    return added;
  }

  std::vector<DomainEvent> events(const StoreRecord& store, std::string_view domain) {
    auto tx = tenant(store);
    return must(domains::events(tx, domain));
  }

  // A check's outcome applied as the lifecycle would: from `from` (as last checked at
  // `checked_before`) to `to` at `at`.
  std::optional<DomainRecord> apply(std::string_view domain, DomainState from,
                                    std::optional<std::int64_t> checked_before, DomainState to,
                                    std::int64_t at, std::optional<std::int64_t> next = {},
                                    std::string verified_by = "dns") {
    domains::Update u;
    u.expected = from;
    u.expected_checked_at = checked_before;
    u.state = to;
    u.verified_by = std::move(verified_by);
    u.checked_at = at;
    u.next_check_at = next;
    if (to == DomainState::failing) {
      u.failing_since = at;
    }
    if (to == DomainState::detached) {
      u.detached_at = at;
    }
    u.last_result = "checked at " + std::to_string(at);
    u.reason = "became " + std::string(to_string(to));
    auto tx = platform();
    auto applied = must(domains::apply(tx, claimant(tx, domain), domain, u));
    must(tx.commit());
    return applied;
  }

  // The store of the name's holder (or oldest pending claim); 0 when no store has it.
  static std::int64_t claimant(PlatformTransaction& tx, std::string_view domain) {
    const auto claim = must(domains::find_any(tx, domain));
    return claim ? claim->record.store_id : 0;
  }

  // pending -> verified by a passing check at `at`.
  DomainRecord verified(const StoreRecord& store, std::string_view domain, std::int64_t at,
                        std::optional<std::int64_t> next = {}) {
    add(store, domain);
    auto applied =
        apply(domain, DomainState::pending, std::nullopt, DomainState::verified, at, next);
    EXPECT_TRUE(applied);
    return applied.value_or(DomainRecord{});
  }
};

TEST_P(DomainLifecycleTest, StatesHaveStableNames) {
  for (DomainState s :
       {DomainState::pending, DomainState::verified, DomainState::failing, DomainState::detached}) {
    EXPECT_EQ(parse_domain_state(to_string(s)), s);
  }
  EXPECT_EQ(to_string(DomainState::failing), "failing");
  EXPECT_FALSE(parse_domain_state("removed"));
  EXPECT_FALSE(parse_domain_state("Verified"));
  EXPECT_TRUE(routes(DomainState::verified));
  EXPECT_TRUE(routes(DomainState::failing));
  EXPECT_FALSE(routes(DomainState::pending));
  EXPECT_FALSE(routes(DomainState::detached));
}

TEST_P(DomainLifecycleTest, AddStartsPendingAndRecordsTheEvent) {
  const StoreRecord a = make_store("store-a");
  const DomainRecord added = add(a, "shop.example.com");
  EXPECT_EQ(added.state, DomainState::pending);
  EXPECT_FALSE(added.is_verified);
  EXPECT_EQ(added.verified_by, "");
  EXPECT_FALSE(added.checked_at);
  EXPECT_FALSE(added.next_check_at);
  EXPECT_FALSE(added.failing_since);
  EXPECT_FALSE(added.detached_at);
  EXPECT_EQ(added.last_result, "");
  const auto history = events(a, "shop.example.com");
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].store_id, a.id);
  EXPECT_EQ(history[0].domain, "shop.example.com");
  EXPECT_EQ(history[0].from, "");
  EXPECT_EQ(history[0].to, "pending");
  EXPECT_FALSE(history[0].reason.empty());
  EXPECT_GT(history[0].at, 0);
}

TEST_P(DomainLifecycleTest, RemoveRecordsTheEventWhichOutlivesTheDomainAndStaysWithItsStore) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  add(a, "shop.example.com");
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "shop.example.com", "removed by the owner", 0s));
    must(tx.commit());
  }
  const auto history = events(a, "shop.example.com");
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].from, "pending");  // newest first
  EXPECT_EQ(history[0].to, "removed");
  EXPECT_EQ(history[0].reason, "removed by the owner");
  EXPECT_EQ(history[1].to, "pending");
  EXPECT_TRUE(events(b, "shop.example.com").empty()) << "another store's history leaked";
  auto tx = platform();
  EXPECT_EQ(must(domains::events_any(tx, "shop.example.com")).size(), 2U);
  EXPECT_EQ(must(domains::events_any(tx, "shop.example.com", Page{1, 0})).size(), 1U);
  EXPECT_EQ(error_of(domains::events_any(tx, "shop.example.com", Page{0, 0})), Errc::invalid_input);
}

TEST_P(DomainLifecycleTest, AStoreHasAtMostTheConfiguredNumberOfDomains) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  const domains::AddRules two{2};
  add(a, "one.example.com", two);
  add(a, "two.example.com", two);
  {
    auto tx = tenant(a);
    const auto third = domains::add(tx, "three.example.com", two);
    EXPECT_EQ(error_of(third), Errc::domain_limit);
    if (!third) {
      EXPECT_NE(third.error().message.find("at most 2 domains"), std::string::npos)
          << third.error().message;
    }
  }
  add(b, "three.example.com", two);  // per store
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "two.example.com", "room for another", 0s));
    must(tx.commit());
  }
  add(a, "four.example.com", two);
}

TEST_P(DomainLifecycleTest, ARemovedNameIsHeldBackFromOtherStoresUntilItsQuarantineEnds) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "held.example.com", unix_now());
  verified(a, "free.example.com", unix_now());
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "held.example.com", "removed by the owner", 3600s));
    must(domains::remove(tx, "free.example.com", "removed by the owner", 0s));
    must(tx.commit());
  }
  {
    auto tx = platform();
    const auto rows = must(tx.run(kQuarantineRows, {std::string("held.example.com")})).rows;
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].integer(0), a.id);
    EXPECT_EQ(rows[0].integer(1), 3600);
    EXPECT_TRUE(must(tx.run(kQuarantineRows, {std::string("free.example.com")})).rows.empty())
        << "a zero quarantine holds nothing back";
    const auto until = must(domains::quarantined_until(tx, "held.example.com", b.id));
    ASSERT_TRUE(until);
    EXPECT_GT(*until, unix_now() + 3500);
    EXPECT_FALSE(must(domains::quarantined_until(tx, "held.example.com", a.id)))
        << "the removing store is not held back";
    EXPECT_FALSE(must(domains::quarantined_until(tx, "free.example.com", b.id)));
  }
  {
    auto tx = tenant(b);
    const auto refused = domains::add(tx, "held.example.com");
    EXPECT_EQ(error_of(refused), Errc::domain_quarantined);
    if (!refused) {
      EXPECT_NE(refused.error().message.find("held back until"), std::string::npos)
          << refused.error().message;
      EXPECT_NE(refused.error().message.find("UTC"), std::string::npos);
    }
  }
  add(b, "free.example.com");
  {
    // The quarantine ends: another store may take the name.
    auto tx = platform();
    must(tx.run(kSetQuarantineUntil, {std::string("held.example.com"), unix_now() - 1}));
    EXPECT_FALSE(must(domains::quarantined_until(tx, "held.example.com", b.id)));
    must(tx.commit());
  }
  add(b, "held.example.com");
  auto tx = platform();
  EXPECT_TRUE(must(tx.run(kQuarantineRows, {std::string("held.example.com")})).rows.empty())
      << "an ended quarantine is cleared when the name is taken";
}

TEST_P(DomainLifecycleTest, TheRemovingStoreMayTakeItsNameBackWhichEndsTheQuarantine) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "mine.example.com", unix_now());
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "mine.example.com", "oops", 3600s));
    must(tx.commit());
  }
  add(a, "mine.example.com");
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "mine.example.com", "removed again", 0s));
    must(tx.commit());
  }
  // The re-add ended the hold and the second removal had none: store B may take it at once.
  add(b, "mine.example.com");
}

TEST_P(DomainLifecycleTest, RemoveAnyRemovesAnyStoresDomainWithEventAndQuarantine) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "gone.example.com", unix_now());
  {
    auto tx = platform();
    must(domains::remove_any(tx, "gone.example.com", a.id, "removed by an admin", 600s,
                             domains::Hold::others));
    EXPECT_EQ(error_of(domains::remove_any(tx, "gone.example.com", a.id, "again", 600s,
                                           domains::Hold::others)),
              Errc::not_found);
    must(tx.commit());
  }
  const auto history = events(a, "gone.example.com");
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[0].to, "removed");
  EXPECT_EQ(history[0].reason, "removed by an admin");
  auto tx = tenant(b);
  EXPECT_EQ(error_of(domains::add(tx, "gone.example.com")), Errc::domain_quarantined);
}

TEST_P(DomainLifecycleTest, ApplyChangesStateOnlyFromTheExpectedStateAndRecordsTransitions) {
  const StoreRecord a = make_store("store-a");
  add(a, "shop.example.com");
  // Real times: the "added" event is recorded now, and the history is ordered by time.
  const std::int64_t t = unix_now();
  const auto first = apply("shop.example.com", DomainState::pending, std::nullopt,
                           DomainState::verified, t + 1000, t + 2000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, DomainState::verified);
  EXPECT_TRUE(first->is_verified);
  EXPECT_EQ(first->verified_at, t + 1000);
  EXPECT_EQ(first->verified_by, "dns");
  EXPECT_EQ(first->checked_at, t + 1000);
  EXPECT_EQ(first->next_check_at, t + 2000);
  EXPECT_EQ(first->last_result, "checked at " + std::to_string(t + 1000));

  // Stale: expected pending, or the right state but an older check.
  EXPECT_FALSE(apply("shop.example.com", DomainState::pending, std::nullopt, DomainState::verified,
                     t + 1100));
  EXPECT_FALSE(
      apply("shop.example.com", DomainState::verified, t + 999, DomainState::failing, t + 1100));
  EXPECT_FALSE(apply("shop.example.com", DomainState::verified, std::nullopt, DomainState::failing,
                     t + 1100));

  // verified -> failing keeps routing and the verification time; an empty verified_by keeps it.
  const auto failing = apply("shop.example.com", DomainState::verified, t + 1000,
                             DomainState::failing, t + 3000, t + 4000, "");
  ASSERT_TRUE(failing);
  EXPECT_EQ(failing->state, DomainState::failing);
  EXPECT_TRUE(failing->is_verified);
  EXPECT_EQ(failing->verified_at, t + 1000);
  EXPECT_EQ(failing->verified_by, "dns");
  EXPECT_EQ(failing->failing_since, t + 3000);

  // failing -> detached stops routing.
  const auto detached = apply("shop.example.com", DomainState::failing, t + 3000,
                              DomainState::detached, t + 5000, t + 6000, "");
  ASSERT_TRUE(detached);
  EXPECT_FALSE(detached->is_verified);
  EXPECT_FALSE(detached->verified_at);
  EXPECT_FALSE(detached->failing_since);
  EXPECT_EQ(detached->detached_at, t + 5000);

  // detached -> verified routes again, verified anew.
  const auto again = apply("shop.example.com", DomainState::detached, t + 5000,
                           DomainState::verified, t + 7000, t + 8000, "http");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->is_verified);
  EXPECT_EQ(again->verified_at, t + 7000);
  EXPECT_EQ(again->verified_by, "http");
  EXPECT_FALSE(again->detached_at);

  // A check that changes nothing records no event, unless asked to.
  const auto same = apply("shop.example.com", DomainState::verified, t + 7000,
                          DomainState::verified, t + 9000, t + 10000);
  ASSERT_TRUE(same);
  {
    domains::Update u;
    u.expected = DomainState::verified;
    u.expected_checked_at = t + 9000;
    u.state = DomainState::verified;
    u.checked_at = t + 9500;
    u.next_check_at = t + 10000;
    u.reason = "checked by an administrator";
    u.record_event = true;
    auto tx = platform();
    ASSERT_TRUE(must(domains::apply(tx, a.id, "shop.example.com", u)));
    EXPECT_EQ(error_of(domains::apply(tx, a.id, "unknown.example.com", u)), Errc::not_found);
    must(tx.commit());
  }

  const auto history = events(a, "shop.example.com");
  std::vector<std::pair<std::string, std::string>> transitions;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    transitions.emplace_back(it->from, it->to);
  }
  const std::vector<std::pair<std::string, std::string>> expected{
      {"", "pending"},         {"pending", "verified"},  {"verified", "failing"},
      {"failing", "detached"}, {"detached", "verified"}, {"verified", "verified"}};
  EXPECT_EQ(transitions, expected);
  EXPECT_EQ(history[0].reason, "checked by an administrator");
  EXPECT_EQ(history[0].at, t + 9500);
  EXPECT_EQ(history[1].reason, "became verified");
  EXPECT_EQ(history[1].at, t + 7000);
}

TEST_P(DomainLifecycleTest, OnePrimaryPerStoreOnlyARoutingDomainAndDetachingClearsIt) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "one.example.com", 1000);
  verified(a, "two.example.com", 1000);
  add(a, "pending.example.com");
  verified(b, "other.example.com", 1000);
  {
    auto tx = tenant(a);
    EXPECT_EQ(error_of(domains::set_primary(tx, "pending.example.com", true)), Errc::conflict);
    EXPECT_EQ(error_of(domains::set_primary(tx, "unknown.example.com", true)), Errc::not_found);
    EXPECT_EQ(error_of(domains::set_primary(tx, "other.example.com", true)), Errc::not_found)
        << "another store's domain";
    EXPECT_TRUE(must(domains::set_primary(tx, "one.example.com", true)).is_primary);
    must(tx.commit());
  }
  {
    auto tx = tenant(b);
    EXPECT_TRUE(must(domains::set_primary(tx, "other.example.com", true)).is_primary);
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    EXPECT_TRUE(must(domains::set_primary(tx, "two.example.com", true)).is_primary);
    must(tx.commit());
  }
  {
    auto tx = tenant(a);
    int primaries = 0;
    for (const DomainRecord& d : must(domains::list(tx))) {
      primaries += d.is_primary ? 1 : 0;
      EXPECT_EQ(d.is_primary, d.domain == "two.example.com") << d.domain;
    }
    EXPECT_EQ(primaries, 1);
  }
  {
    auto tx = tenant(b);
    EXPECT_TRUE(must(domains::find(tx, "other.example.com"))->is_primary)
        << "another store's primary changed";
  }
  const auto one = events(a, "one.example.com");
  ASSERT_GE(one.size(), 2U);
  EXPECT_EQ(one[0].from, "verified");
  EXPECT_EQ(one[0].to, "verified");
  EXPECT_NE(one[0].reason.find("no longer primary"), std::string::npos) << one[0].reason;
  EXPECT_NE(one[1].reason.find("marked primary"), std::string::npos) << one[1].reason;

  // A failing domain still routes and stays primary; detaching it clears the mark.
  ASSERT_TRUE(apply("two.example.com", DomainState::verified, 1000, DomainState::failing, 2000));
  {
    auto tx = tenant(a);
    EXPECT_TRUE(must(domains::find(tx, "two.example.com"))->is_primary);
  }
  const auto detached =
      apply("two.example.com", DomainState::failing, 2000, DomainState::detached, 3000);
  ASSERT_TRUE(detached);
  EXPECT_FALSE(detached->is_primary);
  {
    auto tx = tenant(a);
    EXPECT_EQ(error_of(domains::set_primary(tx, "two.example.com", true)), Errc::conflict);
    // Un-marking: the store has no primary any more.
    must(domains::set_primary(tx, "one.example.com", true));
    const DomainRecord unmarked = must(domains::set_primary(tx, "one.example.com", false));
    EXPECT_FALSE(unmarked.is_primary);
    for (const DomainRecord& d : must(domains::list(tx))) {
      EXPECT_FALSE(d.is_primary) << d.domain;
    }
    must(tx.commit());
  }
  EXPECT_EQ(events(a, "one.example.com")[0].reason, "no longer primary");
}

TEST_P(DomainLifecycleTest, TheResolutionLookupsNameTheStoresPrimaryDomain) {
  const StoreRecord a = make_store("store-a");
  verified(a, "one.example.com", 1000);
  verified(a, "two.example.com", 1000);
  DatabaseStoreDirectory directory(db());
  ASSERT_NE(directory.find_active_by_code("store-a"), nullptr);
  EXPECT_EQ(directory.find_active_by_code("store-a")->primary_domain(), "");
  EXPECT_EQ(directory.find_active_by_domain("one.example.com")->primary_domain(), "");
  {
    auto tx = tenant(a);
    must(domains::set_primary(tx, "two.example.com", true));
    must(tx.commit());
  }
  const auto by_code = directory.find_active_by_code("store-a");
  ASSERT_NE(by_code, nullptr);
  EXPECT_EQ(by_code->primary_domain(), "two.example.com");
  const auto by_domain = directory.find_active_by_domain("one.example.com");
  ASSERT_NE(by_domain, nullptr);
  EXPECT_EQ(by_domain->id, a.id);
  EXPECT_EQ(by_domain->primary_domain(), "two.example.com");
  {
    auto tx = platform();
    const auto record = must(stores::find_active_by_verified_domain(tx, "two.example.com"));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->primary_domain, "two.example.com");
    EXPECT_EQ(record->snapshot().primary_domain(), "two.example.com");
  }
  {
    auto tx = tenant(a);
    must(domains::set_primary(tx, "two.example.com", false));
    must(tx.commit());
  }
  EXPECT_EQ(directory.find_active_by_code("store-a")->primary_domain(), "");
}

TEST_P(DomainLifecycleTest, DueListsScheduledChecksOldestFirstAndNeverForcedOnes) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "late.example.com", 1000, 5000);
  verified(b, "early.example.com", 1000, 3000);
  verified(a, "future.example.com", 1000, 9000);
  add(a, "pending.example.com");
  verified(a, "forced.example.com", 1000, 2000);
  {
    auto tx = platform();
    const DomainRecord forced = must(domains::mark_verified(tx, "forced.example.com"));
    EXPECT_EQ(forced.verified_by, "forced");
    EXPECT_FALSE(forced.next_check_at) << "a forced domain is not scheduled";
    must(tx.commit());
  }
  auto tx = platform();
  const auto due = must(domains::due(tx, 5000, 10));
  ASSERT_EQ(due.size(), 2U);
  EXPECT_EQ(due[0].record.domain, "early.example.com");
  EXPECT_EQ(due[0].store_code, "store-b");
  EXPECT_EQ(due[1].record.domain, "late.example.com");
  EXPECT_EQ(must(domains::due(tx, 5000, 1)).size(), 1U);
  EXPECT_TRUE(must(domains::due(tx, 2999, 10)).empty());
  EXPECT_EQ(must(domains::due(tx, 100000, 10)).size(), 3U);
}

TEST_P(DomainLifecycleTest, DetachedBeforeListsDomainsDetachedLongEnough) {
  const StoreRecord a = make_store("store-a");
  verified(a, "old.example.com", 1000);
  verified(a, "new.example.com", 1000);
  verified(a, "fine.example.com", 1000);
  for (const auto& [domain, at] : {std::pair{"old.example.com", 2000}, {"new.example.com", 4000}}) {
    ASSERT_TRUE(apply(domain, DomainState::verified, 1000, DomainState::failing, at - 500));
    ASSERT_TRUE(apply(domain, DomainState::failing, at - 500, DomainState::detached, at));
  }
  auto tx = platform();
  const auto stale = must(domains::detached_before(tx, 3000, 10));
  ASSERT_EQ(stale.size(), 1U);
  EXPECT_EQ(stale[0].record.domain, "old.example.com");
  EXPECT_EQ(must(domains::detached_before(tx, 4000, 10)).size(), 2U) << "at or before";
  EXPECT_EQ(must(domains::detached_before(tx, 4000, 1)).size(), 1U);
}

TEST_P(DomainLifecycleTest, CountStatesCountsEveryStoresDomainsByState) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  add(a, "p1.example.com");
  add(b, "p2.example.com");
  verified(a, "v1.example.com", 1000);
  verified(b, "f1.example.com", 1000);
  ASSERT_TRUE(apply("f1.example.com", DomainState::verified, 1000, DomainState::failing, 2000));
  verified(b, "d1.example.com", 1000);
  ASSERT_TRUE(apply("d1.example.com", DomainState::verified, 1000, DomainState::failing, 2000));
  ASSERT_TRUE(apply("d1.example.com", DomainState::failing, 2000, DomainState::detached, 3000));
  auto tx = platform();
  const domains::StateCounts counts = must(domains::count_states(tx));
  EXPECT_EQ(counts.pending, 2);
  EXPECT_EQ(counts.verified, 1);
  EXPECT_EQ(counts.failing, 1);
  EXPECT_EQ(counts.detached, 1);
}

TEST_P(DomainLifecycleTest, MarkVerifiedForcesAnyStateAndRecordsTheEvent) {
  const StoreRecord a = make_store("store-a");
  verified(a, "shop.example.com", 1000, 2000);
  ASSERT_TRUE(apply("shop.example.com", DomainState::verified, 1000, DomainState::failing, 2000));
  ASSERT_TRUE(apply("shop.example.com", DomainState::failing, 2000, DomainState::detached, 3000));
  auto tx = platform();
  const DomainRecord forced = must(domains::mark_verified(tx, "shop.example.com"));
  EXPECT_EQ(forced.state, DomainState::verified);
  EXPECT_TRUE(forced.is_verified);
  EXPECT_TRUE(forced.forced());
  EXPECT_FALSE(forced.next_check_at);
  EXPECT_FALSE(forced.failing_since);
  EXPECT_FALSE(forced.detached_at);
  must(tx.commit());
  const auto history = events(a, "shop.example.com");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].from, "detached");
  EXPECT_EQ(history[0].to, "verified");
  EXPECT_NE(history[0].reason.find("administrator"), std::string::npos);
}

// ---- Claims (issue 14, point 3) ------------------------------------------------------------

TEST_P(DomainLifecycleTest, RemovingANeverVerifiedDomainHoldsNothingBack) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  add(a, "never.example.com");
  {
    auto tx = tenant(a);
    must(domains::remove(tx, "never.example.com", "removed by the owner", 3600s));
    must(tx.commit());
  }
  {
    auto tx = platform();
    EXPECT_TRUE(must(tx.run(kQuarantineRows, {std::string("never.example.com")})).rows.empty());
  }
  add(b, "never.example.com");
  auto tx = platform();
  must(domains::remove_any(tx, "never.example.com", b.id, "removed by an admin", 3600s,
                           domains::Hold::everyone));
  EXPECT_TRUE(must(tx.run(kQuarantineRows, {std::string("never.example.com")})).rows.empty())
      << "not even an admin's removal of a pending domain holds it back";
}

TEST_P(DomainLifecycleTest, AnAdminsRemovalHoldsTheNameBackFromEveryStoreUntilAnAdminLiftsIt) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  verified(a, "disputed.example.com", unix_now());
  {
    auto tx = platform();
    must(domains::remove_any(tx, "disputed.example.com", a.id, "removed by an admin", 3600s,
                             domains::Hold::everyone));
    must(tx.commit());
  }
  for (const StoreRecord* store : {&a, &b}) {
    auto tx = tenant(*store);
    const auto refused = domains::add(tx, "disputed.example.com");
    EXPECT_EQ(error_of(refused), Errc::domain_quarantined) << store->code;
  }
  {
    auto tx = platform();
    EXPECT_TRUE(must(domains::quarantined_until(tx, "disputed.example.com", a.id)))
        << "an admin's hold binds the store it was removed from";
    must(domains::lift_quarantine(tx, "disputed.example.com", "quarantine lifted by an admin"));
    EXPECT_EQ(error_of(domains::lift_quarantine(tx, "disputed.example.com", "again")),
              Errc::not_found);
    EXPECT_EQ(error_of(domains::lift_quarantine(tx, "never-held.example.com", "no")),
              Errc::not_found);
    must(tx.commit());
  }
  const auto history = events(a, "disputed.example.com");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].reason, "quarantine lifted by an admin");
  add(b, "disputed.example.com");
}

TEST_P(DomainLifecycleTest, SeveralStoresMayClaimAPendingNameAndTheFirstVerifiedTakesIt) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  const StoreRecord c = make_store("store-c");
  const DomainRecord first = add(a, "wanted.example.com");
  const DomainRecord second = add(b, "wanted.example.com");
  add(c, "wanted.example.com");
  EXPECT_NE(first.verification_token, second.verification_token);
  {
    auto tx = tenant(b);
    EXPECT_EQ(error_of(domains::add(tx, "wanted.example.com")), Errc::domain_taken)
        << "one claim per store";
  }
  const std::int64_t t = unix_now();
  domains::Update u;
  u.expected = DomainState::pending;
  u.state = DomainState::verified;
  u.verified_by = "dns";
  u.checked_at = t;
  u.next_check_at = t + 3600;
  u.reason = "verified: the TXT record holds the token";
  {
    auto tx = platform();
    ASSERT_TRUE(must(domains::apply(tx, b.id, "wanted.example.com", u)));
    must(tx.commit());
  }
  {
    auto tx = platform();
    EXPECT_FALSE(must(domains::find_claim(tx, "wanted.example.com", a.id)));
    EXPECT_FALSE(must(domains::find_claim(tx, "wanted.example.com", c.id)));
    const auto holder = must(domains::find_any(tx, "wanted.example.com"));
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->record.store_id, b.id);
    const auto rows = must(tx.run(kHolders, {std::string("wanted.example.com")})).rows;
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].integer(0), b.id);
    // A's check that was in flight while B won: its claim is gone.
    EXPECT_EQ(error_of(domains::apply(tx, a.id, "wanted.example.com", u)), Errc::not_found);
  }
  for (const StoreRecord* loser : {&a, &c}) {
    const auto history = events(*loser, "wanted.example.com");
    ASSERT_EQ(history.size(), 2U) << loser->code;
    EXPECT_EQ(history[0].from, "pending");
    EXPECT_EQ(history[0].to, "removed");
    EXPECT_NE(history[0].reason.find("another store proved control"), std::string::npos);
    auto tx = tenant(*loser);
    EXPECT_EQ(error_of(domains::add(tx, "wanted.example.com")), Errc::domain_taken)
        << "the name is held now";
  }
  const auto won = events(b, "wanted.example.com");
  ASSERT_FALSE(won.empty());
  EXPECT_NE(won[0].reason.find("took the name over"), std::string::npos) << won[0].reason;

  // The holder lets it go: no longer held; others may claim it (after the quarantine).
  {
    auto tx = tenant(b);
    must(domains::remove(tx, "wanted.example.com", "removed by the owner", 0s));
    must(tx.commit());
  }
  {
    auto tx = platform();
    EXPECT_TRUE(must(tx.run(kHolders, {std::string("wanted.example.com")})).rows.empty());
  }
  add(a, "wanted.example.com");
}

TEST_P(DomainLifecycleTest, PendingClaimsOlderThanTheirTimeAreRemovedAndAStoreMayClaimAgain) {
  const StoreRecord a = make_store("store-a");
  const StoreRecord b = make_store("store-b");
  const DomainRecord old = add(a, "stale.example.com");
  add(b, "fresh.example.com");
  const std::int64_t t = unix_now();
  {
    auto tx = platform();
    must(tx.run(kSetCreatedAt, {std::string("stale.example.com"), t - 8 * 86400}));
    must(tx.commit());
  }
  // The store's own expired claim starts again, with a new token, when added again.
  const DomainRecord again = add(a, "stale.example.com");
  EXPECT_NE(again.verification_token, old.verification_token);
  EXPECT_GE(again.created_at, t);
  {
    auto tx = platform();
    must(tx.run(kSetCreatedAt, {std::string("stale.example.com"), t - 8 * 86400}));
    EXPECT_EQ(must(domains::expire_pending(tx, t - 7 * 86400, 100, "removed: not verified")), 1U);
    EXPECT_FALSE(must(domains::find_any(tx, "stale.example.com")));
    EXPECT_TRUE(must(domains::find_any(tx, "fresh.example.com"))) << "younger claims stay";
    EXPECT_TRUE(must(tx.run(kQuarantineRows, {std::string("stale.example.com")})).rows.empty());
    must(tx.commit());
  }
  const auto history = events(a, "stale.example.com");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].to, "removed");
  EXPECT_EQ(history[0].reason, "removed: not verified");
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(DomainLifecycleTest);

// ---- the upgrade ----------------------------------------------------------------------------

class DomainMigrationTest : public ::testing::TestWithParam<Backend> {};

TEST_P(DomainMigrationTest, DomainsOfVersion3KeepRoutingAsForcedAndPendingOnesStayPending) {
  auto test_db = orion::testing::make_test_database(GetParam(), {}, 3);
  ASSERT_NE(test_db, nullptr);
  Database& database = *test_db->database;
  ASSERT_EQ(must(schema_version(database)), 3);
  StorageHarness harness(database);
  const StoreRecord a = harness.make_store("alpha", "Alpha");
  {
    auto tx = harness.tenant(a);
    must(tx.run(kInsertLegacyDomain,
                {a.id, std::string("legacy.example.com"), true, std::int64_t{500}}));
    must(tx.run(kInsertLegacyDomain, {a.id, std::string("waiting.example.com"), false, Value{}}));
    must(tx.commit());
  }
  {
    auto owner = must(open_database(test_db->owner_url, PoolOptions{1, 0}));
    const MigrationReport report = must(migrate(*owner));
    ASSERT_EQ(report.from_version, 3);
    ASSERT_FALSE(report.applied.empty());
    EXPECT_EQ(report.applied.front().version, 4);
    EXPECT_EQ(report.applied.front().name, "domain_lifecycle");
  }
  {
    auto tx = harness.platform();
    const auto legacy = must(domains::find_any(tx, "legacy.example.com"));
    ASSERT_TRUE(legacy);
    EXPECT_EQ(legacy->record.state, DomainState::verified);
    EXPECT_TRUE(legacy->record.is_verified);
    EXPECT_EQ(legacy->record.verified_at, 500);
    EXPECT_EQ(legacy->record.verified_by, "forced");
    EXPECT_FALSE(legacy->record.next_check_at);
    const auto waiting = must(domains::find_any(tx, "waiting.example.com"));
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->record.state, DomainState::pending);
    EXPECT_EQ(waiting->record.verified_by, "");
    EXPECT_TRUE(must(domains::due(tx, 1LL << 40, 10)).empty()) << "nothing re-checked behind "
                                                                  "the operator's back";
  }
  DatabaseStoreDirectory directory(database);
  const auto store = directory.find_active_by_domain("legacy.example.com");
  ASSERT_NE(store, nullptr) << "a verified domain stopped routing after the upgrade";
  EXPECT_EQ(store->id, a.id);
  EXPECT_EQ(directory.find_active_by_domain("waiting.example.com"), nullptr);
  // 0006: the verified name is held (another store cannot add it); the pending one is not.
  const StoreRecord b = harness.make_store("beta", "Beta");
  auto tx = harness.tenant(b);
  EXPECT_EQ(error_of(domains::add(tx, "legacy.example.com")), Errc::domain_taken);
  must(domains::add(tx, "waiting.example.com"));
  must(tx.commit());
  // Rows from before 0006 have no registrable domain: the HTTP-proof rule finds them by name.
  auto platform_tx = harness.platform();
  EXPECT_EQ(must(domains::claim_near(platform_tx, b.id, "example.com", 0)),
            std::optional<std::string>("legacy.example.com"));
  EXPECT_EQ(must(domains::claim_near(platform_tx, b.id, "legacy.example.com", 0)),
            std::optional<std::string>("legacy.example.com"));
  EXPECT_FALSE(must(domains::claim_near(platform_tx, b.id, "example.org", 0)));
  EXPECT_FALSE(must(domains::claim_near(platform_tx, a.id, "legacy.example.com", 0)))
      << "a store's own names never count";
}

INSTANTIATE_TEST_SUITE_P(Backends, DomainMigrationTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace orion::storage::testing

// The custom-domain lifecycle (domains/lifecycle.hpp): every row of decide()'s table, the jitter
// and grace bounds to the second; then verify(), force_verify() and sweep() against a real
// database (SQLite and PostgreSQL) with a scripted Verifier: a verified domain drifting away,
// failing, detached after the grace and back, forced domains left alone, detached domains
// removed and quarantined, and a check racing an admin's decision.
#include "domains/lifecycle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/clock.hpp"
#include "storage/domains.hpp"
#include "storage/store_directory.hpp"
#include "unit/storage/storage_test_support.hpp"

namespace orion::domains {
namespace {

using namespace std::chrono_literals;
using storage::DomainRecord;
using storage::DomainState;
using storage::testing::BackendTest;
using storage::testing::error_of;
using storage::testing::must;

Check result(Outcome outcome, std::string message) {
  Check c;
  c.outcome = outcome;
  c.message = std::move(message);
  return c;
}

const Check kPass = result(Outcome::verified, "the TXT record holds the token");
const Check kMissing = result(Outcome::not_found, "no TXT record at _orion-verify");
const Check kLookupFailed = result(Outcome::lookup_failed, "the resolver did not answer");

Policy test_policy() {
  Policy p;
  p.interval = 1000s;
  p.jitter = 0.1;
  p.grace = 3000s;
  p.quarantine = 3600s;
  p.remove_detached = 10000s;
  return p;
}

DomainRecord record(DomainState state, std::optional<std::int64_t> checked_at = 500) {
  DomainRecord r;
  r.domain = "shop.example.com";
  r.state = state;
  r.is_verified = storage::routes(state);
  r.checked_at = checked_at;
  r.verified_by = state == DomainState::pending ? "" : "dns";
  if (state == DomainState::failing) {
    r.failing_since = 9000;
  }
  if (state == DomainState::detached) {
    r.detached_at = 8000;
  }
  return r;
}

// ---- decide ---------------------------------------------------------------------------------

TEST(DecideTest, PendingPassBecomesVerifiedAndScheduled) {
  const auto u = decide(record(DomainState::pending, std::nullopt), kPass, 10000, test_policy(), 0);
  EXPECT_EQ(u.expected, DomainState::pending);
  EXPECT_FALSE(u.expected_checked_at);
  EXPECT_EQ(u.state, DomainState::verified);
  EXPECT_EQ(u.checked_at, 10000);
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_FALSE(u.failing_since);
  EXPECT_FALSE(u.detached_at);
  EXPECT_EQ(u.last_result, kPass.message);
  EXPECT_NE(u.reason.find(kPass.message), std::string::npos) << "the reason says what was found";
}

TEST(DecideTest, DetachedPassBecomesVerifiedAgain) {
  const auto u = decide(record(DomainState::detached), kPass, 10000, test_policy(), 0);
  EXPECT_EQ(u.expected, DomainState::detached);
  EXPECT_EQ(u.expected_checked_at, 500);
  EXPECT_EQ(u.state, DomainState::verified);
  EXPECT_FALSE(u.detached_at);
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_FALSE(u.reason.empty());
}

TEST(DecideTest, PendingFailStaysPendingUnscheduledWithoutEvent) {
  const auto u =
      decide(record(DomainState::pending, std::nullopt), kMissing, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::pending);
  EXPECT_FALSE(u.next_check_at);
  EXPECT_FALSE(u.record_event);
  EXPECT_EQ(u.last_result, kMissing.message);
  EXPECT_EQ(u.checked_at, 10000);
}

TEST(DecideTest, DetachedFailStaysDetachedSinceItsDetachmentAndIsCheckedAgain) {
  const auto u = decide(record(DomainState::detached), kMissing, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::detached);
  EXPECT_EQ(u.detached_at, 8000) << "the removal clock keeps running from the detachment";
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_FALSE(u.record_event);
}

TEST(DecideTest, VerifiedFailStartsFailingAndStillRoutes) {
  const auto u = decide(record(DomainState::verified), kMissing, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::failing);
  EXPECT_TRUE(storage::routes(u.state));
  EXPECT_EQ(u.failing_since, 10000);
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_NE(u.reason.find(kMissing.message), std::string::npos);
}

TEST(DecideTest, ALookupThatFailedCountsAsAFailure) {
  const auto u = decide(record(DomainState::verified), kLookupFailed, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::failing);
  EXPECT_EQ(u.last_result, kLookupFailed.message);
}

TEST(DecideTest, VerifiedPassStaysVerifiedAndIsRescheduled) {
  const auto u = decide(record(DomainState::verified), kPass, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::verified);
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_FALSE(u.failing_since);
  EXPECT_FALSE(u.record_event);
}

TEST(DecideTest, FailingPassIsVerifiedAgain) {
  const auto u = decide(record(DomainState::failing), kPass, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::verified);
  EXPECT_FALSE(u.failing_since);
  EXPECT_EQ(u.next_check_at, 11000);
  EXPECT_FALSE(u.reason.empty());
}

TEST(DecideTest, FailingFailWithinTheGraceStaysFailingAndIsCheckedByTheGracesEnd) {
  // failing since 9000, grace 3000: routes until 11999, detached from 12000 on.
  const auto u = decide(record(DomainState::failing), kMissing, 10000, test_policy(), 0);
  EXPECT_EQ(u.state, DomainState::failing);
  EXPECT_EQ(u.failing_since, 9000);
  EXPECT_EQ(u.next_check_at, 11000);
  const auto late = decide(record(DomainState::failing), kMissing, 11500, test_policy(), 0);
  EXPECT_EQ(late.state, DomainState::failing);
  EXPECT_EQ(late.next_check_at, 12000) << "re-checked when the grace ends, not an interval later";
}

TEST(DecideTest, FailingFailDetachesExactlyWhenTheGraceEnds) {
  const auto before = decide(record(DomainState::failing), kMissing, 11999, test_policy(), 0);
  EXPECT_EQ(before.state, DomainState::failing);
  const auto at = decide(record(DomainState::failing), kMissing, 12000, test_policy(), 0);
  EXPECT_EQ(at.state, DomainState::detached);
  EXPECT_FALSE(storage::routes(at.state));
  EXPECT_EQ(at.detached_at, 12000);
  EXPECT_FALSE(at.failing_since);
  EXPECT_FALSE(at.reason.empty());
  EXPECT_EQ(at.next_check_at, 13000);
}

TEST(DecideTest, NoGraceDetachesAVerifiedDomainAtTheFirstFailure) {
  Policy p = test_policy();
  p.grace = 0s;
  EXPECT_EQ(decide(record(DomainState::verified), kMissing, 10000, p, 0).state,
            DomainState::detached);
}

TEST(DecideTest, JitterSpreadsTheNextCheckWithinItsBounds) {
  const Policy p = test_policy();
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, p, -1).next_check_at, 10900);
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, p, 1).next_check_at, 11100);
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, p, 0.5).next_check_at, 11050);
  // Out-of-range randomness is clamped, never beyond the bounds.
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, p, -7).next_check_at, 10900);
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, p, 7).next_check_at, 11100);
  for (int i = -20; i <= 20; ++i) {
    const auto next =
        decide(record(DomainState::verified), kPass, 10000, p, i / 20.0).next_check_at;
    ASSERT_TRUE(next);
    EXPECT_GE(*next, 10900);
    EXPECT_LE(*next, 11100);
  }
  Policy none = p;
  none.jitter = 0;
  EXPECT_EQ(decide(record(DomainState::verified), kPass, 10000, none, 1).next_check_at, 11000);
}

// ---- verify, force_verify, sweep on a database ----------------------------------------------

// Answers each domain as scripted (missing when unscripted) and records what it was asked.
class ScriptedVerifier final : public Verifier {
 public:
  void answer(const std::string& domain, Check check) {
    std::lock_guard lock(mutex_);
    answers_[domain] = std::move(check);
  }
  // Passes a check only for this token (whichever domain): the record one store created.
  void pass_token(const std::string& token) {
    std::lock_guard lock(mutex_);
    passing_tokens_.push_back(token);
  }
  // Runs once, while the next check is "in flight": whatever happens meanwhile.
  void during_next_check(std::function<void()> hook) { hook_ = std::move(hook); }

  using Verifier::check;
  Check check(std::string_view domain, std::string_view token, Method method) const override {
    if (hook_) {
      const auto hook = std::exchange(hook_, nullptr);
      hook();
    }
    std::lock_guard lock(mutex_);
    asked_.emplace_back(std::string(domain), method);
    if (std::find(passing_tokens_.begin(), passing_tokens_.end(), token) != passing_tokens_.end()) {
      return kPass;
    }
    const auto found = answers_.find(std::string(domain));
    return found == answers_.end() ? kMissing : found->second;
  }
  Pointing pointing(std::string_view /*domain*/) const override { return Pointing{}; }

  std::vector<std::pair<std::string, Method>> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Check> answers_;
  std::vector<std::string> passing_tokens_;
  mutable std::vector<std::pair<std::string, Method>> asked_;
  mutable std::function<void()> hook_;
};

class LifecycleTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_ = make_store("store-a");
    other_ = make_store("store-b");
  }

  DomainRecord add(const storage::StoreRecord& store, std::string_view domain) {
    auto tx = tenant(store);
    DomainRecord added = must(storage::domains::add(tx, domain));
    must(tx.commit());
    return added;
  }

  // One store's history of a name.
  std::vector<storage::DomainEvent> events_of(const storage::StoreRecord& store,
                                              std::string_view domain) {
    auto tx = tenant(store);
    return must(storage::domains::events(tx, domain));
  }

  DomainRecord now_of(std::string_view domain) {
    auto tx = platform();
    auto found = must(storage::domains::find_any(tx, domain));
    EXPECT_TRUE(found) << domain;
    return found ? found->record : DomainRecord{};
  }

  std::vector<storage::DomainEvent> events(std::string_view domain) {
    auto tx = platform();
    return must(storage::domains::events_any(tx, domain));
  }

  bool routes(std::string_view domain) {
    storage::DatabaseStoreDirectory directory(db());
    return directory.find_active_by_domain(domain) != nullptr;
  }

  Sweep sweep_at(std::int64_t now) { return must(sweep(db(), verifier_, policy_, now)); }

  Policy policy_ = [] {
    Policy p;
    p.interval = 3600s;
    p.jitter = 0.1;
    p.grace = 7200s;
    p.quarantine = 3600s;
    p.remove_detached = 86400s;
    return p;
  }();
  ScriptedVerifier verifier_;
  storage::StoreRecord store_;
  storage::StoreRecord other_;
};

TEST_P(LifecycleTest, VerifyAPendingDomainThatPassesRoutesItAndSchedulesTheReCheck) {
  add(store_, "shop.example.com");
  verifier_.answer("shop.example.com", kPass);
  const std::int64_t before = storage::unix_now();
  const Verification v =
      must(verify(db(), verifier_, policy_, "shop.example.com", Method::dns, Trigger::owner));
  const std::int64_t after = storage::unix_now();
  EXPECT_TRUE(v.changed);
  EXPECT_TRUE(v.check.verified());
  EXPECT_EQ(v.domain.store_code, "store-a");
  EXPECT_EQ(v.domain.record.state, DomainState::verified);
  EXPECT_EQ(v.domain.record.verified_by, "dns");
  ASSERT_TRUE(v.domain.record.checked_at);
  ASSERT_TRUE(v.domain.record.next_check_at);
  EXPECT_GE(*v.domain.record.next_check_at, before + 3240);
  EXPECT_LE(*v.domain.record.next_check_at, after + 3960);
  EXPECT_TRUE(routes("shop.example.com"));
  const auto history = events("shop.example.com");
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].from, "pending");
  EXPECT_EQ(history[0].to, "verified");
  ASSERT_EQ(verifier_.asked().size(), 1U);
  EXPECT_EQ(verifier_.asked()[0].second, Method::dns);
}

TEST_P(LifecycleTest, VerifyAPendingDomainThatFailsSaysWhyAndChangesNothingElse) {
  add(store_, "shop.example.com");
  const Verification v =
      must(verify(db(), verifier_, policy_, "shop.example.com", Method::dns, Trigger::owner));
  EXPECT_FALSE(v.changed);
  EXPECT_EQ(v.check.outcome, Outcome::not_found);
  EXPECT_EQ(v.domain.record.state, DomainState::pending);
  EXPECT_EQ(v.domain.record.last_result, kMissing.message);
  EXPECT_FALSE(v.domain.record.next_check_at);
  EXPECT_EQ(events("shop.example.com").size(), 1U) << "a failed first check is no transition";
  // A second check applies too: the condition follows the first check's time.
  verifier_.answer("shop.example.com", kPass);
  EXPECT_TRUE(
      must(verify(db(), verifier_, policy_, "shop.example.com", Method::dns, Trigger::owner))
          .changed);
  EXPECT_EQ(error_of(verify(db(), verifier_, policy_, "unknown.example.com", Method::dns,
                            Trigger::owner)),
            core::Errc::not_found);
}

TEST_P(LifecycleTest, ADomainVerifiedOverHttpIsReCheckedOverHttp) {
  add(store_, "shop.example.com");
  verifier_.answer("shop.example.com", kPass);
  const auto v =
      must(verify(db(), verifier_, policy_, "shop.example.com", Method::http, Trigger::owner));
  EXPECT_EQ(v.domain.record.verified_by, "http");
  const Sweep s = sweep_at(*v.domain.record.next_check_at);
  EXPECT_EQ(s.checked, 1U);
  ASSERT_EQ(verifier_.asked().size(), 2U);
  EXPECT_EQ(verifier_.asked()[1].second, Method::http);
}

TEST_P(LifecycleTest, ADriftingDomainFailsIsDetachedAfterTheGraceAndComesBack) {
  add(store_, "shop.example.com");
  add(store_, "steady.example.com");
  verifier_.answer("shop.example.com", kPass);
  verifier_.answer("steady.example.com", kPass);
  must(verify(db(), verifier_, policy_, "shop.example.com", Method::dns, Trigger::owner));
  must(verify(db(), verifier_, policy_, "steady.example.com", Method::dns, Trigger::owner));
  {
    auto tx = tenant(store_);
    must(storage::domains::set_primary(tx, "shop.example.com", true));
    must(tx.commit());
  }
  const std::int64_t t0 = storage::unix_now();
  EXPECT_EQ(sweep_at(t0).checked, 0U) << "nothing is due yet";

  // The record disappears: the next re-check fails, the domain still routes.
  verifier_.answer("shop.example.com", kMissing);
  const std::int64_t t1 = t0 + 4000;
  Sweep s = sweep_at(t1);
  EXPECT_EQ(s.checked, 2U);
  EXPECT_EQ(s.passed, 1U);
  EXPECT_EQ(s.failed, 1U);
  EXPECT_EQ(s.transitions, 1U);
  EXPECT_TRUE(s.routing_changed());
  DomainRecord d = now_of("shop.example.com");
  EXPECT_EQ(d.state, DomainState::failing);
  EXPECT_EQ(d.failing_since, t1);
  EXPECT_TRUE(d.is_primary);
  EXPECT_TRUE(routes("shop.example.com"));
  EXPECT_EQ(now_of("steady.example.com").state, DomainState::verified);

  // Within the grace: still failing, checked again by the grace's end.
  s = sweep_at(t1 + 7199);
  EXPECT_EQ(s.transitions, 0U);
  d = now_of("shop.example.com");
  EXPECT_EQ(d.state, DomainState::failing);
  EXPECT_EQ(d.next_check_at, t1 + 7200);
  EXPECT_TRUE(routes("shop.example.com"));

  // The grace is over: detached, no longer routing, no longer primary.
  s = sweep_at(t1 + 7200);
  EXPECT_EQ(s.transitions, 1U);
  d = now_of("shop.example.com");
  EXPECT_EQ(d.state, DomainState::detached);
  EXPECT_EQ(d.detached_at, t1 + 7200);
  EXPECT_FALSE(d.is_verified);
  EXPECT_FALSE(d.is_primary);
  EXPECT_FALSE(routes("shop.example.com"));

  // The owner fixes the record: the next re-check brings it back.
  verifier_.answer("shop.example.com", kPass);
  s = sweep_at(t1 + 7200 + 3960);
  EXPECT_GE(s.transitions, 1U);
  d = now_of("shop.example.com");
  EXPECT_EQ(d.state, DomainState::verified);
  EXPECT_TRUE(routes("shop.example.com"));

  std::vector<std::string> path;
  for (const auto& e : events("shop.example.com")) {
    if (e.from != e.to) {
      path.insert(path.begin(), e.from + "->" + e.to);
    }
  }
  const std::vector<std::string> expected{"->pending", "pending->verified", "verified->failing",
                                          "failing->detached", "detached->verified"};
  EXPECT_EQ(path, expected);
}

TEST_P(LifecycleTest, ADomainDetachedLongEnoughIsRemovedAndQuarantined) {
  add(store_, "shop.example.com");
  verifier_.answer("shop.example.com", kPass);
  must(verify(db(), verifier_, policy_, "shop.example.com", Method::dns, Trigger::owner));
  verifier_.answer("shop.example.com", kMissing);
  const std::int64_t t1 = storage::unix_now() + 4000;
  sweep_at(t1);
  sweep_at(t1 + 7200);
  ASSERT_EQ(now_of("shop.example.com").state, DomainState::detached);
  const std::int64_t detached_at = t1 + 7200;

  Sweep s = sweep_at(detached_at + 86400 - 1);
  EXPECT_EQ(s.removed, 0U);
  ASSERT_EQ(now_of("shop.example.com").state, DomainState::detached);
  s = sweep_at(detached_at + 86400);
  EXPECT_EQ(s.removed, 1U);
  EXPECT_TRUE(s.routing_changed());
  {
    auto tx = platform();
    EXPECT_FALSE(must(storage::domains::find_any(tx, "shop.example.com")));
    EXPECT_TRUE(must(storage::domains::quarantined_until(tx, "shop.example.com", other_.id)));
  }
  // (The removal is recorded at the real time, the sweeps ran at invented later ones.)
  const auto history = events("shop.example.com");
  const auto removal =
      std::find_if(history.begin(), history.end(), [](const auto& e) { return e.to == "removed"; });
  ASSERT_NE(removal, history.end());
  EXPECT_EQ(removal->from, "detached");
  EXPECT_NE(removal->reason.find("1 day"), std::string::npos) << removal->reason;
  auto tx = tenant(other_);
  EXPECT_EQ(error_of(storage::domains::add(tx, "shop.example.com")),
            core::Errc::domain_quarantined);
}

TEST_P(LifecycleTest, AForcedDomainIsNeverSweptAndOwnerChecksDoNotClearIt) {
  add(store_, "forced.example.com");
  const auto forced = must(force_verify(db(), "forced.example.com"));
  EXPECT_EQ(forced.store_code, "store-a");
  EXPECT_EQ(forced.record.state, DomainState::verified);
  EXPECT_EQ(forced.record.verified_by, "forced");
  EXPECT_FALSE(forced.record.next_check_at);
  EXPECT_TRUE(routes("forced.example.com"));
  EXPECT_EQ(error_of(force_verify(db(), "unknown.example.com")), core::Errc::not_found);

  const Sweep s = sweep_at(storage::unix_now() + 365LL * 86400);
  EXPECT_EQ(s.checked, 0U);
  EXPECT_TRUE(verifier_.asked().empty());

  // The owner's failing check is recorded for them to read, and changes nothing else.
  const std::size_t events_before = events("forced.example.com").size();
  const auto owner =
      must(verify(db(), verifier_, policy_, "forced.example.com", Method::dns, Trigger::owner));
  EXPECT_FALSE(owner.changed);
  EXPECT_EQ(owner.domain.record.state, DomainState::verified);
  EXPECT_EQ(owner.domain.record.verified_by, "forced");
  EXPECT_EQ(owner.domain.record.last_result, kMissing.message);
  EXPECT_FALSE(owner.domain.record.next_check_at);
  EXPECT_EQ(events("forced.example.com").size(), events_before);
  // A passing one does not put it on the schedule either.
  verifier_.answer("forced.example.com", kPass);
  const auto passed =
      must(verify(db(), verifier_, policy_, "forced.example.com", Method::dns, Trigger::owner));
  EXPECT_EQ(passed.domain.record.verified_by, "forced");
  EXPECT_FALSE(passed.domain.record.next_check_at);
}

TEST_P(LifecycleTest, AnAdminsCheckOfAForcedDomainIsForRealAndSchedulesIt) {
  add(store_, "forced.example.com");
  must(force_verify(db(), "forced.example.com"));
  const auto checked =
      must(verify(db(), verifier_, policy_, "forced.example.com", Method::dns, Trigger::admin));
  EXPECT_TRUE(checked.changed);
  EXPECT_EQ(checked.domain.record.state, DomainState::failing);
  EXPECT_EQ(checked.domain.record.verified_by, "dns");
  EXPECT_TRUE(checked.domain.record.next_check_at);
  EXPECT_TRUE(routes("forced.example.com")) << "the grace period applies";
  EXPECT_EQ(events("forced.example.com")[0].to, "failing");

  add(store_, "passes.example.com");
  must(force_verify(db(), "passes.example.com"));
  verifier_.answer("passes.example.com", kPass);
  const auto passed =
      must(verify(db(), verifier_, policy_, "passes.example.com", Method::http, Trigger::admin));
  EXPECT_FALSE(passed.changed);
  EXPECT_EQ(passed.domain.record.verified_by, "http");
  EXPECT_TRUE(passed.domain.record.next_check_at);
  const auto history = events("passes.example.com");
  EXPECT_EQ(history[0].from, "verified");
  EXPECT_EQ(history[0].to, "verified");
  EXPECT_NE(history[0].reason.find("administrator"), std::string::npos) << history[0].reason;
}

TEST_P(LifecycleTest, ACheckRacingAnAdminsDecisionDoesNotOverwriteIt) {
  add(store_, "race.example.com");
  verifier_.during_next_check([this] { must(force_verify(db(), "race.example.com")); });
  const auto v =
      must(verify(db(), verifier_, policy_, "race.example.com", Method::dns, Trigger::owner));
  EXPECT_FALSE(v.changed);
  EXPECT_EQ(v.domain.record.state, DomainState::verified);
  EXPECT_EQ(v.domain.record.verified_by, "forced");
  EXPECT_EQ(v.domain.record.last_result, now_of("race.example.com").last_result);
}

TEST_P(LifecycleTest, ACheckOfADomainRemovedMeanwhileIsNotFound) {
  add(store_, "gone.example.com");
  verifier_.during_next_check([this] {
    auto tx = tenant(store_);
    must(storage::domains::remove(tx, "gone.example.com", "removed by the owner", 0s));
    must(tx.commit());
  });
  EXPECT_EQ(
      error_of(verify(db(), verifier_, policy_, "gone.example.com", Method::dns, Trigger::owner)),
      core::Errc::not_found);
}

ORION_INSTANTIATE_ON_BOTH_BACKENDS(LifecycleTest);

}  // namespace
}  // namespace orion::domains

namespace orion::domains {
namespace {

// ---- Claims: expiry, takeover by DNS, and which proof a name needs (issue 14, points 3 and 4) --

TEST_P(LifecycleTest, APendingClaimNeverVerifiedExpiresAndTheNameIsFreeWithoutQuarantine) {
  add(store_, "squat.example.com");
  const std::int64_t t = storage::unix_now();
  const std::int64_t ttl = policy_.pending_ttl.count();
  Sweep s = sweep_at(t + ttl - 60);
  EXPECT_EQ(s.expired, 0U);
  EXPECT_EQ(now_of("squat.example.com").state, DomainState::pending);

  s = sweep_at(t + ttl + 1);
  EXPECT_EQ(s.expired, 1U);
  {
    auto tx = platform();
    EXPECT_FALSE(must(storage::domains::find_any(tx, "squat.example.com")));
    EXPECT_FALSE(must(storage::domains::quarantined_until(tx, "squat.example.com", other_.id)))
        << "a name never verified is not held back";
  }
  const auto history = events_of(store_, "squat.example.com");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].from, "pending");
  EXPECT_EQ(history[0].to, "removed");
  EXPECT_NE(history[0].reason.find("not verified within 7 days"), std::string::npos)
      << history[0].reason;
  add(other_, "squat.example.com");
}

TEST_P(LifecycleTest, AnotherStoresPendingClaimDoesNotBlockTheNameAndTheDnsProofTakesItOver) {
  const DomainRecord squatter = add(store_, "contested.example.com");
  // Store B adds the name store A holds pending: its own claim, with its own token.
  const DomainRecord owner = add(other_, "contested.example.com");
  EXPECT_EQ(owner.state, DomainState::pending);
  EXPECT_NE(owner.verification_token, squatter.verification_token);
  EXPECT_EQ(now_of("contested.example.com").store_id, store_.id) << "the oldest claim first";

  // Store A's check finds no record holding its token; store B's record holds B's token.
  verifier_.pass_token(owner.verification_token);
  const Verification failed = must(verify(db(), verifier_, policy_, "contested.example.com",
                                          Method::dns, Trigger::owner, store_.id));
  EXPECT_FALSE(failed.check.verified());
  EXPECT_EQ(failed.domain.record.store_id, store_.id);
  EXPECT_EQ(failed.domain.record.state, DomainState::pending);

  const Verification v = must(verify(db(), verifier_, policy_, "contested.example.com", Method::dns,
                                     Trigger::owner, other_.id));
  EXPECT_TRUE(v.check.verified());
  EXPECT_EQ(v.domain.record.store_id, other_.id);
  EXPECT_EQ(v.domain.record.state, DomainState::verified);
  EXPECT_TRUE(routes("contested.example.com"));
  {
    auto tx = platform();
    EXPECT_FALSE(must(storage::domains::find_claim(tx, "contested.example.com", store_.id)))
        << "store A's pending claim ended";
    EXPECT_EQ(must(storage::domains::find_any(tx, "contested.example.com"))->record.store_id,
              other_.id);
  }
  const auto lost = events_of(store_, "contested.example.com");
  ASSERT_FALSE(lost.empty());
  EXPECT_EQ(lost[0].from, "pending");
  EXPECT_EQ(lost[0].to, "removed");
  EXPECT_NE(lost[0].reason.find("another store proved control"), std::string::npos);
  const auto won = events_of(other_, "contested.example.com");
  ASSERT_FALSE(won.empty());
  EXPECT_TRUE(std::any_of(won.begin(), won.end(), [](const storage::DomainEvent& e) {
    return e.reason.find("took the name over") != std::string::npos;
  }));
  // The name is B's now: A can no longer claim it.
  auto tx = tenant(store_);
  EXPECT_EQ(error_of(storage::domains::add(tx, "contested.example.com")), core::Errc::domain_taken);
}

TEST_P(LifecycleTest, TheHttpProofIsRefusedWhereAnotherStoreHasANameOfTheSameRegistrableDomain) {
  add(store_, "example.co.uk");
  must(force_verify(db(), "example.co.uk"));
  const DomainRecord www = add(other_, "www.example.co.uk");
  verifier_.answer("www.example.co.uk", kPass);
  const auto refused = verify(db(), verifier_, policy_, "www.example.co.uk", Method::http,
                              Trigger::owner, other_.id);
  ASSERT_EQ(error_of(refused), core::Errc::txt_verification_required);
  EXPECT_NE(refused.error().message.find("_orion-verify.www.example.co.uk"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("orion-verify=" + www.verification_token),
            std::string::npos);
  EXPECT_TRUE(verifier_.asked().empty()) << "nothing is fetched when the method is refused";
  EXPECT_EQ(now_of("www.example.co.uk").state, DomainState::pending);
  // An admin's check is held to the same rule.
  EXPECT_EQ(
      error_of(verify(db(), verifier_, policy_, "www.example.co.uk", Method::http, Trigger::admin)),
      core::Errc::txt_verification_required);

  // Another store's pending claim on a sibling counts too (a contested domain is decided by DNS).
  add(store_, "shop.pending.co.uk");
  add(other_, "blog.pending.co.uk");
  EXPECT_EQ(error_of(verify(db(), verifier_, policy_, "blog.pending.co.uk", Method::http,
                            Trigger::owner, other_.id)),
            core::Errc::txt_verification_required);

  // The DNS proof still works; another registrable domain under the same suffix is unaffected.
  const Verification by_dns = must(verify(db(), verifier_, policy_, "www.example.co.uk",
                                          Method::dns, Trigger::owner, other_.id));
  EXPECT_TRUE(by_dns.check.verified());
  add(other_, "another.co.uk");
  verifier_.answer("another.co.uk", kPass);
  const Verification by_http = must(
      verify(db(), verifier_, policy_, "another.co.uk", Method::http, Trigger::owner, other_.id));
  EXPECT_TRUE(by_http.check.verified());
}

TEST_P(LifecycleTest, TheSweepReChecksByDnsAHttpVerifiedNameOnceAnotherStoreClaimsItsDomain) {
  add(other_, "www.brand.example");
  verifier_.answer("www.brand.example", kPass);
  must(verify(db(), verifier_, policy_, "www.brand.example", Method::http, Trigger::owner));
  ASSERT_EQ(now_of("www.brand.example").verified_by, "http");
  const std::int64_t later = storage::unix_now() + 5000;
  sweep_at(later);
  ASSERT_FALSE(verifier_.asked().empty());
  EXPECT_EQ(verifier_.asked().back().second, Method::http) << "alone, it keeps its method";

  add(store_, "brand.example");
  sweep_at(later + 5000);
  EXPECT_EQ(verifier_.asked().back().first, "www.brand.example");
  EXPECT_EQ(verifier_.asked().back().second, Method::dns)
      << "the HTTP proof is not enough once another store claims brand.example";
}

}  // namespace
}  // namespace orion::domains

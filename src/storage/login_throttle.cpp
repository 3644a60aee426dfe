#include "storage/login_throttle.hpp"

#include <algorithm>
#include <cctype>

#include "storage/clock.hpp"

namespace orion::storage::login_throttle {
namespace {

// A failure opens a window (failures 1, window_start now), counts in the open one, or, when the
// stored window has ended, opens a new one. One statement, so concurrent failures all count.
constexpr Sql kFailure{
    "login_throttle_failure",
    "INSERT INTO login_throttle (kind, subject, failures, window_start, last_failure) "
    "VALUES ($1, $2, 1, $3, $3) "
    "ON CONFLICT (kind, subject) DO UPDATE SET "
    "failures = CASE WHEN login_throttle.window_start <= $4 THEN 1 "
    "ELSE login_throttle.failures + 1 END, "
    "window_start = CASE WHEN login_throttle.window_start <= $4 THEN $3 "
    "ELSE login_throttle.window_start END, "
    "last_failure = $3"};
constexpr Sql kFind{"login_throttle_find",
                    "SELECT failures, window_start, last_failure FROM login_throttle "
                    "WHERE kind = $1 AND subject = $2 AND window_start > $3"};
constexpr Sql kForget{"login_throttle_forget",
                      "DELETE FROM login_throttle WHERE kind = $1 AND subject = $2"};
constexpr Sql kSweep{"login_throttle_sweep", "DELETE FROM login_throttle WHERE window_start <= $1"};

constexpr std::size_t kMaxSubject = 254;

// The account key: an e-mail address as the users table keeps it (trimmed, lower-case). A
// malformed one is counted too (the form said "wrong e-mail or password" all the same).
std::string account_key(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) {
    email.remove_prefix(1);
  }
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) {
    email.remove_suffix(1);
  }
  std::string key(email.substr(0, kMaxSubject));
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

std::string address_key(std::string_view address) {
  return std::string(address.substr(0, kMaxSubject));
}

// One address's attempts at one account. A newline cannot be in either part.
std::string pair_key(const Subjects& subjects) {
  const std::string account = account_key(subjects.account);
  const std::string address = address_key(subjects.address);
  return account.empty() || address.empty() ? std::string() : account + "\n" + address;
}

struct Counter {
  std::int64_t failures = 0;
  std::int64_t window_start = 0;
  std::int64_t last_failure = 0;
};

// The subject's counter in its open window (none counted: failures 0).
Result<Counter> counter(PlatformTransaction& tx, std::string_view kind, const std::string& subject,
                        std::int64_t window, std::int64_t now) {
  if (subject.empty()) {
    return Counter{};
  }
  auto found = tx.run(kFind, {std::string(kind), subject, now - window});
  if (!found) {
    return found.error();
  }
  if (found->rows.empty()) {
    return Counter{};
  }
  const auto& row = found->rows.front();
  return Counter{row.integer(0), row.integer(1), row.integer(2)};
}

// Seconds left in a window that has reached `limit`; 0 otherwise.
std::int64_t locked_for(const Counter& counter, std::int64_t limit, std::int64_t window,
                        std::int64_t now) {
  if (counter.failures < limit) {
    return 0;
  }
  return std::max<std::int64_t>(1, counter.window_start + window - now);
}

// The account-wide delay after `failures`: 0 for the free ones, then 1, 2, 4 ... up to the cap.
std::int64_t account_delay(const Policy& policy, std::int64_t failures) {
  const std::int64_t over = failures - policy.account_free_failures;
  if (over <= 0) {
    return 0;
  }
  if (over > 30) {
    return policy.account_max_delay_seconds;
  }
  return std::min(std::int64_t{1} << (over - 1), policy.account_max_delay_seconds);
}

}  // namespace

Result<std::int64_t> retry_after(PlatformTransaction& tx, const Policy& policy,
                                 const Subjects& subjects) {
  const std::int64_t now = unix_now();
  const std::int64_t window = policy.window_seconds;
  auto address = counter(tx, "address", address_key(subjects.address), window, now);
  if (!address) {
    return address.error();
  }
  auto pair = counter(tx, "pair", pair_key(subjects), window, now);
  if (!pair) {
    return pair.error();
  }
  std::int64_t wait = std::max(locked_for(*address, policy.address_failures, window, now),
                               locked_for(*pair, policy.pair_failures, window, now));
  // The account's delay holds back only the addresses that have failed for it themselves.
  if (pair->failures > 0) {
    auto account = counter(tx, "account", account_key(subjects.account), window, now);
    if (!account) {
      return account.error();
    }
    const std::int64_t delay = account_delay(policy, account->failures);
    wait = std::max(wait, account->last_failure + delay - now);
  }
  return std::max<std::int64_t>(wait, 0);
}

Result<void> record_failure(PlatformTransaction& tx, const Policy& policy,
                            const Subjects& subjects) {
  const std::int64_t now = unix_now();
  const std::int64_t ended = now - policy.window_seconds;
  for (const auto& [kind, subject] : {std::pair{"account", account_key(subjects.account)},
                                      std::pair{"address", address_key(subjects.address)},
                                      std::pair{"pair", pair_key(subjects)}}) {
    if (subject.empty()) {
      continue;
    }
    if (auto counted = tx.run(kFailure, {std::string(kind), subject, now, ended}); !counted) {
      return counted.error();
    }
  }
  // Windows that ended a day ago count for nothing: keep the table small.
  if (auto swept = tx.run(kSweep, {ended - 24 * 3600}); !swept) {
    return swept.error();
  }
  return {};
}

Result<void> record_success(PlatformTransaction& tx, const Subjects& subjects) {
  for (const auto& [kind, subject] : {std::pair{"account", account_key(subjects.account)},
                                      std::pair{"pair", pair_key(subjects)}}) {
    if (subject.empty()) {
      continue;
    }
    if (auto forgot = tx.run(kForget, {std::string(kind), subject}); !forgot) {
      return forgot.error();
    }
  }
  return {};
}

}  // namespace orion::storage::login_throttle

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
    "INSERT INTO login_throttle (kind, subject, failures, window_start) VALUES ($1, $2, 1, $3) "
    "ON CONFLICT (kind, subject) DO UPDATE SET "
    "failures = CASE WHEN login_throttle.window_start <= $4 THEN 1 "
    "ELSE login_throttle.failures + 1 END, "
    "window_start = CASE WHEN login_throttle.window_start <= $4 THEN $3 "
    "ELSE login_throttle.window_start END"};
constexpr Sql kFind{"login_throttle_find",
                    "SELECT failures, window_start FROM login_throttle "
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

// Seconds left in the subject's window when it has reached `limit`; 0 otherwise.
Result<std::int64_t> blocked_for(PlatformTransaction& tx, std::string_view kind,
                                 const std::string& subject, std::int64_t limit,
                                 std::int64_t window, std::int64_t now) {
  if (subject.empty()) {
    return 0;
  }
  auto found = tx.run(kFind, {std::string(kind), subject, now - window});
  if (!found) {
    return found.error();
  }
  if (found->rows.empty() || found->rows.front().integer(0) < limit) {
    return 0;
  }
  return std::max<std::int64_t>(1, found->rows.front().integer(1) + window - now);
}

}  // namespace

Result<std::int64_t> retry_after(PlatformTransaction& tx, const Policy& policy,
                                 const Subjects& subjects) {
  const std::int64_t now = unix_now();
  auto account = blocked_for(tx, "account", account_key(subjects.account), policy.account_failures,
                             policy.window_seconds, now);
  if (!account) {
    return account.error();
  }
  auto address = blocked_for(tx, "address", address_key(subjects.address), policy.address_failures,
                             policy.window_seconds, now);
  if (!address) {
    return address.error();
  }
  return std::max(*account, *address);
}

Result<void> record_failure(PlatformTransaction& tx, const Policy& policy,
                            const Subjects& subjects) {
  const std::int64_t now = unix_now();
  const std::int64_t ended = now - policy.window_seconds;
  for (const auto& [kind, subject] : {std::pair{"account", account_key(subjects.account)},
                                      std::pair{"address", address_key(subjects.address)}}) {
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
  const std::string account = account_key(subjects.account);
  if (account.empty()) {
    return {};
  }
  if (auto forgot = tx.run(kForget, {std::string("account"), account}); !forgot) {
    return forgot.error();
  }
  return {};
}

}  // namespace orion::storage::login_throttle

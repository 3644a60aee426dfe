// Console sign-in throttling (table login_throttle): failed sign-ins counted per account (the
// e-mail address tried) and per client address, each in a fixed window that starts at its first
// failure. Kept in the database, like the sessions, so that every Orion instance counts the same
// failures and a restart forgets nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace orion::storage::login_throttle {

// How many failures a window allows before sign-ins are refused until it ends.
struct Policy {
  std::int64_t account_failures = 5;   // per e-mail address
  std::int64_t address_failures = 20;  // per client address (an office may share one)
  std::int64_t window_seconds = 15 * 60;
};

// The two counters one attempt is checked against and counted in.
struct Subjects {
  std::string account;  // the e-mail address as typed, trimmed and lower-cased here
  std::string address;  // the client's IP address
};

// Seconds until a sign-in for `subjects` may be tried again; 0 when it may be tried now.
Result<std::int64_t> retry_after(PlatformTransaction& tx, const Policy& policy,
                                 const Subjects& subjects);

// Counts a failed sign-in against both subjects (starting a new window where the old one has
// ended) and sweeps windows that ended long ago.
Result<void> record_failure(PlatformTransaction& tx, const Policy& policy,
                            const Subjects& subjects);

// A successful sign-in: forgets the account's failures. The address's count stays, so that an
// attacker cannot clear it by signing in to an account of their own between guesses.
Result<void> record_success(PlatformTransaction& tx, const Subjects& subjects);

}  // namespace orion::storage::login_throttle

// Console sign-in throttling (table login_throttle). Kept in the database, like the sessions, so
// that every Orion instance counts the same failures and a restart forgets nothing. Three
// counters, each in a fixed window that starts at its first failure:
//
// - per client address, every account: an address that guesses at many accounts is refused
//   until its window ends (it stops only that address);
// - per (account, client address): the lockout. Five wrong passwords for one account from one
//   address refuse that address for that account until the window ends;
// - per account, every address: a growing delay, never a lockout. Past a few failures an account
//   answers only once per delay (1 s, 2 s, 4 s ... up to a cap, from its last failure) to the
//   addresses that have themselves failed for it. An address with no failure for the account is
//   never delayed, so failures from elsewhere never stop its owner's correct password.
//
// The client address is http::client_key: the trusted-proxy rule's client, never the TCP peer
// (behind the shipped proxies that is 127.0.0.1 for everyone).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace orion::storage::login_throttle {

struct Policy {
  std::int64_t address_failures = 20;  // per client address (an office may share one)
  std::int64_t pair_failures = 5;      // per account and client address
  std::int64_t window_seconds = 15 * 60;
  // The account-wide delay: free failures first, then 1 s doubled per failure up to the cap.
  std::int64_t account_free_failures = 5;
  std::int64_t account_max_delay_seconds = 60;
};

// The counters one attempt is checked against and counted in.
struct Subjects {
  std::string account;  // the e-mail address as typed, trimmed and lower-cased here
  std::string address;  // the client key (http::client_key)
};

// Seconds until a sign-in for `subjects` may be tried again; 0 when it may be tried now.
Result<std::int64_t> retry_after(PlatformTransaction& tx, const Policy& policy,
                                 const Subjects& subjects);

// Counts a failed sign-in in all three counters (starting a new window where the old one has
// ended) and sweeps windows that ended long ago.
Result<void> record_failure(PlatformTransaction& tx, const Policy& policy,
                            const Subjects& subjects);

// A successful sign-in: forgets the account's failures (this address's and the account-wide
// count: only the password's holder can cause a success). The address's own count stays, so that
// an attacker cannot clear it by signing in to an account of their own between guesses.
Result<void> record_success(PlatformTransaction& tx, const Subjects& subjects);

}  // namespace orion::storage::login_throttle

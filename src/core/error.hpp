// Errors of the pure tenant-resolution core. Every expected failure (bad input, an unknown or
// foreign store) is a value of this type; the HTTP layer maps `Errc` to a status in one place.
#pragma once

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace orion::core {

enum class Errc : std::uint8_t {
  missing_host,             // no Host header and no authority in the target (400)
  invalid_host,             // a host that is not a valid name or IP literal (400)
  host_too_long,            // more than 253 characters once normalised (400)
  invalid_target,           // a request-target Orion does not accept (400)
  invalid_path,             // a path with bad escapes, control characters or encoded slashes (400)
  invalid_store_code,       // not ^[a-z0-9-]{3,50}$ or a leading/trailing hyphen (422)
  reserved_store_code,      // a code the platform keeps for itself (422)
  invalid_domain,           // not a valid host name for a custom domain (422)
  domain_is_ip,             // an IP literal given as a custom domain (422)
  domain_is_public_suffix,  // a public suffix such as com or co.uk (422)
  domain_is_platform,       // the platform domain or a name under it (422)
  invalid_platform_domain,  // the configured platform domain is unusable (startup)
  wrong_store,              // fail-closed: a store host asked for another store or context (404)
  // The general vocabulary the other modules share, so one table maps every error to a status.
  malformed,      // a request body that cannot be parsed (400)
  invalid_input,  // a value that breaks a rule (422)
  not_found,      // no such store, product, domain... (404)
  conflict,       // a duplicate or a state that forbids the change (409)
  // Refusals of the custom-domain lifecycle (409 each), so the API names each one.
  domain_taken,               // another store holds the name (verified, failing or detached)
  domain_quarantined,         // the name is held back after a removal
  domain_limit,               // the store has domain_limit domains already
  txt_verification_required,  // the HTTP proof is not enough for this name (docs/DOMAINS.md)
  check_in_progress,          // a domain check asked for while one of that domain runs (409)
  too_many_requests,          // a limit of work in flight is reached; try again later (429)
  unavailable,                // the database or another dependency cannot be reached (503)
  schema_too_new,             // the database was migrated by a newer Orion (startup)
  unsafe_database_role,       // the database role bypasses row-level security (startup)
  internal,                   // a broken invariant; logged with the request id (500)
};

// The stable snake_case name of a code, as used in JSON error bodies and logs.
std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code;
  std::string message;  // one readable sentence naming what was wrong

  friend bool operator==(const Error& a, const Error& b) = default;
};

// Reached only when a caller calls `value()` on a failed result: a programming error.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace orion::core

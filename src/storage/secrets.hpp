// Secrets with libsodium: argon2id password hashes, random tokens, and the SHA-256 under which
// tokens are stored (a token is shown once and never stored in clear).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace orion::storage {

// Must be called once before any other function here (sodium_init); idempotent, thread-safe.
core::Result<void> init_secrets();

// An argon2id hash in the PHC string format ("$argon2id$v=19$m=...").
core::Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& hash);

// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// Whether two secrets (a CSRF token, a domain's verification token) are equal, in time that
// depends on their length only, never on where they differ: a guess learns "yes" or "no",
// not how much of it was right. Unequal lengths answer at once (every token of a kind has the
// same length, so the length is no secret). Needs no init_secrets().
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace orion::storage

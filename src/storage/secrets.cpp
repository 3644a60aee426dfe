#include "storage/secrets.hpp"

#include <sodium.h>

#include <vector>

namespace orion::storage {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

}  // namespace

core::Result<void> init_secrets() {
  if (sodium_init() < 0) {
    return core::make_error(core::Errc::internal, "libsodium could not be initialised");
  }
  return {};
}

core::Result<std::string> hash_password(std::string_view password) {
  if (password.size() < 8) {
    return core::make_error(core::Errc::invalid_input, "a password has at least 8 characters");
  }
  if (password.size() > 1024) {
    return core::make_error(core::Errc::invalid_input, "a password has at most 1024 characters");
  }
  std::string hash(crypto_pwhash_STRBYTES, '\0');
  // The interactive limits: about 64 MiB and a fraction of a second, libsodium's default for
  // logins.
  if (crypto_pwhash_str_alg(hash.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::make_error(core::Errc::unavailable, "not enough memory to hash the password");
  }
  hash.resize(hash.find('\0'));
  return hash;
}

bool verify_password(std::string_view password, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return to_hex(buffer.data(), buffer.size());
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return to_hex(digest, sizeof digest);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  // libsodium's compare, not a loop of our own: the compiler may not turn it into an early exit.
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace orion::storage

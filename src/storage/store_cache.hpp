// The store cache: a StoreDirectory in front of another (the database), so that resolving a
// request usually needs no database query. Answers, including "no such store", are kept for a
// TTL; every change made through this process invalidates them at once (exact invalidation),
// and the TTL bounds how long a change made elsewhere (the CLI, another instance) takes to show.
// It also keeps custom domains' verification tokens (the HTTP proof answers from them), under
// the same TTL and the same invalidation, so that every domain change already forgets them.
// Thread-safe. `peek` and `peek_token` never block on a source, so an I/O thread may call them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/detection.hpp"
#include "core/error.hpp"
#include "core/store.hpp"

namespace orion::storage {

// Where the cache asks for a custom domain's verification token.
class VerificationTokens {
 public:
  virtual ~VerificationTokens() = default;
  // The token of `domain` (normalised) in any state, pending included; nullopt: no such domain.
  [[nodiscard]] virtual core::Result<std::optional<std::string>> verification_token(
      std::string_view domain) const = 0;
};

class StoreCache final : public core::StoreDirectory {
 public:
  struct Options {
    std::chrono::milliseconds ttl{5000};
    std::size_t max_entries = 100'000;
  };

  // Without `tokens`, find_token fails (nothing to ask).
  StoreCache(const core::StoreDirectory& source, Options options,
             const VerificationTokens* tokens = nullptr)
      : source_(source), tokens_source_(tokens), options_(options) {}

  [[nodiscard]] core::StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] core::StorePtr find_active_by_code(std::string_view code) const override;

  // The cached answer to `lookup` if one is fresh, without asking the source.
  [[nodiscard]] std::optional<core::StorePtr> peek(const core::Lookup& lookup) const;

  // A domain's verification token; nullopt: no such domain (kept like a found token).
  using Token = std::optional<std::string>;
  // The cached token answer for `domain` if one is fresh, without asking the source.
  [[nodiscard]] std::optional<Token> peek_token(std::string_view domain) const;
  // The token answer for `domain`, from the cache or (blocking) from the source. A failure of
  // the source is returned, not kept: the next request asks again.
  [[nodiscard]] core::Result<Token> find_token(std::string_view domain) const;

  // Forgets every answer, tokens included: after any change to a store, a domain or a
  // verification.
  void invalidate_all();

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    std::uint64_t token_hits = 0;
    std::uint64_t token_misses = 0;
    std::size_t token_entries = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Entry {
    core::StorePtr store;
    std::chrono::steady_clock::time_point expires;
    std::uint64_t generation = 0;
  };
  static std::string key_of(core::Lookup::By by, std::string_view key);
  std::optional<core::StorePtr> fresh(const std::string& key) const;
  core::StorePtr fill(core::Lookup::By by, std::string_view key) const;
  struct TokenEntry {
    Token token;
    std::chrono::steady_clock::time_point expires;
    std::uint64_t generation = 0;
  };
  std::optional<Token> fresh_token(const std::string& domain) const;

  const core::StoreDirectory& source_;
  const VerificationTokens* tokens_source_;
  Options options_;
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
  mutable std::unordered_map<std::string, TokenEntry> tokens_;
  std::atomic<std::uint64_t> generation_{0};
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
  mutable std::atomic<std::uint64_t> token_hits_{0};
  mutable std::atomic<std::uint64_t> token_misses_{0};
};

}  // namespace orion::storage

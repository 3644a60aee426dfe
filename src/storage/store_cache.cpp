#include "storage/store_cache.hpp"

#include <mutex>

namespace orion::storage {

std::string StoreCache::key_of(core::Lookup::By by, std::string_view key) {
  std::string out;
  out.reserve(key.size() + 2);
  out += by == core::Lookup::By::domain ? "d:" : "c:";
  out += key;
  return out;
}

std::optional<core::StorePtr> StoreCache::fresh(const std::string& key) const {
  std::shared_lock lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.expires <= std::chrono::steady_clock::now() ||
      found->second.generation != generation_.load()) {
    return std::nullopt;
  }
  return found->second.store;
}

core::StorePtr StoreCache::fill(core::Lookup::By by, std::string_view key) const {
  const std::string cache_key = key_of(by, key);
  if (auto hit = fresh(cache_key)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return *hit;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  // Read the generation before asking the source: an invalidation that lands while the source
  // answers makes this (possibly stale) answer unusable at once.
  const std::uint64_t generation = generation_.load();
  core::StorePtr store = by == core::Lookup::By::domain ? source_.find_active_by_domain(key)
                                                        : source_.find_active_by_code(key);
  std::unique_lock lock(mutex_);
  if (entries_.size() >= options_.max_entries) {
    entries_.clear();
  }
  entries_[cache_key] = Entry{store, std::chrono::steady_clock::now() + options_.ttl, generation};
  return store;
}

core::StorePtr StoreCache::find_active_by_domain(std::string_view domain) const {
  return fill(core::Lookup::By::domain, domain);
}

core::StorePtr StoreCache::find_active_by_code(std::string_view code) const {
  return fill(core::Lookup::By::code, code);
}

std::optional<core::StorePtr> StoreCache::peek(const core::Lookup& lookup) const {
  if (lookup.by == core::Lookup::By::nothing) {
    return core::StorePtr{};
  }
  auto hit = fresh(key_of(lookup.by, lookup.key));
  if (hit) {
    hits_.fetch_add(1, std::memory_order_relaxed);
  }
  return hit;
}

std::optional<StoreCache::Token> StoreCache::fresh_token(const std::string& domain) const {
  std::shared_lock lock(mutex_);
  const auto found = tokens_.find(domain);
  if (found == tokens_.end() || found->second.expires <= std::chrono::steady_clock::now() ||
      found->second.generation != generation_.load()) {
    return std::nullopt;
  }
  return found->second.token;
}

std::optional<StoreCache::Token> StoreCache::peek_token(std::string_view domain) const {
  auto hit = fresh_token(std::string(domain));
  if (hit) {
    token_hits_.fetch_add(1, std::memory_order_relaxed);
  }
  return hit;
}

core::Result<StoreCache::Token> StoreCache::find_token(std::string_view domain) const {
  std::string key(domain);
  if (auto hit = fresh_token(key)) {
    token_hits_.fetch_add(1, std::memory_order_relaxed);
    return std::move(*hit);
  }
  if (tokens_source_ == nullptr) {
    return core::make_error(core::Errc::internal, "no source of verification tokens");
  }
  token_misses_.fetch_add(1, std::memory_order_relaxed);
  // As in fill: an invalidation while the source answers makes this answer unusable at once.
  const std::uint64_t generation = generation_.load();
  auto token = tokens_source_->verification_token(domain);
  if (!token) {
    return token.error();
  }
  std::unique_lock lock(mutex_);
  if (tokens_.size() >= options_.max_entries) {
    tokens_.clear();
  }
  tokens_[std::move(key)] =
      TokenEntry{*token, std::chrono::steady_clock::now() + options_.ttl, generation};
  return token;
}

void StoreCache::invalidate_all() {
  generation_.fetch_add(1);
  std::unique_lock lock(mutex_);
  entries_.clear();
  tokens_.clear();
}

StoreCache::Stats StoreCache::stats() const {
  std::shared_lock lock(mutex_);
  return Stats{hits_.load(),       misses_.load(),       entries_.size(),
               token_hits_.load(), token_misses_.load(), tokens_.size()};
}

}  // namespace orion::storage

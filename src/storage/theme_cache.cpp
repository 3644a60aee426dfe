#include "storage/theme_cache.hpp"

#include "storage/tenant_scope.hpp"
#include "storage/themes.hpp"

namespace orion::storage {

std::shared_ptr<const Theme> ThemeCache::peek(std::int64_t store_id) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(store_id);
  if (found == entries_.end() || found->second.expires <= std::chrono::steady_clock::now()) {
    return nullptr;
  }
  return found->second.theme;
}

Result<std::shared_ptr<const Theme>> ThemeCache::get(const core::Store& store) const {
  if (auto cached = peek(store.id)) {
    return cached;
  }
  const std::uint64_t generation = generation_.load();
  auto tx = database_.begin(TenantScope::admin(store), Access::read);
  if (!tx) {
    return tx.error();
  }
  auto theme = themes::get(*tx);
  if (!theme) {
    return theme.error();
  }
  auto shared = std::make_shared<const Theme>(std::move(*theme));
  std::lock_guard lock(mutex_);
  // An invalidation while reading: hand out what was read, but do not keep it.
  if (generation == generation_.load()) {
    entries_[store.id] = Entry{shared, std::chrono::steady_clock::now() + ttl_};
  }
  return shared;
}

void ThemeCache::invalidate(std::int64_t store_id) {
  std::lock_guard lock(mutex_);
  generation_.fetch_add(1);
  entries_.erase(store_id);
}

void ThemeCache::invalidate_all() {
  std::lock_guard lock(mutex_);
  generation_.fetch_add(1);
  entries_.clear();
}

}  // namespace orion::storage

#include "core/live_directory.hpp"

#include <algorithm>
#include <utility>

namespace orion::core {
namespace {

std::atomic<std::uint64_t> next_instance{1};

// How many directories one thread keeps a handle for (a server has one; tests build several).
constexpr std::size_t kHandlesPerThread = 4;

}  // namespace

struct LiveDirectory::Local {
  std::uint64_t instance = 0;
  std::uint64_t generation = 0;
  std::shared_ptr<const Handle> handle;
};

LiveDirectory::LiveDirectory()
    : instance_(next_instance.fetch_add(1, std::memory_order_relaxed)),
      current_(std::make_shared<const Snapshot>(
          Snapshot{FlatStoreDirectory(), std::make_shared<const Overlay>()})) {}

LiveDirectory::~LiveDirectory() = default;

void LiveDirectory::publish(std::shared_ptr<const Snapshot> snapshot) {
  // Under mutex_: a reader refreshing its handle reads current_ and generation_ together.
  current_ = std::move(snapshot);
  generation_.fetch_add(1, std::memory_order_release);
}

namespace {

template <class Keys, class Change>
void put(Keys& codes, Keys& domains, std::span<const Change> changes) {
  for (const Change& change : changes) {
    Keys& keys = change.by == Change::By::code ? codes : domains;
    keys.insert_or_assign(change.key, change.store);
  }
}

}  // namespace

void LiveDirectory::replace(FlatStoreDirectory base, std::span<const Change> changes) {
  auto overlay = std::make_shared<Overlay>();
  put(overlay->codes, overlay->domains, changes);
  auto snapshot = std::make_shared<const Snapshot>(Snapshot{std::move(base), std::move(overlay)});
  std::shared_ptr<const Snapshot> old;
  {
    std::lock_guard lock(mutex_);
    old = current_;  // freed outside the lock, if this was its last holder
    publish(std::move(snapshot));
  }
}

void LiveDirectory::apply(std::span<const Change> changes) {
  if (changes.empty()) {
    return;
  }
  std::shared_ptr<const Snapshot> old;
  std::lock_guard lock(mutex_);
  old = current_;
  auto overlay = std::make_shared<Overlay>(*old->overlay);
  put(overlay->codes, overlay->domains, changes);
  publish(std::make_shared<const Snapshot>(Snapshot{old->base, std::move(overlay)}));
}

const std::shared_ptr<const LiveDirectory::Handle>& LiveDirectory::local() const {
  thread_local std::vector<Local> handles;
  const std::uint64_t generation = generation_.load(std::memory_order_acquire);
  auto it = std::find_if(handles.begin(), handles.end(),
                         [&](const Local& l) { return l.instance == instance_; });
  if (it != handles.end() && it->generation == generation) {
    return it->handle;
  }
  Local fresh{instance_, 0, nullptr};
  {
    std::lock_guard lock(mutex_);
    fresh.generation = generation_.load(std::memory_order_relaxed);
    fresh.handle = std::make_shared<const Handle>(Handle{current_});
  }
  if (it != handles.end()) {
    *it = std::move(fresh);
    return it->handle;
  }
  if (handles.size() >= kHandlesPerThread) {
    handles.erase(handles.begin());  // the oldest: likely a directory that is gone
  }
  handles.push_back(std::move(fresh));
  return handles.back().handle;
}

StorePtr LiveDirectory::find(Change::By by, std::string_view key) const {
  const std::shared_ptr<const Handle>& handle = local();
  const Snapshot& snapshot = *handle->snapshot;
  const Keys& changed =
      by == Change::By::code ? snapshot.overlay->codes : snapshot.overlay->domains;
  if (!changed.empty()) {
    if (const auto it = changed.find(key); it != changed.end()) {
      return it->second ? StorePtr(handle, it->second.get()) : nullptr;
    }
  }
  const Store* store =
      by == Change::By::code ? snapshot.base.find_code(key) : snapshot.base.find_domain(key);
  // Shares this thread's handle, not a count every thread writes.
  return store != nullptr ? StorePtr(handle, store) : nullptr;
}

StorePtr LiveDirectory::find_active_by_domain(std::string_view domain) const {
  return find(Change::By::domain, domain);
}

StorePtr LiveDirectory::find_active_by_code(std::string_view code) const {
  return find(Change::By::code, code);
}

void LiveDirectory::prefetch_by_domain(std::string_view domain) const noexcept {
  local()->snapshot->base.prefetch_by_domain(domain);
}

void LiveDirectory::prefetch_by_code(std::string_view code) const noexcept {
  local()->snapshot->base.prefetch_by_code(code);
}

LiveDirectory::Stats LiveDirectory::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{current_->base.store_count(), current_->base.domain_count(),
               current_->overlay->codes.size() + current_->overlay->domains.size(),
               generation_.load(std::memory_order_relaxed)};
}

}  // namespace orion::core

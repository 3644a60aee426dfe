#include "http/page_cache.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <functional>

#include "core/text.hpp"

namespace orion::http {
namespace {

constexpr std::size_t kVersionShards = 16;

std::size_t version_shard(std::int64_t store_id) noexcept {
  return std::hash<std::int64_t>{}(store_id) % kVersionShards;
}

std::string_view opaque(std::string_view tag) noexcept {
  if (tag.starts_with("W/")) {
    tag.remove_prefix(2);
  }
  return tag;
}

}  // namespace

struct PageCache::Versions {
  struct Store {
    std::uint64_t version = 0;
    Clock::time_point changed_at{};
  };
  mutable std::mutex mutex;
  std::unordered_map<std::int64_t, Store> stores;
};

struct PageCache::Shard {
  struct Item {
    std::string key;
    std::shared_ptr<const Page> page;
    std::int64_t store_id = 0;
    std::uint64_t epoch = 0;
    std::uint64_t version = 0;
    std::size_t bytes = 0;
  };
  mutable std::mutex mutex;
  std::list<Item> lru;  // most recently used first
  std::unordered_map<std::string_view, std::list<Item>::iterator> index;  // views of Item::key
  std::size_t bytes = 0;

  void erase(std::list<Item>::iterator item) {
    bytes -= item->bytes;
    index.erase(item->key);
    lru.erase(item);
  }
};

PageCache::PageCache(Options options)
    : options_(options),
      shard_budget_(options.max_bytes / std::max<std::size_t>(1, options.shards)),
      versions_(std::make_unique<Versions[]>(kVersionShards)),
      shards_(std::make_unique<Shard[]>(std::max<std::size_t>(1, options.shards))) {
  options_.shards = std::max<std::size_t>(1, options.shards);
  // Idempotent and thread-safe; picks the fastest BLAKE2b implementation for entity_tag (which
  // works, more slowly, without it: a failure here costs nothing but speed).
  [[maybe_unused]] const int sodium = sodium_init();
}

PageCache::~PageCache() = default;

void PageCache::store_changed(std::int64_t store_id) {
  Versions& versions = versions_[version_shard(store_id)];
  std::lock_guard lock(versions.mutex);
  Versions::Store& store = versions.stores[store_id];
  ++store.version;
  store.changed_at = Clock::now();
}

void PageCache::drop_everything() {
  epoch_changed_at_.store(Clock::now().time_since_epoch().count(), std::memory_order_release);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  // Under the new epoch every counter may start again: an old ticket's epoch no longer matches,
  // and a build begun before now is refused by its start time whatever its counter says.
  for (std::size_t i = 0; i < kVersionShards; ++i) {
    std::lock_guard lock(versions_[i].mutex);
    versions_[i].stores.clear();
  }
  for (std::size_t i = 0; i < options_.shards; ++i) {
    Shard& shard = shards_[i];
    std::lock_guard lock(shard.mutex);
    shard.index.clear();
    shard.lru.clear();
    shard.bytes = 0;
  }
}

void PageCache::all_changed() { drop_everything(); }

void PageCache::set_serving(bool serving) {
  serving_.store(serving, std::memory_order_release);
  drop_everything();
}

PageCache::Current PageCache::current(std::int64_t store_id) const {
  Current now;
  now.epoch = epoch_.load(std::memory_order_acquire);
  now.changed_at =
      Clock::time_point(Clock::duration(epoch_changed_at_.load(std::memory_order_acquire)));
  const Versions& versions = versions_[version_shard(store_id)];
  std::lock_guard lock(versions.mutex);
  if (const auto found = versions.stores.find(store_id); found != versions.stores.end()) {
    now.version = found->second.version;
    now.changed_at = std::max(now.changed_at, found->second.changed_at);
  }
  return now;
}

PageCache::Ticket PageCache::ticket(std::int64_t store_id, Clock::time_point began) const {
  Ticket ticket;
  ticket.store_id = store_id;
  if (!serving()) {
    return ticket;
  }
  const Current now = current(store_id);
  ticket.epoch = now.epoch;
  ticket.version = now.version;
  ticket.began = began;
  // A change at or after the request began may postdate the store row it resolved.
  ticket.valid = now.changed_at < began;
  return ticket;
}

PageCache::Shard& PageCache::shard_of(std::string_view key) const {
  return shards_[std::hash<std::string_view>{}(key) % options_.shards];
}

std::shared_ptr<const PageCache::Page> PageCache::find(std::string_view key,
                                                       std::int64_t store_id) {
  if (!serving()) {
    return nullptr;
  }
  const Current now = current(store_id);
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.index.find(key);
  if (found == shard.index.end()) {
    return nullptr;
  }
  const auto item = found->second;
  if (item->store_id != store_id || item->epoch != now.epoch || item->version != now.version) {
    shard.erase(item);
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, item);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return item->page;
}

bool PageCache::insert(std::string key, const Ticket& ticket, const Response& response) {
  misses_.fetch_add(1, std::memory_order_relaxed);
  if (!ticket.valid || !serving()) {
    return false;
  }
  const std::size_t bytes = cost_of(key, response);
  if (bytes > shard_budget_) {
    return false;
  }
  auto page = std::make_shared<Page>();
  page->response = response;
  page->etag = std::string(response[beast_http::field::etag]);
  const Current now = current(ticket.store_id);
  if (now.epoch != ticket.epoch || now.version != ticket.version ||
      now.changed_at >= ticket.began) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (const auto old = shard.index.find(key); old != shard.index.end()) {
    shard.erase(old->second);
  }
  while (shard.bytes + bytes > shard_budget_ && !shard.lru.empty()) {
    shard.erase(std::prev(shard.lru.end()));
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.lru.push_front(Shard::Item{std::move(key), std::move(page), ticket.store_id, ticket.epoch,
                                   ticket.version, bytes});
  shard.index.emplace(shard.lru.front().key, shard.lru.begin());
  shard.bytes += bytes;
  return true;
}

PageCache::Stats PageCache::stats() const {
  Stats stats;
  stats.hits = hits_.load(std::memory_order_relaxed);
  stats.misses = misses_.load(std::memory_order_relaxed);
  stats.evictions = evictions_.load(std::memory_order_relaxed);
  stats.refused = refused_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < options_.shards; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    stats.bytes += shards_[i].bytes;
    stats.entries += shards_[i].lru.size();
  }
  return stats;
}

std::string PageCache::metrics() const {
  const Stats s = stats();
  return fmt::format(
      "# HELP orion_page_cache_hits_total Storefront answers served from the page cache.\n"
      "# TYPE orion_page_cache_hits_total counter\n"
      "orion_page_cache_hits_total {}\n"
      "# HELP orion_page_cache_misses_total Cacheable storefront answers built because the cache "
      "did not hold them.\n"
      "# TYPE orion_page_cache_misses_total counter\n"
      "orion_page_cache_misses_total {}\n"
      "# HELP orion_page_cache_evictions_total Pages dropped to stay within page_cache_bytes.\n"
      "# TYPE orion_page_cache_evictions_total counter\n"
      "orion_page_cache_evictions_total {}\n"
      "# HELP orion_page_cache_refused_total Built pages not kept: their store changed during the "
      "build.\n"
      "# TYPE orion_page_cache_refused_total counter\n"
      "orion_page_cache_refused_total {}\n"
      "# HELP orion_page_cache_bytes Bytes the page cache holds (keys, headers, bodies).\n"
      "# TYPE orion_page_cache_bytes gauge\n"
      "orion_page_cache_bytes {}\n"
      "# HELP orion_page_cache_entries Pages the page cache holds.\n"
      "# TYPE orion_page_cache_entries gauge\n"
      "orion_page_cache_entries {}\n",
      s.hits, s.misses, s.evictions, s.refused, s.bytes, s.entries);
}

std::size_t PageCache::cost_of(std::string_view key, const Response& response) {
  std::size_t bytes = kEntryOverhead + key.size() + response.body().size();
  for (const auto& field : response.base()) {
    bytes += field.name_string().size() + field.value().size() + 4;  // ": " and CRLF
  }
  return bytes;
}

std::string entity_tag(std::string_view body) {
  std::array<unsigned char, 16> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string tag;
  tag.reserve(2 + 2 * digest.size());
  tag += '"';
  for (const unsigned char byte : digest) {
    tag += kHex[byte >> 4];
    tag += kHex[byte & 0xf];
  }
  tag += '"';
  return tag;
}

bool if_none_match(std::string_view field, std::string_view etag) {
  field = core::text::trim(field);
  if (field == "*") {
    return true;
  }
  const std::string_view want = opaque(etag);
  while (!field.empty()) {
    const std::size_t comma = field.find(',');
    const std::string_view element = core::text::trim(field.substr(0, comma));
    if (!element.empty() && opaque(element) == want) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    field.remove_prefix(comma + 1);
  }
  return false;
}

Response not_modified(const Response& page) {
  Response response{Status::not_modified, page.version()};
  response.set(beast_http::field::etag, page[beast_http::field::etag]);
  if (const auto cache_control = page[beast_http::field::cache_control]; !cache_control.empty()) {
    response.set(beast_http::field::cache_control, cache_control);
  }
  return response;
}

}  // namespace orion::http

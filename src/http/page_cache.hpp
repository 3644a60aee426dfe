// The page cache (issue 15, point 3): storefront answers that are the same for every anonymous
// shopper, kept as ready responses per store version so that a hit costs a hash lookup and a
// copy on the I/O thread, with no database and no blocking pool. It knows nothing of the
// database: whoever learns of a change (the change feed) calls store_changed / all_changed /
// set_serving, and a build refuses to insert what it read under an older version.
//
// Versions. Each store has a counter, bumped by store_changed; all_changed and set_serving bump
// an epoch that every entry carries too. A miss takes a Ticket (epoch, the store's counter)
// before it reads anything, builds, then inserts with that ticket: the insert is refused when
// either moved meanwhile, and a lookup returns an entry only when both still equal the current
// ones (so even an insert that raced a change is never served). A ticket is also refused when the
// store changed at or after the moment its request began: the request's store row (name, primary
// domain) was resolved before the ticket was taken, possibly from a snapshot the change replaced.
//
// Memory: bounded by bytes (key + header fields + body + a fixed per-entry overhead), LRU per
// shard; the shards (a mutex each, picked by the key's hash) keep the two I/O threads apart. The
// per-store counters are kept only for stores changed since the last all_changed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"

namespace orion::http {

class PageCache {
 public:
  struct Options {
    std::size_t max_bytes = 256u << 20;
    std::size_t shards = 16;  // each holds max_bytes / shards; an entry larger than that is refused
  };
  using Clock = std::chrono::steady_clock;

  // What a build shows when it inserts: the versions it started under.
  struct Ticket {
    std::int64_t store_id = 0;
    std::uint64_t epoch = 0;
    std::uint64_t version = 0;
    Clock::time_point began{};  // when the build's request began
    bool valid = false;  // false: the cache was not serving, or the store changed after `began`
  };

  // A ready answer: status 200, the headers that do not vary per request (ETag among them), the
  // body. Shared and immutable; a hit copies it into the response it sends.
  struct Page {
    Response response;
    std::string etag;
  };

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;     // pages built because none (or only a stale one) was held
    std::uint64_t evictions = 0;  // entries dropped to make room (LRU)
    std::uint64_t refused = 0;    // inserts refused: the version moved during the build
    std::uint64_t bytes = 0;
    std::uint64_t entries = 0;
  };

  explicit PageCache(Options options);
  ~PageCache();
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  // Every page of `store_id` built before this call is never served again, and a build that
  // started before it is not inserted. Thread-safe, cheap (called per change).
  void store_changed(std::int64_t store_id);
  // The same for every store (the feed reloaded everything). Frees every entry.
  void all_changed();
  // While false, nothing is served from the cache and nothing is inserted (the feed sets it
  // false when it cannot prove it is current). Default true. Either change also drops every
  // entry and refuses every build in progress: a page read before an outage, or during one, is
  // never trusted after it.
  void set_serving(bool serving);
  [[nodiscard]] bool serving() const noexcept { return serving_.load(std::memory_order_acquire); }

  // Taken by a miss before it reads anything; `began` is when its request began (before its
  // store was resolved).
  [[nodiscard]] Ticket ticket(std::int64_t store_id, Clock::time_point began) const;
  // The entry under `key` for `store_id` if it was built under the store's current version
  // (counts a hit); a stale entry is dropped. None while not serving.
  [[nodiscard]] std::shared_ptr<const Page> find(std::string_view key, std::int64_t store_id);
  // Keeps `response` (a 200 with its ETag set) under `key`. Refused (false) when the ticket is
  // invalid or no longer current, when not serving, or when the entry alone exceeds a shard.
  // Counts a miss either way: the page was built because the cache did not hold it.
  bool insert(std::string key, const Ticket& ticket, const Response& response);

  [[nodiscard]] Stats stats() const;
  // Prometheus text: orion_page_cache_{hits,misses,evictions,refused}_total,
  // orion_page_cache_bytes, orion_page_cache_entries.
  [[nodiscard]] std::string metrics() const;

  // What an entry costs against max_bytes: key, header fields, body, and kEntryOverhead.
  static std::size_t cost_of(std::string_view key, const Response& response);
  static constexpr std::size_t kEntryOverhead = 256;

 private:
  struct Versions;
  struct Shard;
  struct Current {
    std::uint64_t epoch = 0;
    std::uint64_t version = 0;
    Clock::time_point changed_at{};
  };
  [[nodiscard]] Current current(std::int64_t store_id) const;
  Shard& shard_of(std::string_view key) const;
  void drop_everything();

  Options options_;
  std::size_t shard_budget_;
  std::atomic<bool> serving_{true};
  std::atomic<std::uint64_t> epoch_{1};
  // When the epoch last moved (as nanoseconds of Clock), for tickets of requests begun earlier.
  std::atomic<Clock::rep> epoch_changed_at_{0};
  std::unique_ptr<Versions[]> versions_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> evictions_{0};
  std::atomic<std::uint64_t> refused_{0};
};

// A strong validator of `body`: a quoted hex BLAKE2b-128 digest. The same bytes give the same tag
// in every process and after restarts, so a fleet behind a load balancer agrees on it.
std::string entity_tag(std::string_view body);

// RFC 9110 §13.1.2: true when an If-None-Match field value names `etag` (weak comparison: a W/
// prefix on either side is ignored) or is `*`. An empty or unparsable value names nothing.
bool if_none_match(std::string_view field, std::string_view etag);

// The 304 for `page` (or any 200 with an ETag): status, ETag and Cache-Control, no body.
Response not_modified(const Response& page);

}  // namespace orion::http

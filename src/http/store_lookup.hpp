// Where the server asks for a request's store. While the change feed is current, from the
// in-memory directory on the calling (I/O) thread: no query, no hop, no lock. Otherwise (the
// database was unreachable for a while, so the memory may be behind) from the database, awaited
// on the bounded pool of blocking threads so that no I/O thread blocks.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/detection.hpp"
#include "core/store.hpp"
#include "storage/change_feed.hpp"

namespace orion::http {

class StoreLookup {
 public:
  // Always `directory`, on the blocking pool (a database directory; tests of the chain).
  StoreLookup(const core::StoreDirectory& directory, boost::asio::thread_pool& blocking)
      : fallback_(directory), blocking_(blocking) {}
  // `memory` while `feed` is current, else `fallback` on the blocking pool.
  StoreLookup(const core::StoreDirectory& memory, const storage::ChangeFeed& feed,
              const core::StoreDirectory& fallback, boost::asio::thread_pool& blocking)
      : memory_(&memory), feed_(&feed), fallback_(fallback), blocking_(blocking) {}

  // `memory` always, on the calling thread: a directory that nothing changes behind its back
  // (tests of the chain with an in-memory directory).
  static StoreLookup in_memory_only(const core::StoreDirectory& memory,
                                    boost::asio::thread_pool& blocking) {
    StoreLookup lookup(memory, blocking);
    lookup.memory_ = &memory;
    return lookup;
  }

  // The directory to resolve from on this thread now, or null: await answer() instead.
  [[nodiscard]] const core::StoreDirectory* in_memory() const noexcept {
    return memory_ != nullptr && (feed_ == nullptr || feed_->current()) ? memory_ : nullptr;
  }

  // The fallback's answer, from the blocking pool.
  boost::asio::awaitable<core::StorePtr> answer(const core::Lookup& lookup) const;
  // From memory when it is current (no hop), else answer().
  boost::asio::awaitable<core::StorePtr> find(const core::Lookup& lookup) const;

 private:
  const core::StoreDirectory* memory_ = nullptr;
  const storage::ChangeFeed* feed_ = nullptr;
  const core::StoreDirectory& fallback_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace orion::http

// Awaits a StoreDirectory's answer on a bounded pool of blocking threads, so that a directory
// backed by the database never blocks an I/O thread. The one way the server asks for a store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/detection.hpp"
#include "core/store.hpp"
#include "storage/store_cache.hpp"

namespace orion::http {

class StoreLookup {
 public:
  StoreLookup(const core::StoreDirectory& directory, boost::asio::thread_pool& blocking)
      : directory_(directory), blocking_(blocking) {}
  // Through the store cache: a fresh cached answer is given on the I/O thread, without a hop.
  StoreLookup(const storage::StoreCache& cache, boost::asio::thread_pool& blocking)
      : directory_(cache), cache_(&cache), blocking_(blocking) {}

  boost::asio::awaitable<core::StorePtr> answer(const core::Lookup& lookup) const;

 private:
  const core::StoreDirectory& directory_;
  const storage::StoreCache* cache_ = nullptr;
  boost::asio::thread_pool& blocking_;
};

}  // namespace orion::http

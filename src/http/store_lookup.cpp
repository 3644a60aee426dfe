#include "http/store_lookup.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace orion::http {

boost::asio::awaitable<core::StorePtr> StoreLookup::answer(const core::Lookup& lookup) const {
  if (lookup.by == core::Lookup::By::nothing) {
    co_return nullptr;
  }
  // Runs on the blocking pool; the awaiting coroutine resumes on its own executor.
  co_return co_await boost::asio::co_spawn(
      blocking_,
      [this, &lookup]() -> boost::asio::awaitable<core::StorePtr> {
        co_return core::answer(fallback_, lookup);
      },
      boost::asio::use_awaitable);
}

boost::asio::awaitable<core::StorePtr> StoreLookup::find(const core::Lookup& lookup) const {
  if (const core::StoreDirectory* memory = in_memory()) {
    co_return core::answer(*memory, lookup);
  }
  co_return co_await answer(lookup);
}

}  // namespace orion::http

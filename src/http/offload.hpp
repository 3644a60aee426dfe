// Runs blocking work (a database transaction, a file read) on the bounded blocking pool and
// resumes the awaiting coroutine on its own executor: the one way a handler leaves an I/O
// thread, so no database call ever blocks one (STYLE.md, DESIGN.md §1).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>
#include <utility>

namespace orion::http {

template <class Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> offload(boost::asio::thread_pool& pool,
                                                            Work work) {
  using Value = std::invoke_result_t<Work&>;
  if constexpr (std::is_void_v<Value>) {
    co_await boost::asio::co_spawn(
        pool,
        [&work]() -> boost::asio::awaitable<void> {
          work();
          co_return;
        },
        boost::asio::use_awaitable);
  } else {
    // std::optional: co_spawn's completion needs a default-constructible value.
    std::optional<Value> value = co_await boost::asio::co_spawn(
        pool, [&work]() -> boost::asio::awaitable<std::optional<Value>> { co_return work(); },
        boost::asio::use_awaitable);
    co_return std::move(*value);
  }
}

}  // namespace orion::http

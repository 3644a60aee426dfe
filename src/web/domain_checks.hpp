// How a handler runs a custom-domain check (a verify, a pointing report, the health page): it
// is admitted by the check executor (domains::CheckExecutor: one at a time per domain, a cap per
// store and for the process) and then runs on the executor's own threads, never on the blocking
// pool that storefront requests need. A refusal is immediate: 409 check_in_progress or 429
// too_many_requests, both with Retry-After.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "domains/check_executor.hpp"
#include "http/message.hpp"
#include "http/offload.hpp"
#include "web/services.hpp"

namespace orion::web {

// `work` (which may open its own transactions) on the check executor once admitted for
// (store code, key); the executor's refusal otherwise.
template <class Work>
boost::asio::awaitable<core::Result<std::invoke_result_t<Work&>>> run_domain_check(
    const Services& s, std::string_view store, std::string_view key, Work work) {
  using Checked = core::Result<std::invoke_result_t<Work&>>;
  auto slot = s.checks.admit(store, key);
  if (!slot) {
    // In place: the work's own value may be a Result, constructible from an Error too.
    co_return Checked(boost::system::in_place_error, slot.error());
  }
  // The slot lives in this frame until the check has run.
  co_return Checked(boost::system::in_place_value,
                    co_await http::offload(s.checks.pool(), std::move(work)));
}

// Retry-After on a refusal of the executor (a no-op for any other response).
inline void add_retry_after(const Services& s, http::Response& response) {
  if (response.result() == http::Status::too_many_requests ||
      response.result() == http::Status::conflict) {
    response.set(boost::beast::http::field::retry_after,
                 std::to_string(s.checks.retry_after().count()));
  }
}

}  // namespace orion::web

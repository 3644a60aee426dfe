// Fifth: gives a request with a store its theme (from the theme cache; a miss is read on the
// blocking pool, never on the I/O thread), so every page of the store renders with it.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "http/middleware.hpp"
#include "storage/theme_cache.hpp"

namespace orion::http {

class ThemeContext final : public Middleware {
 public:
  ThemeContext(const storage::ThemeCache& themes, boost::asio::thread_pool& blocking)
      : themes_(themes), blocking_(blocking) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  const storage::ThemeCache& themes_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace orion::http

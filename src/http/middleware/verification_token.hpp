// After StoreContext: answers the HTTP proof of a custom domain (DESIGN.md §4),
// GET/HEAD /.well-known/orion-verify/{token} on any host that is a registered custom domain of a
// store — pending, failing or detached included, because proving an unverified domain is the
// point, so it runs before anything that would turn an unrouted host away or redirect it.
// 200 text/plain `orion-verify=<token>` when {token} is that domain's token, else 404. The
// domain's token (or "no such domain") comes from the store cache, so a flood of requests for
// one host costs one query per TTL; a miss reads the database on the blocking pool, never on an
// I/O thread. Every domain change empties the cache, so a removed domain stops answering at once.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "core/detection.hpp"
#include "http/middleware.hpp"
#include "storage/store_cache.hpp"

namespace orion::http {

inline constexpr std::string_view kVerificationPrefix = "/.well-known/orion-verify/";

class VerificationToken final : public Middleware {
 public:
  VerificationToken(const core::Platform& platform, const storage::StoreCache& stores,
                    boost::asio::thread_pool& blocking)
      : platform_(platform), stores_(stores), blocking_(blocking) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  const core::Platform& platform_;
  const storage::StoreCache& stores_;
  boost::asio::thread_pool& blocking_;
};

}  // namespace orion::http

// Third: resolves the request's store with the pure core and stores the Resolution in the
// context: core::resolve against the in-memory directory on this thread while it is current,
// else classify, the one lookup awaited off the I/O thread, finish. A malformed host or path is
// answered here (400), as is a store host asked for another store (404, fail closed).
#pragma once

#include "core/detection.hpp"
#include "http/middleware.hpp"
#include "http/store_lookup.hpp"

namespace orion::http {

class StoreContext final : public Middleware {
 public:
  StoreContext(const core::Platform& platform, const StoreLookup& lookup)
      : platform_(platform), lookup_(lookup) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  const core::Platform& platform_;
  const StoreLookup& lookup_;
};

}  // namespace orion::http

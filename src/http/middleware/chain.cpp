#include "http/middleware/chain.hpp"

#include "http/middleware/error_boundary.hpp"
#include "http/middleware/request_log.hpp"
#include "http/middleware/store_context.hpp"

namespace orion::http {

std::unique_ptr<Chain> make_chain(ChainParts parts) {
  std::vector<std::unique_ptr<Middleware>> chain;
  // 1. Request id and access log: first, so that every response, an error from any later step
  //    included, carries an id and leaves one log line with the store and mode.
  chain.push_back(std::make_unique<RequestLog>(parts.log));
  // 2. Error boundary: a throw anywhere below becomes a 500 that step 1 still logs.
  chain.push_back(std::make_unique<ErrorBoundary>(parts.log));
  // 3. StoreContext: resolves the store (and, in the same pure core call, the detection mode,
  //    the context type and the clean path) before anything that depends on them.
  chain.push_back(std::make_unique<StoreContext>(parts.platform, parts.lookup));
  // Next, as the server grows (DESIGN.md §1): ThemeContext, then auth where a route needs it.
  return std::make_unique<Chain>(std::move(chain), std::move(parts.endpoint));
}

}  // namespace orion::http

#include "http/middleware/chain.hpp"

#include "http/middleware/context_detection.hpp"
#include "http/middleware/error_boundary.hpp"
#include "http/middleware/request_log.hpp"
#include "http/middleware/store_context.hpp"
#include "http/middleware/theme_context.hpp"

namespace orion::http {

std::unique_ptr<Chain> make_chain(ChainParts parts) {
  std::vector<std::unique_ptr<Middleware>> chain;
  // 1. Request id and access log: first, so that every response, an error from any later step
  //    included, carries an id and leaves one log line with the store and mode.
  chain.push_back(std::make_unique<RequestLog>(parts.log, parts.metrics));
  // 2. Error boundary: a throw anywhere below becomes a 500 that step 1 still logs.
  chain.push_back(std::make_unique<ErrorBoundary>(parts.log));
  // 3. StoreContext: resolves the store (and, in the same pure core call, the detection mode,
  //    the context type and the clean path) before anything that depends on them.
  chain.push_back(std::make_unique<StoreContext>(parts.platform, parts.lookup));
  // 4. ContextDetection: acts on the context type before any handler (a store's `/` → `/shop/`).
  chain.push_back(std::make_unique<ContextDetection>());
  // 5. ThemeContext: the store's theme for every page of the store.
  if (parts.themes != nullptr && parts.blocking != nullptr) {
    chain.push_back(std::make_unique<ThemeContext>(*parts.themes, *parts.blocking));
  }
  // 6. Auth is not a step of its own here: the routes that need it (management API, dashboard,
  //    admin) check it first thing (src/web/auth.hpp), so a public page never pays for it.
  return std::make_unique<Chain>(std::move(chain), std::move(parts.endpoint));
}

}  // namespace orion::http

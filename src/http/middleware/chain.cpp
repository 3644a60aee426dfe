#include "http/middleware/chain.hpp"

#include "http/middleware/context_detection.hpp"
#include "http/middleware/error_boundary.hpp"
#include "http/middleware/forwarded.hpp"
#include "http/middleware/page_cache_step.hpp"
#include "http/middleware/primary_domain.hpp"
#include "http/middleware/probes.hpp"
#include "http/middleware/request_log.hpp"
#include "http/middleware/store_context.hpp"
#include "http/middleware/theme_context.hpp"
#include "http/middleware/verification_token.hpp"

namespace orion::http {

std::unique_ptr<Chain> make_chain(ChainParts parts) {
  std::vector<std::unique_ptr<Middleware>> chain;
  // 0. Forwarded: a trusted proxy's X-Forwarded-Proto/-For, before anything reads the peer (the
  //    log line of step 1 included). Cannot fail, so nothing is lost by running before step 1.
  if (!parts.trusted_proxies.empty()) {
    chain.push_back(std::make_unique<Forwarded>(std::move(parts.trusted_proxies)));
  }
  // 1. Request id and access log: first, so that every response, an error from any later step
  //    included, carries an id and leaves one log line with the store and mode.
  chain.push_back(std::make_unique<RequestLog>(parts.log, parts.metrics, parts.log_format));
  // 2. Error boundary: a throw anywhere below becomes a 500 that step 1 still logs.
  chain.push_back(std::make_unique<ErrorBoundary>(parts.log, parts.log_format));
  // 3. StoreContext: resolves the store (and, in the same pure core call, the detection mode,
  //    the context type and the clean path) before anything that depends on them.
  chain.push_back(std::make_unique<StoreContext>(parts.platform, parts.lookup));
  // 3a. Probes: /healthz and /readyz on every Host that resolved (load balancers probe by IP),
  //     before step 5 could redirect them to a primary domain or a router turn them into a 404.
  if (!parts.probes.empty()) {
    chain.push_back(std::make_unique<Probes>(std::move(parts.probes)));
  }
  // 4. VerificationToken: the HTTP proof of a custom domain, answered for pending domains too —
  //    before step 5 could redirect it and before any step that needs a routed store.
  if (parts.stores != nullptr && parts.blocking != nullptr) {
    chain.push_back(
        std::make_unique<VerificationToken>(parts.platform, *parts.stores, *parts.blocking));
  }
  // 5. PrimaryDomain: a storefront page reached off the store's primary domain goes there, before
  //    step 6's `/` → `/shop/` (one hop, not two) and before any page is rendered.
  chain.push_back(std::make_unique<PrimaryDomain>(parts.canonical_scheme));
  // 6. ContextDetection: acts on the context type before any handler (a store's `/` → `/shop/`).
  chain.push_back(std::make_unique<ContextDetection>());
  // 6a. PageCacheStep: a storefront page held for the store's current version is answered here,
  //     after the redirects (a page is only ever served where it would be rendered) and before
  //     step 7, so a hit needs no theme lookup; a miss goes on and may be kept on the way back.
  if (parts.pages != nullptr) {
    chain.push_back(std::make_unique<PageCacheStep>(*parts.pages));
  }
  // 7. ThemeContext: the store's theme for every page of the store.
  if (parts.themes != nullptr && parts.blocking != nullptr) {
    chain.push_back(std::make_unique<ThemeContext>(*parts.themes, *parts.blocking));
  }
  // 8. Auth is not a step of its own here: the routes that need it (management API, dashboard,
  //    admin) check it first thing (src/web/auth.hpp), so a public page never pays for it.
  return std::make_unique<Chain>(std::move(chain), std::move(parts.endpoint));
}

}  // namespace orion::http

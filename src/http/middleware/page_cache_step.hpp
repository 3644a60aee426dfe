// Between the redirects and the theme: answers a storefront GET or HEAD from the page cache
// (http/page_cache.hpp) on the I/O thread when it holds the page for the store's current version,
// so a hit needs no theme, no database and no blocking pool; else lets the request through and
// keeps the answer when the handler opted in (RequestContext::cacheable), it is a 200 to a GET and
// sets no cookie. Every such answer carries an ETag (a hash of its body), and an If-None-Match
// naming it gets a 304 — hit or miss, serving or not.
#pragma once

#include <string>

#include "http/middleware.hpp"
#include "http/page_cache.hpp"

namespace orion::http {

// The cache key of a request with a store: everything that changes a cacheable page's bytes —
// the store, the scheme (TLS or not), the normalised host and the Host's port, the mode's base
// path, the clean path and the query as sent.
std::string page_key(const Request& request, const RequestContext& context);

class PageCacheStep final : public Middleware {
 public:
  explicit PageCacheStep(PageCache& pages) : pages_(pages) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  PageCache& pages_;
};

}  // namespace orion::http

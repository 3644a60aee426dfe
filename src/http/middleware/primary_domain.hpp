// After StoreContext (and the domain proof): once a store's owner marked a verified domain
// primary (core::Store::primary_domain), its storefront pages answer on that domain only. A
// storefront page reached any other way — the store's subdomain, another of its domains, the
// path form /stores/{code}/shop/... on the platform host — gets 301 (GET/HEAD; 308 for other
// methods, so a POST keeps its method and body) to the same page on the primary domain:
// `<canonical_scheme>://<primary><clean path>?<query>`. Never redirected: the dashboard, the
// APIs (/api/..., /shop/api/...), a store's files (/static/...) and /.well-known/... — so tools,
// scripts and certificate checks keep working on every address. Unmarking takes effect on the
// next request: the store cache is emptied on every primary change.
#pragma once

#include <string>

#include "http/middleware.hpp"

namespace orion::http {

class PrimaryDomain final : public Middleware {
 public:
  explicit PrimaryDomain(std::string scheme) : scheme_(std::move(scheme)) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

 private:
  std::string scheme_;  // "https" or "http" (app::Config canonical_scheme)
};

// True when a request resolved like `resolution` is a storefront page that belongs on the
// store's primary domain and did not come on it.
bool redirects_to_primary(const core::Resolution& resolution) noexcept;

// `path` (decoded) percent-encoded again for a Location header or a link.
std::string encode_path(std::string_view path);

}  // namespace orion::http

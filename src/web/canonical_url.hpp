// Absolute URLs of a store's storefront, for what leaves the page it was made on (an order
// confirmation, an API answer, an e-mail text): on the store's primary domain when it has one
// (the host every other address redirects to, http/middleware/primary_domain.hpp), otherwise on
// the address the shopper used.
#pragma once

#include <string>
#include <string_view>

#include "http/context.hpp"
#include "http/message.hpp"
#include "web/services.hpp"

namespace orion::web {

// `path` is a storefront path as a store host serves it ("/shop/orders/R-1001", decoded).
// Primary domain set: "<canonical_scheme>://<primary><path>". Otherwise the request's own
// origin (https when it came over TLS or through a trusted proxy that says so; the Host's port
// kept) and its mode's prefix: "http://platform.test:8080/stores/orion/shop/orders/R-1001".
// Needs a request with a store.
std::string canonical_store_url(const Services& services, const http::Request& request,
                                const http::RequestContext& context, std::string_view path);

// ":8080" when a Host header names a port, else "".
std::string port_suffix(std::string_view host);

}  // namespace orion::web

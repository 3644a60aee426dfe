// What the middleware chain learns about a request and hands down: DESIGN.md §1's
// RequestContext. Per request; handlers are const and shared.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/detection.hpp"
#include "http/server.hpp"
#include "storage/records.hpp"

namespace orion::http {

struct RequestContext {
  std::string request_id;
  Peer peer;  // peer.tls also set when a trusted proxy says the client came over https
  // The client as a trusted proxy's X-Forwarded-For names it (middleware/forwarded.hpp); none:
  // the peer is the client.
  std::optional<boost::asio::ip::address> client;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Set by StoreContext: the store (or none), detection mode, context type, clean path.
  std::optional<core::Resolution> resolution;
  // Set by StoreContext: the resolution came from the in-memory directory while the change feed
  // was current. Only then may the page cache answer or keep a page: otherwise this process
  // cannot prove it knows every change (http/store_lookup.hpp).
  bool current = false;
  // Set by ThemeContext for a request with a store: that store's theme (a shared snapshot).
  std::shared_ptr<const storage::Theme> theme;
  // The request's body, still unread when the server hands the request over (none: the request
  // already holds it, as in tests of the chain alone). The router reads it before a route's
  // handler runs, or leaves that to a route that checks the head first (http::read_body).
  RequestBody* body = nullptr;
  std::uint64_t body_limit = 0;  // set by the router: the matched route's limit
  // Set by a handler whose 200 answer to a GET depends on nothing but the page cache's key (store,
  // scheme, host, mode, clean path, query) and the store's data — no cookie, no session, no other
  // header — so that it may be kept and served to every shopper (http/page_cache.hpp). Opt-in:
  // only the storefront handlers that are safe set it.
  bool cacheable = false;
};

// The client's address: the one a trusted proxy's X-Forwarded-For names (middleware/forwarded.hpp),
// else the TCP peer, an IPv4-mapped IPv6 peer as the IPv4 address it maps. The one definition that
// every per-client rule (sign-in throttle, rate limits, the access log) keys on: behind the shipped
// proxies the TCP peer of every request is 127.0.0.1.
boost::asio::ip::address client_address(const RequestContext& context);

// The key a per-client limit counts under: the client address as text, an IPv6 address cut to its
// /64 (one subscriber usually holds a whole /64, so a /128 key would be free to rotate).
std::string client_key(const RequestContext& context);

}  // namespace orion::http

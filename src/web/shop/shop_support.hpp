// What the storefront's handlers share (web/shop/): links that keep the routing mode, the page
// data every page starts from (store name, theme, navigation), HTML responses with their
// security headers, the themed error pages, money, the per-client rate limits, and the
// server-side cart: a sessions row of kind "shopper" for one store, found through the
// `orion_cart` cookie, begun by the first cart write (no storefront GET writes anything).
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <kainjow/mustache.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/context.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "storage/records.hpp"
#include "web/services.hpp"

namespace orion::web::shop {

namespace mustache = kainjow::mustache;

inline constexpr std::int64_t kProductsPerPage = 12;
inline constexpr std::string_view kCartCookie = "orion_cart";
inline constexpr std::int64_t kCartLifetimeSeconds = 14 * 24 * 3600;

// A storefront link in the mode the page was reached by: base_path + "/shop" + `path`
// ("/stores/orion/shop/products" on a path-based page, "/shop/products" on a store host).
std::string shop_url(const core::Resolution& resolution, std::string_view path);

// The data every storefront page starts from: title, site_name (the store's name), home_url,
// shop (the mode's "/shop" prefix), nav, theme (sanitised), context "shop". Needs a store.
mustache::data page_data(const http::RequestContext& context, std::string_view title);

// A text/html response with the page's security headers: a Content-Security-Policy without any
// script, nosniff, no framing. `personal`: the page carries a session's CSRF token or order,
// so no cache may keep it.
http::Response html_response(http::Status status, std::string html, bool personal);
http::Response render_page(const Services& services, http::Status status, std::string_view name,
                           const mustache::data& data, bool personal = false);

// A themed page with a heading and a message (403, 422, ...), linking back to `back_url` (the
// store's home when empty). Without a store: the store-not-found page.
http::Response message_page(const Services& services, const http::RequestContext& context,
                            http::Status status, std::string_view heading, std::string_view message,
                            std::string_view back_url = {});
// 404: the themed page when the request has a store, else "store not found".
http::Response not_found_page(const Services& services, const http::RequestContext& context,
                              std::string_view message);
http::Response store_not_found_page(const Services& services, const http::RequestContext& context);

// The store-not-found page's two variants (asked on the platform's own host, or on any other),
// rendered once at start: the page names the platform, never the host asked for, so a flood of
// unknown hosts costs no render and no memory per host (issue 15, point 4). Services holds one.
class StoreNotFoundPages {
 public:
  StoreNotFoundPages(const Templates& templates, std::string_view platform_domain);
  [[nodiscard]] const std::string& html(bool on_platform) const {
    return html_[on_platform ? 1 : 0];
  }

 private:
  std::array<std::string, 2> html_;
};
// A storage or core error as a page with its status (http::status_of).
http::Response error_page(const Services& services, const http::RequestContext& context,
                          const core::Error& error);

// "12.50 EUR"
std::string format_money(std::int64_t cents, std::string_view currency);

// A product as the templates show it: id, name, description, sku, price, url, image_url (only
// when safe_asset_url accepts it), in_stock.
mustache::data product_data(const core::Resolution& resolution,
                            const storage::ProductRecord& product);

// Whether `query` (without the '?') is one the storefront's own links produce, so that the page
// cache may keep the answer under it: each parameter one of `names`, at most once, its value a
// positive decimal in canonical form ("2", not "02" or "+2"). The empty query qualifies. A page
// asked with anything else is still answered, but not kept: made-up query strings would each keep
// a copy of the same page and push real pages out of the cache.
bool canonical_query(std::string_view query, std::span<const std::string_view> names);

// A positive decimal id ("42"); none for anything else.
std::optional<std::int64_t> parse_id(std::string_view text);

// The cart kept in the session's data: its lines, and the order numbers this session placed
// (which alone may see their confirmation pages).
struct Cart {
  std::vector<storage::OrderLine> lines;
  std::vector<std::string> orders;

  [[nodiscard]] std::int64_t items() const noexcept;
};
// Unreadable data is an empty cart.
Cart parse_cart(std::string_view json);
std::string serialize_cart(const Cart& cart);

struct CartSession {
  std::string cookie;  // the cookie value (never stored)
  storage::SessionRecord record;
  Cart cart;
  bool created = false;  // new in this request: the response must set the cookie
};

// Blocking (call inside http::offload): the cart session the request's `orion_cart` cookie
// names, if it is an unexpired shopper session of `store_id`; a session of another store is
// ignored. Opens and closes its own platform transaction.
core::Result<std::optional<CartSession>> find_cart(storage::Database& database,
                                                   const http::Request& request,
                                                   std::int64_t store_id);
// The same, creating a new session when there is none.
core::Result<CartSession> find_or_create_cart(storage::Database& database,
                                              const http::Request& request, std::int64_t store_id);
// Writes the session's cart back.
core::Result<void> save_cart(storage::Database& database, const CartSession& session);

// Sets the `orion_cart` cookie on `response` when the session is new: HttpOnly, SameSite=Lax,
// Secure over TLS, Path = base_path + "/shop/", no Domain (host-only).
void set_cart_cookie(http::Response& response, const http::RequestContext& context,
                     const CartSession& session);

// What the storefront rate-limits per client (http::client_key), each against its ShopLimits.
enum class Limited : std::uint8_t { order, cart_write };
// Blocking: counts this request of the client (storage::rate_limit, in the database, so every
// instance counts the same). 0: go ahead; else the seconds to wait before trying again.
core::Result<std::int64_t> rate_limited(const Services& services,
                                        const http::RequestContext& context, Limited what);
// The sentence for a refused request: "Too many orders from your address. Try again in 5
// minutes."
std::string rate_limit_message(Limited what, std::int64_t retry_after);
// The themed 429 page with Retry-After.
http::Response too_many_requests_page(const Services& services, const http::RequestContext& context,
                                      Limited what, std::int64_t retry_after);

}  // namespace orion::web::shop

// The storefront's shared pieces (see shop_support.hpp).
#include "web/shop/shop_support.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "http/error_status.hpp"
#include "storage/rate_limit.hpp"
#include "storage/sessions.hpp"
#include "web/shop/theme_view.hpp"
#include "web/templates.hpp"

namespace orion::web::shop {

namespace beast_http = boost::beast::http;
namespace json = boost::json;
using http::Response;
using http::Status;

namespace {

// No script at all; styles from this site and the page's own <style> (whose values are
// sanitised); images from this site or https; forms post back to this site only.
constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data:; font-src 'self' https:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::size_t kMaxCookieValue = 256;
constexpr std::size_t kMaxRememberedOrders = 20;

}  // namespace

std::string shop_url(const core::Resolution& resolution, std::string_view path) {
  std::string url(resolution.base_path.view());
  url += "/shop";
  url += path;
  return url;
}

mustache::data page_data(const http::RequestContext& context, std::string_view title) {
  const core::Resolution& r = *context.resolution;
  mustache::data data;
  data.set("title", std::string(title));
  data.set("context", "shop");
  if (r.store) {
    data.set("site_name", r.store->name());
  }
  data.set("home_url", shop_url(r, "/"));
  data.set("shop", shop_url(r, ""));
  mustache::data nav{mustache::data::type::list};
  for (const auto& [label, path] :
       {std::pair{"Home", "/"}, std::pair{"Products", "/products"}, std::pair{"Cart", "/cart"}}) {
    mustache::data link;
    link.set("label", label);
    link.set("href", shop_url(r, path));
    nav.push_back(link);
  }
  data.set("nav", nav);
  if (context.theme) {
    data.set("theme",
             theme_data(*context.theme,
                        shop_url(r, "/theme.css?v=" + std::to_string(context.theme->updated_at))));
  }
  return data;
}

Response html_response(Status status, std::string html, bool personal) {
  Response response = http::make_response(status, std::move(html), "text/html; charset=utf-8");
  response.set("Content-Security-Policy", kPagePolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  if (personal) {
    response.set(beast_http::field::cache_control, "private, no-store");
  }
  return response;
}

Response render_page(const Services& services, Status status, std::string_view name,
                     const mustache::data& data, bool personal) {
  return html_response(status, services.templates.render(name, data), personal);
}

Response message_page(const Services& services, const http::RequestContext& context, Status status,
                      std::string_view heading, std::string_view message,
                      std::string_view back_url) {
  if (!context.resolution->store) {
    return store_not_found_page(services, context);
  }
  mustache::data data = page_data(context, heading);
  data.set("status", std::to_string(static_cast<unsigned>(status)));
  data.set("heading", std::string(heading));
  data.set("message", std::string(message));
  data.set("back_url",
           back_url.empty() ? shop_url(*context.resolution, "/") : std::string(back_url));
  return render_page(services, status, "shop/message", data);
}

Response not_found_page(const Services& services, const http::RequestContext& context,
                        std::string_view message) {
  return message_page(services, context, Status::not_found, "Page not found", message);
}

Response store_not_found_page(const Services& services, const http::RequestContext& context) {
  const bool on_platform = context.resolution->role == core::HostRole::platform;
  return html_response(Status::not_found, services.store_not_found->html(on_platform), false);
}

StoreNotFoundPages::StoreNotFoundPages(const Templates& templates,
                                       std::string_view platform_domain) {
  for (const bool on_platform : {false, true}) {
    mustache::data data;
    data.set("title", "Store not found");
    data.set("site_name", "Orion");
    data.set("context", "platform");
    data.set("home_url", on_platform ? std::string("/") : std::string());
    data.set("on_platform", on_platform);
    data.set("platform_domain", std::string(platform_domain));
    html_[on_platform ? 1 : 0] = templates.render("shop/store_not_found", data);
  }
}

Response error_page(const Services& services, const http::RequestContext& context,
                    const core::Error& error) {
  const Status status = http::status_of(error.code);
  if (status == Status::not_found) {
    return not_found_page(services, context, error.message);
  }
  if (static_cast<unsigned>(status) >= 500) {
    services.log->error("request_id={} storefront: {}", context.request_id, error.message);
    return message_page(services, context, status, "Something went wrong",
                        "We could not complete your request. Please try again in a moment. "
                        "Request id: " +
                            context.request_id);
  }
  return message_page(services, context, status, "That did not work", error.message);
}

std::string format_money(std::int64_t cents, std::string_view currency) {
  const bool negative = cents < 0;
  const unsigned long long magnitude = negative ? static_cast<unsigned long long>(-(cents + 1)) + 1
                                                : static_cast<unsigned long long>(cents);
  std::array<char, 48> text{};
  std::snprintf(text.data(), text.size(), "%s%llu.%02llu", negative ? "-" : "", magnitude / 100,
                magnitude % 100);
  std::string out = text.data();
  out += ' ';
  out += currency;
  return out;
}

mustache::data product_data(const core::Resolution& resolution,
                            const storage::ProductRecord& product) {
  mustache::data data;
  data.set("id", std::to_string(product.id));
  data.set("name", product.name);
  data.set("description", product.description);
  if (product.sku) {
    data.set("sku", *product.sku);
  }
  data.set("price", format_money(product.price_cents, product.currency));
  data.set("url", shop_url(resolution, "/products/" + std::to_string(product.id)));
  if (product.image_url) {
    if (auto image = safe_asset_url(*product.image_url)) {
      data.set("image_url", *image);
    }
  }
  data.set("in_stock", !product.stock || *product.stock > 0);
  return data;
}

bool canonical_query(std::string_view query, std::span<const std::string_view> names) {
  std::vector<std::string_view> seen;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return false;
    }
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (std::find(names.begin(), names.end(), name) == names.end() ||
        std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return false;
    }
    const auto number = parse_id(value);
    if (!number || std::to_string(*number) != value) {
      return false;
    }
    seen.push_back(name);
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
    if (query.empty()) {
      return false;  // a trailing '&'
    }
  }
  return true;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || text.front() == '+' || ec != std::errc{} || ptr != end || id < 1) {
    return std::nullopt;
  }
  return id;
}

std::int64_t Cart::items() const noexcept {
  std::int64_t n = 0;
  for (const auto& line : lines) {
    n += line.quantity;
  }
  return n;
}

Cart parse_cart(std::string_view text) {
  Cart cart;
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return cart;
  }
  const json::object& object = value.get_object();
  if (const auto* lines = object.if_contains("lines"); lines && lines->is_array()) {
    for (const json::value& line : lines->get_array()) {
      const auto* fields = line.if_object();
      if (fields == nullptr) {
        continue;
      }
      const auto* id = fields->if_contains("product_id");
      const auto* quantity = fields->if_contains("quantity");
      if (id && quantity && id->is_int64() && quantity->is_int64()) {
        cart.lines.push_back({id->get_int64(), quantity->get_int64()});
      }
    }
  }
  if (const auto* orders = object.if_contains("orders"); orders && orders->is_array()) {
    for (const json::value& number : orders->get_array()) {
      if (number.is_string()) {
        cart.orders.emplace_back(number.get_string());
      }
    }
  }
  return cart;
}

std::string serialize_cart(const Cart& cart) {
  json::array lines;
  for (const auto& line : cart.lines) {
    lines.push_back(json::object{{"product_id", line.product_id}, {"quantity", line.quantity}});
  }
  json::array orders;
  const std::size_t skip =
      cart.orders.size() > kMaxRememberedOrders ? cart.orders.size() - kMaxRememberedOrders : 0;
  for (std::size_t i = skip; i < cart.orders.size(); ++i) {
    orders.emplace_back(cart.orders[i]);
  }
  return json::serialize(json::object{{"lines", std::move(lines)}, {"orders", std::move(orders)}});
}

namespace {

// Every `orion_cart` value the request carries (a browser may send more than one).
std::vector<std::string> cart_cookies(const http::Request& request) {
  std::vector<std::string> values;
  const auto headers = request.equal_range(beast_http::field::cookie);
  for (auto it = headers.first; it != headers.second; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const std::size_t semicolon = rest.find(';');
      const std::string_view pair = core::text::trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos ||
          core::text::trim(pair.substr(0, equals)) != kCartCookie) {
        continue;
      }
      const std::string_view value = core::text::trim(pair.substr(equals + 1));
      if (!value.empty() && value.size() <= kMaxCookieValue) {
        values.emplace_back(value);
      }
    }
  }
  return values;
}

}  // namespace

core::Result<std::optional<CartSession>> find_cart(storage::Database& database,
                                                   const http::Request& request,
                                                   std::int64_t store_id) {
  const auto cookies = cart_cookies(request);
  if (cookies.empty()) {
    return std::optional<CartSession>();
  }
  auto tx = database.begin_platform(storage::Access::read);
  if (!tx) {
    return tx.error();
  }
  for (const std::string& cookie : cookies) {
    auto found = storage::sessions::find(*tx, cookie);
    if (!found) {
      return found.error();
    }
    if (*found && (*found)->kind == "shopper" && (*found)->store_id == store_id) {
      CartSession session{cookie, std::move(**found), {}, false};
      session.cart = parse_cart(session.record.data);
      return std::optional<CartSession>(std::move(session));
    }
  }
  return std::optional<CartSession>();
}

core::Result<CartSession> find_or_create_cart(storage::Database& database,
                                              const http::Request& request, std::int64_t store_id) {
  auto found = find_cart(database, request, store_id);
  if (!found) {
    return found.error();
  }
  if (*found) {
    return std::move(**found);
  }
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  storage::sessions::NewSession fresh;
  fresh.store_id = store_id;
  fresh.kind = "shopper";
  fresh.lifetime_seconds = kCartLifetimeSeconds;
  auto created = storage::sessions::create(*tx, fresh);
  if (!created) {
    return created.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return CartSession{std::move(created->cookie_value), std::move(created->record), {}, true};
}

core::Result<void> save_cart(storage::Database& database, const CartSession& session) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  if (auto saved = storage::sessions::save_data(*tx, session.cookie, serialize_cart(session.cart));
      !saved) {
    return saved.error();
  }
  return tx->commit();
}

void set_cart_cookie(Response& response, const http::RequestContext& context,
                     const CartSession& session) {
  if (!session.created) {
    return;
  }
  std::string cookie(kCartCookie);
  cookie += '=';
  cookie += session.cookie;
  cookie += "; Path=";
  cookie += shop_url(*context.resolution, "/");
  cookie += "; Max-Age=" + std::to_string(kCartLifetimeSeconds);
  cookie += "; HttpOnly; SameSite=Lax";
  if (context.peer.tls) {
    cookie += "; Secure";
  }
  response.insert(beast_http::field::set_cookie, cookie);
}

core::Result<std::int64_t> rate_limited(const Services& services,
                                        const http::RequestContext& context, Limited what) {
  const ShopLimits& limits = services.shop;
  const storage::rate_limit::Policy policy =
      what == Limited::order
          ? storage::rate_limit::Policy{"shop_orders", limits.order_limit, limits.order_window_s}
          : storage::rate_limit::Policy{"shop_cart", limits.cart_limit, limits.cart_window_s};
  if (!policy.enabled()) {
    return 0;
  }
  auto tx = services.database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto wait = storage::rate_limit::hit(*tx, policy, http::client_key(context));
  if (!wait) {
    return wait.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return *wait;
}

std::string rate_limit_message(Limited what, std::int64_t retry_after) {
  const std::int64_t minutes = (retry_after + 59) / 60;
  std::string message = what == Limited::order ? "Too many orders from your address."
                                               : "Too many cart changes from your address.";
  message += " Try again in ";
  message += retry_after < 60
                 ? std::to_string(retry_after) + (retry_after == 1 ? " second" : " seconds")
                 : std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
  message += '.';
  return message;
}

Response too_many_requests_page(const Services& services, const http::RequestContext& context,
                                Limited what, std::int64_t retry_after) {
  Response response =
      message_page(services, context, Status::too_many_requests, "Please slow down",
                   rate_limit_message(what, retry_after), shop_url(*context.resolution, "/cart"));
  response.set(beast_http::field::retry_after, std::to_string(retry_after));
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace orion::web::shop

// The storefront's HTML pages (DESIGN.md §4, issue 4 point 3), registered in the SHOP context on
// clean paths so that each serves all three routing modes: home, the product list and detail,
// the cart, guest checkout and the order confirmation, the store's custom stylesheet, and the
// SHOP context's not-found page. No GET writes anything or sets a cookie (DESIGN.md §7): a cart
// session begins at the first cart write; the forms are checked by their origin, not by a token.
// Each handler runs whole on the blocking pool (database, then template): the I/O thread only
// awaits it.
#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "http/query.hpp"
#include "http/same_origin.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/sessions.hpp"
#include "web/api/api_call.hpp"
#include "web/canonical_url.hpp"
#include "web/shop/shop.hpp"
#include "web/shop/shop_support.hpp"
#include "web/shop/theme_view.hpp"

namespace orion::web::shop {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = beast_http::verb;

constexpr std::int64_t kHomeProducts = 8;

// A blocking page handler: runs on the blocking pool with a resolved store.
using PageWork = Response (*)(const Services&, const Request&, const RequestContext&,
                              const RouteParams&);

storage::TenantScope scope_of(const RequestContext& context) {
  return *storage::TenantScope::of(*context.resolution);
}

std::int64_t store_id(const RequestContext& context) { return context.resolution->store->id; }

Response see_other(std::string location) {
  Response response = http::make_response(Status::see_other, {}, "text/plain");
  response.set(beast_http::field::location, std::move(location));
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

// A storefront form POST that may go ahead: not sent from elsewhere (http::is_cross_site: the
// pages carry no per-visitor token, so that every anonymous shopper gets the same page, and the
// browser's Sec-Fetch-Site / Origin / Referer say where the form was) and within the client's
// rate limit. Otherwise the page that refuses it: 403, or 429 with Retry-After.
std::optional<Response> refuse_form(const Services& s, const Request& request,
                                    const RequestContext& context, Limited what) {
  if (http::is_cross_site(request, context)) {
    return message_page(s, context, Status::forbidden, "This form was not sent from this shop",
                        "For your safety the shop only takes forms sent from its own pages. "
                        "Go back to the shop, reload the page and try again.",
                        shop_url(*context.resolution, "/cart"));
  }
  auto wait = rate_limited(s, context, what);
  if (!wait) {
    return error_page(s, context, wait.error());
  }
  if (*wait > 0) {
    return too_many_requests_page(s, context, what, *wait);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

Response home(const Services& s, const Request&, const RequestContext& context,
              const RouteParams&) {
  auto tx = s.database.begin(scope_of(context), storage::Access::read);
  if (!tx) {
    return error_page(s, context, tx.error());
  }
  auto products = storage::products::list(*tx, storage::Page{kHomeProducts, 0}, true);
  if (!products) {
    return error_page(s, context, products.error());
  }
  mustache::data data = page_data(context, "Home");
  mustache::data list{mustache::data::type::list};
  for (const auto& product : *products) {
    list.push_back(product_data(*context.resolution, product));
  }
  data.set("products", list);
  data.set("has_products", !products->empty());
  return render_page(s, Status::ok, "shop/home", data);
}

Response products_page(const Services& s, const Request&, const RequestContext& context,
                       const RouteParams&) {
  const core::Resolution& r = *context.resolution;
  std::int64_t page = 1;
  if (const auto text = http::query_param(r.query, "page")) {
    const auto parsed = parse_id(*text);
    if (!parsed || *parsed > 1'000'000) {
      return message_page(s, context, Status::bad_request, "No such page",
                          "The page number must be a whole number from 1.",
                          shop_url(r, "/products"));
    }
    page = *parsed;
  }
  auto tx = s.database.begin(scope_of(context), storage::Access::read);
  if (!tx) {
    return error_page(s, context, tx.error());
  }
  auto listed = storage::products::list_with_total(
      *tx, storage::Page{kProductsPerPage, (page - 1) * kProductsPerPage}, true);
  if (!listed) {
    return error_page(s, context, listed.error());
  }
  const std::int64_t pages =
      std::max<std::int64_t>(1, (listed->total + kProductsPerPage - 1) / kProductsPerPage);
  if (page > pages) {
    return not_found_page(s, context,
                          "There is no page " + std::to_string(page) +
                              " of products; the last one is " + std::to_string(pages) + ".");
  }
  const std::vector<storage::ProductRecord>& products = listed->items;
  mustache::data data = page_data(context, "Products");
  mustache::data list{mustache::data::type::list};
  for (const auto& product : products) {
    list.push_back(product_data(r, product));
  }
  data.set("products", list);
  data.set("has_products", !products.empty());
  data.set("total", std::to_string(listed->total));
  data.set("page", std::to_string(page));
  data.set("pages", std::to_string(pages));
  if (page > 1) {
    data.set("prev_url", shop_url(r, "/products?page=" + std::to_string(page - 1)));
  }
  if (page < pages) {
    data.set("next_url", shop_url(r, "/products?page=" + std::to_string(page + 1)));
  }
  return render_page(s, Status::ok, "shop/products", data);
}

Response product_page(const Services& s, const Request&, const RequestContext& context,
                      const RouteParams& params) {
  const auto id = parse_id(params.get("id"));
  if (!id) {
    return not_found_page(s, context, "This shop has no such product.");
  }
  std::optional<storage::ProductRecord> product;
  {
    auto tx = s.database.begin(scope_of(context), storage::Access::read);
    if (!tx) {
      return error_page(s, context, tx.error());
    }
    auto found = storage::products::get(*tx, *id);
    if (!found) {
      return error_page(s, context, found.error());
    }
    product = std::move(*found);
  }
  if (!product || !product->is_active) {
    return not_found_page(s, context, "This shop has no such product.");
  }
  // The same page for every shopper: the add-to-cart form carries no token and no session is
  // begun here (a crawler's visit writes nothing); the first cart write begins one.
  mustache::data data = page_data(context, product->name);
  data.set("product", product_data(*context.resolution, *product));
  return render_page(s, Status::ok, "shop/product", data);
}

// The cart page for `session` (none: an empty cart), with an optional error above it.
Response cart_view(const Services& s, const RequestContext& context,
                   const std::optional<CartSession>& session, Status status,
                   std::string_view error = {}, std::string_view email = {}) {
  const core::Resolution& r = *context.resolution;
  mustache::data data = page_data(context, "Cart");
  mustache::data lines{mustache::data::type::list};
  std::int64_t total = 0;
  std::string currency;
  if (session && !session->cart.lines.empty()) {
    auto tx = s.database.begin(scope_of(context), storage::Access::read);
    if (!tx) {
      return error_page(s, context, tx.error());
    }
    for (const auto& line : session->cart.lines) {
      auto product = storage::products::get(*tx, line.product_id);
      if (!product) {
        return error_page(s, context, product.error());
      }
      mustache::data row;
      row.set("product_id", std::to_string(line.product_id));
      row.set("quantity", std::to_string(line.quantity));
      if (*product && (*product)->is_active) {
        const storage::ProductRecord& p = **product;
        row.set("name", p.name);
        row.set("url", shop_url(r, "/products/" + std::to_string(p.id)));
        row.set("unit_price", format_money(p.price_cents, p.currency));
        row.set("line_total", format_money(p.price_cents * line.quantity, p.currency));
        total += p.price_cents * line.quantity;
        if (currency.empty()) {
          currency = p.currency;
        }
      } else {
        row.set("name", "A product no longer available");
        row.set("url", shop_url(r, "/products"));
        row.set("unit_price", "-");
        row.set("line_total", "-");
      }
      lines.push_back(row);
    }
  }
  const bool has_lines = session && !session->cart.lines.empty();
  data.set("lines", lines);
  data.set("has_lines", has_lines);
  data.set("total", format_money(total, currency.empty() ? "EUR" : currency));
  if (!error.empty()) {
    data.set("error", std::string(error));
  }
  data.set("customer_email", std::string(email));
  return render_page(s, status, "shop/cart", data, true);
}

Response cart_page(const Services& s, const Request& request, const RequestContext& context,
                   const RouteParams&) {
  auto session = find_cart(s.database, request, store_id(context));
  if (!session) {
    return error_page(s, context, session.error());
  }
  return cart_view(s, context, *session, Status::ok);
}

Response cart_add(const Services& s, const Request& request, const RequestContext& context,
                  const RouteParams&) {
  const std::string& form = request.body();
  if (auto refused = refuse_form(s, request, context, Limited::cart_write)) {
    return std::move(*refused);
  }
  const auto product_id = parse_id(http::form_field(form, "product_id").value_or(""));
  if (!product_id) {
    return message_page(s, context, Status::unprocessable_entity, "No product chosen",
                        "product_id must name a product of this shop.");
  }
  std::int64_t quantity = 1;
  if (const auto text = http::form_field(form, "quantity"); text && !text->empty()) {
    const auto parsed = parse_id(core::text::trim(*text));
    if (!parsed || *parsed > storage::orders::kMaxQuantity) {
      return message_page(
          s, context, Status::unprocessable_entity, "Check the quantity",
          "The quantity must be a whole number from 1 to 10000.",
          shop_url(*context.resolution, "/products/" + std::to_string(*product_id)));
    }
    quantity = *parsed;
  }
  {
    auto tx = s.database.begin(scope_of(context));
    if (!tx) {
      return error_page(s, context, tx.error());
    }
    auto product = storage::products::get(*tx, *product_id);
    if (!product) {
      return error_page(s, context, product.error());
    }
    // A product of another store is simply not found in this store's scope.
    if (!*product || !(*product)->is_active) {
      return message_page(s, context, Status::unprocessable_entity, "Not available",
                          "That product is not for sale in this shop.");
    }
  }
  // The first cart write begins the cart session (and sets its cookie).
  auto session = find_or_create_cart(s.database, request, store_id(context));
  if (!session) {
    return error_page(s, context, session.error());
  }
  CartSession& cart = *session;
  auto line = std::find_if(cart.cart.lines.begin(), cart.cart.lines.end(),
                           [&](const auto& l) { return l.product_id == *product_id; });
  if (line == cart.cart.lines.end()) {
    if (cart.cart.lines.size() >= storage::orders::kMaxLines) {
      return message_page(s, context, Status::unprocessable_entity, "Your cart is full",
                          "A cart holds at most 100 different products.",
                          shop_url(*context.resolution, "/cart"));
    }
    cart.cart.lines.push_back({*product_id, quantity});
  } else if (line->quantity + quantity > storage::orders::kMaxQuantity) {
    return message_page(s, context, Status::unprocessable_entity, "Check the quantity",
                        "A cart holds at most 10000 of one product.",
                        shop_url(*context.resolution, "/cart"));
  } else {
    line->quantity += quantity;
  }
  if (auto saved = save_cart(s.database, cart); !saved) {
    return error_page(s, context, saved.error());
  }
  Response response = see_other(shop_url(*context.resolution, "/cart"));
  set_cart_cookie(response, context, cart);
  return response;
}

Response cart_remove(const Services& s, const Request& request, const RequestContext& context,
                     const RouteParams& params) {
  if (auto refused = refuse_form(s, request, context, Limited::cart_write)) {
    return std::move(*refused);
  }
  auto session = find_cart(s.database, request, store_id(context));
  if (!session) {
    return error_page(s, context, session.error());
  }
  if (!*session) {
    return see_other(shop_url(*context.resolution, "/cart"));
  }
  const auto product_id = parse_id(params.get("id"));
  auto& lines = (*session)->cart.lines;
  const auto before = lines.size();
  if (product_id) {
    std::erase_if(lines, [&](const auto& l) { return l.product_id == *product_id; });
  }
  if (lines.size() != before) {
    if (auto saved = save_cart(s.database, **session); !saved) {
      return error_page(s, context, saved.error());
    }
  }
  return see_other(shop_url(*context.resolution, "/cart"));
}

Response checkout(const Services& s, const Request& request, const RequestContext& context,
                  const RouteParams&) {
  const std::string& form = request.body();
  if (auto refused = refuse_form(s, request, context, Limited::order)) {
    return std::move(*refused);
  }
  auto session = find_cart(s.database, request, store_id(context));
  if (!session) {
    return error_page(s, context, session.error());
  }
  const std::string email(core::text::trim(http::form_field(form, "customer_email").value_or("")));
  if (!*session || (*session)->cart.lines.empty()) {
    return cart_view(s, context, *session, Status::unprocessable_entity,
                     "Your cart is empty: add a product before checking out.", email);
  }
  CartSession& cart = **session;
  if (email.empty()) {
    return cart_view(s, context, *session, Status::unprocessable_entity,
                     "Enter your e-mail address to place the order.", email);
  }
  std::string number;
  std::optional<core::Error> refused;
  bool consumed_meanwhile = false;
  {
    // The customer (created if new), the order with the store's next number, its items with
    // their prices copied, and the cart consumed: one transaction, all or nothing. The cart is
    // replaced only if it is still the one this request read, so of two submits of one cart
    // (a double click) exactly one makes an order; the other's order is rolled back.
    auto tx = s.database.begin(scope_of(context));
    if (!tx) {
      return error_page(s, context, tx.error());
    }
    auto order = storage::orders::create(*tx, email, cart.cart.lines);
    if (!order) {
      const Status status = http::status_of(order.error().code);
      if (status != Status::unprocessable_entity && status != Status::conflict) {
        return error_page(s, context, order.error());
      }
      refused = order.error();
    } else {
      Cart emptied = cart.cart;
      emptied.lines.clear();
      emptied.orders.push_back(order->order_number);
      auto replaced = storage::sessions::replace_shopper_data(*tx, cart.cookie, cart.record.data,
                                                              serialize_cart(emptied));
      if (!replaced) {
        return error_page(s, context, replaced.error());
      }
      if (!*replaced) {
        consumed_meanwhile = true;
      } else if (auto committed = tx->commit(); !committed) {
        return error_page(s, context, committed.error());
      } else {
        number = order->order_number;
      }
    }
  }  // the transaction is gone (committed or rolled back) before the cart page opens its own
  if (refused) {
    return cart_view(s, context, *session, http::status_of(refused->code), refused->message, email);
  }
  if (consumed_meanwhile) {
    // Another submit of this cart placed the order first: show that order.
    auto now = find_cart(s.database, request, store_id(context));
    if (!now) {
      return error_page(s, context, now.error());
    }
    if (*now && (*now)->cart.lines.empty() && !(*now)->cart.orders.empty()) {
      return see_other(shop_url(*context.resolution, "/orders/" + (*now)->cart.orders.back()));
    }
    return cart_view(s, context, *now, Status::conflict,
                     "Your cart changed while the order was being placed. Check it and place the "
                     "order again.",
                     email);
  }
  return see_other(shop_url(*context.resolution, "/orders/" + number));
}

Response order_page(const Services& s, const Request& request, const RequestContext& context,
                    const RouteParams& params) {
  const std::string number(params.get("number"));
  auto session = find_cart(s.database, request, store_id(context));
  if (!session) {
    return error_page(s, context, session.error());
  }
  const auto& orders = *session ? (*session)->cart.orders : std::vector<std::string>{};
  if (std::find(orders.begin(), orders.end(), number) == orders.end()) {
    return not_found_page(s, context, "There is no such order for this cart.");
  }
  std::optional<storage::OrderRecord> order;
  {
    auto tx = s.database.begin(scope_of(context), storage::Access::read);
    if (!tx) {
      return error_page(s, context, tx.error());
    }
    auto found = storage::orders::find_by_number(*tx, number);
    if (!found) {
      return error_page(s, context, found.error());
    }
    order = std::move(*found);
  }
  if (!order) {
    return not_found_page(s, context, "There is no such order for this cart.");
  }
  mustache::data view;
  view.set("number", order->order_number);
  // The address to come back to (and to bookmark) is the canonical one: the primary domain's.
  view.set("url", canonical_store_url(s, request, context, "/shop/orders/" + order->order_number));
  view.set("email", order->customer_email);
  view.set("status", order->status);
  view.set("total", format_money(order->total_cents, order->currency));
  mustache::data items{mustache::data::type::list};
  for (const auto& item : order->items) {
    mustache::data row;
    row.set("name", item.product_name);
    if (item.sku) {
      row.set("sku", *item.sku);
    }
    row.set("quantity", std::to_string(item.quantity));
    row.set("unit_price", format_money(item.unit_price_cents, order->currency));
    row.set("line_total", format_money(item.unit_price_cents * item.quantity, order->currency));
    items.push_back(row);
  }
  view.set("items", items);
  mustache::data data = page_data(context, "Order " + order->order_number);
  data.set("order", view);
  return render_page(s, Status::ok, "shop/order", data, true);
}

// The query parameters of a page whose 200 the page cache may keep and serve to every shopper: a
// page that reads nothing of the request but its store, mode, path and these parameters (no
// cookie: no cart, no session), asked with a query its own links produce (canonical_query), so
// that its bytes are the same for everyone (http::RequestContext::cacheable). None: never kept.
using CacheQuery = std::optional<std::vector<std::string_view>>;

// Registers a page: a request without a store gets the store-not-found page; the rest runs on
// the blocking pool.
void add_page(http::Router& router, const Services& services, verb method, std::string pattern,
              PageWork work, CacheQuery cache_query = std::nullopt) {
  const Services* s = &services;
  router.add(core::ContextType::shop, method, std::move(pattern),
             [s, work, cache_query](Request& request, RequestContext& context,
                                    const RouteParams& params) -> asio::awaitable<Response> {
               if (!context.resolution->store) {
                 co_return store_not_found_page(*s, context);
               }
               context.cacheable =
                   cache_query && canonical_query(context.resolution->query, *cache_query);
               co_return co_await http::offload(s->blocking,
                                                [&] { return work(*s, request, context, params); });
             });
}

}  // namespace

void add_storefront_pages(http::Router& router, const Services& services) {
  // Home, the product list and product pages read the store, its theme, its products and the
  // query only: cacheable. The cart and order pages read the cart cookie: never.
  const CacheQuery no_query(std::in_place);
  add_page(router, services, verb::get, "/shop/", home, no_query);
  add_page(router, services, verb::get, "/shop/products", products_page,
           CacheQuery(std::vector<std::string_view>{"page"}));
  add_page(router, services, verb::get, "/shop/products/{id}", product_page, no_query);
  add_page(router, services, verb::get, "/shop/cart", cart_page);
  add_page(router, services, verb::post, "/shop/cart/items", cart_add);
  add_page(router, services, verb::post, "/shop/cart/items/{id}/remove", cart_remove);
  add_page(router, services, verb::post, "/shop/checkout", checkout);
  add_page(router, services, verb::get, "/shop/orders/{number}", order_page);

  // The form targets opened directly (a reload, a bookmark, a crawler following form actions):
  // back to the cart rather than a bare 405.
  for (const char* form_target :
       {"/shop/cart/items", "/shop/cart/items/{id}/remove", "/shop/checkout"}) {
    add_page(router, services, verb::get, form_target,
             [](const Services&, const Request&, const RequestContext& context,
                const RouteParams&) { return see_other(shop_url(*context.resolution, "/cart")); });
  }

  const Services* s = &services;
  // The store's custom CSS, sanitised, as its own stylesheet: never inline in a page.
  router.add(
      core::ContextType::shop, verb::get, "/shop/theme.css",
      [s](Request&, RequestContext& context, const RouteParams&) -> asio::awaitable<Response> {
        if (!context.resolution->store) {
          co_return store_not_found_page(*s, context);
        }
        // The store's theme alone, asked as the pages link it (?v=<theme's updated_at>).
        const std::string& query = context.resolution->query;
        context.cacheable =
            query.empty() ||
            (context.theme && query == "v=" + std::to_string(context.theme->updated_at));
        std::string css =
            context.theme ? sanitize_custom_css(context.theme->custom_css) : std::string();
        Response response =
            http::make_response(Status::ok, std::move(css), "text/css; charset=utf-8");
        response.set("X-Content-Type-Options", "nosniff");
        response.set(beast_http::field::cache_control, "public, max-age=300");
        co_return response;
      });

  router.set_not_found(
      core::ContextType::shop,
      [s](Request&, RequestContext& context, const RouteParams&) -> asio::awaitable<Response> {
        const std::string& path = context.resolution->clean_path;
        if (path.starts_with("/shop/api/") || path == "/shop/api") {
          co_return api::respond(api::not_found(context.resolution->store
                                                    ? "no such storefront API route"
                                                    : "no store at this address"));
        }
        if (!context.resolution->store) {
          co_return store_not_found_page(*s, context);
        }
        co_return not_found_page(*s, context, "We could not find the page you asked for.");
      });
}

}  // namespace orion::web::shop

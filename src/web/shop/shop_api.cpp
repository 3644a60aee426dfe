// The storefront's JSON API under /shop/api/ (DESIGN.md §4): the same products the pages show,
// and guest orders {"customer_email","items":[{"product_id","quantity"}]} → 201 with the order,
// rate-limited per client (429, Retry-After) and idempotent with an Idempotency-Key header (the
// same key and body → the same order, 200; the same key with another body → 422).
// Public (no token): it sees exactly what the store's shoppers see, in the store the request
// resolved to. Errors use the API's shape, naming the field at fault.
#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "http/query.hpp"
#include "storage/idempotency_keys.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/secrets.hpp"
#include "web/api/api_call.hpp"
#include "web/canonical_url.hpp"
#include "web/shop/shop.hpp"
#include "web/shop/shop_support.hpp"

namespace orion::web::shop {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using api::Failure;
using api::Outcome;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = boost::beast::http::verb;

constexpr std::int64_t kMaxLimit = 100;

// The public view of a product: the API's, plus its storefront URL in the request's mode.
json::object public_product(const core::Resolution& r, const storage::ProductRecord& product) {
  json::object object = api::product_json(product);
  object.erase("is_active");
  object["url"] = shop_url(r, "/products/" + std::to_string(product.id));
  return object;
}

// The public view of an order, with `url`: its confirmation page at the store's canonical address
// (web/canonical_url.hpp).
json::object public_order(const storage::OrderRecord& order, std::string url) {
  json::object object = api::order_json(order);
  object.erase("id");
  object["url"] = std::move(url);
  json::array items;
  for (const auto& item : order.items) {
    items.push_back(json::object{{"product_id", item.product_id},
                                 {"name", item.product_name},
                                 {"sku", item.sku ? json::value(*item.sku) : json::value(nullptr)},
                                 {"unit_price_cents", item.unit_price_cents},
                                 {"quantity", item.quantity},
                                 {"line_total_cents", item.unit_price_cents * item.quantity}});
  }
  object["items"] = std::move(items);
  return object;
}

// The order a replayed Idempotency-Key made.
Outcome<storage::OrderRecord> stored_order(storage::TenantTransaction& tx, std::int64_t id) {
  auto order = storage::orders::get(tx, id);
  if (!order) {
    return api::failure_of(order.error());
  }
  if (!*order) {
    return api::failure_of(
        core::make_error(core::Errc::internal, "the order of an idempotency key is gone"));
  }
  return std::move(**order);
}

// A query parameter as an integer in [min, max]; none when absent, 422 naming it otherwise.
Outcome<std::optional<std::int64_t>> query_number(std::string_view query, std::string_view name,
                                                  std::int64_t min, std::int64_t max) {
  const auto text = http::query_param(query, name);
  if (!text) {
    return std::optional<std::int64_t>();
  }
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc{} || ptr != end || value < min || value > max) {
    return api::invalid_field(
        name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(value);
}

// ?limit (1..100, default 12) and ?offset, or ?page (1-based, 12 a page).
Outcome<storage::Page> page_of(std::string_view query) {
  auto limit = query_number(query, "limit", 1, kMaxLimit);
  if (!limit) {
    return limit.error();
  }
  auto offset = query_number(query, "offset", 0, 1'000'000'000);
  if (!offset) {
    return offset.error();
  }
  auto page = query_number(query, "page", 1, 1'000'000);
  if (!page) {
    return page.error();
  }
  if (*page && *offset) {
    return api::invalid_field("page", "give either page or offset, not both");
  }
  storage::Page result;
  result.limit = limit->value_or(kProductsPerPage);
  result.offset = *page ? (**page - 1) * result.limit : offset->value_or(0);
  return result;
}

Outcome<Response> list_products(const Services& s, RequestContext& context) {
  auto page = page_of(context.resolution->query);
  if (!page) {
    return page.error();
  }
  auto tx = s.database.begin(*storage::TenantScope::of(*context.resolution), storage::Access::read);
  if (!tx) {
    return api::failure_of(tx.error());
  }
  auto listed = storage::products::list_with_total(*tx, *page, true);
  if (!listed) {
    return api::failure_of(listed.error());
  }
  const std::int64_t total = listed->total;
  // Kept by the page cache only as the storefront's own clients ask (page, limit) and within the
  // list: an offset, or a page past the end, is answered but never kept (so made-up queries
  // cannot fill the cache).
  static constexpr std::string_view kCacheQuery[] = {"page", "limit"};
  context.cacheable = canonical_query(context.resolution->query, kCacheQuery) &&
                      (page->offset == 0 || page->offset < total);
  json::array items;
  for (const auto& product : listed->items) {
    items.push_back(public_product(*context.resolution, product));
  }
  json::object body = api::list_envelope(std::move(items), total, *page);
  body["page"] = page->offset / page->limit + 1;
  body["pages"] = std::max<std::int64_t>(1, (total + page->limit - 1) / page->limit);
  return api::json_response(Status::ok, body);
}

Outcome<Response> get_product(const Services& s, const RequestContext& context,
                              const RouteParams& params) {
  const auto id = parse_id(params.get("id"));
  if (!id) {
    return api::not_found("no such product in this store");
  }
  auto tx = s.database.begin(*storage::TenantScope::of(*context.resolution), storage::Access::read);
  if (!tx) {
    return api::failure_of(tx.error());
  }
  auto product = storage::products::get(*tx, *id);
  if (!product) {
    return api::failure_of(product.error());
  }
  if (!*product || !(*product)->is_active) {
    return api::not_found("no such product in this store");
  }
  return api::json_response(Status::ok, public_product(*context.resolution, **product));
}

// The order's lines from the body: an array of 1..100 objects {product_id >= 1,
// quantity 1..10000}; 422 naming the element and member at fault.
Outcome<std::vector<storage::OrderLine>> order_lines(const json::object& body) {
  const json::value* items = body.if_contains("items");
  if (items == nullptr) {
    return api::missing_field("items");
  }
  if (!items->is_array()) {
    return api::invalid_field("items", "must be an array of {product_id, quantity}");
  }
  const json::array& array = items->get_array();
  if (array.empty()) {
    return api::invalid_field("items", "an order needs at least one item");
  }
  if (array.size() > storage::orders::kMaxLines) {
    return api::invalid_field("items", "an order has at most 100 items");
  }
  std::vector<storage::OrderLine> lines;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = "items[" + std::to_string(i) + "]";
    const json::object* item = array[i].if_object();
    if (item == nullptr) {
      return api::invalid_field(at, "must be an object {product_id, quantity}");
    }
    for (const auto& member : *item) {
      if (member.key() != "product_id" && member.key() != "quantity") {
        return api::invalid_field(at + "." + std::string(member.key()),
                                  "is not a field of an item (expected product_id, quantity)");
      }
    }
    auto product_id =
        api::integer_field(*item, "product_id", 1, std::numeric_limits<std::int64_t>::max());
    if (!product_id) {
      return api::invalid_field(at + ".product_id", "must be a positive integer");
    }
    if (!*product_id) {
      return api::missing_field(at + ".product_id");
    }
    auto quantity = api::integer_field(*item, "quantity", 1, storage::orders::kMaxQuantity);
    if (!quantity) {
      return api::invalid_field(at + ".quantity", "must be an integer from 1 to 10000");
    }
    if (!*quantity) {
      return api::missing_field(at + ".quantity");
    }
    lines.push_back({**product_id, **quantity});
  }
  return lines;
}

// 429 with Retry-After when the client placed too many orders.
Response too_many_orders(std::int64_t retry_after) {
  Response response = api::respond(Failure{Status::too_many_requests,
                                           "rate_limited",
                                           rate_limit_message(Limited::order, retry_after),
                                           {}});
  response.set(boost::beast::http::field::retry_after, std::to_string(retry_after));
  return response;
}

Outcome<Response> create_order(const Services& s, const Request& request,
                               const RequestContext& context) {
  auto wait = rate_limited(s, context, Limited::order);
  if (!wait) {
    return api::failure_of(wait.error());
  }
  if (*wait > 0) {
    return too_many_orders(*wait);
  }
  // Idempotency-Key (DESIGN.md §7): the same key and body get the order the first request made.
  std::optional<std::string> key;
  if (const auto header = request.find("Idempotency-Key"); header != request.end()) {
    key = std::string(core::text::trim(header->value()));
  }
  auto body = api::json_body(request);
  if (!body) {
    return body.error();
  }
  if (auto known = api::only_fields(*body, {"customer_email", "items"}); !known) {
    return known.error();
  }
  auto email = api::string_field(*body, "customer_email");
  if (!email) {
    return email.error();
  }
  if (!*email || core::text::trim(**email).empty()) {
    return api::missing_field("customer_email");
  }
  auto lines = order_lines(*body);
  if (!lines) {
    return lines.error();
  }
  auto tx = s.database.begin(*storage::TenantScope::of(*context.resolution));
  if (!tx) {
    return api::failure_of(tx.error());
  }
  const auto order_url = [&](const storage::OrderRecord& order) {
    return canonical_store_url(s, request, context, "/shop/orders/" + order.order_number);
  };
  if (key) {
    // Claimed in the transaction that creates the order: a concurrent request with the same key
    // waits for this one and then finds its order.
    auto claim = storage::idempotency_keys::claim(*tx, *key, storage::sha256_hex(request.body()),
                                                  s.shop.idempotency_key_ttl_s);
    if (!claim) {
      if (claim.error().code == core::Errc::invalid_input) {
        return api::invalid_field("Idempotency-Key", claim.error().message);
      }
      return api::failure_of(claim.error());
    }
    if (claim->kind == storage::idempotency_keys::Claim::Kind::reused) {
      return Failure{Status::unprocessable_entity, "idempotency_key_reused",
                     "this Idempotency-Key was already used with another request body; use a new "
                     "key for a new order",
                     "Idempotency-Key"};
    }
    if (claim->kind == storage::idempotency_keys::Claim::Kind::replay) {
      auto earlier = stored_order(*tx, *claim->order_id);
      if (!earlier) {
        return earlier.error();
      }
      return api::json_response(Status::ok, public_order(*earlier, order_url(*earlier)));
    }
  }
  // Each product must be an active product of this store: a product of another store is not
  // found in this store's scope, and the order is refused whole.
  for (std::size_t i = 0; i < lines->size(); ++i) {
    auto product = storage::products::get(*tx, (*lines)[i].product_id);
    if (!product) {
      return api::failure_of(product.error());
    }
    if (!*product || !(*product)->is_active) {
      return api::invalid_field(
          "items[" + std::to_string(i) + "].product_id",
          "no product " + std::to_string((*lines)[i].product_id) + " is for sale in this store");
    }
  }
  auto order = storage::orders::create(*tx, **email, *lines);
  if (!order) {
    const core::Error& error = order.error();
    if (error.code == core::Errc::invalid_input) {
      const bool about_email = error.message.find("e-mail") != std::string::npos;
      return api::invalid_field(about_email ? "customer_email" : "items", error.message);
    }
    return api::failure_of(error);
  }
  if (key) {
    if (auto completed = storage::idempotency_keys::complete(*tx, *key, order->id); !completed) {
      return api::failure_of(completed.error());
    }
  }
  if (auto committed = tx->commit(); !committed) {
    return api::failure_of(committed.error());
  }
  return api::json_response(Status::created, public_order(*order, order_url(*order)));
}

// May set context.cacheable (http::RequestContext) for a 200 the page cache may keep.
using ApiWork = Outcome<Response> (*)(const Services&, const Request&, RequestContext&,
                                      const RouteParams&);

void add_api(http::Router& router, const Services& services, verb method, std::string pattern,
             ApiWork work) {
  const Services* s = &services;
  router.add(core::ContextType::shop, method, std::move(pattern),
             [s, work](Request& request, RequestContext& context,
                       const RouteParams& params) -> asio::awaitable<Response> {
               if (!context.resolution->store) {
                 co_return api::respond(api::not_found("no store at this address"));
               }
               co_return co_await http::offload(s->blocking, [&] {
                 auto outcome = work(*s, request, context, params);
                 return outcome ? std::move(*outcome) : api::respond(outcome.error());
               });
             });
}

}  // namespace

void add_storefront_api(http::Router& router, const Services& services) {
  add_api(router, services, verb::get, "/shop/api/products",
          [](const Services& s, const Request&, RequestContext& context, const RouteParams&) {
            return list_products(s, context);
          });
  add_api(
      router, services, verb::get, "/shop/api/products/{id}",
      [](const Services& s, const Request&, RequestContext& context, const RouteParams& params) {
        // One product, the same for every client: kept when asked without a query.
        context.cacheable = context.resolution->query.empty();
        return get_product(s, context, params);
      });
  add_api(router, services, verb::post, "/shop/api/orders",
          [](const Services& s, const Request& request, RequestContext& context,
             const RouteParams&) { return create_order(s, request, context); });
}

}  // namespace orion::web::shop

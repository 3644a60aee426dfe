// The store half of the management API (DESIGN.md §4): a store's products, orders and theme
// under /api/v1/stores/{code}/..., for admin tokens and that store's own tokens. Each request
// is one tenant transaction of the store the path names; a theme change empties that store's
// theme cache after its commit so the next storefront page shows it.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <limits>

#include "core/text.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/themes.hpp"
#include "web/api/api_call.hpp"

namespace orion::web::api {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;
using http::Response;
using http::RouteParams;
using http::Status;
using storage::TenantTransaction;

constexpr std::int64_t kMaxPriceCents = 100'000'000'000;
constexpr std::int64_t kMaxStock = 1'000'000'000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
// A product repository error, naming the field its message begins with.
Failure product_failure(const core::Error& error) {
  return failure_of(
      error, {"name", "description", "price_cents", "sku", "currency", "stock", "image_url"});
}

// A product id from the path; anything but a positive integer names no product.
std::optional<std::int64_t> product_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

Failure no_product(std::string_view id) {
  return not_found("product " + std::string(id) + " does not exist in this store");
}

Outcome<Response> list_products(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto page = page_of(call.context.resolution->query);
  if (!page) {
    return page.error();
  }
  auto products = storage::products::list(tx, *page);
  if (!products) {
    return failure_of(products.error());
  }
  auto total = storage::products::count(tx);
  if (!total) {
    return failure_of(total.error());
  }
  json::array items;
  for (const auto& product : *products) {
    items.push_back(product_json(product));
  }
  return json_response(Status::ok, list_envelope(std::move(items), *total, *page));
}

// The fields a product request may set, read and type-checked (the repository checks lengths
// and characters, and the API names the field of any failure).
struct ProductFields {
  std::optional<std::string> name;
  std::optional<std::int64_t> price_cents;
  std::optional<std::string> description;
  std::optional<std::optional<std::string>> sku;
  std::optional<std::optional<std::int64_t>> stock;
  std::optional<bool> is_active;
  std::optional<std::string> currency;
};

Outcome<ProductFields> product_fields(const json::object& body, bool creating) {
  if (creating) {
    if (auto known = only_fields(
            body, {"name", "price_cents", "description", "sku", "stock", "is_active", "currency"});
        !known) {
      return known.error();
    }
  } else if (auto known = only_fields(
                 body, {"name", "price_cents", "description", "sku", "stock", "is_active"});
             !known) {
    return known.error();
  }
  ProductFields out;
  auto name = string_field(body, "name");
  if (!name) {
    return name.error();
  }
  out.name = std::move(*name);
  auto price = integer_field(body, "price_cents", 0, kMaxPriceCents);
  if (!price) {
    return price.error();
  }
  out.price_cents = *price;
  auto description = string_field(body, "description");
  if (!description) {
    return description.error();
  }
  out.description = std::move(*description);
  auto sku = nullable_string_field(body, "sku");
  if (!sku) {
    return sku.error();
  }
  out.sku = std::move(*sku);
  auto stock = nullable_integer_field(body, "stock", 0, kMaxStock);
  if (!stock) {
    return stock.error();
  }
  out.stock = *stock;
  auto is_active = boolean_field(body, "is_active");
  if (!is_active) {
    return is_active.error();
  }
  out.is_active = *is_active;
  auto currency = string_field(body, "currency");
  if (!currency) {
    return currency.error();
  }
  out.currency = std::move(*currency);
  if (creating) {
    if (!out.name) {
      return missing_field("name");
    }
    if (!out.price_cents) {
      return missing_field("price_cents");
    }
  }
  return out;
}

Outcome<Response> create_product(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  auto fields = product_fields(*body, true);
  if (!fields) {
    return fields.error();
  }
  storage::NewProduct product;
  product.name = std::move(*fields->name);
  product.price_cents = *fields->price_cents;
  product.description = fields->description.value_or("");
  product.sku = fields->sku.value_or(std::nullopt);
  product.stock = fields->stock.value_or(std::nullopt);
  product.is_active = fields->is_active.value_or(true);
  if (fields->currency) {
    product.currency = std::move(*fields->currency);
  }
  auto created = storage::products::create(tx, product);
  if (!created) {
    return product_failure(created.error());
  }
  return json_response(
      Status::created, product_json(*created),
      "/api/v1/stores/" + call.store->code + "/products/" + std::to_string(created->id));
}

Outcome<Response> get_product(Call&, TenantTransaction& tx, const RouteParams& params) {
  const auto id = product_id(params.get("id"));
  if (!id) {
    return no_product(params.get("id"));
  }
  auto product = storage::products::get(tx, *id);
  if (!product) {
    return failure_of(product.error());
  }
  if (!*product) {
    return no_product(params.get("id"));
  }
  return json_response(Status::ok, product_json(**product));
}

Outcome<Response> update_product(Call& call, TenantTransaction& tx, const RouteParams& params) {
  const auto id = product_id(params.get("id"));
  if (!id) {
    return no_product(params.get("id"));
  }
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  auto fields = product_fields(*body, false);
  if (!fields) {
    return fields.error();
  }
  storage::ProductChanges changes;
  changes.name = std::move(fields->name);
  changes.price_cents = fields->price_cents;
  changes.description = std::move(fields->description);
  changes.sku = std::move(fields->sku);
  changes.stock = fields->stock;
  changes.is_active = fields->is_active;
  auto updated = storage::products::update(tx, *id, changes);
  if (!updated) {
    if (updated.error().code == core::Errc::not_found) {
      return no_product(params.get("id"));
    }
    return product_failure(updated.error());
  }
  return json_response(Status::ok, product_json(*updated));
}

Outcome<Response> delete_product(Call&, TenantTransaction& tx, const RouteParams& params) {
  const auto id = product_id(params.get("id"));
  if (!id) {
    return no_product(params.get("id"));
  }
  if (auto removed = storage::products::remove(tx, *id); !removed) {
    if (removed.error().code == core::Errc::not_found) {
      return no_product(params.get("id"));
    }
    return failure_of(removed.error());
  }
  return no_content();
}

Outcome<Response> list_orders(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto page = page_of(call.context.resolution->query);
  if (!page) {
    return page.error();
  }
  auto orders = storage::orders::list(tx, *page);
  if (!orders) {
    return failure_of(orders.error());
  }
  auto total = storage::orders::count(tx);
  if (!total) {
    return failure_of(total.error());
  }
  json::array items;
  for (const auto& order : *orders) {
    items.push_back(order_json(order));
  }
  return json_response(Status::ok, list_envelope(std::move(items), *total, *page));
}

Outcome<Response> get_theme(Call&, TenantTransaction& tx, const RouteParams&) {
  auto theme = storage::themes::get(tx);
  if (!theme) {
    return failure_of(theme.error());
  }
  return json_response(Status::ok, theme_json(*theme));
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// #RGB or #RRGGBB, stored as #RRGGBB (#RGB doubled digit by digit). #RRGGBBAA is refused: the theme
// table keeps opaque colours only (its CHECK constraint is #RRGGBB).
Outcome<std::string> colour(std::string_view field, std::string_view value) {
  const bool hex =
      value.size() > 1 && value[0] == '#' && std::all_of(value.begin() + 1, value.end(), is_hex);
  if (hex && value.size() == 9) {
    return invalid_field(field, "transparency (#RRGGBBAA) is not supported; use #RGB or #RRGGBB");
  }
  if (!hex || (value.size() != 4 && value.size() != 7)) {
    return invalid_field(field, "must be a colour written #RGB or #RRGGBB, like #3B82F6");
  }
  std::string out = "#";
  for (const char c : value.substr(1)) {
    out += c;
    if (value.size() == 4) {
      out += c;
    }
  }
  return out;
}

// A CSS font-family list without anything that could end the declaration or the style sheet.
Outcome<std::string> font_family(std::string_view value) {
  const std::string_view trimmed = core::text::trim(value);
  if (trimmed.empty() || trimmed.size() > 100) {
    return invalid_field("font_family", "must have 1 to 100 characters");
  }
  for (const char c : trimmed) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == ' ' || c == ',' || c == '-' || c == '_';
    if (!safe) {
      return invalid_field("font_family",
                           "may contain letters, digits, spaces, commas, hyphens and underscores "
                           "only (e.g. Helvetica Neue, Arial, sans-serif)");
    }
  }
  return std::string(trimmed);
}

// A store's own file (/static/...) or an https URL, and nothing that could leave an HTML
// attribute or a CSS url().
Outcome<std::optional<std::string>> logo_url(const std::optional<std::string>& value) {
  if (!value || core::text::trim(*value).empty()) {
    return std::optional<std::string>();
  }
  const std::string_view url = core::text::trim(*value);
  const auto bad = [] {
    return invalid_field("logo_url",
                         "must be a path under /static/ or an https:// URL, at most 500 "
                         "characters, without spaces, quotes, parentheses, <, > or \\");
  };
  if (url.size() > 500 || url.find_first_of(" \t\r\n\"'()<>\\`") != std::string_view::npos) {
    return bad();
  }
  for (const char c : url) {
    if (core::text::is_control(c) || static_cast<unsigned char>(c) >= 0x80) {
      return bad();
    }
  }
  if (url.starts_with("/static/")) {
    if (url.find("/../") != std::string_view::npos || url.ends_with("/..") ||
        url.find("//") != std::string_view::npos) {
      return bad();
    }
    return std::optional<std::string>(std::string(url));
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "https" || !parsed->has_authority() ||
      parsed->encoded_host().empty() || parsed->has_userinfo()) {
    return bad();
  }
  return std::optional<std::string>(std::string(url));
}

constexpr std::size_t kMaxCustomCss = 20000;

Outcome<std::string> custom_css(std::string_view value) {
  if (value.size() > kMaxCustomCss) {
    return invalid_field("custom_css", "may have at most 20000 characters");
  }
  for (const char c : value) {
    if (core::text::is_control(c) && c != '\n' && c != '\r' && c != '\t') {
      return invalid_field("custom_css", "may not contain control characters");
    }
  }
  // The sheet is placed in a <style> element: '<' could close it ("</style>") and open markup.
  if (value.find('<') != std::string_view::npos) {
    return invalid_field("custom_css", "may not contain '<'");
  }
  return std::string(value);
}

// PUT replaces the whole theme: a field left out takes its default (storage::Theme{}).
Outcome<Response> put_theme(Call& call, TenantTransaction& tx, const RouteParams&) {
  auto body = json_body(call.request);
  if (!body) {
    return body.error();
  }
  // updated_at is accepted and ignored, so a client can send back what GET gave it.
  if (auto known =
          only_fields(*body, {"primary_color", "secondary_color", "background_color", "text_color",
                              "font_family", "logo_url", "custom_css", "updated_at"});
      !known) {
    return known.error();
  }
  storage::Theme theme;
  for (auto [field, target] :
       {std::pair<std::string_view, std::string*>{"primary_color", &theme.primary_color},
        {"secondary_color", &theme.secondary_color},
        {"background_color", &theme.background_color},
        {"text_color", &theme.text_color}}) {
    auto text = string_field(*body, field);
    if (!text) {
      return text.error();
    }
    if (*text) {
      auto valid = colour(field, **text);
      if (!valid) {
        return valid.error();
      }
      *target = std::move(*valid);
    }
  }
  auto font = string_field(*body, "font_family");
  if (!font) {
    return font.error();
  }
  if (*font) {
    auto valid = font_family(**font);
    if (!valid) {
      return valid.error();
    }
    theme.font_family = std::move(*valid);
  }
  auto logo = nullable_string_field(*body, "logo_url");
  if (!logo) {
    return logo.error();
  }
  auto valid_logo = logo_url(logo->value_or(std::nullopt));
  if (!valid_logo) {
    return valid_logo.error();
  }
  theme.logo_url = std::move(*valid_logo);
  auto css = string_field(*body, "custom_css");
  if (!css) {
    return css.error();
  }
  if (*css) {
    auto valid = custom_css(**css);
    if (!valid) {
      return valid.error();
    }
    theme.custom_css = std::move(*valid);
  }
  auto stored = storage::themes::put(tx, theme);
  if (!stored) {
    return failure_of(stored.error(), {"primary_color", "secondary_color", "background_color",
                                       "text_color", "font_family", "logo_url", "custom_css"});
  }
  return json_response(Status::ok, theme_json(*stored));
}

}  // namespace

void add_store_routes(http::Router& router, const Services& services) {
  const Guard store{Access::Who::admin_or_own_store, Access::Via::store_code, "code"};
  add_tenant_route(router, services, verb::get, "/api/v1/stores/{code}/products", store,
                   list_products);
  add_tenant_route(router, services, verb::post, "/api/v1/stores/{code}/products", store,
                   create_product);
  add_tenant_route(router, services, verb::get, "/api/v1/stores/{code}/products/{id}", store,
                   get_product);
  add_tenant_route(router, services, verb::patch, "/api/v1/stores/{code}/products/{id}", store,
                   update_product);
  add_tenant_route(router, services, verb::delete_, "/api/v1/stores/{code}/products/{id}", store,
                   delete_product);
  add_tenant_route(router, services, verb::get, "/api/v1/stores/{code}/orders", store, list_orders);
  add_tenant_route(router, services, verb::get, "/api/v1/stores/{code}/theme", store, get_theme);
  add_tenant_route(router, services, verb::put, "/api/v1/stores/{code}/theme", store, put_theme);
}

}  // namespace orion::web::api

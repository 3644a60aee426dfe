// A store's dashboard (/store/{code}/...): the overview and the products. Members of the store
// and admins. Every store read and write goes through the visit's TenantTransaction, so an id of
// another store's product is simply not found here.
#include <algorithm>
#include <limits>

#include "http/query.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "web/console/dashboard.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = boost::beast::http::verb;

constexpr std::int64_t kRecentOrders = 10;
constexpr std::int64_t kMaxStock = 1'000'000'000;
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxDescription = 5000;
constexpr std::size_t kMaxSku = 64;
// The storage's own limit (one billion in cents): 10 digits before the point are enough.
constexpr std::int64_t kMaxPriceCents = 100'000'000'000;

asio::awaitable<Response> overview(const Console& console, Request&, RequestContext& context,
                                   const RouteParams&, Visit& visit) {
  struct Overview {
    std::int64_t products = 0;
    std::int64_t orders = 0;
    std::vector<storage::orders::Revenue> revenue;
    std::vector<storage::OrderRecord> recent;
  };
  const Services& s = console.services();
  auto overview = co_await console.blocking([&s, &visit]() -> core::Result<Overview> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    auto products = storage::products::count(*tx);
    if (!products) {
      return products.error();
    }
    auto orders = storage::orders::count(*tx);
    if (!orders) {
      return orders.error();
    }
    auto revenue = storage::orders::revenue(*tx);
    if (!revenue) {
      return revenue.error();
    }
    auto recent = storage::orders::list(*tx, storage::Page{kRecentOrders, 0});
    if (!recent) {
      return recent.error();
    }
    return Overview{*products, *orders, std::move(*revenue), std::move(*recent)};
  });
  if (!overview) {
    co_return console.failure(context, visit, overview.error());
  }
  Data data = console.page_data(context, visit, "Dashboard");
  data.set("product_count", std::to_string(overview->products));
  data.set("order_count", std::to_string(overview->orders));
  // Products are priced in EUR unless created otherwise; a store that sold in several currencies
  // sees one sum per currency.
  Data revenue{Data::type::list};
  if (overview->revenue.empty()) {
    Data item;
    item.set("amount", money(0, storage::ProductRecord{}.currency));
    revenue.push_back(item);
  }
  for (const storage::orders::Revenue& sum : overview->revenue) {
    Data item;
    item.set("amount", money(sum.cents, sum.currency));
    revenue.push_back(item);
  }
  data.set("revenue", revenue);
  data.set("shop_url", Console::shop_url(context));
  data.set("products_url", visit.url("/products"));
  data.set("orders_url", visit.url("/orders"));
  data.set("has_orders", !overview->recent.empty());
  Data orders{Data::type::list};
  for (const storage::OrderRecord& order : overview->recent) {
    Data item;
    item.set("url", visit.url("/orders/" + std::to_string(order.id)));
    item.set("number", order.order_number);
    item.set("email", order.customer_email);
    item.set("status", order.status);
    item.set("total", money(order.total_cents, order.currency));
    item.set("created", utc_time(order.created_at));
    orders.push_back(item);
  }
  data.set("orders", orders);
  co_return console.render(Status::ok, "console/store_home", data);
}

// ---- Products ----

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// "12", "12.5", "12.50" → cents; none for anything else (a sign, more than two decimals,
// letters, an empty text) or a price above the storage's limit.
std::optional<std::int64_t> parse_price(std::string_view text) {
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (point != std::string_view::npos && (fraction.empty() || fraction.size() > 2)) {
    return std::nullopt;
  }
  if (whole.empty() || whole.size() > 10) {
    return std::nullopt;
  }
  auto units = dashboard::parse_number(whole, kMaxPriceCents / 100);
  auto cents =
      fraction.empty() ? std::optional<std::int64_t>(0) : dashboard::parse_number(fraction, 99);
  if (!units || !cents) {
    return std::nullopt;
  }
  const std::int64_t total = *units * 100 + (fraction.size() == 1 ? *cents * 10 : *cents);
  if (total > kMaxPriceCents) {
    return std::nullopt;
  }
  return total;
}

std::string price_text(std::int64_t cents) {
  std::string text = std::to_string(cents / 100) + ".";
  text += static_cast<char>('0' + (cents % 100) / 10);
  text += static_cast<char>('0' + cents % 10);
  return text;
}

// What the product form sends, as typed (kept for a re-rendered form).
struct ProductForm {
  std::string name;
  std::string price;
  std::string description;
  std::string sku;
  std::string stock;
  bool is_active = true;
  // The stock the edit form showed, "v:" + the stock field as rendered ("v:" when untracked): an
  // edit whose stock field still says that leaves the stock alone, so that saving the name or the
  // price never writes back a stock that checkouts have lowered since the page was loaded.
  std::string stock_shown;

  static ProductForm of(const http::Form& form) {
    return ProductForm{form.text("name"),       form.text("price"), form.text("description"),
                       form.text("sku"),        form.text("stock"), form.text("is_active") == "1",
                       form.text("stock_shown")};
  }
  static ProductForm of(const storage::ProductRecord& product) {
    std::string stock = product.stock ? std::to_string(*product.stock) : "";
    std::string shown = "v:" + stock;
    return ProductForm{product.name,        price_text(product.price_cents),
                       product.description, product.sku.value_or(""),
                       std::move(stock),    product.is_active,
                       std::move(shown)};
  }

  // Whether the owner changed the stock field (always, for a form that did not say what it
  // showed).
  [[nodiscard]] bool stock_edited() const {
    return !stock_shown.starts_with("v:") || trimmed(stock_shown.substr(2)) != trimmed(stock);
  }
};

// One message per field that breaks a rule, and one for the form as a whole (a refusal of the
// storage that no field explains).
struct FieldErrors {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string form;

  [[nodiscard]] bool empty() const noexcept { return fields.empty() && form.empty(); }
  void add(std::string field, std::string message) {
    fields.emplace_back(std::move(field), std::move(message));
  }
};

// The checked product, or the messages explaining what to fix.
struct CheckedProduct {
  storage::NewProduct product;
  FieldErrors errors;
};

bool has_control_characters(std::string_view text, bool multiline) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || u == 0x7f) {
      return true;
    }
  }
  return false;
}

CheckedProduct check(const ProductForm& form) {
  CheckedProduct out;
  out.product.name = trimmed(form.name);
  if (out.product.name.empty()) {
    out.errors.add("name", "Enter a name.");
  } else if (out.product.name.size() > kMaxName) {
    out.errors.add("name", "The name may have at most 200 characters.");
  } else if (has_control_characters(out.product.name, false)) {
    out.errors.add("name", "The name may not contain control characters.");
  }
  const std::string price = trimmed(form.price);
  if (price.empty()) {
    out.errors.add("price", "Enter a price, like 12.50.");
  } else if (auto cents = parse_price(price)) {
    out.product.price_cents = *cents;
  } else {
    out.errors.add("price",
                   "The price must be a number from 0 with at most two decimals, like 12.50.");
  }
  out.product.description = trimmed(form.description);
  if (out.product.description.size() > kMaxDescription) {
    out.errors.add("description", "The description may have at most 5000 characters.");
  } else if (has_control_characters(out.product.description, true)) {
    out.errors.add("description", "The description may not contain control characters.");
  }
  const std::string sku = trimmed(form.sku);
  if (!sku.empty()) {
    if (sku.size() > kMaxSku || has_control_characters(sku, false)) {
      out.errors.add("sku", "The SKU may have at most 64 characters and no control characters.");
    } else {
      out.product.sku = sku;
    }
  }
  const std::string stock = trimmed(form.stock);
  if (!stock.empty()) {
    if (auto count = dashboard::parse_number(stock, kMaxStock)) {
      out.product.stock = *count;
    } else {
      out.errors.add("stock",
                     "The stock must be a whole number from 0, or empty when not tracked.");
    }
  }
  out.product.is_active = form.is_active;
  return out;
}

// Where a storage refusal belongs: a taken SKU on its field, anything else on the form.
void add_storage_error(FieldErrors& errors, const core::Error& error, const ProductForm& form) {
  if (error.code == core::Errc::conflict && !trimmed(form.sku).empty()) {
    errors.add("sku",
               "Another product of this store already has the SKU " + trimmed(form.sku) + ".");
  } else {
    errors.form = error.message;
  }
}

// The product form: new (no product) or the edit page of `product` with its image and delete
// forms.
Response product_form(const Console& console, const RequestContext& context, const Visit& visit,
                      Status status, const ProductForm& form, const FieldErrors& errors,
                      const std::optional<storage::ProductRecord>& product,
                      const std::string& notice = {}) {
  const bool editing = product.has_value();
  Data data = console.page_data(context, visit, editing ? "Edit product" : "New product");
  data.set("heading", editing ? "Edit " + product->name : std::string("New product"));
  data.set("products_url", visit.url("/products"));
  data.set("name", form.name);
  data.set("price", form.price);
  data.set("description", form.description);
  data.set("sku", form.sku);
  data.set("stock", form.stock);
  data.set("stock_shown", form.stock_shown);
  data.set("is_active", form.is_active);
  for (const auto& [field, message] : errors.fields) {
    data.set(field + "_error", message);
  }
  data.set("has_errors", !errors.empty());
  if (!errors.form.empty()) {
    data.set("form_error", errors.form);
  }
  if (!notice.empty()) {
    data.set("notice", notice);
  }
  data.set("editing", editing);
  if (editing) {
    const std::string base = visit.url("/products/" + std::to_string(product->id));
    data.set("action", base);
    data.set("submit", "Save changes");
    data.set("product_image_url", base + "/image");
    data.set("delete_url", base + "/delete");
    data.set("currency", product->currency);
    if (product->image_url) {
      data.set("image_url", *product->image_url);
    }
  } else {
    data.set("action", visit.url("/products"));
    data.set("submit", "Create product");
    data.set("currency", storage::ProductRecord{}.currency);
  }
  return console.render(status, "console/product_form", data);
}

asio::awaitable<Response> product_list(const Console& console, Request&, RequestContext& context,
                                       const RouteParams&, Visit& visit) {
  const auto page = dashboard::requested_page(context);
  if (!page) {
    co_return dashboard::no_such_page(console, context, visit, Status::bad_request,
                                      "The page number must be a whole number from 1.");
  }
  struct Listing {
    std::int64_t total = 0;
    std::vector<storage::ProductRecord> products;
  };
  const Services& s = console.services();
  auto listing = co_await console.blocking([&s, &visit, page]() -> core::Result<Listing> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    auto total = storage::products::count(*tx);
    if (!total) {
      return total.error();
    }
    auto products = storage::products::list(
        *tx, storage::Page{dashboard::kPerPage, (*page - 1) * dashboard::kPerPage});
    if (!products) {
      return products.error();
    }
    return Listing{*total, std::move(*products)};
  });
  if (!listing) {
    co_return console.failure(context, visit, listing.error());
  }
  const std::int64_t pages = dashboard::page_count(listing->total);
  if (*page > pages) {
    co_return dashboard::no_such_page(console, context, visit, Status::not_found,
                                      "There is no page " + std::to_string(*page) +
                                          " of products; the last one is " + std::to_string(pages) +
                                          ".");
  }
  Data data = console.page_data(context, visit, "Products");
  data.set("new_url", visit.url("/products/new"));
  data.set("total", std::to_string(listing->total));
  data.set("has_products", !listing->products.empty());
  if (dashboard::query_value(context, "notice") == "deleted") {
    data.set("notice", "The product was deleted.");
  }
  Data products{Data::type::list};
  for (const storage::ProductRecord& product : listing->products) {
    Data item;
    item.set("url", visit.url("/products/" + std::to_string(product.id)));
    item.set("name", product.name);
    item.set("sku", product.sku.value_or(""));
    item.set("price", money(product.price_cents, product.currency));
    item.set("stock", product.stock ? std::to_string(*product.stock) : "not tracked");
    item.set("is_active", product.is_active);
    products.push_back(item);
  }
  data.set("products", products);
  dashboard::set_pager(data, *page, pages, visit.url("/products?"));
  co_return console.render(Status::ok, "console/products", data);
}

asio::awaitable<Response> new_product(const Console& console, Request&, RequestContext& context,
                                      const RouteParams&, Visit& visit) {
  co_return product_form(console, context, visit, Status::ok, ProductForm{}, {}, std::nullopt);
}

asio::awaitable<Response> create_product(const Console& console, Request&, RequestContext& context,
                                         const RouteParams&, Visit& visit) {
  const ProductForm form = ProductForm::of(visit.form);
  CheckedProduct checked = check(form);
  if (!checked.errors.empty()) {
    co_return product_form(console, context, visit, Status::unprocessable_entity, form,
                           checked.errors, std::nullopt);
  }
  const Services& s = console.services();
  auto created =
      co_await console.blocking([&s, &visit, &checked]() -> core::Result<storage::ProductRecord> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        auto product = storage::products::create(*tx, checked.product);
        if (!product) {
          return product.error();
        }
        if (auto committed = tx->commit(); !committed) {
          return committed.error();
        }
        return product;
      });
  if (!created) {
    if (created.error().code != core::Errc::conflict &&
        created.error().code != core::Errc::invalid_input) {
      co_return console.failure(context, visit, created.error());
    }
    add_storage_error(checked.errors, created.error(), form);
    co_return product_form(console, context, visit, Status::unprocessable_entity, form,
                           checked.errors, std::nullopt);
  }
  co_return redirect(Status::see_other,
                     visit.url("/products/" + std::to_string(created->id) + "?notice=created"));
}

// The product of the route's {id} in this store, or the 404 page.
using Found = std::variant<storage::ProductRecord, Response>;

asio::awaitable<Found> find_product(const Console& console, const RequestContext& context,
                                    const RouteParams& params, const Visit& visit) {
  const auto id =
      dashboard::parse_number(params.get("id"), std::numeric_limits<std::int64_t>::max());
  if (!id) {
    co_return dashboard::not_found(console, context, visit, "This store has no such product.");
  }
  const Services& s = console.services();
  auto product = co_await console.blocking(
      [&s, &visit, id]() -> core::Result<std::optional<storage::ProductRecord>> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        return storage::products::get(*tx, *id);
      });
  if (!product) {
    co_return console.failure(context, visit, product.error());
  }
  if (!*product) {
    co_return dashboard::not_found(console, context, visit, "This store has no such product.");
  }
  co_return std::move(**product);
}

asio::awaitable<Response> edit_product(const Console& console, Request&, RequestContext& context,
                                       const RouteParams& params, Visit& visit) {
  Found found = co_await find_product(console, context, params, visit);
  if (auto* response = std::get_if<Response>(&found)) {
    co_return std::move(*response);
  }
  const auto& product = std::get<storage::ProductRecord>(found);
  const auto notice = dashboard::query_value(context, "notice");
  std::string text;
  if (notice == "created") {
    text = "The product was created.";
  } else if (notice == "saved") {
    text = "Your changes were saved.";
  } else if (notice == "image") {
    text = "The image was uploaded.";
  }
  co_return product_form(console, context, visit, Status::ok, ProductForm::of(product), {}, product,
                         text);
}

asio::awaitable<Response> update_product(const Console& console, Request&, RequestContext& context,
                                         const RouteParams& params, Visit& visit) {
  Found found = co_await find_product(console, context, params, visit);
  if (auto* response = std::get_if<Response>(&found)) {
    co_return std::move(*response);
  }
  const auto& current = std::get<storage::ProductRecord>(found);
  const ProductForm form = ProductForm::of(visit.form);
  CheckedProduct checked = check(form);
  if (!checked.errors.empty()) {
    co_return product_form(console, context, visit, Status::unprocessable_entity, form,
                           checked.errors, current);
  }
  // Every field of the form, but not the image (its own form) nor the currency.
  storage::ProductChanges changes;
  changes.name = checked.product.name;
  changes.price_cents = checked.product.price_cents;
  changes.description = checked.product.description;
  changes.sku = checked.product.sku;
  if (form.stock_edited()) {
    changes.stock = checked.product.stock;
  }
  changes.is_active = checked.product.is_active;
  const Services& s = console.services();
  const std::int64_t id = current.id;
  auto updated = co_await console.blocking(
      [&s, &visit, &changes, id]() -> core::Result<storage::ProductRecord> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        auto product = storage::products::update(*tx, id, changes);
        if (!product) {
          return product.error();
        }
        if (auto committed = tx->commit(); !committed) {
          return committed.error();
        }
        return product;
      });
  if (!updated) {
    if (updated.error().code != core::Errc::conflict &&
        updated.error().code != core::Errc::invalid_input) {
      co_return console.failure(context, visit, updated.error());
    }
    add_storage_error(checked.errors, updated.error(), form);
    co_return product_form(console, context, visit, Status::unprocessable_entity, form,
                           checked.errors, current);
  }
  co_return redirect(Status::see_other,
                     visit.url("/products/" + std::to_string(id) + "?notice=saved"));
}

asio::awaitable<Response> delete_product(const Console& console, Request&, RequestContext& context,
                                         const RouteParams& params, Visit& visit) {
  const auto id =
      dashboard::parse_number(params.get("id"), std::numeric_limits<std::int64_t>::max());
  if (!id) {
    co_return dashboard::not_found(console, context, visit, "This store has no such product.");
  }
  const Services& s = console.services();
  auto removed = co_await console.blocking([&s, &visit, id]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    if (auto done = storage::products::remove(*tx, *id); !done) {
      return done.error();
    }
    return tx->commit();
  });
  if (!removed) {
    if (removed.error().code == core::Errc::not_found) {
      co_return dashboard::not_found(console, context, visit, "This store has no such product.");
    }
    co_return console.failure(context, visit, removed.error());
  }
  co_return redirect(Status::see_other, visit.url("/products?notice=deleted"));
}

}  // namespace

namespace dashboard {

std::optional<std::int64_t> parse_number(std::string_view text, std::int64_t max) {
  if (text.empty() || text.size() > 19) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const std::int64_t digit = c - '0';
    if (value > (max - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<std::string> query_value(const RequestContext& context, std::string_view name) {
  return http::query_param(context.resolution->query, name);
}

std::optional<std::int64_t> requested_page(const RequestContext& context) {
  const auto text = query_value(context, "page");
  if (!text) {
    return 1;
  }
  const auto page = parse_number(*text, 1'000'000);
  if (!page || *page < 1) {
    return std::nullopt;
  }
  return page;
}

std::int64_t page_count(std::int64_t total) {
  return std::max<std::int64_t>(1, (total + kPerPage - 1) / kPerPage);
}

void set_pager(Data& data, std::int64_t page, std::int64_t pages, const std::string& base) {
  data.set("page", std::to_string(page));
  data.set("pages", std::to_string(pages));
  data.set("has_pages", pages > 1);
  if (page > 1) {
    data.set("prev_url", base + "page=" + std::to_string(page - 1));
  }
  if (page < pages) {
    data.set("next_url", base + "page=" + std::to_string(page + 1));
  }
}

Response no_such_page(const Console& console, const RequestContext& context, const Visit& visit,
                      Status status, std::string message) {
  return console.error_page(context, visit.scope, status, "No such page", std::move(message),
                            visit.who);
}

Response not_found(const Console& console, const RequestContext& context, const Visit& visit,
                   std::string message) {
  return console.error_page(context, visit.scope, Status::not_found, "Not found",
                            std::move(message), visit.who);
}

}  // namespace dashboard

void add_dashboard_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/", gated(console, Role::staff, &overview));
  router.add(dashboard, verb::get, "/dashboard", gated(console, Role::staff, &overview));
  router.add(dashboard, verb::get, "/products", gated(console, Role::staff, &product_list));
  router.add(dashboard, verb::get, "/products/new", gated(console, Role::staff, &new_product));
  router.add(dashboard, verb::post, "/products", gated(console, Role::staff, &create_product));
  router.add(dashboard, verb::get, "/products/{id}", gated(console, Role::staff, &edit_product));
  router.add(dashboard, verb::post, "/products/{id}", gated(console, Role::staff, &update_product));
  router.add(dashboard, verb::post, "/products/{id}/delete",
             gated(console, Role::staff, &delete_product));
  dashboard::add_order_pages(router, console);
  dashboard::add_member_pages(router, console);
}

}  // namespace orion::web::console

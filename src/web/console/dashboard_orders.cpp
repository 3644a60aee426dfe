// A store's orders in its dashboard: the list (newest first, by status), an order's detail, and
// its status changes along the lifecycle of storage/orders.hpp. Staff and above.
#include <limits>

#include "storage/orders.hpp"
#include "web/console/dashboard.hpp"

namespace orion::web::console::dashboard {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = boost::beast::http::verb;

// The button label that moves an order into `status`.
std::string action_label(std::string_view status) {
  if (status == "paid") {
    return "Mark as paid";
  }
  if (status == "shipped") {
    return "Mark as shipped";
  }
  if (status == "delivered") {
    return "Mark as delivered";
  }
  if (status == "cancelled") {
    return "Cancel order";
  }
  if (status == "refunded") {
    return "Refund order";
  }
  return "Set to " + std::string(status);
}

asio::awaitable<Response> order_list(const Console& console, Request&, RequestContext& context,
                                     const RouteParams&, Visit& visit) {
  const auto page = requested_page(context);
  if (!page) {
    co_return no_such_page(console, context, visit, Status::bad_request,
                           "The page number must be a whole number from 1.");
  }
  const std::string status = query_value(context, "status").value_or("");
  if (!status.empty() && !storage::orders::is_status(status)) {
    co_return console.error_page(
        context, visit.scope, Status::unprocessable_entity, "No such status",
        "Orders are pending, paid, shipped, delivered, cancelled or refunded.", visit.who);
  }
  struct Listing {
    std::int64_t total = 0;
    std::vector<storage::OrderRecord> orders;
  };
  const Services& s = console.services();
  auto listing = co_await console.blocking([&s, &visit, &status, page]() -> core::Result<Listing> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    auto total = storage::orders::count(*tx, status);
    if (!total) {
      return total.error();
    }
    auto orders =
        storage::orders::list(*tx, storage::Page{kPerPage, (*page - 1) * kPerPage}, status);
    if (!orders) {
      return orders.error();
    }
    return Listing{*total, std::move(*orders)};
  });
  if (!listing) {
    co_return console.failure(context, visit, listing.error());
  }
  const std::int64_t pages = page_count(listing->total);
  if (*page > pages) {
    co_return no_such_page(console, context, visit, Status::not_found,
                           "There is no page " + std::to_string(*page) +
                               " of orders; the last one is " + std::to_string(pages) + ".");
  }
  Data data = console.page_data(context, visit, "Orders");
  data.set("total", std::to_string(listing->total));
  if (!status.empty()) {
    data.set("status", status);
  }
  data.set("has_orders", !listing->orders.empty());
  Data filters{Data::type::list};
  const auto filter = [&](const std::string& value, const std::string& label) {
    Data item;
    item.set("url", visit.url(value.empty() ? "/orders" : "/orders?status=" + value));
    item.set("label", label);
    item.set("current", value == status);
    filters.push_back(item);
  };
  filter("", "All");
  for (const std::string_view each : storage::orders::statuses()) {
    filter(std::string(each), std::string(each));
  }
  data.set("filters", filters);
  Data orders{Data::type::list};
  for (const storage::OrderRecord& order : listing->orders) {
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
  set_pager(data, *page, pages,
            visit.url(status.empty() ? "/orders?" : "/orders?status=" + status + "&"));
  co_return console.render(Status::ok, "console/orders", data);
}

asio::awaitable<Response> order_detail(const Console& console, Request&, RequestContext& context,
                                       const RouteParams& params, Visit& visit) {
  const auto id = parse_number(params.get("id"), std::numeric_limits<std::int64_t>::max());
  if (!id) {
    co_return not_found(console, context, visit, "This store has no such order.");
  }
  const Services& s = console.services();
  auto order = co_await console.blocking(
      [&s, &visit, id]() -> core::Result<std::optional<storage::OrderRecord>> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        return storage::orders::get(*tx, *id);
      });
  if (!order) {
    co_return console.failure(context, visit, order.error());
  }
  if (!*order) {
    co_return not_found(console, context, visit, "This store has no such order.");
  }
  const storage::OrderRecord& o = **order;
  Data data = console.page_data(context, visit, "Order " + o.order_number);
  data.set("number", o.order_number);
  data.set("email", o.customer_email);
  data.set("status", o.status);
  data.set("total", money(o.total_cents, o.currency));
  data.set("created", utc_time(o.created_at));
  data.set("updated", utc_time(o.updated_at));
  data.set("orders_url", visit.url("/orders"));
  if (query_value(context, "notice") == "status") {
    data.set("notice", "The order is now " + o.status + ".");
  }
  Data items{Data::type::list};
  for (const storage::OrderItemRecord& line : o.items) {
    Data item;
    item.set("name", line.product_name);
    item.set("sku", line.sku.value_or(""));
    item.set("unit_price", money(line.unit_price_cents, o.currency));
    item.set("quantity", std::to_string(line.quantity));
    item.set("line_total", money(line.unit_price_cents * line.quantity, o.currency));
    items.push_back(item);
  }
  data.set("items", items);
  const auto next = storage::orders::allowed_transitions(o.status);
  data.set("is_final", next.empty());
  Data actions{Data::type::list};
  for (const std::string_view status : next) {
    Data item;
    item.set("status", std::string(status));
    item.set("label", action_label(status));
    item.set("destructive", status == "cancelled" || status == "refunded");
    actions.push_back(item);
  }
  data.set("actions", actions);
  data.set("status_url", visit.url("/orders/" + std::to_string(o.id) + "/status"));
  co_return console.render(Status::ok, "console/order", data);
}

asio::awaitable<Response> change_status(const Console& console, Request&, RequestContext& context,
                                        const RouteParams& params, Visit& visit) {
  const auto id = parse_number(params.get("id"), std::numeric_limits<std::int64_t>::max());
  if (!id) {
    co_return not_found(console, context, visit, "This store has no such order.");
  }
  const std::string status = visit.form.text("status");
  const Services& s = console.services();
  auto changed =
      co_await console.blocking([&s, &visit, &status, id]() -> core::Result<storage::OrderRecord> {
        auto tx = s.database.begin(*visit.scope.tenant);
        if (!tx) {
          return tx.error();
        }
        auto order = storage::orders::set_status(*tx, *id, status);
        if (!order) {
          return order.error();
        }
        if (auto committed = tx->commit(); !committed) {
          return committed.error();
        }
        return order;
      });
  if (!changed) {
    const core::Error& error = changed.error();
    if (error.code == core::Errc::not_found) {
      co_return not_found(console, context, visit, "This store has no such order.");
    }
    if (error.code == core::Errc::conflict) {
      co_return console.error_page(context, visit.scope, Status::conflict,
                                   "This status change is not allowed", error.message, visit.who);
    }
    co_return console.failure(context, visit, error);
  }
  co_return redirect(Status::see_other,
                     visit.url("/orders/" + std::to_string(*id) + "?notice=status"));
}

}  // namespace

void add_order_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/orders", gated(console, Role::staff, &order_list));
  router.add(dashboard, verb::get, "/orders/{id}", gated(console, Role::staff, &order_detail));
  router.add(dashboard, verb::post, "/orders/{id}/status",
             gated(console, Role::staff, &change_status));
}

}  // namespace orion::web::console::dashboard

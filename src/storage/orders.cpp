#include "storage/orders.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "storage/clock.hpp"
#include "storage/customers.hpp"
#include "storage/products.hpp"
#include "storage/repository.hpp"

namespace orion::storage::orders {
namespace {

constexpr std::array<std::string_view, 6> kStatuses = {"pending",   "paid",      "shipped",
                                                       "delivered", "cancelled", "refunded"};

// The lifecycle (orders.hpp): each status with the statuses it may move to.
constexpr std::array<std::string_view, 2> kFromPending = {"paid", "cancelled"};
constexpr std::array<std::string_view, 3> kFromPaid = {"shipped", "refunded", "cancelled"};
constexpr std::array<std::string_view, 2> kFromShipped = {"delivered", "refunded"};
constexpr std::array<std::string_view, 1> kFromDelivered = {"refunded"};

#define ORION_ORDER_COLUMNS                                                          \
  "o.id, o.store_id, o.order_number, o.customer_id, c.email, o.status, o.currency, " \
  "o.total_cents, o.created_at, o.updated_at"

OrderRecord read(const Row& row) {
  OrderRecord o;
  o.id = row.integer(0);
  o.store_id = row.integer(1);
  o.order_number = row.text(2);
  o.customer_id = row.integer(3);
  o.customer_email = row.text(4);
  o.status = row.text(5);
  o.currency = row.text(6);
  o.total_cents = row.integer(7);
  o.created_at = row.integer(8);
  o.updated_at = row.integer(9);
  return o;
}

OrderItemRecord read_item(const Row& row) {
  return OrderItemRecord{row.integer(0),       row.integer(1), row.text(2),
                         row.optional_text(3), row.integer(4), row.integer(5)};
}

constexpr Sql kNextNumber{"orders_next_number",
                          "UPDATE store_sequences SET next_order_number = next_order_number + 1 "
                          "WHERE store_id = $1 RETURNING next_order_number - 1"};
constexpr Sql kTakeStock{"orders_take_stock",
                         "UPDATE products SET stock = stock - $3 WHERE store_id = $1 AND id = $2 "
                         "AND stock >= $3"};
constexpr Sql kInsert{"orders_insert",
                      "INSERT INTO orders (store_id, order_number, customer_id, status, currency, "
                      "total_cents, created_at, updated_at) "
                      "VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6) RETURNING id"};
constexpr Sql kInsertItem{"orders_insert_item",
                          "INSERT INTO order_items (store_id, order_id, product_id, product_name, "
                          "sku, unit_price_cents, quantity, stock_taken) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
// What an order's items took from stock, to give back when it is cancelled or expires.
constexpr Sql kTakenStock{"orders_taken_stock",
                          "SELECT product_id, stock_taken FROM order_items "
                          "WHERE store_id = $1 AND order_id = $2 AND stock_taken > 0 ORDER BY id"};
// A product whose stock is no longer tracked gets nothing back.
constexpr Sql kReturnStock{"orders_return_stock",
                           "UPDATE products SET stock = stock + $3 WHERE store_id = $1 AND id = $2 "
                           "AND stock IS NOT NULL"};
// Pending orders created at or before $2, oldest first, moved to cancelled in one statement:
// of two sweeps racing (two instances), the second finds them cancelled already and returns
// none of them, so each order's stock comes back once.
constexpr Sql kExpire{"orders_expire",
                      "UPDATE orders SET status = 'cancelled', updated_at = $3 "
                      "WHERE store_id = $1 AND status = 'pending' AND created_at <= $2 "
                      "AND id IN (SELECT id FROM orders WHERE store_id = $1 "
                      "AND status = 'pending' AND created_at <= $2 ORDER BY id LIMIT $4) "
                      "RETURNING id"};
constexpr Sql kStoresWithExpired{"orders_stores_with_expired",
                                 "SELECT DISTINCT store_id FROM orders "
                                 "WHERE status = 'pending' AND created_at <= $1 "
                                 "ORDER BY store_id LIMIT $2"};
constexpr Sql kGet{"orders_get", "SELECT " ORION_ORDER_COLUMNS
                                 " FROM orders o JOIN customers c ON c.store_id = o.store_id "
                                 "AND c.id = o.customer_id WHERE o.store_id = $1 AND o.id = $2"};
constexpr Sql kByNumber{"orders_by_number",
                        "SELECT " ORION_ORDER_COLUMNS
                        " FROM orders o JOIN customers c ON c.store_id = o.store_id "
                        "AND c.id = o.customer_id WHERE o.store_id = $1 AND o.order_number = $2"};
// An empty status ($4, $2) means every status.
constexpr Sql kList{"orders_list", "SELECT " ORION_ORDER_COLUMNS
                                   " FROM orders o JOIN customers c ON c.store_id = o.store_id "
                                   "AND c.id = o.customer_id WHERE o.store_id = $1 "
                                   "AND (CAST($4 AS TEXT) = '' OR o.status = $4) "
                                   "ORDER BY o.id DESC LIMIT $2 OFFSET $3"};
constexpr Sql kCount{"orders_count",
                     "SELECT COUNT(*) FROM orders WHERE store_id = $1 "
                     "AND (CAST($2 AS TEXT) = '' OR status = $2)"};
constexpr Sql kRevenue{"orders_revenue",
                       "SELECT currency, CAST(SUM(total_cents) AS BIGINT) FROM orders "
                       "WHERE store_id = $1 "
                       "AND status NOT IN ('cancelled', 'refunded') "
                       "GROUP BY currency ORDER BY currency"};
constexpr Sql kItems{"orders_items",
                     "SELECT id, product_id, product_name, sku, unit_price_cents, quantity "
                     "FROM order_items WHERE store_id = $1 AND order_id = $2 ORDER BY id"};
// Only from the status the lifecycle was checked against ($5): of two requests racing to
// change one order, the second changes nothing and is told so.
constexpr Sql kSetStatus{"orders_set_status",
                         "UPDATE orders SET status = $3, updated_at = $4 "
                         "WHERE store_id = $1 AND id = $2 AND status = $5"};

#undef ORION_ORDER_COLUMNS

Error invalid(std::string message) {
  return core::make_error(core::Errc::invalid_input, std::move(message));
}

// Gives back what the order's items took from stock. Called only by the transaction that moved
// the order out of a stock-holding status, so it runs once per order.
Result<void> return_stock(TenantTransaction& tx, std::int64_t order_id) {
  auto taken =
      repository::all_rows(tx.run(kTakenStock, {tx.store_id(), order_id}), [](const Row& row) {
        return std::pair{row.integer(0), row.integer(1)};
      });
  if (!taken) {
    return taken.error();
  }
  for (const auto& [product_id, quantity] : *taken) {
    if (auto returned = tx.run(kReturnStock, {tx.store_id(), product_id, quantity}); !returned) {
      return returned.error();
    }
  }
  return {};
}

Result<std::optional<OrderRecord>> with_items(TenantTransaction& tx,
                                              Result<std::optional<OrderRecord>> order) {
  if (!order || !*order) {
    return order;
  }
  auto items = repository::all_rows(tx.run(kItems, {tx.store_id(), (*order)->id}), read_item);
  if (!items) {
    return items.error();
  }
  (*order)->items = std::move(*items);
  return order;
}

}  // namespace

Result<OrderRecord> create(TenantTransaction& tx, std::string_view customer_email,
                           std::span<const OrderLine> lines) {
  if (lines.empty()) {
    return invalid("an order needs at least one item");
  }
  if (lines.size() > kMaxLines) {
    return invalid("an order has at most 100 lines");
  }
  // The same product twice is one line; std::map keeps the order stable.
  std::map<std::int64_t, std::int64_t> quantities;
  for (const OrderLine& line : lines) {
    if (line.quantity < 1 || line.quantity > kMaxQuantity) {
      return invalid("quantity must be between 1 and 10000");
    }
    quantities[line.product_id] += line.quantity;
    if (quantities[line.product_id] > kMaxQuantity) {
      return invalid("quantity must be between 1 and 10000");
    }
  }
  auto customer = customers::find_or_create(tx, customer_email);
  if (!customer) {
    return customer.error();
  }
  struct Picked {
    ProductRecord product;
    std::int64_t quantity;
    std::int64_t stock_taken;
  };
  std::vector<Picked> picked;
  std::int64_t total = 0;
  std::string currency;
  for (const auto& [product_id, quantity] : quantities) {
    auto product = products::get(tx, product_id);
    if (!product) {
      return product.error();
    }
    if (!*product || !(*product)->is_active) {
      return invalid("product " + std::to_string(product_id) + " is not for sale in this store");
    }
    if (currency.empty()) {
      currency = (*product)->currency;
    } else if (currency != (*product)->currency) {
      return invalid("all products of an order must have the same currency");
    }
    if ((*product)->stock) {
      auto taken = tx.run(kTakeStock, {tx.store_id(), product_id, quantity});
      if (!taken) {
        return taken.error();
      }
      if (taken->affected != 1) {
        return core::make_error(core::Errc::conflict, "not enough stock of " + (*product)->name);
      }
    }
    total += (*product)->price_cents * quantity;
    const std::int64_t taken = (*product)->stock ? quantity : 0;
    picked.push_back(Picked{std::move(**product), quantity, taken});
  }
  auto number = repository::single_row(tx.run(kNextNumber, {tx.store_id()}),
                                       [](const Row& row) { return row.integer(0); });
  if (!number) {
    return number.error();
  }
  std::array<char, 32> order_number{};
  std::snprintf(order_number.data(), order_number.size(), "%06lld",
                static_cast<long long>(*number));
  const std::int64_t now = unix_now();
  auto id = repository::single_row(tx.run(kInsert, {tx.store_id(), std::string(order_number.data()),
                                                    customer->id, currency, total, now}),
                                   [](const Row& row) { return row.integer(0); });
  if (!id) {
    return id.error();
  }
  for (const auto& [product, quantity, taken] : picked) {
    if (auto item =
            tx.run(kInsertItem, {tx.store_id(), *id, product.id, product.name,
                                 to_value(product.sku), product.price_cents, quantity, taken});
        !item) {
      return item.error();
    }
  }
  return repository::found(get(tx, *id), "order " + std::to_string(*id));
}

Result<std::optional<OrderRecord>> get(TenantTransaction& tx, std::int64_t id) {
  return with_items(tx, repository::optional_row(tx.run(kGet, {tx.store_id(), id}), read));
}

Result<std::optional<OrderRecord>> find_by_number(TenantTransaction& tx, std::string_view number) {
  return with_items(
      tx, repository::optional_row(tx.run(kByNumber, {tx.store_id(), std::string(number)}), read));
}

Result<std::vector<OrderRecord>> list(TenantTransaction& tx, Page page, std::string_view status) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  return repository::all_rows(
      tx.run(kList, {tx.store_id(), checked->limit, checked->offset, std::string(status)}), read);
}

Result<std::int64_t> count(TenantTransaction& tx, std::string_view status) {
  return repository::single_row(tx.run(kCount, {tx.store_id(), std::string(status)}),
                                [](const Row& row) { return row.integer(0); });
}

std::span<const std::string_view> statuses() noexcept { return kStatuses; }

bool is_status(std::string_view status) noexcept {
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

std::span<const std::string_view> allowed_transitions(std::string_view status) noexcept {
  if (status == "pending") {
    return kFromPending;
  }
  if (status == "paid") {
    return kFromPaid;
  }
  if (status == "shipped") {
    return kFromShipped;
  }
  if (status == "delivered") {
    return kFromDelivered;
  }
  return {};
}

bool counts_as_revenue(std::string_view status) noexcept {
  return is_status(status) && status != "cancelled" && status != "refunded";
}

Result<std::vector<Revenue>> revenue(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kRevenue, {tx.store_id()}), [](const Row& row) {
    return Revenue{row.text(0), row.integer(1)};
  });
}

Result<OrderRecord> set_status(TenantTransaction& tx, std::int64_t id, std::string_view status) {
  if (!is_status(status)) {
    return invalid("status must be one of pending, paid, shipped, delivered, cancelled, refunded");
  }
  auto order = repository::found(get(tx, id), "order " + std::to_string(id));
  if (!order) {
    return order.error();
  }
  const auto allowed = allowed_transitions(order->status);
  if (std::find(allowed.begin(), allowed.end(), status) == allowed.end()) {
    std::string message = "order " + order->order_number + " is " + order->status;
    if (allowed.empty()) {
      message += ", which is final: its status cannot change any more";
    } else {
      message += " and cannot become " + std::string(status) + "; it can become ";
      for (std::size_t i = 0; i < allowed.size(); ++i) {
        message += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ");
        message += allowed[i];
      }
    }
    return core::make_error(core::Errc::conflict, std::move(message));
  }
  auto changed =
      tx.run(kSetStatus, {tx.store_id(), id, std::string(status), unix_now(), order->status});
  if (!changed) {
    return changed.error();
  }
  if (changed->affected != 1) {
    return core::make_error(core::Errc::conflict, "order " + order->order_number +
                                                      " was changed meanwhile; reload it and "
                                                      "try again");
  }
  // Only this transaction moved the order to cancelled (the update above was conditional on the
  // status it read, and cancelled is final), so its stock comes back exactly once.
  if (status == "cancelled") {
    if (auto returned = return_stock(tx, id); !returned) {
      return returned.error();
    }
  }
  return repository::found(get(tx, id), "order " + std::to_string(id));
}

Result<std::int64_t> expire_pending(TenantTransaction& tx, std::int64_t created_before,
                                    std::int64_t limit) {
  auto expired =
      repository::all_rows(tx.run(kExpire, {tx.store_id(), created_before, unix_now(), limit}),
                           [](const Row& row) { return row.integer(0); });
  if (!expired) {
    return expired.error();
  }
  for (const std::int64_t id : *expired) {
    if (auto returned = return_stock(tx, id); !returned) {
      return returned.error();
    }
  }
  return static_cast<std::int64_t>(expired->size());
}

Result<std::vector<std::int64_t>> stores_with_expired_pending(PlatformTransaction& tx,
                                                              std::int64_t created_before,
                                                              std::int64_t limit) {
  return repository::all_rows(tx.run(kStoresWithExpired, {created_before, limit}),
                              [](const Row& row) { return row.integer(0); });
}

}  // namespace orion::storage::orders

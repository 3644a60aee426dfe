// A store's orders and their items (tables orders, order_items). An order is created whole in
// the caller's transaction: the customer, the order with the store's next order number, and
// one item per line with the product's name and price copied at that moment, and what it took
// from the product's tracked stock. Cancelling an order (set_status, from any caller) or its
// expiry (expire_pending) gives exactly that back, once.
//
// The order lifecycle (the only status changes set_status makes):
//   pending   → paid | cancelled
//   paid      → shipped | refunded | cancelled
//   shipped   → delivered | refunded
//   delivered → refunded
//   cancelled, refunded: final
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::orders {

inline constexpr std::int64_t kMaxQuantity = 10000;
inline constexpr std::size_t kMaxLines = 100;

// Errc::invalid_input for an empty order, a bad quantity, or a product that is not an active
// product of this store (a product of another store is simply not found here). Decrements
// tracked stock; Errc::conflict when there is not enough.
Result<OrderRecord> create(TenantTransaction& tx, std::string_view customer_email,
                           std::span<const OrderLine> lines);
Result<std::optional<OrderRecord>> get(TenantTransaction& tx, std::int64_t id);
Result<std::optional<OrderRecord>> find_by_number(TenantTransaction& tx, std::string_view number);
// Newest first, without items; with a `status`, only the orders in that status.
Result<std::vector<OrderRecord>> list(TenantTransaction& tx, Page page = {},
                                      std::string_view status = {});
Result<std::int64_t> count(TenantTransaction& tx, std::string_view status = {});

// Every status, in lifecycle order.
std::span<const std::string_view> statuses() noexcept;
bool is_status(std::string_view status) noexcept;
// The statuses an order in `status` may move to (none for a final or unknown status).
std::span<const std::string_view> allowed_transitions(std::string_view status) noexcept;
// Whether an order in this status counts as sold (not cancelled or refunded).
bool counts_as_revenue(std::string_view status) noexcept;

// The sum of the totals of the orders that count as revenue, one entry per currency (in
// currency order; empty when there are none).
struct Revenue {
  std::string currency;
  std::int64_t cents = 0;
};
Result<std::vector<Revenue>> revenue(TenantTransaction& tx);

// Moves an order along the lifecycle. Errc::invalid_input for an unknown status,
// Errc::not_found for no such order in this store, Errc::conflict for a change the lifecycle
// does not allow (also when another request changed the status first). Moving to cancelled gives
// the order's stock back, in the same transaction.
Result<OrderRecord> set_status(TenantTransaction& tx, std::int64_t id, std::string_view status);

// Unpaid orders do not hold stock for ever: moves up to `limit` pending orders created at or
// before `created_before` (Unix seconds) to cancelled and gives their stock back; returns how
// many. Safe with several instances sweeping at once (each order is moved, and its stock given
// back, by exactly one of them).
Result<std::int64_t> expire_pending(TenantTransaction& tx, std::int64_t created_before,
                                    std::int64_t limit);
// The stores (ids, ascending, at most `limit`) that have pending orders created at or before
// `created_before`: where the expiry sweep has work. A platform-wide read.
Result<std::vector<std::int64_t>> stores_with_expired_pending(PlatformTransaction& tx,
                                                              std::int64_t created_before,
                                                              std::int64_t limit);

}  // namespace orion::storage::orders

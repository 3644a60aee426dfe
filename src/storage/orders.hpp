// A store's orders and their items (tables orders, order_items). An order is created whole in
// the caller's transaction: the customer, the order with the store's next order number, and
// one item per line with the product's name and price copied at that moment.
#pragma once

#include <optional>
#include <span>
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
// Newest first, without items.
Result<std::vector<OrderRecord>> list(TenantTransaction& tx, Page page = {});
Result<std::int64_t> count(TenantTransaction& tx);
// Errc::invalid_input for an unknown status.
Result<OrderRecord> set_status(TenantTransaction& tx, std::int64_t id, std::string_view status);

}  // namespace orion::storage::orders

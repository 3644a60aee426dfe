#include "storage/platform_stats.hpp"

namespace orion::storage::platform_stats {
namespace {

constexpr Sql kStores{"platform_stats_stores",
                      "SELECT COUNT(CASE WHEN is_active THEN 1 END), "
                      "COUNT(CASE WHEN is_active THEN NULL ELSE 1 END) FROM stores"};
// idx_orders_store_created leads with store_id: across stores this is a scan of orders, which
// the overview can afford (it is one admin's page view, not a storefront request).
constexpr Sql kOrders{"platform_stats_orders",
                      "SELECT COUNT(*) FROM orders WHERE created_at >= $1"};
constexpr Sql kUsers{"platform_stats_users", "SELECT COUNT(*) FROM users"};

}  // namespace

Result<Overview> overview(PlatformTransaction& tx, std::int64_t day_start) {
  Overview result;
  auto stores = tx.run(kStores, {});
  if (!stores) {
    return stores.error();
  }
  result.active_stores = stores->rows.at(0).integer(0);
  result.inactive_stores = stores->rows.at(0).integer(1);
  auto orders = tx.run(kOrders, {day_start});
  if (!orders) {
    return orders.error();
  }
  result.orders_today = orders->rows.at(0).integer(0);
  auto users = tx.run(kUsers, {});
  if (!users) {
    return users.error();
  }
  result.users = users->rows.at(0).integer(0);
  return result;
}

std::int64_t utc_day_start(std::int64_t unix_seconds) noexcept {
  constexpr std::int64_t kDay = 24 * 3600;
  const std::int64_t rest = unix_seconds % kDay;
  return unix_seconds - (rest < 0 ? rest + kDay : rest);
}

}  // namespace orion::storage::platform_stats

#include "app/order_sweeper.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <utility>
#include <vector>

#include "storage/clock.hpp"
#include "storage/idempotency_keys.hpp"
#include "storage/orders.hpp"
#include "storage/rate_limit.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"

namespace orion::app {
namespace {

constexpr std::int64_t kStoresPerPass = 100;
constexpr std::int64_t kOrdersPerStore = 500;
constexpr int kPassesInARow = 20;

// The platform-wide deletions: keys and windows no request can use any more.
core::Result<void> forget_old(storage::Database& database, std::int64_t key_cutoff) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  if (auto keys = storage::idempotency_keys::remove_expired(*tx, key_cutoff); !keys) {
    return keys.error();
  }
  if (auto windows = storage::rate_limit::remove_ended(*tx); !windows) {
    return windows.error();
  }
  return tx->commit();
}

// One store's expired orders, in that store's own transaction.
core::Result<std::int64_t> expire_store(storage::Database& database, std::int64_t store_id,
                                        std::int64_t cutoff) {
  std::optional<storage::StoreRecord> store;
  {
    auto tx = database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto found = storage::stores::find_by_id(*tx, store_id);
    if (!found) {
      return found.error();
    }
    store = std::move(*found);
  }
  if (!store) {
    return 0;  // deleted meanwhile: its orders went with it
  }
  // The platform's own decision about a store it found, like an administrator's.
  auto tx = database.begin(storage::TenantScope::admin(store->snapshot()));
  if (!tx) {
    return tx.error();
  }
  auto expired = storage::orders::expire_pending(*tx, cutoff, kOrdersPerStore);
  if (!expired) {
    return expired.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return *expired;
}

}  // namespace

OrderSweeper::OrderSweeper(boost::asio::io_context& io, Parts parts)
    : parts_(std::move(parts)), task_(io, parts_.blocking) {}

void OrderSweeper::start() {
  if (parts_.interval.count() <= 0) {
    return;
  }
  auto in_a_row = std::make_shared<int>(0);
  task_.start(parts_.interval, [this, in_a_row] {
    auto swept = pass();  // a failed pass is logged; the next one tries again
    const bool again = swept && swept->more && ++*in_a_row < kPassesInARow;
    if (!again) {
      *in_a_row = 0;
    }
    return again;
  });
}

void OrderSweeper::stop() { task_.stop(); }

core::Result<OrderSweeper::Swept> OrderSweeper::pass() {
  const std::int64_t now = storage::unix_now();
  const std::int64_t cutoff = now - parts_.pending_ttl.count();
  Swept swept;
  auto result = [&]() -> core::Result<void> {
    if (auto forgot = forget_old(parts_.database, now - parts_.idempotency_key_ttl.count());
        !forgot) {
      return forgot.error();
    }
    std::vector<std::int64_t> stores;
    {
      auto tx = parts_.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto found = storage::orders::stores_with_expired_pending(*tx, cutoff, kStoresPerPass);
      if (!found) {
        return found.error();
      }
      stores = std::move(*found);
    }
    swept.more = static_cast<std::int64_t>(stores.size()) == kStoresPerPass;
    for (const std::int64_t store_id : stores) {
      auto expired = expire_store(parts_.database, store_id, cutoff);
      if (!expired) {
        return expired.error();
      }
      swept.orders_expired += *expired;
      swept.more = swept.more || *expired == kOrdersPerStore;
    }
    return {};
  }();
  if (swept.orders_expired > 0) {
    expired_ += static_cast<std::uint64_t>(swept.orders_expired);
    parts_.log->info("order sweep: {} unpaid order{} expired, stock given back",
                     swept.orders_expired, swept.orders_expired == 1 ? "" : "s");
  }
  if (!result) {
    parts_.log->warn("order sweep failed: {}", result.error().message);
    return result.error();
  }
  return swept;
}

std::string OrderSweeper::metrics() const {
  return fmt::format(
      "# HELP orion_orders_expired_total Unpaid orders cancelled by the expiry sweep (their "
      "stock given back).\n"
      "# TYPE orion_orders_expired_total counter\n"
      "orion_orders_expired_total {}\n",
      expired_.load());
}

}  // namespace orion::app

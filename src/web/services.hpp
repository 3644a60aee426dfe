// What every handler may use, built once by app/ and shared (read-only references, no globals).
// Blocking work (the database, files) goes through http::offload onto `blocking`.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/detection.hpp"
#include "domains/check_executor.hpp"
#include "domains/lifecycle.hpp"
#include "domains/verifier.hpp"
#include "http/metrics.hpp"
#include "http/store_lookup.hpp"
#include "storage/database.hpp"
#include "storage/theme_cache.hpp"

namespace spdlog {
class logger;
}

namespace orion::web {

class Templates;
namespace shop {
class StoreNotFoundPages;
}

// The storefront's protections against stock draining and double orders (docs/CONFIG.md): per
// client (http::client_key), order creation and cart writes are counted in the database
// (storage::rate_limit) and refused with 429 beyond `*_limit` per `*_window_s` (a limit of 0:
// unlimited); an Idempotency-Key of the order API is remembered `idempotency_key_ttl_s`.
struct ShopLimits {
  std::int64_t order_limit = 10;
  std::int64_t order_window_s = 600;
  std::int64_t cart_limit = 120;
  std::int64_t cart_window_s = 600;
  std::int64_t idempotency_key_ttl_s = 24 * 3600;
};

struct Services {
  storage::Database& database;
  boost::asio::thread_pool& blocking;
  const core::Platform& platform;
  // Every store lookup of a handler (the request's own store is resolved by the chain already).
  const http::StoreLookup& stores;
  // Read-through; kept exact by the change feed (storage/change_feed.hpp), which every commit
  // that writes runs before the request that made it is answered: handlers never invalidate.
  storage::ThemeCache& themes;
  http::Metrics& metrics;
  const Templates& templates;
  // Custom-domain checks; they block for up to their timeout, so offload them.
  const domains::Verifier& verifier;
  // Where those checks run (web/domain_checks.hpp), never on `blocking`.
  domains::CheckExecutor& checks;
  std::filesystem::path files_root;  // files of store {id} live under files_root/{id}/
  std::shared_ptr<spdlog::logger> log;
  std::uint64_t upload_limit = 5 * 1024 * 1024;  // largest logo or product image (bytes)
  domains::Policy domain_policy;                 // re-checks, grace, quarantine, domains per store
  std::string canonical_scheme = "https";        // of absolute URLs on a store's primary domain
  ShopLimits shop;                               // storefront rate limits, idempotency keys
  // /metrics on the main listener; off when it has a listener of its own (metrics_listen).
  bool metrics_on_main_listener = true;
  // The unknown-store page, rendered once (set by App::make; web/shop/shop_support.hpp).
  const shop::StoreNotFoundPages* store_not_found = nullptr;
};

}  // namespace orion::web

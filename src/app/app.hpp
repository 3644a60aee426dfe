// Builds the running server's object graph from a validated Config: the database, the
// in-memory store directory and the change feed that keeps it and the caches exact, the blocking
// pool, the routes and the middleware chain, the listener and its I/O threads. No globals, no
// singletons: everything lives in one App and is torn down with it, so tests can run several in one
// process.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>

#include "app/config.hpp"
#include "app/domain_scheduler.hpp"
#include "app/order_sweeper.hpp"
#include "app/session_sweeper.hpp"
#include "core/detection.hpp"
#include "core/live_directory.hpp"
#include "domains/check_executor.hpp"
#include "domains/verifier.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"
#include "http/page_cache.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/store_lookup.hpp"
#include "storage/change_feed.hpp"
#include "storage/database.hpp"
#include "storage/store_cache.hpp"
#include "storage/store_directory.hpp"
#include "storage/theme_cache.hpp"
#include "web/services.hpp"
#include "web/templates.hpp"

namespace spdlog {
class logger;
}

namespace orion::app {

class App {
 public:
  // Opens the database (which must be migrated to this binary's schema) and builds everything;
  // binds nothing yet. A bad setting or an unreachable database is a one-line error.
  static core::Result<std::unique_ptr<App>> make(Config config,
                                                 std::shared_ptr<spdlog::logger> log);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the listen address (port 0 picks a free port).
  core::Result<void> listen();
  [[nodiscard]] boost::asio::ip::tcp::endpoint endpoint() const { return server_->endpoint(); }
  // The metrics listener's address once bound; nothing without metrics_listen.
  [[nodiscard]] std::optional<boost::asio::ip::tcp::endpoint> metrics_endpoint() const;

  // Serves on the configured I/O threads until SIGINT/SIGTERM or stop(), then shuts down
  // gracefully (in-flight requests finish within shutdown_grace). Returns the exit code.
  int run();
  // Asks run() to shut down; safe from any thread.
  void stop();

  [[nodiscard]] const http::Router& router() const noexcept { return *router_; }
  [[nodiscard]] storage::Database& database() noexcept { return *database_; }
  [[nodiscard]] DomainScheduler& domain_scheduler() noexcept { return *scheduler_; }
  [[nodiscard]] OrderSweeper& order_sweeper() noexcept { return *orders_; }
  // The page cache, for whatever learns of changes (the change feed): none with
  // page_cache_bytes = 0. It starts not serving — nothing yet proves it current — so a
  // storefront page is built for every request until set_serving(true).
  [[nodiscard]] http::PageCache* pages() noexcept { return pages_.get(); }

 private:
  App(Config config, std::shared_ptr<spdlog::logger> log);
  void shutdown();  // on an I/O thread

  Config config_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<storage::Database> database_;
  std::optional<core::Platform> platform_;
  boost::asio::thread_pool blocking_;
  http::Metrics metrics_;
  std::unique_ptr<storage::DatabaseStoreDirectory> directory_;
  core::LiveDirectory live_;  // what requests resolve from; kept exact by feed_
  std::unique_ptr<storage::ChangeFeed> feed_;
  std::unique_ptr<storage::StoreCache> stores_;  // verification tokens
  std::unique_ptr<storage::ThemeCache> themes_;
  std::unique_ptr<http::PageCache> pages_;
  std::unique_ptr<web::Templates> templates_;
  std::unique_ptr<web::shop::StoreNotFoundPages> store_not_found_;
  std::unique_ptr<domains::Verifier> verifier_;
  std::unique_ptr<domains::CheckExecutor> checks_;
  std::unique_ptr<web::Services> services_;
  http::Router* router_ = nullptr;  // owned by chain_
  std::unique_ptr<http::StoreLookup> lookup_;
  std::unique_ptr<http::Chain> chain_;
  // The I/O loops (issue 15): io_ runs on the thread that calls run() and holds the acceptors,
  // the signals and the periodic tasks; loops_ are the other io_threads - 1, one thread each.
  // Every loop is run by exactly one thread, so connections need no strand.
  boost::asio::io_context io_{1};
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Server> metrics_server_;  // with metrics_listen only
  std::unique_ptr<DomainScheduler> scheduler_;
  std::unique_ptr<SessionSweeper> sessions_;
  std::unique_ptr<OrderSweeper> orders_;
  std::optional<boost::asio::signal_set> signals_;
  std::atomic<bool> shutting_down_{false};
};

// "HOST:PORT" or "[v6]:PORT" → an endpoint; "localhost" is 127.0.0.1.
core::Result<boost::asio::ip::tcp::endpoint> parse_listen(std::string_view listen);

}  // namespace orion::app

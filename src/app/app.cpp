#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <thread>
#include <vector>

#include "http/log_line.hpp"
#include "http/middleware/chain.hpp"
#include "storage/migrations.hpp"
#include "storage/row_security.hpp"
#include "web/routes.hpp"
#include "web/shop/shop_support.hpp"

namespace orion::app {
namespace {

unsigned io_threads_of(const Config& config) {
  if (config.io_threads != 0) {
    return config.io_threads;
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

unsigned blocking_threads_of(const Config& config) {
  return config.blocking_threads != 0 ? config.blocking_threads : 4 * io_threads_of(config);
}

}  // namespace

core::Result<boost::asio::ip::tcp::endpoint> parse_listen(std::string_view listen) {
  const auto bad = [&] {
    return core::make_error(core::Errc::invalid_input,
                            "listen: '" + std::string(listen) +
                                "' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad();
  }
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return bad();
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code parse_error;
  const auto address = boost::asio::ip::make_address(std::string(host), parse_error);
  if (parse_error) {
    return bad();
  }
  return boost::asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

App::App(Config config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), log_(std::move(log)), blocking_(blocking_threads_of(config_)) {}

App::~App() {
  if (checks_) {
    checks_->join();
  }
  blocking_.join();
}

core::Result<std::unique_ptr<App>> App::make(Config config, std::shared_ptr<spdlog::logger> log) {
  if (auto valid = validate(config); !valid) {
    return valid.error();
  }
  auto platform = core::Platform::make(config.platform_domain);
  if (!platform) {
    return core::make_error(platform.error().code, "platform_domain: " + platform.error().message);
  }
  std::unique_ptr<App> app(new App(std::move(config), std::move(log)));
  app->platform_ = std::move(*platform);
  const Config& c = app->config_;
  // One format for every line the server writes: the access log's and everyone else's.
  const http::LogFormat log_format = *http::parse_log_format(c.log_format);
  app->log_->set_formatter(http::make_log_formatter(log_format));
  auto database = storage::open_database(
      c.db, storage::PoolOptions{c.db_pool_size, c.db_pool_size * 2, std::chrono::seconds(5)},
      storage::OpenMode::existing);
  if (!database) {
    return database.error();
  }
  app->database_ = std::move(*database);
  if (auto current = storage::require_current_schema(*app->database_); !current) {
    return current.error();
  }
  if (auto isolated = storage::require_row_security(*app->database_); !isolated) {
    return isolated.error();
  }
  app->directory_ = std::make_unique<storage::DatabaseStoreDirectory>(*app->database_);
  app->stores_ = std::make_unique<storage::StoreCache>(
      *app->directory_, storage::StoreCache::Options{c.store_cache_ttl, 100'000},
      app->directory_.get());
  app->themes_ = std::make_unique<storage::ThemeCache>(*app->database_, c.store_cache_ttl);
  app->templates_ = std::make_unique<web::Templates>();
  if (c.page_cache_bytes > 0) {
    app->pages_ = std::make_unique<http::PageCache>(http::PageCache::Options{c.page_cache_bytes});
  }
  // Every store and domain in memory, and the feed that keeps them and the caches exact: it
  // reads the change log after each commit of this process that wrote (before the change is
  // acknowledged) and whenever another process commits (docs/STORAGE.md, "The change feed").
  {
    App* raw = app.get();
    storage::ChangeFeed::Hooks hooks;
    // The page cache last: a page rebuilt after its store_changed reads the theme anew.
    hooks.store_changed = [raw](std::int64_t store_id) {
      raw->themes_->invalidate(store_id);
      if (raw->pages_) {
        raw->pages_->store_changed(store_id);
      }
    };
    hooks.domains_changed = [raw] { raw->stores_->invalidate_all(); };
    hooks.reloaded = [raw] {
      raw->themes_->invalidate_all();
      if (raw->pages_) {
        raw->pages_->all_changed();
      }
    };
    hooks.warn = [raw](const std::string& line) { raw->log_->warn("{}", line); };
    app->feed_ = std::make_unique<storage::ChangeFeed>(
        *app->database_, app->live_, std::move(hooks), storage::ChangeFeed::Options{});
    const auto started = std::chrono::steady_clock::now();
    if (auto loaded = app->feed_->load(); !loaded) {
      return core::make_error(loaded.error().code,
                              "loading the store directory: " + loaded.error().message);
    }
    const auto stats = app->live_.stats();
    app->log_->info("store directory: {} stores, {} domains loaded in {} ms", stats.stores,
                    stats.domains,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count());
    app->database_->set_write_observer([raw] { (void)raw->feed_->sync(); });
  }
  domains::DnsOptions dns{c.dns_server, c.dns_timeout,      c.platform_domain,
                          {},           c.domain_http_port, c.domain_http_allow_private};
  if (auto targets = domains::parse_targets(c.domain_targets); targets) {
    dns.targets = std::move(*targets);
  } else {
    return core::make_error(targets.error().code, "domain_targets: " + targets.error().message);
  }
  auto verifier = domains::DnsVerifier::make(dns);
  if (!verifier) {
    return core::make_error(verifier.error().code, "dns_server: " + verifier.error().message);
  }
  app->verifier_ = std::move(*verifier);
  // A check blocks for up to dns_timeout; the retry hint is one check's worst case.
  const auto retry_after = std::max<std::chrono::seconds>(
      std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(c.dns_timeout * 3));
  app->checks_ = std::make_unique<domains::CheckExecutor>(domains::CheckExecutor::Options{
      c.domain_check_threads, c.domain_check_queue, c.domain_checks_per_store, retry_after});
  app->lookup_ = std::make_unique<http::StoreLookup>(app->live_, *app->feed_, *app->directory_,
                                                     app->blocking_);
  app->services_ = std::make_unique<web::Services>(web::Services{
      *app->database_, app->blocking_, *app->platform_, *app->lookup_, *app->themes_, app->metrics_,
      *app->templates_, *app->verifier_, *app->checks_, c.files_dir, app->log_, c.upload_limit,
      domains::Policy{c.domain_recheck_interval, 0.1, c.domain_grace, c.domain_quarantine,
                      c.domain_remove_detached, c.domain_limit, c.domain_pending_ttl},
      c.canonical_scheme,
      web::ShopLimits{c.order_rate_limit, c.order_rate_window.count(), c.cart_rate_limit,
                      c.cart_rate_window.count(), c.idempotency_key_ttl.count()}});

  app->scheduler_ = std::make_unique<DomainScheduler>(
      app->io_,
      DomainScheduler::Parts{*app->database_, *app->verifier_, app->services_->domain_policy,
                             app->checks_->pool(), app->log_, c.domain_check_poll});
  app->sessions_ = std::make_unique<SessionSweeper>(
      app->io_,
      SessionSweeper::Parts{*app->database_, app->blocking_, app->log_, c.session_sweep_interval});
  app->orders_ = std::make_unique<OrderSweeper>(
      app->io_,
      OrderSweeper::Parts{*app->database_, app->blocking_, app->log_, c.order_sweep_interval,
                          c.order_pending_ttl, c.idempotency_key_ttl});
  App* raw = app.get();
  app->metrics_.add_source([raw] { return raw->scheduler_->metrics(); });
  app->metrics_.add_source([raw] { return raw->sessions_->metrics(); });
  app->metrics_.add_source([raw] { return raw->checks_->metrics(); });
  app->metrics_.add_source([raw] { return raw->orders_->metrics(); });
  app->metrics_.add_source([raw] { return raw->feed_->metrics(); });
  if (app->pages_) {
    app->metrics_.add_source([raw] { return raw->pages_->metrics(); });
  }
  app->metrics_.add_source([raw] {
    const auto cache = raw->stores_->stats();
    const auto pool = raw->database_->pool_state();
    return fmt::format(
        "# HELP orion_verification_token_cache_hits_total HTTP domain proofs answered from the "
        "cache.\n"
        "# TYPE orion_verification_token_cache_hits_total counter\n"
        "orion_verification_token_cache_hits_total {}\n"
        "# HELP orion_verification_token_cache_misses_total HTTP domain proofs that asked the "
        "database.\n"
        "# TYPE orion_verification_token_cache_misses_total counter\n"
        "orion_verification_token_cache_misses_total {}\n"
        "# HELP orion_db_pool_connections Database connections by state.\n"
        "# TYPE orion_db_pool_connections gauge\n"
        "orion_db_pool_connections{{state=\"open\"}} {}\n"
        "orion_db_pool_connections{{state=\"idle\"}} {}\n"
        "orion_db_pool_connections{{state=\"in_use\"}} {}\n",
        cache.token_hits, cache.token_misses, pool.open, pool.idle, pool.in_use);
  });

  app->services_->metrics_on_main_listener = c.metrics_listen.empty();
  app->store_not_found_ =
      std::make_unique<web::shop::StoreNotFoundPages>(*app->templates_, app->platform_->domain());
  app->services_->store_not_found = app->store_not_found_.get();
  auto router = std::make_unique<http::Router>();
  router->set_body_limit(c.body_limit);
  web::add_routes(*router, *app->services_);
  app->router_ = router.get();
  auto proxies = parse_trusted_proxies(c.trusted_proxies);
  if (!proxies) {
    return core::make_error(proxies.error().code, "trusted_proxies: " + proxies.error().message);
  }
  http::ChainParts parts{app->log_,          *app->platform_, *app->lookup_, std::move(router),
                         app->themes_.get(), &app->blocking_, &app->metrics_};
  parts.stores = app->stores_.get();
  parts.trusted_proxies = std::move(*proxies);
  parts.canonical_scheme = c.canonical_scheme;
  parts.log_format = log_format;
  parts.probes = web::ops_probes(*app->services_);
  parts.pages = app->pages_.get();
  app->chain_ = http::make_chain(std::move(parts));
  http::ServerOptions options;
  options.header_limit = c.header_limit;
  options.body_limit = c.body_limit;
  options.read_timeout = c.read_timeout;
  options.idle_timeout = c.idle_timeout;
  options.write_timeout = c.write_timeout;
  options.max_connections = c.max_connections;
  options.shutdown_grace = c.shutdown_grace;
  std::vector<boost::asio::io_context*> loops{&app->io_};
  for (unsigned i = 1; i < io_threads_of(c); ++i) {
    app->loops_.push_back(std::make_unique<boost::asio::io_context>(1));
    loops.push_back(app->loops_.back().get());
  }
  app->server_ = std::make_unique<http::Server>(std::move(loops), app->chain_->handler(), options);
  if (!c.metrics_listen.empty()) {
    // /metrics alone, on any Host, outside the chain: a scrape is neither logged nor counted
    // as a request, and nothing else of the platform is reachable on this address.
    const web::Services* services = app->services_.get();
    app->metrics_server_ = std::make_unique<http::Server>(
        std::vector<boost::asio::io_context*>{&app->io_},
        [services](http::Request& request, const http::Peer&,
                   http::RequestBody&) -> boost::asio::awaitable<http::Response> {
          const std::string_view target = request.target();
          const std::string_view path = target.substr(0, target.find('?'));
          const bool reads = request.method() == boost::beast::http::verb::get ||
                             request.method() == boost::beast::http::verb::head;
          if (reads && path == "/metrics") {
            co_return web::metrics_response(*services);
          }
          co_return http::json_error(http::Status::not_found, "not_found",
                                     "this address serves GET /metrics only");
        },
        options);
  }
  return app;
}

core::Result<void> App::listen() {
  auto endpoint = parse_listen(config_.listen);
  if (!endpoint) {
    return endpoint.error();
  }
  if (auto bound = server_->listen(*endpoint); !bound) {
    return bound;
  }
  if (metrics_server_) {
    auto metrics = parse_listen(config_.metrics_listen);
    if (!metrics) {
      return core::make_error(metrics.error().code, "metrics_" + metrics.error().message);
    }
    if (auto bound = metrics_server_->listen(*metrics); !bound) {
      return core::make_error(bound.error().code, "metrics_listen: " + bound.error().message);
    }
  }
  return {};
}

std::optional<boost::asio::ip::tcp::endpoint> App::metrics_endpoint() const {
  if (!metrics_server_) {
    return std::nullopt;
  }
  return metrics_server_->endpoint();
}

void App::stop() {
  boost::asio::post(io_, [this] { shutdown(); });
}

void App::shutdown() {
  if (shutting_down_.exchange(true)) {
    return;
  }
  scheduler_->stop();
  feed_->stop();
  sessions_->stop();
  orders_->stop();
  boost::asio::co_spawn(
      io_,
      [this]() -> boost::asio::awaitable<void> {
        co_await server_->stop();
        if (metrics_server_) {
          co_await metrics_server_->stop();
        }
        // Nothing is left to wait for: let io_.run() return.
        if (signals_) {
          boost::system::error_code ignored;
          signals_->cancel(ignored);
        }
      },
      boost::asio::detached);
}

int App::run() {
  signals_.emplace(io_, SIGINT, SIGTERM);
  signals_->async_wait([this](const boost::system::error_code& error, int signal) {
    if (!error) {
      log_->info("signal {} received: shutting down (grace {} ms)", signal,
                 config_.shutdown_grace.count());
      shutdown();
    }
  });
  scheduler_->start();
  feed_->start();
  sessions_->start();
  orders_->start();
  // The other loops run until io_ is done (the server has stopped: no connection is left on
  // any loop), then their guards go and they return.
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<Guard> guards;
  std::vector<std::thread> pool;
  for (const auto& loop : loops_) {
    guards.push_back(boost::asio::make_work_guard(*loop));
    pool.emplace_back([&loop] { loop->run(); });
  }
  io_.run();
  for (auto& guard : guards) {
    guard.reset();
  }
  for (auto& thread : pool) {
    thread.join();
  }
  log_->info("stopped");
  return 0;
}

}  // namespace orion::app

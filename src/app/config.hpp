// Everything `orion serve` and `orion demo` can be told, with its default. Filled from, in
// rising precedence: the defaults below, an optional TOML file (--config), the environment
// (ORION_<NAME>), and command-line flags; then validated once, with a one-line error naming the
// first bad setting.
#pragma once

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace orion::app {

struct Config {
  std::string db;                                    // db: sqlite:PATH or postgresql://...
  std::string listen = "127.0.0.1:8080";             // listen: HOST:PORT ([v6]:PORT)
  std::string platform_domain = "localhost";         // platform_domain
  unsigned io_threads = 0;                           // io_threads: 0 = one per core
  unsigned blocking_threads = 0;                     // blocking_threads: 0 = 4 × io threads
  std::size_t db_pool_size = 8;                      // db_pool_size
  std::size_t header_limit = 16 * 1024;              // header_limit (bytes)
  std::uint64_t body_limit = 1024 * 1024;            // body_limit (bytes)
  std::uint64_t upload_limit = 5 * 1024 * 1024;      // upload_limit (bytes, logo/image uploads)
  std::chrono::milliseconds read_timeout{10'000};    // read_timeout_ms
  std::chrono::milliseconds idle_timeout{60'000};    // idle_timeout_ms
  std::chrono::milliseconds write_timeout{10'000};   // write_timeout_ms
  std::chrono::milliseconds shutdown_grace{10'000};  // shutdown_grace_ms
  std::size_t max_connections = 10'000;              // max_connections
  std::chrono::milliseconds store_cache_ttl{5'000};  // store_cache_ttl_ms
  std::size_t page_cache_bytes = 256u << 20;         // page_cache_bytes: 0 = no page cache
  std::filesystem::path files_dir;  // files_dir: store files; default: beside a SQLite db
  std::string log_level = "info";   // log_level: trace|debug|info|warn|error
  std::string log_format = "text";  // log_format: text|json (every line; docs/CONFIG.md)
  std::string dns_server;           // dns_server: IP[:PORT] for domain checks; "" = the system's
  std::chrono::milliseconds dns_timeout{5'000};  // dns_timeout_ms: one domain check at most
  // Custom domains (docs/DOMAINS.md).
  std::chrono::seconds domain_recheck_interval{24 * 3600};  // domain_recheck_interval_s
  std::chrono::seconds domain_grace{72 * 3600};             // domain_grace_s
  std::chrono::seconds domain_quarantine{30 * 86400};       // domain_quarantine_s
  std::chrono::seconds domain_remove_detached{30 * 86400};  // domain_remove_detached_s
  std::chrono::seconds domain_pending_ttl{7 * 86400};       // domain_pending_ttl_s: unproved
  std::size_t domain_limit = 10;                            // domain_limit: per store
  std::string domain_targets;  // domain_targets: "IP,IP,cname.host"; "" = the platform domain
  std::uint16_t domain_http_port = 80;  // domain_http_port: where the HTTP token check connects
  // domain_http_allow_private: may the HTTP token check connect to loopback/private addresses
  // (off: a domain pointed inside the platform's network is refused, against SSRF).
  bool domain_http_allow_private = false;
  std::chrono::milliseconds domain_check_poll{60'000};  // domain_check_poll_ms: scheduler tick
  std::string trusted_proxies;  // trusted_proxies: "IP,IP" whose X-Forwarded-Proto/-For count
  std::string canonical_scheme = "https";  // canonical_scheme: of primary-domain URLs
  // session_sweep_interval_s: how often expired sessions are deleted; 0 = never.
  std::chrono::seconds session_sweep_interval{3600};
  // Operations (docs/CONFIG.md "Operations").
  // metrics_listen: HOST:PORT of a listener serving only /metrics; "" = /metrics on `listen`'s
  // platform host. When set, the main listener does not answer /metrics at all.
  std::string metrics_listen;
  // Where custom-domain checks run (domains::CheckExecutor; docs/DOMAINS.md).
  std::size_t domain_check_threads = 4;     // domain_check_threads: checks running at once
  std::size_t domain_check_queue = 64;      // domain_check_queue: checks admitted at once
  std::size_t domain_checks_per_store = 2;  // domain_checks_per_store: of one store at once
  // The storefront's orders and stock (docs/CONFIG.md): unpaid orders give their stock back
  // after order_pending_ttl_s; order creation and cart writes are rate-limited per client.
  std::chrono::seconds order_pending_ttl{48 * 3600};    // order_pending_ttl_s
  std::chrono::seconds order_sweep_interval{300};       // order_sweep_interval_s: 0 = never
  std::int64_t order_rate_limit = 10;                   // order_rate_limit: per window; 0 = off
  std::chrono::seconds order_rate_window{600};          // order_rate_window_s
  std::int64_t cart_rate_limit = 120;                   // cart_rate_limit: per window; 0 = off
  std::chrono::seconds cart_rate_window{600};           // cart_rate_window_s
  std::chrono::seconds idempotency_key_ttl{24 * 3600};  // idempotency_key_ttl_s
};

// Checks every setting; the first problem as "setting: what is wrong".
core::Result<void> validate(const Config& config);

// trusted_proxies: "IP, IP, ..." (IPv4 or IPv6 literals; empty: none). Errc::invalid_input
// naming the entry that is not an IP address.
core::Result<std::vector<boost::asio::ip::address>> parse_trusted_proxies(std::string_view text);

}  // namespace orion::app

namespace orion::app {

// One setting: its name (the TOML key; env ORION_<NAME upper-cased>; flag --name-with-dashes),
// what it is for, and how a text value sets it. `set` fails with what is wrong with the value
// only ("'abc' is not a whole number in range"): load_config adds where the value came from.
struct Setting {
  std::string_view name;
  std::string_view help;
  core::Result<void> (*set)(Config& config, std::string_view value);
};

// Every setting, in the order `orion serve --help` lists them.
std::span<const Setting> settings() noexcept;

// The environment variable of a setting: ORION_<NAME>.
std::string env_name(std::string_view setting);
// The command-line flag of a setting: --name-with-dashes.
std::string flag_name(std::string_view setting);

// Builds a Config: defaults, then the TOML file (if `config_file` is not empty), then the
// environment (through `getenv`), then `flags` (setting name → value, only the flags given), and
// validates it. An empty environment variable counts as unset. Every error is one line that
// names the setting where its value came from: "ORION_IO_THREADS: 'x' is not a whole number
// in range", "--listen: ...", "config FILE: header_limit: ...", or "db: ..." for a default.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
core::Result<Config> load_config(const std::string& config_file,
                                 const std::vector<std::pair<std::string, std::string>>& flags,
                                 const GetEnv& getenv, Config defaults = {});

}  // namespace orion::app

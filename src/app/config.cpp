// The settings table of `orion serve` / `orion demo`, reading each source in turn, and the one
// validation pass. Each error names the setting as the operator wrote it (the env variable, the
// flag, or the key in the TOML file), so a bad deployment fails at start with one clear line.
#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>

#include "app/app.hpp"
#include "core/text.hpp"
#include "domains/verifier.hpp"
#include "http/log_line.hpp"

namespace orion::app {
namespace {

core::Error invalid(std::string message) {
  return core::make_error(core::Errc::invalid_input, std::move(message));
}

template <class Int>
core::Result<Int> parse_int(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    return invalid("'" + std::string(text) + "' is not a whole number in range");
  }
  return value;
}

// A TOML boolean arrives as "true"/"false"; env and flags may say it the usual other ways too.
core::Result<bool> parse_bool(std::string_view text) {
  for (const std::string_view yes : {"true", "1", "yes", "on"}) {
    if (text == yes) {
      return true;
    }
  }
  for (const std::string_view no : {"false", "0", "no", "off"}) {
    if (text == no) {
      return false;
    }
  }
  return invalid("'" + std::string(text) + "' is not true|false");
}

#define ORION_TEXT(field)                                   \
  [](Config& c, std::string_view v) -> core::Result<void> { \
    c.field = std::string(v);                               \
    return {};                                              \
  }
#define ORION_NUMBER(field, type)                           \
  [](Config& c, std::string_view v) -> core::Result<void> { \
    auto n = parse_int<type>(v);                            \
    if (!n) {                                               \
      return n.error();                                     \
    }                                                       \
    c.field = *n;                                           \
    return {};                                              \
  }
#define ORION_MILLIS(field)                                 \
  [](Config& c, std::string_view v) -> core::Result<void> { \
    auto n = parse_int<std::int64_t>(v);                    \
    if (!n) {                                               \
      return n.error();                                     \
    }                                                       \
    c.field = std::chrono::milliseconds(*n);                \
    return {};                                              \
  }
#define ORION_SECONDS(field)                                \
  [](Config& c, std::string_view v) -> core::Result<void> { \
    auto n = parse_int<std::int64_t>(v);                    \
    if (!n) {                                               \
      return n.error();                                     \
    }                                                       \
    c.field = std::chrono::seconds(*n);                     \
    return {};                                              \
  }

#define ORION_BOOL(field)                                   \
  [](Config& c, std::string_view v) -> core::Result<void> { \
    auto b = parse_bool(v);                                 \
    if (!b) {                                               \
      return b.error();                                     \
    }                                                       \
    c.field = *b;                                           \
    return {};                                              \
  }

constexpr Setting kSettings[] = {
    {"db", "database URL: sqlite:PATH or postgresql://...", ORION_TEXT(db)},
    {"listen", "address to listen on, HOST:PORT or [V6]:PORT", ORION_TEXT(listen)},
    {"platform_domain", "the platform's domain (stores are <code>.<domain>)",
     ORION_TEXT(platform_domain)},
    {"io_threads", "I/O threads (0: one per core)", ORION_NUMBER(io_threads, unsigned)},
    {"blocking_threads", "threads for database and file work (0: 4 per I/O thread)",
     ORION_NUMBER(blocking_threads, unsigned)},
    {"db_pool_size", "database connections kept open", ORION_NUMBER(db_pool_size, std::size_t)},
    {"header_limit", "largest request head in bytes (larger: 431)",
     ORION_NUMBER(header_limit, std::size_t)},
    {"body_limit", "largest request body in bytes (larger: 413)",
     ORION_NUMBER(body_limit, std::uint64_t)},
    {"upload_limit", "largest upload body in bytes", ORION_NUMBER(upload_limit, std::uint64_t)},
    {"read_timeout_ms", "a started request must arrive within this", ORION_MILLIS(read_timeout)},
    {"idle_timeout_ms", "a kept-alive connection may idle this long", ORION_MILLIS(idle_timeout)},
    {"write_timeout_ms", "a response must be written within this", ORION_MILLIS(write_timeout)},
    {"shutdown_grace_ms", "time in-flight requests get on SIGTERM", ORION_MILLIS(shutdown_grace)},
    {"max_connections", "open connections at most (more: 503)",
     ORION_NUMBER(max_connections, std::size_t)},
    {"store_cache_ttl_ms", "how long a store lookup is cached", ORION_MILLIS(store_cache_ttl)},
    {"page_cache_bytes", "memory for ready storefront pages in bytes (0: no page cache)",
     ORION_NUMBER(page_cache_bytes, std::size_t)},
    {"files_dir", "folder of the stores' uploaded files (default: 'files' beside a SQLite db)",
     ORION_TEXT(files_dir)},
    {"log_level", "trace, debug, info, warn or error", ORION_TEXT(log_level)},
    {"log_format", "log lines as text (key=value) or json (one object per line)",
     ORION_TEXT(log_format)},
    {"dns_server", "DNS resolver for domain checks, HOST:PORT (default: the system's)",
     ORION_TEXT(dns_server)},
    {"dns_timeout_ms", "a domain's DNS check gives up after this", ORION_MILLIS(dns_timeout)},
    {"domain_recheck_interval_s", "re-check a verified custom domain this often (seconds)",
     ORION_SECONDS(domain_recheck_interval)},
    {"domain_grace_s", "a custom domain whose re-check fails still routes this long (seconds)",
     ORION_SECONDS(domain_grace)},
    {"domain_quarantine_s", "a removed domain is held back from other stores this long (seconds)",
     ORION_SECONDS(domain_quarantine)},
    {"domain_remove_detached_s", "a detached domain is removed after this long (seconds)",
     ORION_SECONDS(domain_remove_detached)},
    {"domain_pending_ttl_s", "a custom domain never verified is removed after this long (seconds)",
     ORION_SECONDS(domain_pending_ttl)},
    {"domain_limit", "custom domains per store at most (1..1000)",
     ORION_NUMBER(domain_limit, std::size_t)},
    {"domain_targets",
     "where custom domains must point: IPs and/or one CNAME host, comma-separated "
     "(default: the platform domain)",
     ORION_TEXT(domain_targets)},
    {"domain_http_port", "port the HTTP token check connects to on a domain (1..65535)",
     ORION_NUMBER(domain_http_port, std::uint16_t)},
    {"domain_http_allow_private",
     "let the HTTP token check connect to loopback/private addresses (true|false; tests, demo)",
     ORION_BOOL(domain_http_allow_private)},
    {"domain_check_poll_ms", "how often the re-check scheduler looks for due domains",
     ORION_MILLIS(domain_check_poll)},
    {"trusted_proxies",
     "proxy IPs, comma-separated, whose X-Forwarded-Proto and X-Forwarded-For are believed",
     ORION_TEXT(trusted_proxies)},
    {"canonical_scheme", "scheme of URLs on a store's primary domain: https or http",
     ORION_TEXT(canonical_scheme)},
    {"session_sweep_interval_s", "how often expired sessions are deleted (seconds; 0: never)",
     ORION_SECONDS(session_sweep_interval)},
    // Operations: where /metrics answers, and where domain checks run.
    {"metrics_listen",
     "HOST:PORT of a listener for /metrics only (default: none, /metrics on the platform host)",
     ORION_TEXT(metrics_listen)},
    {"domain_check_threads", "threads that run custom-domain checks (1..64)",
     ORION_NUMBER(domain_check_threads, std::size_t)},
    {"domain_check_queue", "domain checks admitted at once, running or waiting (more: 429)",
     ORION_NUMBER(domain_check_queue, std::size_t)},
    {"domain_checks_per_store", "domain checks of one store admitted at once (more: 429)",
     ORION_NUMBER(domain_checks_per_store, std::size_t)},
    // The storefront's orders and stock.
    {"order_pending_ttl_s", "an unpaid order is cancelled and its stock given back after this",
     ORION_SECONDS(order_pending_ttl)},
    {"order_sweep_interval_s", "how often unpaid orders are expired (seconds; 0: never)",
     ORION_SECONDS(order_sweep_interval)},
    {"order_rate_limit", "orders one client may place per order_rate_window_s (0: no limit)",
     ORION_NUMBER(order_rate_limit, std::int64_t)},
    {"order_rate_window_s", "the window of order_rate_limit (seconds)",
     ORION_SECONDS(order_rate_window)},
    {"cart_rate_limit", "cart changes one client may make per cart_rate_window_s (0: no limit)",
     ORION_NUMBER(cart_rate_limit, std::int64_t)},
    {"cart_rate_window_s", "the window of cart_rate_limit (seconds)",
     ORION_SECONDS(cart_rate_window)},
    {"idempotency_key_ttl_s", "how long an Idempotency-Key of the order API is remembered",
     ORION_SECONDS(idempotency_key_ttl)},
};
constexpr std::size_t kSettingCount = std::size(kSettings);

#undef ORION_TEXT
#undef ORION_NUMBER
#undef ORION_MILLIS
#undef ORION_SECONDS
#undef ORION_BOOL

std::optional<std::size_t> find_setting(std::string_view name) {
  for (std::size_t i = 0; i < kSettingCount; ++i) {
    if (kSettings[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

// A broken rule: the setting and what is wrong with its value.
struct Problem {
  std::string_view setting;
  std::string what;
};

// The custom-domain settings (docs/DOMAINS.md).
std::optional<Problem> check_domains(const Config& config) {
  for (const auto& [name, value] :
       {std::pair{"domain_recheck_interval_s", config.domain_recheck_interval.count()},
        std::pair{"domain_check_poll_ms", config.domain_check_poll.count()},
        std::pair{"domain_pending_ttl_s", config.domain_pending_ttl.count()}}) {
    if (value <= 0) {
      return Problem{name, "must be positive"};
    }
  }
  for (const auto& [name, value] :
       {std::pair{"domain_grace_s", config.domain_grace.count()},
        std::pair{"domain_quarantine_s", config.domain_quarantine.count()},
        std::pair{"domain_remove_detached_s", config.domain_remove_detached.count()}}) {
    if (value < 0) {
      return Problem{name, "must not be negative"};
    }
  }
  if (config.domain_limit == 0 || config.domain_limit > 1000) {
    return Problem{"domain_limit", "must be 1..1000"};
  }
  if (auto targets = domains::parse_targets(config.domain_targets); !targets) {
    return Problem{"domain_targets", targets.error().message};
  }
  if (config.domain_http_port == 0) {
    return Problem{"domain_http_port", "must be 1..65535"};
  }
  if (auto proxies = parse_trusted_proxies(config.trusted_proxies); !proxies) {
    return Problem{"trusted_proxies", proxies.error().message};
  }
  if (config.canonical_scheme != "https" && config.canonical_scheme != "http") {
    return Problem{"canonical_scheme", "'" + config.canonical_scheme + "' is not https|http"};
  }
  return std::nullopt;
}

// The storefront's orders and stock.
std::optional<Problem> check_orders(const Config& config) {
  for (const auto& [name, value] :
       {std::pair{"order_pending_ttl_s", config.order_pending_ttl.count()},
        std::pair{"order_rate_window_s", config.order_rate_window.count()},
        std::pair{"cart_rate_window_s", config.cart_rate_window.count()},
        std::pair{"idempotency_key_ttl_s", config.idempotency_key_ttl.count()}}) {
    if (value <= 0) {
      return Problem{name, "must be positive"};
    }
  }
  for (const auto& [name, value] :
       {std::pair{"order_sweep_interval_s", config.order_sweep_interval.count()},
        std::pair{"order_rate_limit", config.order_rate_limit},
        std::pair{"cart_rate_limit", config.cart_rate_limit}}) {
    if (value < 0) {
      return Problem{name, "must not be negative"};
    }
  }
  return std::nullopt;
}

std::optional<Problem> check(const Config& config) {
  if (config.db.empty()) {
    return Problem{"db", "no database given (--db, ORION_DB or db = in the config file)"};
  }
  if (!config.db.starts_with("sqlite:") && !config.db.starts_with("postgresql://") &&
      !config.db.starts_with("postgres://")) {
    return Problem{"db", "'" + config.db + "' is neither sqlite:PATH nor postgresql://..."};
  }
  if (auto listen = parse_listen(config.listen); !listen) {
    std::string what = listen.error().message;
    if (what.starts_with("listen: ")) {
      what.erase(0, 8);
    }
    return Problem{"listen", std::move(what)};
  }
  if (config.domain_check_threads == 0 || config.domain_check_threads > 64) {
    return Problem{"domain_check_threads", "must be 1..64"};
  }
  if (config.domain_check_queue < config.domain_check_threads ||
      config.domain_check_queue > 10'000) {
    return Problem{"domain_check_queue", "must be domain_check_threads..10000"};
  }
  if (config.domain_checks_per_store == 0 ||
      config.domain_checks_per_store > config.domain_check_queue) {
    return Problem{"domain_checks_per_store", "must be 1..domain_check_queue"};
  }
  if (!config.metrics_listen.empty()) {
    auto metrics = parse_listen(config.metrics_listen);
    if (!metrics) {
      std::string what = metrics.error().message;
      if (what.starts_with("listen: ")) {
        what.erase(0, 8);
      }
      return Problem{"metrics_listen", std::move(what)};
    }
    if (auto listen = parse_listen(config.listen); *metrics == *listen && metrics->port() != 0) {
      return Problem{"metrics_listen", "must differ from listen"};
    }
  }
  if (config.platform_domain.empty()) {
    return Problem{"platform_domain", "must not be empty"};
  }
  if (config.io_threads > 256) {
    return Problem{"io_threads", "at most 256"};
  }
  if (config.blocking_threads > 1024) {
    return Problem{"blocking_threads", "at most 1024"};
  }
  if (config.db_pool_size == 0 || config.db_pool_size > 1000) {
    return Problem{"db_pool_size", "must be 1..1000"};
  }
  if (config.header_limit < 1024 || config.header_limit > 1024 * 1024) {
    return Problem{"header_limit", "must be 1 KiB..1 MiB (1024..1048576)"};
  }
  if (config.body_limit < 1024) {
    return Problem{"body_limit", "must be at least 1 KiB (1024)"};
  }
  if (config.upload_limit < config.body_limit) {
    return Problem{"upload_limit", "must be at least body_limit"};
  }
  for (const auto& [name, value] : {std::pair{"read_timeout_ms", config.read_timeout},
                                    std::pair{"idle_timeout_ms", config.idle_timeout},
                                    std::pair{"write_timeout_ms", config.write_timeout}}) {
    if (value.count() <= 0) {
      return Problem{name, "must be positive"};
    }
  }
  if (config.shutdown_grace.count() < 0) {
    return Problem{"shutdown_grace_ms", "must not be negative"};
  }
  if (config.max_connections == 0) {
    return Problem{"max_connections", "must be at least 1"};
  }
  if (config.store_cache_ttl.count() < 0) {
    return Problem{"store_cache_ttl_ms", "must not be negative"};
  }
  if (config.session_sweep_interval.count() < 0) {
    return Problem{"session_sweep_interval_s", "must not be negative"};
  }
  static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level) == std::end(kLevels)) {
    return Problem{"log_level", "'" + config.log_level + "' is not trace|debug|info|warn|error"};
  }
  if (!http::parse_log_format(config.log_format)) {
    return Problem{"log_format", "'" + config.log_format + "' is not text|json"};
  }
  if (config.files_dir.empty()) {
    return Problem{"files_dir",
                   "no folder for store files given (needed unless db is a SQLite "
                   "file, whose files_dir defaults to 'files' beside it)"};
  }
  if (!config.dns_server.empty()) {
    // Port optional: a resolver is usually on 53.
    const bool has_port = parse_listen(config.dns_server).has_value();
    const bool bare = parse_listen(config.dns_server + ":53").has_value();
    if (!has_port && !bare) {
      return Problem{"dns_server", "'" + config.dns_server + "' is not an IP[:PORT]"};
    }
  }
  if (config.dns_timeout.count() <= 0 || config.dns_timeout.count() > 60'000) {
    return Problem{"dns_timeout_ms", "must be 1..60000"};
  }
  if (auto problem = check_orders(config)) {
    return problem;
  }
  return check_domains(config);
}

// Where each setting's value came from, for the error message.
enum class Source : std::uint8_t { defaults, file, env, flag };

class Sources {
 public:
  explicit Sources(std::string file) : file_(std::move(file)) { from_.fill(Source::defaults); }
  void set(std::size_t index, Source source) { from_[index] = source; }

  // "ORION_X: what", "--x: what", "config FILE: x: what" or "x: what".
  [[nodiscard]] core::Error error(std::string_view setting, std::string_view what) const {
    const auto index = find_setting(setting);
    const Source source = index ? from_[*index] : Source::defaults;
    return invalid(label(setting, source) + ": " + std::string(what));
  }

  [[nodiscard]] std::string label(std::string_view setting, Source source) const {
    switch (source) {
      case Source::file:
        return "config " + file_ + ": " + std::string(setting);
      case Source::env:
        return env_name(setting);
      case Source::flag:
        return flag_name(setting);
      case Source::defaults:
        break;
    }
    return std::string(setting);
  }

 private:
  std::string file_;
  std::array<Source, kSettingCount> from_{};
};

core::Result<void> apply_file(Config& config, const std::string& path, Sources& sources) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    std::string description(e.description());
    std::replace(description.begin(), description.end(), '\n', ' ');
    if (where.line == 0) {  // not a syntax error: the file could not be read
      return invalid("config " + path + ": " + description);
    }
    return invalid("config " + path + ":" + std::to_string(where.line) + ": " + description);
  }
  for (const auto& [key, node] : table) {
    const auto index = find_setting(key.str());
    if (!index) {
      return invalid("config " + path + ": unknown setting '" + std::string(key.str()) +
                     "' (see orion serve --help)");
    }
    const Setting& setting = kSettings[*index];
    sources.set(*index, Source::file);
    std::string text;
    if (const auto* s = node.as_string()) {
      text = s->get();
    } else if (const auto* i = node.as_integer()) {
      text = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      text = b->get() ? "true" : "false";
    } else {
      return sources.error(setting.name, "must be a string, a whole number or a boolean");
    }
    if (auto set = setting.set(config, text); !set) {
      return sources.error(setting.name, set.error().message);
    }
  }
  return {};
}

}  // namespace

std::span<const Setting> settings() noexcept { return kSettings; }

core::Result<std::vector<boost::asio::ip::address>> parse_trusted_proxies(std::string_view text) {
  std::vector<boost::asio::ip::address> out;
  while (!core::text::trim(text).empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = core::text::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(entry), ec);
    if (ec) {
      return invalid("'" + std::string(entry) + "' is not an IP address");
    }
    out.push_back(address);
  }
  return out;
}

std::string env_name(std::string_view setting) {
  std::string name = "ORION_";
  for (char c : setting) {
    name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return name;
}

std::string flag_name(std::string_view setting) {
  std::string name = "--";
  for (char c : setting) {
    name += c == '_' ? '-' : c;
  }
  return name;
}

core::Result<Config> load_config(const std::string& config_file,
                                 const std::vector<std::pair<std::string, std::string>>& flags,
                                 const GetEnv& getenv, Config defaults) {
  Config config = std::move(defaults);
  Sources sources(config_file);
  if (!config_file.empty()) {
    if (auto applied = apply_file(config, config_file, sources); !applied) {
      return applied.error();
    }
  }
  for (std::size_t i = 0; i < kSettingCount; ++i) {
    const Setting& setting = kSettings[i];
    auto value = getenv(env_name(setting.name));
    if (!value || value->empty()) {
      continue;
    }
    sources.set(i, Source::env);
    if (auto set = setting.set(config, *value); !set) {
      return sources.error(setting.name, set.error().message);
    }
  }
  for (const auto& [name, value] : flags) {
    const auto index = find_setting(name);
    if (!index) {
      return invalid(flag_name(name) + ": unknown setting");
    }
    sources.set(*index, Source::flag);
    if (auto set = kSettings[*index].set(config, value); !set) {
      return sources.error(kSettings[*index].name, set.error().message);
    }
  }
  // A SQLite database keeps its store files beside it: sqlite:/var/orion/orion.db →
  // /var/orion/files.
  if (config.files_dir.empty() && config.db.starts_with("sqlite:") &&
      config.db != "sqlite::memory:" && config.db.size() > 7) {
    std::error_code ec;
    const auto db_path = std::filesystem::absolute(config.db.substr(7), ec);
    if (!ec) {
      config.files_dir = db_path.parent_path() / "files";
    }
  }
  if (auto problem = check(config)) {
    return sources.error(problem->setting, problem->what);
  }
  return config;
}

core::Result<void> validate(const Config& config) {
  if (auto problem = check(config)) {
    return invalid(std::string(problem->setting) + ": " + problem->what);
  }
  return {};
}

}  // namespace orion::app

// load_config: defaults, the TOML file, ORION_* variables and flags, in rising precedence, and
// the one-line error that names a bad setting the way the operator wrote it.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace orion::app {
namespace {

using Flags = std::vector<std::pair<std::string, std::string>>;
using Env = std::map<std::string, std::string>;

GetEnv env_of(Env env) {
  return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/orion-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_toml(const std::string& text) {
    const auto path = dir_ / "orion.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  // Loads with a database given by flag unless the test gives one itself.
  static core::Result<Config> load(const std::string& file, Flags flags, Env env = {}) {
    return load_config(file, flags, env_of(std::move(env)));
  }

  std::filesystem::path dir_;
};

const Flags kDb = {{"db", "sqlite:/srv/orion/orion.db"}};

TEST_F(ConfigTest, DefaultsAreValidOnceADatabaseIsGiven) {
  auto config = load({}, kDb);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_EQ(config->platform_domain, "localhost");
  EXPECT_EQ(config->header_limit, 16U * 1024);
  EXPECT_EQ(config->body_limit, 1024U * 1024);
  EXPECT_EQ(config->read_timeout, std::chrono::milliseconds(10'000));
  EXPECT_EQ(config->log_level, "info");
}

TEST_F(ConfigTest, FilesDirDefaultsToBesideASqliteDatabase) {
  auto config = load({}, kDb);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->files_dir, std::filesystem::path("/srv/orion/files"));

  auto relative = load({}, {{"db", "sqlite:data/shop.db"}});
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->files_dir, std::filesystem::current_path() / "data" / "files");
  EXPECT_TRUE(relative->files_dir.is_absolute());

  auto given = load({}, {{"db", "sqlite:/srv/orion/orion.db"}, {"files_dir", "/data/files"}});
  ASSERT_TRUE(given);
  EXPECT_EQ(given->files_dir, std::filesystem::path("/data/files"));
}

TEST_F(ConfigTest, PostgresNeedsAFilesDir) {
  auto config = load({}, {{"db", "postgresql://orion@db/orion"}});
  ASSERT_FALSE(config);
  EXPECT_TRUE(config.error().message.starts_with("files_dir: ")) << config.error().message;
  auto given = load({}, {{"db", "postgresql://orion@db/orion"}, {"files_dir", "/srv/files"}});
  EXPECT_TRUE(given) << given.error().message;
}

TEST_F(ConfigTest, EverySourceSetsEverySetting) {
  const auto file = write_toml(
      "db = \"sqlite:/a/b.db\"\nio_threads = 3\nlisten = \"0.0.0.0:9000\"\n"
      "read_timeout_ms = 2500\nlog_level = \"debug\"\n");
  auto from_file = load(file, {});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->db, "sqlite:/a/b.db");
  EXPECT_EQ(from_file->io_threads, 3U);
  EXPECT_EQ(from_file->listen, "0.0.0.0:9000");
  EXPECT_EQ(from_file->read_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(from_file->log_level, "debug");

  auto from_env = load({}, {},
                       {{"ORION_DB", "sqlite:/e.db"},
                        {"ORION_PLATFORM_DOMAIN", "shops.example"},
                        {"ORION_MAX_CONNECTIONS", "77"},
                        {"ORION_STORE_CACHE_TTL_MS", "0"}});
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->db, "sqlite:/e.db");
  EXPECT_EQ(from_env->platform_domain, "shops.example");
  EXPECT_EQ(from_env->max_connections, 77U);
  EXPECT_EQ(from_env->store_cache_ttl, std::chrono::milliseconds(0));

  auto from_flags = load({}, {{"db", "sqlite:/f.db"},
                              {"body_limit", "4096"},
                              {"upload_limit", "8192"},
                              {"dns_server", "127.0.0.1:5353"}});
  ASSERT_TRUE(from_flags) << from_flags.error().message;
  EXPECT_EQ(from_flags->body_limit, 4096U);
  EXPECT_EQ(from_flags->upload_limit, 8192U);
  EXPECT_EQ(from_flags->dns_server, "127.0.0.1:5353");
}

TEST_F(ConfigTest, FlagBeatsEnvBeatsFileBeatsDefault) {
  const auto file = write_toml(
      "db = \"sqlite:/file.db\"\nlisten = \"127.0.0.1:1001\"\nio_threads = 1\n"
      "blocking_threads = 1\n");
  const Env env = {{"ORION_LISTEN", "127.0.0.1:2002"}, {"ORION_IO_THREADS", "2"}};
  auto config = load(file, {{"listen", "127.0.0.1:3003"}}, env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:3003");  // flag over env and file
  EXPECT_EQ(config->io_threads, 2U);            // env over file
  EXPECT_EQ(config->blocking_threads, 1U);      // file over default
  EXPECT_EQ(config->db_pool_size, 8U);          // default
  EXPECT_EQ(config->db, "sqlite:/file.db");     // file only
}

TEST_F(ConfigTest, AnEmptyVariableCountsAsUnset) {
  auto config = load({}, kDb, {{"ORION_LISTEN", ""}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
}

TEST_F(ConfigTest, DefaultsPassedInAreTheLowestLayer) {
  Config defaults;
  defaults.db = "sqlite:/demo/orion.db";
  defaults.listen = "127.0.0.1:0";
  auto config = load_config({}, {}, env_of({{"ORION_LISTEN", "127.0.0.1:4004"}}), defaults);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->db, "sqlite:/demo/orion.db");
  EXPECT_EQ(config->listen, "127.0.0.1:4004");
}

// Every error is one line that starts with how the operator named the setting.
void expect_error(const core::Result<Config>& config, const std::string& starts_with,
                  const std::string& contains = {}) {
  ASSERT_FALSE(config) << "accepted; wanted an error starting with " << starts_with;
  const std::string& message = config.error().message;
  EXPECT_TRUE(message.starts_with(starts_with)) << message;
  EXPECT_NE(message.find(contains), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(config.error().code, core::Errc::invalid_input);
}

TEST_F(ConfigTest, AnUnknownKeyInTheFileIsNamed) {
  const auto file = write_toml("db = \"sqlite:/a.db\"\nlisten_port = 80\n");
  expect_error(load(file, {}), "config " + file + ": unknown setting 'listen_port'");
}

TEST_F(ConfigTest, ABrokenFileNamesItsLine) {
  const auto file = write_toml("db = \"sqlite:/a.db\"\nlisten = \n");
  expect_error(load(file, {}), "config " + file + ":2: ");
  expect_error(load((dir_ / "missing.toml").string(), {}),
               "config " + (dir_ / "missing.toml").string() + ": ");
}

TEST_F(ConfigTest, AValueOfTheWrongTypeInTheFileIsNamed) {
  const auto file = write_toml("db = \"sqlite:/a.db\"\nio_threads = 1.5\n");
  expect_error(load(file, {}), "config " + file + ": io_threads: ", "whole number");
}

TEST_F(ConfigTest, ABadNumberIsNamedByItsSource) {
  expect_error(load({}, kDb, {{"ORION_IO_THREADS", "four"}}),
               "ORION_IO_THREADS: 'four' is not a whole number");
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"header_limit", "-1"}}),
               "--header-limit: '-1' is not a whole number");
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"read_timeout_ms", "10s"}}),
               "--read-timeout-ms: '10s' is not a whole number");
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"db_pool_size", "99999999999999999999999"}}),
               "--db-pool-size: ", "in range");
  const auto file = write_toml("db = \"sqlite:/a.db\"\nmax_connections = -5\n");
  expect_error(load(file, {}), "config " + file + ": max_connections: '-5'");
}

TEST_F(ConfigTest, TheEnvErrorNamesTheVariableOnce) {
  auto config = load({}, kDb, {{"ORION_BODY_LIMIT", "x"}});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message, "ORION_BODY_LIMIT: 'x' is not a whole number in range");
}

TEST_F(ConfigTest, ABadListenAddressIsNamedByItsSource) {
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"listen", "8080"}}), "--listen: '8080'",
               "HOST:PORT");
  expect_error(load({}, kDb, {{"ORION_LISTEN", "localhost:99999"}}), "ORION_LISTEN: ", "HOST:PORT");
  expect_error(load({}, kDb, {{"ORION_LISTEN", "not a host:80"}}), "ORION_LISTEN: ");
  const auto file = write_toml("db = \"sqlite:/a.db\"\nlisten = \"[::1]\"\n");
  expect_error(load(file, {}), "config " + file + ": listen: ");
  auto v6 = load({}, {{"db", "sqlite:/a.db"}, {"listen", "[::1]:8080"}});
  EXPECT_TRUE(v6) << v6.error().message;
}

TEST_F(ConfigTest, ABadLogLevelIsNamed) {
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"log_level", "verbose"}}),
               "--log-level: 'verbose'", "trace|debug|info|warn|error");
}

TEST_F(ConfigTest, LogFormatIsTextOrJsonFromEverySource) {
  auto plain = load({}, kDb);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->log_format, "text");
  auto from_env = load({}, kDb, {{"ORION_LOG_FORMAT", "json"}});
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->log_format, "json");
  const auto file = write_toml("db = \"sqlite:/a.db\"\nlog_format = \"json\"\n");
  auto from_file = load(file, {});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->log_format, "json");
  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"log_format", "xml"}}), "--log-format: 'xml'",
               "text|json");
}

TEST_F(ConfigTest, RangesAreChecked) {
  const auto with = [](std::string name, std::string value) {
    return load({}, {{"db", "sqlite:/a.db"}, {std::move(name), std::move(value)}});
  };
  expect_error(with("io_threads", "1000"), "--io-threads: ");
  expect_error(with("blocking_threads", "5000"), "--blocking-threads: ");
  expect_error(with("db_pool_size", "0"), "--db-pool-size: ");
  expect_error(with("header_limit", "100"), "--header-limit: ");
  expect_error(with("body_limit", "10"), "--body-limit: ");
  expect_error(with("upload_limit", "2048"), "--upload-limit: ", "body_limit");
  expect_error(with("idle_timeout_ms", "0"), "--idle-timeout-ms: ", "positive");
  expect_error(with("write_timeout_ms", "-1"), "--write-timeout-ms: ");
  expect_error(with("shutdown_grace_ms", "-1"), "--shutdown-grace-ms: ");
  expect_error(with("max_connections", "0"), "--max-connections: ");
  expect_error(with("store_cache_ttl_ms", "-3"), "--store-cache-ttl-ms: ");
  expect_error(with("platform_domain", ""), "--platform-domain: ");
  expect_error(with("dns_server", "resolver"), "--dns-server: ");
  EXPECT_TRUE(with("dns_server", "9.9.9.9"));
}

TEST_F(ConfigTest, TheDomainSettingsHaveTheIssuesDefaults) {
  auto config = load({}, kDb);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->domain_recheck_interval, std::chrono::hours(24));
  EXPECT_EQ(config->domain_grace, std::chrono::hours(72));
  EXPECT_EQ(config->domain_limit, 10U);
  EXPECT_EQ(config->domain_http_port, 80);
  EXPECT_FALSE(config->domain_http_allow_private);  // the HTTP check refuses private addresses
  EXPECT_EQ(config->canonical_scheme, "https");
  EXPECT_EQ(config->trusted_proxies, "");
  EXPECT_EQ(config->domain_targets, "");
}

TEST_F(ConfigTest, EverySourceSetsTheDomainSettings) {
  const auto file = write_toml(
      "db = \"sqlite:/a.db\"\ndomain_recheck_interval_s = 3600\ndomain_grace_s = 0\n"
      "domain_targets = \"203.0.113.10, shops.platform.example\"\n");
  auto from_file = load(file, {});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->domain_recheck_interval, std::chrono::seconds(3600));
  EXPECT_EQ(from_file->domain_grace, std::chrono::seconds(0));
  EXPECT_EQ(from_file->domain_targets, "203.0.113.10, shops.platform.example");

  auto from_env = load({}, kDb,
                       {{"ORION_DOMAIN_QUARANTINE_S", "60"},
                        {"ORION_DOMAIN_REMOVE_DETACHED_S", "120"},
                        {"ORION_DOMAIN_LIMIT", "3"},
                        {"ORION_TRUSTED_PROXIES", "127.0.0.1, ::1"}});
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->domain_quarantine, std::chrono::seconds(60));
  EXPECT_EQ(from_env->domain_remove_detached, std::chrono::seconds(120));
  EXPECT_EQ(from_env->domain_limit, 3U);
  EXPECT_EQ(from_env->trusted_proxies, "127.0.0.1, ::1");

  auto from_flags = load({}, {{"db", "sqlite:/f.db"},
                              {"domain_http_port", "8081"},
                              {"domain_check_poll_ms", "200"},
                              {"canonical_scheme", "http"}});
  ASSERT_TRUE(from_flags) << from_flags.error().message;
  EXPECT_EQ(from_flags->domain_http_port, 8081);
  EXPECT_EQ(from_flags->domain_check_poll, std::chrono::milliseconds(200));
  EXPECT_EQ(from_flags->canonical_scheme, "http");
}

TEST_F(ConfigTest, DomainHttpAllowPrivateIsABooleanFromEverySource) {
  const auto file = write_toml("db = \"sqlite:/a.db\"\ndomain_http_allow_private = true\n");
  auto from_file = load(file, {});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_TRUE(from_file->domain_http_allow_private);

  const auto quoted = write_toml("db = \"sqlite:/a.db\"\ndomain_http_allow_private = \"yes\"\n");
  auto from_quoted = load(quoted, {});
  ASSERT_TRUE(from_quoted) << from_quoted.error().message;
  EXPECT_TRUE(from_quoted->domain_http_allow_private);

  auto from_env = load({}, kDb, {{"ORION_DOMAIN_HTTP_ALLOW_PRIVATE", "1"}});
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_TRUE(from_env->domain_http_allow_private);

  // The flag beats the environment, and "false" is a value, not an absence.
  auto from_flag = load({}, {{"db", "sqlite:/a.db"}, {"domain_http_allow_private", "false"}},
                        {{"ORION_DOMAIN_HTTP_ALLOW_PRIVATE", "true"}});
  ASSERT_TRUE(from_flag) << from_flag.error().message;
  EXPECT_FALSE(from_flag->domain_http_allow_private);

  expect_error(load({}, {{"db", "sqlite:/a.db"}, {"domain_http_allow_private", "maybe"}}),
               "--domain-http-allow-private: 'maybe' is not true|false");
  expect_error(load({}, kDb, {{"ORION_DOMAIN_HTTP_ALLOW_PRIVATE", "TRUE!"}}),
               "ORION_DOMAIN_HTTP_ALLOW_PRIVATE: ");
  const auto number = write_toml("db = \"sqlite:/a.db\"\ndomain_http_allow_private = 2\n");
  expect_error(load(number, {}), "config " + number + ": domain_http_allow_private: '2'");
}

TEST_F(ConfigTest, TheDomainSettingsAreChecked) {
  const auto with = [](std::string name, std::string value) {
    return load({}, {{"db", "sqlite:/a.db"}, {std::move(name), std::move(value)}});
  };
  expect_error(with("domain_recheck_interval_s", "0"), "--domain-recheck-interval-s: ", "positive");
  expect_error(with("domain_check_poll_ms", "-5"), "--domain-check-poll-ms: ", "positive");
  expect_error(with("domain_grace_s", "-1"), "--domain-grace-s: ", "negative");
  expect_error(with("domain_quarantine_s", "-1"), "--domain-quarantine-s: ", "negative");
  expect_error(with("domain_remove_detached_s", "-1"), "--domain-remove-detached-s: ");
  EXPECT_TRUE(with("domain_quarantine_s", "0"));
  expect_error(with("domain_limit", "0"), "--domain-limit: ", "1..1000");
  expect_error(with("domain_limit", "1001"), "--domain-limit: ", "1..1000");
  EXPECT_TRUE(with("domain_limit", "1000"));
  expect_error(with("domain_http_port", "0"), "--domain-http-port: ", "1..65535");
  expect_error(with("domain_http_port", "65536"), "--domain-http-port: ", "in range");
  expect_error(with("canonical_scheme", "ftp"), "--canonical-scheme: 'ftp'", "https|http");
  expect_error(with("trusted_proxies", "10.0.0.1,proxy.internal"),
               "--trusted-proxies: ", "'proxy.internal' is not an IP address");
  expect_error(with("trusted_proxies", "10.0.0.1,,10.0.0.2"), "--trusted-proxies: ");
  EXPECT_TRUE(with("trusted_proxies", "10.0.0.1, 2001:db8::1"));
  expect_error(with("domain_targets", "not a target!"), "--domain-targets: ");
  EXPECT_TRUE(with("domain_targets", "203.0.113.10,2001:db8::10,shops.platform.example"));
}

TEST_F(ConfigTest, TheOperationsSettingsComeFromEverySourceAndAreChecked) {
  const auto defaults = load({}, {{"db", "sqlite:/a.db"}});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->metrics_listen, "");
  EXPECT_EQ(defaults->domain_check_threads, 4U);
  EXPECT_EQ(defaults->domain_check_queue, 64U);
  EXPECT_EQ(defaults->domain_checks_per_store, 2U);

  const auto file = write_toml(
      "db = \"sqlite:/a.db\"\nmetrics_listen = \"127.0.0.1:9100\"\n"
      "domain_check_threads = 8\ndomain_check_queue = 100\ndomain_checks_per_store = 3\n");
  auto from_file = load(file, {});
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->metrics_listen, "127.0.0.1:9100");
  EXPECT_EQ(from_file->domain_check_threads, 8U);
  EXPECT_EQ(from_file->domain_check_queue, 100U);
  EXPECT_EQ(from_file->domain_checks_per_store, 3U);
  auto from_env = load({}, kDb, {{"ORION_METRICS_LISTEN", "[::1]:9100"}});
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->metrics_listen, "[::1]:9100");

  const auto with = [](std::string name, std::string value) {
    return load({}, {{"db", "sqlite:/a.db"}, {std::move(name), std::move(value)}});
  };
  expect_error(with("metrics_listen", "9100"), "--metrics-listen: '9100' is not HOST:PORT");
  expect_error(with("metrics_listen", "127.0.0.1:8080"),
               "--metrics-listen: ", "must differ from listen");
  expect_error(with("domain_check_threads", "0"), "--domain-check-threads: ", "1..64");
  expect_error(with("domain_check_queue", "2"),
               "--domain-check-queue: ", "domain_check_threads..10000");
  expect_error(with("domain_checks_per_store", "0"), "--domain-checks-per-store: ");
  expect_error(with("domain_checks_per_store", "65"),
               "--domain-checks-per-store: ", "1..domain_check_queue");
}

TEST_F(ConfigTest, TrustedProxiesAreParsed) {
  auto none = parse_trusted_proxies("");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto two = parse_trusted_proxies(" 127.0.0.1 , ::1 ");
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), 2U);
  EXPECT_EQ((*two)[0].to_string(), "127.0.0.1");
  EXPECT_EQ((*two)[1].to_string(), "::1");
  EXPECT_FALSE(parse_trusted_proxies("127.0.0.1/8"));
}

TEST_F(ConfigTest, TheDatabaseIsRequiredAndChecked) {
  expect_error(load({}, {}), "db: no database given");
  expect_error(load({}, {}, {{"ORION_DB", "mysql://x"}}), "ORION_DB: 'mysql://x' is neither");
}

TEST_F(ConfigTest, AProblemFoundLaterNamesTheSourceOfTheValue) {
  // upload_limit keeps its default, and body_limit comes from the file: the rule between the
  // two is reported against upload_limit, as the default, without a source.
  const auto file = write_toml("db = \"sqlite:/a.db\"\nbody_limit = 10000000\n");
  expect_error(load(file, {}), "upload_limit: must be at least body_limit");
}

TEST_F(ConfigTest, ValidateNamesTheSetting) {
  Config config;
  config.db = "sqlite:/a.db";
  config.files_dir = "/x";
  EXPECT_TRUE(validate(config));
  config.log_level = "loud";
  auto invalid = validate(config);
  ASSERT_FALSE(invalid);
  EXPECT_TRUE(invalid.error().message.starts_with("log_level: ")) << invalid.error().message;
}

TEST_F(ConfigTest, NamesOfASetting) {
  EXPECT_EQ(env_name("store_cache_ttl_ms"), "ORION_STORE_CACHE_TTL_MS");
  EXPECT_EQ(flag_name("store_cache_ttl_ms"), "--store-cache-ttl-ms");
  for (const Setting& setting : settings()) {
    EXPECT_FALSE(setting.help.empty()) << setting.name;
  }
}

}  // namespace
}  // namespace orion::app

#include "cli/serve_command.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include "app/app.hpp"
#include "cli/database_option.hpp"
#include "http/log_line.hpp"

namespace orion::cli {

void SettingFlags::attach(CLI::App& command) {
  command.add_option("--config", config_file_, "TOML file of settings (keys as below)")
      ->envname("ORION_CONFIG");
  for (const app::Setting& setting : app::settings()) {
    Flag& flag = flags_.emplace_back();
    flag.setting = std::string(setting.name);
    std::string name = "--";
    for (char c : setting.name) {
      name += c == '_' ? '-' : c;
    }
    flag.option = command.add_option(
        name, flag.value, std::string(setting.help) + " [env " + app::env_name(setting.name) + "]");
  }
}

std::vector<std::pair<std::string, std::string>> SettingFlags::given() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Flag& flag : flags_) {
    if (flag.option->count() > 0) {
      out.emplace_back(flag.setting, flag.value);
    }
  }
  return out;
}

int serve(std::string_view command, const app::Config& config, const std::string& banner) {
  auto log = std::make_shared<spdlog::logger>("orion", http::make_fd_sink(STDOUT_FILENO));
  log->set_level(spdlog::level::from_str(config.log_level));
  log->flush_on(spdlog::level::info);
  auto app = app::App::make(config, log);
  if (!app) {
    return fail(command, app.error());
  }
  if (auto bound = (*app)->listen(); !bound) {
    return fail(command, bound.error());
  }
  const auto endpoint = (*app)->endpoint();
  log->info("listening on {}:{} platform_domain={} db={}", endpoint.address().to_string(),
            endpoint.port(), config.platform_domain, (*app)->database().display_url());
  if (const auto metrics = (*app)->metrics_endpoint()) {
    log->info("metrics on {}:{} (GET /metrics only; not on the main listener)",
              metrics->address().to_string(), metrics->port());
  }
  if (!banner.empty()) {
    std::fputs(banner.c_str(), stdout);
    std::fflush(stdout);
  }
  return (*app)->run();
}

CLI::App* ServeCommand::attach(CLI::App& app) {
  CLI::App* command = app.add_subcommand("serve", "Run the platform's HTTP server");
  flags_.attach(*command);
  return command;
}

int ServeCommand::run() {
  auto config = app::load_config(flags_.config_file(), flags_.given(),
                                 [](const std::string& name) -> std::optional<std::string> {
                                   const char* value = std::getenv(name.c_str());
                                   if (value == nullptr) {
                                     return std::nullopt;
                                   }
                                   return std::string(value);
                                 });
  if (!config) {
    return fail("serve", config.error());
  }
  return serve("serve", *config, {});
}

}  // namespace orion::cli

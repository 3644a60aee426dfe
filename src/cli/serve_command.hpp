// `orion serve`: runs the platform with the configuration of flags, ORION_* variables and an
// optional TOML file (DESIGN.md §4), until SIGINT or SIGTERM.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "app/config.hpp"
#include "cli/command.hpp"

namespace orion::cli {

// Declares one flag per setting of app::settings() on `command`, and collects those given.
class SettingFlags {
 public:
  void attach(CLI::App& command);
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> given() const;
  [[nodiscard]] const std::string& config_file() const noexcept { return config_file_; }

 private:
  struct Flag {
    std::string setting;
    std::string value;
    CLI::Option* option = nullptr;
  };
  std::deque<Flag> flags_;
  std::string config_file_;
};

// Loads the configuration (one-line error naming the setting), builds the app, binds, prints
// `banner` (may be empty) and serves until a signal. Shared by serve and demo.
int serve(std::string_view command, const app::Config& config, const std::string& banner);

class ServeCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  SettingFlags flags_;
};

}  // namespace orion::cli

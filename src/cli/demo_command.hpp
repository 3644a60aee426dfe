// `orion demo [--listen 127.0.0.1:8080]`: the one-command tour (DESIGN.md §4). Makes a fresh
// SQLite database in a new temporary folder, fills it with the seed's three example stores
// (themes, a dozen products each, the custom domains orion.lu and mytechstore.net verified), an
// admin and one owner per store with random passwords, then serves it on platform domain
// `localhost` and prints the URLs and logins to try.
#pragma once

#include <filesystem>
#include <string>

#include "cli/command.hpp"
#include "cli/serve_command.hpp"

namespace orion::cli {

class DemoCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  SettingFlags flags_;
  bool keep_ = false;
};

}  // namespace orion::cli

// `orion store create|list|deactivate`: the store registry from the command line.
#pragma once

#include <string>

#include "cli/command.hpp"
#include "cli/database_option.hpp"

namespace orion::cli {

class StoreCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  int create();
  int list();
  int set_active(bool active);

  DatabaseOption db_;
  CLI::App* create_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* deactivate_ = nullptr;
  CLI::App* activate_ = nullptr;
  std::string code_;
  std::string name_;
};

}  // namespace orion::cli

// `orion token create --admin | --store C`: prints one bearer token for the management API.
#pragma once

#include <string>

#include "cli/command.hpp"
#include "cli/database_option.hpp"

namespace orion::cli {

class TokenCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  DatabaseOption db_;
  bool admin_ = false;
  std::string store_;
  std::string name_;
};

}  // namespace orion::cli

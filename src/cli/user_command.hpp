// `orion user create --email E [--admin | --store C --role owner|staff]`: creates a user with
// the password read from standard input (the first line), and optionally a store membership.
#pragma once

#include <string>

#include "cli/command.hpp"
#include "cli/database_option.hpp"

namespace orion::cli {

class UserCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  DatabaseOption db_;
  std::string email_;
  bool admin_ = false;
  std::string store_;
  std::string role_ = "owner";
};

}  // namespace orion::cli

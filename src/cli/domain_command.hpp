// `orion domain add|list|verify`: custom domains of stores from the command line.
#pragma once

#include <string>

#include "cli/command.hpp"
#include "cli/database_option.hpp"

namespace orion::cli {

class DomainCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  int add();
  int list();
  int verify();

  DatabaseOption db_;
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* verify_ = nullptr;
  std::string store_;
  std::string domain_;
  std::string platform_domain_;
  bool force_ = false;
  std::string dns_server_;
  int dns_timeout_ms_ = 5'000;
};

}  // namespace orion::cli

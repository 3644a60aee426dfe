// `orion migrate --db URL`: applies the migrations the database lacks; idempotent; refuses a
// database migrated by a newer orion.
#pragma once

#include "cli/command.hpp"
#include "cli/database_option.hpp"

namespace orion::cli {

class MigrateCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  DatabaseOption db_;
};

}  // namespace orion::cli

#include "cli/migrate_command.hpp"

#include <cstdio>

#include "storage/migrations.hpp"

namespace orion::cli {

CLI::App* MigrateCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Create or upgrade the database schema (idempotent; never goes backwards)");
  db_.attach(*cmd);
  return cmd;
}

int MigrateCommand::run() {
  auto database = db_.open(false);
  if (!database) {
    return fail("migrate", database.error());
  }
  auto report = storage::migrate(**database);
  if (!report) {
    return fail("migrate", report.error());
  }
  const std::string url = (*database)->display_url();
  if (report->applied.empty()) {
    std::printf("%s is up to date at schema version %lld\n", url.c_str(),
                static_cast<long long>(report->to_version));
    return 0;
  }
  for (const auto& m : report->applied) {
    std::printf("applied %04lld_%.*s\n", static_cast<long long>(m.version),
                static_cast<int>(m.name.size()), m.name.data());
  }
  std::printf("%s migrated from schema version %lld to %lld\n", url.c_str(),
              static_cast<long long>(report->from_version),
              static_cast<long long>(report->to_version));
  return 0;
}

}  // namespace orion::cli

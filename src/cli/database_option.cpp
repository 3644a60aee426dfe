#include "cli/database_option.hpp"

#include <cstdio>

#include "storage/migrations.hpp"

namespace orion::cli {

void DatabaseOption::attach(CLI::App& command) {
  Attached& attached = attached_.emplace_back(Attached{&command, {}});
  command
      .add_option("--db", attached.url, "Database URL: sqlite:PATH or postgresql://USER@HOST/DB")
      ->envname("ORION_DB")
      ->required();
}

const std::string& DatabaseOption::url() const noexcept {
  static const std::string kNone;
  for (const Attached& attached : attached_) {
    if (attached.command->parsed()) {
      return attached.url;
    }
  }
  return kNone;
}

core::Result<std::unique_ptr<storage::Database>> DatabaseOption::open(bool migrated) const {
  auto database =
      storage::open_database(url(), storage::PoolOptions{1, 1},
                             migrated ? storage::OpenMode::existing : storage::OpenMode::create);
  if (!database || !migrated) {
    return database;
  }
  if (auto current = storage::require_current_schema(**database); !current) {
    return current.error();
  }
  return database;
}

int fail(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "orion %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return 1;
}

int fail(std::string_view command, const core::Error& error) {
  return fail(command, error.message);
}

}  // namespace orion::cli

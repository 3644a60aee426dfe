// orion: the one executable. Builds the CLI11 command tree from one class per command, parses,
// and runs the chosen command.
#include <cstdio>
#include <memory>
#include <vector>

#include "cli/command.hpp"
#include "cli/demo_command.hpp"
#include "cli/domain_command.hpp"
#include "cli/migrate_command.hpp"
#include "cli/resolve_command.hpp"
#include "cli/revision.hpp"
#include "cli/serve_command.hpp"
#include "cli/store_command.hpp"
#include "cli/token_command.hpp"
#include "cli/user_command.hpp"
#include "storage/secrets.hpp"

namespace {

std::string one_line_failure(const CLI::App* app, const CLI::Error& e) {
  std::string name = app->get_name();
  for (const CLI::App* parent = app->get_parent(); parent != nullptr;
       parent = parent->get_parent()) {
    name = parent->get_name() + " " + name;
  }
  return name + ": " + e.what() + " (see --help)\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (auto ready = orion::storage::init_secrets(); !ready) {
    std::fprintf(stderr, "orion: %s\n", ready.error().message.c_str());
    return 1;
  }
  CLI::App app(
      "Orion: a multi-tenant storefront platform. One deployment hosts many isolated\n"
      "stores, reached by custom domain, platform subdomain or platform path.",
      "orion");
  app.set_version_flag("--version", std::string("orion ") + ORION_VERSION + " (commit " +
                                        orion::cli::kRevision + ")");
  app.require_subcommand(1);
  app.failure_message(one_line_failure);

  std::vector<std::unique_ptr<orion::cli::Command>> commands;
  commands.push_back(std::make_unique<orion::cli::ServeCommand>());
  commands.push_back(std::make_unique<orion::cli::DemoCommand>());
  commands.push_back(std::make_unique<orion::cli::MigrateCommand>());
  commands.push_back(std::make_unique<orion::cli::StoreCommand>());
  commands.push_back(std::make_unique<orion::cli::DomainCommand>());
  commands.push_back(std::make_unique<orion::cli::TokenCommand>());
  commands.push_back(std::make_unique<orion::cli::UserCommand>());
  commands.push_back(std::make_unique<orion::cli::ResolveCommand>());

  std::vector<std::pair<CLI::App*, orion::cli::Command*>> chosen;
  for (const auto& command : commands) {
    chosen.emplace_back(command->attach(app), command.get());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto [sub, command] : chosen) {
    if (sub->parsed()) {
      return command->run();
    }
  }
  return 0;
}

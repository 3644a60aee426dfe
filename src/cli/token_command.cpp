#include "cli/token_command.hpp"

#include "storage/sessions.hpp"
#include "storage/stores.hpp"

namespace orion::cli {

CLI::App* TokenCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("token", "Create API bearer tokens");
  cmd->require_subcommand(1);
  CLI::App* create =
      cmd->add_subcommand("create", "Create a token and print it (once: only its hash is stored)");
  auto* admin = create->add_flag("--admin", admin_, "A platform admin token (every store)");
  auto* store = create->add_option("--store", store_, "A token for this store only");
  admin->excludes(store);
  store->excludes(admin);
  create->add_option("--name", name_, "A label to recognise the token by");
  db_.attach(*create);
  return cmd;
}

int TokenCommand::run() {
  if (!admin_ && store_.empty()) {
    return fail("token create", "give --admin or --store CODE");
  }
  return in_platform_transaction(
      db_, "token create", [&](storage::PlatformTransaction& tx) -> core::Result<std::string> {
        std::optional<std::int64_t> store_id;
        if (!admin_) {
          auto store = storage::stores::get_by_code(tx, store_);
          if (!store) {
            return store.error();
          }
          store_id = store->id;
        }
        return describe(
            storage::api_tokens::create(tx, store_id, name_),
            [](const storage::api_tokens::Created& created) { return created.token + "\n"; });
      });
}

}  // namespace orion::cli

#include "cli/store_command.hpp"

#include <cstdio>

#include "storage/stores.hpp"

namespace orion::cli {
namespace {

std::string table_row(const std::string& id, const std::string& code, const std::string& active,
                      const std::string& name) {
  char line[160];
  std::snprintf(line, sizeof line, "%-6s %-24s %-7s ", id.c_str(), code.c_str(), active.c_str());
  return line + name + "\n";
}

}  // namespace

CLI::App* StoreCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("store", "Create, list and deactivate stores");
  cmd->require_subcommand(1);
  create_ = cmd->add_subcommand("create", "Create a store (with its default theme)");
  create_->add_option("--code", code_, "Store code: 3-50 of a-z, 0-9 and '-'")->required();
  create_->add_option("--name", name_, "Display name")->required();
  db_.attach(*create_);
  list_ = cmd->add_subcommand("list", "List every store");
  db_.attach(*list_);
  deactivate_ = cmd->add_subcommand(
      "deactivate", "Deactivate a store: it stops resolving at once, its data stays");
  deactivate_->add_option("code", code_, "Store code")->required();
  db_.attach(*deactivate_);
  activate_ = cmd->add_subcommand("activate", "Activate a deactivated store again");
  activate_->add_option("code", code_, "Store code")->required();
  db_.attach(*activate_);
  return cmd;
}

int StoreCommand::run() {
  if (create_->parsed()) {
    return create();
  }
  if (list_->parsed()) {
    return list();
  }
  return set_active(activate_->parsed());
}

int StoreCommand::create() {
  return in_platform_transaction(db_, "store create", [&](storage::PlatformTransaction& tx) {
    return describe(storage::stores::create(tx, code_, name_),
                    [](const storage::StoreRecord& store) {
                      return "created store " + store.code + " (" + store.name + "), id " +
                             std::to_string(store.id) + "\n";
                    });
  });
}

int StoreCommand::list() {
  return in_platform_transaction(
      db_, "store list", [&](storage::PlatformTransaction& tx) -> core::Result<std::string> {
        std::string out = table_row("ID", "CODE", "ACTIVE", "NAME");
        for (std::int64_t offset = 0;; offset += 500) {
          auto page = storage::stores::list(tx, storage::Page{500, offset});
          if (!page) {
            return page.error();
          }
          for (const auto& store : *page) {
            out += table_row(std::to_string(store.id), store.code, store.is_active ? "yes" : "no",
                             store.name);
          }
          if (page->size() < 500) {
            return out;
          }
        }
      });
}

int StoreCommand::set_active(bool active) {
  return in_platform_transaction(
      db_, active ? "store activate" : "store deactivate", [&](storage::PlatformTransaction& tx) {
        return describe(storage::stores::set_active(tx, code_, active),
                        [active](const storage::StoreRecord& store) {
                          return std::string(active ? "activated" : "deactivated") + " store " +
                                 store.code + "\n";
                        });
      });
}

}  // namespace orion::cli

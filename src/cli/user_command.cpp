#include "cli/user_command.hpp"

#include <iostream>

#include "storage/stores.hpp"
#include "storage/users.hpp"

namespace orion::cli {

CLI::App* UserCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("user", "Create users (platform admins and store members)");
  cmd->require_subcommand(1);
  CLI::App* create = cmd->add_subcommand(
      "create", "Create a user; the password is the first line of standard input");
  create->add_option("--email", email_, "E-mail address, the login name")->required();
  auto* admin = create->add_flag("--admin", admin_, "Make the user a platform administrator");
  auto* store = create->add_option("--store", store_, "Make the user a member of this store");
  create->add_option("--role", role_, "The member's role in --store: owner or staff")
      ->check(CLI::IsMember({"owner", "staff"}))
      ->needs(store)
      ->capture_default_str();
  admin->excludes(store);
  store->excludes(admin);
  db_.attach(*create);
  return cmd;
}

int UserCommand::run() {
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    return fail("user create", "no password on standard input (echo PASSWORD | orion user ...)");
  }
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  return in_platform_transaction(
      db_, "user create", [&](storage::PlatformTransaction& tx) -> core::Result<std::string> {
        std::optional<storage::StoreRecord> store;
        if (!store_.empty()) {
          auto found = storage::stores::get_by_code(tx, store_);
          if (!found) {
            return found.error();
          }
          store = std::move(*found);
        }
        auto user = storage::users::create(tx, email_, password, admin_);
        if (!user) {
          return user.error();
        }
        std::string out = "created user " + user->email + (admin_ ? " (platform admin)" : "");
        if (store) {
          auto role = storage::users::parse_role(role_);
          if (!role) {
            return role.error();
          }
          auto member = storage::members::grant(tx, store->id, user->id, *role);
          if (!member) {
            return member.error();
          }
          out += ", " + role_ + " of " + store->code;
        }
        return out + "\n";
      });
}

}  // namespace orion::cli

// The --db option every database command shares (falling back to ORION_DB), opening the
// database, and the one-line failure message every command prints.
#pragma once

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "storage/database.hpp"

namespace orion::cli {

class DatabaseOption {
 public:
  // Adds --db to `command`; one DatabaseOption may serve several subcommands (store create,
  // store list, ...).
  void attach(CLI::App& command);

  // Opens the database. `migrated`: also require the schema this binary knows, so that a
  // command never runs against a database `orion migrate` has not prepared.
  core::Result<std::unique_ptr<storage::Database>> open(bool migrated = true) const;

  // The URL given to the subcommand that was parsed.
  [[nodiscard]] const std::string& url() const noexcept;

 private:
  // One URL per subcommand: CLI11 fills ORION_DB into the --db of every subcommand that did not
  // get one, parsed or not, so a URL shared between subcommands let the environment override
  // the --db given on the command line. std::deque keeps the addresses CLI11 writes to.
  struct Attached {
    CLI::App* command;
    std::string url;
  };
  std::deque<Attached> attached_;
};

// Prints "orion <command>: <message>" on stderr; returns the exit code for the error.
int fail(std::string_view command, const core::Error& error);
int fail(std::string_view command, std::string_view message);

// The text `print` makes of a successful result, or its error.
template <class T, class Print>
core::Result<std::string> describe(core::Result<T> result, Print print) {
  if (!result) {
    return result.error();
  }
  return print(*result);
}

// Opens the database, runs `body` in one platform transaction, commits, and prints what `body`
// returned. Any failure prints one line and changes nothing.
template <class Body>
int in_platform_transaction(const DatabaseOption& db, std::string_view command, Body&& body) {
  auto database = db.open();
  if (!database) {
    return fail(command, database.error());
  }
  auto tx = (*database)->begin_platform();
  if (!tx) {
    return fail(command, tx.error());
  }
  core::Result<std::string> output = body(*tx);
  if (!output) {
    return fail(command, output.error());
  }
  if (auto done = tx->commit(); !done) {
    return fail(command, done.error());
  }
  std::fputs(output->c_str(), stdout);
  return 0;
}
int fail(std::string_view command, const core::Error& error);
int fail(std::string_view command, std::string_view message);

}  // namespace orion::cli

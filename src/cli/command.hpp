// The shape every `orion <command>` shares: each command is a small class that declares its
// flags on its own CLI11 subcommand and runs when that subcommand was chosen.
#pragma once

#include <CLI/CLI.hpp>

namespace orion::cli {

class Command {
 public:
  virtual ~Command() = default;

  // Adds the command's subcommand and flags under `app`; returns the subcommand.
  virtual CLI::App* attach(CLI::App& app) = 0;

  // Runs the command after parsing; the process exit code. Bad input prints one line on stderr
  // and returns non-zero.
  virtual int run() = 0;
};

}  // namespace orion::cli

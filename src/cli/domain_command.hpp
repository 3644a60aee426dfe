// `orion domain add|list|verify|primary|check`: custom domains of stores from the command line
// (docs/DOMAINS.md).
#pragma once

#include <cstddef>
#include <cstdint>
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
  int primary();
  int check();
  // The resolver and HTTP-check flags, one set per subcommand: CLI11 fills an option's
  // environment variable into every subcommand's copy, parsed or not, so a variable shared
  // between subcommands would let the environment override a flag given on the command line.
  struct DnsFlags {
    std::string server;
    int timeout_ms = 5'000;
    int http_port = 80;
    bool http_allow_private = false;
    std::string targets;
  };
  // Adds --dns-server, --dns-timeout-ms, --http-port, --http-allow-private and (`targets`)
  // --targets to `command`.
  static void attach_dns(CLI::App& command, DnsFlags& flags, bool targets);

  DatabaseOption db_;
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* verify_ = nullptr;
  CLI::App* primary_ = nullptr;
  CLI::App* check_ = nullptr;
  std::string store_;
  std::string domain_;
  std::string add_platform_;    // add: empty refuses nothing
  std::string check_platform_;  // check: empty is "localhost", the server's default
  std::size_t limit_ = 10;
  bool force_ = false;
  std::string method_ = "dns";
  bool unset_ = false;
  bool no_dns_ = false;
  DnsFlags verify_dns_;
  DnsFlags check_dns_;
  long long recheck_interval_s_ = 24 * 3600;
  long long grace_s_ = 72 * 3600;
};

}  // namespace orion::cli

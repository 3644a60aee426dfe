// `orion resolve`: shows how the resolution core reads a request (host role, detection mode, the
// store lookup it needs, context and clean path) without a database, for operators checking a
// host name or a URL.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace orion::cli {

class ResolveCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override;
  int run() override;

 private:
  std::string platform_domain_;
  std::string host_;
  std::string target_ = "/";
};

}  // namespace orion::cli

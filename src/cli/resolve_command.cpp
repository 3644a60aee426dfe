#include "cli/resolve_command.hpp"

#include <cstdio>
#include <string_view>

#include "core/detection.hpp"

namespace orion::cli {
namespace {

std::string_view lookup_text(core::Lookup::By by) {
  switch (by) {
    case core::Lookup::By::domain:
      return "verified domain";
    case core::Lookup::By::code:
      return "store code";
    case core::Lookup::By::nothing:
      break;
  }
  return "none";
}

}  // namespace

CLI::App* ResolveCommand::attach(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "resolve", "Show how a request's host and path are read: host role, mode, lookup, context");
  cmd->add_option("--platform-domain", platform_domain_, "The platform domain, e.g. platform.com")
      ->required()
      ->envname("ORION_PLATFORM_DOMAIN");
  cmd->add_option("--host", host_, "The Host header as a client sends it, e.g. shop.com:8080");
  cmd->add_option("target", target_,
                  "The request-target: a path (/stores/x/shop/) or an absolute URL")
      ->capture_default_str();
  return cmd;
}

int ResolveCommand::run() {
  auto platform = core::Platform::make(platform_domain_);
  if (!platform) {
    std::fprintf(stderr, "orion resolve: %s\n", platform.error().message.c_str());
    return 2;
  }
  auto c = core::classify(*platform, core::RequestHead{target_, host_, host_.empty() ? 0U : 1U});
  if (!c) {
    std::fprintf(stderr, "orion resolve: %s (%s)\n", c.error().message.c_str(),
                 std::string(core::to_string(c.error().code)).c_str());
    return 1;
  }
  const core::Lookup lookup = c->lookup;
  // Show the answer as if the lookup found the store it asks for, so the path rules that depend
  // on it (fail-closed on a store host) are visible too.
  core::StorePtr assumed;
  if (lookup.by == core::Lookup::By::code) {
    assumed = std::make_shared<const core::Store>(core::Store{0, lookup.key, lookup.key, true, {}});
  }
  const std::string host = c->host.name;
  const auto role = c->role;
  auto r = core::finish(std::move(*c), assumed);
  std::printf("host        %s\nrole        %s\nlookup      %s%s%s\n", host.c_str(),
              std::string(core::to_string(role)).c_str(),
              std::string(lookup_text(lookup.by)).c_str(), lookup.key.empty() ? "" : " ",
              lookup.key.c_str());
  if (lookup.by == core::Lookup::By::domain) {
    std::printf("answer      depends on the store that owns %s as a verified domain\n",
                lookup.key.c_str());
    return 0;
  }
  if (!r) {
    std::printf("answer      %s: %s\n", std::string(core::to_string(r.error().code)).c_str(),
                r.error().message.c_str());
    return 0;
  }
  std::printf("mode        %s\ncontext     %s\nclean path  %s\nbase path   %s\n",
              std::string(core::to_string(r->mode)).c_str(),
              std::string(core::to_string(r->context)).c_str(), r->clean_path.c_str(),
              r->base_path.c_str());
  return 0;
}

}  // namespace orion::cli

#include "core/domain.hpp"

#include <libpsl.h>

#include "core/host.hpp"
#include "core/text.hpp"

namespace orion::core {
namespace {

Error invalid(std::string message) { return make_error(Errc::invalid_domain, std::move(message)); }

}  // namespace

Result<std::string> validate_custom_domain(std::string_view input,
                                           std::string_view platform_domain) {
  const std::string_view trimmed = text::trim(input);
  if (trimmed.empty()) {
    return invalid("the domain is empty");
  }
  if (trimmed.find("://") != std::string_view::npos ||
      trimmed.find('/') != std::string_view::npos) {
    return invalid("give the bare domain name (shop.example.com), not a URL");
  }
  if (trimmed.front() == '[' ||
      (trimmed.find(':') != std::string_view::npos && trimmed.find(':') != trimmed.rfind(':'))) {
    return make_error(Errc::domain_is_ip, "an IP address cannot be a custom domain");
  }
  if (trimmed.find(':') != std::string_view::npos) {
    return invalid("give the domain name without a port");
  }
  if (trimmed.find('@') != std::string_view::npos) {
    return invalid("a domain name cannot contain '@'");
  }
  auto host = normalize_host(trimmed);
  if (!host) {
    return invalid("'" + std::string(trimmed) +
                   "' is not a valid domain name: " + host.error().message);
  }
  if (host->kind != HostKind::name) {
    return make_error(Errc::domain_is_ip, "an IP address cannot be a custom domain");
  }
  const std::string& name = host->name;
  if (is_same_or_under(name, platform_domain)) {
    return make_error(Errc::domain_is_platform,
                      "'" + name + "' is the platform's own domain or under it; stores get " +
                          "their subdomain there automatically");
  }
  // The built-in list is compiled into libpsl: no file is read here. Without one, nothing can be
  // shown not to be a public suffix, so every name is refused (fail closed). Checked before the
  // label count so that "com" is reported as the public suffix it is; without the implicit "*"
  // rule, an unlisted single label ("localhost") is not called one, and fails the count below.
  const psl_ctx_t* psl = psl_builtin();
  if (psl == nullptr ||
      psl_is_public_suffix2(psl, name.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0) {
    return make_error(Errc::domain_is_public_suffix,
                      "'" + name + "' is a public suffix (like com or co.uk) that nobody owns; " +
                          "use a domain registered under it");
  }
  if (name.find('.') == std::string::npos) {
    return invalid("a custom domain needs at least two labels (shop.example.com)");
  }
  return name;
}

std::string registrable_domain(std::string_view name) {
  const std::string text(name);
  const psl_ctx_t* psl = psl_builtin();
  if (psl == nullptr) {
    return text;
  }
  // A pointer into `text`: the registrable tail of the name.
  const char* registrable = psl_registrable_domain(psl, text.c_str());
  return registrable == nullptr ? text : std::string(registrable);
}

}  // namespace orion::core

#include "core/error.hpp"

#include <stdexcept>

namespace orion::core {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::missing_host:
      return "missing_host";
    case Errc::invalid_host:
      return "invalid_host";
    case Errc::host_too_long:
      return "host_too_long";
    case Errc::invalid_target:
      return "invalid_target";
    case Errc::invalid_path:
      return "invalid_path";
    case Errc::invalid_store_code:
      return "invalid_store_code";
    case Errc::reserved_store_code:
      return "reserved_store_code";
    case Errc::invalid_domain:
      return "invalid_domain";
    case Errc::domain_is_ip:
      return "domain_is_ip";
    case Errc::domain_is_public_suffix:
      return "domain_is_public_suffix";
    case Errc::domain_is_platform:
      return "domain_is_platform";
    case Errc::invalid_platform_domain:
      return "invalid_platform_domain";
    case Errc::wrong_store:
      return "wrong_store";
    case Errc::malformed:
      return "malformed";
    case Errc::invalid_input:
      return "invalid_input";
    case Errc::not_found:
      return "not_found";
    case Errc::conflict:
      return "conflict";
    case Errc::check_in_progress:
      return "check_in_progress";
    case Errc::too_many_requests:
      return "too_many_requests";
    case Errc::domain_taken:
      return "domain_taken";
    case Errc::domain_quarantined:
      return "domain_quarantined";
    case Errc::domain_limit:
      return "domain_limit";
    case Errc::txt_verification_required:
      return "txt_verification_required";
    case Errc::unavailable:
      return "unavailable";
    case Errc::schema_too_new:
      return "schema_too_new";
    case Errc::unsafe_database_role:
      return "unsafe_database_role";
    case Errc::internal:
      return "internal";
  }
  return "unknown";
}

void throw_exception_from_error(const Error& error, const boost::source_location& /*loc*/) {
  throw std::logic_error(std::string(to_string(error.code)) + ": " + error.message);
}

}  // namespace orion::core

#include "http/error_status.hpp"

namespace orion::http {

Status status_of(core::Errc code) noexcept {
  switch (code) {
    case core::Errc::missing_host:
    case core::Errc::invalid_host:
    case core::Errc::host_too_long:
    case core::Errc::invalid_target:
    case core::Errc::invalid_path:
    case core::Errc::malformed:
      return Status::bad_request;
    case core::Errc::invalid_store_code:
    case core::Errc::reserved_store_code:
    case core::Errc::invalid_domain:
    case core::Errc::domain_is_ip:
    case core::Errc::domain_is_public_suffix:
    case core::Errc::domain_is_platform:
    case core::Errc::invalid_input:
      return Status::unprocessable_entity;
    case core::Errc::wrong_store:  // fail closed: indistinguishable from "no such page"
    case core::Errc::not_found:
      return Status::not_found;
    case core::Errc::conflict:
    case core::Errc::check_in_progress:
    case core::Errc::domain_taken:
    case core::Errc::domain_quarantined:
    case core::Errc::domain_limit:
    case core::Errc::txt_verification_required:
      return Status::conflict;
    case core::Errc::too_many_requests:
      return Status::too_many_requests;
    case core::Errc::unavailable:
    case core::Errc::schema_too_new:
      return Status::service_unavailable;
    case core::Errc::invalid_platform_domain:
    case core::Errc::unsafe_database_role:
    case core::Errc::internal:
      break;
  }
  return Status::internal_server_error;
}

Response error_response(const core::Error& error) {
  // wrong_store answers as a plain not_found: the client learns nothing about other stores.
  if (error.code == core::Errc::wrong_store) {
    return json_error(Status::not_found, "not_found", "no such page on this store");
  }
  return json_error(status_of(error.code), core::to_string(error.code), error.message);
}

}  // namespace orion::http

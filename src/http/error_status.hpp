// The one place that maps an error code to an HTTP status (DESIGN.md §4, STYLE.md "Errors").
#pragma once

#include "core/error.hpp"
#include "http/message.hpp"

namespace orion::http {

Status status_of(core::Errc code) noexcept;

// The JSON error response for `error`: its status, its snake_case code, its message.
Response error_response(const core::Error& error);

}  // namespace orion::http

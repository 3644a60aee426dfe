// Reading the query string and form bodies (application/x-www-form-urlencoded): percent- and
// plus-decoded values by name, with Boost.URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orion::http {

// The first value of `name` in `query` (without the '?'), decoded; none when absent or when the
// query is malformed.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// The same for a urlencoded form body.
inline std::optional<std::string> form_field(std::string_view body, std::string_view name) {
  return query_param(body, name);
}

}  // namespace orion::http

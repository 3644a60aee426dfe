#include "http/query.hpp"

#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>

namespace orion::http {

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) {
    return std::nullopt;
  }
  // '+' is a space in application/x-www-form-urlencoded.
  const boost::urls::encoding_opts form{true, false, false};
  for (const auto& param : *parsed) {
    if (param.key.decode(form) == name) {
      return param.has_value ? param.value.decode(form) : std::string();
    }
  }
  return std::nullopt;
}

}  // namespace orion::http

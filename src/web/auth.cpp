#include "web/auth.hpp"

#include <boost/beast/http/field.hpp>
#include <iterator>

#include "core/text.hpp"
#include "storage/sessions.hpp"

namespace orion::web::auth {

namespace beast_http = boost::beast::http;

Credentials credentials_of(const http::Request& request) {
  const auto fields = request.equal_range(beast_http::field::authorization);
  if (fields.first == fields.second) {
    return {};
  }
  if (std::next(fields.first) != fields.second) {
    return {Credentials::State::malformed, {}};
  }
  const std::string_view value = core::text::trim(fields.first->value());
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !core::text::is_space(value[kScheme.size()])) {
    return {Credentials::State::malformed, {}};
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (core::text::to_lower(value[i]) != kScheme[i]) {
      return {Credentials::State::malformed, {}};
    }
  }
  const std::string_view token = core::text::trim(value.substr(kScheme.size()));
  if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) {
    return {Credentials::State::malformed, {}};
  }
  return {Credentials::State::bearer, token};
}

core::Result<std::optional<TokenCaller>> authenticate_bearer(storage::PlatformTransaction& tx,
                                                             std::string_view token) {
  auto record = storage::api_tokens::authenticate(tx, token);
  if (!record) {
    return record.error();
  }
  if (!*record) {
    return std::optional<TokenCaller>();
  }
  return std::optional<TokenCaller>(TokenCaller{(*record)->id, (*record)->store_id});
}

http::Response unauthorized(std::string_view code, std::string_view message, bool token_given) {
  http::Response response = http::json_error(http::Status::unauthorized, code, message);
  response.set(
      beast_http::field::www_authenticate,
      token_given ? R"(Bearer realm="orion", error="invalid_token")" : R"(Bearer realm="orion")");
  return response;
}

http::Response forbidden(std::string_view code, std::string_view message) {
  return http::json_error(http::Status::forbidden, code, message);
}

}  // namespace orion::web::auth

#include "http/message.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace orion::http {

Response make_response(Status status, std::string body, std::string_view content_type) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response json_error(Status status, std::string_view code, std::string_view message) {
  const boost::json::value body = {{"error", {{"code", code}, {"message", message}}}};
  return make_response(status, boost::json::serialize(body), "application/json");
}

}  // namespace orion::http

// A submitted HTML form: the fields of an application/x-www-form-urlencoded body, or the fields
// and files of a multipart/form-data body (RFC 7578). The console reads every POST through it,
// so the CSRF token is found the same way in both encodings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace orion::http {

// One file part of a multipart body. `filename` and `content_type` are what the client claimed:
// never trust either (check the bytes, generate names).
struct FormFile {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string data;
};

struct Form {
  std::vector<std::pair<std::string, std::string>> fields;  // in body order, decoded
  std::vector<FormFile> files;                              // parts that carried a filename

  // The first value of `name`, if any.
  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
  // The first value of `name`, or "" when absent.
  [[nodiscard]] std::string text(std::string_view name) const;
  // The first file part of `name` with a non-empty body, if any.
  [[nodiscard]] const FormFile* file(std::string_view name) const;
};

// Parses `body` as the form its Content-Type says: urlencoded (also when the type is absent) or
// multipart/form-data with a boundary. Errc::invalid_input (→ 400) for a malformed body or
// another content type.
core::Result<Form> parse_form(std::string_view content_type, std::string_view body);

inline core::Result<Form> parse_form(const Request& request) {
  return parse_form(request[boost::beast::http::field::content_type], request.body());
}

}  // namespace orion::http

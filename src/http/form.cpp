#include "http/form.hpp"

#include <boost/url/parse_query.hpp>
#include <cctype>

namespace orion::http {
namespace {

constexpr std::size_t kMaxParts = 200;

core::Error malformed(std::string message) {
  return core::make_error(core::Errc::malformed, std::move(message));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// The parameters of a header value such as `form-data; name="a"; filename="b.png"`: the first
// item (lower-cased) and each `key=value` (key lower-cased, value unquoted, `\"` unescaped).
struct HeaderValue {
  std::string first;
  std::vector<std::pair<std::string, std::string>> params;

  [[nodiscard]] std::optional<std::string> param(std::string_view key) const {
    for (const auto& [k, v] : params) {
      if (k == key) {
        return v;
      }
    }
    return std::nullopt;
  }
};

core::Result<HeaderValue> parse_header_value(std::string_view text) {
  HeaderValue value;
  std::size_t at = text.find(';');
  value.first = lower(trim(text.substr(0, at)));
  while (at != std::string_view::npos) {
    ++at;
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) {
      ++at;
    }
    const std::size_t equals = text.find('=', at);
    const std::size_t semicolon = text.find(';', at);
    if (equals == std::string_view::npos || semicolon < equals) {
      // A bare parameter without a value: skip to the next one.
      at = semicolon;
      continue;
    }
    std::string key = lower(trim(text.substr(at, equals - at)));
    std::size_t pos = equals + 1;
    std::string item;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '\\' && pos < text.size()) {
          item += text[pos++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          item += c;
        }
      }
      if (!closed) {
        return malformed("an unterminated quoted string in a multipart header");
      }
      at = text.find(';', pos);
    } else {
      at = text.find(';', pos);
      item =
          std::string(trim(text.substr(pos, at == std::string_view::npos ? text.npos : at - pos)));
    }
    value.params.emplace_back(std::move(key), std::move(item));
  }
  return value;
}

core::Result<Form> parse_urlencoded(std::string_view body) {
  Form form;
  if (body.empty()) {
    return form;
  }
  auto parsed = boost::urls::parse_query(body);
  if (!parsed) {
    return malformed("the form body is not valid application/x-www-form-urlencoded");
  }
  const boost::urls::encoding_opts plus_is_space{true, false, false};
  for (const auto& param : *parsed) {
    form.fields.emplace_back(param.key.decode(plus_is_space),
                             param.has_value ? param.value.decode(plus_is_space) : std::string());
  }
  return form;
}

// True when `rest`, what follows a "--boundary" at the start of a line, makes it a delimiter
// line: "--" (the close delimiter) or optional transport padding, then CRLF (RFC 2046 5.1.1).
// Anything else ("--boundaryX...") is an ordinary line of content.
bool ends_delimiter(std::string_view rest) {
  if (rest.starts_with("--")) {
    return true;
  }
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) {
    ++i;
  }
  return rest.substr(i).starts_with("\r\n");
}

// The first CRLF "--boundary" at or after `from` that starts a delimiter line; npos when none.
std::size_t find_delimiter(std::string_view body, std::string_view crlf_delimiter,
                           std::size_t from) {
  for (std::size_t at = body.find(crlf_delimiter, from); at != std::string_view::npos;
       at = body.find(crlf_delimiter, at + 1)) {
    if (ends_delimiter(body.substr(at + crlf_delimiter.size()))) {
      return at;
    }
  }
  return std::string_view::npos;
}

core::Result<Form> parse_multipart(std::string_view boundary, std::string_view body) {
  if (boundary.empty() || boundary.size() > 70) {
    return malformed("multipart/form-data needs a boundary of 1 to 70 characters");
  }
  const std::string delimiter = "--" + std::string(boundary);
  // The CRLF before a delimiter belongs to it, not to the part it ends.
  const std::string crlf_delimiter = "\r\n" + delimiter;
  // The first delimiter: at the very start, or after a preamble ending in CRLF.
  std::size_t at = 0;  // just past a delimiter
  if (body.starts_with(delimiter) && ends_delimiter(body.substr(delimiter.size()))) {
    at = delimiter.size();
  } else {
    const std::size_t first = find_delimiter(body, crlf_delimiter, 0);
    if (first == std::string_view::npos) {
      return malformed("the multipart body has no boundary line");
    }
    at = first + crlf_delimiter.size();
  }
  Form form;
  for (std::size_t parts = 0;; ++parts) {
    // After a delimiter (checked by ends_delimiter): "--" ends the body, else padding and CRLF
    // start a part.
    if (body.substr(at).starts_with("--")) {
      return form;
    }
    while (body[at] == ' ' || body[at] == '\t') {
      ++at;
    }
    at += 2;
    if (parts == kMaxParts) {
      return malformed("the form has too many parts");
    }
    const std::size_t end = find_delimiter(body, crlf_delimiter, at);
    if (end == std::string_view::npos) {
      return malformed("the multipart body ends inside a part");
    }
    const std::string_view part = body.substr(at, end - at);
    std::string_view headers;
    std::string_view content;
    if (part.starts_with("\r\n")) {  // a part without headers (refused below: no name)
      content = part.substr(2);
    } else if (const std::size_t blank = part.find("\r\n\r\n"); blank != std::string_view::npos) {
      headers = part.substr(0, blank);
      content = part.substr(blank + 4);
    } else if (part.ends_with("\r\n")) {
      // Headers and no body: the CRLF that would start one is the delimiter's.
      headers = part.substr(0, part.size() - 2);
    } else {
      return malformed("a multipart part has no blank line after its headers");
    }
    std::optional<HeaderValue> disposition;
    std::string content_type;
    while (!headers.empty()) {
      const std::size_t line_end = headers.find("\r\n");
      const std::string_view line = headers.substr(0, line_end);
      headers =
          line_end == std::string_view::npos ? std::string_view{} : headers.substr(line_end + 2);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        return malformed("a multipart part has a header line without a colon");
      }
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        auto parsed = parse_header_value(value);
        if (!parsed) {
          return parsed.error();
        }
        disposition = std::move(*parsed);
      } else if (name == "content-type") {
        content_type = std::string(value);
      }
    }
    if (!disposition || disposition->first != "form-data" || !disposition->param("name")) {
      return malformed("a multipart part has no Content-Disposition: form-data with a name");
    }
    std::string field = *disposition->param("name");
    if (auto filename = disposition->param("filename")) {
      form.files.push_back(FormFile{std::move(field), std::move(*filename), std::move(content_type),
                                    std::string(content)});
    } else {
      form.fields.emplace_back(std::move(field), std::string(content));
    }
    at = end + crlf_delimiter.size();
  }
}

}  // namespace

std::optional<std::string> Form::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string Form::text(std::string_view name) const { return field(name).value_or(""); }

const FormFile* Form::file(std::string_view name) const {
  for (const FormFile& file : files) {
    if (file.field == name && !file.data.empty()) {
      return &file;
    }
  }
  return nullptr;
}

core::Result<Form> parse_form(std::string_view content_type, std::string_view body) {
  auto type = parse_header_value(content_type);
  if (!type) {
    return type.error();
  }
  if (type->first.empty() || type->first == "application/x-www-form-urlencoded") {
    return parse_urlencoded(body);
  }
  if (type->first == "multipart/form-data") {
    return parse_multipart(type->param("boundary").value_or(""), body);
  }
  return malformed("a form must be application/x-www-form-urlencoded or multipart/form-data");
}

}  // namespace orion::http

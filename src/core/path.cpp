#include "core/path.hpp"

#include "core/text.hpp"

namespace orion::core {
namespace {

Error invalid_path(std::string message) {
  return make_error(Errc::invalid_path, std::move(message));
}

bool forbidden_raw(char c) noexcept { return c == ' ' || c == '\\' || text::is_control(c); }

bool forbidden_decoded(char c) noexcept { return c == '/' || c == '\\' || text::is_control(c); }

// Recognises "/{word}/{code}[/...]" for one word, filling `out`.
bool split_form(std::string_view path, std::string_view word, PathForm form,
                StorePath& out) noexcept {
  if (!path_is_under(path, word)) {
    return false;
  }
  out.form = form;
  const std::string_view rest = path.substr(word.size());  // "" or "/..."
  if (rest.size() <= 1) {
    out.prefix = path.substr(0, word.size());
    out.code = {};
    out.clean_path = "/";
    return true;
  }
  const std::size_t code_end = rest.find('/', 1);
  out.code =
      rest.substr(1, code_end == std::string_view::npos ? std::string_view::npos : code_end - 1);
  out.prefix = path.substr(0, word.size() + 1 + out.code.size());
  out.clean_path =
      code_end == std::string_view::npos ? std::string_view("/") : rest.substr(code_end);
  return true;
}

// True when the raw path is already normal: no escapes, nothing forbidden, no "." or ".."
// segment and no empty segment but a trailing one. normalize_target's loop would give it back
// unchanged, so it is copied as it is.
bool is_plain_path(std::string_view raw_path) noexcept {
  std::size_t segment_start = 1;  // raw_path[0] is '/'
  for (std::size_t i = 1; i <= raw_path.size(); ++i) {
    if (i == raw_path.size() || raw_path[i] == '/') {
      const std::string_view segment = raw_path.substr(segment_start, i - segment_start);
      if ((segment.empty() && i != raw_path.size()) || segment == "." || segment == "..") {
        return false;
      }
      segment_start = i + 1;
    } else if (raw_path[i] == '%' || forbidden_raw(raw_path[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Target> normalize_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return make_error(Errc::invalid_target, "the request-target must be a path starting with '/'");
  }
  if (target.size() > kMaxPathLength) {
    return invalid_path("the request-target is longer than 8192 characters");
  }
  // One scan for a fragment anywhere and for the first '?'.
  std::size_t question = std::string_view::npos;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '#') {
      return make_error(Errc::invalid_target, "a request-target may not carry a fragment");
    }
    if (target[i] == '?' && question == std::string_view::npos) {
      question = i;
    }
  }
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  for (const char c : query) {
    if (c == ' ' || text::is_control(c)) {
      return make_error(Errc::invalid_target, "the query contains a space or a control character");
    }
  }

  Target out;
  out.query.assign(query);
  if (is_plain_path(raw_path)) {
    out.path.assign(raw_path);
    return out;
  }
  std::string& path = out.path;
  path.reserve(raw_path.size() + 1);
  std::string decoded;
  bool trailing_slash = false;
  std::size_t start = 1;
  while (start <= raw_path.size()) {
    const std::size_t end = std::min(raw_path.find('/', start), raw_path.size());
    const std::string_view raw = raw_path.substr(start, end - start);
    const bool last = end == raw_path.size();
    start = end + 1;
    for (const char c : raw) {
      if (forbidden_raw(c)) {
        return invalid_path("the path contains a space, a backslash or a control character");
      }
    }
    std::string_view segment = raw;
    if (raw.find('%') != std::string_view::npos) {
      decoded.clear();
      if (!text::append_percent_decoded(raw, decoded)) {
        return invalid_path("the path has a malformed percent-escape");
      }
      for (const char c : decoded) {
        if (forbidden_decoded(c)) {
          return invalid_path("the path encodes a slash, a backslash or a control character");
        }
      }
      segment = decoded;
    }
    if (segment.empty() || segment == ".") {
      trailing_slash = last;
      continue;
    }
    if (segment == "..") {
      path.erase(path.empty() ? 0 : path.rfind('/'));
      trailing_slash = last;
      continue;
    }
    path.push_back('/');
    path.append(segment);
    trailing_slash = false;
  }
  if (path.empty() || trailing_slash) {
    path.push_back('/');
  }
  return out;
}

StorePath split_store_path(std::string_view path) noexcept {
  StorePath out;
  if (split_form(path, "/stores", PathForm::shop, out) ||
      split_form(path, "/store", PathForm::dashboard, out)) {
    return out;
  }
  out.clean_path = path;
  return out;
}

bool path_is_under(std::string_view path, std::string_view prefix) noexcept {
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace orion::core

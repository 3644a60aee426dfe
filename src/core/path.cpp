#include "core/path.hpp"

#include "core/lanes.hpp"
#include "core/text.hpp"

#include <array>
#include <cstdint>

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

// For view_plain_target: what each byte means to it (0: an ordinary path and query byte).
enum : std::uint8_t { kOrdinary = 0, kSlash, kQuestion, kQueryForbidden, kPathForbidden, kHash };

constexpr std::array<std::uint8_t, 256> kTargetByte = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    if (ch == '#') {
      table[c] = kHash;
    } else if (ch == ' ' || text::is_control(ch)) {
      table[c] = kQueryForbidden;  // forbidden in the path too
    } else if (ch == '%' || ch == '\\') {
      table[c] = kPathForbidden;  // fine in the query, not in a path that is already normal
    } else if (ch == '/') {
      table[c] = kSlash;
    } else if (ch == '?') {
      table[c] = kQuestion;
    }
  }
  return table;
}();

// A segment that is "." or "..", or empty when it is not the last: normalize_target rewrites it.
bool needs_rewriting(std::string_view segment, bool last) noexcept {
  if (segment.empty()) {
    return !last;
  }
  return segment.size() <= 2 && segment.front() == '.' && segment.back() == '.';
}

// view_plain_target a byte at a time, for targets of any length.
bool view_plain_target_bytes(std::string_view target, TargetView& out) noexcept {
  // One pass over the path, then one over the query: the same checks as normalize_target's
  // scans for a fragment and the query's characters, and as its segment loop for a path it would
  // leave unchanged.
  const std::size_t size = target.size();
  std::size_t segment_start = 1;  // target[0] is '/'
  std::size_t i = 1;
  for (; i < size; ++i) {
    while (i < size && kTargetByte[static_cast<unsigned char>(target[i])] == kOrdinary) {
      ++i;
    }
    if (i == size) {
      break;
    }
    const std::uint8_t kind = kTargetByte[static_cast<unsigned char>(target[i])];
    if (kind == kSlash) {
      if (needs_rewriting(target.substr(segment_start, i - segment_start), false)) {
        return false;
      }
      segment_start = i + 1;
      continue;
    }
    if (kind == kQuestion) {
      break;
    }
    return false;
  }
  if (needs_rewriting(target.substr(segment_start, i - segment_start), true)) {
    return false;
  }
  const std::string_view path = target.substr(0, i);
  std::string_view query;
  if (i < size) {
    query = target.substr(i + 1);
    for (const char c : query) {
      const std::uint8_t kind = kTargetByte[static_cast<unsigned char>(c)];
      if (kind == kQueryForbidden || kind == kHash) {
        return false;
      }
    }
  }
  out.path = path;
  out.query = query;
  return true;
}

// The same, sixteen bytes at a time (core/lanes.hpp), for targets of at most kLanesCapacity
// bytes: most requests, in about a third of the instructions.
constexpr std::size_t kLanesCapacity = 128;

bool view_plain_target_lanes(std::string_view target, TargetView& out) noexcept {
  using namespace lanes;
  const std::size_t size = target.size();
  // Past the target, a '?': wherever the path ends, the byte after it is a '?', which ends its
  // last segment (so "/a/." and "/a/.?x" read alike) and is allowed in a query.
  const Padded<kLanesCapacity> padded(target.data(), size, '?');
  constexpr Lanes kIndex = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  std::size_t path_end = size;  // the first '?', or the end
  bool in_query = false;
  Lanes bad{};
  for (std::size_t offset = 0; offset < size; offset += kWidth) {
    const Lanes c = load(padded.bytes + offset);
    // Forbidden anywhere: a fragment, a space, a control character.
    bad |= between(c, '\0', ' ') | (c == 0x7f) | (c == '#');
    if (in_query) {
      continue;
    }
    // Forbidden in a path that is already normal: an escape, a backslash, and a slash starting
    // an empty segment ("//") that is not the last or a "." or ".." segment (ended by a slash or
    // by the path's end, which reads as '?').
    const Lanes next = load(padded.bytes + offset + 1);
    const Lanes second = load(padded.bytes + offset + 2);
    const Lanes third = load(padded.bytes + offset + 3);
    const Lanes dot_ends_segment = (second == '/') | (second == '?');
    const Lanes dot_dot_ends_segment = (second == '.') & ((third == '/') | (third == '?'));
    Lanes path_bad = (c == '%') | (c == '\\') |
                     ((c == '/') & ((next == '/') |
                                    ((next == '.') & (dot_ends_segment | dot_dot_ends_segment))));
    if (const std::size_t question = first(c == '?'); question < kWidth) {
      in_query = true;
      path_end = offset + question;
      path_bad &= kIndex < splat(static_cast<char>(question));  // the lanes before the '?'
    }
    bad |= path_bad;
  }
  if (any(bad)) {
    return false;
  }
  out.path = target.substr(0, path_end);
  out.query = path_end < size ? target.substr(path_end + 1) : std::string_view();
  return true;
}

}  // namespace

bool view_plain_target(std::string_view target, TargetView& out) noexcept {
  if (target.empty() || target.front() != '/' || target.size() > kMaxPathLength) {
    return false;
  }
  return target.size() <= kLanesCapacity ? view_plain_target_lanes(target, out)
                                         : view_plain_target_bytes(target, out);
}

Result<Target> normalize_target(std::string_view target) {
  if (TargetView plain; view_plain_target(target, plain)) {
    Result<Target> out{boost::system::in_place_value};
    out->path.assign(plain.path);
    out->query.assign(plain.query);
    return out;
  }
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
  // Both forms start with "/store": most paths are turned away by this one comparison.
  if (path.starts_with("/store") && (split_form(path, "/stores", PathForm::shop, out) ||
                                     split_form(path, "/store", PathForm::dashboard, out))) {
    return out;
  }
  out.clean_path = path;
  return out;
}

}  // namespace orion::core

// Request paths: normalisation (percent-decoding, dot segments, repeated slashes) and the
// seed's store path forms, "/stores/{code}/shop/..." (storefront) and "/store/{code}/..."
// (dashboard).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace orion::core {

inline constexpr std::size_t kMaxPathLength = 8192;

struct Target {
  // Percent-decoded, starts with '/', no "." or ".." segments, no empty segments (repeated
  // slashes collapse), keeps a trailing slash. No segment contains '/', '\', NUL or a control
  // character, so splitting on '/' gives back exactly the segments that were sent.
  std::string path;
  std::string query;  // as sent, without the '?'

  friend bool operator==(const Target&, const Target&) = default;
};

// Splits an origin-form request-target ("/a/b?q") into its normalised path and its query.
// Dot segments are resolved as RFC 3986 §5.2.4 says, after decoding, so "%2e%2e" is "..": no
// spelling of a path can climb out of the segment it appears to be in without being resolved
// first. Encoded slashes and backslashes, control characters, bad escapes, raw spaces and paths
// longer than kMaxPathLength are errors.
Result<Target> normalize_target(std::string_view origin_form);

// An origin-form request-target's path and query, as views into it.
struct TargetView {
  std::string_view path;
  std::string_view query;
};

// normalize_target's common case without copying: true, with `out` viewing `origin_form`, when
// the target is valid and its path is already normal (no escape, no forbidden character, no "."
// or ".." segment, no empty segment but a trailing one), so that normalize_target would give back
// exactly these path and query. False for everything else, errors included: normalize_target
// then decides.
bool view_plain_target(std::string_view origin_form, TargetView& out) noexcept;

enum class PathForm : std::uint8_t {
  plain,      // any other path
  shop,       // /stores/{code}[/...]
  dashboard,  // /store/{code}[/...]
};

struct StorePath {
  PathForm form = PathForm::plain;
  std::string_view code;        // the {code} segment as sent (decoded), empty if absent
  std::string_view prefix;      // "/stores/{code}" or "/store/{code}", empty for plain paths
  std::string_view clean_path;  // the rest, starting with '/' ("/" if nothing follows)
};

// Recognises the store path forms in a normalised path. Views point into `path`.
StorePath split_store_path(std::string_view path) noexcept;

// True when `path` is `prefix` itself or starts with `prefix` followed by '/'. Segment-wise, so
// "/shopping" is not under "/shop".
// Inline, so that with a literal prefix the comparison is a few loads instead of a memcmp call.
inline bool path_is_under(std::string_view path, std::string_view prefix) noexcept {
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace orion::core

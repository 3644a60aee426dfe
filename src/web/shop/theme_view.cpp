// The theme sanitisers (see theme_view.hpp): allow-lists for the small values, a stripping pass
// for the custom CSS.
#include "web/shop/theme_view.hpp"

#include <array>

#include "core/text.hpp"

namespace orion::web::shop {
namespace {

bool is_hex(char c) noexcept {
  return core::text::is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_alnum(char c) noexcept {
  return core::text::is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 3986 characters minus the ones that could end an attribute or a CSS token: no quotes,
// no parentheses, no backslash, no spaces, no angle brackets.
bool is_url_char(char c) noexcept {
  if (is_alnum(c)) {
    return true;
  }
  constexpr std::string_view kAllowed = "-._~:/?#[]@!$&*+,;=%";
  return kAllowed.find(c) != std::string_view::npos;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (core::text::to_lower(text[i]) != prefix[i]) {
      return false;
    }
  }
  return true;
}

std::size_t find_ci(std::string_view text, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (starts_with_ci(text.substr(i), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string without_comments_and_escapes(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  for (std::size_t i = 0; i < css.size(); ++i) {
    if (css.substr(i, 2) == "/*") {
      const std::size_t end = css.find("*/", i + 2);
      if (end == std::string_view::npos) {
        break;  // an unterminated comment swallows the rest, as in a browser
      }
      i = end + 1;
      out.push_back(' ');
      continue;
    }
    const char c = css[i];
    if (c == '\\' || c == '<' || (core::text::is_control(c) && c != '\n' && c != '\t')) {
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// Removes every url(...) whose target is not a plain https:// URL. Returns true when it
// changed something.
bool strip_urls(std::string& css) {
  bool changed = false;
  std::size_t at = 0;
  while ((at = find_ci(css, "url(", at)) != std::string::npos) {
    std::size_t end = css.find(')', at + 4);
    const bool closed = end != std::string::npos;
    if (!closed) {
      end = css.size() - 1;
    }
    std::string_view target = core::text::trim(std::string_view(css).substr(at + 4, end - at - 4));
    if (target.size() >= 2 && (target.front() == '"' || target.front() == '\'') &&
        target.back() == target.front()) {
      target = target.substr(1, target.size() - 2);
    }
    if (closed && starts_with_ci(target, "https://") && safe_asset_url(target)) {
      std::string kept = "url(\"" + std::string(target) + "\")";
      css.replace(at, end - at + 1, kept);
      at += kept.size();
      continue;
    }
    css.erase(at, end - at + 1);
    changed = true;
  }
  return changed;
}

}  // namespace

std::optional<std::string> safe_color(std::string_view value) {
  value = core::text::trim(value);
  if (value.empty() || value.front() != '#') {
    return std::nullopt;
  }
  const std::string_view digits = value.substr(1);
  const std::size_t n = digits.size();
  if (n != 3 && n != 4 && n != 6 && n != 8) {
    return std::nullopt;
  }
  for (const char c : digits) {
    if (!is_hex(c)) {
      return std::nullopt;
    }
  }
  return std::string(value);
}

std::optional<std::string> safe_font_family(std::string_view value) {
  value = core::text::trim(value);
  if (value.empty() || value.size() > 100) {
    return std::nullopt;
  }
  for (const char c : value) {
    if (!(is_alnum(c) || c == ' ' || c == ',' || c == '-')) {
      return std::nullopt;
    }
  }
  return std::string(value);
}

std::optional<std::string> safe_asset_url(std::string_view value) {
  value = core::text::trim(value);
  if (value.empty() || value.size() > 2048) {
    return std::nullopt;
  }
  for (const char c : value) {
    if (!is_url_char(c)) {
      return std::nullopt;
    }
  }
  if (value.starts_with("/static/")) {
    // A path on this site: no way up, and no "//" that a browser would read as a host.
    if (value.find("//") != std::string_view::npos ||
        value.find("/../") != std::string_view::npos || value.ends_with("/..") ||
        value.find("/./") != std::string_view::npos || value.find('%') != std::string_view::npos) {
      return std::nullopt;
    }
    return std::string(value);
  }
  if (starts_with_ci(value, "https://") && value.size() > 8 && value[8] != '/') {
    return std::string(value);
  }
  return std::nullopt;
}

std::string sanitize_custom_css(std::string_view css) {
  std::string out = without_comments_and_escapes(css);
  static constexpr std::array<std::string_view, 6> kForbidden = {
      "@import", "expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding"};
  // Removing one token can join the pieces around it into another ("@imp@importort"), so repeat
  // until a whole pass changes nothing.
  bool changed = true;
  while (changed) {
    changed = strip_urls(out);
    for (const std::string_view token : kForbidden) {
      std::size_t at = 0;
      while ((at = find_ci(out, token, at)) != std::string::npos) {
        out.erase(at, token.size());
        changed = true;
      }
    }
  }
  return std::string(core::text::trim(out));
}

kainjow::mustache::data theme_data(const storage::Theme& theme, std::string_view stylesheet_url) {
  const storage::Theme defaults;
  kainjow::mustache::data data;
  data.set("primary", safe_color(theme.primary_color).value_or(defaults.primary_color));
  data.set("secondary", safe_color(theme.secondary_color).value_or(defaults.secondary_color));
  data.set("background", safe_color(theme.background_color).value_or(defaults.background_color));
  data.set("text", safe_color(theme.text_color).value_or(defaults.text_color));
  data.set("font", safe_font_family(theme.font_family).value_or(defaults.font_family));
  if (theme.logo_url) {
    if (auto logo = safe_asset_url(*theme.logo_url)) {
      data.set("logo_url", *logo);
    }
  }
  if (!stylesheet_url.empty() && !sanitize_custom_css(theme.custom_css).empty()) {
    data.set("stylesheet", std::string(stylesheet_url));
  }
  return data;
}

}  // namespace orion::web::shop

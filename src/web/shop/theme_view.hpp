// What a store's theme may put into its pages, and how: every value a store controls (colours,
// font, logo, custom CSS, product image URLs) passes one of these checks before it reaches a
// template or a stylesheet, so that no store can inject script or markup into its pages through
// its theme. Pure functions, unit-tested in tests/unit/web/theme_view_test.cpp.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "storage/records.hpp"

namespace orion::web::shop {

// "#RGB", "#RGBA", "#RRGGBB" or "#RRGGBBAA" (hex digits); anything else none.
std::optional<std::string> safe_color(std::string_view value);

// A font-family list of letters, digits, spaces, commas and hyphens (1 to 100 characters),
// e.g. "Inter, system-ui, sans-serif"; anything else (quotes, semicolons, braces...) none.
std::optional<std::string> safe_font_family(std::string_view value);

// A URL a page may load an image from: a relative "/static/..." path, or an "https://" URL, made
// of URL characters only (no quotes, spaces, angle brackets or backslashes) and at most 2048
// characters. "javascript:", "data:", "http:", "//host" and "/static/../x" are none.
std::optional<std::string> safe_asset_url(std::string_view value);

// The store's custom CSS made harmless: comments, backslashes (CSS escapes), '<' and control
// characters removed; "@import", "expression(", "javascript:", "vbscript:", "behavior:" and
// "-moz-binding" removed (case-insensitive, until none is left); a url(...) whose target is not
// an https:// URL removed whole. Served only as text/css from its own URL, never inline.
std::string sanitize_custom_css(std::string_view css);

// The layout's `theme` object ({primary, secondary, background, text, font, logo_url?,
// stylesheet?}): each value checked, a value that fails falls back to the platform default;
// `stylesheet_url` is set only when the sanitised custom CSS is not empty.
kainjow::mustache::data theme_data(const storage::Theme& theme, std::string_view stylesheet_url);

}  // namespace orion::web::shop

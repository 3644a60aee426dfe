// The theme sanitisers: what a store may put into its pages through its theme, and what is
// refused or stripped.
#include "web/shop/theme_view.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace orion::web::shop {
namespace {

TEST(ThemeView, ColoursAreHexOnly) {
  EXPECT_EQ(safe_color("#abc"), "#abc");
  EXPECT_EQ(safe_color("#10B981"), "#10B981");
  EXPECT_EQ(safe_color("#10B981CC"), "#10B981CC");
  EXPECT_EQ(safe_color("red"), std::nullopt);
  EXPECT_EQ(safe_color("#12345"), std::nullopt);
  EXPECT_EQ(safe_color("#zzz"), std::nullopt);
  EXPECT_EQ(safe_color("#fff;}</style><script>"), std::nullopt);
  EXPECT_EQ(safe_color(""), std::nullopt);
}

TEST(ThemeView, FontFamiliesUseASafeCharacterSet) {
  EXPECT_EQ(safe_font_family("Inter, system-ui, sans-serif"), "Inter, system-ui, sans-serif");
  EXPECT_EQ(safe_font_family("x;}body{color:red"), std::nullopt);
  EXPECT_EQ(safe_font_family("\"Open Sans\""), std::nullopt);
  EXPECT_EQ(safe_font_family("a</style>"), std::nullopt);
  EXPECT_EQ(safe_font_family(std::string(101, 'a')), std::nullopt);
}

TEST(ThemeView, AssetUrlsAreStaticPathsOrHttps) {
  EXPECT_EQ(safe_asset_url("/static/stores/orion/logo.png"), "/static/stores/orion/logo.png");
  EXPECT_EQ(safe_asset_url("https://cdn.example.com/logo.png"), "https://cdn.example.com/logo.png");
  EXPECT_EQ(safe_asset_url("javascript:alert(1)"), std::nullopt);
  EXPECT_EQ(safe_asset_url("JavaScript:alert(1)"), std::nullopt);
  EXPECT_EQ(safe_asset_url("data:image/svg+xml,<svg onload=alert(1)>"), std::nullopt);
  EXPECT_EQ(safe_asset_url("http://cdn.example.com/logo.png"), std::nullopt);
  EXPECT_EQ(safe_asset_url("//evil.example/logo.png"), std::nullopt);
  EXPECT_EQ(safe_asset_url("/static/../admin"), std::nullopt);
  EXPECT_EQ(safe_asset_url("/static//evil.example/x"), std::nullopt);
  EXPECT_EQ(safe_asset_url("/static/x\" onerror=\"alert(1)"), std::nullopt);
  EXPECT_EQ(safe_asset_url("https:///path"), std::nullopt);
}

TEST(ThemeView, CustomCssLosesEverythingThatCouldRunOrLoadInsecurely) {
  const std::string css = sanitize_custom_css(
      "</style><script>alert(1)</script>\n"
      "@import url(http://evil.example/x.css);\n"
      "@IMPORT 'https://evil.example/y.css';\n"
      "body{background:url(http://evil.example/x.png);color:expression(alert(1))}\n"
      "a{background:url(JAVASCRIPT:alert(1))}\n"
      "b{behavior:url(x.htc);-moz-binding:url(x.xml)}\n"
      "i{font-family:\\6a avascript}\n"
      "u{x:@imp@importort}\n"
      ".ok{color:#123;background:url('https://cdn.example/ok.png')}");
  for (const char* forbidden : {"<", "@import", "expression(", "javascript", "http://", "behavior",
                                "-moz-binding", "\\", "x.htc"}) {
    std::string lower = css;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(lower.find(forbidden), std::string::npos) << forbidden << " in " << css;
  }
  EXPECT_NE(css.find(".ok{color:#123;background:url(\"https://cdn.example/ok.png\")}"),
            std::string::npos)
      << css;
}

TEST(ThemeView, CommentsCannotHideTokens) {
  const std::string css = sanitize_custom_css("a{x:expr/**/ession(alert(1))} /* open");
  EXPECT_EQ(css.find("expression("), std::string::npos) << css;
  EXPECT_EQ(css.find("open"), std::string::npos) << css;
}

TEST(ThemeView, ThemeDataFallsBackToDefaultsForRefusedValues) {
  storage::Theme theme;
  theme.primary_color = "#10B981";
  theme.secondary_color = "red;}";
  theme.font_family = "x;}";
  theme.logo_url = "javascript:alert(1)";
  theme.custom_css = "<";
  const auto data = theme_data(theme, "/shop/theme.css");
  EXPECT_EQ(data.get("primary")->string_value(), "#10B981");
  EXPECT_EQ(data.get("secondary")->string_value(), storage::Theme{}.secondary_color);
  EXPECT_EQ(data.get("font")->string_value(), storage::Theme{}.font_family);
  EXPECT_EQ(data.get("logo_url"), nullptr);
  EXPECT_EQ(data.get("stylesheet"), nullptr);  // nothing left of the CSS
  theme.custom_css = "body{margin:0}";
  theme.logo_url = "/static/stores/orion/logo.png";
  const auto styled = theme_data(theme, "/shop/theme.css");
  EXPECT_EQ(styled.get("stylesheet")->string_value(), "/shop/theme.css");
  EXPECT_EQ(styled.get("logo_url")->string_value(), "/static/stores/orion/logo.png");
}

}  // namespace
}  // namespace orion::web::shop

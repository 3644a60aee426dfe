// The store's theme on its pages, over real sockets, on both backends: its colours, font and
// logo on every storefront page, its custom CSS as a separate sanitised stylesheet, and hostile
// theme values neutralised so that no store can put script into its pages.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <string>

#include "storage/products.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/themes.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace http = boost::beast::http;
using testing::TestServer;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ThemeTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    orion_ = add_store("orion", "Orion Shop");
    techstore_ = add_store("techstore", "Tech Store");
  }

  core::Store add_store(const std::string& code, const std::string& name) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    auto store = storage::stores::create(*tx, code, name);
    EXPECT_TRUE(store);
    EXPECT_TRUE(tx->commit());
    return store->snapshot();
  }

  void put_theme(const core::Store& store, const storage::Theme& theme) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    ASSERT_TRUE(tx);
    auto saved = storage::themes::put(*tx, theme);
    ASSERT_TRUE(saved) << saved.error().message;
    ASSERT_TRUE(tx->commit());
  }

  std::unique_ptr<TestServer> server_;
  core::Store orion_;
  core::Store techstore_;
};

TEST_P(ThemeTest, EachStoresColoursFontAndLogoAreOnItsPages) {
  storage::Theme orion;
  orion.primary_color = "#3B82F6";
  orion.secondary_color = "#0F172A";
  orion.font_family = "Inter, sans-serif";
  orion.logo_url = "/static/stores/orion/logo.png";
  put_theme(orion_, orion);
  storage::Theme tech;
  tech.primary_color = "#10B981";
  tech.custom_css = ".hero{border:1px solid #10B981}";
  put_theme(techstore_, tech);

  for (const char* target : {"/stores/orion/shop/", "/stores/orion/shop/products",
                             "/stores/orion/shop/cart", "/stores/orion/shop/nope"}) {
    auto page = server_->get("platform.test", target);
    EXPECT_TRUE(contains(page.body(), "--primary:#3B82F6")) << target;
    EXPECT_TRUE(contains(page.body(), "--secondary:#0F172A")) << target;
    EXPECT_TRUE(contains(page.body(), "--font:Inter, sans-serif")) << target;
    EXPECT_TRUE(contains(page.body(), "<img src=\"/static/stores/orion/logo.png\"")) << target;
    EXPECT_FALSE(contains(page.body(), "#10B981")) << target;
    EXPECT_FALSE(contains(page.body(), "theme.css")) << target;  // orion has no custom CSS
  }
  auto tech_page = server_->get("techstore.platform.test", "/shop/");
  EXPECT_TRUE(contains(tech_page.body(), "--primary:#10B981"));
  EXPECT_TRUE(contains(tech_page.body(), "<link rel=\"stylesheet\" href=\"/shop/theme.css?v="));
  auto css = server_->get("techstore.platform.test", "/shop/theme.css");
  ASSERT_EQ(css.result_int(), 200);
  EXPECT_EQ(css[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(css["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(css.body(), ".hero{border:1px solid #10B981}");
  // Path-based: the stylesheet link keeps the mode.
  auto path_page = server_->get("platform.test", "/stores/techstore/shop/");
  EXPECT_TRUE(contains(path_page.body(), "href=\"/stores/techstore/shop/theme.css?v="));
}

TEST_P(ThemeTest, HostileThemeValuesAreNeutralised) {
  storage::Theme hostile;
  hostile.font_family = "x;}</style><script>alert('font')</script>";
  hostile.logo_url = "javascript:alert('logo')";
  hostile.custom_css =
      "</style><script>alert('css')</script>\n@import url(http://evil.example/x.css);\n"
      "body{background:url(http://evil.example/x.png);color:expression(alert(1))}\n"
      "a{background:url(javascript:alert(1))}\n"
      ".ok{background:url(https://cdn.example/ok.png)}";
  put_theme(orion_, hostile);
  {
    // Colours are checked by the repository and again by the database itself, so a hostile
    // colour cannot even be stored (and the page would not use it: tests/unit/web).
    auto tx = server_->database().begin(storage::TenantScope::admin(orion_));
    ASSERT_TRUE(tx);
    EXPECT_FALSE(tx->run(storage::Sql{"test_hostile_color",
                                      "UPDATE store_themes SET primary_color = $2 "
                                      "WHERE store_id = $1"},
                         {orion_.id, std::string("red;}</style><script>alert(1)</script>")}));
  }
  {
    auto tx = server_->database().begin(storage::TenantScope::admin(orion_));
    ASSERT_TRUE(tx);
    storage::NewProduct product;
    product.name = "<script>alert('name')</script>";
    product.description = "<img src=x onerror=alert(1)>";
    product.price_cents = 100;
    product.image_url = "javascript:alert('image')";
    ASSERT_TRUE(storage::products::create(*tx, product));
    ASSERT_TRUE(tx->commit());
  }
  auto page = server_->get("orion.platform.test", "/shop/products");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const std::string& html = page.body();
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_FALSE(contains(html, "javascript:")) << html;
  EXPECT_FALSE(contains(html, "alert('"));
  EXPECT_FALSE(contains(html, "<img src=x"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&apos;name&apos;)&lt;/script&gt;")) << html;
  EXPECT_TRUE(contains(html, "--primary:#3B82F6"));  // the store's colour, untouched
  EXPECT_TRUE(contains(html, "--font:system-ui"));
  EXPECT_NE(page["Content-Security-Policy"].find("script-src 'none'"), std::string::npos);
  EXPECT_EQ(page["X-Content-Type-Options"], "nosniff");

  auto css = server_->get("orion.platform.test", "/shop/theme.css");
  ASSERT_EQ(css.result_int(), 200);
  for (const char* forbidden : {"<", "@import", "expression(", "javascript:", "http://"}) {
    EXPECT_FALSE(contains(css.body(), forbidden)) << forbidden << " in " << css.body();
  }
  EXPECT_TRUE(contains(css.body(), "url(\"https://cdn.example/ok.png\")")) << css.body();
}

ORION_SERVER_ON_BOTH_BACKENDS(ThemeTest);

}  // namespace
}  // namespace orion

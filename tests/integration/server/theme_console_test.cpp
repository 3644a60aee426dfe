// The dashboard's theme editor and uploads over real sockets, on both backends (issue 5 point
// 3): a saved colour shows on the storefront at once; bad colours, fonts and CSS are refused with
// 422 and nothing saved; the preview renders the storefront's home with unsaved values and the
// store's products; logo and product image uploads land in the store's own folder under a name
// Orion generates, are served from /static/stores/{code}/ and shown on the storefront; files
// that are not PNG/JPEG/GIF/WebP by their bytes are refused whatever their name; oversize is
// 413; staff may upload product images but not touch the theme; every POST needs the CSRF token.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <filesystem>
#include <regex>
#include <string>

#include "storage/products.hpp"
#include "storage/tenant_scope.hpp"
#include "storage/themes.hpp"
#include "storage/users.hpp"
#include "support/console_session.hpp"
#include "support/seed.hpp"
#include "support/test_server.hpp"
#include "web/console/uploads.hpp"

namespace orion {
namespace {

namespace beast_http = boost::beast::http;
using testing::ConsoleSession;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kHost = "platform.test";
constexpr const char* kStoreHost = "alpha.platform.test";
constexpr const char* kPassword = "correct horse battery";
// Small limits, so that the tests can cross them cheaply: any console form fits in the body
// limit, an upload between the two shows that the upload routes get the larger one.
constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr std::uint64_t kUploadLimit = 160 * 1024;

// Real images, as small as their formats allow.
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00"
    "\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf"
    "\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99\x3d\x1d\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60"
    "\x82",
    70);
const std::string kGif(
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
    "\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;",
    43);
const std::string kJpeg(
    "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9", 22);
const std::string kWebp(
    "RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe"
    "\x07\x00",
    34);
const std::string kHtml = "<!doctype html><html><body><script>alert(1)</script></body></html>";
const std::string kSvg =
    "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" "
    "height=\"1\"><script>alert(1)</script></svg>";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string location(const HttpResponse& response) {
  return std::string(response[beast_http::field::location]);
}

// The name part of the first "/static/stores/alpha/<32 hex>.<ext>" URL in `text` ("" if none).
std::string generated_name(const std::string& text, const std::string& ext) {
  std::smatch match;
  const std::regex pattern("/static/stores/alpha/([0-9a-f]{32}\\." + ext + ")");
  return std::regex_search(text, match, pattern) ? match[1].str() : std::string();
}

// A theme form with every field; `changes` replaces some ("name=value", urlencoded).
std::string theme_form(const std::string& changes = {}) {
  std::string form =
      "primary_color=%23ff0000&secondary_color=%23102030&background_color=%23fafafa&"
      "text_color=%23111111&font_family=" +
      encode("Georgia, Cambria, Times New Roman, Times, serif") +
      "&custom_css=" + encode(".hero{border:2px solid #ff0000}");
  if (!changes.empty()) {
    const std::string name = changes.substr(0, changes.find('=') + 1);
    const auto at = form.find(name);
    const auto end = form.find('&', at);
    form.replace(at, end == std::string::npos ? std::string::npos : end - at, changes);
  }
  return form;
}

class ThemeConsoleTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    app::Config config;
    config.body_limit = kBodyLimit;
    config.upload_limit = kUploadLimit;
    server_ = TestServer::start(GetParam(), config);
    ASSERT_TRUE(server_);
    alpha_ = testing::seed_store(server_->database(), "alpha", "Alpha Shop", 3);
    bravo_ = testing::seed_store(server_->database(), "bravo", "Bravo Shop", 1);
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    auto owner = storage::users::create(*tx, "owner@alpha.test", kPassword, false);
    auto staff = storage::users::create(*tx, "staff@alpha.test", kPassword, false);
    ASSERT_TRUE(owner && staff);
    ASSERT_TRUE(
        storage::members::grant(*tx, alpha_.store.id, owner->id, storage::MemberRole::owner));
    ASSERT_TRUE(
        storage::members::grant(*tx, alpha_.store.id, staff->id, storage::MemberRole::staff));
    ASSERT_TRUE(tx->commit());
    owner_ =
        std::make_unique<ConsoleSession>(*server_, "/store/alpha", "owner@alpha.test", kPassword);
    staff_ =
        std::make_unique<ConsoleSession>(*server_, "/store/alpha", "staff@alpha.test", kPassword);
    ASSERT_TRUE(owner_->signed_in()) << owner_->login_response().body();
    ASSERT_TRUE(staff_->signed_in()) << staff_->login_response().body();
  }

  storage::Theme stored_theme() {
    auto tx = server_->database().begin(storage::TenantScope::admin(alpha_.store.snapshot()));
    EXPECT_TRUE(tx);
    auto theme = storage::themes::get(*tx);
    EXPECT_TRUE(theme);
    return theme ? *theme : storage::Theme{};
  }

  std::optional<std::string> image_of(const storage::ProductRecord& product,
                                      const storage::StoreRecord& store) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store.snapshot()));
    EXPECT_TRUE(tx);
    auto found = storage::products::get(*tx, product.id);
    EXPECT_TRUE(found && *found);
    return found && *found ? (*found)->image_url : std::nullopt;
  }

  // The files in the alpha store's folder.
  std::vector<std::string> stored_files() {
    std::vector<std::string> names;
    const auto dir = server_->files_dir() / std::to_string(alpha_.store.id);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  HttpResponse upload_logo(const ConsoleSession& session, const std::string& filename,
                           const std::string& type, const std::string& data) {
    return session.post_multipart("/theme/logo", {}, {{"logo", filename, type, data}});
  }

  // The storefront's home on the platform host (path-based) and on the store's subdomain.
  std::vector<std::string> storefront_homes() {
    return {server_->get(kHost, "/stores/alpha/shop/").body(),
            server_->get(kStoreHost, "/shop/").body()};
  }

  std::unique_ptr<TestServer> server_;
  testing::SeededStore alpha_;
  testing::SeededStore bravo_;
  std::unique_ptr<ConsoleSession> owner_;
  std::unique_ptr<ConsoleSession> staff_;
};

TEST_P(ThemeConsoleTest, TheEditorShowsTheSavedThemeWithItsForms) {
  auto page = owner_->get("/theme");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const std::string& body = page.body();
  EXPECT_TRUE(contains(body, "<form method=\"post\" action=\"/store/alpha/theme\""));
  EXPECT_TRUE(contains(body, "name=\"csrf\" value=\"" + owner_->csrf() + "\""));
  for (const char* field : {"primary_color", "secondary_color", "background_color", "text_color"}) {
    EXPECT_TRUE(
        contains(body, "type=\"color\" id=\"" + std::string(field) + "\" name=\"" + field + "\""))
        << field;
  }
  EXPECT_TRUE(contains(body, "value=\"#3b82f6\"> <code>#3B82F6</code>"));  // the default
  EXPECT_TRUE(contains(body, "<select id=\"font_family\" name=\"font_family\">"));
  EXPECT_TRUE(contains(body, "<option value=\"system-ui\" selected>"));
  EXPECT_TRUE(contains(body, "<textarea id=\"custom_css\" name=\"custom_css\""));
  // The upload's token is in its action: the gate checks it before the body is read.
  EXPECT_TRUE(contains(body, "action=\"/store/alpha/theme/logo?csrf=" + owner_->csrf() +
                                 "\" enctype=\"multipart/form-data\""));
  EXPECT_TRUE(contains(body, "type=\"file\" id=\"logo\" name=\"logo\""));
  EXPECT_TRUE(contains(body, "<iframe name=\"theme-preview\""));
  EXPECT_TRUE(contains(body, "src=\"/store/alpha/theme/preview\""));
  EXPECT_EQ(page["X-Frame-Options"], "DENY");  // the editor itself is never framed
  // The dashboard's navigation links it for an owner.
  EXPECT_TRUE(contains(owner_->get("/").body(), "href=\"/store/alpha/theme\""));
}

TEST_P(ThemeConsoleTest, ASavedColourShowsOnTheStorefrontAtOnce) {
  // The storefront has read (and cached) the default theme.
  for (const auto& home : storefront_homes()) {
    ASSERT_TRUE(contains(home, "--primary:#3B82F6")) << home;
  }
  auto saved = owner_->post("/theme", theme_form());
  ASSERT_EQ(saved.result_int(), 303) << saved.body();
  EXPECT_EQ(location(saved), "/store/alpha/theme?done=saved");

  const storage::Theme theme = stored_theme();
  EXPECT_EQ(theme.primary_color, "#ff0000");
  EXPECT_EQ(theme.secondary_color, "#102030");
  EXPECT_EQ(theme.font_family, "Georgia, Cambria, Times New Roman, Times, serif");
  EXPECT_EQ(theme.custom_css, ".hero{border:2px solid #ff0000}");
  for (const auto& home : storefront_homes()) {
    EXPECT_TRUE(contains(home, "--primary:#ff0000")) << home;
    EXPECT_TRUE(contains(home, "--secondary:#102030"));
    EXPECT_TRUE(contains(home, "--font:Georgia, Cambria, Times New Roman, Times, serif"));
    EXPECT_TRUE(contains(home, "theme.css?v="));
  }
  auto css = server_->get(kHost, "/stores/alpha/shop/theme.css");
  EXPECT_EQ(css.body(), ".hero{border:2px solid #ff0000}");

  auto page = owner_->get("/theme?done=saved");
  EXPECT_TRUE(contains(page.body(), "class=\"notice\" role=\"status\">Theme saved"));
  EXPECT_TRUE(contains(page.body(), "<code>#ff0000</code>"));
  EXPECT_TRUE(contains(page.body(), "selected>Georgia (serif)</option>"));

  // A second change shows as soon, and a textarea's CRLF line ends are kept as LF.
  ASSERT_EQ(owner_
                ->post("/theme", theme_form("primary_color=%2300aa00&custom_css=" +
                                            encode(".a{color:red}\r\n.b{color:blue}")))
                .result_int(),
            303);
  EXPECT_EQ(stored_theme().custom_css, ".a{color:red}\n.b{color:blue}");
  for (const auto& home : storefront_homes()) {
    EXPECT_TRUE(contains(home, "--primary:#00aa00"));
  }
}

TEST_P(ThemeConsoleTest, BadValuesAre422WithTheirMessagesAndNothingIsSaved) {
  const storage::Theme before = stored_theme();
  struct Case {
    std::string change;
    std::string kept;  // the submitted value, as the form shows it again
    std::string message;
  };
  const std::vector<Case> cases = {
      {"primary_color=red", "value=\"red\"", "Use a colour written like #3B82F6"},
      {"text_color=%23ff00zz", "value=\"#ff00zz\"", "Use a colour written like"},
      {"background_color=", "name=\"background_color\" value=\"\"", "Use a colour"},
      {"font_family=" + encode("Arial;}body{display:none"), "Current: Arial;}body{display:none",
       "Choose a font from the list"},
      {"font_family=" + encode("'Comic Sans'"), "Current: &apos;Comic Sans&apos;",
       "Choose a font from the list"},
      {"custom_css=" + encode("@import url(https://evil.test/x.css);"), "@import",
       "Remove &quot;@import&quot;"},
      {"custom_css=" + encode("body{background:url(javascript:alert(1))}"), "javascript",
       "Remove &quot;javascript:&quot;"},
      {"custom_css=" + encode("body{background:url(http://plain.test/a.png)}"),
       "url(http://plain.test/a.png)", "url(&quot;https://...&quot;)"},
      {"custom_css=" + encode("a{color:red} /* hidden */"), "/* hidden */", "Remove the comments"},
      {"custom_css=" + encode("</style><script>alert(1)</script>"), "&lt;/style&gt;&lt;script&gt;",
       "Remove the &apos;&lt;&apos; characters"},
      {"custom_css=" + encode("a{content:\"\\41\"}"), "\\41", "Remove the backslashes"},
      {"custom_css=" + std::string(20001, 'a'), std::string(100, 'a'), "at most 20000"},
  };
  for (const Case& c : cases) {
    auto response = owner_->post("/theme", theme_form(c.change));
    ASSERT_EQ(response.result_int(), 422) << c.change << "\n" << response.body();
    const std::string& body = response.body();
    EXPECT_TRUE(contains(body, "class=\"error notice\"")) << c.change;
    EXPECT_TRUE(contains(body, "class=\"field-error\"")) << c.change;
    EXPECT_TRUE(contains(body, c.kept)) << c.change << "\n" << body;
    EXPECT_TRUE(contains(body, c.message)) << c.change << "\n" << body;
    // The other fields keep what was submitted too.
    EXPECT_TRUE(contains(body, "<code>#102030</code>")) << c.change;
    EXPECT_EQ(stored_theme().primary_color, before.primary_color) << c.change;
    EXPECT_EQ(stored_theme().custom_css, before.custom_css) << c.change;
    EXPECT_EQ(stored_theme().font_family, before.font_family) << c.change;
  }
  // A form without the fields saves nothing either.
  EXPECT_EQ(owner_->post("/theme", "").result_int(), 422);
  EXPECT_EQ(stored_theme().primary_color, before.primary_color);
  for (const auto& home : storefront_homes()) {
    EXPECT_TRUE(contains(home, "--primary:#3B82F6"));
  }
}

TEST_P(ThemeConsoleTest, ThePreviewRendersTheStorefrontWithUnsavedValuesAndTheProducts) {
  auto saved = owner_->get("/theme/preview");
  ASSERT_EQ(saved.result_int(), 200) << saved.body();
  EXPECT_TRUE(contains(saved.body(), "--primary:#3B82F6"));
  EXPECT_TRUE(contains(saved.body(), "Welcome to Alpha Shop"));  // the storefront's home
  for (const auto& product : alpha_.products) {
    EXPECT_TRUE(contains(saved.body(), product.name)) << product.name;
    EXPECT_TRUE(contains(
        saved.body(), "href=\"/stores/alpha/shop/products/" + std::to_string(product.id) + "\""));
  }
  EXPECT_FALSE(contains(saved.body(), "Bravo Shop product"));
  // Framed by the theme page only (same origin), never cached.
  EXPECT_EQ(saved["X-Frame-Options"], "SAMEORIGIN");
  EXPECT_TRUE(contains(std::string(saved["Content-Security-Policy"]), "frame-ancestors 'self'"));
  EXPECT_TRUE(contains(std::string(saved["Content-Security-Policy"]), "script-src 'none'"));
  EXPECT_TRUE(contains(std::string(saved[beast_http::field::cache_control]), "no-store"));

  auto unsaved = owner_->get("/theme/preview?primary_color=%2300ff00&font_family=" +
                             encode("Verdana, Geneva, Tahoma, sans-serif") +
                             "&custom_css=" + encode(".hero{color:#00ff00}"));
  ASSERT_EQ(unsaved.result_int(), 200) << unsaved.body();
  EXPECT_TRUE(contains(unsaved.body(), "--primary:#00ff00"));
  EXPECT_TRUE(contains(unsaved.body(), "--secondary:#1E293B"));  // saved, not in the query
  EXPECT_TRUE(contains(unsaved.body(), "--font:Verdana, Geneva, Tahoma, sans-serif"));
  EXPECT_TRUE(contains(unsaved.body(),
                       "<link rel=\"stylesheet\" href=\"data:text/css;charset=utf-8,.hero%7Bcolor"
                       "%3A%2300ff00%7D\">"));
  EXPECT_TRUE(contains(unsaved.body(), alpha_.products[0].name));
  // Nothing was saved, and the storefront still shows the saved theme.
  EXPECT_EQ(stored_theme().primary_color, "#3B82F6");
  for (const auto& home : storefront_homes()) {
    EXPECT_TRUE(contains(home, "--primary:#3B82F6"));
  }
  // Checked as a save is: a bad value is refused, not previewed.
  auto bad = owner_->get("/theme/preview?primary_color=" + encode("red;}body{x:y"));
  EXPECT_EQ(bad.result_int(), 422);
  EXPECT_TRUE(contains(bad.body(), "Use a colour written like"));
  EXPECT_FALSE(contains(bad.body(), "--primary:red"));
  EXPECT_EQ(owner_->get("/theme/preview?custom_css=" + encode("@import url(https://x.test/a)"))
                .result_int(),
            422);
  // On the store's own host the preview's links stay on that host.
  ConsoleSession on_host(*server_, "/store/alpha", "owner@alpha.test", kPassword, kStoreHost);
  ASSERT_TRUE(on_host.signed_in());
  auto hosted = on_host.get("/theme/preview");
  ASSERT_EQ(hosted.result_int(), 200);
  EXPECT_TRUE(contains(hosted.body(),
                       "href=\"/shop/products/" + std::to_string(alpha_.products[0].id) + "\""));
}

TEST_P(ThemeConsoleTest, AnUploadedLogoIsServedUnderAGeneratedNameAndShownOnTheStorefront) {
  auto uploaded = upload_logo(*owner_, "My Logo.png", "image/png", kPng);
  ASSERT_EQ(uploaded.result_int(), 303) << uploaded.body();
  EXPECT_EQ(location(uploaded), "/store/alpha/theme?done=logo");
  const auto logo = stored_theme().logo_url;
  ASSERT_TRUE(logo);
  const std::string name = generated_name(*logo, "png");
  ASSERT_FALSE(name.empty()) << *logo;
  EXPECT_EQ(*logo, "/static/stores/alpha/" + name);
  EXPECT_EQ(stored_files(), std::vector<std::string>{name});

  for (const char* host : {kHost, kStoreHost}) {
    auto file = server_->get(host, *logo);
    ASSERT_EQ(file.result_int(), 200) << host;
    EXPECT_EQ(file.body(), kPng);
    EXPECT_EQ(file[beast_http::field::content_type], "image/png");
  }
  for (const auto& home : storefront_homes()) {
    EXPECT_TRUE(contains(home, "<img src=\"" + *logo + "\"")) << home;
  }
  auto page = owner_->get("/theme?done=logo");
  EXPECT_TRUE(contains(page.body(), "Logo uploaded"));
  EXPECT_TRUE(contains(page.body(), "<img src=\"" + *logo + "\""));

  // A new logo (whatever the client calls it) replaces the old one, whose file goes away.
  auto replaced = upload_logo(*owner_, "logo.png", "image/png", kGif);
  ASSERT_EQ(replaced.result_int(), 303) << replaced.body();
  const auto gif = stored_theme().logo_url;
  ASSERT_TRUE(gif);
  const std::string gif_name = generated_name(*gif, "gif");
  ASSERT_FALSE(gif_name.empty()) << *gif;
  EXPECT_EQ(server_->get(kHost, *gif)[beast_http::field::content_type], "image/gif");
  EXPECT_EQ(server_->get(kHost, *logo).result_int(), 404);
  EXPECT_EQ(stored_files(), std::vector<std::string>{gif_name});

  // JPEG and WebP are images too.
  ASSERT_EQ(upload_logo(*owner_, "x", "application/octet-stream", kJpeg).result_int(), 303);
  EXPECT_FALSE(generated_name(stored_theme().logo_url.value_or(""), "jpg").empty());
  ASSERT_EQ(upload_logo(*owner_, "x", "", kWebp).result_int(), 303);
  EXPECT_FALSE(generated_name(stored_theme().logo_url.value_or(""), "webp").empty());
  EXPECT_EQ(stored_files().size(), 1U);
}

TEST_P(ThemeConsoleTest, UploadsOverTheBodyLimitWorkOnThePlatformAndTheStoreHost) {
  // Larger than body_limit, within upload_limit: the upload routes get the larger limit.
  const std::string big = kPng + std::string(100 * 1024, '\0');
  ASSERT_GT(big.size(), kBodyLimit);
  auto on_platform = upload_logo(*owner_, "big.png", "image/png", big);
  EXPECT_EQ(on_platform.result_int(), 303) << on_platform.body();
  ConsoleSession on_host(*server_, "/store/alpha", "owner@alpha.test", kPassword, kStoreHost);
  ASSERT_TRUE(on_host.signed_in()) << on_host.login_response().body();
  auto on_store_host = upload_logo(on_host, "big.png", "image/png", big);
  EXPECT_EQ(on_store_host.result_int(), 303) << on_store_host.body();
  const auto logo = stored_theme().logo_url;
  ASSERT_TRUE(logo);
  EXPECT_EQ(server_->get(kStoreHost, *logo).body(), big);
  auto image =
      on_host.post_multipart("/products/" + std::to_string(alpha_.products[0].id) + "/image", {},
                             {{"image", "big.png", "image/png", big}});
  EXPECT_EQ(image.result_int(), 303) << image.body();
  // Every other console form keeps the small limit.
  auto form = owner_->post("/theme", theme_form("custom_css=" + std::string(kBodyLimit, 'a')));
  EXPECT_EQ(form.result_int(), 413);
}

TEST_P(ThemeConsoleTest, FilesThatAreNotImagesByTheirBytesAre422) {
  struct Case {
    std::string filename, type, data;
  };
  for (const Case& c :
       std::vector<Case>{{"logo.png", "image/png", kHtml},
                         {"logo.svg", "image/svg+xml", kSvg},
                         {"logo.png", "image/png", kSvg},
                         {"logo.gif", "image/gif", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"},
                         {"logo.png", "image/png", "just text"}}) {
    auto response = upload_logo(*owner_, c.filename, c.type, c.data);
    EXPECT_EQ(response.result_int(), 422) << c.filename << " " << c.data;
    EXPECT_TRUE(contains(response.body(), "not an image we accept")) << response.body();
    EXPECT_TRUE(contains(response.body(), "class=\"field-error\""));
  }
  auto product =
      staff_->post_multipart("/products/" + std::to_string(alpha_.products[0].id) + "/image", {},
                             {{"image", "photo.jpg", "image/jpeg", kHtml}});
  EXPECT_EQ(product.result_int(), 422);
  EXPECT_TRUE(contains(product.body(), "not an image we accept"));
  // No file part, or an empty one: 422 with a message.
  auto none = owner_->post_multipart("/theme/logo", {}, {});
  EXPECT_EQ(none.result_int(), 422);
  EXPECT_TRUE(contains(none.body(), "Choose an image file"));
  EXPECT_EQ(upload_logo(*owner_, "", "application/octet-stream", "").result_int(), 422);
  EXPECT_EQ(owner_->post_multipart("/theme/logo", {}, {{"other", "a.png", "image/png", kPng}})
                .result_int(),
            422);
  // Nothing was stored or changed.
  EXPECT_TRUE(stored_files().empty());
  EXPECT_FALSE(stored_theme().logo_url);
  EXPECT_FALSE(image_of(alpha_.products[0], alpha_.store));
}

TEST_P(ThemeConsoleTest, AnUploadOverTheLimitIs413) {
  // Just over: refused by the page, with the limit named.
  const std::string over = kPng + std::string(kUploadLimit - kPng.size() + 1, '\0');
  auto page = upload_logo(*owner_, "big.png", "image/png", over);
  EXPECT_EQ(page.result_int(), 413);
  EXPECT_TRUE(contains(page.body(), "at most " + std::to_string(kUploadLimit) + " bytes"));
  // Far over: refused by the server before the body is read.
  const std::string huge = kPng + std::string(2 * kUploadLimit, '\0');
  EXPECT_EQ(upload_logo(*owner_, "huge.png", "image/png", huge).result_int(), 413);
  EXPECT_EQ(staff_
                ->post_multipart("/products/" + std::to_string(alpha_.products[0].id) + "/image",
                                 {}, {{"image", "big.png", "image/png", over}})
                .result_int(),
            413);
  EXPECT_TRUE(stored_files().empty());
  EXPECT_FALSE(stored_theme().logo_url);
}

TEST_P(ThemeConsoleTest, StaffUploadAProductImageThatTheProductPageShows) {
  const storage::ProductRecord& product = alpha_.products[1];
  const std::string path = "/products/" + std::to_string(product.id) + "/image";
  auto uploaded = staff_->post_multipart(path, {}, {{"image", "mug.jpg", "image/jpeg", kJpeg}});
  ASSERT_EQ(uploaded.result_int(), 303) << uploaded.body();
  EXPECT_EQ(location(uploaded), "/store/alpha/products/" + std::to_string(product.id));
  const auto url = image_of(product, alpha_.store);
  ASSERT_TRUE(url);
  const std::string name = generated_name(*url, "jpg");
  ASSERT_FALSE(name.empty()) << *url;
  auto file = server_->get(kHost, *url);
  ASSERT_EQ(file.result_int(), 200);
  EXPECT_EQ(file.body(), kJpeg);
  EXPECT_EQ(file[beast_http::field::content_type], "image/jpeg");
  const std::string product_path = "/shop/products/" + std::to_string(product.id);
  for (const auto& [host, target] :
       {std::pair{kHost, "/stores/alpha" + product_path}, std::pair{kStoreHost, product_path}}) {
    auto page = server_->get(host, target);
    ASSERT_EQ(page.result_int(), 200) << target;
    EXPECT_TRUE(contains(page.body(), "<img src=\"" + *url + "\"")) << page.body();
  }
  // The storefront's product lists show it too.
  EXPECT_TRUE(contains(server_->get(kHost, "/stores/alpha/shop/products").body(), *url));

  // The owner replaces it; the old file goes away.
  auto replaced = owner_->post_multipart(path, {}, {{"image", "mug.png", "image/png", kPng}});
  ASSERT_EQ(replaced.result_int(), 303) << replaced.body();
  const auto png = image_of(product, alpha_.store);
  ASSERT_TRUE(png);
  EXPECT_FALSE(generated_name(*png, "png").empty());
  EXPECT_EQ(server_->get(kHost, *url).result_int(), 404);
  EXPECT_EQ(stored_files().size(), 1U);

  // No such product, or another store's: 404, and no file is left behind.
  for (const std::int64_t id : {std::int64_t{999999}, bravo_.products[0].id}) {
    auto missing = staff_->post_multipart("/products/" + std::to_string(id) + "/image", {},
                                          {{"image", "a.png", "image/png", kPng}});
    EXPECT_EQ(missing.result_int(), 404) << id;
  }
  EXPECT_EQ(staff_->post_multipart("/products/abc/image", {}, {{"image", "a.png", "", kPng}})
                .result_int(),
            404);
  EXPECT_EQ(stored_files().size(), 1U);
  EXPECT_FALSE(image_of(bravo_.products[0], bravo_.store));
}

TEST_P(ThemeConsoleTest, StaffMayNotTouchTheTheme) {
  EXPECT_EQ(staff_->get("/theme").result_int(), 403);
  EXPECT_EQ(staff_->get("/theme/preview").result_int(), 403);
  EXPECT_EQ(staff_->post("/theme", theme_form()).result_int(), 403);
  EXPECT_EQ(upload_logo(*staff_, "logo.png", "image/png", kPng).result_int(), 403);
  EXPECT_FALSE(contains(staff_->get("/").body(), "href=\"/store/alpha/theme\""));
  EXPECT_EQ(stored_theme().primary_color, "#3B82F6");
  EXPECT_FALSE(stored_theme().logo_url);
  // Anonymous: the login page for a page view, 401 for a form.
  EXPECT_EQ(server_->get(kHost, "/store/alpha/theme").result_int(), 302);
  EXPECT_EQ(server_->get(kHost, "/store/alpha/theme/preview").result_int(), 302);
  EXPECT_EQ(server_->post_form(kHost, "/store/alpha/theme", theme_form()).result_int(), 401);
  // Another store's owner is not this store's member.
  auto tx = server_->database().begin_platform();
  ASSERT_TRUE(tx);
  auto other = storage::users::create(*tx, "owner@bravo.test", kPassword, false);
  ASSERT_TRUE(other);
  ASSERT_TRUE(storage::members::grant(*tx, bravo_.store.id, other->id, storage::MemberRole::owner));
  ASSERT_TRUE(tx->commit());
  ConsoleSession bravo(*server_, "/store/bravo", "owner@bravo.test", kPassword);
  ASSERT_TRUE(bravo.signed_in());
  auto foreign =
      server_->get(kHost, "/store/alpha/theme", {{"Cookie", "orion_session=" + bravo.cookie()}});
  EXPECT_NE(foreign.result_int(), 200);
}

TEST_P(ThemeConsoleTest, EveryFormNeedsTheCsrfToken) {
  auto theme = owner_->post_raw("/theme", theme_form());
  EXPECT_EQ(theme.result_int(), 403);
  EXPECT_TRUE(contains(theme.body(), "Form expired"));
  EXPECT_EQ(owner_->post_raw("/theme", theme_form() + "&csrf=wrong").result_int(), 403);
  // A multipart form without the token, and with another one.
  const std::string boundary = "b0undary";
  for (const std::string& csrf_part :
       {std::string(),
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwrong\r\n"}) {
    const std::string body = csrf_part + "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"logo\"; "
                             "filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n" +
                             kPng + "\r\n--" + boundary + "--\r\n";
    for (const std::string& target :
         {std::string("/store/alpha/theme/logo"),
          "/store/alpha/products/" + std::to_string(alpha_.products[0].id) + "/image"}) {
      auto response =
          server_->request(beast_http::verb::post, kHost, target, body,
                           {{"Cookie", "orion_session=" + owner_->cookie()},
                            {"Content-Type", "multipart/form-data; boundary=" + boundary}});
      EXPECT_EQ(response.result_int(), 403) << target;
    }
  }
  EXPECT_EQ(stored_theme().primary_color, "#3B82F6");
  EXPECT_FALSE(stored_theme().logo_url);
  EXPECT_FALSE(image_of(alpha_.products[0], alpha_.store));
  EXPECT_TRUE(stored_files().empty());
}

// Issue 14 point 10: an upload is judged on its head. Sends the head of a multipart upload of
// `length` bytes to `target` on a raw socket, without its body, and reads what comes back
// before the body is sent; `closed` says whether the server then closed the connection.
struct HeadOnly {
  std::string reply;
  bool closed = false;
};
HeadOnly upload_head_only(const TestServer& server, const std::string& target, std::size_t length,
                          const std::string& extra_fields) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string head = "POST " + target + " HTTP/1.1\r\nHost: " + kHost +
                           "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
                           "Content-Length: " +
                           std::to_string(length) + "\r\n" + extra_fields + "\r\n";
  asio::write(socket, asio::buffer(head));
  // The answer must come without the body: the server would wait read_timeout (10 s) for it.
  timeval tv{3, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  HeadOnly out;
  char chunk[4096];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    out.reply.append(chunk, n);
    if (ec) {
      out.closed = ec == asio::error::eof || ec == asio::error::connection_reset;
      return out;
    }
  }
}

TEST_P(ThemeConsoleTest, AnUploadIsRefusedOnItsHeadBeforeItsBodyIsRead) {
  const std::string logo = "/store/alpha/theme/logo";
  const std::string image =
      "/store/alpha/products/" + std::to_string(alpha_.products[0].id) + "/image";
  const std::string owner_cookie = "Cookie: orion_session=" + owner_->cookie() + "\r\n";
  const std::string staff_cookie = "Cookie: orion_session=" + staff_->cookie() + "\r\n";
  struct Case {
    std::string what, target, fields;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"no session", logo, "", 401},
           {"no session", image, "", 401},
           {"a session that is not one", logo,
            "Cookie: orion_session=" + std::string(64, 'a') + "\r\n", 401},
           {"no CSRF token in the head", logo, owner_cookie, 403},
           {"a wrong CSRF token in the head", logo + "?csrf=" + std::string(32, '0'), owner_cookie,
            403},
           {"a wrong X-CSRF-Token", image, staff_cookie + "X-CSRF-Token: wrong\r\n", 403},
           {"staff on the logo", logo + "?csrf=" + staff_->csrf(), staff_cookie, 403},
       }) {
    // Within the upload limit (the server would wait for it) and far over it (auth comes first).
    for (const std::size_t length : {std::size_t{100 * 1024}, std::size_t{5 * 1024 * 1024}}) {
      const HeadOnly answer = upload_head_only(*server_, c.target, length, c.fields);
      EXPECT_TRUE(answer.reply.starts_with("HTTP/1.1 " + std::to_string(c.status)))
          << c.what << " " << length << ": " << answer.reply.substr(0, 200);
      EXPECT_TRUE(contains(answer.reply, "Connection: close")) << c.what;
      EXPECT_TRUE(answer.closed) << c.what << ": the connection stayed open";
    }
  }
  EXPECT_TRUE(stored_files().empty());
  // With the session and its token in the head, the head passes and the body is awaited: over
  // the limit it is refused 413 unread, within it (ConsoleSession sends the token as
  // X-CSRF-Token) the upload works.
  const HeadOnly over =
      upload_head_only(*server_, logo + "?csrf=" + owner_->csrf(), 5 * 1024 * 1024, owner_cookie);
  EXPECT_TRUE(over.reply.starts_with("HTTP/1.1 413")) << over.reply.substr(0, 200);
  auto uploaded = upload_logo(*owner_, "logo.png", "image/png", kPng);
  EXPECT_EQ(uploaded.result_int(), 303) << uploaded.body();
}

// The browser's way: the upload forms' actions carry the token, and posting the form (its
// multipart body has no csrf field) to that action works.
TEST_P(ThemeConsoleTest, TheUploadFormsCarryTheirTokenInTheirAction) {
  const std::regex action("action=\"([^\"]*/theme/logo\\?csrf=[0-9a-f]+)\"");
  std::smatch found;
  const std::string page = owner_->get("/theme").body();
  ASSERT_TRUE(std::regex_search(page, found, action)) << page;
  const std::string target = found[1];
  const std::string boundary = "b0undary";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"logo\"; "
                           "filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n" +
                           kPng + "\r\n--" + boundary + "--\r\n";
  auto response = server_->request(beast_http::verb::post, kHost, target, body,
                                   {{"Cookie", "orion_session=" + owner_->cookie()},
                                    {"Content-Type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(response.result_int(), 303) << response.body();
  EXPECT_TRUE(stored_theme().logo_url);
  const std::string product_page =
      owner_->get("/products/" + std::to_string(alpha_.products[0].id)).body();
  EXPECT_TRUE(contains(product_page, "/image?csrf=" + owner_->csrf() + "\""));
}

ORION_SERVER_ON_BOTH_BACKENDS(ThemeConsoleTest);

// The upload limit is the two upload routes' own (issue 16: not found by a second parser of the
// target): those routes take the upload limit and defer their body to the console's gate; every
// other route keeps the router's body limit and has its body read before its handler.
TEST(UploadRoutes, OnlyTheTwoUploadFormsTakeTheUploadLimitAndDeferTheirBody) {
  auto server = TestServer::start(storage::Backend::sqlite, [] {
    app::Config config;
    config.body_limit = kBodyLimit;
    config.upload_limit = kUploadLimit;
    return config;
  }());
  ASSERT_TRUE(server);
  const auto& router = server->app().router();
  EXPECT_EQ(router.body_limit(), kBodyLimit);
  int uploads = 0;
  for (const http::Route& route : router.routes()) {
    const bool upload = route.context == core::ContextType::store_dashboard &&
                        route.method == beast_http::verb::post &&
                        (route.pattern == "/theme/logo" || route.pattern == "/products/{id}/image");
    uploads += upload ? 1 : 0;
    EXPECT_EQ(route.body.limit, upload ? kUploadLimit + web::console::kUploadFormOverhead : 0U)
        << route.pattern;
    EXPECT_EQ(route.body.deferred, upload) << route.pattern;
  }
  EXPECT_EQ(uploads, 2);
}

}  // namespace
}  // namespace orion

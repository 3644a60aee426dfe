// A store's theme in its dashboard (owners and admins): the editor (GET/POST /theme), the
// storefront's home page rendered with the saved or the unsaved theme (GET /theme/preview), the
// logo upload (POST /theme/logo); and the product image upload (POST /products/{id}/image, staff
// too). Every value is checked with the storefront's own rules (web/shop/theme_view.hpp), so
// what the editor accepts is exactly what the storefront shows; the custom CSS is refused when
// the storefront's sanitiser would change it, rather than silently changed later.
#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "http/query.hpp"
#include "storage/products.hpp"
#include "storage/themes.hpp"
#include "web/console/console.hpp"
#include "web/console/uploads.hpp"
#include "web/shop/shop_support.hpp"
#include "web/shop/theme_view.hpp"
#include "web/templates.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = beast_http::verb;

constexpr std::size_t kMaxCss = 20000;        // what storage::themes keeps
constexpr std::int64_t kPreviewProducts = 8;  // as many as the storefront's home shows

// The storefront's page policy (web/shop/shop_support.cpp), except that the dashboard's theme
// page may frame it, and that unsaved custom CSS arrives as a data: stylesheet.
constexpr std::string_view kPreviewPolicy =
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline' data:; "
    "img-src 'self' https: data:; font-src 'self' https:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'";

struct Colour {
  const char* field;
  const char* label;
  std::string storage::Theme::*member;
};
constexpr std::array<Colour, 4> kColours = {{
    {"primary_color", "Primary (links, buttons, prices)", &storage::Theme::primary_color},
    {"secondary_color", "Secondary (header)", &storage::Theme::secondary_color},
    {"background_color", "Background", &storage::Theme::background_color},
    {"text_color", "Text", &storage::Theme::text_color},
}};

// Font stacks every visitor's system has something of; only letters, digits, spaces, commas
// and hyphens, which is what the storefront lets into its style.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kFonts = {{
    {"system-ui", "System (default)"},
    {"system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
     "Modern sans-serif"},
    {"Helvetica Neue, Helvetica, Arial, sans-serif", "Helvetica / Arial"},
    {"Verdana, Geneva, Tahoma, sans-serif", "Verdana"},
    {"Trebuchet MS, Lucida Grande, sans-serif", "Trebuchet"},
    {"Georgia, Cambria, Times New Roman, Times, serif", "Georgia (serif)"},
    {"Palatino Linotype, Palatino, Book Antiqua, serif", "Palatino (serif)"},
    {"ui-monospace, Menlo, Consolas, Liberation Mono, monospace", "Monospace"},
}};

constexpr std::array<std::string_view, 6> kForbiddenCss = {
    "@import", "expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding"};

// What a submitted theme got wrong, by field.
struct Problems {
  std::vector<std::pair<std::string, std::string>> fields;

  void add(std::string field, std::string message) {
    fields.emplace_back(std::move(field), std::move(message));
  }
  [[nodiscard]] const std::string* of(std::string_view field) const {
    for (const auto& [name, message] : fields) {
      if (name == field) {
        return &message;
      }
    }
    return nullptr;
  }
  [[nodiscard]] bool empty() const noexcept { return fields.empty(); }
};

bool contains_ci(std::string_view text, std::string_view needle) {
  const auto lower = [](char c) { return core::text::to_lower(c); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// CSS compared the way the sanitiser's own rewriting does not matter: it re-quotes url()
// targets and trims, so quotes, whitespace and case are left out.
std::string css_key(std::string_view css) {
  std::string key;
  key.reserve(css.size());
  for (const char c : css) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '"' && c != '\'') {
      key.push_back(core::text::to_lower(c));
    }
  }
  return key;
}

// Why the storefront would not serve `css` as written (none when it would). `css` has LF line
// ends (a browser sends a textarea's with CRLF; see normalised_css).
std::optional<std::string> css_problem(std::string_view css) {
  if (css.size() > kMaxCss) {
    return "Custom CSS may have at most 20000 characters (20 KB); this has " +
           std::to_string(css.size()) + ".";
  }
  if (css.find("/*") != std::string_view::npos) {
    return std::string("Remove the comments (/* ... */): the storefront does not keep them.");
  }
  if (css.find('\\') != std::string_view::npos) {
    return std::string("Remove the backslashes: CSS escapes are not allowed.");
  }
  if (css.find('<') != std::string_view::npos) {
    return std::string("Remove the '<' characters: they are not allowed in custom CSS.");
  }
  if (std::any_of(css.begin(), css.end(),
                  [](char c) { return core::text::is_control(c) && c != '\n' && c != '\t'; })) {
    return std::string("Remove the control characters.");
  }
  for (const std::string_view token : kForbiddenCss) {
    if (contains_ci(css, token)) {
      return "Remove \"" + std::string(token) + "\": the storefront does not allow it.";
    }
  }
  // Whatever else the storefront's sanitiser would take out.
  if (css_key(shop::sanitize_custom_css(css)) != css_key(css)) {
    if (contains_ci(css, "url(")) {
      return std::string(
          "Images in custom CSS must be url(\"https://...\") addresses, without spaces, quotes "
          "or parentheses inside.");
    }
    return std::string("The storefront would change this CSS: remove what it does not allow.");
  }
  return std::nullopt;
}

std::string normalised_css(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  for (std::size_t i = 0; i < css.size(); ++i) {
    if (css[i] == '\r') {
      if (i + 1 < css.size() && css[i + 1] == '\n') {
        continue;
      }
      out.push_back('\n');
      continue;
    }
    out.push_back(css[i]);
  }
  return out;
}

// The theme `base` with what `value(field)` submits in its place, each value checked as the
// storefront checks it; what fails goes to `problems` and keeps the submitted text in `theme`
// (for the form). `value` gives none for a field that was not submitted (keeps base's).
template <class Value>
storage::Theme submitted_theme(const storage::Theme& base, const Value& value, Problems& problems) {
  storage::Theme theme = base;
  for (const Colour& colour : kColours) {
    const std::optional<std::string> text = value(colour.field);
    if (!text) {
      continue;
    }
    const std::string trimmed(core::text::trim(*text));
    theme.*colour.member = trimmed;
    if (!is_hex_colour(trimmed)) {
      problems.add(colour.field, "Use a colour written like #3B82F6.");
    }
  }
  if (const auto font = value("font_family")) {
    const std::string trimmed(core::text::trim(*font));
    theme.font_family = trimmed;
    if (!is_safe_font(trimmed) || !shop::safe_font_family(trimmed)) {
      problems.add("font_family",
                   "Choose a font from the list (letters, digits, spaces, commas and hyphens "
                   "only).");
    }
  }
  if (const auto css = value("custom_css")) {
    theme.custom_css = normalised_css(*css);
    if (auto problem = css_problem(theme.custom_css)) {
      problems.add("custom_css", std::move(*problem));
    }
  }
  return theme;
}

struct Saved {
  storage::Theme theme;
  std::vector<storage::ProductRecord> products;
};

// Blocking: the store's theme as stored (not the cache's copy), and for the preview its
// products as the storefront's home lists them.
core::Result<Saved> load(const Services& s, const Visit& visit, bool with_products) {
  auto tx = s.database.begin(*visit.scope.tenant);
  if (!tx) {
    return tx.error();
  }
  auto theme = storage::themes::get(*tx);
  if (!theme) {
    return theme.error();
  }
  Saved saved{std::move(*theme), {}};
  if (with_products) {
    auto products = storage::products::list(*tx, storage::Page{kPreviewProducts, 0}, true);
    if (!products) {
      return products.error();
    }
    saved.products = std::move(*products);
  }
  return saved;
}

// What the theme page shows above the form.
struct Messages {
  Problems problems;
  std::string logo_error;
  std::string notice;
};

Response theme_page(const Console& console, const RequestContext& context, const Visit& visit,
                    Status status, const storage::Theme& theme, const Messages& messages) {
  Data data = console.page_data(context, visit, "Theme");
  data.set("action", visit.url("/theme"));
  data.set("logo_action", visit.url("/theme/logo"));
  data.set("preview_url", visit.url("/theme/preview"));
  data.set("shop_url", Console::shop_url(context));
  data.set("upload_limit", std::to_string(console.services().upload_limit / (1024 * 1024)) + " MB");
  if (!messages.notice.empty()) {
    data.set("notice", messages.notice);
  }
  Data errors{Data::type::list};
  for (const auto& [field, message] : messages.problems.fields) {
    errors.push_back(Data("message", message));
  }
  if (!messages.logo_error.empty()) {
    errors.push_back(Data("message", messages.logo_error));
    data.set("logo_error", messages.logo_error);
  }
  data.set("errors", errors);
  data.set("has_errors", !messages.problems.empty() || !messages.logo_error.empty());

  Data colours{Data::type::list};
  for (const Colour& colour : kColours) {
    const std::string& value = theme.*colour.member;
    Data item;
    item.set("field", colour.field);
    item.set("label", colour.label);
    item.set("value", value);
    // A colour picker can only hold a valid colour: an invalid one is shown as text to fix.
    item.set("is_colour", is_hex_colour(value));
    if (is_hex_colour(value)) {
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), core::text::to_lower);
      item.set("picker_value", lower);
    }
    if (const std::string* problem = messages.problems.of(colour.field)) {
      item.set("error", *problem);
    }
    colours.push_back(item);
  }
  data.set("colours", colours);

  Data fonts{Data::type::list};
  bool listed = false;
  for (const auto& [stack, label] : kFonts) {
    Data item;
    item.set("value", std::string(stack));
    item.set("label", std::string(label));
    item.set("selected", stack == theme.font_family);
    listed = listed || stack == theme.font_family;
    fonts.push_back(item);
  }
  if (!listed) {
    // A font set through the API (or a rejected submission): kept as the current choice.
    Data item;
    item.set("value", theme.font_family);
    item.set("label", "Current: " + theme.font_family);
    item.set("selected", true);
    fonts.push_back(item);
  }
  data.set("fonts", fonts);
  if (const std::string* problem = messages.problems.of("font_family")) {
    data.set("font_error", *problem);
  }
  data.set("custom_css", theme.custom_css);
  if (const std::string* problem = messages.problems.of("custom_css")) {
    data.set("css_error", *problem);
  }
  if (theme.logo_url) {
    if (auto logo = shop::safe_asset_url(*theme.logo_url)) {
      data.set("logo_url", *logo);
    }
  }
  return console.render(status, "console/theme", data);
}

std::string notice_of(const RequestContext& context) {
  const auto done = http::query_param(context.resolution->query, "done").value_or("");
  if (done == "saved") {
    return "Theme saved: the shop shows it now.";
  }
  if (done == "logo") {
    return "Logo uploaded: the shop shows it now.";
  }
  return {};
}

// ---------------------------------------------------------------------------------------------

asio::awaitable<Response> show_theme(const Console& console, Request&, RequestContext& context,
                                     const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  auto saved = co_await console.blocking([&s, &visit] { return load(s, visit, false); });
  if (!saved) {
    co_return console.failure(context, visit, saved.error());
  }
  co_return theme_page(console, context, visit, Status::ok, saved->theme,
                       Messages{{}, {}, notice_of(context)});
}

asio::awaitable<Response> save_theme(const Console& console, Request&, RequestContext& context,
                                     const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  const http::Form& form = visit.form;
  Problems problems;
  // The fields start from the defaults so that a field left out is an error, not "unchanged".
  const auto value = [&form](std::string_view field) {
    return std::optional<std::string>(form.text(field));
  };
  const storage::Theme submitted = submitted_theme(storage::Theme{}, value, problems);
  if (!problems.empty()) {
    auto saved = co_await console.blocking([&s, &visit] { return load(s, visit, false); });
    if (!saved) {
      co_return console.failure(context, visit, saved.error());
    }
    storage::Theme shown = submitted;
    shown.logo_url = saved->theme.logo_url;
    co_return theme_page(console, context, visit, Status::unprocessable_entity, shown,
                         Messages{std::move(problems), {}, {}});
  }
  auto stored = co_await console.blocking([&s, &visit, &submitted]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    auto current = storage::themes::get(*tx);
    if (!current) {
      return current.error();
    }
    storage::Theme theme = submitted;
    theme.logo_url = current->logo_url;  // the logo has its own form
    if (auto put = storage::themes::put(*tx, theme); !put) {
      return put.error();
    }
    return tx->commit();
  });
  if (!stored) {
    co_return console.failure(context, visit, stored.error());
  }
  co_return redirect(Status::see_other, visit.url("/theme?done=saved"));
}

// The storefront's home page of this store with the saved theme, or with the unsaved values
// the query carries (checked as a save checks them), for the theme page's preview frame.
asio::awaitable<Response> preview(const Console& console, Request&, RequestContext& context,
                                  const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  auto saved = co_await console.blocking([&s, &visit] { return load(s, visit, true); });
  if (!saved) {
    co_return console.failure(context, visit, saved.error());
  }
  const std::string& query = context.resolution->query;
  Problems problems;
  const auto value = [&query](std::string_view field) { return http::query_param(query, field); };
  const storage::Theme theme = submitted_theme(saved->theme, value, problems);
  if (!problems.empty()) {
    std::string message;
    for (const auto& [field, text] : problems.fields) {
      message += (message.empty() ? "" : " ") + field + ": " + text;
    }
    Response refused = console.error_page(context, visit.scope, Status::unprocessable_entity,
                                          "This theme cannot be previewed", message, visit.who);
    refused.set("X-Frame-Options", "SAMEORIGIN");
    refused.set("Content-Security-Policy", "frame-ancestors 'self'");
    co_return refused;
  }

  // The storefront's own page data, as if the request had come to the shop in the mode this
  // dashboard was reached by, with the theme under preview.
  RequestContext shop_context;
  shop_context.request_id = context.request_id;
  shop_context.peer = context.peer;
  core::Resolution r = *context.resolution;
  r.context = core::ContextType::shop;
  r.base_path = r.mode == core::DetectionMode::path_based ? "/stores/" + r.store->code : "";
  r.clean_path = "/shop/";
  r.query.clear();
  shop_context.resolution = std::move(r);
  shop_context.theme = std::make_shared<const storage::Theme>(theme);
  const core::Resolution& shop = *shop_context.resolution;

  shop::mustache::data data = shop::page_data(shop_context, "Home");
  if (theme.custom_css != saved->theme.custom_css) {
    // Not saved yet, so not at the shop's theme.css: the sanitised CSS travels in the page.
    const std::string css = shop::sanitize_custom_css(theme.custom_css);
    data.set("theme",
             shop::theme_data(theme, "data:text/css;charset=utf-8," +
                                         boost::urls::encode(css, boost::urls::unreserved_chars)));
  }
  shop::mustache::data list{shop::mustache::data::type::list};
  for (const auto& product : saved->products) {
    list.push_back(shop::product_data(shop, product));
  }
  data.set("products", list);
  data.set("has_products", !saved->products.empty());
  Response response = shop::render_page(s, Status::ok, "shop/home", data, true);
  response.set("Content-Security-Policy", kPreviewPolicy);
  response.set("X-Frame-Options", "SAMEORIGIN");
  co_return response;
}

// The upload checks both forms share; none when the form's `field` carries an image that is not
// too large, else the page to answer with.
std::optional<Response> refused_upload(const Console& console, const RequestContext& context,
                                       const Visit& visit, const http::FormFile* file) {
  if (file == nullptr) {
    return console.error_page(context, visit.scope, Status::unprocessable_entity,
                              "No file uploaded", "Choose an image file to upload.", visit.who);
  }
  const std::uint64_t limit = console.services().upload_limit;
  if (file->data.size() > limit) {
    return console.error_page(context, visit.scope, Status::payload_too_large, "File too large",
                              "An image may have at most " + std::to_string(limit) +
                                  " bytes; this one has " + std::to_string(file->data.size()) + ".",
                              visit.who);
  }
  return std::nullopt;
}

asio::awaitable<Response> upload_logo(const Console& console, Request&, RequestContext& context,
                                      const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  const http::FormFile* file = visit.form.file("logo");
  std::string problem;
  Status status = Status::unprocessable_entity;
  if (file == nullptr) {
    problem = "Choose an image file to upload as the logo.";
  } else if (file->data.size() > s.upload_limit) {
    status = Status::payload_too_large;
    problem = "The logo may have at most " + std::to_string(s.upload_limit) +
              " bytes; this file has " + std::to_string(file->data.size()) + ".";
  } else {
    const std::string code = context.resolution->store->code;
    auto stored = co_await console.blocking([&s, &visit, &code, file] {
      return store_image(s, *visit.scope.tenant, code, *file,
                         [](storage::TenantTransaction& tx,
                            const std::string& url) -> core::Result<std::optional<std::string>> {
                           auto theme = storage::themes::get(tx);
                           if (!theme) {
                             return theme.error();
                           }
                           std::optional<std::string> previous = theme->logo_url;
                           theme->logo_url = url;
                           if (auto put = storage::themes::put(tx, *theme); !put) {
                             return put.error();
                           }
                           return previous;
                         });
    });
    if (stored) {
      co_return redirect(Status::see_other, visit.url("/theme?done=logo"));
    }
    if (stored.error().code != core::Errc::invalid_input) {
      co_return console.failure(context, visit, stored.error());
    }
    problem = stored.error().message;
  }
  auto saved = co_await console.blocking([&s, &visit] { return load(s, visit, false); });
  if (!saved) {
    co_return console.failure(context, visit, saved.error());
  }
  co_return theme_page(console, context, visit, status, saved->theme,
                       Messages{{}, std::move(problem), {}});
}

asio::awaitable<Response> upload_product_image(const Console& console, Request&,
                                               RequestContext& context, const RouteParams& params,
                                               Visit& visit) {
  const Services& s = console.services();
  const auto id = shop::parse_id(params.get("id"));
  if (!id) {
    co_return console.error_page(context, visit.scope, Status::not_found, "No such product",
                                 "This store has no such product.", visit.who);
  }
  if (auto refused = refused_upload(console, context, visit, visit.form.file("image"))) {
    co_return std::move(*refused);
  }
  const std::string code = context.resolution->store->code;
  const http::FormFile& file = *visit.form.file("image");
  const std::int64_t product_id = *id;
  auto stored = co_await console.blocking([&s, &visit, &code, &file, product_id] {
    return store_image(
        s, *visit.scope.tenant, code, file,
        [product_id](storage::TenantTransaction& tx,
                     const std::string& url) -> core::Result<std::optional<std::string>> {
          auto product = storage::products::get(tx, product_id);
          if (!product) {
            return product.error();
          }
          if (!*product) {
            return core::make_error(core::Errc::not_found, "This store has no such product.");
          }
          storage::ProductChanges changes;
          changes.image_url = std::optional<std::string>(url);
          if (auto updated = storage::products::update(tx, product_id, changes); !updated) {
            return updated.error();
          }
          return (*product)->image_url;
        });
  });
  if (!stored) {
    if (stored.error().code == core::Errc::invalid_input) {
      co_return console.error_page(context, visit.scope, Status::unprocessable_entity,
                                   "Image not accepted", stored.error().message, visit.who);
    }
    co_return console.failure(context, visit, stored.error());
  }
  co_return redirect(Status::see_other, visit.url("/products/" + std::to_string(product_id)));
}

}  // namespace

void add_theme_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/theme", gated(console, Role::owner, &show_theme));
  router.add(dashboard, verb::post, "/theme", gated(console, Role::owner, &save_theme));
  router.add(dashboard, verb::get, "/theme/preview", gated(console, Role::owner, &preview));
  router.add(dashboard, verb::post, "/theme/logo", gated_upload(console, Role::owner, &upload_logo),
             upload_body(console->services()));
  router.add(dashboard, verb::post, "/products/{id}/image",
             gated_upload(console, Role::staff, &upload_product_image),
             upload_body(console->services()));
}

}  // namespace orion::web::console

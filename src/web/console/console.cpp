#include "web/console/console.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>
#include <ctime>

#include "http/error_status.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "storage/secrets.hpp"
#include "web/templates.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;
using verb = beast_http::verb;

// The console's base path: "/admin" or "/store/{code}" (home_url without its slash).
std::string_view base_of(const Scope& scope) {
  std::string_view home = scope.home_url;
  if (home.ends_with('/')) {
    home.remove_suffix(1);
  }
  return home;
}

// The store's colours and font for its dashboard, each checked again here (the layout puts them
// inside <style>). The dashboard takes neither the store's custom CSS nor its logo URL: a store
// must not be able to restyle the login form of its own console.
Data console_theme(const storage::Theme& theme) {
  const storage::Theme fallback;
  const auto colour = [](const std::string& value, const std::string& otherwise) {
    return is_hex_colour(value) ? value : otherwise;
  };
  Data data;
  data.set("primary", colour(theme.primary_color, fallback.primary_color));
  data.set("secondary", colour(theme.secondary_color, fallback.secondary_color));
  data.set("background", colour(theme.background_color, fallback.background_color));
  data.set("text", colour(theme.text_color, fallback.text_color));
  data.set("font", is_safe_font(theme.font_family) ? theme.font_family : fallback.font_family);
  return data;
}

}  // namespace

std::string Visit::url(std::string_view path) const {
  std::string url(base_of(scope));
  url += path;
  return url;
}

bool reads(const Request& request) {
  return request.method() == verb::get || request.method() == verb::head;
}

// Console pages are private and never framed (the login form is a clickjacking target).
Response html(Status status, std::string body) {
  Response response = http::make_response(status, std::move(body), "text/html; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  return response;
}

Response redirect(Status status, const std::string& location) {
  Response response = http::make_response(status, {}, "text/plain");
  response.set(beast_http::field::location, location);
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

Response anonymous(const Request& request, const Scope& scope) {
  if (reads(request)) {
    return redirect(Status::found, scope.login_url);
  }
  return http::json_error(Status::unauthorized, "unauthorized",
                          "sign in at " + scope.login_url + " first");
}

bool is_hex_colour(std::string_view text) {
  if (text.size() != 7 || text.front() != '#') {
    return false;
  }
  for (char c : text.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool is_safe_font(std::string_view text) {
  if (text.empty() || text.size() > 100) {
    return false;
  }
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == ',' || c == '-' || c == '\'';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string money(std::int64_t cents, const std::string& currency) {
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / 100);
  text += '.';
  const auto rest = magnitude % 100;
  text += static_cast<char>('0' + rest / 10);
  text += static_cast<char>('0' + rest % 10);
  return text + " " + currency;
}

std::string utc_time(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char text[32];
  const std::size_t size = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return std::string(text, size);
}

Data Console::page_data(const RequestContext& context, const Scope& scope, std::string title,
                        const std::optional<SignedIn>& signed_in) const {
  Data data;
  const core::Resolution& r = *context.resolution;
  data.set("title", std::move(title));
  data.set("context", "console");
  data.set("console_style", true);
  data.set("home_url", scope.home_url);
  data.set("is_admin_console", scope.kind == "admin");
  if (scope.kind == "admin") {
    data.set("site_name", "Orion admin");
  } else {
    data.set("site_name", r.store->name());
    data.set("store_code", r.store->code);
    if (context.theme) {
      data.set("theme", console_theme(*context.theme));
    }
  }
  Data nav{Data::type::list};
  if (signed_in) {
    const std::string base(base_of(scope));
    const auto link = [&nav, &base](std::string_view path, std::string label) {
      Data item;
      item.set("href", base + std::string(path));
      item.set("label", std::move(label));
      nav.push_back(item);
    };
    if (scope.kind == "admin") {
      link("/", "Overview");
      link("/stores", "Stores");
      link("/domains", "Domains");
      link("/users", "Users");
      link("/tokens", "API tokens");
    } else {
      link("/", "Dashboard");
      link("/products", "Products");
      link("/orders", "Orders");
      if (signed_in->role >= Role::owner) {
        link("/theme", "Theme");
        link("/domains", "Domains");
        link("/members", "Members");
        link("/tokens", "API tokens");
      }
    }
    link("/account", "Account");
    if (scope.kind == "store") {
      Data shop;
      shop.set("href", shop_url(context));
      shop.set("label", "View shop");
      nav.push_back(shop);
    }
    data.set("signed_in", true);
    data.set("user_email", signed_in->user.email);
    data.set("user_role", std::string(to_string(signed_in->role)));
    data.set("is_owner", signed_in->role >= Role::owner);
    data.set("is_admin", signed_in->role == Role::admin);
    data.set("logout_url", scope.logout_url);
    data.set("csrf", signed_in->session.csrf_token);
  }
  data.set("nav", nav);
  data.set("footer", scope.kind == "admin" ? "Orion platform administration"
                                           : r.store->name() + " dashboard");
  return data;
}

Response Console::render(Status status, const std::string& template_name, const Data& data) const {
  return html(status, s_.templates.render(template_name, data));
}

std::string Console::shop_url(const RequestContext& context) {
  const core::Resolution& r = *context.resolution;
  if (r.mode == core::DetectionMode::path_based) {
    return "/stores/" + r.store->code + "/shop/";
  }
  return "/shop/";
}

std::string Console::platform_origin(const Request& request, const RequestContext& context) const {
  if (context.resolution->role == core::HostRole::platform) {
    return {};
  }
  std::string origin = context.peer.tls ? "https://" : "http://";
  origin += s_.platform.domain();
  const std::string_view host = request[beast_http::field::host];
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
    origin += host.substr(colon);
  }
  return origin;
}

Response Console::error_page(const RequestContext& context, const std::optional<Scope>& scope,
                             Status status, std::string heading, std::string message,
                             const std::optional<SignedIn>& signed_in) const {
  Data data;
  if (scope) {
    data = page_data(context, *scope, heading, signed_in);
  } else {
    data.set("title", heading);
    data.set("site_name", "Orion");
    data.set("home_url", "/");
    data.set("context", "console");
    data.set("console_style", true);
  }
  data.set("status", std::to_string(static_cast<unsigned>(status)));
  data.set("heading", std::move(heading));
  data.set("message", std::move(message));
  data.set("request_id", context.request_id);
  return html(status, s_.templates.render("console/error", data));
}

Response Console::failure(const RequestContext& context, const std::optional<Scope>& scope,
                          const core::Error& error,
                          const std::optional<SignedIn>& signed_in) const {
  const Status status = http::status_of(error.code);
  if (status == Status::internal_server_error || status == Status::service_unavailable) {
    s_.log->error("request {}: console: {}", context.request_id, error.message);
    return error_page(context, scope, status, "Something went wrong",
                      "Please try again in a moment. Request id: " + context.request_id, signed_in);
  }
  return error_page(context, scope, status, "That did not work", error.message, signed_in);
}

Response Console::no_such_store(const RequestContext& context) const {
  return error_page(context, std::nullopt, Status::not_found, "Store not found",
                    "There is no store at this address.");
}

asio::awaitable<core::Result<std::optional<SignedIn>>> Console::signed_in(
    const Request& request, const Scope& scope) const {
  auto cookies = cookie_values(request, kSessionCookie);
  if (cookies.empty()) {
    co_return std::optional<SignedIn>{};
  }
  co_return co_await http::offload(s_.blocking, [this, &scope, &cookies] {
    return find_signed_in(s_.database, scope, cookies);
  });
}

asio::awaitable<Entry> Console::enter(Request& request, RequestContext& context, Role need,
                                      bool body_deferred) const {
  auto scope = scope_of(context);
  if (!scope) {
    co_return no_such_store(context);
  }
  auto who = co_await signed_in(request, *scope);
  if (!who) {
    co_return failure(context, scope, who.error());
  }
  if (!*who) {
    co_return anonymous(request, *scope);
  }
  if ((*who)->role < need) {
    co_return error_page(
        context, scope, Status::forbidden, "Not allowed",
        "Your role (" + std::string(to_string((*who)->role)) + ") may not use this page.", *who);
  }
  Visit visit{std::move(*scope), std::move(**who), {}};
  if (reads(request)) {
    co_return visit;
  }
  const auto expired = [&] {
    return error_page(context, visit.scope, Status::forbidden, "Form expired",
                      "This form has expired or was not sent from this site. Go back, "
                      "reload the page and try again.",
                      visit.who);
  };
  const auto valid = [&visit](const std::string& token) {
    return !token.empty() && storage::constant_time_equal(token, visit.who.session.csrf_token);
  };
  std::string token(request["X-CSRF-Token"]);
  if (body_deferred) {
    if (token.empty()) {
      token = http::query_param(context.resolution->query, "csrf").value_or("");
    }
    if (!valid(token)) {
      co_return expired();
    }
    if (auto refused = co_await http::read_body(context)) {
      co_return std::move(*refused);
    }
  }
  auto form = http::parse_form(request);
  if (!form) {
    co_return failure(context, visit.scope, form.error(), visit.who);
  }
  visit.form = std::move(*form);
  if (!body_deferred) {
    if (const std::string field = visit.form.text("csrf"); !field.empty()) {
      token = field;
    }
    if (!valid(token)) {
      co_return expired();
    }
  }
  co_return visit;
}

namespace {

http::RouteHandler gate(std::shared_ptr<const Console> console, Role need, Page page,
                        bool body_deferred) {
  return [console = std::move(console), need, page, body_deferred](
             Request& request, RequestContext& context,
             const http::RouteParams& params) -> asio::awaitable<Response> {
    Entry entry = co_await console->enter(request, context, need, body_deferred);
    if (auto* response = std::get_if<Response>(&entry)) {
      co_return std::move(*response);
    }
    co_return co_await page(*console, request, context, params, std::get<Visit>(entry));
  };
}

}  // namespace

http::RouteHandler gated(std::shared_ptr<const Console> console, Role need, Page page) {
  return gate(std::move(console), need, page, false);
}

http::RouteHandler gated_upload(std::shared_ptr<const Console> console, Role need, Page page) {
  return gate(std::move(console), need, page, true);
}

}  // namespace orion::web::console

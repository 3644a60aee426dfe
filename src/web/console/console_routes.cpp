// The consoles: the platform admin (/admin, ADMIN context) and each store's dashboard
// (/store/{code}/, STORE_DASHBOARD context; routes on the clean path after /store/{code}).
// Issue 4 delivers their login, logout and overview pages; issue 5 adds the rest. Every console
// request checks its session: anonymous GETs go to the login page, anything else gets 401, and a
// signed-in user gets a themed 404 for a page that does not exist.
#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>
#include <ctime>
#include <kainjow/mustache.hpp>

#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "http/query.hpp"
#include "storage/orders.hpp"
#include "storage/products.hpp"
#include "storage/secrets.hpp"
#include "storage/stores.hpp"
#include "web/console/auth.hpp"
#include "web/routes.hpp"
#include "web/templates.hpp"

namespace orion::web {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using Data = kainjow::mustache::data;
using console::Scope;
using console::SignedIn;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = beast_http::verb;

constexpr std::int64_t kCsrfLifetime = 2 * 3600;
constexpr std::int64_t kAdminStoreListLimit = 200;
constexpr std::int64_t kRecentOrders = 10;

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

// Where the platform host's pages are, seen from this request: relative on the platform host,
// absolute (scheme, platform domain and the request's port) from admin.<platform>.
std::string platform_origin(const Request& request, const RequestContext& context,
                            const Services& services) {
  if (context.resolution->role == core::HostRole::platform) {
    return {};
  }
  std::string origin = context.peer.tls ? "https://" : "http://";
  origin += services.platform.domain();
  const std::string_view host = request[beast_http::field::host];
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
    origin += host.substr(colon);
  }
  return origin;
}

class Console {
 public:
  explicit Console(const Services& services) : s_(services) {}

  // The page data every console page shares: the layout's title, name, home link and theme.
  Data page_data(const RequestContext& context, const Scope& scope, std::string title,
                 const std::optional<SignedIn>& signed_in) const {
    Data data;
    const core::Resolution& r = *context.resolution;
    data.set("title", std::move(title));
    data.set("context", "console");
    data.set("home_url", scope.home_url);
    data.set("is_admin_console", scope.kind == "admin");
    if (scope.kind == "admin") {
      data.set("site_name", "Orion admin");
    } else {
      data.set("site_name", r.store->name);
      data.set("store_code", r.store->code);
      if (context.theme) {
        data.set("theme", console_theme(*context.theme));
      }
    }
    Data nav{Data::type::list};
    if (signed_in) {
      const auto link = [](std::string href, std::string label) {
        Data item;
        item.set("href", std::move(href));
        item.set("label", std::move(label));
        return item;
      };
      nav.push_back(link(scope.home_url, scope.kind == "admin" ? "Overview" : "Dashboard"));
      if (scope.kind == "store") {
        nav.push_back(link(shop_url(context), "View shop"));
      }
      data.set("signed_in", true);
      data.set("user_email", signed_in->user.email);
      data.set("logout_url", scope.logout_url);
      data.set("csrf", signed_in->session.csrf_token);
    }
    data.set("nav", nav);
    data.set("footer", scope.kind == "admin" ? "Orion platform administration"
                                             : r.store->name + " dashboard");
    return data;
  }

  // The storefront of the dashboard's store, in the mode the dashboard was reached by.
  static std::string shop_url(const RequestContext& context) {
    const core::Resolution& r = *context.resolution;
    if (r.mode == core::DetectionMode::path_based) {
      return "/stores/" + r.store->code + "/shop/";
    }
    return "/shop/";
  }

  Response error_page(const RequestContext& context, const std::optional<Scope>& scope,
                      Status status, std::string heading, std::string message,
                      const std::optional<SignedIn>& signed_in = {}) const {
    Data data;
    if (scope) {
      data = page_data(context, *scope, heading, signed_in);
    } else {
      data.set("title", heading);
      data.set("site_name", "Orion");
      data.set("home_url", "/");
      data.set("context", "console");
    }
    data.set("status", std::to_string(static_cast<unsigned>(status)));
    data.set("heading", std::move(heading));
    data.set("message", std::move(message));
    data.set("request_id", context.request_id);
    return html(status, s_.templates.render("console/error", data));
  }

  Response failure(const RequestContext& context, const std::optional<Scope>& scope,
                   const core::Error& error) const {
    const Status status = http::status_of(error.code);
    if (status == Status::internal_server_error || status == Status::service_unavailable) {
      s_.log->error("request {}: console: {}", context.request_id, error.message);
      return error_page(context, scope, status, "Something went wrong",
                        "Please try again in a moment. Request id: " + context.request_id);
    }
    return error_page(context, scope, status, "That did not work", error.message);
  }

  Response no_such_store(const RequestContext& context) const {
    return error_page(context, std::nullopt, Status::not_found, "Store not found",
                      "There is no store at this address.");
  }

  // Who is signed in to this console, if anyone.
  asio::awaitable<core::Result<std::optional<SignedIn>>> signed_in(const Request& request,
                                                                   const Scope& scope) const {
    auto cookies = console::cookie_values(request, console::kSessionCookie);
    if (cookies.empty()) {
      co_return std::optional<SignedIn>{};
    }
    co_return co_await http::offload(s_.blocking, [this, &scope, &cookies] {
      return console::find_signed_in(s_.database, scope, cookies);
    });
  }

  // What an anonymous request gets: the login page for a page view, 401 for anything else.
  static Response anonymous(const Request& request, const Scope& scope) {
    if (reads(request)) {
      return redirect(Status::found, scope.login_url);
    }
    return http::json_error(Status::unauthorized, "unauthorized",
                            "sign in at " + scope.login_url + " first");
  }

  Response login_form(const RequestContext& context, const Scope& scope, Status status,
                      const std::string& csrf, const std::string& email,
                      const std::string& error) const {
    Data data = page_data(context, scope, "Sign in", std::nullopt);
    data.set("heading", scope.kind == "admin"
                            ? std::string("Sign in to the Orion admin")
                            : "Sign in to the " + context.resolution->store->name + " dashboard");
    data.set("action", scope.login_url);
    data.set("form_csrf", csrf);
    data.set("email", email);
    if (!error.empty()) {
      data.set("error", error);
    }
    Response response = html(status, s_.templates.render("console/login", data));
    response.insert(beast_http::field::set_cookie,
                    console::set_cookie(console::kCsrfCookie, csrf, scope, kCsrfLifetime));
    return response;
  }

  asio::awaitable<Response> get_login(Request& request, RequestContext& context) const {
    auto scope = console::scope_of(context);
    if (!scope) {
      co_return no_such_store(context);
    }
    auto who = co_await signed_in(request, *scope);
    if (!who) {
      co_return failure(context, scope, who.error());
    }
    if (*who) {
      co_return redirect(Status::see_other, scope->home_url);
    }
    co_return login_form(context, *scope, Status::ok, console::csrf_token_of(request), {}, {});
  }

  asio::awaitable<Response> post_login(Request& request, RequestContext& context) const {
    auto scope = console::scope_of(context);
    if (!scope) {
      co_return no_such_store(context);
    }
    const std::string body = request.body();
    const std::string email = http::form_field(body, "email").value_or("");
    const std::string password = http::form_field(body, "password").value_or("");
    const std::string form_csrf = http::form_field(body, "csrf").value_or("");
    bool csrf_ok = false;
    for (const std::string& cookie : console::cookie_values(request, console::kCsrfCookie)) {
      csrf_ok = csrf_ok || (!form_csrf.empty() && console::same_secret(cookie, form_csrf));
    }
    if (!csrf_ok) {
      co_return login_form(context, *scope, Status::forbidden, console::csrf_token_of(request),
                           email,
                           "This form has expired or was not sent from this site. Please sign "
                           "in again.");
    }
    if (email.empty() || password.empty()) {
      co_return login_form(context, *scope, Status::unprocessable_entity, form_csrf, email,
                           "Enter your e-mail address and your password.");
    }
    auto result = co_await http::offload(s_.blocking, [this, &scope, &email, &password] {
      return console::log_in(s_.database, *scope, email, password);
    });
    if (!result) {
      co_return failure(context, scope, result.error());
    }
    if (!*result) {
      s_.log->info("request {}: console login refused ({} console)", context.request_id,
                   scope->kind);
      co_return login_form(context, *scope, Status::unauthorized, form_csrf, email,
                           "Wrong e-mail address or password, or no access to this console.");
    }
    s_.log->info("request {}: console login: user {} ({} console)", context.request_id,
                 (*result)->signed_in.user.id, scope->kind);
    Response response = redirect(Status::see_other, scope->home_url);
    response.insert(beast_http::field::set_cookie,
                    console::set_cookie(console::kSessionCookie, (*result)->cookie_value, *scope,
                                        console::kSessionLifetime));
    co_return response;
  }

  asio::awaitable<Response> post_logout(Request& request, RequestContext& context) const {
    auto scope = console::scope_of(context);
    if (!scope) {
      co_return no_such_store(context);
    }
    auto who = co_await signed_in(request, *scope);
    if (!who) {
      co_return failure(context, scope, who.error());
    }
    if (*who) {
      const std::string form_csrf = http::form_field(request.body(), "csrf").value_or("");
      if (!console::same_secret(form_csrf, (*who)->session.csrf_token)) {
        co_return error_page(context, scope, Status::forbidden, "Not signed out",
                             "The sign-out form was not sent from this site.", *who);
      }
      // The session found is one of the request's cookies: end that one.
      std::vector<std::string> cookies = console::cookie_values(request, console::kSessionCookie);
      const std::string hash = (*who)->session.token_hash;
      auto ended = co_await http::offload(s_.blocking, [this, &cookies, &hash] {
        for (const std::string& cookie : cookies) {
          if (storage::sha256_hex(cookie) == hash) {
            return console::log_out(s_.database, cookie);
          }
        }
        return core::Result<void>{};
      });
      if (!ended) {
        co_return failure(context, scope, ended.error());
      }
    }
    Response response = redirect(Status::see_other, scope->login_url);
    response.insert(beast_http::field::set_cookie,
                    console::set_cookie(console::kSessionCookie, "", *scope, 0));
    co_return response;
  }

  asio::awaitable<Response> admin_home(Request& request, RequestContext& context) const {
    const Scope scope = *console::scope_of(context);
    auto who = co_await signed_in(request, scope);
    if (!who) {
      co_return failure(context, scope, who.error());
    }
    if (!*who) {
      co_return anonymous(request, scope);
    }
    struct Overview {
      std::int64_t count = 0;
      std::vector<storage::StoreRecord> stores;
    };
    auto overview = co_await http::offload(s_.blocking, [this]() -> core::Result<Overview> {
      auto tx = s_.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto count = storage::stores::count(*tx);
      if (!count) {
        return count.error();
      }
      auto stores = storage::stores::list(*tx, storage::Page{kAdminStoreListLimit, 0});
      if (!stores) {
        return stores.error();
      }
      return Overview{*count, std::move(*stores)};
    });
    if (!overview) {
      co_return failure(context, scope, overview.error());
    }
    const std::string origin = platform_origin(request, context, s_);
    Data data = page_data(context, scope, "Overview", *who);
    data.set("store_count", std::to_string(overview->count));
    data.set("listed", std::to_string(overview->stores.size()));
    data.set("more_stores", overview->count > static_cast<std::int64_t>(overview->stores.size()));
    data.set("has_stores", !overview->stores.empty());
    Data stores{Data::type::list};
    for (const storage::StoreRecord& store : overview->stores) {
      Data item;
      item.set("code", store.code);
      item.set("name", store.name);
      item.set("is_active", store.is_active);
      item.set("shop_url", origin + "/stores/" + store.code + "/shop/");
      item.set("dashboard_url", origin + "/store/" + store.code + "/");
      item.set("created", utc_time(store.created_at));
      stores.push_back(item);
    }
    data.set("stores", stores);
    co_return html(Status::ok, s_.templates.render("console/admin_home", data));
  }

  asio::awaitable<Response> store_home(Request& request, RequestContext& context) const {
    auto scope = console::scope_of(context);
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
    struct Overview {
      std::int64_t products = 0;
      std::int64_t orders = 0;
      std::vector<storage::OrderRecord> recent;
    };
    auto overview = co_await http::offload(s_.blocking, [this, &scope]() -> core::Result<Overview> {
      auto tx = s_.database.begin(*scope->tenant);
      if (!tx) {
        return tx.error();
      }
      auto products = storage::products::count(*tx);
      if (!products) {
        return products.error();
      }
      auto orders = storage::orders::count(*tx);
      if (!orders) {
        return orders.error();
      }
      auto recent = storage::orders::list(*tx, storage::Page{kRecentOrders, 0});
      if (!recent) {
        return recent.error();
      }
      return Overview{*products, *orders, std::move(*recent)};
    });
    if (!overview) {
      co_return failure(context, scope, overview.error());
    }
    Data data = page_data(context, *scope, "Dashboard", *who);
    data.set("product_count", std::to_string(overview->products));
    data.set("order_count", std::to_string(overview->orders));
    data.set("shop_url", shop_url(context));
    data.set("has_orders", !overview->recent.empty());
    Data orders{Data::type::list};
    for (const storage::OrderRecord& order : overview->recent) {
      Data item;
      item.set("number", order.order_number);
      item.set("email", order.customer_email);
      item.set("status", order.status);
      item.set("total", money(order.total_cents, order.currency));
      item.set("created", utc_time(order.created_at));
      orders.push_back(item);
    }
    data.set("orders", orders);
    co_return html(Status::ok, s_.templates.render("console/store_home", data));
  }

  // Any other console path: a themed 404 for the signed-in, the login for anyone else.
  asio::awaitable<Response> not_found(Request& request, RequestContext& context) const {
    auto scope = console::scope_of(context);
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
    co_return error_page(context, scope, Status::not_found, "Page not found",
                         "There is no such page in this console.", *who);
  }

 private:
  const Services& s_;
};

}  // namespace

void add_console_routes(http::Router& router, const Services& services) {
  const auto admin = core::ContextType::admin;
  const auto dashboard = core::ContextType::store_dashboard;
  // Owned by the routes' handlers: the router keeps them as long as the app lives.
  auto console = std::make_shared<const Console>(services);
  const auto bind = [console](auto member) -> http::RouteHandler {
    return [console, member](Request& request, RequestContext& context,
                             const RouteParams&) -> asio::awaitable<Response> {
      co_return co_await ((*console).*member)(request, context);
    };
  };

  // admin.<platform>/ has nothing of its own: the admin lives under /admin on every host.
  router.add(admin, verb::get, "/",
             [](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
               co_return redirect(Status::found, "/admin/");
             });
  router.add(admin, verb::get, "/admin/", bind(&Console::admin_home));
  router.add(admin, verb::get, "/admin/login", bind(&Console::get_login));
  router.add(admin, verb::post, "/admin/login", bind(&Console::post_login));
  router.add(admin, verb::post, "/admin/logout", bind(&Console::post_logout));
  router.set_not_found(admin, bind(&Console::not_found));

  router.add(dashboard, verb::get, "/", bind(&Console::store_home));
  router.add(dashboard, verb::get, "/dashboard", bind(&Console::store_home));
  router.add(dashboard, verb::get, "/login", bind(&Console::get_login));
  router.add(dashboard, verb::post, "/login", bind(&Console::post_login));
  router.add(dashboard, verb::post, "/logout", bind(&Console::post_logout));
  router.set_not_found(dashboard, bind(&Console::not_found));
}

}  // namespace orion::web

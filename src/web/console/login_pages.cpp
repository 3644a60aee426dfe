// Signing in to and out of the consoles, and what any other console path answers: the login
// form with its double-submit CSRF cookie, the session cookie scoped by Path to one console, and
// a themed 404 for the signed-in (the login for anyone else).
#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>

#include "http/query.hpp"
#include "storage/secrets.hpp"
#include "web/console/console.hpp"

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

constexpr std::int64_t kCsrfLifetime = 2 * 3600;

class Login {
 public:
  explicit Login(std::shared_ptr<const Console> console)
      : c_(std::move(console)), s_(c_->services()) {}

  Response login_form(const RequestContext& context, const Scope& scope, Status status,
                      const std::string& csrf, const std::string& email,
                      const std::string& error) const {
    Data data = c_->page_data(context, scope, "Sign in", std::nullopt);
    data.set("heading", scope.kind == "admin"
                            ? std::string("Sign in to the Orion admin")
                            : "Sign in to the " + context.resolution->store->name() + " dashboard");
    data.set("action", scope.login_url);
    data.set("form_csrf", csrf);
    data.set("email", email);
    if (!error.empty()) {
      data.set("error", error);
    }
    Response response = c_->render(status, "console/login", data);
    response.insert(beast_http::field::set_cookie,
                    set_cookie(kCsrfCookie, csrf, scope, kCsrfLifetime));
    return response;
  }

  asio::awaitable<Response> get_login(Request& request, RequestContext& context) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    auto who = co_await c_->signed_in(request, *scope);
    if (!who) {
      co_return c_->failure(context, scope, who.error());
    }
    if (*who) {
      co_return redirect(Status::see_other, scope->home_url);
    }
    co_return login_form(context, *scope, Status::ok, csrf_token_of(request), {}, {});
  }

  asio::awaitable<Response> post_login(Request& request, RequestContext& context) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    const std::string body = request.body();
    const std::string email = http::form_field(body, "email").value_or("");
    const std::string password = http::form_field(body, "password").value_or("");
    const std::string form_csrf = http::form_field(body, "csrf").value_or("");
    if (!pre_session_form_ok(request, context, form_csrf)) {
      co_return login_form(context, *scope, Status::forbidden, csrf_token_of(request), email,
                           "This form has expired or was not sent from this site. Please sign "
                           "in again.");
    }
    if (email.empty() || password.empty()) {
      co_return login_form(context, *scope, Status::unprocessable_entity, form_csrf, email,
                           "Enter your e-mail address and your password.");
    }
    const std::string address = http::client_key(context);
    auto attempt = co_await c_->blocking([this, &scope, &email, &password, &address] {
      return attempt_log_in(s_.database, *scope, email, password, address);
    });
    if (!attempt) {
      co_return c_->failure(context, scope, attempt.error());
    }
    if (attempt->retry_after > 0) {
      s_.log->warn("request {}: console login throttled ({} console)", context.request_id,
                   scope->kind);
      Response response =
          login_form(context, *scope, Status::too_many_requests, form_csrf, email,
                     "Too many failed sign-ins. " + try_again_text(attempt->retry_after));
      response.set(beast_http::field::retry_after, std::to_string(attempt->retry_after));
      co_return response;
    }
    const auto& result = attempt->result;
    if (!result) {
      s_.log->info("request {}: console login refused ({} console)", context.request_id,
                   scope->kind);
      co_return login_form(context, *scope, Status::unauthorized, form_csrf, email,
                           "Wrong e-mail address or password, or no access to this console.");
    }
    s_.log->info("request {}: console login: user {} ({} console)", context.request_id,
                 result->signed_in.user.id, scope->kind);
    Response response = redirect(Status::see_other, scope->home_url);
    response.insert(beast_http::field::set_cookie,
                    set_cookie(kSessionCookie, result->cookie_value, *scope, kSessionLifetime));
    co_return response;
  }

  asio::awaitable<Response> post_logout(Request& request, RequestContext& context) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    auto who = co_await c_->signed_in(request, *scope);
    if (!who) {
      co_return c_->failure(context, scope, who.error());
    }
    if (*who) {
      const std::string form_csrf = http::form_field(request.body(), "csrf").value_or("");
      if (!storage::constant_time_equal(form_csrf, (*who)->session.csrf_token)) {
        co_return c_->error_page(context, scope, Status::forbidden, "Not signed out",
                                 "The sign-out form was not sent from this site.", *who);
      }
      // The session found is one of the request's cookies: end that one.
      std::vector<std::string> cookies = cookie_values(request, kSessionCookie);
      const std::string hash = (*who)->session.token_hash;
      auto ended = co_await c_->blocking([this, &cookies, &hash] {
        for (const std::string& cookie : cookies) {
          if (storage::sha256_hex(cookie) == hash) {
            return log_out(s_.database, cookie);
          }
        }
        return core::Result<void>{};
      });
      if (!ended) {
        co_return c_->failure(context, scope, ended.error());
      }
    }
    Response response = redirect(Status::see_other, scope->login_url);
    response.insert(beast_http::field::set_cookie, set_cookie(kSessionCookie, "", *scope, 0));
    co_return response;
  }

  // Any other console path: a themed 404 for the signed-in, the login for anyone else.
  asio::awaitable<Response> not_found(Request& request, RequestContext& context) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    auto who = co_await c_->signed_in(request, *scope);
    if (!who) {
      co_return c_->failure(context, scope, who.error());
    }
    if (!*who) {
      co_return anonymous(request, *scope);
    }
    co_return c_->error_page(context, scope, Status::not_found, "Page not found",
                             "There is no such page in this console.", *who);
  }

 private:
  std::shared_ptr<const Console> c_;
  const Services& s_;
};

}  // namespace

void add_login_routes(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto admin = core::ContextType::admin;
  const auto dashboard = core::ContextType::store_dashboard;
  auto login = std::make_shared<const Login>(console);
  const auto bind = [login](auto member) -> http::RouteHandler {
    return [login, member](Request& request, RequestContext& context,
                           const RouteParams&) -> asio::awaitable<Response> {
      co_return co_await ((*login).*member)(request, context);
    };
  };
  // admin.<platform>/ has nothing of its own: the admin lives under /admin on every host.
  router.add(admin, verb::get, "/",
             [](Request&, RequestContext&, const RouteParams&) -> asio::awaitable<Response> {
               co_return redirect(Status::found, "/admin/");
             });
  router.add(admin, verb::get, "/admin/login", bind(&Login::get_login));
  router.add(admin, verb::post, "/admin/login", bind(&Login::post_login));
  router.add(admin, verb::post, "/admin/logout", bind(&Login::post_logout));
  router.set_not_found(admin, bind(&Login::not_found));

  router.add(dashboard, verb::get, "/login", bind(&Login::get_login));
  router.add(dashboard, verb::post, "/login", bind(&Login::post_login));
  router.add(dashboard, verb::post, "/logout", bind(&Login::post_logout));
  router.set_not_found(dashboard, bind(&Login::not_found));
}

}  // namespace orion::web::console

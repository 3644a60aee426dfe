// Accepting an invitation to a store's dashboard: /store/{code}/invite/{token}, open to anyone
// who holds the link (storage/invitations.hpp). A new account chooses its own password; an
// existing one signs in with its own (throttled like any sign-in). Either way the invitee leaves
// signed in to the dashboard. The form is guarded like the login form (its double-submit CSRF
// cookie). An unknown, used, withdrawn or expired link, or one of another store, is a 404 page.
#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>

#include "http/query.hpp"
#include "storage/invitations.hpp"
#include "storage/users.hpp"
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

// What the link leads to: the invitation, and whether its address has an account already.
struct Found {
  storage::InvitationRecord invitation;
  bool account_exists = false;
};

core::Result<std::optional<Found>> find(storage::Database& database, const Scope& scope,
                                        const std::string& token) {
  auto tx = database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto invitation = storage::invitations::find(*tx, *scope.store_id, token);
  if (!invitation) {
    return invitation.error();
  }
  if (!*invitation) {
    return std::optional<Found>{};
  }
  auto user = storage::users::find_by_email(*tx, (*invitation)->email);
  if (!user) {
    return user.error();
  }
  return std::optional<Found>{Found{std::move(**invitation), user->has_value()}};
}

class Invitations {
 public:
  explicit Invitations(std::shared_ptr<const Console> console)
      : c_(std::move(console)), s_(c_->services()) {}

  asio::awaitable<Response> get(Request& request, RequestContext& context,
                                const RouteParams& params) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    const std::string token(params.get("token"));
    auto found =
        co_await c_->blocking([this, &scope, &token] { return find(s_.database, *scope, token); });
    if (!found) {
      co_return c_->failure(context, scope, found.error());
    }
    if (!*found) {
      co_return gone(context, *scope);
    }
    co_return form(context, *scope, Status::ok, **found, token, csrf_token_of(request), {});
  }

  asio::awaitable<Response> post(Request& request, RequestContext& context,
                                 const RouteParams& params) const {
    auto scope = scope_of(context);
    if (!scope) {
      co_return c_->no_such_store(context);
    }
    const std::string token(params.get("token"));
    auto found =
        co_await c_->blocking([this, &scope, &token] { return find(s_.database, *scope, token); });
    if (!found) {
      co_return c_->failure(context, scope, found.error());
    }
    if (!*found) {
      co_return gone(context, *scope);
    }
    const Found& invitation = **found;
    const std::string body = request.body();
    const std::string password = http::form_field(body, "password").value_or("");
    const std::string form_csrf = http::form_field(body, "csrf").value_or("");
    if (!pre_session_form_ok(request, context, form_csrf)) {
      co_return form(context, *scope, Status::forbidden, invitation, token, csrf_token_of(request),
                     "This form has expired or was not sent from this site. Please try again.");
    }
    if (!invitation.account_exists) {
      const std::string confirm = http::form_field(body, "confirm_password").value_or("");
      std::string problem = password_problem(password);
      if (problem.empty() && password != confirm) {
        problem = "The two passwords differ.";
      }
      if (!problem.empty()) {
        co_return form(context, *scope, Status::unprocessable_entity, invitation, token, form_csrf,
                       problem);
      }
      auto accepted = co_await c_->blocking([this, &scope, &token, &password] {
        return accept_invitation_new(s_.database, *scope, token, password);
      });
      if (!accepted) {
        co_return refused(context, *scope, accepted.error());
      }
      co_return welcome(context, *scope, *accepted);
    }
    const std::string address = http::client_key(context);
    const std::string& email = invitation.invitation.email;
    auto attempt = co_await c_->blocking([this, &scope, &token, &email, &password, &address] {
      return accept_invitation_as(s_.database, *scope, token, email, password, address);
    });
    if (!attempt) {
      co_return refused(context, *scope, attempt.error());
    }
    if (attempt->retry_after > 0) {
      Response response =
          form(context, *scope, Status::too_many_requests, invitation, token, form_csrf,
               "Too many failed sign-ins. " + try_again_text(attempt->retry_after));
      response.set(beast_http::field::retry_after, std::to_string(attempt->retry_after));
      co_return response;
    }
    if (!attempt->result) {
      co_return form(context, *scope, Status::unauthorized, invitation, token, form_csrf,
                     "Wrong password for " + email + ".");
    }
    co_return welcome(context, *scope, *attempt->result);
  }

 private:
  Response form(const RequestContext& context, const Scope& scope, Status status,
                const Found& found, const std::string& token, const std::string& csrf,
                const std::string& error) const {
    Data data =
        c_->page_data(context, scope, "Join " + context.resolution->store->name(), std::nullopt);
    data.set("heading", "Join the " + context.resolution->store->name() + " dashboard");
    data.set("action", scope.home_url + "invite/" + token);
    data.set("form_csrf", csrf);
    data.set("email", found.invitation.email);
    data.set("role", std::string(storage::users::to_string(found.invitation.role)));
    data.set("new_account", !found.account_exists);
    if (!error.empty()) {
      data.set("error", error);
    }
    Response response = c_->render(status, "console/invite", data);
    response.insert(beast_http::field::set_cookie,
                    set_cookie(kCsrfCookie, csrf, scope, kCsrfLifetime));
    return response;
  }

  Response gone(const RequestContext& context, const Scope& scope) const {
    return c_->error_page(context, scope, Status::not_found, "This invitation link does not work",
                          "It was used already, withdrawn or has expired. Ask the store's owner "
                          "for a new one.");
  }

  // The invitation went away between the page and the answer, or an account was made meanwhile.
  Response refused(const RequestContext& context, const Scope& scope,
                   const core::Error& error) const {
    if (error.code == core::Errc::not_found) {
      return gone(context, scope);
    }
    if (error.code == core::Errc::conflict) {
      return c_->error_page(context, scope, Status::conflict, "You have an account already",
                            "An account with this e-mail address was created meanwhile. Open "
                            "the link again to join by signing in with its password.");
    }
    return c_->failure(context, scope, error);
  }

  Response welcome(const RequestContext& context, const Scope& scope,
                   const LoginResult& result) const {
    s_.log->info("request {}: invitation accepted: user {} joined store {}", context.request_id,
                 result.signed_in.user.id, scope.store_id.value_or(0));
    Response response = redirect(Status::see_other, scope.home_url);
    response.insert(beast_http::field::set_cookie,
                    set_cookie(kSessionCookie, result.cookie_value, scope, kSessionLifetime));
    return response;
  }

  std::shared_ptr<const Console> c_;
  const Services& s_;
};

}  // namespace

void add_invitation_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  auto pages = std::make_shared<const Invitations>(console);
  router.add(dashboard, verb::get, "/invite/{token}",
             [pages](Request& request, RequestContext& context,
                     const RouteParams& params) -> asio::awaitable<Response> {
               co_return co_await pages->get(request, context, params);
             });
  router.add(dashboard, verb::post, "/invite/{token}",
             [pages](Request& request, RequestContext& context,
                     const RouteParams& params) -> asio::awaitable<Response> {
               co_return co_await pages->post(request, context, params);
             });
}

}  // namespace orion::web::console

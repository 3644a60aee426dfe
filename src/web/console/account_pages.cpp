// A signed-in user's own account, in both consoles (/admin/account and /store/{code}/account):
// the password change, which signs out the user's other sessions; and the API tokens pages
// (/admin/tokens: every token, admin or store; /store/{code}/tokens: the store's own, owners
// only). A token's value is shown once, on the page that answers its creation.
#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <map>

#include "http/query.hpp"
#include "storage/repository.hpp"
#include "storage/sessions.hpp"
#include "storage/stores.hpp"
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

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc{} || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

std::string notice_of(const RequestContext& context) {
  return http::query_param(context.resolution->query, "notice").value_or("");
}

// ---- the account page and the password change ----

struct PasswordForm {
  std::string current_error;
  std::string new_error;
  std::string confirm_error;
  std::string summary;  // the form's message (class "error")
};

Response account_page(const Console& console, const RequestContext& context, const Visit& visit,
                      Status status, const PasswordForm& form, const std::string& notice) {
  Data data = console.page_data(context, visit, "Your account");
  data.set("email", visit.who.user.email);
  data.set("role", std::string(to_string(visit.role())));
  data.set("console_name", visit.scope.kind == "admin"
                               ? std::string("the platform admin")
                               : "the " + context.resolution->store->name() + " dashboard");
  data.set("action", visit.url("/account/password"));
  data.set("min_length", std::to_string(kMinPasswordLength));
  const auto set_if = [&data](const char* name, const std::string& value) {
    if (!value.empty()) {
      data.set(name, value);
    }
  };
  set_if("current_password_error", form.current_error);
  set_if("new_password_error", form.new_error);
  set_if("confirm_password_error", form.confirm_error);
  set_if("form_error", form.summary);
  data.set("has_errors", !form.summary.empty() || !form.current_error.empty() ||
                             !form.new_error.empty() || !form.confirm_error.empty());
  set_if("notice", notice);
  return console.render(status, "console/account", data);
}

asio::awaitable<Response> show_account(const Console& console, Request&, RequestContext& context,
                                       const RouteParams&, Visit& visit) {
  std::string notice;
  if (notice_of(context) == "password") {
    const std::string ended = http::query_param(context.resolution->query, "ended").value_or("0");
    notice = "Your password was changed.";
    if (ended != "0" && ended.find_first_not_of("0123456789") == std::string::npos &&
        ended.size() < 6) {
      notice += " Your other sessions (" + ended + ") were signed out.";
    }
  }
  co_return account_page(console, context, visit, Status::ok, {}, notice);
}

asio::awaitable<Response> post_password(const Console& console, Request&, RequestContext& context,
                                        const RouteParams&, Visit& visit) {
  const std::string current = visit.form.text("current_password");
  const std::string replacement = visit.form.text("new_password");
  const std::string confirm = visit.form.text("confirm_password");
  PasswordForm form;
  if (current.empty()) {
    form.current_error = "Enter your current password.";
  }
  form.new_error = password_problem(replacement);
  if (form.new_error.empty() && replacement == current) {
    form.new_error = "Choose a password different from the current one.";
  }
  if (confirm != replacement) {
    form.confirm_error = "The two new passwords differ.";
  }
  if (!form.current_error.empty() || !form.new_error.empty() || !form.confirm_error.empty()) {
    form.summary = "The password was not changed: please correct the fields marked below.";
    co_return account_page(console, context, visit, Status::unprocessable_entity, form, {});
  }
  const Services& s = console.services();
  const std::string address = http::client_key(context);
  auto changed = co_await console.blocking([&s, &visit, &current, &replacement, &address] {
    return change_password(s.database, visit.who, current, replacement, address);
  });
  if (!changed) {
    co_return console.failure(context, visit, changed.error());
  }
  switch (changed->outcome) {
    case PasswordChange::Outcome::throttled: {
      form.summary = "Too many wrong passwords. " + try_again_text(changed->retry_after);
      Response response =
          account_page(console, context, visit, Status::too_many_requests, form, {});
      response.set(beast_http::field::retry_after, std::to_string(changed->retry_after));
      co_return response;
    }
    case PasswordChange::Outcome::wrong_password:
      form.current_error = "This is not your current password.";
      form.summary = "The password was not changed: please correct the fields marked below.";
      co_return account_page(console, context, visit, Status::unprocessable_entity, form, {});
    case PasswordChange::Outcome::changed:
      break;
  }
  s.log->info("request {}: user {} changed their password; {} other sessions ended",
              context.request_id, visit.who.user.id, changed->sessions_ended);
  co_return redirect(Status::see_other, visit.url("/account?notice=password&ended=" +
                                                  std::to_string(changed->sessions_ended)));
}

// ---- API tokens ----

// The tokens page's form state, and the token just created (shown once).
struct TokenForm {
  std::string name;
  std::string store;  // admin console: the store code typed
  std::string name_error;
  std::string store_error;
  std::string new_token;
  std::string new_token_name;
};

struct TokenList {
  std::vector<storage::TokenRecord> tokens;
  std::map<std::int64_t, std::string> store_codes;  // admin console: store id → code
};

bool admin_console(const Visit& visit) { return visit.scope.kind == "admin"; }

// The tokens the visit may see: every token on the admin console, the store's own on a dashboard.
core::Result<TokenList> load_tokens(const Services& s, const Visit& visit) {
  auto tx = s.database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  TokenList list;
  auto tokens = admin_console(visit) ? storage::api_tokens::list_all(*tx)
                                     : storage::api_tokens::list(*tx, visit.scope.store_id);
  if (!tokens) {
    return tokens.error();
  }
  list.tokens = std::move(*tokens);
  if (admin_console(visit)) {
    for (const storage::TokenRecord& token : list.tokens) {
      if (!token.store_id || list.store_codes.contains(*token.store_id)) {
        continue;
      }
      auto store = storage::stores::find_by_id(*tx, *token.store_id);
      if (!store) {
        return store.error();
      }
      list.store_codes[*token.store_id] = *store ? (*store)->code : "(deleted)";
    }
  }
  return list;
}

Response tokens_page(const Console& console, const Request& request, const RequestContext& context,
                     const Visit& visit, Status status, const TokenList& list,
                     const TokenForm& form, const std::string& notice) {
  const bool admin = admin_console(visit);
  Data data = console.page_data(context, visit, "API tokens");
  data.set("admin", admin);
  data.set("action", visit.url("/tokens"));
  // The management API is served on the platform host only (docs/API.md).
  data.set("api_url", console.platform_origin(request, context) + "/api/v1/");
  Data rows{Data::type::list};
  for (const storage::TokenRecord& token : list.tokens) {
    Data row;
    row.set("id", std::to_string(token.id));
    row.set("name", token.name.empty() ? std::string("(unnamed)") : token.name);
    row.set("prefix", token.prefix);
    if (token.store_id) {
      const auto code = list.store_codes.find(*token.store_id);
      row.set("store", code == list.store_codes.end() ? std::string() : code->second);
    }
    row.set("is_admin_token", !token.store_id.has_value());
    row.set("created", utc_time(token.created_at));
    row.set("last_used", token.last_used_at ? utc_time(*token.last_used_at) : "never");
    if (token.revoked_at) {
      row.set("revoked", utc_time(*token.revoked_at));
    } else {
      row.set("revoke_url", visit.url("/tokens/" + std::to_string(token.id) + "/revoke"));
    }
    rows.push_back(row);
  }
  data.set("tokens", rows);
  data.set("has_tokens", !list.tokens.empty());
  data.set("name", form.name);
  data.set("store", form.store);
  const auto set_if = [&data](const char* name, const std::string& value) {
    if (!value.empty()) {
      data.set(name, value);
    }
  };
  set_if("name_error", form.name_error);
  set_if("store_error", form.store_error);
  data.set("has_errors", !form.name_error.empty() || !form.store_error.empty());
  set_if("new_token", form.new_token);
  set_if("new_token_name", form.new_token_name);
  set_if("notice", notice);
  return console.render(status, "console/tokens", data);
}

asio::awaitable<Response> show_tokens(const Console& console, Request& request,
                                      RequestContext& context, const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  auto list = co_await console.blocking([&s, &visit] { return load_tokens(s, visit); });
  if (!list) {
    co_return console.failure(context, visit, list.error());
  }
  const std::string notice = notice_of(context);
  std::string text;
  if (notice == "revoked") {
    text = "The token was revoked: requests with it now fail.";
  } else if (notice == "already") {
    text = "That token was already revoked.";
  }
  co_return tokens_page(console, request, context, visit, Status::ok, *list, {}, text);
}

// Creates a token and answers with the page that shows it: once, never again (only its SHA-256
// is stored). 201, not a redirect, since a redirect's page could not show it.
asio::awaitable<Response> create_token(const Console& console, Request& request,
                                       RequestContext& context, const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  TokenForm form;
  form.name = visit.form.text("name");
  if (admin_console(visit)) {
    form.store = visit.form.text("store");
  }
  auto outcome = co_await console.blocking([&s, &visit, &form]() -> core::Result<TokenList> {
    auto name = storage::repository::checked_text("token name", form.name, 1, 100);
    if (!name) {
      form.name_error = name.error().message;
    }
    std::optional<std::int64_t> store_id = visit.scope.store_id;
    {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      if (admin_console(visit) && !form.store.empty()) {
        auto store = storage::stores::find_by_code(*tx, form.store);
        if (!store) {
          return store.error();
        }
        if (!*store) {
          form.store_error = "There is no store with this code.";
        } else {
          store_id = (*store)->id;
        }
      }
      if (form.name_error.empty() && form.store_error.empty()) {
        auto created = storage::api_tokens::create(*tx, store_id, *name);
        if (!created) {
          return created.error();
        }
        if (auto done = tx->commit(); !done) {
          return done.error();
        }
        form.new_token = std::move(created->token);
        form.new_token_name = created->record.name;
      }
    }
    return load_tokens(s, visit);
  });
  if (!outcome) {
    co_return console.failure(context, visit, outcome.error());
  }
  if (!form.name_error.empty() || !form.store_error.empty()) {
    co_return tokens_page(console, request, context, visit, Status::unprocessable_entity, *outcome,
                          form, {});
  }
  s.log->info("request {}: user {} created API token '{}'", context.request_id, visit.who.user.id,
              form.new_token_name);
  TokenForm shown;
  shown.new_token = std::move(form.new_token);
  shown.new_token_name = std::move(form.new_token_name);
  co_return tokens_page(console, request, context, visit, Status::created, *outcome, shown, {});
}

// Revokes a token the visit may see: any on the admin console, only the store's own on a
// dashboard (another store's token is "not found", as if it did not exist).
asio::awaitable<Response> revoke_token(const Console& console, Request&, RequestContext& context,
                                       const RouteParams& params, Visit& visit) {
  const auto id = parse_id(params.get("id"));
  const Services& s = console.services();
  enum class Done : std::uint8_t { revoked, already, missing };
  auto done = co_await console.blocking([&s, &visit, id]() -> core::Result<Done> {
    if (!id) {
      return Done::missing;
    }
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto token = storage::api_tokens::get(*tx, *id);
    if (!token) {
      return token.error();
    }
    if (!*token || (!admin_console(visit) && (*token)->store_id != visit.scope.store_id)) {
      return Done::missing;
    }
    if ((*token)->revoked_at) {
      return Done::already;
    }
    if (auto revoked = storage::api_tokens::revoke(*tx, *id); !revoked) {
      return revoked.error();
    }
    if (auto committed = tx->commit(); !committed) {
      return committed.error();
    }
    return Done::revoked;
  });
  if (!done) {
    co_return console.failure(context, visit, done.error());
  }
  if (*done == Done::missing) {
    co_return console.error_page(context, visit.scope, Status::not_found, "No such token",
                                 "There is no such API token here.", visit.who);
  }
  if (*done == Done::revoked) {
    s.log->info("request {}: user {} revoked API token {}", context.request_id, visit.who.user.id,
                *id);
  }
  co_return redirect(
      Status::see_other,
      visit.url(*done == Done::revoked ? "/tokens?notice=revoked" : "/tokens?notice=already"));
}

}  // namespace

void add_account_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto admin = core::ContextType::admin;
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(admin, verb::get, "/admin/account", gated(console, Role::admin, &show_account));
  router.add(admin, verb::post, "/admin/account/password",
             gated(console, Role::admin, &post_password));
  router.add(dashboard, verb::get, "/account", gated(console, Role::staff, &show_account));
  router.add(dashboard, verb::post, "/account/password",
             gated(console, Role::staff, &post_password));

  router.add(admin, verb::get, "/admin/tokens", gated(console, Role::admin, &show_tokens));
  router.add(admin, verb::post, "/admin/tokens", gated(console, Role::admin, &create_token));
  router.add(admin, verb::post, "/admin/tokens/{id}/revoke",
             gated(console, Role::admin, &revoke_token));
  router.add(dashboard, verb::get, "/tokens", gated(console, Role::owner, &show_tokens));
  router.add(dashboard, verb::post, "/tokens", gated(console, Role::owner, &create_token));
  router.add(dashboard, verb::post, "/tokens/{id}/revoke",
             gated(console, Role::owner, &revoke_token));
}

}  // namespace orion::web::console

// What every console page shares (the platform admin at /admin, ADMIN context; each store's
// dashboard at /store/{code}/, STORE_DASHBOARD context, routes on the clean path after
// /store/{code}): the page frame, the error pages, and `enter`, the one gate every console
// handler passes first (store resolved, signed in, role high enough, CSRF token of a POST).
// The pages themselves live in the *_pages.cpp files beside this one, each adding its routes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <kainjow/mustache.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/context.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "storage/records.hpp"
#include "web/console/auth.hpp"
#include "web/services.hpp"

namespace orion::web::console {

using Data = kainjow::mustache::data;

// A request that passed the gate: who is signed in, with what role, and (for anything but
// GET/HEAD) the parsed form whose CSRF token matched the session's.
struct Visit {
  Scope scope;
  SignedIn who;
  http::Form form;

  [[nodiscard]] Role role() const noexcept { return who.role; }
  // A URL of this console: url("/products") is "/store/{code}/products" on a dashboard and
  // "/admin/products" on the admin; url("/") is the console's home.
  [[nodiscard]] std::string url(std::string_view path) const;
};

// What `enter` gives back: the visit, or the response to send instead.
using Entry = std::variant<Visit, http::Response>;

class Console {
 public:
  explicit Console(const Services& services) : s_(services) {}

  [[nodiscard]] const Services& services() const noexcept { return s_; }

  // The gate. In order: no such store → 404 page; not signed in → the login page for a GET or
  // HEAD, 401 JSON otherwise; signed in with a role below `need` → 403 page; a POST (any method
  // but GET/HEAD) whose body does not parse → 400 page, whose `csrf` form field (or
  // X-CSRF-Token header) is not the session's token → 403 page.
  //
  // With `body_deferred` (the upload routes, whose body the router has not read: RouteBody
  // deferred) the CSRF token must come with the head, in the X-CSRF-Token header or the `csrf`
  // query parameter (the upload forms put it in their action), and every check above is made
  // before the body is read; a refusal leaves it unread and the server closes the connection.
  boost::asio::awaitable<Entry> enter(http::Request& request, http::RequestContext& context,
                                      Role need, bool body_deferred = false) const;

  // Runs `work` (which opens its own transactions) on the blocking pool.
  template <class Work>
  auto blocking(Work&& work) const {
    return http::offload(s_.blocking, std::forward<Work>(work));
  }

  // The data every console page starts from: layout title, name, home link, the console's
  // navigation for this visitor's role, the signed-in bar and its CSRF token ("csrf": put it in
  // every form as <input type="hidden" name="csrf" value="{{csrf}}">).
  [[nodiscard]] Data page_data(const http::RequestContext& context, const Scope& scope,
                               std::string title, const std::optional<SignedIn>& signed_in) const;
  [[nodiscard]] Data page_data(const http::RequestContext& context, const Visit& visit,
                               std::string title) const {
    return page_data(context, visit.scope, std::move(title), visit.who);
  }

  // A rendered console page (no-store, never framed).
  [[nodiscard]] http::Response render(http::Status status, const std::string& template_name,
                                      const Data& data) const;

  [[nodiscard]] http::Response error_page(const http::RequestContext& context,
                                          const std::optional<Scope>& scope, http::Status status,
                                          std::string heading, std::string message,
                                          const std::optional<SignedIn>& signed_in = {}) const;
  // The page for a failed operation: its message and status (status_of(error.code)); a 5xx is
  // logged with the request id and shows only that id.
  [[nodiscard]] http::Response failure(const http::RequestContext& context,
                                       const std::optional<Scope>& scope, const core::Error& error,
                                       const std::optional<SignedIn>& signed_in = {}) const;
  [[nodiscard]] http::Response failure(const http::RequestContext& context, const Visit& visit,
                                       const core::Error& error) const {
    return failure(context, visit.scope, error, visit.who);
  }
  [[nodiscard]] http::Response no_such_store(const http::RequestContext& context) const;

  // Who is signed in to this console, if anyone.
  boost::asio::awaitable<core::Result<std::optional<SignedIn>>> signed_in(
      const http::Request& request, const Scope& scope) const;

  // The storefront of the dashboard's store, in the mode the dashboard was reached by.
  static std::string shop_url(const http::RequestContext& context);

  // Where the platform host's pages are, seen from this request: "" on the platform host,
  // scheme://platform-domain[:port] from admin.<platform>.
  [[nodiscard]] std::string platform_origin(const http::Request& request,
                                            const http::RequestContext& context) const;

 private:
  const Services& s_;
};

// Console responses.
http::Response html(http::Status status, std::string body);
http::Response redirect(http::Status status, const std::string& location);
// What an anonymous request gets: the login page for a page view, 401 for anything else.
http::Response anonymous(const http::Request& request, const Scope& scope);
bool reads(const http::Request& request);

// Formatting shared by the pages.
std::string money(std::int64_t cents, const std::string& currency);
std::string utc_time(std::int64_t unix_seconds);
bool is_hex_colour(std::string_view text);
bool is_safe_font(std::string_view text);

// A route handler that passes the gate with `need` first; the page gets the visit.
using Page = boost::asio::awaitable<http::Response> (*)(const Console&, http::Request&,
                                                        http::RequestContext&,
                                                        const http::RouteParams&, Visit&);
http::RouteHandler gated(std::shared_ptr<const Console> console, Role need, Page page);
// The same for a route whose body is deferred (uploads.hpp upload_body): the gate runs on the
// head, then the body is read.
http::RouteHandler gated_upload(std::shared_ptr<const Console> console, Role need, Page page);

// Each file of pages adds its routes (called by add_console_routes, in this order).
void add_login_routes(http::Router& router, const std::shared_ptr<const Console>& console);
void add_account_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_admin_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_dashboard_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_theme_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_domain_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_invitation_pages(http::Router& router, const std::shared_ptr<const Console>& console);

}  // namespace orion::web::console

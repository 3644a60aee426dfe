// The consoles' routes: every file of console pages adds its own (console/console.hpp).
#include "web/console/console.hpp"
#include "web/routes.hpp"

namespace orion::web {

void add_console_routes(http::Router& router, const Services& services) {
  // Owned by the routes' handlers: the router keeps them as long as the app lives.
  auto console = std::make_shared<const console::Console>(services);
  console::add_login_routes(router, console);
  console::add_account_pages(router, console);
  console::add_admin_pages(router, console);
  console::add_dashboard_pages(router, console);
  console::add_theme_pages(router, console);
  console::add_domain_pages(router, console);
  console::add_invitation_pages(router, console);
}

}  // namespace orion::web

// add_shop_routes: everything web/shop/ serves (see shop.hpp for the routes of each group).
#include "web/routes.hpp"
#include "web/shop/shop.hpp"

namespace orion::web {

void add_shop_routes(http::Router& router, const Services& services) {
  shop::add_storefront_pages(router, services);
  shop::add_storefront_api(router, services);
  shop::add_store_files(router, services);
  shop::add_platform_page(router, services);
}

}  // namespace orion::web

// The route groups of web/shop/, which add_shop_routes (shop_routes.cpp) registers together:
// the storefront's pages, its JSON API under /shop/api/, the stores' files under
// /static/stores/{code}/, and the platform host's own page.
#pragma once

#include "http/router.hpp"
#include "web/services.hpp"

namespace orion::web::shop {

// SHOP: /shop/, /shop/products, /shop/products/{id}, /shop/cart, /shop/cart/items,
// /shop/cart/items/{id}/remove, /shop/checkout (POST; a GET of these redirects to the cart),
// /shop/orders/{number}, /shop/theme.css, and the SHOP not-found page (storefront.cpp).
void add_storefront_pages(http::Router& router, const Services& services);
// SHOP: /shop/api/products, /shop/api/products/{id}, /shop/api/orders (shop_api.cpp).
void add_storefront_api(http::Router& router, const Services& services);
// PLATFORM and SHOP: /static/stores/{code}/{name} (files.cpp).
void add_store_files(http::Router& router, const Services& services);
// PLATFORM: / (platform_page.cpp).
void add_platform_page(http::Router& router, const Services& services);

}  // namespace orion::web::shop

// The management API /api/v1/ (DESIGN.md §4): the admin routes, the store routes, the public
// OpenAPI document that describes them all (openapi.json, embedded in the binary by build.cmake
// and held against the route table by tests/integration/server/openapi_test.cpp), and the JSON
// 404 for any other path under /api.
#include "web/api/api_call.hpp"
#include "web/routes.hpp"

namespace orion::web {

void add_api_routes(http::Router& router, const Services& services) {
  api::add_admin_routes(router, services);
  api::add_store_routes(router, services);

  router.add(core::ContextType::api, boost::beast::http::verb::get, "/api/v1/openapi.json",
             [](http::Request&, http::RequestContext&,
                const http::RouteParams&) -> boost::asio::awaitable<http::Response> {
               http::Response response = http::make_response(
                   http::Status::ok, std::string(api::openapi_document()), "application/json");
               response.set(boost::beast::http::field::cache_control, "public, max-age=300");
               co_return response;
             });

  router.set_not_found(core::ContextType::api,
                       [](http::Request&, http::RequestContext&,
                          const http::RouteParams&) -> boost::asio::awaitable<http::Response> {
                         co_return api::respond(api::not_found(
                             "no such API route; the routes are listed at /api/v1/openapi.json"));
                       });
}

}  // namespace orion::web

// The plumbing every management-API handler shares (DESIGN.md §4): the platform-host check, the
// bearer token and its scope, the store a path names, one transaction per request on the
// blocking pool, the JSON error shape with the offending field, request-body parsing and the
// list envelope. Handlers (stores_routes.cpp, store_routes.cpp) only say what to do with a
// request that got this far.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/context.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "storage/domains.hpp"
#include "storage/records.hpp"
#include "web/auth.hpp"
#include "web/services.hpp"

namespace orion::web::api {

// A request the API refuses: the status, the snake_case code, a message, and the request field
// at fault when there is one ({"error":{"code","message","field"?}}).
struct Failure {
  http::Status status = http::Status::internal_server_error;
  std::string code;
  std::string message;
  std::string field;
};

// Reached only by calling value() on a failed Outcome: a programming error.
[[noreturn]] void throw_exception_from_error(const Failure& failure,
                                             const boost::source_location& loc);

template <class T>
using Outcome = boost::system::result<T, Failure>;

// A storage or core error, mapped to its status by http::status_of (the one mapping).
Failure failure_of(const core::Error& error);
// The same, but an invalid_input error whose message begins with one of `fields` names that
// field (the repositories word their checks "name must have 1 to 200 characters").
Failure failure_of(const core::Error& error, std::initializer_list<std::string_view> fields);
// 422: `field` is missing (code missing_field) or invalid (code invalid_field); the message is
// "<field>: <problem>".
Failure missing_field(std::string_view field);
Failure invalid_field(std::string_view field, std::string_view problem);
Failure not_found(std::string message);

http::Response respond(const Failure& failure);
// A JSON response of `value`; 201 gets `location` as Location when given.
http::Response json_response(http::Status status, const boost::json::value& value,
                             std::string_view location = {});
http::Response no_content();

// The request body as a JSON object: Content-Type application/json and a well-formed object, or
// 400 (code unsupported_content_type, malformed_json or invalid_body). With `optional`, an empty
// body (any Content-Type) is an empty object.
Outcome<boost::json::object> json_body(const http::Request& request, bool optional = false);
// 422 unknown_field for a member not in `allowed` (a typo is an error, not a silent no-op).
Outcome<void> only_fields(const boost::json::object& body,
                          std::initializer_list<std::string_view> allowed);

// Readers of one member: none when absent; 422 naming the field when of the wrong type.
Outcome<std::optional<std::string>> string_field(const boost::json::object& body,
                                                 std::string_view name);
// A string or null: none when absent, a none inside when null (a PATCH clearing the value).
Outcome<std::optional<std::optional<std::string>>> nullable_string_field(
    const boost::json::object& body, std::string_view name);
Outcome<std::optional<std::int64_t>> integer_field(const boost::json::object& body,
                                                   std::string_view name, std::int64_t min,
                                                   std::int64_t max);
Outcome<std::optional<std::optional<std::int64_t>>> nullable_integer_field(
    const boost::json::object& body, std::string_view name, std::int64_t min, std::int64_t max);
Outcome<std::optional<bool>> boolean_field(const boost::json::object& body, std::string_view name);

// ?limit=1..500 (default 50) and ?offset>=0 (default 0); 422 naming the parameter otherwise.
Outcome<storage::Page> page_of(std::string_view query);
// {"items":[...],"total":N,"limit":L,"offset":O}
boost::json::object list_envelope(boost::json::array items, std::int64_t total,
                                  const storage::Page& page);

// Who may call a route, and which store its path names.
struct Access {
  enum class Who : std::uint8_t { admin, admin_or_own_store };
  enum class Via : std::uint8_t { nothing, store_code, domain };
  Who who = Who::admin;
  Via via = Via::nothing;
  std::string_view key;  // the store code or domain from the path (Via::store_code, Via::domain)
};

// One request that passed authentication and its scope check: what the handler works with.
// Runs on the blocking pool.
struct Call {
  const Services& services;
  const http::Request& request;
  const http::RequestContext& context;
  auth::TokenCaller caller;
  std::optional<storage::StoreRecord> store;               // Via::store_code, Via::domain
  std::optional<storage::domains::PlatformDomain> domain;  // Via::domain
};

using PlatformWork = std::function<Outcome<http::Response>(Call&, storage::PlatformTransaction&)>;
using TenantWork = std::function<Outcome<http::Response>(Call&, storage::TenantTransaction&)>;

// Checks the host (the API answers on the platform host only), the token and `access`, then
// runs `work` in the same platform transaction as the token check and commits it when `work`
// succeeds. All of it on the blocking pool.
boost::asio::awaitable<http::Response> serve_platform(const Services& services,
                                                      http::Request& request,
                                                      http::RequestContext& context, Access access,
                                                      PlatformWork work);
// The same checks in a platform transaction (which also looks up the store `access` names), then
// `work` in one tenant transaction of that store (TenantScope::admin: the token's scope is the
// authorisation), committed when `work` succeeds. Never two transactions open at once.
boost::asio::awaitable<http::Response> serve_tenant(const Services& services,
                                                    http::Request& request,
                                                    http::RequestContext& context, Access access,
                                                    TenantWork work);

// Registers an API route whose Access key is the path parameter `param` (empty: none).
struct Guard {
  Access::Who who = Access::Who::admin;
  Access::Via via = Access::Via::nothing;
  std::string_view param;
};
using PlatformHandler = std::function<Outcome<http::Response>(Call&, storage::PlatformTransaction&,
                                                              const http::RouteParams&)>;
using TenantHandler = std::function<Outcome<http::Response>(Call&, storage::TenantTransaction&,
                                                            const http::RouteParams&)>;
void add_platform_route(http::Router& router, const Services& services,
                        boost::beast::http::verb method, std::string pattern, Guard guard,
                        PlatformHandler handler);
void add_tenant_route(http::Router& router, const Services& services,
                      boost::beast::http::verb method, std::string pattern, Guard guard,
                      TenantHandler handler);

// The route groups (admin_routes.cpp, store_routes.cpp) and the OpenAPI document
// (openapi.json, embedded by build.cmake).
void add_admin_routes(http::Router& router, const Services& services);
void add_store_routes(http::Router& router, const Services& services);
std::string_view openapi_document() noexcept;

// JSON views of the records, as the API returns them.
boost::json::object store_json(const storage::StoreRecord& store);
boost::json::object domain_json(const storage::DomainRecord& domain, std::string_view store_code);
boost::json::object product_json(const storage::ProductRecord& product);
boost::json::object order_json(const storage::OrderRecord& order);
boost::json::object theme_json(const storage::Theme& theme);

}  // namespace orion::web::api

#include "web/api/api_call.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/throw_exception.hpp>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "core/host.hpp"
#include "core/text.hpp"
#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "http/query.hpp"
#include "storage/stores.hpp"

namespace orion::web::api {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using http::Response;
using http::Status;

void throw_exception_from_error(const Failure& failure, const boost::source_location& loc) {
  boost::throw_exception(std::logic_error("unchecked API failure: " + failure.message), loc);
}

Failure failure_of(const core::Error& error) {
  if (error.code == core::Errc::wrong_store) {
    return not_found("no such resource");
  }
  return Failure{
      http::status_of(error.code), std::string(core::to_string(error.code)), error.message, {}};
}

Failure failure_of(const core::Error& error, std::initializer_list<std::string_view> fields) {
  if (error.code == core::Errc::invalid_input) {
    for (const std::string_view field : fields) {
      const std::string_view message = error.message;
      if (message.size() > field.size() + 1 && message.starts_with(field) &&
          message[field.size()] == ' ') {
        return invalid_field(field, message.substr(field.size() + 1));
      }
    }
  }
  return failure_of(error);
}

Failure missing_field(std::string_view field) {
  return Failure{Status::unprocessable_entity, "missing_field",
                 std::string(field) + ": is required", std::string(field)};
}

Failure invalid_field(std::string_view field, std::string_view problem) {
  return Failure{Status::unprocessable_entity, "invalid_field",
                 std::string(field) + ": " + std::string(problem), std::string(field)};
}

Failure not_found(std::string message) {
  return Failure{Status::not_found, "not_found", std::move(message), {}};
}

Response respond(const Failure& failure) {
  if (failure.status == Status::unauthorized) {
    return auth::unauthorized(failure.code, failure.message, true);
  }
  json::object error{{"code", failure.code}, {"message", failure.message}};
  if (!failure.field.empty()) {
    error["field"] = failure.field;
  }
  const json::object body{{"error", std::move(error)}};
  return http::make_response(failure.status, json::serialize(body), "application/json");
}

Response json_response(Status status, const json::value& value, std::string_view location) {
  Response response = http::make_response(status, json::serialize(value), "application/json");
  if (!location.empty()) {
    response.set(beast_http::field::location, location);
  }
  return response;
}

Response no_content() {
  Response response{Status::no_content, 11};
  response.prepare_payload();
  return response;
}

namespace {

bool is_json_media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  media = core::text::trim(media);
  constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) {
    return false;
  }
  for (std::size_t i = 0; i < media.size(); ++i) {
    if (core::text::to_lower(media[i]) != kJson[i]) {
      return false;
    }
  }
  return true;
}

Failure bad_request(std::string_view code, std::string message) {
  return Failure{Status::bad_request, std::string(code), std::move(message), {}};
}

std::string range_problem(std::int64_t min, std::int64_t max) {
  if (min == 0 && max == std::numeric_limits<std::int64_t>::max()) {
    return "must be a non-negative integer";
  }
  if (min == 0) {
    return "must be a non-negative integer no greater than " + std::to_string(max);
  }
  return "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

Outcome<std::int64_t> integer_of(const json::value& value, std::string_view name, std::int64_t min,
                                 std::int64_t max) {
  std::optional<std::int64_t> number;
  if (value.is_int64()) {
    number = value.get_int64();
  } else if (value.is_uint64()) {
    // Larger than any int64: out of every range the API accepts.
    return invalid_field(name, range_problem(min, max));
  }
  if (!number) {
    return invalid_field(name, range_problem(min, max));
  }
  if (*number < min || *number > max) {
    return invalid_field(name, range_problem(min, max));
  }
  return *number;
}

// A query parameter as a non-negative integer; none when absent.
Outcome<std::optional<std::int64_t>> query_integer(std::string_view query, std::string_view name,
                                                   std::int64_t min, std::int64_t max) {
  const auto text = http::query_param(query, name);
  if (!text) {
    return std::optional<std::int64_t>();
  }
  std::int64_t number = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, number);
  if (text->empty() || ec != std::errc{} || ptr != end || number < min || number > max) {
    return invalid_field(name, range_problem(min, max));
  }
  return std::optional<std::int64_t>(number);
}

}  // namespace

Outcome<json::object> json_body(const http::Request& request, bool optional) {
  const std::string& body = request.body();
  if (optional && core::text::trim(body).empty()) {
    return json::object();
  }
  if (!is_json_media_type(request[beast_http::field::content_type])) {
    return bad_request("unsupported_content_type",
                       "the request body must be JSON, sent with Content-Type: application/json");
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) {
    return bad_request("malformed_json", "the request body is not valid JSON: " + ec.message());
  }
  if (!parsed.is_object()) {
    return bad_request("invalid_body", "the request body must be a JSON object");
  }
  return std::move(parsed.as_object());
}

Outcome<void> only_fields(const json::object& body,
                          std::initializer_list<std::string_view> allowed) {
  for (const auto& member : body) {
    bool known = false;
    for (const std::string_view name : allowed) {
      known = known || member.key() == name;
    }
    if (!known) {
      std::string list;
      for (const std::string_view name : allowed) {
        list += list.empty() ? "" : ", ";
        list += name;
      }
      return Failure{
          Status::unprocessable_entity, "unknown_field",
          std::string(member.key()) + ": is not a field of this request (expected " + list + ")",
          std::string(member.key())};
    }
  }
  return {};
}

Outcome<std::optional<std::string>> string_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  if (!value->is_string()) {
    return invalid_field(name, "must be a string");
  }
  return std::optional<std::string>(std::string(value->get_string()));
}

Outcome<std::optional<std::optional<std::string>>> nullable_string_field(const json::object& body,
                                                                         std::string_view name) {
  using Answer = std::optional<std::optional<std::string>>;
  const json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return Answer();
  }
  if (value->is_null()) {
    return Answer(std::optional<std::string>());
  }
  if (!value->is_string()) {
    return invalid_field(name, "must be a string or null");
  }
  return Answer(std::string(value->get_string()));
}

Outcome<std::optional<std::int64_t>> integer_field(const json::object& body, std::string_view name,
                                                   std::int64_t min, std::int64_t max) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  auto number = integer_of(*value, name, min, max);
  if (!number) {
    return number.error();
  }
  return std::optional<std::int64_t>(*number);
}

Outcome<std::optional<std::optional<std::int64_t>>> nullable_integer_field(const json::object& body,
                                                                           std::string_view name,
                                                                           std::int64_t min,
                                                                           std::int64_t max) {
  using Answer = std::optional<std::optional<std::int64_t>>;
  const json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return Answer();
  }
  if (value->is_null()) {
    return Answer(std::optional<std::int64_t>());
  }
  auto number = integer_of(*value, name, min, max);
  if (!number) {
    return invalid_field(name, range_problem(min, max) + ", or null");
  }
  return Answer(*number);
}

Outcome<std::optional<bool>> boolean_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr) {
    return std::optional<bool>();
  }
  if (!value->is_bool()) {
    return invalid_field(name, "must be true or false");
  }
  return std::optional<bool>(value->get_bool());
}

Outcome<storage::Page> page_of(std::string_view query) {
  storage::Page page;
  auto limit = query_integer(query, "limit", 1, 500);
  if (!limit) {
    return limit.error();
  }
  auto offset = query_integer(query, "offset", 0, std::numeric_limits<std::int64_t>::max());
  if (!offset) {
    return offset.error();
  }
  page.limit = limit->value_or(50);
  page.offset = offset->value_or(0);
  return page;
}

json::object list_envelope(json::array items, std::int64_t total, const storage::Page& page) {
  return json::object{{"items", std::move(items)},
                      {"total", total},
                      {"limit", page.limit},
                      {"offset", page.offset}};
}

namespace {

// The management API belongs to the platform: a store's own host (custom domain or subdomain)
// never serves it, so no store host answers for other stores (DESIGN.md §2, fail closed).
std::optional<Response> refused_host(const http::RequestContext& context) {
  const core::Resolution& resolution = *context.resolution;
  if (resolution.role != core::HostRole::platform || resolution.store) {
    return respond(not_found("the management API is served on the platform host only"));
  }
  return std::nullopt;
}

// Without a usable Authorization header there is nothing to look up.
std::optional<Response> refused_credentials(const auth::Credentials& credentials) {
  switch (credentials.state) {
    case auth::Credentials::State::missing:
      return auth::unauthorized("missing_token",
                                "send an API token as Authorization: Bearer <token> "
                                "(orion token create)",
                                false);
    case auth::Credentials::State::malformed:
      return auth::unauthorized("invalid_token",
                                "the Authorization header must be exactly Bearer <token>", true);
    case auth::Credentials::State::bearer:
      break;
  }
  return std::nullopt;
}

Failure forbidden(std::string_view code, std::string message) {
  return Failure{Status::forbidden, std::string(code), std::move(message), {}};
}

// Authenticates the token and checks `access` in `tx`, filling call.caller, call.store and
// call.domain.
Outcome<void> admit(Call& call, const Access& access, std::string_view token,
                    storage::PlatformTransaction& tx) {
  auto caller = auth::authenticate_bearer(tx, token);
  if (!caller) {
    return failure_of(caller.error());
  }
  if (!*caller) {
    return Failure{
        Status::unauthorized, "invalid_token", "the API token is unknown or has been revoked", {}};
  }
  call.caller = **caller;
  if (access.who == Access::Who::admin && !call.caller.is_admin()) {
    return forbidden("admin_token_required",
                     "this route needs an admin token; a store token may use "
                     "/api/v1/stores/{its store code}/... only");
  }
  switch (access.via) {
    case Access::Via::nothing:
      return {};
    case Access::Via::store_code: {
      auto store = storage::stores::find_by_code(tx, access.key);
      if (!store) {
        return failure_of(store.error());
      }
      if (!*store) {
        // A store token learns nothing about other stores, not even whether they exist.
        if (!call.caller.is_admin()) {
          return forbidden("wrong_store", "this token belongs to another store");
        }
        return not_found("store '" + std::string(access.key) + "' does not exist");
      }
      call.store = std::move(**store);
      break;
    }
    case Access::Via::domain: {
      auto host = core::normalize_host(core::text::trim(access.key));
      if (!host) {
        return not_found("the domain " + std::string(access.key) + " does not exist");
      }
      auto domain = storage::domains::find_any(tx, host->name);
      if (!domain) {
        return failure_of(domain.error());
      }
      if (!*domain) {
        return not_found("the domain " + host->name + " does not exist");
      }
      auto store = storage::stores::find_by_id(tx, (*domain)->record.store_id);
      if (!store) {
        return failure_of(store.error());
      }
      if (!*store) {
        return failure_of(core::make_error(core::Errc::internal, "a domain without its store"));
      }
      call.store = std::move(**store);
      call.domain = std::move(**domain);
      break;
    }
  }
  if (!call.caller.may_act_on(call.store->id)) {
    return forbidden("wrong_store", "this token belongs to another store");
  }
  if (!call.caller.is_admin() && !call.store->is_active) {
    return forbidden("store_inactive",
                     "this store is deactivated; only an admin token can manage it now");
  }
  return {};
}

}  // namespace

boost::asio::awaitable<Response> serve_platform(const Services& services, http::Request& request,
                                                http::RequestContext& context, Access access,
                                                PlatformWork work) {
  if (auto refused = refused_host(context)) {
    co_return std::move(*refused);
  }
  const auth::Credentials credentials = auth::credentials_of(request);
  if (auto refused = refused_credentials(credentials)) {
    co_return std::move(*refused);
  }
  co_return co_await http::offload(services.blocking, [&]() -> Response {
    Call call{services, request, context, {}, {}, {}};
    auto tx = services.database.begin_platform();
    if (!tx) {
      return respond(failure_of(tx.error()));
    }
    if (auto admitted = admit(call, access, credentials.token, *tx); !admitted) {
      return respond(admitted.error());
    }
    auto response = work(call, *tx);
    if (!response) {
      return respond(response.error());
    }
    if (auto done = tx->commit(); !done) {
      return respond(failure_of(done.error()));
    }
    return std::move(*response);
  });
}

boost::asio::awaitable<Response> serve_tenant(const Services& services, http::Request& request,
                                              http::RequestContext& context, Access access,
                                              TenantWork work) {
  if (auto refused = refused_host(context)) {
    co_return std::move(*refused);
  }
  const auth::Credentials credentials = auth::credentials_of(request);
  if (auto refused = refused_credentials(credentials)) {
    co_return std::move(*refused);
  }
  co_return co_await http::offload(services.blocking, [&]() -> Response {
    Call call{services, request, context, {}, {}, {}};
    {
      // The token check and the store lookup, committed (the token's last use) and closed
      // before the tenant transaction opens: one transaction at a time on this thread.
      auto tx = services.database.begin_platform();
      if (!tx) {
        return respond(failure_of(tx.error()));
      }
      if (auto admitted = admit(call, access, credentials.token, *tx); !admitted) {
        return respond(admitted.error());
      }
      if (!call.store) {
        return respond(failure_of(
            core::make_error(core::Errc::internal, "a store route without a store in its path")));
      }
      if (auto done = tx->commit(); !done) {
        return respond(failure_of(done.error()));
      }
    }
    // The token's scope was checked against this store above: the explicit admin path.
    auto tx = services.database.begin(storage::TenantScope::admin(call.store->snapshot()));
    if (!tx) {
      return respond(failure_of(tx.error()));
    }
    auto response = work(call, *tx);
    if (!response) {
      return respond(response.error());
    }
    if (auto done = tx->commit(); !done) {
      return respond(failure_of(done.error()));
    }
    return std::move(*response);
  });
}

void add_platform_route(http::Router& router, const Services& services,
                        boost::beast::http::verb method, std::string pattern, Guard guard,
                        PlatformHandler handler) {
  router.add(core::ContextType::api, method, std::move(pattern),
             [s = &services, guard, handler = std::move(handler)](
                 http::Request& request, http::RequestContext& context,
                 const http::RouteParams& params) -> boost::asio::awaitable<Response> {
               const Access access{guard.who, guard.via, params.get(guard.param)};
               co_return co_await serve_platform(*s, request, context, access,
                                                 [&](Call& call, storage::PlatformTransaction& tx) {
                                                   return handler(call, tx, params);
                                                 });
             });
}

void add_tenant_route(http::Router& router, const Services& services,
                      boost::beast::http::verb method, std::string pattern, Guard guard,
                      TenantHandler handler) {
  router.add(core::ContextType::api, method, std::move(pattern),
             [s = &services, guard, handler = std::move(handler)](
                 http::Request& request, http::RequestContext& context,
                 const http::RouteParams& params) -> boost::asio::awaitable<Response> {
               const Access access{guard.who, guard.via, params.get(guard.param)};
               co_return co_await serve_tenant(*s, request, context, access,
                                               [&](Call& call, storage::TenantTransaction& tx) {
                                                 return handler(call, tx, params);
                                               });
             });
}

json::object store_json(const storage::StoreRecord& store) {
  return json::object{{"id", store.id},
                      {"code", store.code},
                      {"name", store.name},
                      {"is_active", store.is_active},
                      {"created_at", store.created_at}};
}

namespace {

json::value time_or_null(const std::optional<std::int64_t>& at) {
  return at ? json::value(*at) : json::value(nullptr);
}

}  // namespace

json::object domain_json(const storage::DomainRecord& domain, std::string_view store_code) {
  json::object out{{"domain", domain.domain},
                   {"store", store_code},
                   {"state", storage::to_string(domain.state)},
                   {"is_verified", domain.is_verified},
                   {"is_primary", domain.is_primary},
                   {"primary", domain.is_primary},
                   {"verified_by", domain.verified_by.empty() ? json::value(nullptr)
                                                              : json::value(domain.verified_by)},
                   {"verified_at", time_or_null(domain.verified_at)},
                   {"checked_at", time_or_null(domain.checked_at)},
                   {"next_check_at", time_or_null(domain.next_check_at)},
                   {"failing_since", time_or_null(domain.failing_since)},
                   {"detached_at", time_or_null(domain.detached_at)},
                   {"last_result", domain.last_result.empty() ? json::value(nullptr)
                                                              : json::value(domain.last_result)},
                   {"created_at", domain.created_at}};
  // DESIGN.md §4: a TXT record at _orion-verify.<domain>, or Orion answering the token at
  // http://<domain>/.well-known/orion-verify/<token>.
  out["verification"] =
      json::object{{"record_type", "TXT"},
                   {"record_name", "_orion-verify." + domain.domain},
                   {"record_value", "orion-verify=" + domain.verification_token},
                   {"http_path", "/.well-known/orion-verify/" + domain.verification_token}};
  return out;
}

namespace {

template <class T>
json::value or_null(const std::optional<T>& value) {
  if (value) {
    return json::value(*value);
  }
  return json::value(nullptr);
}

}  // namespace

json::object product_json(const storage::ProductRecord& product) {
  return json::object{{"id", product.id},
                      {"sku", or_null(product.sku)},
                      {"name", product.name},
                      {"description", product.description},
                      {"price_cents", product.price_cents},
                      {"currency", product.currency},
                      {"stock", or_null(product.stock)},
                      {"image_url", or_null(product.image_url)},
                      {"is_active", product.is_active},
                      {"created_at", product.created_at},
                      {"updated_at", product.updated_at}};
}

json::object order_json(const storage::OrderRecord& order) {
  return json::object{{"id", order.id},
                      {"order_number", order.order_number},
                      {"customer_email", order.customer_email},
                      {"status", order.status},
                      {"currency", order.currency},
                      {"total_cents", order.total_cents},
                      {"created_at", order.created_at},
                      {"updated_at", order.updated_at}};
}

json::object theme_json(const storage::Theme& theme) {
  return json::object{{"primary_color", theme.primary_color},
                      {"secondary_color", theme.secondary_color},
                      {"background_color", theme.background_color},
                      {"text_color", theme.text_color},
                      {"font_family", theme.font_family},
                      {"logo_url", or_null(theme.logo_url)},
                      {"custom_css", theme.custom_css},
                      {"updated_at", theme.updated_at}};
}

}  // namespace orion::web::api

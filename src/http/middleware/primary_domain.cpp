#include "http/middleware/primary_domain.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

#include "core/path.hpp"

namespace orion::http {

bool redirects_to_primary(const core::Resolution& r) noexcept {
  if (!r.store || r.store->primary_domain().empty() || r.context != core::ContextType::shop ||
      r.host == r.store->primary_domain()) {
    return false;
  }
  const std::string_view path = r.clean_path;
  return !core::path_is_under(path, "/shop/api") && !core::path_is_under(path, "/api") &&
         !core::path_is_under(path, "/static") && !core::path_is_under(path, "/.well-known");
}

std::string encode_path(std::string_view path) {
  // pchars plus '/': the segments stay segments, anything else is escaped.
  constexpr auto kPath = boost::urls::pchars + boost::urls::grammar::lut_chars('/');
  return boost::urls::encode(path, kPath);
}

asio::awaitable<Response> PrimaryDomain::handle(Request& request, RequestContext& context,
                                                Next next) const {
  const core::Resolution& r = *context.resolution;
  if (!redirects_to_primary(r)) {
    co_return co_await next(request, context);
  }
  std::string location = scheme_ + "://" + r.store->primary_domain();
  // A path-form store root (/stores/{code}) has an empty clean path: the primary's root.
  location += r.clean_path.empty() ? std::string("/") : encode_path(r.clean_path);
  if (!r.query.empty()) {
    location += '?';
    location += r.query;
  }
  const bool reads =
      request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  Response response = make_response(reads ? Status::moved_permanently : Status::permanent_redirect,
                                    "moved to " + location + "\n", "text/plain; charset=utf-8");
  response.set(beast_http::field::location, location);
  // Browsers keep a 301 without cache headers for as long as they like, so an owner who unmarks
  // or changes the primary domain would see old visitors sent to the old one indefinitely. An
  // hour bounds that, and still spares a returning visitor the extra round trip.
  response.set(beast_http::field::cache_control, "max-age=3600");
  co_return response;
}

}  // namespace orion::http

#include "web/canonical_url.hpp"

#include <boost/beast/http/field.hpp>

#include "http/middleware/primary_domain.hpp"

namespace orion::web {

std::string port_suffix(std::string_view host) {
  const std::size_t bracket = host.rfind(']');
  const std::size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return {};
  }
  const std::string_view port = host.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return {};
  }
  return ":" + std::string(port);
}

std::string canonical_store_url(const Services& services, const http::Request& request,
                                const http::RequestContext& context, std::string_view path) {
  const core::Resolution& r = *context.resolution;
  const std::string encoded = http::encode_path(path);
  if (r.store && !r.store->primary_domain().empty()) {
    return services.canonical_scheme + "://" + r.store->primary_domain() + encoded;
  }
  std::string url = context.peer.tls ? "https://" : "http://";
  url += r.host;
  url += port_suffix(request[boost::beast::http::field::host]);
  url += r.base_path;
  url += encoded;
  return url;
}

}  // namespace orion::web

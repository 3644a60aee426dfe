// The platform host's own page (GET / in the PLATFORM context): what Orion is, and links to
// try — a few open stores in path mode and in subdomain mode — plus the operator's endpoints.
#include <boost/beast/http/field.hpp>
#include <string>

#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "storage/stores.hpp"
#include "web/canonical_url.hpp"
#include "web/shop/shop.hpp"
#include "web/shop/shop_support.hpp"
#include "web/templates.hpp"

namespace orion::web::shop {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;

constexpr std::int64_t kListedStores = 12;

Response platform_home(const Services& s, const Request& request, const RequestContext& context) {
  std::vector<storage::StoreRecord> stores;
  {
    auto tx = s.database.begin_platform(storage::Access::read);
    if (!tx) {
      return http::error_response(tx.error());
    }
    auto listed = storage::stores::list(*tx, storage::Page{kListedStores * 4, 0});
    if (!listed) {
      return http::error_response(listed.error());
    }
    stores = std::move(*listed);
  }
  const std::string scheme = context.peer.tls ? "https://" : "http://";
  const std::string port = port_suffix(request[beast_http::field::host]);
  mustache::data list{mustache::data::type::list};
  std::int64_t shown = 0;
  for (const auto& store : stores) {
    if (!store.is_active || shown == kListedStores) {
      continue;
    }
    ++shown;
    mustache::data item;
    item.set("name", store.name);
    item.set("path_url", "/stores/" + store.code + "/shop/");
    item.set("subdomain_url", scheme + store.code + "." + s.platform.domain() + port + "/shop/");
    list.push_back(item);
  }
  mustache::data data;
  data.set("title", "Orion");
  data.set("site_name", "Orion");
  data.set("context", "platform");
  data.set("home_url", "/");
  data.set("platform_domain", s.platform.domain());
  data.set("stores", list);
  data.set("has_stores", shown > 0);
  return render_page(s, Status::ok, "platform/home", data);
}

}  // namespace

void add_platform_page(http::Router& router, const Services& services) {
  const Services* s = &services;
  router.add(core::ContextType::platform, beast_http::verb::get, "/",
             [s](Request& request, RequestContext& context,
                 const RouteParams&) -> asio::awaitable<Response> {
               co_return co_await http::offload(
                   s->blocking, [&] { return platform_home(*s, request, context); });
             });
}

}  // namespace orion::web::shop

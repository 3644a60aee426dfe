#include "http/middleware/page_cache_step.hpp"

#include <boost/beast/http/field.hpp>

namespace orion::http {
namespace {

// ":8080" of "shop.example:8080", "" without a port (or for "[::1]").
std::string_view port_of(std::string_view host) noexcept {
  const std::size_t colon = host.rfind(':');
  const std::size_t bracket = host.rfind(']');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return {};
  }
  return host.substr(colon);
}

}  // namespace

std::string page_key(const Request& request, const RequestContext& context) {
  const core::Resolution& r = *context.resolution;
  std::string key = std::to_string(r.store->id);
  key += context.peer.tls ? " https://" : " http://";
  key += r.host.view();
  key += port_of(request[beast_http::field::host]);
  key += ' ';
  key += r.base_path.view();
  key += r.clean_path;
  key += '?';
  key += r.query;
  return key;
}

asio::awaitable<Response> PageCacheStep::handle(Request& request, RequestContext& context,
                                                Next next) const {
  const core::Resolution& r = *context.resolution;
  const auto method = request.method();
  // Not while this process may have missed a change (the change feed is not current).
  if ((method != beast_http::verb::get && method != beast_http::verb::head) || !r.store ||
      r.context != core::ContextType::shop || !context.current) {
    co_return co_await next(request, context);
  }
  std::string key = page_key(request, context);
  const std::int64_t store_id = r.store->id;
  if (auto page = pages_.find(key, store_id)) {
    if (if_none_match(request[beast_http::field::if_none_match], page->etag)) {
      co_return not_modified(page->response);
    }
    co_return page->response;
  }
  // Before the build reads anything: the versions it will be checked against.
  const PageCache::Ticket ticket = pages_.ticket(store_id, context.started);
  Response response = co_await next(request, context);
  const std::string_view cache_control = response[beast_http::field::cache_control];
  if (!context.cacheable || response.result() != Status::ok ||
      response.count(beast_http::field::set_cookie) > 0 ||
      cache_control.find("no-store") != std::string_view::npos ||
      cache_control.find("private") != std::string_view::npos) {
    co_return response;
  }
  const std::string etag = entity_tag(response.body());
  response.set(beast_http::field::etag, etag);
  if (method == beast_http::verb::get) {
    pages_.insert(std::move(key), ticket, response);
  }
  if (if_none_match(request[beast_http::field::if_none_match], etag)) {
    co_return not_modified(response);
  }
  co_return response;
}

}  // namespace orion::http

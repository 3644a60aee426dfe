#include "http/middleware/verification_token.hpp"

#include <boost/beast/http/field.hpp>

#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "storage/secrets.hpp"

namespace orion::http {
namespace {

// Tokens are URL-safe random strings well under this; anything longer is not worth a query.
constexpr std::size_t kMaxToken = 128;

bool token_like(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxToken) {
    return false;
  }
  for (const char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Response plain(Status status, std::string body) {
  Response response = make_response(status, std::move(body), "text/plain; charset=utf-8");
  // A proof is checked now; no cache may answer for a token that changed or a removed domain.
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace

asio::awaitable<Response> VerificationToken::handle(Request& request, RequestContext& context,
                                                    Next next) const {
  const core::Resolution& r = *context.resolution;
  const bool reads =
      request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  // Only a custom-domain host (a name outside the platform domain) can be proved this way.
  if (!reads || r.role != core::HostRole::store || !platform_.subdomain_label(r.host).empty() ||
      !r.clean_path.starts_with(kVerificationPrefix)) {
    co_return co_await next(request, context);
  }
  const std::string_view token = std::string_view(r.clean_path).substr(kVerificationPrefix.size());
  if (!token_like(token)) {
    co_return plain(Status::not_found, "not found\n");
  }
  storage::StoreCache::Token known;
  if (auto cached = stores_.peek_token(r.host)) {
    known = std::move(*cached);
  } else {
    auto load = [this, &r] { return stores_.find_token(r.host); };
    auto found = co_await offload(blocking_, load);
    if (!found) {
      co_return error_response(found.error());
    }
    known = std::move(*found);
  }
  if (!known || !storage::constant_time_equal(*known, token)) {
    co_return plain(Status::not_found, "not found\n");
  }
  co_return plain(Status::ok, "orion-verify=" + std::string(token));
}

}  // namespace orion::http

// Before everything else: when the connection comes from one of the operator's trusted proxies
// (app::Config trusted_proxies), believes its X-Forwarded-Proto (https: the request counts as
// TLS, so cookies get Secure and generated links say https) and X-Forwarded-For (the client the
// access log names). From anyone else both headers are ignored: a client cannot claim TLS or
// another address.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string_view>
#include <vector>

#include "http/middleware.hpp"

namespace orion::http {

class Forwarded final : public Middleware {
 public:
  explicit Forwarded(std::vector<asio::ip::address> trusted) : trusted_(std::move(trusted)) {}
  asio::awaitable<Response> handle(Request& request, RequestContext& context,
                                   Next next) const override;

  // Applies the headers of `request` to `context` (peer.tls, client) when `context.peer` is
  // trusted. Public for the unit tests.
  void apply(const Request& request, RequestContext& context) const;

 private:
  [[nodiscard]] bool trusted(const asio::ip::address& address) const noexcept;
  std::vector<asio::ip::address> trusted_;
};

}  // namespace orion::http

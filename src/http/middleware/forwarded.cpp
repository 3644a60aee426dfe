#include "http/middleware/forwarded.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "core/text.hpp"

namespace orion::http {
namespace {

// An IPv4-mapped IPv6 peer (a dual-stack listener) is the IPv4 address it maps.
asio::ip::address plain(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::optional<asio::ip::address> address_of(std::string_view text) {
  text = core::text::trim(text);
  // "[2001:db8::1]" and "192.0.2.1:1234" as some proxies write them.
  if (text.size() > 2 && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    text = text.substr(1, close - 1);
  } else if (text.find(':') != std::string_view::npos && text.find(':') == text.rfind(':')) {
    text = text.substr(0, text.find(':'));
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) {
    return std::nullopt;
  }
  return plain(address);
}

}  // namespace

bool Forwarded::trusted(const asio::ip::address& address) const noexcept {
  const auto mine = plain(address);
  for (const auto& proxy : trusted_) {
    if (plain(proxy) == mine) {
      return true;
    }
  }
  return false;
}

void Forwarded::apply(const Request& request, RequestContext& context) const {
  if (trusted_.empty() || !trusted(context.peer.remote.address())) {
    return;
  }
  // The proxy nearest the client writes the first value; only "https" makes the request TLS.
  const std::string_view proto = request["X-Forwarded-Proto"];
  if (!proto.empty()) {
    const std::string_view first = core::text::trim(proto.substr(0, proto.find(',')));
    context.peer.tls = boost::beast::iequals(first, "https");
  }
  // "client, proxy1, proxy2": each proxy appends its peer. Walking from the right past our own
  // trusted proxies finds the first address nobody we trust vouches for: the client.
  std::string_view chain = request["X-Forwarded-For"];
  while (!chain.empty()) {
    const auto comma = chain.rfind(',');
    const std::string_view entry =
        comma == std::string_view::npos ? chain : chain.substr(comma + 1);
    chain = comma == std::string_view::npos ? std::string_view() : chain.substr(0, comma);
    auto address = address_of(entry);
    if (!address) {
      break;  // unreadable: keep the last address we could trust
    }
    context.client = *address;
    if (!trusted(*address)) {
      break;
    }
  }
}

asio::awaitable<Response> Forwarded::handle(Request& request, RequestContext& context,
                                            Next next) const {
  apply(request, context);
  co_return co_await next(request, context);
}

}  // namespace orion::http

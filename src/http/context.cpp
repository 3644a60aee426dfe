#include "http/context.hpp"

#include <algorithm>

namespace orion::http {

boost::asio::ip::address client_address(const RequestContext& context) {
  boost::asio::ip::address address =
      context.client ? *context.client : context.peer.remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string client_key(const RequestContext& context) {
  const boost::asio::ip::address address = client_address(context);
  if (!address.is_v6()) {
    return address.to_string();
  }
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::make_address_v6(bytes).to_string() + "/64";
}

}  // namespace orion::http

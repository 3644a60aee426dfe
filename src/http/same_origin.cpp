#include "http/same_origin.hpp"

#include <boost/beast/http/field.hpp>
#include <charconv>
#include <optional>
#include <string>

#include "core/host.hpp"
#include "core/text.hpp"

namespace orion::http {
namespace {

namespace field = boost::beast::http;

// A host and an explicit port (0: the scheme's default, which 80 and 443 are taken to be).
struct Authority {
  std::string host;
  std::uint16_t port = 0;
};

std::optional<Authority> parse_authority(std::string_view authority) {
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  auto host = core::normalize_authority(authority);
  if (!host) {
    return std::nullopt;
  }
  Authority out{host->name, 0};
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view digits = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (!digits.empty() &&
        (ec != std::errc{} || end != digits.data() + digits.size() || port > 65535)) {
      return std::nullopt;
    }
    if (port != 80 && port != 443) {
      out.port = static_cast<std::uint16_t>(port);
    }
  }
  return out;
}

// The authority of an http(s) URL or origin ("https://shop.example:8443/path" →
// shop.example:8443); none for anything else ("null", another scheme, garbage).
std::optional<Authority> authority_of_url(std::string_view url) {
  std::string scheme(url.substr(0, 8));
  core::text::lower_ascii(scheme);
  std::string_view rest;
  if (scheme.starts_with("https://")) {
    rest = url.substr(8);
  } else if (scheme.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  return parse_authority(rest.substr(0, rest.find_first_of("/?#")));
}

RequestOrigin compare(std::string_view url, const std::optional<Authority>& own) {
  const auto theirs = authority_of_url(url);
  if (!theirs || !own) {
    return RequestOrigin::cross_site;
  }
  return theirs->host == own->host && theirs->port == own->port ? RequestOrigin::same_origin
                                                                : RequestOrigin::cross_site;
}

}  // namespace

RequestOrigin request_origin(const Request& request, const RequestContext& context) {
  const auto site = request.find("Sec-Fetch-Site");
  if (site != request.end()) {
    const std::string_view value = core::text::trim(site->value());
    if (value == "same-origin" || value == "none") {
      return RequestOrigin::same_origin;
    }
    if (value == "same-site" || value == "cross-site") {
      return RequestOrigin::cross_site;
    }
    // An unknown value says nothing: the headers below decide.
  }
  // The request's own authority: the one the resolution normalised, with the Host's port.
  std::optional<Authority> own;
  if (auto authority = parse_authority(core::text::trim(request[field::field::host]))) {
    own = std::move(authority);
    if (context.resolution) {
      own->host = std::string(context.resolution->host.view());
    }
  }
  const auto origin = request.find(field::field::origin);
  if (origin != request.end()) {
    return compare(core::text::trim(origin->value()), own);
  }
  const auto referer = request.find(field::field::referer);
  if (referer != request.end()) {
    return compare(core::text::trim(referer->value()), own);
  }
  return RequestOrigin::unknown;
}

std::string_view to_string(RequestOrigin origin) noexcept {
  switch (origin) {
    case RequestOrigin::same_origin:
      return "same-origin";
    case RequestOrigin::cross_site:
      return "cross-site";
    case RequestOrigin::unknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace orion::http

// Cross-site request forgery defence without a token in the page (OWASP CSRF Prevention Cheat
// Sheet: "Fetch Metadata headers" and "Verifying origin with standard headers"): a state-changing
// form POST is accepted only when the browser says it comes from this very origin. Used by the
// storefront's forms, whose pages are the same for every anonymous shopper and so carry no
// per-visitor token; any cookie-authenticated form (the consoles' too) may use it.
//
// The evidence, strongest first, the first one present deciding:
//   1. Sec-Fetch-Site (every current browser sends it): "same-origin" or "none" (the user's own
//      navigation) is same-origin; "same-site" is cross-site here, because the stores of the
//      platform are sibling subdomains of one site; "cross-site" is cross-site.
//   2. Origin: its host and port must be the request's own (Host); "null" is cross-site.
//   3. Referer: the same comparison on its origin.
//   None of them: unknown. Every current browser sends Sec-Fetch-Site, and Origin on every
//   cross-origin POST, so a request with none of them is not a browser's (no victim's cookies
//   ride on it: no forgery) or one of a browser too old for either. It is accepted (OWASP leaves
//   the choice open; blocking would break every non-browser client of the public form
//   contract), and a form that has a token as well still checks it.
// The scheme is not compared: behind a TLS-terminating proxy that does not say so, the request's
// own scheme is not known; a page of the same host and port is this server's whatever its scheme.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/context.hpp"
#include "http/message.hpp"

namespace orion::http {

enum class RequestOrigin : std::uint8_t { same_origin, cross_site, unknown };

RequestOrigin request_origin(const Request& request, const RequestContext& context);

// The one rule for cookie-authenticated form posts: refused when the browser says it was sent
// from another origin (another site, or a sibling store host of the platform).
[[nodiscard]] inline bool is_cross_site(const Request& request, const RequestContext& context) {
  return request_origin(request, context) == RequestOrigin::cross_site;
}

std::string_view to_string(RequestOrigin origin) noexcept;

}  // namespace orion::http

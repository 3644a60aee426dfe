// Custom-domain validation: which names a store may claim as its own domain.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace orion::core {

// Validates a custom domain as an owner would type it ("Shop.Example.com", "bücher.de") against
// the platform domain (already normalised). Returns the normalised name (lower-case, punycode,
// no trailing dot), or an error when it is not a valid host name, is an IP literal, is a public
// suffix (libpsl's built-in list, private section included), or is the platform domain or a
// name under it. A URL or a port instead of a bare name is refused with a message saying so.
Result<std::string> validate_custom_domain(std::string_view input,
                                           std::string_view platform_domain);

// The registrable domain of a normalised custom domain: the public suffix and one label more
// (libpsl's built-in list), "example.co.uk" for "shop.example.co.uk". The name itself when it is
// registrable, or when libpsl knows no registrable domain for it (a name under an unlisted
// suffix, or no built-in list). Names of one registrable domain are presumed to share an owner.
std::string registrable_domain(std::string_view name);

}  // namespace orion::core

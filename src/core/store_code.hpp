// Store codes: the short name that picks a store in a subdomain ("techstore.platform.com") and
// in a path ("/stores/techstore/shop/").
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace orion::core {

inline constexpr std::size_t kMinStoreCodeLength = 3;
inline constexpr std::size_t kMaxStoreCodeLength = 50;

// Names the platform keeps for itself (its own hosts and top-level paths), sorted.
std::span<const std::string_view> reserved_store_codes() noexcept;

// True for a normalised code on the reserved list or of the IDNA-reserved form "??--…".
bool is_reserved_store_code(std::string_view code) noexcept;

// Trims ASCII white space and lower-cases, then checks ^[a-z0-9-]{3,50}$ with no leading or
// trailing hyphen, and the reserved list. Returns the normalised code.
Result<std::string> validate_store_code(std::string_view input);

}  // namespace orion::core

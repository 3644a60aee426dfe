#include "storage/records.hpp"

#include <array>
#include <utility>

namespace orion::storage {
namespace {

// The names stored in store_domains.state and domain_events (0004's checks list the same).
constexpr std::array<std::pair<DomainState, std::string_view>, 4> kDomainStates{{
    {DomainState::pending, "pending"},
    {DomainState::verified, "verified"},
    {DomainState::failing, "failing"},
    {DomainState::detached, "detached"},
}};

}  // namespace

std::string_view to_string(DomainState state) noexcept {
  for (const auto& [value, name] : kDomainStates) {
    if (value == state) {
      return name;
    }
  }
  return "pending";
}

std::optional<DomainState> parse_domain_state(std::string_view text) noexcept {
  for (const auto& [value, name] : kDomainStates) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace orion::storage

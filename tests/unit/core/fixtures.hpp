// Shared by the core unit tests: readable GoogleTest output for the core's enums and errors, a
// one-line way to ask "which error, if any", and the seed's stores in an in-memory directory.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "core/detection.hpp"
#include "core/error.hpp"
#include "core/host.hpp"
#include "core/path.hpp"
#include "core/store.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::core {

// Found by GoogleTest through ADL, so failures print "invalid_host" rather than a byte value.
inline void PrintTo(Errc code, std::ostream* os) { *os << to_string(code); }
inline void PrintTo(const Error& error, std::ostream* os) {
  *os << to_string(error.code) << " (" << error.message << ")";
}
inline void PrintTo(DetectionMode mode, std::ostream* os) { *os << to_string(mode); }
inline void PrintTo(ContextType type, std::ostream* os) { *os << to_string(type); }
inline void PrintTo(HostRole role, std::ostream* os) { *os << to_string(role); }
inline void PrintTo(HostKind kind, std::ostream* os) {
  *os << (kind == HostKind::name ? "name" : kind == HostKind::ipv4 ? "ipv4" : "ipv6");
}
inline void PrintTo(const Host& host, std::ostream* os) {
  *os << "Host{\"" << host.name << "\", ";
  PrintTo(host.kind, os);
  *os << "}";
}
inline void PrintTo(const Target& target, std::ostream* os) {
  *os << "Target{\"" << target.path << "\", \"" << target.query << "\"}";
}
inline void PrintTo(Lookup::By by, std::ostream* os) {
  *os << (by == Lookup::By::code ? "code" : by == Lookup::By::domain ? "domain" : "nothing");
}
inline void PrintTo(const Lookup& lookup, std::ostream* os) {
  PrintTo(lookup.by, os);
  *os << "(\"" << lookup.key << "\")";
}

}  // namespace orion::core

namespace orion::core::test {

// The error code of a failed result, or nullopt when it succeeded.
template <class T>
std::optional<Errc> errc_of(const Result<T>& result) {
  if (result) {
    return std::nullopt;
  }
  return result.error().code;
}

// A normalised host as "name", or "!<error code>", so that tables of cases read as one line each.
inline std::string describe(const Result<Host>& host) {
  if (!host) {
    return "!" + std::string(to_string(host.error().code));
  }
  return host->name;
}

inline std::string describe(const Result<std::string>& value) {
  if (!value) {
    return "!" + std::string(to_string(value.error().code));
  }
  return *value;
}

// Ids of the seed's stores (multi-tenant.md, "Example Data") and of two more this suite needs.
inline constexpr std::int64_t kOrionId = 1;
inline constexpr std::int64_t kTechstoreId = 2;
inline constexpr std::int64_t kFashionhubId = 3;
inline constexpr std::int64_t kClosedId = 4;

// The seed's stores and domains, plus an unverified domain and an inactive store with a verified
// domain, so that every "no store" rule has a case that would route if the rule were missing.
inline void add_seed_stores(testing::MemoryStoreDirectory& dir) {
  dir.add_store(kOrionId, "orion", "Orion Shop");
  dir.add_store(kTechstoreId, "techstore", "Tech Store");
  dir.add_store(kFashionhubId, "fashionhub", "Fashion Hub");
  dir.add_store(kClosedId, "closedshop", "Closed Shop", /*is_active=*/false);
  dir.add_domain("orion.lu", "orion");
  dir.add_domain("mytechstore.net", "techstore");
  dir.add_domain("fashionhub.example", "fashionhub", /*is_verified=*/false);
  dir.add_domain("closedshop.example", "closedshop");
}

}  // namespace orion::core::test

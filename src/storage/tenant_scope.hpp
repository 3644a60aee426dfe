// TenantScope: the proof that code works on behalf of one store. Tenant repositories accept only
// a TenantTransaction, which only a TenantScope opens, and a TenantScope comes from exactly two
// places, both easy to grep for:
//   TenantScope::of(resolution)  - the store the resolution core resolved for a request;
//   TenantScope::admin(store)    - a store an administrator (or the CLI) chose explicitly.
#pragma once

#include <cstdint>
#include <optional>

#include "core/detection.hpp"
#include "core/store.hpp"

namespace orion::storage {

class TenantScope {
 public:
  // The scope of the store a request resolved to; none when it resolved to no store.
  static std::optional<TenantScope> of(const core::Resolution& resolution) {
    if (!resolution.store) {
      return std::nullopt;
    }
    return TenantScope(resolution.store->id);
  }

  // The explicit admin path: an administrator, the admin API or the CLI acting on a store they
  // looked up themselves. Every call site is an authorisation decision; keep them few.
  static TenantScope admin(const core::Store& store) { return TenantScope(store.id); }

  [[nodiscard]] std::int64_t store_id() const noexcept { return store_id_; }

  friend bool operator==(const TenantScope&, const TenantScope&) = default;

 private:
  explicit TenantScope(std::int64_t store_id) : store_id_(store_id) {}
  std::int64_t store_id_;
};

}  // namespace orion::storage

// An in-memory StoreDirectory for tests, fuzzing and benchmarks: hash maps from code and from
// verified domain to store snapshots. Not thread-safe for writes; reads may be shared.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/store.hpp"

namespace orion::testing {

class MemoryStoreDirectory final : public core::StoreDirectory {
 public:
  // Adds (or replaces) a store; returns the snapshot the directory hands out.
  core::StorePtr add_store(std::int64_t id, std::string code, std::string name,
                           bool is_active = true);
  // Adds a custom domain of the store with `code`; only verified domains route.
  void add_domain(std::string domain, std::string_view code, bool is_verified = true);
  void reserve(std::size_t stores, std::size_t domains);

  [[nodiscard]] core::StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] core::StorePtr find_active_by_code(std::string_view code) const override;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Domain {
    std::string code;
    bool is_verified;
  };
  std::unordered_map<std::string, core::StorePtr, Hash, std::equal_to<>> by_code_;
  std::unordered_map<std::string, Domain, Hash, std::equal_to<>> domains_;
};

}  // namespace orion::testing

// The store snapshot the resolution core hands out and the directory it asks for stores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace orion::core {

// An immutable view of a store at one moment. Shared, so that a cache can replace its entry
// while requests still hold the old one.
struct Store {
  std::int64_t id = 0;
  std::string code;  // normalised store code
  std::string name;
  bool is_active = true;
  // The verified domain the owner marked primary ("" when none): the storefront's canonical
  // host, to which its subdomain, other domains and path URLs redirect.
  std::string primary_domain;
};

using StorePtr = std::shared_ptr<const Store>;

// The one interface every store lookup goes through: storage, caches and the in-memory test
// directory implement it. Answers only for active stores; "not found" and "inactive" are the
// same null answer, so no caller can tell them apart. Arguments are normalised (a store code as
// validate_store_code returns it, a domain as normalize_host returns it).
class StoreDirectory {
 public:
  virtual ~StoreDirectory() = default;

  // The active store owning `domain` as a verified custom domain, or null.
  [[nodiscard]] virtual StorePtr find_active_by_domain(std::string_view domain) const = 0;

  // The active store with `code`, or null.
  [[nodiscard]] virtual StorePtr find_active_by_code(std::string_view code) const = 0;

  // Hints that find_active_by_domain(domain) or find_active_by_code(code) is about to be asked,
  // so that a directory whose answer sits in memory can start fetching it while the caller does
  // other work (resolve() gives the hint as soon as it knows the key, then finishes parsing the
  // request). No answer may depend on them; they do nothing unless a directory overrides them.
  virtual void prefetch_by_domain(std::string_view /*domain*/) const noexcept {}
  virtual void prefetch_by_code(std::string_view /*code*/) const noexcept {}
};

}  // namespace orion::core

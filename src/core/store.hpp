// The store snapshot the resolution core hands out and the directory it asks for stores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace orion::core {

// What a store shows of itself beyond what every lookup reads, held once behind a pointer.
struct StoreDetails {
  std::string name;
  // The verified domain the owner marked primary ("" when none): the storefront's canonical
  // host, to which its subdomain, other domains and path URLs redirect.
  std::string primary_domain;
};

// An immutable view of a store at one moment. Shared, so that a cache can replace its entry
// while requests still hold the old one.
//
// What a directory lookup reads (id, code, is_active) is held inline and the rest behind one
// shared pointer, so that a store fits one 64-byte cache line: a directory's table of a million
// stores is then 96 MB rather than 168, and a hit waits for one line (docs/PERFORMANCE.md).
class Store {
 public:
  Store() = default;
  Store(std::int64_t store_id, std::string store_code, std::string name, bool active = true,
        std::string primary_domain = {})
      : id(store_id), code(std::move(store_code)), is_active(active) {
    if (!name.empty() || !primary_domain.empty()) {
      details_ = std::make_shared<const StoreDetails>(
          StoreDetails{std::move(name), std::move(primary_domain)});
    }
  }

  std::int64_t id = 0;
  std::string code;  // normalised store code
  bool is_active = true;

  [[nodiscard]] const std::string& name() const noexcept { return details().name; }
  [[nodiscard]] const std::string& primary_domain() const noexcept {
    return details().primary_domain;
  }

 private:
  [[nodiscard]] const StoreDetails& details() const noexcept {
    static const StoreDetails kNone;  // immutable: what a store without details shows
    return details_ ? *details_ : kNone;
  }

  std::shared_ptr<const StoreDetails> details_;
};
static_assert(sizeof(Store) <= 64, "a store fits one cache line");

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

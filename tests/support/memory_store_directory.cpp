#include "support/memory_store_directory.hpp"

#include <memory>

namespace orion::testing {

core::StorePtr MemoryStoreDirectory::add_store(std::int64_t id, std::string code, std::string name,
                                               bool is_active) {
  auto store =
      std::make_shared<const core::Store>(core::Store{id, code, std::move(name), is_active, {}});
  by_code_.insert_or_assign(std::move(code), store);
  return store;
}

void MemoryStoreDirectory::add_domain(std::string domain, std::string_view code, bool is_verified) {
  domains_.insert_or_assign(std::move(domain), Domain{std::string(code), is_verified});
}

void MemoryStoreDirectory::reserve(std::size_t stores, std::size_t domains) {
  by_code_.reserve(stores);
  domains_.reserve(domains);
}

core::StorePtr MemoryStoreDirectory::find_active_by_code(std::string_view code) const {
  const auto it = by_code_.find(code);
  if (it == by_code_.end() || !it->second->is_active) {
    return nullptr;
  }
  return it->second;
}

core::StorePtr MemoryStoreDirectory::find_active_by_domain(std::string_view domain) const {
  const auto it = domains_.find(domain);
  if (it == domains_.end() || !it->second.is_verified) {
    return nullptr;
  }
  return find_active_by_code(it->second.code);
}

}  // namespace orion::testing

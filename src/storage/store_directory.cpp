#include "storage/store_directory.hpp"

#include <memory>

#include "storage/domains.hpp"
#include "storage/stores.hpp"

namespace orion::storage {
namespace {

template <class Find>
core::StorePtr lookup(Database& database, Find find) {
  auto tx = database.begin_platform(Access::read);
  if (!tx) {
    return nullptr;
  }
  auto found = find(*tx);
  if (!found || !*found) {
    return nullptr;
  }
  return std::make_shared<const core::Store>((*found)->snapshot());
}

}  // namespace

core::StorePtr DatabaseStoreDirectory::find_active_by_domain(std::string_view domain) const {
  return lookup(database_, [&](PlatformTransaction& tx) {
    return stores::find_active_by_verified_domain(tx, domain);
  });
}

core::StorePtr DatabaseStoreDirectory::find_active_by_code(std::string_view code) const {
  return lookup(database_,
                [&](PlatformTransaction& tx) { return stores::find_active_by_code(tx, code); });
}

core::Result<std::optional<std::string>> DatabaseStoreDirectory::verification_token(
    std::string_view domain) const {
  auto tx = database_.begin_platform(Access::read);
  if (!tx) {
    return tx.error();
  }
  auto found = domains::find_any(*tx, domain);
  if (!found) {
    return found.error();
  }
  if (!*found) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move((*found)->record.verification_token));
}

}  // namespace orion::storage

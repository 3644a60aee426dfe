// core::StoreDirectory answered by the database: every question is one short platform
// transaction. The server puts a cache in front of it; the CLI and tests use it as it is.
#pragma once

#include "core/store.hpp"
#include "storage/database.hpp"

namespace orion::storage {

class DatabaseStoreDirectory final : public core::StoreDirectory {
 public:
  explicit DatabaseStoreDirectory(Database& database) : database_(database) {}

  // A database error answers "no store" (fail closed).
  [[nodiscard]] core::StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] core::StorePtr find_active_by_code(std::string_view code) const override;

 private:
  Database& database_;
};

}  // namespace orion::storage

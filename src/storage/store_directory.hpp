// core::StoreDirectory answered by the database: every question is one short platform
// transaction. The server puts a cache in front of it; the CLI and tests use it as it is. It
// also answers the cache's questions about verification tokens.
#pragma once

#include "core/store.hpp"
#include "storage/database.hpp"
#include "storage/store_cache.hpp"

namespace orion::storage {

class DatabaseStoreDirectory final : public core::StoreDirectory, public VerificationTokens {
 public:
  explicit DatabaseStoreDirectory(Database& database) : database_(database) {}

  // A database error answers "no store" (fail closed).
  [[nodiscard]] core::StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] core::StorePtr find_active_by_code(std::string_view code) const override;
  // Unlike the store lookups, a database error is returned (the HTTP proof answers 500).
  [[nodiscard]] core::Result<std::optional<std::string>> verification_token(
      std::string_view domain) const override;

 private:
  Database& database_;
};

}  // namespace orion::storage

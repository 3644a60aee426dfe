// Custom domains of stores (table store_domains). A store manages its own domains through a
// TenantTransaction; the platform looks a domain up by name, across stores, through a
// PlatformTransaction (verification, the admin interface, the CLI).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::domains {

// `domain` must already be validated (core::validate_custom_domain). A fresh verification token
// is generated. Errc::conflict when any store has the domain already.
Result<DomainRecord> add(TenantTransaction& tx, std::string_view domain);
Result<std::vector<DomainRecord>> list(TenantTransaction& tx);
Result<std::optional<DomainRecord>> find(TenantTransaction& tx, std::string_view domain);
// Errc::not_found when the store has no such domain.
Result<void> remove(TenantTransaction& tx, std::string_view domain);

struct PlatformDomain {
  DomainRecord record;
  std::string store_code;
};

Result<std::optional<PlatformDomain>> find_any(PlatformTransaction& tx, std::string_view domain);
// Every domain, or those of one store.
Result<std::vector<PlatformDomain>> list_all(PlatformTransaction& tx,
                                             std::optional<std::int64_t> store_id = {},
                                             Page page = {500, 0});
// Marks a domain verified now (the check itself lives in src/domains). Errc::not_found if absent.
Result<DomainRecord> mark_verified(PlatformTransaction& tx, std::string_view domain);

}  // namespace orion::storage::domains

// A store's customers (table customers), unique per store by e-mail address.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::customers {

// The customer with this e-mail in the store, created if new (guest checkout).
Result<CustomerRecord> find_or_create(TenantTransaction& tx, std::string_view email,
                                      std::string_view name = {});
Result<std::optional<CustomerRecord>> get(TenantTransaction& tx, std::int64_t id);
Result<std::vector<CustomerRecord>> list(TenantTransaction& tx, Page page = {});

}  // namespace orion::storage::customers

// A store's products (table products). Deleting a product hides it (deleted_at) so that the
// orders which sold it keep pointing at a real row of the same store.
#pragma once

#include <optional>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::products {

Result<ProductRecord> create(TenantTransaction& tx, const NewProduct& product);
Result<std::optional<ProductRecord>> get(TenantTransaction& tx, std::int64_t id);
// Newest first. `only_active`: what the storefront lists.
Result<std::vector<ProductRecord>> list(TenantTransaction& tx, Page page = {},
                                        bool only_active = false);
Result<std::int64_t> count(TenantTransaction& tx, bool only_active = false);

// One page of `list` and `count` together, in one query (one round trip for the catalogue).
struct ProductPage {
  std::vector<ProductRecord> items;
  std::int64_t total = 0;  // every product `list` would page through
};
Result<ProductPage> list_with_total(TenantTransaction& tx, Page page = {},
                                    bool only_active = false);
Result<ProductRecord> update(TenantTransaction& tx, std::int64_t id, const ProductChanges& changes);
Result<void> remove(TenantTransaction& tx, std::int64_t id);

}  // namespace orion::storage::products

// A store's theme (table store_themes, one row per store, created with the store).
#pragma once

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::themes {

Result<Theme> get(TenantTransaction& tx);
// Validates colours (#RRGGBB), font family, logo URL and CSS size, then replaces the theme.
Result<Theme> put(TenantTransaction& tx, const Theme& theme);

}  // namespace orion::storage::themes

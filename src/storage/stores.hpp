// The store registry (table stores): platform-wide, so every function takes a
// PlatformTransaction. Creating a store also creates its theme and its counters.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::stores {

// `code` is validated (core::validate_store_code) and `name` trimmed and checked here.
// Errc::conflict when the code is taken.
Result<StoreRecord> create(PlatformTransaction& tx, std::string_view code, std::string_view name);
Result<std::optional<StoreRecord>> find_by_code(PlatformTransaction& tx, std::string_view code);
// The store with `code`; Errc::not_found naming it when there is none.
Result<StoreRecord> get_by_code(PlatformTransaction& tx, std::string_view code);
Result<std::optional<StoreRecord>> find_by_id(PlatformTransaction& tx, std::int64_t id);
Result<std::vector<StoreRecord>> list(PlatformTransaction& tx, Page page = {});
Result<std::int64_t> count(PlatformTransaction& tx);
// The stores whose code or name contains `text` (case-insensitive for ASCII), by code.
Result<std::vector<StoreRecord>> search(PlatformTransaction& tx, std::string_view text,
                                        Page page = {});
// Errc::not_found for an unknown code.
Result<StoreRecord> set_active(PlatformTransaction& tx, std::string_view code, bool is_active);
Result<StoreRecord> rename(PlatformTransaction& tx, std::string_view code, std::string_view name);

// The resolution directory's two questions (core::StoreDirectory): active stores only, and for a
// domain only a verified one.
Result<std::optional<StoreRecord>> find_active_by_code(PlatformTransaction& tx,
                                                       std::string_view code);
Result<std::optional<StoreRecord>> find_active_by_verified_domain(PlatformTransaction& tx,
                                                                  std::string_view domain);

// Checks and trims a store name (1-200 characters, no control characters).
Result<std::string> validate_name(std::string_view name);

}  // namespace orion::storage::stores

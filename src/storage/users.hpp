// Platform users (table users) and their store memberships (table store_members). A user is an
// administrator of the platform or a member (owner or staff) of stores.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::users {

// Hashes `password` with argon2id. Errc::conflict for a taken e-mail address.
Result<UserRecord> create(PlatformTransaction& tx, std::string_view email,
                          std::string_view password, bool is_admin);
Result<std::optional<UserRecord>> find_by_email(PlatformTransaction& tx, std::string_view email);
Result<std::optional<UserRecord>> get(PlatformTransaction& tx, std::int64_t id);
Result<std::vector<UserRecord>> list(PlatformTransaction& tx, Page page = {});
Result<void> set_password(PlatformTransaction& tx, std::int64_t id, std::string_view password);

std::string_view to_string(MemberRole role) noexcept;
Result<MemberRole> parse_role(std::string_view role);

}  // namespace orion::storage::users

namespace orion::storage::members {

// Adds the user to the scope's store, or changes their role there.
Result<MemberRecord> put(TenantTransaction& tx, std::int64_t user_id, MemberRole role);
Result<std::vector<MemberRecord>> list(TenantTransaction& tx);
Result<std::optional<MemberRecord>> find(TenantTransaction& tx, std::int64_t user_id);
Result<void> remove(TenantTransaction& tx, std::int64_t user_id);
// The platform's path (admin interface, CLI): grants a membership of any store, in the same
// transaction as the user's creation.
Result<MemberRecord> grant(PlatformTransaction& tx, std::int64_t store_id, std::int64_t user_id,
                           MemberRole role);
// The stores a user belongs to (for a login page that lists them).
Result<std::vector<MemberRecord>> of_user(PlatformTransaction& tx, std::int64_t user_id);

}  // namespace orion::storage::members

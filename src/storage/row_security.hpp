// Whether the database role the application connects as is held by row-level security
// (DESIGN.md §3: "the application role unable to bypass them"). A superuser, a BYPASSRLS role or
// the owner of a table whose row security is not forced sees every store's rows, so isolation
// would be void without a sign; `orion serve` refuses to start as such a role instead.
#pragma once

#include "storage/database.hpp"

namespace orion::storage {

// On PostgreSQL, succeeds only when current_user is no superuser, has no BYPASSRLS and owns
// (directly or through a role it belongs to) no table with row security enabled but not forced;
// otherwise Errc::unsafe_database_role with a one-line message naming the role and the fix
// (connect as a login role granted orion_app, docs/STORAGE.md). SQLite has no roles: succeeds.
Result<void> require_row_security(Database& database);

}  // namespace orion::storage

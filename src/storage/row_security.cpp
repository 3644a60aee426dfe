#include "storage/row_security.hpp"

namespace orion::storage {
namespace {

constexpr Sql kRole{"row_security_role",
                    "SELECT current_user::text, rolsuper, rolbypassrls, "
                    "(SELECT COUNT(*) FROM pg_class c "
                    "WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity "
                    "AND NOT c.relforcerowsecurity "
                    "AND pg_has_role(current_user, c.relowner, 'MEMBER')) "
                    "FROM pg_roles WHERE rolname = current_user"};

constexpr std::string_view kFix =
    "; connect as a login role granted orion_app (CREATE ROLE orion_web LOGIN NOSUPERUSER "
    "NOBYPASSRLS; GRANT orion_app TO orion_web; see docs/STORAGE.md) and keep the owner for "
    "'orion migrate'";

}  // namespace

Result<void> require_row_security(Database& database) {
  if (database.backend() != Backend::postgres) {
    return {};
  }
  auto tx = database.begin_unscoped();
  if (!tx) {
    return tx.error();
  }
  auto result = tx->run(kRole, {});
  if (!result) {
    return result.error();
  }
  if (result->rows.empty()) {
    return core::make_error(core::Errc::internal, "the current database role is not in pg_roles");
  }
  const Row& row = result->rows.front();
  const std::string role = row.text(0);
  std::string why;
  if (row.boolean(1)) {
    why = "is a superuser";
  } else if (row.boolean(2)) {
    why = "has BYPASSRLS";
  } else if (row.integer(3) > 0) {
    why = "owns " + std::to_string(row.integer(3)) +
          " table(s) whose row-level security is not forced";
  } else {
    return {};
  }
  return core::make_error(core::Errc::unsafe_database_role,
                          "db: the role '" + role + "' " + why +
                              ", so row-level security would not isolate the stores" +
                              std::string(kFix));
}

}  // namespace orion::storage

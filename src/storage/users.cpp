#include "storage/users.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"

namespace orion::storage::users {
namespace {

UserRecord read(const Row& row) {
  return UserRecord{row.integer(0), row.text(1),    row.text(2),
                    row.boolean(3), row.boolean(4), row.integer(5)};
}

constexpr Sql kInsert{"users_insert",
                      "INSERT INTO users (email, password_hash, is_admin, is_active, created_at) "
                      "VALUES ($1, $2, $3, TRUE, $4) "
                      "RETURNING id, email, password_hash, is_admin, is_active, created_at"};
constexpr Sql kByEmail{"users_by_email",
                       "SELECT id, email, password_hash, is_admin, is_active, created_at "
                       "FROM users WHERE email = $1"};
constexpr Sql kGet{"users_get",
                   "SELECT id, email, password_hash, is_admin, is_active, created_at "
                   "FROM users WHERE id = $1"};
constexpr Sql kList{"users_list",
                    "SELECT id, email, password_hash, is_admin, is_active, created_at "
                    "FROM users ORDER BY id LIMIT $1 OFFSET $2"};
constexpr Sql kSetPassword{"users_set_password",
                           "UPDATE users SET password_hash = $2 WHERE id = $1"};

}  // namespace

std::string_view to_string(MemberRole role) noexcept {
  return role == MemberRole::owner ? "owner" : "staff";
}

Result<MemberRole> parse_role(std::string_view role) {
  if (role == "owner") {
    return MemberRole::owner;
  }
  if (role == "staff") {
    return MemberRole::staff;
  }
  return core::make_error(core::Errc::invalid_input, "role must be owner or staff");
}

Result<UserRecord> create(PlatformTransaction& tx, std::string_view email,
                          std::string_view password, bool is_admin) {
  auto valid_email = repository::checked_email(email);
  if (!valid_email) {
    return valid_email.error();
  }
  auto hash = hash_password(password);
  if (!hash) {
    return hash.error();
  }
  auto user =
      repository::single_row(tx.run(kInsert, {*valid_email, *hash, is_admin, unix_now()}), read);
  if (!user && user.error().code == core::Errc::conflict) {
    return core::make_error(core::Errc::conflict, "a user " + *valid_email + " already exists");
  }
  return user;
}

Result<std::optional<UserRecord>> find_by_email(PlatformTransaction& tx, std::string_view email) {
  auto valid_email = repository::checked_email(email);
  if (!valid_email) {
    return std::optional<UserRecord>();
  }
  return repository::optional_row(tx.run(kByEmail, {*valid_email}), read);
}

Result<std::optional<UserRecord>> get(PlatformTransaction& tx, std::int64_t id) {
  return repository::optional_row(tx.run(kGet, {id}), read);
}

Result<std::vector<UserRecord>> list(PlatformTransaction& tx, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  return repository::all_rows(tx.run(kList, {checked->limit, checked->offset}), read);
}

Result<void> set_password(PlatformTransaction& tx, std::int64_t id, std::string_view password) {
  auto hash = hash_password(password);
  if (!hash) {
    return hash.error();
  }
  return repository::affected_one(tx.run(kSetPassword, {id, *hash}), "user " + std::to_string(id));
}

}  // namespace orion::storage::users

namespace orion::storage::members {
namespace {

MemberRecord read(const Row& row) {
  return MemberRecord{row.integer(0), row.integer(1), row.text(2),
                      row.text(3) == "owner" ? MemberRole::owner : MemberRole::staff,
                      row.integer(4)};
}

constexpr Sql kPut{"members_put",
                   "INSERT INTO store_members (store_id, user_id, role, created_at) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT (store_id, user_id) "
                   "DO UPDATE SET role = excluded.role"};
constexpr Sql kList{"members_list",
                    "SELECT m.store_id, m.user_id, u.email, m.role, m.created_at "
                    "FROM store_members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.store_id = $1 ORDER BY u.email"};
constexpr Sql kFind{"members_find",
                    "SELECT m.store_id, m.user_id, u.email, m.role, m.created_at "
                    "FROM store_members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.store_id = $1 AND m.user_id = $2"};
constexpr Sql kRemove{"members_remove",
                      "DELETE FROM store_members WHERE store_id = $1 AND user_id = $2"};
constexpr Sql kOfUser{"members_of_user",
                      "SELECT m.store_id, m.user_id, u.email, m.role, m.created_at "
                      "FROM store_members m JOIN users u ON u.id = m.user_id "
                      "WHERE m.user_id = $1 ORDER BY m.store_id"};

Result<void> upsert(Transaction& tx, std::int64_t store_id, std::int64_t user_id, MemberRole role) {
  auto done = tx.run(kPut, {store_id, user_id, std::string(users::to_string(role)), unix_now()});
  if (!done) {
    if (done.error().code == core::Errc::invalid_input) {
      return core::make_error(core::Errc::not_found,
                              "user " + std::to_string(user_id) + " does not exist");
    }
    return done.error();
  }
  return {};
}

}  // namespace

Result<MemberRecord> put(TenantTransaction& tx, std::int64_t user_id, MemberRole role) {
  if (auto done = upsert(tx, tx.store_id(), user_id, role); !done) {
    return done.error();
  }
  return repository::found(find(tx, user_id), "membership");
}

Result<MemberRecord> grant(PlatformTransaction& tx, std::int64_t store_id, std::int64_t user_id,
                           MemberRole role) {
  if (auto done = upsert(tx, store_id, user_id, role); !done) {
    return done.error();
  }
  return repository::found(repository::optional_row(tx.run(kFind, {store_id, user_id}), read),
                           "membership");
}

Result<std::vector<MemberRecord>> list(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kList, {tx.store_id()}), read);
}

Result<std::optional<MemberRecord>> find(TenantTransaction& tx, std::int64_t user_id) {
  return repository::optional_row(tx.run(kFind, {tx.store_id(), user_id}), read);
}

Result<void> remove(TenantTransaction& tx, std::int64_t user_id) {
  return repository::affected_one(tx.run(kRemove, {tx.store_id(), user_id}), "membership");
}

Result<std::vector<MemberRecord>> of_user(PlatformTransaction& tx, std::int64_t user_id) {
  return repository::all_rows(tx.run(kOfUser, {user_id}), read);
}

}  // namespace orion::storage::members

#include "storage/invitations.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"
#include "storage/users.hpp"

namespace orion::storage::invitations {
namespace {

constexpr std::size_t kTokenBytes = 32;

InvitationRecord read(const Row& row) {
  InvitationRecord record;
  record.id = row.integer(0);
  record.store_id = row.integer(1);
  record.email = row.text(2);
  record.role = row.text(3) == "owner" ? MemberRole::owner : MemberRole::staff;
  record.invited_by = row.optional_integer(4);
  record.created_at = row.integer(5);
  record.expires_at = row.integer(6);
  return record;
}

#define ORION_INVITATION_COLUMNS "id, store_id, email, role, invited_by, created_at, expires_at"

constexpr Sql kSweep{"invitations_sweep",
                     "DELETE FROM store_invitations WHERE store_id = $1 AND expires_at <= $2"};
constexpr Sql kPut{
    "invitations_put",
    "INSERT INTO store_invitations "
    "(store_id, email, role, token_hash, invited_by, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (store_id, email) DO UPDATE SET "
    "role = excluded.role, token_hash = excluded.token_hash, "
    "invited_by = excluded.invited_by, created_at = excluded.created_at, "
    "expires_at = excluded.expires_at "
    "RETURNING " ORION_INVITATION_COLUMNS};
constexpr Sql kList{"invitations_list",
                    "SELECT " ORION_INVITATION_COLUMNS
                    " FROM store_invitations "
                    "WHERE store_id = $1 AND expires_at > $2 ORDER BY created_at, id"};
constexpr Sql kRevoke{"invitations_revoke",
                      "DELETE FROM store_invitations WHERE store_id = $1 AND id = $2"};
constexpr Sql kFind{"invitations_find",
                    "SELECT " ORION_INVITATION_COLUMNS
                    " FROM store_invitations "
                    "WHERE token_hash = $1 AND store_id = $2 AND expires_at > $3"};
// Consuming is the one statement that decides: of two accepts at once, one deletes the row.
constexpr Sql kConsume{"invitations_consume",
                       "DELETE FROM store_invitations "
                       "WHERE token_hash = $1 AND store_id = $2 AND expires_at > $3 "
                       "RETURNING " ORION_INVITATION_COLUMNS};

#undef ORION_INVITATION_COLUMNS

// A token as the link carries it: 64 lower-case hex digits. Anything else finds nothing.
bool well_formed(std::string_view token) {
  if (token.size() != 2 * kTokenBytes) {
    return false;
  }
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Created> create(TenantTransaction& tx, std::string_view email, MemberRole role,
                       std::optional<std::int64_t> invited_by, std::int64_t lifetime) {
  auto valid_email = repository::checked_email(email);
  if (!valid_email) {
    return valid_email.error();
  }
  const std::int64_t now = unix_now();
  if (auto swept = tx.run(kSweep, {tx.store_id(), now}); !swept) {
    return swept.error();
  }
  std::string token = random_hex(kTokenBytes);
  auto record = repository::single_row(
      tx.run(kPut, {tx.store_id(), *valid_email, std::string(users::to_string(role)),
                    sha256_hex(token), to_value(invited_by), now, now + lifetime}),
      read);
  if (!record) {
    return record.error();
  }
  return Created{std::move(token), std::move(*record)};
}

Result<std::vector<InvitationRecord>> list_open(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kList, {tx.store_id(), unix_now()}), read);
}

Result<void> revoke(TenantTransaction& tx, std::int64_t id) {
  return repository::affected_one(tx.run(kRevoke, {tx.store_id(), id}),
                                  "invitation " + std::to_string(id));
}

Result<std::optional<InvitationRecord>> find(PlatformTransaction& tx, std::int64_t store_id,
                                             std::string_view token) {
  if (!well_formed(token)) {
    return std::optional<InvitationRecord>();
  }
  return repository::optional_row(tx.run(kFind, {sha256_hex(token), store_id, unix_now()}), read);
}

namespace {

// Consumes the open invitation of `store_id` behind `token`.
Result<InvitationRecord> consume(PlatformTransaction& tx, std::int64_t store_id,
                                 std::string_view token) {
  if (!well_formed(token)) {
    return core::make_error(core::Errc::not_found, "no such invitation");
  }
  auto invitation =
      repository::optional_row(tx.run(kConsume, {sha256_hex(token), store_id, unix_now()}), read);
  if (!invitation) {
    return invitation.error();
  }
  if (!*invitation) {
    return core::make_error(core::Errc::not_found, "no such invitation");
  }
  return std::move(**invitation);
}

}  // namespace

Result<UserRecord> accept_new(PlatformTransaction& tx, std::int64_t store_id,
                              std::string_view token, std::string_view password) {
  auto invitation = consume(tx, store_id, token);
  if (!invitation) {
    return invitation.error();
  }
  auto user = users::create(tx, invitation->email, password, false);
  if (!user) {
    return user.error();
  }
  if (auto granted = members::grant(tx, store_id, user->id, invitation->role); !granted) {
    return granted.error();
  }
  return user;
}

Result<MemberRecord> accept_as(PlatformTransaction& tx, std::int64_t store_id,
                               std::string_view token, const UserRecord& user) {
  auto invitation = consume(tx, store_id, token);
  if (!invitation) {
    return invitation.error();
  }
  if (invitation->email != user.email) {
    return core::make_error(core::Errc::not_found, "no such invitation");
  }
  MemberRole role = invitation->role;
  auto current = members::of_user(tx, user.id);
  if (!current) {
    return current.error();
  }
  for (const MemberRecord& member : *current) {
    if (member.store_id == store_id && member.role == MemberRole::owner) {
      role = MemberRole::owner;
    }
  }
  return members::grant(tx, store_id, user.id, role);
}

}  // namespace orion::storage::invitations

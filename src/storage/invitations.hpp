// Invitations to a store's dashboard (table store_invitations). A store's owner never creates an
// account, sets a password or attaches an existing account: they invite an e-mail address, and
// the person who holds the link (until e-mail delivery exists, the inviter passes it on) accepts
// it, setting their own password for a new account or signing in with theirs for an existing
// one. So no store can plant an account that another store's invitation later attaches: that
// store's invitee must still know the password. The token is single-use, expires, and only its
// SHA-256 is stored. Platform admins (admin console, CLI) still create accounts directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::invitations {

inline constexpr std::int64_t kLifetimeSeconds = 7 * 24 * 3600;

struct Created {
  std::string token;  // shown once, in the link
  InvitationRecord record;
};

// Invites `email` to the scope's store as `role`, replacing an open invitation of the same address
// (its old link stops working). Errc::invalid_input for a malformed e-mail address.
Result<Created> create(TenantTransaction& tx, std::string_view email, MemberRole role,
                       std::optional<std::int64_t> invited_by,
                       std::int64_t lifetime = kLifetimeSeconds);

// The store's unexpired invitations, oldest first.
Result<std::vector<InvitationRecord>> list_open(TenantTransaction& tx);

// Withdraws an invitation of the scope's store; Errc::not_found when it has none with this id.
Result<void> revoke(TenantTransaction& tx, std::int64_t id);

// The unexpired invitation of `store_id` behind `token`; none for an unknown, used, expired or
// malformed token, or one of another store.
Result<std::optional<InvitationRecord>> find(PlatformTransaction& tx, std::int64_t store_id,
                                             std::string_view token);

// Accepting consumes the invitation in `tx`: of two accepts of one link, one finds it. Both
// return Errc::not_found when `token` is no open invitation of `store_id` (used, expired,
// withdrawn or another store's).
//
// For an address without an account: creates the account with the invitee's own `password` and
// makes it a member with the invited role. Errc::conflict when an account with the address exists
// by now (the invitee then accepts by signing in: accept_as).
Result<UserRecord> accept_new(PlatformTransaction& tx, std::int64_t store_id,
                              std::string_view token, std::string_view password);

// For an existing account, whose holder has just proven its password: makes `user` a member with
// the invited role (a member already keeps the higher of the two roles). Errc::not_found as
// above, and also when the invitation is for another e-mail address than `user`'s.
Result<MemberRecord> accept_as(PlatformTransaction& tx, std::int64_t store_id,
                               std::string_view token, const UserRecord& user);

}  // namespace orion::storage::invitations

// A store's members in its dashboard (owners and admins only): the list, adding a member by
// e-mail (an existing account is added directly; an address without one gets an invitation whose
// link the invitee opens to set their own password: web/console/invitation_pages.cpp), the open
// invitations with a withdraw button, changing a member's role, and removing a member. A store
// always keeps at least one owner. No page here ever sets or shows a password.
//
// Users are platform rows (PlatformTransaction) and memberships tenant rows
// (TenantTransaction): the two transactions run one after the other, never nested, since SQLite
// takes its write lock at BEGIN and a second one on the same thread would wait for the first.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "storage/invitations.hpp"
#include "storage/repository.hpp"
#include "storage/users.hpp"
#include "web/canonical_url.hpp"
#include "web/console/dashboard.hpp"

namespace orion::web::console::dashboard {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using storage::MemberRecord;
using storage::MemberRole;
using verb = boost::beast::http::verb;

std::int64_t owners_of(const std::vector<MemberRecord>& members) {
  return std::count_if(members.begin(), members.end(),
                       [](const MemberRecord& m) { return m.role == MemberRole::owner; });
}

// The refusal that keeps a store from losing its last owner.
core::Error last_owner(const MemberRecord& member) {
  return core::make_error(
      core::Errc::conflict,
      member.email + " is the store's only owner. Make another member an owner first.");
}

// What the add form sent, as typed.
struct MemberForm {
  std::string email;
  std::string role = "staff";
};

struct MemberErrors {
  std::string email;
  std::string role;

  [[nodiscard]] bool empty() const noexcept { return email.empty() && role.empty(); }
};

// A new invitation's link, shown once to the owner who made it (until e-mail delivery exists
// they pass it on).
struct NewInvitation {
  std::string email;
  std::string link;
  bool existing_account = false;
};

struct MembersView {
  std::vector<MemberRecord> members;
  std::vector<storage::InvitationRecord> invitations;
};

Response members_page(const Console& console, const RequestContext& context, const Visit& visit,
                      Status status, const MembersView& view, const MemberForm& form,
                      const MemberErrors& errors, const std::string& notice = {},
                      const std::optional<NewInvitation>& invited = std::nullopt) {
  Data data = console.page_data(context, visit, "Members");
  data.set("action", visit.url("/members"));
  const bool one_owner = owners_of(view.members) <= 1;
  Data list{Data::type::list};
  for (const MemberRecord& member : view.members) {
    Data item;
    item.set("email", member.email);
    item.set("role", std::string(storage::users::to_string(member.role)));
    item.set("added", utc_time(member.created_at));
    item.set("is_you", member.user_id == visit.who.user.id);
    item.set("last_owner", one_owner && member.role == MemberRole::owner);
    item.set("remove_url", visit.url("/members/" + std::to_string(member.user_id) + "/remove"));
    list.push_back(item);
  }
  data.set("members", list);
  data.set("has_members", !view.members.empty());
  Data invitations{Data::type::list};
  for (const storage::InvitationRecord& invitation : view.invitations) {
    Data item;
    item.set("email", invitation.email);
    item.set("role", std::string(storage::users::to_string(invitation.role)));
    item.set("expires", utc_time(invitation.expires_at));
    item.set("revoke_url",
             visit.url("/members/invitations/" + std::to_string(invitation.id) + "/revoke"));
    invitations.push_back(item);
  }
  data.set("invitations", invitations);
  data.set("has_invitations", !view.invitations.empty());
  if (invited) {
    data.set("invited_email", invited->email);
    data.set("invite_link", invited->link);
    data.set("invited_existing", invited->existing_account);
  }
  data.set("email", form.email);
  data.set("role_owner", form.role == "owner");
  data.set("role_staff", form.role != "owner");
  if (!errors.email.empty()) {
    data.set("email_error", errors.email);
  }
  if (!errors.role.empty()) {
    data.set("role_error", errors.role);
  }
  data.set("has_errors", !errors.empty());
  if (!notice.empty()) {
    data.set("notice", notice);
  }
  return console.render(status, "console/members", data);
}

core::Result<MembersView> read_members(const Services& s, const Visit& visit) {
  auto tx = s.database.begin(*visit.scope.tenant);
  if (!tx) {
    return tx.error();
  }
  auto members = storage::members::list(*tx);
  if (!members) {
    return members.error();
  }
  auto invitations = storage::invitations::list_open(*tx);
  if (!invitations) {
    return invitations.error();
  }
  return MembersView{std::move(*members), std::move(*invitations)};
}

asio::awaitable<Response> member_list(const Console& console, Request&, RequestContext& context,
                                      const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  auto view = co_await console.blocking([&s, &visit] { return read_members(s, visit); });
  if (!view) {
    co_return console.failure(context, visit, view.error());
  }
  const auto notice = query_value(context, "notice");
  std::string text;
  if (notice == "role") {
    text = "The member's role was changed.";
  } else if (notice == "unchanged") {
    text = "That user is already a member with this role.";
  } else if (notice == "removed") {
    text = "The member was removed.";
  } else if (notice == "revoked") {
    text = "The invitation was withdrawn: its link no longer works.";
  }
  co_return members_page(console, context, visit, Status::ok, *view, MemberForm{}, {}, text);
}

// The outcome of an add: a member's role changed (or not), or an invitation.
struct Added {
  bool role_changed = false;      // an existing member with another role now
  bool already_member = false;    // an existing member, role unchanged
  bool existing_account = false;  // the invitation is for an account that exists already
  std::optional<storage::invitations::Created> invitation;
};

// A member's role changes here; anyone else is invited, with or without an account: the adder
// never sets nor learns a password, and an existing account joins only when its holder accepts
// by signing in (so an account another store's owner made up cannot be attached here).
core::Result<Added> add_member(const Services& s, const Visit& visit, const std::string& email,
                               MemberRole role) {
  Added added;
  std::optional<std::int64_t> user_id;
  {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto user = storage::users::find_by_email(*tx, email);
    if (!user) {
      return user.error();
    }
    if (*user) {
      user_id = (*user)->id;
    }
  }
  auto tx = s.database.begin(*visit.scope.tenant);
  if (!tx) {
    return tx.error();
  }
  // Two owners demoting each other at once must not both see the other one still an owner.
  if (auto locked = storage::repository::lock_store(*tx); !locked) {
    return locked.error();
  }
  std::optional<MemberRecord> current;
  if (user_id) {
    auto found = storage::members::find(*tx, *user_id);
    if (!found) {
      return found.error();
    }
    current = std::move(*found);
  }
  if (!current) {
    auto invitation = storage::invitations::create(*tx, email, role, visit.who.user.id);
    if (!invitation) {
      return invitation.error();
    }
    if (auto committed = tx->commit(); !committed) {
      return committed.error();
    }
    added.existing_account = user_id.has_value();
    added.invitation = std::move(*invitation);
    return added;
  }
  if (current->role == role) {
    added.already_member = true;
    return added;
  }
  if (current->role == MemberRole::owner) {
    auto members = storage::members::list(*tx);
    if (!members) {
      return members.error();
    }
    if (owners_of(*members) <= 1) {
      return last_owner(*current);
    }
  }
  if (auto put = storage::members::put(*tx, *user_id, role); !put) {
    return put.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  added.role_changed = true;
  return added;
}

// The absolute link of an invitation: this dashboard's address as the inviter reached it.
std::string invitation_link(const Request& request, const RequestContext& context,
                            const Visit& visit, const std::string& token) {
  std::string link = context.peer.tls ? "https://" : "http://";
  link += context.resolution->host.str();
  link += port_suffix(request[boost::beast::http::field::host]);
  link += visit.url("/invite/" + token);
  return link;
}

asio::awaitable<Response> add_page(const Console& console, Request& request,
                                   RequestContext& context, const RouteParams&, Visit& visit) {
  MemberForm form{visit.form.text("email"), visit.form.text("role")};
  MemberErrors errors;
  auto email = storage::repository::checked_email(form.email);
  if (!email) {
    errors.email = "Enter an e-mail address like name@example.com.";
  }
  auto role = storage::users::parse_role(form.role);
  if (!role) {
    errors.role = "Choose owner or staff.";
  }
  const Services& s = console.services();
  std::optional<NewInvitation> invited;
  if (errors.empty()) {
    auto added = co_await console.blocking(
        [&s, &visit, &email, &role] { return add_member(s, visit, *email, *role); });
    if (!added) {
      if (added.error().code == core::Errc::conflict) {
        co_return console.error_page(context, visit.scope, Status::conflict,
                                     "This change is not allowed", added.error().message,
                                     visit.who);
      }
      co_return console.failure(context, visit, added.error());
    }
    if (!added->invitation) {
      co_return redirect(
          Status::see_other,
          visit.url(added->role_changed ? "/members?notice=role" : "/members?notice=unchanged"));
    }
    s.log->info("request {}: store {} invited a {} (invitation {})", context.request_id,
                visit.scope.store_id.value_or(0),
                storage::users::to_string(added->invitation->record.role),
                added->invitation->record.id);
    invited = NewInvitation{added->invitation->record.email,
                            invitation_link(request, context, visit, added->invitation->token),
                            added->existing_account};
  }
  auto view = co_await console.blocking([&s, &visit] { return read_members(s, visit); });
  if (!view) {
    co_return console.failure(context, visit, view.error());
  }
  if (invited) {
    co_return members_page(console, context, visit, Status::created, *view, MemberForm{}, {}, {},
                           invited);
  }
  co_return members_page(console, context, visit, Status::unprocessable_entity, *view, form,
                         errors);
}

asio::awaitable<Response> revoke_page(const Console& console, Request&, RequestContext& context,
                                      const RouteParams& params, Visit& visit) {
  const auto id = parse_number(params.get("id"), std::numeric_limits<std::int64_t>::max());
  if (!id) {
    co_return not_found(console, context, visit, "This store has no such invitation.");
  }
  const Services& s = console.services();
  auto revoked = co_await console.blocking([&s, &visit, id]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    if (auto done = storage::invitations::revoke(*tx, *id); !done) {
      return done.error();
    }
    return tx->commit();
  });
  if (!revoked) {
    if (revoked.error().code == core::Errc::not_found) {
      co_return not_found(console, context, visit, "This store has no such invitation.");
    }
    co_return console.failure(context, visit, revoked.error());
  }
  co_return redirect(Status::see_other, visit.url("/members?notice=revoked"));
}

asio::awaitable<Response> remove_page(const Console& console, Request&, RequestContext& context,
                                      const RouteParams& params, Visit& visit) {
  const auto user_id =
      parse_number(params.get("user_id"), std::numeric_limits<std::int64_t>::max());
  if (!user_id) {
    co_return not_found(console, context, visit, "This store has no such member.");
  }
  const Services& s = console.services();
  auto removed = co_await console.blocking([&s, &visit, user_id]() -> core::Result<void> {
    auto tx = s.database.begin(*visit.scope.tenant);
    if (!tx) {
      return tx.error();
    }
    // Two owners removing each other at once must not both see the other one still an owner.
    if (auto locked = storage::repository::lock_store(*tx); !locked) {
      return locked.error();
    }
    auto member = storage::members::find(*tx, *user_id);
    if (!member) {
      return member.error();
    }
    if (!*member) {
      return core::make_error(core::Errc::not_found, "no such member");
    }
    if ((*member)->role == MemberRole::owner) {
      auto members = storage::members::list(*tx);
      if (!members) {
        return members.error();
      }
      if (owners_of(*members) <= 1) {
        return last_owner(**member);
      }
    }
    if (auto done = storage::members::remove(*tx, *user_id); !done) {
      return done.error();
    }
    return tx->commit();
  });
  if (!removed) {
    if (removed.error().code == core::Errc::not_found) {
      co_return not_found(console, context, visit, "This store has no such member.");
    }
    if (removed.error().code == core::Errc::conflict) {
      co_return console.error_page(context, visit.scope, Status::conflict,
                                   "This member cannot be removed", removed.error().message,
                                   visit.who);
    }
    co_return console.failure(context, visit, removed.error());
  }
  co_return redirect(Status::see_other, visit.url("/members?notice=removed"));
}

}  // namespace

void add_member_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto dashboard = core::ContextType::store_dashboard;
  router.add(dashboard, verb::get, "/members", gated(console, Role::owner, &member_list));
  router.add(dashboard, verb::post, "/members", gated(console, Role::owner, &add_page));
  router.add(dashboard, verb::post, "/members/{user_id}/remove",
             gated(console, Role::owner, &remove_page));
  router.add(dashboard, verb::post, "/members/invitations/{id}/revoke",
             gated(console, Role::owner, &revoke_page));
}

}  // namespace orion::web::console::dashboard

// A store's members in its dashboard (owners and admins only): the list, adding a member by
// e-mail (an existing user, or a new one created with the given password), changing a member's
// role, and removing a member. A store always keeps at least one owner.
//
// Users are platform rows (PlatformTransaction) and memberships tenant rows
// (TenantTransaction): the two transactions run one after the other, never nested, since SQLite
// takes its write lock at BEGIN and a second one on the same thread would wait for the first.
#include <algorithm>
#include <limits>

#include "storage/repository.hpp"
#include "storage/users.hpp"
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

constexpr std::size_t kMinPassword = 10;

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

// What the add form sent, as typed (the password is never sent back).
struct MemberForm {
  std::string email;
  std::string role = "staff";
};

struct MemberErrors {
  std::string email;
  std::string role;
  std::string password;

  [[nodiscard]] bool empty() const noexcept {
    return email.empty() && role.empty() && password.empty();
  }
};

Response members_page(const Console& console, const RequestContext& context, const Visit& visit,
                      Status status, const std::vector<MemberRecord>& members,
                      const MemberForm& form, const MemberErrors& errors,
                      const std::string& notice = {}) {
  Data data = console.page_data(context, visit, "Members");
  data.set("action", visit.url("/members"));
  const bool one_owner = owners_of(members) <= 1;
  Data list{Data::type::list};
  for (const MemberRecord& member : members) {
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
  data.set("has_members", !members.empty());
  data.set("email", form.email);
  data.set("role_owner", form.role == "owner");
  data.set("role_staff", form.role != "owner");
  if (!errors.email.empty()) {
    data.set("email_error", errors.email);
  }
  if (!errors.role.empty()) {
    data.set("role_error", errors.role);
  }
  if (!errors.password.empty()) {
    data.set("password_error", errors.password);
  }
  data.set("has_errors", !errors.empty());
  if (!notice.empty()) {
    data.set("notice", notice);
  }
  return console.render(status, "console/members", data);
}

core::Result<std::vector<MemberRecord>> read_members(const Services& s, const Visit& visit) {
  auto tx = s.database.begin(*visit.scope.tenant);
  if (!tx) {
    return tx.error();
  }
  return storage::members::list(*tx);
}

asio::awaitable<Response> member_list(const Console& console, Request&, RequestContext& context,
                                      const RouteParams&, Visit& visit) {
  const Services& s = console.services();
  auto members = co_await console.blocking([&s, &visit] { return read_members(s, visit); });
  if (!members) {
    co_return console.failure(context, visit, members.error());
  }
  const auto notice = query_value(context, "notice");
  std::string text;
  if (notice == "added") {
    text = "The member was added.";
  } else if (notice == "created") {
    text = "The user was created and added to the store.";
  } else if (notice == "role") {
    text = "The member's role was changed.";
  } else if (notice == "unchanged") {
    text = "That user is already a member with this role.";
  } else if (notice == "removed") {
    text = "The member was removed.";
  }
  co_return members_page(console, context, visit, Status::ok, *members, MemberForm{}, {}, text);
}

// The outcome of an add: the field that was wrong, or what happened.
struct Added {
  MemberErrors errors;
  bool created = false;         // a new user
  bool role_changed = false;    // an existing member with another role now
  bool already_member = false;  // an existing member, role unchanged
};

core::Result<Added> add_member(const Services& s, const Visit& visit, const std::string& email,
                               MemberRole role, const std::string& password) {
  Added added;
  std::int64_t user_id = 0;
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
    } else {
      if (password.empty()) {
        added.errors.password = "There is no user " + email +
                                " yet: give a password (at least 10 characters) to create one.";
        return added;
      }
      if (password.size() < kMinPassword) {
        added.errors.password = "The password must have at least 10 characters.";
        return added;
      }
      auto created = storage::users::create(*tx, email, password, false);
      if (!created) {
        if (created.error().code == core::Errc::invalid_input) {
          added.errors.password = created.error().message;
          return added;
        }
        return created.error();
      }
      if (auto committed = tx->commit(); !committed) {
        return committed.error();
      }
      user_id = created->id;
      added.created = true;
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
  auto current = storage::members::find(*tx, user_id);
  if (!current) {
    return current.error();
  }
  if (*current) {
    if ((*current)->role == role) {
      added.already_member = true;
      return added;
    }
    if ((*current)->role == MemberRole::owner) {
      auto members = storage::members::list(*tx);
      if (!members) {
        return members.error();
      }
      if (owners_of(*members) <= 1) {
        return last_owner(**current);
      }
    }
    added.role_changed = true;
  }
  if (auto put = storage::members::put(*tx, user_id, role); !put) {
    return put.error();
  }
  if (auto committed = tx->commit(); !committed) {
    return committed.error();
  }
  return added;
}

asio::awaitable<Response> add_page(const Console& console, Request&, RequestContext& context,
                                   const RouteParams&, Visit& visit) {
  MemberForm form{visit.form.text("email"), visit.form.text("role")};
  const std::string password = visit.form.text("password");
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
  if (errors.empty()) {
    auto added = co_await console.blocking([&s, &visit, &email, &role, &password] {
      return add_member(s, visit, *email, *role, password);
    });
    if (!added) {
      if (added.error().code == core::Errc::conflict) {
        co_return console.error_page(context, visit.scope, Status::conflict,
                                     "This change is not allowed", added.error().message,
                                     visit.who);
      }
      co_return console.failure(context, visit, added.error());
    }
    errors = added->errors;
    if (errors.empty()) {
      const char* notice = added->created          ? "created"
                           : added->role_changed   ? "role"
                           : added->already_member ? "unchanged"
                                                   : "added";
      co_return redirect(Status::see_other, visit.url("/members?notice=") + notice);
    }
  }
  auto members = co_await console.blocking([&s, &visit] { return read_members(s, visit); });
  if (!members) {
    co_return console.failure(context, visit, members.error());
  }
  co_return members_page(console, context, visit, Status::unprocessable_entity, *members, form,
                         errors);
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
}

}  // namespace orion::web::console::dashboard

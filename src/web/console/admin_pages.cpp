// The platform admin's pages (/admin on the platform host and on admin.<platform domain>): the
// overview, the stores (search, create, activate/deactivate, members) and the users. Admins
// only (the gate refuses everyone else). A change to a store invalidates the store cache at
// once, so the storefront sees it on the next request. The domain pages are domain_pages.cpp.
#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <map>

#include "core/store_code.hpp"
#include "http/query.hpp"
#include "storage/clock.hpp"
#include "storage/platform_stats.hpp"
#include "storage/repository.hpp"
#include "storage/stores.hpp"
#include "storage/users.hpp"
#include "web/console/console.hpp"

namespace orion::web::console {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;
using verb = boost::beast::http::verb;

constexpr std::int64_t kListLimit = 200;
constexpr std::int64_t kRecentStores = 10;

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc{} || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

std::string query_of(const RequestContext& context, std::string_view name) {
  return http::query_param(context.resolution->query, name).value_or("");
}

void set_if(Data& data, const char* name, const std::string& value) {
  if (!value.empty()) {
    data.set(name, value);
  }
}

// A store's row in a list, with the links of its shop and dashboard on the platform host.
Data store_item(const storage::StoreRecord& store, const std::string& origin) {
  Data item;
  item.set("code", store.code);
  item.set("name", store.name);
  item.set("is_active", store.is_active);
  item.set("url", "/admin/stores/" + store.code);
  item.set("shop_url", origin + "/stores/" + store.code + "/shop/");
  item.set("dashboard_url", origin + "/store/" + store.code + "/");
  item.set("created", utc_time(store.created_at));
  return item;
}

// The store's shop on its own subdomain, as seen from this request (same scheme and port).
std::string subdomain_shop_url(const Request& request, const RequestContext& context,
                               const Services& s, const std::string& code) {
  std::string url = context.peer.tls ? "https://" : "http://";
  url += code + "." + s.platform.domain();
  const std::string_view host = request[boost::beast::http::field::host];
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
    url += host.substr(colon);
  }
  return url + "/shop/";
}

// ---- overview ----

asio::awaitable<Response> overview(const Console& console, Request& request,
                                   RequestContext& context, const RouteParams&, Visit& visit) {
  struct Overview {
    storage::platform_stats::Overview stats;
    std::vector<storage::StoreRecord> recent;
  };
  const Services& s = console.services();
  auto overview = co_await console.blocking([&s]() -> core::Result<Overview> {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto stats = storage::platform_stats::overview(
        *tx, storage::platform_stats::utc_day_start(storage::unix_now()));
    if (!stats) {
      return stats.error();
    }
    // The newest stores: the last page of the list by id.
    const std::int64_t total = stats->active_stores + stats->inactive_stores;
    auto recent = storage::stores::list(
        *tx, storage::Page{kRecentStores, std::max<std::int64_t>(0, total - kRecentStores)});
    if (!recent) {
      return recent.error();
    }
    std::reverse(recent->begin(), recent->end());
    return Overview{*stats, std::move(*recent)};
  });
  if (!overview) {
    co_return console.failure(context, visit, overview.error());
  }
  const std::string origin = console.platform_origin(request, context);
  const auto& stats = overview->stats;
  Data data = console.page_data(context, visit, "Overview");
  data.set("store_count", std::to_string(stats.active_stores + stats.inactive_stores));
  data.set("active_stores", std::to_string(stats.active_stores));
  data.set("inactive_stores", std::to_string(stats.inactive_stores));
  data.set("orders_today", std::to_string(stats.orders_today));
  data.set("user_count", std::to_string(stats.users));
  data.set("has_stores", !overview->recent.empty());
  Data stores{Data::type::list};
  for (const storage::StoreRecord& store : overview->recent) {
    stores.push_back(store_item(store, origin));
  }
  data.set("stores", stores);
  co_return console.render(Status::ok, "console/admin_home", data);
}

// ---- stores ----

struct StoreForm {
  std::string code;
  std::string name;
  std::string code_error;
  std::string name_error;
};

asio::awaitable<Response> stores_page(const Console& console, Request& request,
                                      RequestContext& context, Visit& visit, Status status,
                                      const StoreForm& form) {
  const std::string q = query_of(context, "q");
  const Services& s = console.services();
  auto stores = co_await console.blocking([&s, &q] {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return core::Result<std::vector<storage::StoreRecord>>(tx.error());
    }
    const storage::Page page{kListLimit, 0};
    return q.empty() ? storage::stores::list(*tx, page) : storage::stores::search(*tx, q, page);
  });
  if (!stores) {
    co_return console.failure(context, visit, stores.error());
  }
  const std::string origin = console.platform_origin(request, context);
  Data data = console.page_data(context, visit, "Stores");
  data.set("q", q);
  data.set("searched", !q.empty());
  Data items{Data::type::list};
  for (const storage::StoreRecord& store : *stores) {
    items.push_back(store_item(store, origin));
  }
  data.set("stores", items);
  data.set("has_stores", !stores->empty());
  data.set("count", std::to_string(stores->size()));
  data.set("capped", static_cast<std::int64_t>(stores->size()) == kListLimit);
  data.set("limit", std::to_string(kListLimit));
  data.set("action", visit.url("/stores"));
  data.set("code", form.code);
  data.set("name", form.name);
  set_if(data, "code_error", form.code_error);
  set_if(data, "name_error", form.name_error);
  data.set("has_errors", !form.code_error.empty() || !form.name_error.empty());
  co_return console.render(status, "console/admin_stores", data);
}

asio::awaitable<Response> list_stores(const Console& console, Request& request,
                                      RequestContext& context, const RouteParams&, Visit& visit) {
  // Named, not a temporary in the co_await expression (GCC 12 mishandles those).
  const StoreForm empty;
  co_return co_await stores_page(console, request, context, visit, Status::ok, empty);
}

asio::awaitable<Response> create_store(const Console& console, Request& request,
                                       RequestContext& context, const RouteParams&, Visit& visit) {
  StoreForm form{visit.form.text("code"), visit.form.text("name"), {}, {}};
  auto code = core::validate_store_code(form.code);
  if (!code) {
    form.code_error = code.error().message;
  }
  auto name = storage::stores::validate_name(form.name);
  if (!name) {
    form.name_error = name.error().message;
  }
  if (code && name) {
    const Services& s = console.services();
    auto created = co_await console.blocking([&s, &code, &name] {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return core::Result<storage::StoreRecord>(tx.error());
      }
      auto store = storage::stores::create(*tx, *code, *name);
      if (!store) {
        return store;
      }
      if (auto done = tx->commit(); !done) {
        return core::Result<storage::StoreRecord>(done.error());
      }
      return store;
    });
    if (created) {
      s.log->info("request {}: admin {} created store '{}'", context.request_id, visit.who.user.id,
                  created->code);
      co_return redirect(Status::see_other,
                         visit.url("/stores/" + created->code + "?notice=created"));
    }
    if (created.error().code == core::Errc::conflict) {
      form.code_error = "A store with this code already exists.";
    } else if (created.error().code == core::Errc::invalid_input) {
      form.code_error = created.error().message;
    } else {
      co_return console.failure(context, visit, created.error());
    }
  }
  co_return co_await stores_page(console, request, context, visit, Status::unprocessable_entity,
                                 form);
}

struct MemberForm {
  std::string email;
  std::string role = "staff";
  std::string email_error;
  std::string role_error;
};

struct StoreDetail {
  storage::StoreRecord store;
  std::vector<storage::MemberRecord> members;
};

core::Result<std::optional<StoreDetail>> load_store(const Services& s, std::string_view code) {
  std::optional<storage::StoreRecord> store;
  {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto found = storage::stores::find_by_code(*tx, code);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return std::optional<StoreDetail>{};
    }
    store = std::move(*found);
  }
  // The explicit admin path: the admin chose this store by its code.
  auto tx = s.database.begin(storage::TenantScope::admin(store->snapshot()));
  if (!tx) {
    return tx.error();
  }
  auto members = storage::members::list(*tx);
  if (!members) {
    return members.error();
  }
  return std::optional<StoreDetail>{StoreDetail{std::move(*store), std::move(*members)}};
}

Response no_such_store_page(const Console& console, const RequestContext& context,
                            const Visit& visit) {
  return console.error_page(context, visit.scope, Status::not_found, "Store not found",
                            "There is no store with this code.", visit.who);
}

asio::awaitable<Response> store_page(const Console& console, Request& request,
                                     RequestContext& context, Visit& visit, std::string_view code,
                                     Status status, const MemberForm& form) {
  const Services& s = console.services();
  auto detail = co_await console.blocking([&s, code] { return load_store(s, code); });
  if (!detail) {
    co_return console.failure(context, visit, detail.error());
  }
  if (!*detail) {
    co_return no_such_store_page(console, context, visit);
  }
  const storage::StoreRecord& store = (*detail)->store;
  const std::string origin = console.platform_origin(request, context);
  const std::string base = visit.url("/stores/" + store.code);
  Data data = console.page_data(context, visit, "Store " + store.code);
  data.set("store", store_item(store, origin));
  data.set("subdomain_url", subdomain_shop_url(request, context, s, store.code));
  data.set("domains_url", base + "/domains");
  data.set("toggle_url", base + (store.is_active ? "/deactivate" : "/activate"));
  data.set("members_action", base + "/members");
  Data members{Data::type::list};
  for (const storage::MemberRecord& member : (*detail)->members) {
    Data item;
    item.set("email", member.email);
    item.set("role", std::string(storage::users::to_string(member.role)));
    item.set("added", utc_time(member.created_at));
    item.set("user_url", visit.url("/users/" + std::to_string(member.user_id)));
    item.set("remove_url", base + "/members/" + std::to_string(member.user_id) + "/remove");
    members.push_back(item);
  }
  data.set("members", members);
  data.set("has_members", !(*detail)->members.empty());
  data.set("email", form.email);
  data.set("role_owner", form.role == "owner");
  data.set("role_staff", form.role != "owner");
  set_if(data, "email_error", form.email_error);
  set_if(data, "role_error", form.role_error);
  data.set("has_errors", !form.email_error.empty() || !form.role_error.empty());
  const std::string notice = query_of(context, "notice");
  static const std::map<std::string, std::string, std::less<>> kNotices{
      {"created", "The store was created. It serves at once."},
      {"activated", "The store is active: its shop and dashboard serve again."},
      {"deactivated", "The store is inactive: its shop and dashboard answer 404."},
      {"granted", "The membership was saved."},
      {"removed", "The member was removed."}};
  if (const auto text = kNotices.find(notice); text != kNotices.end()) {
    data.set("notice", text->second);
  }
  co_return console.render(status, "console/admin_store", data);
}

asio::awaitable<Response> show_store(const Console& console, Request& request,
                                     RequestContext& context, const RouteParams& params,
                                     Visit& visit) {
  const MemberForm empty;
  const std::string code(params.get("code"));
  co_return co_await store_page(console, request, context, visit, code, Status::ok, empty);
}

asio::awaitable<Response> set_active(const Console& console, Request&, RequestContext& context,
                                     const std::string& code, Visit& visit, bool active) {
  const Services& s = console.services();
  auto changed = co_await console.blocking([&s, &code, active] {
    auto tx = s.database.begin_platform();
    if (!tx) {
      return core::Result<storage::StoreRecord>(tx.error());
    }
    auto store = storage::stores::set_active(*tx, code, active);
    if (!store) {
      return store;
    }
    if (auto done = tx->commit(); !done) {
      return core::Result<storage::StoreRecord>(done.error());
    }
    return store;
  });
  if (!changed) {
    if (changed.error().code == core::Errc::not_found ||
        changed.error().code == core::Errc::invalid_input) {
      co_return no_such_store_page(console, context, visit);
    }
    co_return console.failure(context, visit, changed.error());
  }
  s.log->info("request {}: admin {} {} store '{}'", context.request_id, visit.who.user.id,
              active ? "activated" : "deactivated", changed->code);
  co_return redirect(Status::see_other,
                     visit.url("/stores/" + changed->code +
                               (active ? "?notice=activated" : "?notice=deactivated")));
}

asio::awaitable<Response> activate(const Console& console, Request& request,
                                   RequestContext& context, const RouteParams& params,
                                   Visit& visit) {
  const std::string code(params.get("code"));
  co_return co_await set_active(console, request, context, code, visit, true);
}

asio::awaitable<Response> deactivate(const Console& console, Request& request,
                                     RequestContext& context, const RouteParams& params,
                                     Visit& visit) {
  const std::string code(params.get("code"));
  co_return co_await set_active(console, request, context, code, visit, false);
}

asio::awaitable<Response> grant_member(const Console& console, Request& request,
                                       RequestContext& context, const RouteParams& params,
                                       Visit& visit) {
  const std::string code(params.get("code"));
  MemberForm form{visit.form.text("email"), visit.form.text("role"), {}, {}};
  auto role = storage::users::parse_role(form.role);
  if (!role) {
    form.role_error = "Choose owner or staff.";
  }
  if (form.email.empty()) {
    form.email_error = "Enter the e-mail address of an existing user.";
  }
  enum class Done : std::uint8_t { granted, no_store, no_user };
  const Services& s = console.services();
  if (form.role_error.empty() && form.email_error.empty()) {
    auto done = co_await console.blocking([&s, &code, &form, &role]() -> core::Result<Done> {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto store = storage::stores::find_by_code(*tx, code);
      if (!store) {
        return store.error();
      }
      if (!*store) {
        return Done::no_store;
      }
      auto user = storage::users::find_by_email(*tx, form.email);
      if (!user) {
        return user.error();
      }
      if (!*user) {
        return Done::no_user;
      }
      if (auto granted = storage::members::grant(*tx, (*store)->id, (*user)->id, *role); !granted) {
        return granted.error();
      }
      if (auto committed = tx->commit(); !committed) {
        return committed.error();
      }
      return Done::granted;
    });
    if (!done) {
      co_return console.failure(context, visit, done.error());
    }
    if (*done == Done::no_store) {
      co_return no_such_store_page(console, context, visit);
    }
    if (*done == Done::granted) {
      co_return redirect(Status::see_other, visit.url("/stores/" + code + "?notice=granted"));
    }
    form.email_error = "There is no user with this e-mail address. Create the user first.";
  }
  co_return co_await store_page(console, request, context, visit, code,
                                Status::unprocessable_entity, form);
}

asio::awaitable<Response> remove_member(const Console& console, Request&, RequestContext& context,
                                        const RouteParams& params, Visit& visit) {
  const std::string code(params.get("code"));
  const auto user_id = parse_id(params.get("user_id"));
  enum class Done : std::uint8_t { removed, no_store, no_member };
  const Services& s = console.services();
  auto done = co_await console.blocking([&s, &code, user_id]() -> core::Result<Done> {
    std::optional<storage::StoreRecord> store;
    {
      auto tx = s.database.begin_platform();
      if (!tx) {
        return tx.error();
      }
      auto found = storage::stores::find_by_code(*tx, code);
      if (!found) {
        return found.error();
      }
      store = std::move(*found);
    }
    if (!store) {
      return Done::no_store;
    }
    if (!user_id) {
      return Done::no_member;
    }
    auto tx = s.database.begin(storage::TenantScope::admin(store->snapshot()));
    if (!tx) {
      return tx.error();
    }
    if (auto removed = storage::members::remove(*tx, *user_id); !removed) {
      if (removed.error().code == core::Errc::not_found) {
        return Done::no_member;
      }
      return removed.error();
    }
    if (auto committed = tx->commit(); !committed) {
      return committed.error();
    }
    return Done::removed;
  });
  if (!done) {
    co_return console.failure(context, visit, done.error());
  }
  if (*done == Done::no_store) {
    co_return no_such_store_page(console, context, visit);
  }
  if (*done == Done::no_member) {
    co_return console.error_page(context, visit.scope, Status::not_found, "No such member",
                                 "This user is not a member of the store.", visit.who);
  }
  co_return redirect(Status::see_other, visit.url("/stores/" + code + "?notice=removed"));
}

// ---- users ----

struct UserForm {
  std::string email;
  bool is_admin = false;
  std::string store;
  std::string role = "staff";
  std::string email_error;
  std::string password_error;
  std::string store_error;
  std::string role_error;
};

struct UserRow {
  storage::UserRecord user;
  std::vector<storage::MemberRecord> memberships;
};

// The users (first kListLimit) with their memberships, and the codes of the stores named.
struct UserList {
  std::vector<UserRow> users;
  std::map<std::int64_t, std::string> store_codes;
};

core::Result<void> add_store_codes(storage::PlatformTransaction& tx,
                                   const std::vector<storage::MemberRecord>& memberships,
                                   std::map<std::int64_t, std::string>& codes) {
  for (const storage::MemberRecord& membership : memberships) {
    if (codes.contains(membership.store_id)) {
      continue;
    }
    auto store = storage::stores::find_by_id(tx, membership.store_id);
    if (!store) {
      return store.error();
    }
    codes[membership.store_id] = *store ? (*store)->code : "?";
  }
  return {};
}

core::Result<UserList> load_users(const Services& s) {
  auto tx = s.database.begin_platform();
  if (!tx) {
    return tx.error();
  }
  auto users = storage::users::list(*tx, storage::Page{kListLimit, 0});
  if (!users) {
    return users.error();
  }
  UserList list;
  for (storage::UserRecord& user : *users) {
    auto memberships = storage::members::of_user(*tx, user.id);
    if (!memberships) {
      return memberships.error();
    }
    if (auto named = add_store_codes(*tx, *memberships, list.store_codes); !named) {
      return named.error();
    }
    list.users.push_back(UserRow{std::move(user), std::move(*memberships)});
  }
  return list;
}

Data memberships_data(const UserRow& row, const std::map<std::int64_t, std::string>& codes,
                      const Visit& visit) {
  Data list{Data::type::list};
  for (const storage::MemberRecord& membership : row.memberships) {
    Data item;
    const auto code = codes.find(membership.store_id);
    const std::string store_code = code == codes.end() ? "?" : code->second;
    item.set("store", store_code);
    item.set("store_url", visit.url("/stores/" + store_code));
    item.set("role", std::string(storage::users::to_string(membership.role)));
    item.set("added", utc_time(membership.created_at));
    list.push_back(item);
  }
  return list;
}

Data user_data(const UserRow& row, const std::map<std::int64_t, std::string>& codes,
               const Visit& visit) {
  Data item;
  item.set("id", std::to_string(row.user.id));
  item.set("email", row.user.email);
  item.set("is_admin", row.user.is_admin);
  item.set("is_active", row.user.is_active);
  item.set("created", utc_time(row.user.created_at));
  item.set("url", visit.url("/users/" + std::to_string(row.user.id)));
  item.set("memberships", memberships_data(row, codes, visit));
  item.set("has_memberships", !row.memberships.empty());
  return item;
}

asio::awaitable<Response> users_page(const Console& console, RequestContext& context, Visit& visit,
                                     Status status, const UserForm& form) {
  const Services& s = console.services();
  auto list = co_await console.blocking([&s] { return load_users(s); });
  if (!list) {
    co_return console.failure(context, visit, list.error());
  }
  Data data = console.page_data(context, visit, "Users");
  Data users{Data::type::list};
  for (const UserRow& row : list->users) {
    users.push_back(user_data(row, list->store_codes, visit));
  }
  data.set("users", users);
  data.set("capped", static_cast<std::int64_t>(list->users.size()) == kListLimit);
  data.set("limit", std::to_string(kListLimit));
  data.set("action", visit.url("/users"));
  data.set("min_length", std::to_string(kMinPasswordLength));
  data.set("email", form.email);
  data.set("admin_checked", form.is_admin);
  data.set("store", form.store);
  data.set("role_owner", form.role == "owner");
  data.set("role_staff", form.role != "owner");
  set_if(data, "email_error", form.email_error);
  set_if(data, "password_error", form.password_error);
  set_if(data, "store_error", form.store_error);
  set_if(data, "role_error", form.role_error);
  data.set("has_errors", !form.email_error.empty() || !form.password_error.empty() ||
                             !form.store_error.empty() || !form.role_error.empty());
  co_return console.render(status, "console/admin_users", data);
}

asio::awaitable<Response> list_users(const Console& console, Request&, RequestContext& context,
                                     const RouteParams&, Visit& visit) {
  const UserForm empty;
  co_return co_await users_page(console, context, visit, Status::ok, empty);
}

asio::awaitable<Response> create_user(const Console& console, Request&, RequestContext& context,
                                      const RouteParams&, Visit& visit) {
  UserForm form;
  form.email = visit.form.text("email");
  form.is_admin = visit.form.text("is_admin") == "1";
  form.store = visit.form.text("store");
  form.role = visit.form.text("role");
  const std::string password = visit.form.text("password");
  if (form.role.empty()) {
    form.role = "staff";
  }
  if (auto email = storage::repository::checked_email(form.email); !email) {
    form.email_error = email.error().message;
  }
  form.password_error = password_problem(password);
  auto role = storage::users::parse_role(form.role);
  if (!form.store.empty() && !role) {
    form.role_error = "Choose owner or staff.";
  }
  if (!form.email_error.empty() || !form.password_error.empty() || !form.role_error.empty()) {
    co_return co_await users_page(console, context, visit, Status::unprocessable_entity, form);
  }
  const Services& s = console.services();
  // The user and the membership commit together: a store that does not exist creates neither.
  auto created = co_await console.blocking(
      [&s, &form, &password, &role]() -> core::Result<std::optional<storage::UserRecord>> {
        auto tx = s.database.begin_platform();
        if (!tx) {
          return tx.error();
        }
        std::optional<storage::StoreRecord> store;
        if (!form.store.empty()) {
          auto found = storage::stores::find_by_code(*tx, form.store);
          if (!found) {
            return found.error();
          }
          if (!*found) {
            form.store_error = "There is no store with this code.";
            return std::optional<storage::UserRecord>{};
          }
          store = std::move(*found);
        }
        auto user = storage::users::create(*tx, form.email, password, form.is_admin);
        if (!user) {
          if (user.error().code == core::Errc::conflict) {
            form.email_error = "A user with this e-mail address already exists.";
            return std::optional<storage::UserRecord>{};
          }
          return user.error();
        }
        if (store) {
          if (auto granted = storage::members::grant(*tx, store->id, user->id, *role); !granted) {
            return granted.error();
          }
        }
        if (auto committed = tx->commit(); !committed) {
          return committed.error();
        }
        return std::optional<storage::UserRecord>{std::move(*user)};
      });
  if (!created) {
    co_return console.failure(context, visit, created.error());
  }
  if (!*created) {
    co_return co_await users_page(console, context, visit, Status::unprocessable_entity, form);
  }
  s.log->info("request {}: admin {} created user {}", context.request_id, visit.who.user.id,
              (*created)->id);
  co_return redirect(Status::see_other,
                     visit.url("/users/" + std::to_string((*created)->id) + "?notice=created"));
}

asio::awaitable<Response> show_user(const Console& console, Request&, RequestContext& context,
                                    const RouteParams& params, Visit& visit) {
  const auto id = parse_id(params.get("id"));
  const Services& s = console.services();
  struct Found {
    UserRow row;
    std::map<std::int64_t, std::string> codes;
  };
  auto found = co_await console.blocking([&s, id]() -> core::Result<std::optional<Found>> {
    if (!id) {
      return std::optional<Found>{};
    }
    auto tx = s.database.begin_platform();
    if (!tx) {
      return tx.error();
    }
    auto user = storage::users::get(*tx, *id);
    if (!user) {
      return user.error();
    }
    if (!*user) {
      return std::optional<Found>{};
    }
    auto memberships = storage::members::of_user(*tx, *id);
    if (!memberships) {
      return memberships.error();
    }
    Found result{UserRow{std::move(**user), std::move(*memberships)}, {}};
    if (auto named = add_store_codes(*tx, result.row.memberships, result.codes); !named) {
      return named.error();
    }
    return std::optional<Found>{std::move(result)};
  });
  if (!found) {
    co_return console.failure(context, visit, found.error());
  }
  if (!*found) {
    co_return console.error_page(context, visit.scope, Status::not_found, "User not found",
                                 "There is no such user.", visit.who);
  }
  Data data = console.page_data(context, visit, "User " + (*found)->row.user.email);
  data.set("user", user_data((*found)->row, (*found)->codes, visit));
  data.set("users_url", visit.url("/users"));
  if (query_of(context, "notice") == "created") {
    data.set("notice", std::string("The user was created."));
  }
  co_return console.render(Status::ok, "console/admin_user", data);
}

}  // namespace

void add_admin_pages(http::Router& router, const std::shared_ptr<const Console>& console) {
  const auto admin = core::ContextType::admin;
  const auto page = [&router, &console, admin](verb method, const char* path, Page handler) {
    router.add(admin, method, path, gated(console, Role::admin, handler));
  };
  page(verb::get, "/admin/", &overview);
  page(verb::get, "/admin/stores", &list_stores);
  page(verb::post, "/admin/stores", &create_store);
  page(verb::get, "/admin/stores/{code}", &show_store);
  page(verb::post, "/admin/stores/{code}/activate", &activate);
  page(verb::post, "/admin/stores/{code}/deactivate", &deactivate);
  page(verb::post, "/admin/stores/{code}/members", &grant_member);
  page(verb::post, "/admin/stores/{code}/members/{user_id}/remove", &remove_member);
  page(verb::get, "/admin/users", &list_users);
  page(verb::post, "/admin/users", &create_user);
  page(verb::get, "/admin/users/{id}", &show_user);
}

}  // namespace orion::web::console

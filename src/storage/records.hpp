// What the repositories read and write: one plain struct per table row. Times are Unix seconds
// (UTC); money is integer cents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store.hpp"

namespace orion::storage {

struct Page {
  std::int64_t limit = 50;  // 1..500
  std::int64_t offset = 0;
};

struct StoreRecord {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  bool is_active = true;
  std::int64_t created_at = 0;
  // The domain the owner marked primary; filled by the resolution lookups
  // (stores::find_active_by_*), empty from the others.
  std::string primary_domain;

  [[nodiscard]] core::Store snapshot() const {
    return core::Store{id, code, name, is_active, primary_domain};
  }
};

// Where a custom domain stands (docs/DOMAINS.md): pending (the owner has the record to create)
// -> verified (routes) -> failing (a re-check failed; still routes during the grace period) ->
// detached (stopped routing) -> removed (the row is gone; the name is held back from other
// stores for the quarantine). `is_verified` is true exactly when the domain routes: verified or
// failing.
enum class DomainState : std::uint8_t { pending, verified, failing, detached };
std::string_view to_string(DomainState state) noexcept;
std::optional<DomainState> parse_domain_state(std::string_view text) noexcept;
[[nodiscard]] constexpr bool routes(DomainState state) noexcept {
  return state == DomainState::verified || state == DomainState::failing;
}

struct DomainRecord {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string domain;
  bool is_verified = false;  // routes(state)
  std::string verification_token;
  std::optional<std::int64_t> verified_at;  // when it last became verified; set iff is_verified
  bool is_primary = false;
  std::int64_t created_at = 0;
  DomainState state = DomainState::pending;
  std::string verified_by;                    // "dns", "http", "forced"; empty while never verified
  std::optional<std::int64_t> checked_at;     // the last check, by anyone
  std::optional<std::int64_t> next_check_at;  // the scheduled re-check; none: not scheduled
  std::optional<std::int64_t> failing_since;  // set iff state == failing
  std::optional<std::int64_t> detached_at;    // set iff state == detached
  std::string last_result;                    // the last check's sentence for the owner

  [[nodiscard]] bool forced() const noexcept { return verified_by == "forced"; }
};

// One recorded transition of a domain. `from` is empty for the first event ("added"); `to` is a
// DomainState's name or "removed". Kept after the domain is removed.
struct DomainEvent {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string domain;
  std::string from;
  std::string to;
  std::string reason;  // a sentence the owner can read
  std::int64_t at = 0;
};

struct Theme {
  std::string primary_color = "#3B82F6";
  std::string secondary_color = "#1E293B";
  std::string background_color = "#FFFFFF";
  std::string text_color = "#111827";
  std::string font_family = "system-ui";
  std::optional<std::string> logo_url;
  std::string custom_css;
  std::int64_t updated_at = 0;
};

struct ProductRecord {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::optional<std::string> sku;
  std::string name;
  std::string description;
  std::int64_t price_cents = 0;
  std::string currency = "EUR";
  std::optional<std::int64_t> stock;  // none: not tracked
  std::optional<std::string> image_url;
  bool is_active = true;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct NewProduct {
  std::string name;
  std::int64_t price_cents = 0;
  std::string description;
  std::optional<std::string> sku;
  std::string currency = "EUR";
  std::optional<std::int64_t> stock;
  std::optional<std::string> image_url;
  bool is_active = true;
};

// A partial update: only the fields set change.
struct ProductChanges {
  std::optional<std::string> name;
  std::optional<std::int64_t> price_cents;
  std::optional<std::string> description;
  std::optional<std::optional<std::string>> sku;
  std::optional<std::optional<std::int64_t>> stock;
  std::optional<std::optional<std::string>> image_url;
  std::optional<bool> is_active;
};

struct CustomerRecord {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string email;
  std::string name;
  std::int64_t created_at = 0;
};

struct OrderItemRecord {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string product_name;
  std::optional<std::string> sku;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
};

struct OrderRecord {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string order_number;
  std::int64_t customer_id = 0;
  std::string customer_email;
  std::string status;
  std::string currency;
  std::int64_t total_cents = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::vector<OrderItemRecord> items;
};

struct OrderLine {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;
  bool is_admin = false;
  bool is_active = true;
  std::int64_t created_at = 0;
};

enum class MemberRole : std::uint8_t { owner, staff };

struct MemberRecord {
  std::int64_t store_id = 0;
  std::int64_t user_id = 0;
  std::string email;
  MemberRole role = MemberRole::staff;
  std::int64_t created_at = 0;
};

// An open invitation to a store's dashboard (table store_invitations); its token is never stored.
struct InvitationRecord {
  std::int64_t id = 0;
  std::int64_t store_id = 0;
  std::string email;
  MemberRole role = MemberRole::staff;
  std::optional<std::int64_t> invited_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

struct SessionRecord {
  std::string token_hash;
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> store_id;
  std::string kind;  // admin | store | shopper
  std::string csrf_token;
  std::string data;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

struct TokenRecord {
  std::int64_t id = 0;
  std::string prefix;
  std::optional<std::int64_t> store_id;  // none: an admin token
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> revoked_at;
};

}  // namespace orion::storage

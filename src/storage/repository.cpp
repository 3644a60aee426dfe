#include "storage/repository.hpp"

#include "core/text.hpp"

namespace orion::storage::repository {

Result<std::string> checked_text(std::string_view field, std::string_view value, std::size_t min,
                                 std::size_t max, bool multiline) {
  const std::string_view trimmed = core::text::trim(value);
  if (trimmed.size() < min || trimmed.size() > max) {
    return core::make_error(core::Errc::invalid_input, std::string(field) + " must have " +
                                                           std::to_string(min) + " to " +
                                                           std::to_string(max) + " characters");
  }
  for (const char c : trimmed) {
    if (core::text::is_control(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
      return core::make_error(core::Errc::invalid_input,
                              std::string(field) + " may not contain control characters");
    }
  }
  return std::string(trimmed);
}

Result<Page> checked_page(Page page) {
  if (page.limit < 1 || page.limit > 500) {
    return core::make_error(core::Errc::invalid_input, "limit must be between 1 and 500");
  }
  if (page.offset < 0) {
    return core::make_error(core::Errc::invalid_input, "offset may not be negative");
  }
  return page;
}

Result<std::string> checked_email(std::string_view email) {
  auto text = checked_text("e-mail address", email, 3, 254);
  if (!text) {
    return text.error();
  }
  std::string lower = std::move(*text);
  core::text::lower_ascii(lower);
  const std::size_t at = lower.find('@');
  if (at == 0 || at == std::string::npos || at + 1 >= lower.size() ||
      lower.find('@', at + 1) != std::string::npos || lower.find(' ') != std::string::npos ||
      lower.find('.', at) == std::string::npos) {
    return core::make_error(core::Errc::invalid_input,
                            "'" + lower + "' is not an e-mail address (name@example.com)");
  }
  return lower;
}

Result<void> affected_one(Result<QueryResult> result, const std::string& what) {
  if (!result) {
    return result.error();
  }
  if (result->affected == 0) {
    return core::make_error(core::Errc::not_found, what + " does not exist");
  }
  return {};
}

namespace {
constexpr Sql kLockStore{"repository_lock_store",
                         "SELECT store_id FROM store_sequences WHERE store_id = $1 FOR UPDATE"};
}  // namespace

Result<void> lock_store(TenantTransaction& tx) {
  if (tx.backend() != Backend::postgres) {
    return {};
  }
  auto locked = tx.run(kLockStore, {tx.store_id()});
  if (!locked) {
    return locked.error();
  }
  if (locked->rows.empty()) {
    return core::make_error(core::Errc::not_found, "store " + std::to_string(tx.store_id()) +
                                                       " has no sequence row to lock");
  }
  return {};
}

}  // namespace orion::storage::repository

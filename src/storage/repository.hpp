// Shared helpers of the repositories: turning query results into records, and the input checks
// every repository applies before the database's own constraints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::storage::repository {

template <class Read>
auto optional_row(Result<QueryResult> result, Read read)
    -> Result<std::optional<decltype(read(std::declval<const Row&>()))>> {
  if (!result) {
    return result.error();
  }
  if (result->rows.empty()) {
    return std::nullopt;
  }
  return read(result->rows.front());
}

template <class Read>
auto single_row(Result<QueryResult> result, Read read)
    -> Result<decltype(read(std::declval<const Row&>()))> {
  if (!result) {
    return result.error();
  }
  if (result->rows.size() != 1) {
    return core::make_error(core::Errc::internal, "expected exactly one row");
  }
  return read(result->rows.front());
}

template <class Read>
auto all_rows(Result<QueryResult> result, Read read)
    -> Result<std::vector<decltype(read(std::declval<const Row&>()))>> {
  if (!result) {
    return result.error();
  }
  std::vector<decltype(read(std::declval<const Row&>()))> out;
  out.reserve(result->rows.size());
  for (const Row& row : result->rows) {
    out.push_back(read(row));
  }
  return out;
}

// An optional that must hold a value: none becomes Errc::not_found naming `what`.
template <class T>
Result<T> found(Result<std::optional<T>> result, const std::string& what) {
  if (!result) {
    return result.error();
  }
  if (!*result) {
    return core::make_error(core::Errc::not_found, what + " does not exist");
  }
  return std::move(**result);
}

// Trims ASCII white space and checks the length (in bytes) and the absence of control
// characters other than newline and tab.
Result<std::string> checked_text(std::string_view field, std::string_view value, std::size_t min,
                                 std::size_t max, bool multiline = false);

Result<Page> checked_page(Page page);

// Trims and lower-cases an e-mail address and checks its shape (something@domain).
Result<std::string> checked_email(std::string_view email);

Result<void> affected_one(Result<QueryResult> result, const std::string& what);

// Holds the scope's store's lock until the transaction ends, so that a check over the store's
// rows and the write it allows (the domain limit, the last owner) cannot interleave with another
// transaction's: on PostgreSQL, where two READ COMMITTED transactions could otherwise both pass
// the check, it locks the store's row of store_sequences; SQLite transactions already run one at
// a time (BEGIN IMMEDIATE).
Result<void> lock_store(TenantTransaction& tx);

}  // namespace orion::storage::repository

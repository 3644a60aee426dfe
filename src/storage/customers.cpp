#include "storage/customers.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::customers {
namespace {

CustomerRecord read(const Row& row) {
  return CustomerRecord{row.integer(0), row.integer(1), row.text(2), row.text(3), row.integer(4)};
}

constexpr Sql kInsert{"customers_insert",
                      "INSERT INTO customers (store_id, email, name, created_at) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT (store_id, email) DO NOTHING"};
constexpr Sql kByEmail{"customers_by_email",
                       "SELECT id, store_id, email, name, created_at FROM customers "
                       "WHERE store_id = $1 AND email = $2"};
constexpr Sql kGet{"customers_get",
                   "SELECT id, store_id, email, name, created_at FROM customers "
                   "WHERE store_id = $1 AND id = $2"};
constexpr Sql kList{"customers_list",
                    "SELECT id, store_id, email, name, created_at FROM customers "
                    "WHERE store_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"};

}  // namespace

Result<CustomerRecord> find_or_create(TenantTransaction& tx, std::string_view email,
                                      std::string_view name) {
  auto valid_email = repository::checked_email(email);
  if (!valid_email) {
    return valid_email.error();
  }
  auto valid_name = repository::checked_text("name", name, 0, 200);
  if (!valid_name) {
    return valid_name.error();
  }
  if (auto inserted = tx.run(kInsert, {tx.store_id(), *valid_email, *valid_name, unix_now()});
      !inserted) {
    return inserted.error();
  }
  return repository::found(
      repository::optional_row(tx.run(kByEmail, {tx.store_id(), *valid_email}), read),
      "customer " + *valid_email);
}

Result<std::optional<CustomerRecord>> get(TenantTransaction& tx, std::int64_t id) {
  return repository::optional_row(tx.run(kGet, {tx.store_id(), id}), read);
}

Result<std::vector<CustomerRecord>> list(TenantTransaction& tx, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  return repository::all_rows(tx.run(kList, {tx.store_id(), checked->limit, checked->offset}),
                              read);
}

}  // namespace orion::storage::customers

#include "storage/products.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::products {
namespace {

constexpr std::int64_t kMaxPriceCents = 100'000'000'000;  // one billion in any currency

#define ORION_PRODUCT_COLUMNS                                                                  \
  "id, store_id, sku, name, description, price_cents, currency, stock, image_url, is_active, " \
  "created_at, updated_at"

ProductRecord read(const Row& row) {
  return ProductRecord{
      row.integer(0),       row.integer(1), row.optional_text(2), row.text(3),
      row.text(4),          row.integer(5), row.text(6),          row.optional_integer(7),
      row.optional_text(8), row.boolean(9), row.integer(10),      row.integer(11)};
}

constexpr Sql kInsert{"products_insert",
                      "INSERT INTO products (store_id, sku, name, description, price_cents, "
                      "currency, stock, image_url, is_active, created_at, updated_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) "
                      "RETURNING " ORION_PRODUCT_COLUMNS};
constexpr Sql kGet{"products_get", "SELECT " ORION_PRODUCT_COLUMNS
                                   " FROM products WHERE store_id = $1 AND id = $2 "
                                   "AND deleted_at IS NULL"};
constexpr Sql kList{"products_list",
                    "SELECT " ORION_PRODUCT_COLUMNS
                    " FROM products WHERE store_id = $1 AND deleted_at IS NULL "
                    "AND (is_active OR NOT $2) ORDER BY id DESC LIMIT $3 OFFSET $4"};
// The catalogue page and the number of products in all in one statement (issue 15, point 4):
// the window count is taken over every matching row before LIMIT applies.
constexpr Sql kListWithTotal{"products_list_with_total",
                             "SELECT " ORION_PRODUCT_COLUMNS
                             ", COUNT(*) OVER () FROM products WHERE store_id = $1 "
                             "AND deleted_at IS NULL AND (is_active OR NOT $2) "
                             "ORDER BY id DESC LIMIT $3 OFFSET $4"};
constexpr Sql kCount{"products_count",
                     "SELECT COUNT(*) FROM products WHERE store_id = $1 AND deleted_at IS NULL "
                     "AND (is_active OR NOT $2)"};
// A partial update writes only the columns it changes ($11..$17 say which), so that an edit of the
// name or the price never writes back a stock it read before a checkout took some: the
// checkout's decrement (orders.cpp, conditional and atomic) always stands.
constexpr Sql kUpdate{"products_update",
                      "UPDATE products SET sku = CASE WHEN $11 THEN $3 ELSE sku END, "
                      "name = CASE WHEN $12 THEN $4 ELSE name END, "
                      "description = CASE WHEN $13 THEN $5 ELSE description END, "
                      "price_cents = CASE WHEN $14 THEN $6 ELSE price_cents END, "
                      "stock = CASE WHEN $15 THEN $7 ELSE stock END, "
                      "image_url = CASE WHEN $16 THEN $8 ELSE image_url END, "
                      "is_active = CASE WHEN $17 THEN $9 ELSE is_active END, "
                      "updated_at = $10 WHERE store_id = $1 AND id = $2 AND deleted_at IS NULL "
                      "RETURNING " ORION_PRODUCT_COLUMNS};
constexpr Sql kDelete{"products_delete",
                      "UPDATE products SET deleted_at = $3, is_active = FALSE WHERE store_id = $1 "
                      "AND id = $2 AND deleted_at IS NULL"};

#undef ORION_PRODUCT_COLUMNS

// Checks every field of a complete product; returns it normalised (trimmed).
Result<NewProduct> checked(NewProduct p) {
  auto name = repository::checked_text("name", p.name, 1, 200);
  if (!name) {
    return name.error();
  }
  p.name = std::move(*name);
  auto description = repository::checked_text("description", p.description, 0, 10000, true);
  if (!description) {
    return description.error();
  }
  p.description = std::move(*description);
  if (p.price_cents < 0 || p.price_cents > kMaxPriceCents) {
    return core::make_error(core::Errc::invalid_input,
                            "price_cents must be between 0 and 100000000000");
  }
  if (p.sku) {
    auto sku = repository::checked_text("sku", *p.sku, 1, 64);
    if (!sku) {
      return sku.error();
    }
    p.sku = std::move(*sku);
  }
  if (p.currency.size() != 3 ||
      p.currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    return core::make_error(core::Errc::invalid_input,
                            "currency must be a three-letter ISO 4217 code like EUR");
  }
  if (p.stock && *p.stock < 0) {
    return core::make_error(core::Errc::invalid_input, "stock may not be negative");
  }
  if (p.image_url) {
    auto url = repository::checked_text("image_url", *p.image_url, 1, 500);
    if (!url) {
      return url.error();
    }
    p.image_url = std::move(*url);
  }
  return p;
}

Error sku_conflict(const Error& error, const std::optional<std::string>& sku) {
  if (error.code == core::Errc::conflict && sku) {
    return core::make_error(core::Errc::conflict, "another product already has sku '" + *sku + "'");
  }
  return error;
}

}  // namespace

Result<ProductRecord> create(TenantTransaction& tx, const NewProduct& product) {
  auto p = checked(product);
  if (!p) {
    return p.error();
  }
  auto created = repository::single_row(
      tx.run(kInsert,
             {tx.store_id(), to_value(p->sku), p->name, p->description, p->price_cents, p->currency,
              to_value(p->stock), to_value(p->image_url), p->is_active, unix_now()}),
      read);
  if (!created) {
    return sku_conflict(created.error(), p->sku);
  }
  return created;
}

Result<std::optional<ProductRecord>> get(TenantTransaction& tx, std::int64_t id) {
  return repository::optional_row(tx.run(kGet, {tx.store_id(), id}), read);
}

Result<std::vector<ProductRecord>> list(TenantTransaction& tx, Page page, bool only_active) {
  auto checked_page = repository::checked_page(page);
  if (!checked_page) {
    return checked_page.error();
  }
  return repository::all_rows(
      tx.run(kList, {tx.store_id(), only_active, checked_page->limit, checked_page->offset}), read);
}

Result<ProductPage> list_with_total(TenantTransaction& tx, Page page, bool only_active) {
  auto checked_page = repository::checked_page(page);
  if (!checked_page) {
    return checked_page.error();
  }
  auto rows = tx.run(kListWithTotal,
                     {tx.store_id(), only_active, checked_page->limit, checked_page->offset});
  if (!rows) {
    return rows.error();
  }
  ProductPage out;
  out.items.reserve(rows->rows.size());
  for (const Row& row : rows->rows) {
    out.items.push_back(read(row));
    out.total = row.integer(12);
  }
  // A page past the end has no row to carry the total: only then a second query.
  if (out.items.empty() && checked_page->offset > 0) {
    auto total = count(tx, only_active);
    if (!total) {
      return total.error();
    }
    out.total = *total;
  }
  return out;
}

Result<std::int64_t> count(TenantTransaction& tx, bool only_active) {
  return repository::single_row(tx.run(kCount, {tx.store_id(), only_active}),
                                [](const Row& row) { return row.integer(0); });
}

Result<ProductRecord> update(TenantTransaction& tx, std::int64_t id,
                             const ProductChanges& changes) {
  auto current = repository::found(get(tx, id), "product " + std::to_string(id));
  if (!current) {
    return current.error();
  }
  NewProduct next{changes.name.value_or(current->name),
                  changes.price_cents.value_or(current->price_cents),
                  changes.description.value_or(current->description),
                  changes.sku.value_or(current->sku),
                  current->currency,
                  changes.stock.value_or(current->stock),
                  changes.image_url.value_or(current->image_url),
                  changes.is_active.value_or(current->is_active)};
  auto p = checked(std::move(next));
  if (!p) {
    return p.error();
  }
  // The merged product is checked whole, but only the changed columns are written.
  auto updated = repository::found(
      repository::optional_row(
          tx.run(kUpdate, {tx.store_id(), id, to_value(p->sku), p->name, p->description,
                           p->price_cents, to_value(p->stock), to_value(p->image_url), p->is_active,
                           unix_now(), changes.sku.has_value(), changes.name.has_value(),
                           changes.description.has_value(), changes.price_cents.has_value(),
                           changes.stock.has_value(), changes.image_url.has_value(),
                           changes.is_active.has_value()}),
          read),
      "product " + std::to_string(id));
  if (!updated) {
    return sku_conflict(updated.error(), p->sku);
  }
  return updated;
}

Result<void> remove(TenantTransaction& tx, std::int64_t id) {
  return repository::affected_one(tx.run(kDelete, {tx.store_id(), id, unix_now()}),
                                  "product " + std::to_string(id));
}

}  // namespace orion::storage::products

#include "storage/stores.hpp"

#include "core/store_code.hpp"
#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::stores {
namespace {

StoreRecord read(const Row& row) {
  StoreRecord r{row.integer(0), row.text(1), row.text(2), row.boolean(3), row.integer(4), {}};
  if (row.size() > 5) {
    r.primary_domain = row.text(5);
  }
  return r;
}

constexpr Sql kInsert{"stores_insert",
                      "INSERT INTO stores (code, name, is_active, created_at) "
                      "VALUES ($1, $2, TRUE, $3) RETURNING id, code, name, is_active, created_at"};
constexpr Sql kInsertTheme{"stores_insert_theme",
                           "INSERT INTO store_themes (store_id, updated_at) VALUES ($1, $2)"};
constexpr Sql kInsertSequences{"stores_insert_sequences",
                               "INSERT INTO store_sequences (store_id) VALUES ($1)"};
constexpr Sql kByCode{"stores_by_code",
                      "SELECT id, code, name, is_active, created_at FROM stores WHERE code = $1"};
constexpr Sql kById{"stores_by_id",
                    "SELECT id, code, name, is_active, created_at FROM stores WHERE id = $1"};
// The resolution lookups also name the store's primary domain (one at most: a partial unique
// index), the host its storefront redirects to.
constexpr Sql kActiveByCode{"stores_active_by_code",
                            "SELECT s.id, s.code, s.name, s.is_active, s.created_at, "
                            "COALESCE(p.domain, '') FROM stores s "
                            "LEFT JOIN store_domains p ON p.store_id = s.id AND p.is_primary "
                            "WHERE s.code = $1 AND s.is_active"};
constexpr Sql kActiveByDomain{
    "stores_active_by_domain",
    "SELECT s.id, s.code, s.name, s.is_active, s.created_at, COALESCE(p.domain, '') "
    "FROM store_domains d JOIN stores s ON s.id = d.store_id "
    "LEFT JOIN store_domains p ON p.store_id = s.id AND p.is_primary "
    "WHERE d.domain = $1 AND d.is_verified AND s.is_active"};
constexpr Sql kList{"stores_list",
                    "SELECT id, code, name, is_active, created_at FROM stores ORDER BY id "
                    "LIMIT $1 OFFSET $2"};
constexpr Sql kCount{"stores_count", "SELECT COUNT(*) FROM stores"};
// $1 is a LIKE pattern with a backslash escaping its own wildcards; lower() on both sides, since
// LIKE is case-insensitive on SQLite but not on PostgreSQL.
constexpr Sql kSearch{"stores_search",
                      "SELECT id, code, name, is_active, created_at FROM stores "
                      "WHERE code LIKE $1 ESCAPE '\\' OR lower(name) LIKE $1 ESCAPE '\\' "
                      "ORDER BY code LIMIT $2 OFFSET $3"};
constexpr Sql kSetActive{"stores_set_active",
                         "UPDATE stores SET is_active = $2 WHERE code = $1 "
                         "RETURNING id, code, name, is_active, created_at"};
constexpr Sql kRename{"stores_rename",
                      "UPDATE stores SET name = $2 WHERE code = $1 "
                      "RETURNING id, code, name, is_active, created_at"};

Result<std::optional<StoreRecord>> one(Transaction& tx, const Sql& sql,
                                       std::initializer_list<Value> params) {
  return repository::optional_row(tx.run(sql, params), read);
}

Result<std::string> normalised_code(std::string_view code) {
  auto valid = core::validate_store_code(code);
  if (!valid) {
    return core::make_error(core::Errc::invalid_input, valid.error().message);
  }
  return std::move(*valid);
}

}  // namespace

Result<std::string> validate_name(std::string_view name) {
  return repository::checked_text("store name", name, 1, 200);
}

Result<StoreRecord> create(PlatformTransaction& tx, std::string_view code, std::string_view name) {
  auto valid_code = core::validate_store_code(code);
  if (!valid_code) {
    return valid_code.error();
  }
  auto valid_name = validate_name(name);
  if (!valid_name) {
    return valid_name.error();
  }
  const std::int64_t now = unix_now();
  auto inserted = repository::single_row(tx.run(kInsert, {*valid_code, *valid_name, now}), read);
  if (!inserted) {
    if (inserted.error().code == core::Errc::conflict) {
      return core::make_error(core::Errc::conflict,
                              "a store with code '" + *valid_code + "' already exists");
    }
    return inserted.error();
  }
  if (auto theme = tx.run(kInsertTheme, {inserted->id, now}); !theme) {
    return theme.error();
  }
  if (auto sequences = tx.run(kInsertSequences, {inserted->id}); !sequences) {
    return sequences.error();
  }
  return inserted;
}

Result<std::optional<StoreRecord>> find_by_code(PlatformTransaction& tx, std::string_view code) {
  auto valid = normalised_code(code);
  if (!valid) {
    return std::optional<StoreRecord>();  // an invalid code names no store
  }
  return one(tx, kByCode, {*valid});
}

Result<StoreRecord> get_by_code(PlatformTransaction& tx, std::string_view code) {
  return repository::found(find_by_code(tx, code), "store '" + std::string(code) + "'");
}

Result<std::optional<StoreRecord>> find_by_id(PlatformTransaction& tx, std::int64_t id) {
  return one(tx, kById, {id});
}

Result<std::optional<StoreRecord>> find_active_by_code(PlatformTransaction& tx,
                                                       std::string_view code) {
  return one(tx, kActiveByCode, {std::string(code)});
}

Result<std::optional<StoreRecord>> find_active_by_verified_domain(PlatformTransaction& tx,
                                                                  std::string_view domain) {
  return one(tx, kActiveByDomain, {std::string(domain)});
}

Result<std::vector<StoreRecord>> list(PlatformTransaction& tx, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  return repository::all_rows(tx.run(kList, {checked->limit, checked->offset}), read);
}

Result<std::int64_t> count(PlatformTransaction& tx) {
  return repository::single_row(tx.run(kCount, {}), [](const Row& row) { return row.integer(0); });
}

Result<std::vector<StoreRecord>> search(PlatformTransaction& tx, std::string_view text, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern += '\\';
    }
    pattern += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  pattern += '%';
  return repository::all_rows(tx.run(kSearch, {pattern, checked->limit, checked->offset}), read);
}

Result<StoreRecord> set_active(PlatformTransaction& tx, std::string_view code, bool is_active) {
  auto valid = normalised_code(code);
  if (!valid) {
    return valid.error();
  }
  return repository::found(one(tx, kSetActive, {*valid, is_active}), "store '" + *valid + "'");
}

Result<StoreRecord> rename(PlatformTransaction& tx, std::string_view code, std::string_view name) {
  auto valid = normalised_code(code);
  if (!valid) {
    return valid.error();
  }
  auto valid_name = validate_name(name);
  if (!valid_name) {
    return valid_name.error();
  }
  return repository::found(one(tx, kRename, {*valid, *valid_name}), "store '" + *valid + "'");
}

}  // namespace orion::storage::stores

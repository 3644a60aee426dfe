#include "storage/domains.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"
#include "storage/secrets.hpp"

namespace orion::storage::domains {
namespace {

// Qualified for joins; RETURNING takes the plain names (SQLite allows no qualifier there).
#define ORION_DOMAIN_COLUMNS                                                         \
  "d.id, d.store_id, d.domain, d.is_verified, d.verification_token, d.verified_at, " \
  "d.is_primary, d.created_at"
#define ORION_DOMAIN_RETURNING \
  "id, store_id, domain, is_verified, verification_token, verified_at, is_primary, created_at"

DomainRecord read(const Row& row) {
  return DomainRecord{row.integer(0), row.integer(1),          row.text(2),    row.boolean(3),
                      row.text(4),    row.optional_integer(5), row.boolean(6), row.integer(7)};
}

PlatformDomain read_platform(const Row& row) { return PlatformDomain{read(row), row.text(8)}; }

constexpr Sql kInsert{"domains_insert",
                      "INSERT INTO store_domains (store_id, domain, verification_token, "
                      "created_at) VALUES ($1, $2, $3, $4) RETURNING " ORION_DOMAIN_RETURNING};
constexpr Sql kList{"domains_list",
                    "SELECT " ORION_DOMAIN_COLUMNS
                    " FROM store_domains d WHERE d.store_id = $1 ORDER BY d.domain"};
constexpr Sql kFind{"domains_find",
                    "SELECT " ORION_DOMAIN_COLUMNS
                    " FROM store_domains d WHERE d.store_id = $1 AND d.domain = $2"};
constexpr Sql kDelete{"domains_delete",
                      "DELETE FROM store_domains WHERE store_id = $1 AND domain = $2"};
constexpr Sql kFindAny{"domains_find_any",
                       "SELECT " ORION_DOMAIN_COLUMNS
                       ", s.code FROM store_domains d "
                       "JOIN stores s ON s.id = d.store_id WHERE d.domain = $1"};
constexpr Sql kListAll{"domains_list_all",
                       "SELECT " ORION_DOMAIN_COLUMNS
                       ", s.code FROM store_domains d "
                       "JOIN stores s ON s.id = d.store_id ORDER BY d.domain LIMIT $1 OFFSET $2"};
constexpr Sql kListOfStore{"domains_list_of_store",
                           "SELECT " ORION_DOMAIN_COLUMNS
                           ", s.code FROM store_domains d "
                           "JOIN stores s ON s.id = d.store_id WHERE d.store_id = $1 "
                           "ORDER BY d.domain LIMIT $2 OFFSET $3"};
constexpr Sql kVerify{"domains_verify",
                      "UPDATE store_domains SET is_verified = TRUE, "
                      "verified_at = COALESCE(verified_at, $2) WHERE domain = $1 "
                      "RETURNING " ORION_DOMAIN_RETURNING};

#undef ORION_DOMAIN_COLUMNS
#undef ORION_DOMAIN_RETURNING

}  // namespace

Result<DomainRecord> add(TenantTransaction& tx, std::string_view domain) {
  auto added = repository::single_row(
      tx.run(kInsert, {tx.store_id(), std::string(domain), random_hex(16), unix_now()}), read);
  if (!added && added.error().code == core::Errc::conflict) {
    return core::make_error(core::Errc::conflict,
                            "the domain " + std::string(domain) + " is already registered");
  }
  return added;
}

Result<std::vector<DomainRecord>> list(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kList, {tx.store_id()}), read);
}

Result<std::optional<DomainRecord>> find(TenantTransaction& tx, std::string_view domain) {
  return repository::optional_row(tx.run(kFind, {tx.store_id(), std::string(domain)}), read);
}

Result<void> remove(TenantTransaction& tx, std::string_view domain) {
  return repository::affected_one(tx.run(kDelete, {tx.store_id(), std::string(domain)}),
                                  "the domain " + std::string(domain));
}

Result<std::optional<PlatformDomain>> find_any(PlatformTransaction& tx, std::string_view domain) {
  return repository::optional_row(tx.run(kFindAny, {std::string(domain)}), read_platform);
}

Result<std::vector<PlatformDomain>> list_all(PlatformTransaction& tx,
                                             std::optional<std::int64_t> store_id, Page page) {
  auto checked = repository::checked_page(page);
  if (!checked) {
    return checked.error();
  }
  if (store_id) {
    return repository::all_rows(tx.run(kListOfStore, {*store_id, checked->limit, checked->offset}),
                                read_platform);
  }
  return repository::all_rows(tx.run(kListAll, {checked->limit, checked->offset}), read_platform);
}

Result<DomainRecord> mark_verified(PlatformTransaction& tx, std::string_view domain) {
  return repository::found(
      repository::optional_row(tx.run(kVerify, {std::string(domain), unix_now()}), read),
      "the domain " + std::string(domain));
}

}  // namespace orion::storage::domains

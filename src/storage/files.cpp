#include "storage/files.hpp"

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::files {
namespace {

FileRecord read(const Row& row) {
  return FileRecord{row.integer(0), row.integer(1), row.text(2),   row.text(3),
                    row.integer(4), row.text(5),    row.integer(6)};
}

constexpr Sql kInsert{"files_insert",
                      "INSERT INTO store_files (store_id, name, content_type, size_bytes, sha256, "
                      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, store_id, name, "
                      "content_type, size_bytes, sha256, created_at"};
constexpr Sql kFind{"files_find",
                    "SELECT id, store_id, name, content_type, size_bytes, sha256, created_at "
                    "FROM store_files WHERE store_id = $1 AND name = $2"};
constexpr Sql kList{"files_list",
                    "SELECT id, store_id, name, content_type, size_bytes, sha256, created_at "
                    "FROM store_files WHERE store_id = $1 ORDER BY name"};
constexpr Sql kDelete{"files_delete", "DELETE FROM store_files WHERE store_id = $1 AND name = $2"};

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return false;
  }
  const auto allowed = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!allowed(name[i], i == 0)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<FileRecord> add(TenantTransaction& tx, std::string_view name, std::string_view content_type,
                       std::int64_t size_bytes, std::string_view sha256) {
  if (!valid_name(name)) {
    return core::make_error(core::Errc::invalid_input,
                            "a file name is 1-100 of a-z, 0-9, '.', '_' and '-'");
  }
  auto added = repository::single_row(
      tx.run(kInsert, {tx.store_id(), std::string(name), std::string(content_type), size_bytes,
                       std::string(sha256), unix_now()}),
      read);
  if (!added && added.error().code == core::Errc::conflict) {
    return core::make_error(core::Errc::conflict, "the store has a file " + std::string(name));
  }
  return added;
}

Result<std::optional<FileRecord>> find(TenantTransaction& tx, std::string_view name) {
  return repository::optional_row(tx.run(kFind, {tx.store_id(), std::string(name)}), read);
}

Result<std::vector<FileRecord>> list(TenantTransaction& tx) {
  return repository::all_rows(tx.run(kList, {tx.store_id()}), read);
}

Result<void> remove(TenantTransaction& tx, std::string_view name) {
  return repository::affected_one(tx.run(kDelete, {tx.store_id(), std::string(name)}),
                                  "the file " + std::string(name));
}

}  // namespace orion::storage::files

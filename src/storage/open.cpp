#include "storage/postgres/pg_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace orion::storage {

Result<std::unique_ptr<Database>> open_database(std::string_view url, PoolOptions options,
                                                OpenMode mode) {
  Result<std::unique_ptr<Database>> database = core::make_error(
      core::Errc::invalid_input, "unsupported database URL '" + postgres::mask_password(url) +
                                     "' (use sqlite:PATH or postgresql://USER@HOST:PORT/DBNAME)");
  if (url.starts_with("sqlite:")) {
    database = sqlite::open(std::string(url.substr(7)), options, mode == OpenMode::create);
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    database = postgres::open(std::string(url), options);
  }
  if (!database) {
    return database;
  }
  // Connect once now, so that a wrong URL fails here with its reason and not at first use.
  auto probe = (*database)->begin_unscoped();
  if (!probe) {
    return probe.error();
  }
  return database;
}

}  // namespace orion::storage

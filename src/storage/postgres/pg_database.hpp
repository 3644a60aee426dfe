// The PostgreSQL backend (libpq): production. Named prepared statements per connection, text
// parameters, a connection marked broken by a connection-class failure (the pool replaces it),
// and the tenant settings row-level security reads sent with each transaction's BEGIN.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace orion::storage::postgres {

// `url` is a libpq URI, postgresql://user:password@host:port/dbname?options.
Result<std::unique_ptr<Database>> open(std::string url, PoolOptions options);

// `url` with the password replaced by "***".
std::string mask_password(std::string_view url);

}  // namespace orion::storage::postgres

// The SQLite backend: the embedded default (orion demo, tests, small single-server installs).
// Every connection runs in WAL mode with a busy timeout and foreign keys on.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace orion::storage::sqlite {

// `path` is a file name; ":memory:" is allowed with a single connection (the pool is sized to
// one). `create`: create a missing file.
Result<std::unique_ptr<Database>> open(std::string path, PoolOptions options, bool create);

}  // namespace orion::storage::sqlite

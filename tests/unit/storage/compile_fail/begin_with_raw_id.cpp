// MUST NOT COMPILE: a tenant transaction opened with a raw store id, db.begin(id), hoping for an
// implicit conversion to TenantScope. Built by the ctest compile_fail.begin_with_raw_id, which
// passes only on the compiler's "cannot convert to TenantScope" error; with
// ORION_COMPILE_FAIL_CONTROL the scope comes from TenantScope::admin and the file compiles
// (target *_control).
#include <cstdint>
#include <vector>

#include "core/store.hpp"
#include "storage/database.hpp"
#include "storage/products.hpp"

namespace orion::storage::compile_fail {

Result<std::vector<ProductRecord>> products_of(Database& db, const core::Store& store,
                                               std::int64_t store_id) {
#ifdef ORION_COMPILE_FAIL_CONTROL
  (void)store_id;
  auto tx = db.begin(TenantScope::admin(store));
#else
  (void)store;
  auto tx = db.begin(store_id);  // the error: no conversion from an id to a TenantScope
#endif
  if (!tx) {
    return tx.error();
  }
  return products::list(*tx);
}

}  // namespace orion::storage::compile_fail

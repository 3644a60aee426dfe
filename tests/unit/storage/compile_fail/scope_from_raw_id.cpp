// MUST NOT COMPILE: a TenantScope made from a raw store id, TenantScope(id). A scope comes only
// from a resolved request (TenantScope::of) or a store looked up on purpose (TenantScope::admin),
// so an id taken from a URL or a form cannot become one. Built by the ctest
// compile_fail.scope_from_raw_id, which passes only on the compiler's "private constructor" error;
// with ORION_COMPILE_FAIL_CONTROL the scope comes from TenantScope::admin and the file compiles
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
  const TenantScope scope = TenantScope::admin(store);
#else
  (void)store;
  const TenantScope scope = TenantScope(store_id);  // the error: the constructor is private
#endif
  auto tx = db.begin(scope);
  if (!tx) {
    return tx.error();
  }
  return products::list(*tx);
}

}  // namespace orion::storage::compile_fail

// MUST NOT COMPILE: a tenant repository called with an UnscopedTransaction (the migrations' kind,
// with neither a store nor the platform setting). Built by the ctest
// compile_fail.unscoped_transaction, which passes only on the compiler's "cannot bind a
// TenantTransaction&" error; with ORION_COMPILE_FAIL_CONTROL the transaction is opened the correct
// way and the file compiles (target *_control).
#include <vector>

#include "core/store.hpp"
#include "storage/database.hpp"
#include "storage/products.hpp"

namespace orion::storage::compile_fail {

Result<std::vector<ProductRecord>> products_of(Database& db, const core::Store& store) {
#ifdef ORION_COMPILE_FAIL_CONTROL
  const TenantScope scope = TenantScope::admin(store);
  auto tx = db.begin(scope);
#else
  (void)store;
  auto tx = db.begin_unscoped();
#endif
  if (!tx) {
    return tx.error();
  }
  return products::list(*tx);  // the error: *tx is an UnscopedTransaction
}

}  // namespace orion::storage::compile_fail

// MUST NOT COMPILE: a tenant repository called with a PlatformTransaction. Platform-wide work
// (the store registry, users, tokens) must not reach one store's rows without that store's
// TenantScope. Built by the ctest compile_fail.platform_transaction, which passes only on the
// compiler's "cannot bind a TenantTransaction&" error; with ORION_COMPILE_FAIL_CONTROL the
// transaction is opened the correct way and the file compiles (target *_control).
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
  auto tx = db.begin_platform();
#endif
  if (!tx) {
    return tx.error();
  }
  return products::list(*tx);  // the error: *tx is a PlatformTransaction
}

}  // namespace orion::storage::compile_fail

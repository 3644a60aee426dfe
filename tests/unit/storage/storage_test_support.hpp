// Shared pieces of the storage test suite: the backend-parameterised fixture (every TEST_P runs
// on SQLite and on the run's throw-away PostgreSQL), `must` to unwrap results, and small helpers
// that open transactions and create stores.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/database.hpp"
#include "storage/records.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "support/test_database.hpp"

namespace orion::core {
// Readable gtest output for error codes ("conflict", not a byte value).
inline void PrintTo(Errc code, std::ostream* os) { *os << to_string(code); }
}  // namespace orion::core

namespace orion::storage {
inline void PrintTo(Backend backend, std::ostream* os) { *os << to_string(backend); }
}  // namespace orion::storage

namespace orion::storage::testing {

// A failed result is a failed test: gtest reports the exception with the error and the line.
template <class T>
T must(core::Result<T> result, std::source_location where = std::source_location::current()) {
  if (!result) {
    throw std::runtime_error(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                             ": unexpected " + std::string(core::to_string(result.error().code)) +
                             ": " + result.error().message);
  }
  return std::move(*result);
}

inline void must(core::Result<void> result,
                 std::source_location where = std::source_location::current()) {
  if (!result) {
    throw std::runtime_error(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                             ": unexpected " + std::string(core::to_string(result.error().code)) +
                             ": " + result.error().message);
  }
}

// The error code of a result that must have failed; fails the test if it succeeded.
template <class T>
core::Errc error_of(const core::Result<T>& result,
                    std::source_location where = std::source_location::current()) {
  if (result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "expected an error, the call succeeded";
    return core::Errc::internal;
  }
  return result.error().code;
}

// Opens transactions and creates stores on one test database.
class StorageHarness {
 public:
  explicit StorageHarness(Database& database) : database_(&database) {}

  [[nodiscard]] Database& db() const { return *database_; }

  TenantTransaction tenant(const StoreRecord& store) const {
    return must(database_->begin(TenantScope::admin(store.snapshot())));
  }
  PlatformTransaction platform() const { return must(database_->begin_platform()); }
  UnscopedTransaction unscoped() const { return must(database_->begin_unscoped()); }

  // A committed new store.
  StoreRecord make_store(std::string_view code, std::string_view name = "A store") const {
    auto tx = platform();
    StoreRecord store = must(stores::create(tx, code, name));
    must(tx.commit());
    return store;
  }

 private:
  Database* database_;
};

// The fixture of every backend-parameterised test: a fresh migrated database per test.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    test_database_ = orion::testing::make_test_database(GetParam());
    ASSERT_NE(test_database_, nullptr) << "no " << to_string(GetParam()) << " test database";
    harness_ = std::make_unique<StorageHarness>(*test_database_->database);
  }

  [[nodiscard]] Backend backend() const { return GetParam(); }
  [[nodiscard]] Database& db() const { return harness_->db(); }
  [[nodiscard]] const orion::testing::TestDatabase& test_database() const {
    return *test_database_;
  }
  TenantTransaction tenant(const StoreRecord& store) const { return harness_->tenant(store); }
  PlatformTransaction platform() const { return harness_->platform(); }
  UnscopedTransaction unscoped() const { return harness_->unscoped(); }
  StoreRecord make_store(std::string_view code, std::string_view name = "A store") const {
    return harness_->make_store(code, name);
  }

 private:
  std::unique_ptr<orion::testing::TestDatabase> test_database_;
  std::unique_ptr<StorageHarness> harness_;
};

// Test names end in the backend: RepositoryTest.ProductsRoundTrip/sqlite, .../postgres.
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(to_string(info.param));
}

}  // namespace orion::storage::testing

// Instantiates a BackendTest subclass on both backends.
#define ORION_INSTANTIATE_ON_BOTH_BACKENDS(Suite)                                                \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Backends, Suite,                                                                           \
      ::testing::Values(::orion::storage::Backend::sqlite, ::orion::storage::Backend::postgres), \
      ::orion::storage::testing::backend_name)

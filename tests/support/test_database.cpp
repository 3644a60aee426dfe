#include "support/test_database.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "storage/migrations.hpp"
#include "storage/secrets.hpp"

namespace orion::testing {
namespace {

std::string read_state(const std::string& file) {
  const char* state = std::getenv("ORION_TEST_PG_STATE");
  if (state == nullptr) {
    return {};
  }
  std::ifstream in(std::filesystem::path(state) / file);
  std::string value;
  std::getline(in, value);
  return value;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::random_device random;
  return prefix + std::to_string(random() % 1000000) + "_" + std::to_string(counter++);
}

}  // namespace

TestDatabase::~TestDatabase() {
  database.reset();
  if (!temp_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir, ignored);
  }
}

std::string postgres_url(const std::string& name) {
  const std::string port = read_state("port");
  if (port.empty()) {
    return {};
  }
  return "postgresql://postgres@127.0.0.1:" + port + "/" + name;
}

void postgres_exec_as_superuser(const std::string& name, const std::string& sql) {
  auto database = storage::open_database(postgres_url(name), storage::PoolOptions{1, 0});
  ASSERT_TRUE(database) << database.error().message;
  auto tx = (*database)->begin_unscoped();
  ASSERT_TRUE(tx) << tx.error().message;
  auto done = tx->run_script(sql);
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_TRUE(tx->commit());
}

std::unique_ptr<TestDatabase> make_test_database(storage::Backend backend,
                                                 storage::PoolOptions options,
                                                 std::int64_t up_to_version) {
  if (!storage::init_secrets()) {
    ADD_FAILURE() << "libsodium did not initialise";
    return nullptr;
  }
  auto out = std::make_unique<TestDatabase>();
  out->backend = backend;
  if (backend == storage::Backend::sqlite) {
    const auto dir = std::filesystem::temp_directory_path() / unique_name("orion-test-");
    std::filesystem::create_directories(dir);
    out->temp_dir = dir.string();
    out->url = "sqlite:" + (dir / "orion.db").string();
    out->owner_url = out->url;
  } else {
    if (postgres_url("postgres").empty()) {
      ADD_FAILURE() << "no test PostgreSQL: run through ctest (fixture 'postgres') or set "
                       "ORION_TEST_PG_STATE to the directory postgres_server.sh start wrote";
      return nullptr;
    }
    const std::string name = unique_name("orion_test_");
    // CREATE DATABASE cannot run in a transaction, and every storage::Database statement
    // does: plain libpq in autocommit.
    PGconn* conn = PQconnectdb(postgres_url("postgres").c_str());
    PGresult* result = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    const bool created = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string message = PQerrorMessage(conn);
    PQclear(result);
    PQfinish(conn);
    if (!created) {
      ADD_FAILURE() << "cannot create database " << name << ": " << message;
      return nullptr;
    }
    out->owner_url = postgres_url(name);
    const std::string port = read_state("port");
    out->url = "postgresql://orion_tester@127.0.0.1:" + port + "/" + name;
  }
  {
    auto owner = storage::open_database(out->owner_url, storage::PoolOptions{1, 0});
    if (!owner) {
      ADD_FAILURE() << owner.error().message;
      return nullptr;
    }
    auto migrated =
        up_to_version < 0 ? storage::migrate(**owner) : storage::migrate_to(**owner, up_to_version);
    if (!migrated) {
      ADD_FAILURE() << migrated.error().message;
      return nullptr;
    }
  }
  if (backend == storage::Backend::postgres) {
    postgres_exec_as_superuser(out->owner_url.substr(out->owner_url.rfind('/') + 1),
                               "GRANT orion_app TO orion_tester");
  }
  auto database = storage::open_database(out->url, options);
  if (!database) {
    ADD_FAILURE() << database.error().message;
    return nullptr;
  }
  out->database = std::move(*database);
  return out;
}

}  // namespace orion::testing

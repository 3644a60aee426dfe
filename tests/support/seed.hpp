// Seeds a test server's database with stores, verified or pending domains, themes and
// products, through the repositories (the same paths the API and the CLI use).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace orion::testing {

struct SeededStore {
  storage::StoreRecord store;
  std::vector<storage::ProductRecord> products;
};

// A store with `products` products named "<name> product <i>" (each also carrying the
// store's marker "mk-<code>" in its description), and the domains given (verified or not).
SeededStore seed_store(storage::Database& database, const std::string& code,
                       const std::string& name, int products = 3,
                       const std::vector<std::string>& verified_domains = {},
                       const std::vector<std::string>& pending_domains = {});

void seed_theme(storage::Database& database, const storage::StoreRecord& store,
                const storage::Theme& theme);

void set_store_active(storage::Database& database, const std::string& code, bool active);

}  // namespace orion::testing

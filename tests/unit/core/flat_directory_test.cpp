#include "core/flat_directory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/detection.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::core {
namespace {

std::int64_t id_of(const StorePtr& store) { return store ? store->id : 0; }

FlatStoreDirectory seed_directory() {
  FlatStoreDirectory::Builder builder;
  builder.add_store(1, "techstore", "Tech Store");
  builder.add_store(2, "fashionhub", "Fashion Hub");
  builder.add_store(3, "closedshop", "Closed Shop", /*is_active=*/false);
  builder.add_domain("shop.techstore.com", "techstore");
  builder.add_domain("pending.example.com", "fashionhub", /*is_verified=*/false);
  builder.add_domain("closed.example.com", "closedshop");
  builder.add_domain("orphan.example.com", "nosuchstore");
  return builder.build();
}

TEST(Store, KeepsItsNameAndPrimaryDomainAndShowsEmptyOnesWithoutThem) {
  const Store full(7, "orion", "Orion Shop", false, "shop.orion.lu");
  EXPECT_EQ(full.id, 7);
  EXPECT_EQ(full.code, "orion");
  EXPECT_FALSE(full.is_active);
  EXPECT_EQ(full.name(), "Orion Shop");
  EXPECT_EQ(full.primary_domain(), "shop.orion.lu");
  const Store copy = full;  // copies share the details
  EXPECT_EQ(&copy.name(), &full.name());
  EXPECT_EQ(copy.primary_domain(), "shop.orion.lu");
  const Store bare(8, "bare", "");
  EXPECT_TRUE(bare.is_active);
  EXPECT_EQ(bare.name(), "");
  EXPECT_EQ(bare.primary_domain(), "");
  EXPECT_EQ(Store().code, "");
  EXPECT_EQ(Store().name(), "");
  EXPECT_EQ(Store(9, "named", "Named").primary_domain(), "");
  EXPECT_EQ(Store(10, "primary", "", true, "primary.example").name(), "");
}

TEST(FlatStoreDirectory, FindsActiveStoresByCodeAndVerifiedDomain) {
  const FlatStoreDirectory directory = seed_directory();
  EXPECT_EQ(id_of(directory.find_active_by_code("techstore")), 1);
  EXPECT_EQ(id_of(directory.find_active_by_code("fashionhub")), 2);
  const StorePtr store = directory.find_active_by_domain("shop.techstore.com");
  ASSERT_TRUE(store);
  EXPECT_EQ(store->id, 1);
  EXPECT_EQ(store->code, "techstore");
  EXPECT_EQ(store->name(), "Tech Store");
  EXPECT_TRUE(store->is_active);
  EXPECT_EQ(directory.store_count(), 3U);
  EXPECT_EQ(directory.domain_count(), 4U);
}

TEST(FlatStoreDirectory, MissesUnknownKeys) {
  const FlatStoreDirectory directory = seed_directory();
  EXPECT_FALSE(directory.find_active_by_code("nosuchstore"));
  EXPECT_FALSE(directory.find_active_by_code(""));
  EXPECT_FALSE(directory.find_active_by_code("techstor"));
  EXPECT_FALSE(directory.find_active_by_code("techstoree"));
  EXPECT_FALSE(directory.find_active_by_domain("techstore.com"));
  EXPECT_FALSE(directory.find_active_by_domain("techstore"));  // a code is not a domain
  EXPECT_FALSE(directory.find_active_by_code("shop.techstore.com"));
  EXPECT_FALSE(directory.find_active_by_domain(""));
}

TEST(FlatStoreDirectory, InactiveStoresAndUnroutableDomainsAreNotFound) {
  const FlatStoreDirectory directory = seed_directory();
  EXPECT_FALSE(directory.find_active_by_code("closedshop"));
  EXPECT_EQ(directory.find_code("closedshop"), nullptr);
  EXPECT_FALSE(directory.find_active_by_domain("closed.example.com"));
  EXPECT_FALSE(directory.find_active_by_domain("pending.example.com"));
  EXPECT_FALSE(directory.find_active_by_domain("orphan.example.com"));
}

// Keys are normalised before they are asked for (StoreDirectory's contract): lookups compare
// bytes, like MemoryStoreDirectory, and never fold case themselves.
TEST(FlatStoreDirectory, ComparesKeysExactly) {
  const FlatStoreDirectory directory = seed_directory();
  EXPECT_FALSE(directory.find_active_by_code("TechStore"));
  EXPECT_FALSE(directory.find_active_by_code("techstore "));
  EXPECT_FALSE(directory.find_active_by_domain("Shop.TechStore.com"));
  EXPECT_FALSE(directory.find_active_by_domain("shop.techstore.com."));
}

TEST(FlatStoreDirectory, EmptyDirectoryMissesEverything) {
  const FlatStoreDirectory empty;
  EXPECT_FALSE(empty.find_active_by_code("techstore"));
  EXPECT_FALSE(empty.find_active_by_domain("shop.techstore.com"));
  const FlatStoreDirectory built = FlatStoreDirectory::Builder().build();
  EXPECT_FALSE(built.find_active_by_code("techstore"));
  EXPECT_EQ(built.store_count(), 0U);
}

TEST(FlatStoreDirectory, LaterEntriesReplaceEarlierOnes) {
  FlatStoreDirectory::Builder builder;
  builder.add_domain("shop.example.com", "first");  // before its store: resolved at build()
  builder.add_store(1, "first", "First");
  builder.add_store(2, "second", "Second");
  builder.add_store(3, "first", "First, renamed");
  builder.add_store(4, "second", "Second, closed", /*is_active=*/false);
  builder.add_domain("other.example.com", "second");
  builder.add_domain("other.example.com", "first");
  builder.add_domain("gone.example.com", "first");
  builder.add_domain("gone.example.com", "first", /*is_verified=*/false);
  const FlatStoreDirectory directory = builder.build();
  EXPECT_EQ(directory.store_count(), 2U);
  EXPECT_EQ(directory.domain_count(), 3U);
  const StorePtr first = directory.find_active_by_code("first");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, 3);
  EXPECT_EQ(first->name(), "First, renamed");
  EXPECT_FALSE(directory.find_active_by_code("second"));
  EXPECT_EQ(id_of(directory.find_active_by_domain("shop.example.com")), 3);
  EXPECT_EQ(id_of(directory.find_active_by_domain("other.example.com")), 3);
  EXPECT_FALSE(directory.find_active_by_domain("gone.example.com"));
}

TEST(FlatStoreDirectory, StoresOutliveTheDirectory) {
  StorePtr kept;
  {
    const FlatStoreDirectory directory = seed_directory();
    kept = directory.find_active_by_domain("shop.techstore.com");
  }
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->code, "techstore");
  EXPECT_EQ(kept->name(), "Tech Store");
}

// Keys of every length around the hash's 8-byte words, and keys that differ in one byte only
// (first, middle, last), all in one directory: each must find exactly its own store.
TEST(FlatStoreDirectory, TellsApartKeysThatDifferInOneByte) {
  FlatStoreDirectory::Builder builder;
  std::vector<std::string> codes;
  for (std::size_t size = 1; size <= 40; ++size) {
    const std::string base(size, 'a');
    codes.push_back(base);
    for (const std::size_t at : {std::size_t{0}, size / 2, size - 1}) {
      std::string variant = base;
      variant[at] = 'b';
      codes.push_back(variant);
    }
  }
  std::int64_t id = 0;
  std::vector<std::pair<std::string, std::int64_t>> expected;
  for (const std::string& code : codes) {
    if (expected.end() != std::find_if(expected.begin(), expected.end(),
                                       [&](const auto& entry) { return entry.first == code; })) {
      continue;  // "b" for size 1 appears three times
    }
    builder.add_store(++id, code, "Store " + code);
    builder.add_domain(code + ".example.com", code);
    expected.emplace_back(code, id);
  }
  const FlatStoreDirectory directory = builder.build();
  EXPECT_EQ(directory.store_count(), expected.size());
  for (const auto& [code, store_id] : expected) {
    EXPECT_EQ(id_of(directory.find_active_by_code(code)), store_id) << code;
    EXPECT_EQ(id_of(directory.find_active_by_domain(code + ".example.com")), store_id) << code;
    EXPECT_FALSE(directory.find_active_by_code(code + "c")) << code;
    EXPECT_FALSE(directory.find_active_by_domain(code + ".example.co")) << code;
  }
}

// Enough entries that probe sequences collide, run into one another and wrap around the end of
// the index; the answers must be the map-based directory's, hit or miss.
TEST(FlatStoreDirectory, AgreesWithTheMapDirectoryOnManyEntries) {
  constexpr int kStores = 50'000;
  FlatStoreDirectory::Builder builder;
  testing::MemoryStoreDirectory reference;
  builder.reserve(kStores, kStores / 2);
  reference.reserve(kStores, kStores / 2);
  const auto code_of = [](int i) { return "store-" + std::to_string(i); };
  const auto domain_of = [](int i) { return "shop" + std::to_string(i) + ".example.com"; };
  for (int i = 1; i <= kStores; ++i) {
    const bool active = i % 7 != 0;
    builder.add_store(i, code_of(i), "Store", active);
    reference.add_store(i, code_of(i), "Store", active);
    if (i % 2 == 0) {
      const bool verified = i % 10 != 0;
      builder.add_domain(domain_of(i), code_of(i * 3 % kStores + 1), verified);
      reference.add_domain(domain_of(i), code_of(i * 3 % kStores + 1), verified);
    }
  }
  const FlatStoreDirectory directory = builder.build();
  for (int i = 0; i <= 2 * kStores; ++i) {
    ASSERT_EQ(id_of(directory.find_active_by_code(code_of(i))),
              id_of(reference.find_active_by_code(code_of(i))))
        << code_of(i);
    ASSERT_EQ(id_of(directory.find_active_by_domain(domain_of(i))),
              id_of(reference.find_active_by_domain(domain_of(i))))
        << domain_of(i);
  }
}

// Tables are sized to their keys (three slots per two keys), not to a power of two, and a probe
// sequence wraps from the last slot to the first. Every size from empty to a few hundred keys
// gives tables of a different length; in each, every key is found, with the hint given first or
// not, and keys that are not there (the next ones in the sequence) are missed.
TEST(FlatStoreDirectory, FindsEveryKeyInTablesOfEverySize) {
  for (int count = 0; count <= 300; ++count) {
    FlatStoreDirectory::Builder builder;
    for (int i = 1; i <= count; ++i) {
      builder.add_store(i, "s" + std::to_string(i), "Store");
      builder.add_domain("d" + std::to_string(i) + ".example.com", "s" + std::to_string(i));
    }
    const FlatStoreDirectory directory = builder.build();
    ASSERT_EQ(directory.store_count(), static_cast<std::size_t>(count));
    ASSERT_EQ(directory.domain_count(), static_cast<std::size_t>(count));
    for (int i = 1; i <= count + 20; ++i) {
      const std::string code = "s" + std::to_string(i);
      const std::string domain = "d" + std::to_string(i) + ".example.com";
      const std::int64_t expected = i <= count ? i : 0;
      if (i % 2 == 0) {
        directory.prefetch_by_code(code);
        directory.prefetch_by_domain(domain);
      }
      ASSERT_EQ(id_of(directory.find_active_by_code(code)), expected) << count << " " << code;
      ASSERT_EQ(id_of(directory.find_active_by_domain(domain)), expected) << count << " " << domain;
    }
  }
}

// Domain names longer than the slot's inline part keep the rest out of line: names that share
// the inline part and differ only past it (or only in length) are told apart, and so are names
// of every length up to the 253 bytes a host name can have.
TEST(FlatStoreDirectory, TellsApartLongDomainsThatShareTheirStart) {
  FlatStoreDirectory::Builder builder;
  builder.add_store(1, "one", "One");
  builder.add_store(2, "two", "Two");
  const std::string start = std::string(60, 'a') + ".example.com";  // past the inline part
  std::vector<std::string> names;
  for (std::size_t size = 1; size <= 253; ++size) {
    std::string name = std::string(size, 'x');
    name.back() = 'z';
    names.push_back(name);
  }
  names.push_back(start);
  names.push_back(start + ".shop");
  names.push_back("b" + start.substr(1));
  names.push_back(start.substr(0, start.size() - 1) + "n");
  for (std::size_t i = 0; i < names.size(); ++i) {
    builder.add_domain(names[i], i % 2 == 0 ? "one" : "two");
  }
  const FlatStoreDirectory directory = builder.build();
  EXPECT_EQ(directory.domain_count(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    directory.prefetch_by_domain(names[i]);
    EXPECT_EQ(id_of(directory.find_active_by_domain(names[i])), i % 2 == 0 ? 1 : 2) << names[i];
    // "x...xzz" and the like: one byte longer than a name, and none of the names.
    EXPECT_FALSE(directory.find_active_by_domain(names[i] + "z")) << names[i];
  }
  EXPECT_FALSE(directory.find_active_by_domain(start + ".sho"));
  EXPECT_FALSE(directory.find_active_by_domain(start.substr(0, start.size() - 1) + "x"));
  EXPECT_FALSE(directory.find_active_by_domain(std::string(60, 'a')));
  std::string upper = start;
  upper.back() = 'M';  // "...example.coM": only the exact bytes match
  EXPECT_FALSE(directory.find_active_by_domain(upper));
  std::string upper_rest = start + ".shop";
  upper_rest[upper_rest.size() - 2] = 'O';
  EXPECT_FALSE(directory.find_active_by_domain(upper_rest));
}

// A directory whose arrays pass 2 MiB takes its memory from the huge-page path (aligned, advised,
// freed with the same alignment): answers are the same, and stores handed out outlive it.
TEST(FlatStoreDirectory, LargeTablesAnswerAndOutliveTheDirectory) {
  constexpr int kStores = 40'000;  // 60,000 slots of a Store: well past 2 MiB
  StorePtr kept_by_code;
  StorePtr kept_by_domain;
  {
    FlatStoreDirectory::Builder builder;
    builder.reserve(kStores, kStores);
    for (int i = 1; i <= kStores; ++i) {
      builder.add_store(i, "store-" + std::to_string(i), "Store " + std::to_string(i));
      builder.add_domain("shop" + std::to_string(i) + ".example.com", "store-" + std::to_string(i));
    }
    const FlatStoreDirectory directory = builder.build();
    for (int i = 1; i <= kStores; i += 97) {
      ASSERT_EQ(id_of(directory.find_active_by_code("store-" + std::to_string(i))), i);
      ASSERT_EQ(id_of(directory.find_active_by_domain("shop" + std::to_string(i) + ".example.com")),
                i);
    }
    EXPECT_FALSE(directory.find_active_by_code("store-0"));
    EXPECT_FALSE(directory.find_active_by_domain("shop0.example.com"));
    kept_by_code = directory.find_active_by_code("store-12345");
    kept_by_domain = directory.find_active_by_domain("shop54321.example.com");
  }
  ASSERT_TRUE(kept_by_code);
  EXPECT_EQ(kept_by_code->name(), "Store 12345");
  EXPECT_FALSE(kept_by_domain);  // no store 54321
}

// The hint only starts fetching memory: asking for keys absent, present, empty or of any length
// in any order changes no answer, even in the smallest table (where every probe wraps).
TEST(FlatStoreDirectory, HintsChangeNoAnswer) {
  const FlatStoreDirectory directory = seed_directory();
  for (const std::string_view key :
       {"", "techstore", "nosuchstore", "shop.techstore.com", "closed.example.com",
        "a-very-long-name-that-is-in-no-table-at-all-and-longer-than-any-slot.example.com"}) {
    directory.prefetch_by_code(key);
    directory.prefetch_by_domain(key);
  }
  EXPECT_EQ(id_of(directory.find_active_by_code("techstore")), 1);
  EXPECT_EQ(id_of(directory.find_active_by_domain("shop.techstore.com")), 1);
  EXPECT_FALSE(directory.find_active_by_code("nosuchstore"));
  EXPECT_FALSE(directory.find_active_by_domain("closed.example.com"));
}

// What resolve() sees: the same answers as with the map directory, through the interface.
TEST(FlatStoreDirectory, ResolvesRequestsLikeTheMapDirectory) {
  const FlatStoreDirectory directory = seed_directory();
  const Platform platform = Platform::make("platform.com").value();
  const auto store_of = [&](std::string_view host, std::string_view target) {
    auto resolution = resolve(platform, RequestHead{target, host, 1}, directory);
    return resolution ? id_of(resolution->store) : -1;
  };
  EXPECT_EQ(store_of("shop.techstore.com", "/products"), 1);
  EXPECT_EQ(store_of("SHOP.TechStore.com.:443", "/products"), 1);
  EXPECT_EQ(store_of("fashionhub.platform.com", "/"), 2);
  EXPECT_EQ(store_of("platform.com", "/stores/FashionHub/shop/"), 2);
  EXPECT_EQ(store_of("closedshop.platform.com", "/"), 0);
  EXPECT_EQ(store_of("pending.example.com", "/"), 0);
}

}  // namespace
}  // namespace orion::core

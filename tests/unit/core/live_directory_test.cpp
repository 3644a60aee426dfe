#include "core/live_directory.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/detection.hpp"

namespace orion::core {
namespace {

using Change = LiveDirectory::Change;

FlatStoreDirectory base() {
  FlatStoreDirectory::Builder builder;
  builder.add_store(1, "techstore", "Tech Store");
  builder.add_store(2, "fashionhub", "Fashion Hub");
  builder.add_store(3, "closedshop", "Closed Shop", /*is_active=*/false);
  builder.add_domain("shop.techstore.com", "techstore");
  builder.add_domain("closed.example.com", "closedshop");
  return builder.build();
}

StorePtr store(std::int64_t id, std::string code, std::string name) {
  return std::make_shared<const Store>(id, std::move(code), std::move(name));
}

std::string name_of(const StorePtr& found) { return found ? found->name() : "(none)"; }

TEST(LiveDirectoryTest, EmptyUntilLoadedThenAnswersFromTheBase) {
  LiveDirectory directory;
  EXPECT_EQ(directory.find_active_by_code("techstore"), nullptr);
  directory.replace(base());
  EXPECT_EQ(name_of(directory.find_active_by_code("techstore")), "Tech Store");
  EXPECT_EQ(name_of(directory.find_active_by_domain("shop.techstore.com")), "Tech Store");
  EXPECT_EQ(directory.find_active_by_code("closedshop"), nullptr);
  EXPECT_EQ(directory.find_active_by_domain("closed.example.com"), nullptr);
  EXPECT_EQ(directory.stats().stores, 3U);
}

TEST(LiveDirectoryTest, ChangesOverrideTheBaseAndNoneHidesAKey) {
  LiveDirectory directory;
  directory.replace(base());
  const std::vector<Change> changes{
      {Change::By::code, "techstore", store(1, "techstore", "Tech Store II")},
      {Change::By::domain, "shop.techstore.com", nullptr},  // removed
      {Change::By::code, "newshop", store(4, "newshop", "New Shop")},
      {Change::By::domain, "new.example.com", store(4, "newshop", "New Shop")},
      {Change::By::code, "fashionhub", nullptr},  // deactivated
  };
  directory.apply(changes);
  EXPECT_EQ(name_of(directory.find_active_by_code("techstore")), "Tech Store II");
  EXPECT_EQ(directory.find_active_by_domain("shop.techstore.com"), nullptr);
  EXPECT_EQ(name_of(directory.find_active_by_code("newshop")), "New Shop");
  EXPECT_EQ(name_of(directory.find_active_by_domain("new.example.com")), "New Shop");
  EXPECT_EQ(directory.find_active_by_code("fashionhub"), nullptr);
  // A code and a domain with the same spelling are different keys.
  EXPECT_EQ(directory.find_active_by_domain("newshop"), nullptr);
  EXPECT_EQ(directory.stats().overlay, 5U);
  // A later change of the same key wins.
  const std::vector<Change> again{{Change::By::code, "fashionhub", store(2, "fashionhub", "Back")}};
  directory.apply(again);
  EXPECT_EQ(name_of(directory.find_active_by_code("fashionhub")), "Back");
}

TEST(LiveDirectoryTest, ReplaceDropsTheOverlayButKeepsTheChangesGivenWithIt) {
  LiveDirectory directory;
  directory.replace(base());
  const std::vector<Change> changes{{Change::By::code, "techstore", nullptr}};
  directory.apply(changes);
  const std::vector<Change> since{{Change::By::code, "fashionhub", store(2, "fashionhub", "FH")}};
  directory.replace(base(), since);
  EXPECT_EQ(name_of(directory.find_active_by_code("techstore")), "Tech Store");
  EXPECT_EQ(name_of(directory.find_active_by_code("fashionhub")), "FH");
  EXPECT_EQ(directory.stats().overlay, 1U);
}

TEST(LiveDirectoryTest, AStoreHandedOutOutlivesEveryLaterChange) {
  LiveDirectory directory;
  directory.replace(base());
  StorePtr held = directory.find_active_by_code("techstore");
  StorePtr held_domain = directory.find_active_by_domain("shop.techstore.com");
  for (int i = 0; i < 10; ++i) {
    const std::vector<Change> changes{
        {Change::By::code, "techstore", store(1, "techstore", "v" + std::to_string(i))}};
    directory.apply(changes);
    directory.replace(base(), changes);
  }
  // The snapshots the handles came from are gone from the directory; the stores are not.
  EXPECT_EQ(held->name(), "Tech Store");
  EXPECT_EQ(held_domain->code, "techstore");
  EXPECT_EQ(name_of(directory.find_active_by_code("techstore")), "v9");
}

TEST(LiveDirectoryTest, ReadersOnOtherThreadsSeeEveryPublishedChangeInOrder) {
  LiveDirectory directory;
  directory.replace(base());
  std::atomic<int> published{0};
  std::atomic<bool> done{false};
  std::atomic<int> regressions{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int last = -1;
      while (!done.load()) {
        const int before = published.load();
        const StorePtr found = directory.find_active_by_code("techstore");
        const int seen =
            found && found->name().starts_with("v") ? std::stoi(found->name().substr(1)) : -1;
        // Never older than what was published before the lookup, never older than last time.
        if (seen < before - 1 || seen < last) {
          ++regressions;
        }
        last = seen;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    const std::vector<Change> changes{
        {Change::By::code, "techstore", store(1, "techstore", "v" + std::to_string(i))}};
    directory.apply(changes);
    published.store(i + 1);
  }
  done.store(true);
  for (auto& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(regressions.load(), 0);
}

TEST(LiveDirectoryTest, ResolveRunsAgainstIt) {
  LiveDirectory directory;
  directory.replace(base());
  auto platform = Platform::make("platform.test");
  ASSERT_TRUE(platform);
  auto resolved =
      resolve(*platform, RequestHead{"/shop/products", "techstore.platform.test"}, directory);
  ASSERT_TRUE(resolved);
  ASSERT_NE(resolved->store, nullptr);
  EXPECT_EQ(resolved->store->id, 1);
  EXPECT_EQ(resolved->mode, DetectionMode::subdomain);
}

}  // namespace
}  // namespace orion::core

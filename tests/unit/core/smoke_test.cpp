#include <gtest/gtest.h>

#include "core/detection.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::core {
namespace {

TEST(Smoke, SubdomainResolves) {
  testing::MemoryStoreDirectory dir;
  dir.add_store(1, "orion", "Orion Shop");
  auto platform = Platform::make("platform.com");
  ASSERT_TRUE(platform);
  auto r = resolve(*platform, {"/shop/products", "ORION.platform.com:8080"}, dir);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->store);
  EXPECT_EQ(r->store->code, "orion");
  EXPECT_EQ(r->mode, DetectionMode::subdomain);
}

}  // namespace
}  // namespace orion::core

// The store cache: answers (found and not found) kept for the TTL, counted as hits and misses,
// `peek` never asking the source, and invalidate_all making the next lookup ask again — also
// when the invalidation lands while the source is answering. The same for the verification
// tokens it keeps beside the stores (a token, "no such domain", a failure never kept).
#include "storage/store_cache.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "support/memory_store_directory.hpp"

namespace orion::storage {
namespace {

// Counts the questions that reach the source.
class CountingDirectory final : public core::StoreDirectory {
 public:
  explicit CountingDirectory(const core::StoreDirectory& inner) : inner_(inner) {}
  core::StorePtr find_active_by_domain(std::string_view domain) const override {
    ++asked;
    return inner_.find_active_by_domain(domain);
  }
  core::StorePtr find_active_by_code(std::string_view code) const override {
    ++asked;
    return inner_.find_active_by_code(code);
  }
  mutable int asked = 0;

 private:
  const core::StoreDirectory& inner_;
};

class StoreCacheTest : public ::testing::Test {
 protected:
  StoreCacheTest() {
    memory_.add_store(1, "orion", "Orion Shop");
    memory_.add_store(2, "closed", "Closed", false);
    memory_.add_domain("orion.lu", "orion");
  }
  testing::MemoryStoreDirectory memory_;
  CountingDirectory source_{memory_};
};

TEST_F(StoreCacheTest, KeepsAnswersAndNonAnswersForTheTtl) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100});
  EXPECT_EQ(cache.find_active_by_code("orion")->name(), "Orion Shop");
  EXPECT_EQ(cache.find_active_by_code("orion")->name(), "Orion Shop");
  EXPECT_EQ(cache.find_active_by_domain("orion.lu")->code, "orion");
  EXPECT_EQ(cache.find_active_by_code("nobody"), nullptr);
  EXPECT_EQ(cache.find_active_by_code("nobody"), nullptr);
  EXPECT_EQ(cache.find_active_by_code("closed"), nullptr);
  EXPECT_EQ(source_.asked, 4);
  const auto stats = cache.stats();
  EXPECT_EQ(stats.hits, 2U);
  EXPECT_EQ(stats.misses, 4U);
  EXPECT_EQ(stats.entries, 4U);
}

TEST_F(StoreCacheTest, DomainAndCodeKeysNeverMix) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100});
  EXPECT_EQ(cache.find_active_by_domain("orion"), nullptr);
  EXPECT_NE(cache.find_active_by_code("orion"), nullptr);
}

TEST_F(StoreCacheTest, PeekAnswersOnlyFromTheCache) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100});
  const core::Lookup lookup{core::Lookup::By::code, "orion"};
  EXPECT_FALSE(cache.peek(lookup).has_value());
  EXPECT_EQ(source_.asked, 0);
  (void)cache.find_active_by_code("orion");
  auto cached = cache.peek(lookup);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ((*cached)->code, "orion");
  EXPECT_EQ(source_.asked, 1);
  // Nothing to look up: answered as "no store" without a question.
  auto nothing = cache.peek(core::Lookup{});
  ASSERT_TRUE(nothing.has_value());
  EXPECT_EQ(*nothing, nullptr);
}

TEST_F(StoreCacheTest, InvalidationMakesTheNextLookupAskAgain) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100});
  (void)cache.find_active_by_code("orion");
  memory_.add_store(1, "orion", "Renamed");
  EXPECT_EQ(cache.find_active_by_code("orion")->name(), "Orion Shop");
  cache.invalidate_all();
  EXPECT_FALSE(cache.peek({core::Lookup::By::code, "orion"}).has_value());
  EXPECT_EQ(cache.find_active_by_code("orion")->name(), "Renamed");
}

TEST_F(StoreCacheTest, ExpiredAnswersAreAskedAgain) {
  StoreCache cache(source_, {std::chrono::milliseconds(20), 100});
  (void)cache.find_active_by_code("orion");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_FALSE(cache.peek({core::Lookup::By::code, "orion"}).has_value());
  (void)cache.find_active_by_code("orion");
  EXPECT_EQ(source_.asked, 2);
}

TEST_F(StoreCacheTest, ZeroTtlNeverServesFromCache) {
  StoreCache cache(source_, {std::chrono::milliseconds(0), 100});
  (void)cache.find_active_by_code("orion");
  (void)cache.find_active_by_code("orion");
  EXPECT_EQ(source_.asked, 2);
}

// An answer computed while an invalidation happens must not be kept.
class InvalidatingDirectory final : public core::StoreDirectory {
 public:
  explicit InvalidatingDirectory(const core::StoreDirectory& inner) : inner_(inner) {}
  core::StorePtr find_active_by_domain(std::string_view) const override { return nullptr; }
  core::StorePtr find_active_by_code(std::string_view code) const override {
    if (cache != nullptr) {
      cache->invalidate_all();
    }
    return inner_.find_active_by_code(code);
  }
  StoreCache* cache = nullptr;

 private:
  const core::StoreDirectory& inner_;
};

TEST_F(StoreCacheTest, AnAnswerRacingAnInvalidationIsNotKept) {
  InvalidatingDirectory racing(memory_);
  StoreCache cache(racing, {std::chrono::minutes(1), 100});
  racing.cache = &cache;
  EXPECT_NE(cache.find_active_by_code("orion"), nullptr);
  EXPECT_FALSE(cache.peek({core::Lookup::By::code, "orion"}).has_value());
}

TEST_F(StoreCacheTest, StaysWithinItsSize) {
  StoreCache cache(source_, {std::chrono::minutes(1), 3});
  for (int i = 0; i < 10; ++i) {
    (void)cache.find_active_by_code("code" + std::to_string(i));
  }
  EXPECT_LE(cache.stats().entries, 3U);
}

// Tokens of custom domains, counting the questions; `fail` makes the next answers errors.
class CountingTokens final : public VerificationTokens {
 public:
  core::Result<std::optional<std::string>> verification_token(
      std::string_view domain) const override {
    ++asked;
    if (fail) {
      return core::make_error(core::Errc::unavailable, "database down");
    }
    const auto found = tokens.find(std::string(domain));
    if (found == tokens.end()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(found->second);
  }
  std::map<std::string, std::string> tokens;
  bool fail = false;
  mutable int asked = 0;
};

// The token tests: a source that knows one domain's token.
class StoreCacheTokenTest : public StoreCacheTest {
 protected:
  StoreCacheTokenTest() { tokens_.tokens["shop.example.com"] = "t0k3n"; }
  CountingTokens tokens_;
};

TEST_F(StoreCacheTokenTest, KeepsTokensAndNoSuchDomainForTheTtl) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100}, &tokens_);
  EXPECT_FALSE(cache.peek_token("shop.example.com").has_value());
  for (int i = 0; i < 3; ++i) {
    auto token = cache.find_token("shop.example.com");
    ASSERT_TRUE(token);
    EXPECT_EQ(*token, std::optional<std::string>("t0k3n"));
    auto none = cache.find_token("nobody.example.com");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
  }
  EXPECT_EQ(tokens_.asked, 2);
  auto peeked = cache.peek_token("nobody.example.com");
  ASSERT_TRUE(peeked.has_value());
  EXPECT_FALSE(peeked->has_value());
  const auto stats = cache.stats();
  EXPECT_EQ(stats.token_misses, 2U);
  EXPECT_EQ(stats.token_hits, 5U);  // four finds and one peek
  EXPECT_EQ(stats.token_entries, 2U);
  // Store lookups are counted apart.
  EXPECT_EQ(stats.hits + stats.misses, 0U);
  EXPECT_EQ(source_.asked, 0);
}

TEST_F(StoreCacheTokenTest, InvalidationForgetsTokensToo) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100}, &tokens_);
  ASSERT_TRUE(cache.find_token("shop.example.com"));
  tokens_.tokens.erase("shop.example.com");  // the domain is removed ...
  EXPECT_EQ(*cache.find_token("shop.example.com"), std::optional<std::string>("t0k3n"));
  cache.invalidate_all();  // ... and the change empties the cache
  EXPECT_FALSE(cache.peek_token("shop.example.com").has_value());
  auto gone = cache.find_token("shop.example.com");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(tokens_.asked, 2);
}

TEST_F(StoreCacheTokenTest, ATokenFailureIsNotKept) {
  tokens_.fail = true;
  StoreCache cache(source_, {std::chrono::minutes(1), 100}, &tokens_);
  auto failed = cache.find_token("shop.example.com");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, core::Errc::unavailable);
  EXPECT_FALSE(cache.peek_token("shop.example.com").has_value());
  tokens_.fail = false;
  EXPECT_EQ(*cache.find_token("shop.example.com"), std::optional<std::string>("t0k3n"));
  EXPECT_EQ(tokens_.asked, 2);
}

TEST_F(StoreCacheTokenTest, TokensExpireAndStayWithinTheSize) {
  StoreCache expiring(source_, {std::chrono::milliseconds(20), 100}, &tokens_);
  ASSERT_TRUE(expiring.find_token("shop.example.com"));
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_FALSE(expiring.peek_token("shop.example.com").has_value());
  ASSERT_TRUE(expiring.find_token("shop.example.com"));
  EXPECT_EQ(tokens_.asked, 2);

  StoreCache small(source_, {std::chrono::minutes(1), 3}, &tokens_);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(small.find_token("d" + std::to_string(i) + ".example.com"));
  }
  EXPECT_LE(small.stats().token_entries, 3U);
}

// A token answered while a domain change empties the cache must not be kept.
class InvalidatingTokens final : public VerificationTokens {
 public:
  core::Result<std::optional<std::string>> verification_token(std::string_view) const override {
    cache->invalidate_all();
    return std::optional<std::string>("old");
  }
  StoreCache* cache = nullptr;
};

TEST_F(StoreCacheTest, ATokenRacingAnInvalidationIsNotKept) {
  InvalidatingTokens racing;
  StoreCache cache(source_, {std::chrono::minutes(1), 100}, &racing);
  racing.cache = &cache;
  EXPECT_EQ(*cache.find_token("shop.example.com"), std::optional<std::string>("old"));
  EXPECT_FALSE(cache.peek_token("shop.example.com").has_value());
}

TEST_F(StoreCacheTest, WithoutATokenSourceFindTokenFails) {
  StoreCache cache(source_, {std::chrono::minutes(1), 100});
  auto token = cache.find_token("shop.example.com");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, core::Errc::internal);
}

}  // namespace
}  // namespace orion::storage

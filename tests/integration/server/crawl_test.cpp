// The cross-store crawl (issue 4): from every store in every routing mode, follow every link on
// every page (and every asset a page loads) and assert that no other store's name or marker
// appears, that no link leads to another store, and that links stay in the mode the crawl
// started in. Runs on both backends.
#include <gtest/gtest.h>

#include <deque>
#include <regex>
#include <set>

#include "support/seed.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

using testing::TestServer;

struct StoreUnderTest {
  std::string code;
  std::string name;
  std::string domain;
};

const std::vector<StoreUnderTest> kStores = {
    {"orion", "Orion Shop", "orion.lu"},
    {"techstore", "Tech Store", "mytechstore.net"},
    {"fashionhub", "Fashion Hub", "fashionhub.example"},
};

std::string decode_entities(std::string text) {
  for (const auto& [entity, plain] : std::vector<std::pair<std::string, std::string>>{
           {"&amp;", "&"}, {"&#x2F;", "/"}, {"&#47;", "/"}, {"&#x3D;", "="}, {"&#61;", "="}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at)) {
      text.replace(at, entity.size(), plain);
    }
  }
  return text;
}

class CrawlTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    for (const auto& store : kStores) {
      // More products than one page holds, so pagination links are crawled too.
      testing::seed_store(server_->database(), store.code, store.name, 15, {store.domain});
    }
  }

  // Crawls from `start` on `host`; `prefix` is what every internal link must start with.
  void crawl(const StoreUnderTest& store, const std::string& host, const std::string& start,
             const std::string& prefix) {
    SCOPED_TRACE(host + start);
    std::deque<std::string> queue{start};
    std::set<std::string> seen{start};
    const std::regex link(R"re((href|src|action)\s*=\s*"([^"]*)")re");
    int pages = 0;
    while (!queue.empty() && pages < 150) {
      const std::string target = queue.front();
      queue.pop_front();
      auto response = server_->get(host, target);
      ++pages;
      const unsigned status = response.result_int();
      EXPECT_TRUE(status == 200 || status == 302 || status == 303 || status == 304 || status == 308)
          << target << " answered " << status;
      const std::string& body = response.body();
      for (const auto& other : kStores) {
        if (other.code == store.code) {
          continue;
        }
        EXPECT_EQ(body.find(other.name), std::string::npos) << target << " shows " << other.name;
        EXPECT_EQ(body.find("mk-" + other.code), std::string::npos)
            << target << " shows a product of " << other.code;
        EXPECT_EQ(body.find(other.domain), std::string::npos) << target;
        EXPECT_EQ(body.find("/stores/" + other.code + "/"), std::string::npos) << target;
        EXPECT_EQ(body.find(other.code + ".platform.test"), std::string::npos) << target;
      }
      // (url, whether to fetch it): form actions are POST targets, checked but not fetched.
      std::vector<std::pair<std::string, bool>> found;
      if (auto location = response[boost::beast::http::field::location]; !location.empty()) {
        found.emplace_back(location, true);
      }
      for (auto it = std::sregex_iterator(body.begin(), body.end(), link);
           it != std::sregex_iterator(); ++it) {
        found.emplace_back(decode_entities((*it)[2].str()), (*it)[1].str() != "action");
      }
      for (const auto& [url, fetch] : found) {
        if (url.empty() || url.starts_with("#") || url.starts_with("mailto:") ||
            url.starts_with("data:")) {
          continue;
        }
        if (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")) {
          // Off-site links are allowed only to hosts that are not another store.
          for (const auto& other : kStores) {
            if (other.code != store.code) {
              EXPECT_EQ(url.find(other.code + "."), std::string::npos) << url;
              EXPECT_EQ(url.find(other.domain), std::string::npos) << url;
            }
          }
          continue;
        }
        ASSERT_TRUE(url.starts_with("/")) << "relative link " << url << " on " << target;
        if (url.find("/static/") == std::string::npos) {
          EXPECT_TRUE(url.starts_with(prefix)) << url << " on " << target << " leaves " << prefix;
        }
        if (!fetch || !url.starts_with(prefix)) {
          continue;  // only the store's own pages are crawled further
        }
        if (seen.insert(url).second) {
          queue.push_back(url);
        }
      }
    }
    EXPECT_GT(pages, 3) << "the crawl found too few pages to mean anything";
  }

  std::unique_ptr<TestServer> server_;
};

TEST_P(CrawlTest, PathBasedStorefrontsNeverShowAnotherStore) {
  for (const auto& store : kStores) {
    crawl(store, "platform.test", "/stores/" + store.code + "/shop/",
          "/stores/" + store.code + "/");
  }
}

TEST_P(CrawlTest, SubdomainStorefrontsNeverShowAnotherStore) {
  for (const auto& store : kStores) {
    crawl(store, store.code + ".platform.test", "/shop/", "/");
  }
}

TEST_P(CrawlTest, CustomDomainStorefrontsNeverShowAnotherStore) {
  for (const auto& store : kStores) {
    crawl(store, store.domain, "/shop/", "/");
  }
}

ORION_SERVER_ON_BOTH_BACKENDS(CrawlTest);

}  // namespace
}  // namespace orion

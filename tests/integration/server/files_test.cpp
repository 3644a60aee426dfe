// A store's files over real sockets, on both backends (issue 4 point 4): served from the store's
// own folder only when the store has a record of that name, with its content type, ETag and
// cache headers; 304 on a matching If-None-Match; traversal, bad names and another store's files
// are 404, on the platform host and on store hosts.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/files.hpp"
#include "storage/stores.hpp"
#include "storage/tenant_scope.hpp"
#include "support/test_server.hpp"

namespace orion {
namespace {

namespace http = boost::beast::http;
using testing::TestServer;

constexpr std::string_view kPng = "\x89PNG\r\n\x1a\n-not-really-an-image";
const std::string kSha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class FilesTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
    orion_ = add_store("orion", "Orion Shop");
    techstore_ = add_store("techstore", "Tech Store");
    add_file(orion_, "logo.png", "image/png", kPng, kSha);
    add_file(techstore_, "secret.txt", "text/plain", "techstore only", std::string(64, 'e'));
  }

  core::Store add_store(const std::string& code, const std::string& name) {
    auto tx = server_->database().begin_platform();
    EXPECT_TRUE(tx);
    auto store = storage::stores::create(*tx, code, name);
    EXPECT_TRUE(store);
    EXPECT_TRUE(tx->commit());
    return store->snapshot();
  }

  // What issue 5's upload will do: the record, and the bytes in the store's folder.
  void add_file(const core::Store& store, const std::string& name, const std::string& type,
                std::string_view bytes, const std::string& sha) {
    auto tx = server_->database().begin(storage::TenantScope::admin(store));
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::files::add(*tx, name, type, static_cast<std::int64_t>(bytes.size()), sha));
    ASSERT_TRUE(tx->commit());
    write(store, name, bytes);
  }

  void write(const core::Store& store, const std::string& name, std::string_view bytes) {
    const auto dir = server_->files_dir() / std::to_string(store.id);
    std::filesystem::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  std::unique_ptr<TestServer> server_;
  core::Store orion_;
  core::Store techstore_;
};

TEST_P(FilesTest, AStoresFileIsServedWithItsTypeAndEtagInBothContexts) {
  for (const std::string host : {"platform.test", "orion.platform.test"}) {
    auto response = server_->get(host, "/static/stores/orion/logo.png");
    ASSERT_EQ(response.result_int(), 200) << host << response.body();
    EXPECT_EQ(response.body(), kPng);
    EXPECT_EQ(response[http::field::content_type], "image/png");
    EXPECT_EQ(response[http::field::etag], "\"" + kSha + "\"");
    EXPECT_NE(response[http::field::cache_control].find("max-age="), std::string::npos);
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
    EXPECT_TRUE(response[http::field::content_disposition].empty());
  }
  // Store codes are case-insensitive, like everywhere else.
  EXPECT_EQ(server_->get("platform.test", "/static/stores/ORION/logo.png").result_int(), 200);
}

TEST_P(FilesTest, AMatchingIfNoneMatchIs304) {
  const std::string etag = "\"" + kSha + "\"";
  auto same = server_->get("platform.test", "/static/stores/orion/logo.png",
                           {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(same.result_int(), 304);
  EXPECT_TRUE(same.body().empty());
  EXPECT_EQ(same[http::field::etag], etag);
  auto weak = server_->get("orion.platform.test", "/static/stores/orion/logo.png",
                           {{"If-None-Match", "W/" + etag}});
  EXPECT_EQ(weak.result_int(), 304);
  auto changed = server_->get("platform.test", "/static/stores/orion/logo.png",
                              {{"If-None-Match", "\"stale\""}});
  EXPECT_EQ(changed.result_int(), 200);
}

TEST_P(FilesTest, OnlyRecordedNamesInsideTheStoresFolderAreServed) {
  // A file on disk without a record is not served.
  write(orion_, "unlisted.txt", "not published");
  EXPECT_EQ(server_->get("platform.test", "/static/stores/orion/unlisted.txt").result_int(), 404);
  // A file outside the store folders, reached by traversal in any spelling.
  {
    std::ofstream out(server_->files_dir() / "outside.txt");
    out << "outside";
  }
  for (const char* target :
       {"/static/stores/orion/../outside.txt", "/static/stores/orion/%2e%2e/outside.txt",
        "/static/stores/orion/..%2foutside.txt", "/static/stores/orion/.hidden",
        "/static/stores/orion/sub/logo.png", "/static/stores/orion/LOGO.PNG",
        "/static/stores/orion/", "/static/stores/../orion/logo.png",
        "/static/stores/orion/logo.png%00.txt", "/static/stores/nope/logo.png"}) {
    auto response = server_->get("platform.test", target);
    EXPECT_GE(response.result_int(), 400) << target;
    EXPECT_LT(response.result_int(), 500) << target;
    EXPECT_EQ(response.body().find("outside"), std::string::npos) << target;
    EXPECT_EQ(response.body().find("not published"), std::string::npos) << target;
  }
}

TEST_P(FilesTest, AnotherStoresFilesAreNeverServedOnAStoreHost) {
  // Its own file name under another store's code, and another store's file: 404 both.
  auto foreign = server_->get("orion.platform.test", "/static/stores/techstore/secret.txt");
  EXPECT_EQ(foreign.result_int(), 404);
  EXPECT_EQ(foreign.body().find("techstore only"), std::string::npos);
  EXPECT_EQ(server_->get("orion.platform.test", "/static/stores/orion/secret.txt").result_int(),
            404);
  EXPECT_EQ(server_->get("platform.test", "/static/stores/orion/secret.txt").result_int(), 404);
  // On the platform host each store's own file is fine.
  auto own = server_->get("platform.test", "/static/stores/techstore/secret.txt");
  EXPECT_EQ(own.result_int(), 200);
  EXPECT_EQ(own.body(), "techstore only");
  EXPECT_EQ(own[http::field::content_type], "text/plain");
}

TEST_P(FilesTest, AnInactiveStoresFilesAreGone) {
  {
    auto tx = server_->database().begin_platform();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(storage::stores::set_active(*tx, "orion", false));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(server_->get("platform.test", "/static/stores/orion/logo.png").result_int(), 404);
}

TEST_P(FilesTest, HtmlUploadsCannotRunScript) {
  add_file(orion_, "page.html", "text/html", "<script>alert(1)</script>", std::string(64, 'a'));
  auto response = server_->get("platform.test", "/static/stores/orion/page.html");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_NE(response["Content-Security-Policy"].find("sandbox"), std::string::npos);
  EXPECT_NE(response[http::field::content_disposition].find("attachment"), std::string::npos);
}

ORION_SERVER_ON_BOTH_BACKENDS(FilesTest);

}  // namespace
}  // namespace orion

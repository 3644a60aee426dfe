// A real Orion server for integration tests: a fresh migrated database on either backend, the
// whole app (routes, chain, caches) on 127.0.0.1 with a free port, run on its own threads, and a
// small blocking HTTP client that talks to it over a real socket.
#pragma once

#include <gtest/gtest.h>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/app.hpp"
#include "support/test_database.hpp"

namespace orion::testing {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

class TestServer {
 public:
  // Starts a server on a new database of `backend`, platform domain "platform.test" unless
  // `config` says otherwise (its db is always set here; listen is 127.0.0.1 on a free port
  // unless the config names another). Fails the test (and returns null) when it cannot start.
  static std::unique_ptr<TestServer> start(storage::Backend backend, app::Config config = {});
  ~TestServer();  // graceful stop, then removes the database and files

  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] unsigned short port() const noexcept { return port_; }
  // The server's own handle on its database, for seeding and for checking what was stored: a
  // write through it is in the server's memory when its commit returns (the change feed's write
  // observer), as a write of a request handler would be. Changes made by another process are
  // the subject of their own tests (change_feed_test.cpp, cli.change_feed).
  [[nodiscard]] storage::Database& database() noexcept { return app_->database(); }
  [[nodiscard]] const std::filesystem::path& files_dir() const noexcept { return files_dir_; }
  [[nodiscard]] app::App& app() noexcept { return *app_; }

  // One request on a new connection (Connection: close). `host` is the Host header.
  HttpResponse request(boost::beast::http::verb method, const std::string& host,
                       const std::string& target, const std::string& body = {},
                       const Headers& headers = {}) const;
  HttpResponse get(const std::string& host, const std::string& target,
                   const Headers& headers = {}) const {
    return request(boost::beast::http::verb::get, host, target, {}, headers);
  }
  // A urlencoded form POST.
  HttpResponse post_form(const std::string& host, const std::string& target,
                         const std::string& form, const Headers& headers = {}) const;
  // A JSON request (POST, PUT, PATCH, DELETE) with an optional bearer token.
  HttpResponse json(boost::beast::http::verb method, const std::string& host,
                    const std::string& target, const std::string& body,
                    const std::string& bearer = {}) const;

 private:
  TestServer() = default;
  std::unique_ptr<TestDatabase> database_;
  std::filesystem::path files_dir_;
  std::unique_ptr<app::App> app_;
  std::thread thread_;
  unsigned short port_ = 0;
};

// "sqlite" / "postgres": test-name suffixes of suites run on both backends.
inline std::string backend_name(const ::testing::TestParamInfo<storage::Backend>& info) {
  return std::string(storage::to_string(info.param));
}

// What the suites read off responses and pages.
// The value of `name` in a response's Set-Cookie headers ("" when absent).
std::string cookie_value(const HttpResponse& response, const std::string& name);
// The first Set-Cookie header whole, its attributes included ("" when absent).
std::string set_cookie(const HttpResponse& response);
// The value of the hidden input `name` in a page ("" when absent).
std::string hidden_field(const std::string& body, const std::string& name);
// The storefront's CSRF token: the first hidden csrf_token field of a page ("" when none).
std::string csrf_of(const std::string& html);
bool contains(const std::string& text, const std::string& part);
// `headers` plus the Origin a browser sends with a form posted from a page of `host` (the test
// client's requests carry no port in Host): storefront forms need it (http/same_origin.hpp).
Headers from_origin(const std::string& host, Headers headers = {});

}  // namespace orion::testing

// Runs a TestWithParam<storage::Backend> suite on SQLite and on PostgreSQL.
#define ORION_SERVER_ON_BOTH_BACKENDS(Suite)                                                     \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Backends, Suite,                                                                           \
      ::testing::Values(::orion::storage::Backend::sqlite, ::orion::storage::Backend::postgres), \
      ::orion::testing::backend_name)

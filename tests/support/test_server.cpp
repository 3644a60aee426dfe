#include "support/test_server.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdlib>

namespace orion::testing {

namespace beast_http = boost::beast::http;

std::unique_ptr<TestServer> TestServer::start(storage::Backend backend, app::Config config) {
  std::unique_ptr<TestServer> server(new TestServer());
  server->database_ = make_test_database(backend);
  if (!server->database_) {
    return nullptr;
  }
  char pattern[] = "/tmp/orion-files-XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) {
    ADD_FAILURE() << "cannot create a temporary folder";
    return nullptr;
  }
  server->files_dir_ = dir;
  config.db = server->database_->url;
  // A test may pick the port itself (e.g. to give the same port to domain_http_port, so that the
  // HTTP token check reaches this server); otherwise any free one.
  if (config.listen == app::Config{}.listen) {
    config.listen = "127.0.0.1:0";
  }
  if (config.platform_domain == app::Config{}.platform_domain) {
    config.platform_domain = "platform.test";
  }
  if (config.files_dir.empty()) {
    config.files_dir = server->files_dir_;
  }
  if (config.io_threads == 0) {
    config.io_threads = 2;
  }
  if (config.blocking_threads == 0) {
    config.blocking_threads = 4;
  }
  auto log = std::make_shared<spdlog::logger>("test-server",
                                              std::make_shared<spdlog::sinks::null_sink_mt>());
  if (std::getenv("ORION_TEST_SERVER_LOG") != nullptr) {
    log = spdlog::default_logger();
  }
  auto app = app::App::make(config, log);
  if (!app) {
    ADD_FAILURE() << "the server did not start: " << app.error().message;
    return nullptr;
  }
  server->app_ = std::move(*app);
  if (auto bound = server->app_->listen(); !bound) {
    ADD_FAILURE() << "the server did not bind: " << bound.error().message;
    return nullptr;
  }
  server->port_ = server->app_->endpoint().port();
  server->thread_ = std::thread([app = server->app_.get()] { app->run(); });
  return server;
}

TestServer::~TestServer() {
  if (app_ && thread_.joinable()) {
    app_->stop();
    thread_.join();
  }
  app_.reset();
  std::error_code ignored;
  if (!files_dir_.empty()) {
    std::filesystem::remove_all(files_dir_, ignored);
  }
}

HttpResponse TestServer::request(beast_http::verb method, const std::string& host,
                                 const std::string& target, const std::string& body,
                                 const Headers& headers) const {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  beast_http::request<beast_http::string_body> request{method, target, 11};
  if (!host.empty()) {
    request.set(beast_http::field::host, host);
  }
  request.set(beast_http::field::connection, "close");
  for (const auto& [name, value] : headers) {
    request.insert(name, value);
  }
  if (!body.empty() || method == beast_http::verb::post || method == beast_http::verb::put ||
      method == beast_http::verb::patch) {
    request.body() = body;
    request.prepare_payload();
  }
  beast_http::write(socket, request);
  boost::beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(method == beast_http::verb::head);
  beast_http::read(socket, buffer, parser);
  boost::system::error_code ignored;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  return parser.release();
}

HttpResponse TestServer::post_form(const std::string& host, const std::string& target,
                                   const std::string& form, const Headers& headers) const {
  Headers all = headers;
  all.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return request(beast_http::verb::post, host, target, form, all);
}

HttpResponse TestServer::json(beast_http::verb method, const std::string& host,
                              const std::string& target, const std::string& body,
                              const std::string& bearer) const {
  Headers headers{{"Content-Type", "application/json"}};
  if (!bearer.empty()) {
    headers.emplace_back("Authorization", "Bearer " + bearer);
  }
  return request(method, host, target, body, headers);
}

std::string set_cookie(const HttpResponse& response) {
  for (const auto& field : response) {
    if (field.name() == beast_http::field::set_cookie) {
      return std::string(field.value());
    }
  }
  return {};
}

std::string hidden_field(const std::string& body, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = body.find(marker);
  if (at == std::string::npos) {
    return {};
  }
  const auto start = at + marker.size();
  return body.substr(start, body.find('"', start) - start);
}

std::string csrf_of(const std::string& html) { return hidden_field(html, "csrf_token"); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string cookie_value(const HttpResponse& response, const std::string& name) {
  for (const auto& field : response) {
    if (field.name() != beast_http::field::set_cookie) {
      continue;
    }
    const std::string_view value = field.value();
    if (value.starts_with(name + "=")) {
      const auto end = value.find(';');
      return std::string(value.substr(name.size() + 1, end == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : end - name.size() - 1));
    }
  }
  return {};
}

Headers from_origin(const std::string& host, Headers headers) {
  headers.emplace_back("Origin", "http://" + host);
  return headers;
}

}  // namespace orion::testing

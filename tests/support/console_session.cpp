#include "support/console_session.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace orion::testing {
namespace {

namespace beast_http = boost::beast::http;

std::string encode(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

}  // namespace

ConsoleSession::ConsoleSession(const TestServer& server, std::string console,
                               const std::string& email, const std::string& password,
                               std::string host)
    : server_(server), console_(std::move(console)), host_(std::move(host)) {
  const auto page = server_.get(host_, console_ + "/login");
  const std::string csrf_cookie = cookie_value(page, "orion_csrf");
  const std::string field = hidden_field(page.body(), "csrf");
  login_ = server_.post_form(
      host_, console_ + "/login",
      "email=" + encode(email) + "&password=" + encode(password) + "&csrf=" + encode(field),
      {{"Cookie", "orion_csrf=" + csrf_cookie}});
  if (login_.result_int() != 303) {
    return;
  }
  cookie_ = cookie_value(login_, "orion_session");
  csrf_ = hidden_field(get("/").body(), "csrf");
}

HttpResponse ConsoleSession::get(const std::string& path) const {
  return server_.get(host_, console_ + path, {{"Cookie", "orion_session=" + cookie_}});
}

HttpResponse ConsoleSession::post(const std::string& path, const std::string& form) const {
  return post_raw(path, form.empty() ? "csrf=" + encode(csrf_) : form + "&csrf=" + encode(csrf_));
}

HttpResponse ConsoleSession::post_raw(const std::string& path, const std::string& form) const {
  return server_.post_form(host_, console_ + path, form, {{"Cookie", "orion_session=" + cookie_}});
}

HttpResponse ConsoleSession::post_multipart(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields,
    const std::vector<File>& files) const {
  const std::string boundary = "----orion-test-boundary-7MA4YWxkTrZu0gW";
  std::string body;
  const auto part_head = [&body, &boundary](const std::string& disposition,
                                            const std::string& type) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n";
    if (!type.empty()) {
      body += "Content-Type: " + type + "\r\n";
    }
    body += "\r\n";
  };
  std::vector<std::pair<std::string, std::string>> all = fields;
  all.emplace_back("csrf", csrf_);
  for (const auto& [name, value] : all) {
    part_head("name=\"" + name + "\"", {});
    body += value + "\r\n";
  }
  for (const File& file : files) {
    part_head("name=\"" + file.field + "\"; filename=\"" + file.filename + "\"", file.content_type);
    body += file.data + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return server_.request(beast_http::verb::post, host_, console_ + path, body,
                         {{"Cookie", "orion_session=" + cookie_},
                          {"Content-Type", "multipart/form-data; boundary=" + boundary},
                          {"X-CSRF-Token", csrf_}});
}

}  // namespace orion::testing

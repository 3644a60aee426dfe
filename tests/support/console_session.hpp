// Signing in to a console over a real socket, for the server suites: GET the login page (its
// orion_csrf cookie and hidden csrf field), POST it, keep the session cookie; then requests that
// carry the session, and form POSTs that carry the session's CSRF token read off a page.
#pragma once

#include <string>

#include "support/test_server.hpp"

namespace orion::testing {

class ConsoleSession {
 public:
  // Signs in at `console` ("/admin" or "/store/{code}") on `host`; check signed_in() after.
  ConsoleSession(const TestServer& server, std::string console, const std::string& email,
                 const std::string& password, std::string host = "platform.test");

  [[nodiscard]] bool signed_in() const noexcept { return !cookie_.empty(); }
  [[nodiscard]] const std::string& cookie() const noexcept { return cookie_; }  // orion_session
  // The session's CSRF token (read off the console's home page at sign-in).
  [[nodiscard]] const std::string& csrf() const noexcept { return csrf_; }
  [[nodiscard]] const HttpResponse& login_response() const noexcept { return login_; }

  // `path` is under the console: get("/products") is GET /store/{code}/products.
  [[nodiscard]] HttpResponse get(const std::string& path) const;
  // A urlencoded POST with the CSRF token added (`form` without it; may be empty).
  [[nodiscard]] HttpResponse post(const std::string& path, const std::string& form) const;
  // The same without adding the token (for CSRF tests).
  [[nodiscard]] HttpResponse post_raw(const std::string& path, const std::string& form) const;
  // A multipart/form-data POST: `fields` as text parts and the files; the CSRF token as a text
  // part and as X-CSRF-Token (the upload routes check it on the head, before the body is read).
  struct File {
    std::string field, filename, content_type, data;
  };
  [[nodiscard]] HttpResponse post_multipart(
      const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields,
      const std::vector<File>& files) const;

 private:
  const TestServer& server_;
  std::string console_;
  std::string host_;
  std::string cookie_;
  std::string csrf_;
  HttpResponse login_;
};

}  // namespace orion::testing

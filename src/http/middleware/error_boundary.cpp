#include "http/middleware/error_boundary.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace orion::http {
namespace {

// A browser (Accept lists text/html) gets a readable page; everything else the JSON error.
bool accepts_html(std::string_view accept) noexcept {
  constexpr std::string_view kHtml = "text/html";
  for (std::size_t i = 0; i + kHtml.size() <= accept.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < kHtml.size() && same; ++j) {
      char c = accept[i + j];
      c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      same = c == kHtml[j];
    }
    if (same) {
      return true;
    }
  }
  return false;
}

std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Self-contained on purpose: the failure may have been in the templates themselves.
Response error_page(std::string_view request_id) {
  std::string html =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Something went wrong</title>\n<style>body{font-family:system-ui,sans-serif;"
      "max-width:40rem;margin:4rem auto;padding:0 1rem;color:#111827}"
      "code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>\n</head>\n<body>\n"
      "<h1>Something went wrong</h1>\n"
      "<p>We could not answer this request because of a problem on our side. Please try again "
      "in a moment.</p>\n<p>If it keeps happening, tell us this request id: <code "
      "class=\"request-id\">";
  html += escaped(request_id);
  html += "</code></p>\n</body>\n</html>\n";
  Response response =
      make_response(Status::internal_server_error, std::move(html), "text/html; charset=utf-8");
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace

asio::awaitable<Response> ErrorBoundary::handle(Request& request, RequestContext& context,
                                                Next next) const {
  std::string what;
  try {
    co_return co_await next(request, context);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "a non-standard exception";
  }
  // The exception's text may quote the request: a LogLine escapes it.
  write_log_line(
      *log_, spdlog::level::err,
      LogLine("unhandled exception").add("request_id", context.request_id).add("error", what),
      format_);
  if (accepts_html(request[beast_http::field::accept])) {
    co_return error_page(context.request_id);
  }
  co_return json_error(Status::internal_server_error, "internal",
                       "something went wrong on our side; request id " + context.request_id);
}

}  // namespace orion::http

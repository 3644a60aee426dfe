// A store's own files (DESIGN.md §4, issue 4 point 4): GET /static/stores/{code}/{name}, on the
// platform host (PLATFORM context) and on the store's own host (SHOP context, where core has
// already refused another store's code). A file is served only when the store's files table
// has a record of that name: the bytes come from files_root/<store id>/<name>, the content type
// from the record, the ETag from its sha256. The name is one segment of
// [a-z0-9][a-z0-9._-]{0,99}, so no path can leave the store's folder.
#include <array>
#include <boost/beast/http/field.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <spdlog/spdlog.h>

#include "core/store_code.hpp"
#include "core/text.hpp"
#include "http/error_status.hpp"
#include "http/offload.hpp"
#include "storage/files.hpp"
#include "web/shop/shop.hpp"
#include "web/shop/shop_support.hpp"

namespace orion::web::shop {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;
using http::RouteParams;
using http::Status;

constexpr std::uintmax_t kMaxServedBytes = 64ull * 1024 * 1024;
constexpr std::string_view kCacheControl = "public, max-age=3600";
// A file is the store's data, never a page of this site: no script runs in it even when its
// type is HTML or SVG, and it cannot be framed.
constexpr std::string_view kFilePolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

bool valid_file_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 100) {
    return false;
  }
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || core::text::is_digit(c);
  };
  if (!lower_or_digit(name.front())) {
    return false;
  }
  for (const char c : name) {
    if (!(lower_or_digit(c) || c == '.' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

// Types a browser may show inline; anything else is offered as a download.
bool shown_inline(std::string_view content_type) noexcept {
  for (const std::string_view prefix :
       {"image/", "font/", "text/css", "text/plain", "application/pdf", "video/", "audio/"}) {
    if (content_type.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

// True when If-None-Match lists `etag` (or "*"), weak or strong.
bool matches_etag(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view candidate = core::text::trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (candidate.starts_with("W/")) {
      candidate.remove_prefix(2);
    }
    if (candidate == "*" || candidate == etag) {
      return true;
    }
  }
  return false;
}

Response missing(const Services& s, const RequestContext& context) {
  if (context.resolution->context == core::ContextType::shop) {
    return not_found_page(s, context, "There is no such file.");
  }
  return http::json_error(Status::not_found, "not_found", "no such file");
}

// Blocking: the record, then the bytes.
Response serve_file(const Services& s, const Request& request, const RequestContext& context,
                    const core::Store& store, const std::string& name) {
  std::optional<storage::FileRecord> record;
  {
    // On the platform host the path names the store: the URL is the authorisation to read
    // that store's public files, and nothing else.
    const storage::TenantScope scope = context.resolution->store
                                           ? *storage::TenantScope::of(*context.resolution)
                                           : storage::TenantScope::admin(store);
    auto tx = s.database.begin(scope, storage::Access::read);
    if (!tx) {
      return http::error_response(tx.error());
    }
    auto found = storage::files::find(*tx, name);
    if (!found) {
      return http::error_response(found.error());
    }
    record = std::move(*found);
  }
  if (!record) {
    return missing(s, context);
  }
  const std::string etag = "\"" + record->sha256 + "\"";
  const auto if_none_match = request[beast_http::field::if_none_match];
  if (!if_none_match.empty() && matches_etag(if_none_match, etag)) {
    Response response{Status::not_modified, 11};
    response.set(beast_http::field::etag, etag);
    response.set(beast_http::field::cache_control, kCacheControl);
    return response;
  }
  const std::filesystem::path path =
      s.files_root / std::to_string(store.id) / std::filesystem::path(name);
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) {
    s.log->warn("request_id={} file {} of store {} has a record but no regular file at {}",
                context.request_id, name, store.code, path.string());
    return missing(s, context);
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxServedBytes) {
    s.log->error("request_id={} file {} of store {} cannot be served (size {})", context.request_id,
                 name, store.code, ec ? 0 : size);
    return missing(s, context);
  }
  std::ifstream in(path, std::ios::binary);
  std::string body(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(body.data(), static_cast<std::streamsize>(size))) {
    s.log->error("request_id={} reading {} failed", context.request_id, path.string());
    return missing(s, context);
  }
  Response response = http::make_response(Status::ok, std::move(body), record->content_type);
  response.set(beast_http::field::etag, etag);
  response.set(beast_http::field::cache_control, kCacheControl);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy", kFilePolicy);
  if (!shown_inline(record->content_type)) {
    response.set(beast_http::field::content_disposition, "attachment; filename=\"" + name + "\"");
  }
  return response;
}

void add_files_route(http::Router& router, const Services& services, core::ContextType type) {
  const Services* s = &services;
  router.add(type, beast_http::verb::get, "/static/stores/{code}/{name}",
             [s](Request& request, RequestContext& context,
                 const RouteParams& params) -> asio::awaitable<Response> {
               const std::string name(params.get("name"));
               const auto code = core::validate_store_code(params.get("code"));
               if (!code || !valid_file_name(name)) {
                 co_return missing(*s, context);
               }
               core::StorePtr store = context.resolution->store;
               if (store) {
                 // Core already refused another store's code on a store host; checked again here.
                 if (store->code != *code) {
                   co_return missing(*s, context);
                 }
               } else {
                 // A named lookup: GCC 12 mishandles a temporary that outlives a co_await.
                 const core::Lookup lookup{core::Lookup::By::code, *code};
                 store = co_await s->stores.find(lookup);
               }
               if (!store) {
                 co_return missing(*s, context);
               }
               co_return co_await http::offload(
                   s->blocking, [&] { return serve_file(*s, request, context, *store, name); });
             });
}

}  // namespace

void add_store_files(http::Router& router, const Services& services) {
  add_files_route(router, services, core::ContextType::platform);
  add_files_route(router, services, core::ContextType::shop);
}

}  // namespace orion::web::shop

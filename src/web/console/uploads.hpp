// Images that console users upload into their store's own folder (issue 5): a store's logo
// (POST /store/{code}/theme/logo) and product images (POST /store/{code}/products/{id}/image).
// Nothing the client says about a file is trusted: its type is what libmagic finds in the bytes
// (PNG, JPEG, GIF and WebP only, never SVG), its name is random hex Orion makes up plus the
// extension of that type. The bytes go to files_root/{store id}/{name}, the store's files table
// gets the record, and the file is served at /static/stores/{code}/{name} (web/shop/files.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"
#include "storage/tenant_scope.hpp"
#include "web/services.hpp"

namespace orion::web::console {

// The room an upload form's body gets beyond the file itself (the multipart framing, the CSRF
// field), so that a file of exactly upload_limit bytes still reaches its handler.
inline constexpr std::uint64_t kUploadFormOverhead = 64 * 1024;

// How the two upload routes (a store's logo, a product image) take their body: up to the upload
// limit plus the form around the file, and read only after the console's gate passed on the
// request head (signed in, role, the CSRF token in the head), so that nobody else can make the
// server read or hold megabytes (console::gated_upload).
inline http::RouteBody upload_body(const Services& services) {
  return http::RouteBody{services.upload_limit + kUploadFormOverhead, true};
}

// The MIME type libmagic finds in `bytes` ("image/png", "text/html", ...). Blocking (it loads
// the magic database): call on the blocking pool. Errc::internal when libmagic fails.
core::Result<std::string> sniff_type(std::string_view bytes);

// The extension Orion gives a file of `mime_type`: "png", "jpg", "gif" or "webp"; none for every
// other type (SVG included: it can carry script).
std::optional<std::string_view> image_extension(std::string_view mime_type) noexcept;

// "/static/stores/{code}/{name}"
std::string file_url(std::string_view store_code, std::string_view name);

// What an upload replaces: given the transaction and the new file's URL, it points the theme's
// logo or a product's image at that URL and returns the URL it pointed at before (if any).
using PointAt = std::function<core::Result<std::optional<std::string>>(storage::TenantTransaction&,
                                                                       const std::string& url)>;

// Stores the image `file` for the store of `scope` (code `store_code`) and, in the same
// transaction, calls `point_at` with its URL. Blocking: call through console.blocking.
// Errc::invalid_input with "... not an image we accept ..." when the bytes are not PNG, JPEG,
// GIF or WebP. The file replaced (the URL point_at returns) is deleted, record and bytes, when
// it is a file of this store that nothing else of the store (theme logo, products) still shows.
// On any failure nothing is left behind. Returns the new file's URL. The caller checks the size
// first.
core::Result<std::string> store_image(const Services& services, const storage::TenantScope& scope,
                                      std::string_view store_code, const http::FormFile& file,
                                      const PointAt& point_at);

}  // namespace orion::web::console

// The console's image uploads (see uploads.hpp).
#include "web/console/uploads.hpp"

#include <magic.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "storage/files.hpp"
#include "storage/products.hpp"
#include "storage/secrets.hpp"
#include "storage/themes.hpp"

namespace orion::web::console {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNotAnImage =
    "This file is not an image we accept: upload a PNG, JPEG, GIF or WebP image.";
// 128 random bits: a name nobody can guess or collide with.
constexpr std::size_t kNameBytes = 16;
constexpr std::int64_t kProductPage = 500;

struct MagicCloser {
  void operator()(magic_t cookie) const noexcept { magic_close(cookie); }
};

// The name of a file of this store that `url` points at, if it points at one.
std::optional<std::string> own_file_name(std::string_view url, std::string_view store_code) {
  const std::string prefix = file_url(store_code, "");
  if (!url.starts_with(prefix)) {
    return std::nullopt;
  }
  const std::string_view name = url.substr(prefix.size());
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(name);
}

// True when the theme's logo or any product of the store still shows `url`.
core::Result<bool> still_shown(storage::TenantTransaction& tx, const std::string& url) {
  auto theme = storage::themes::get(tx);
  if (!theme) {
    return theme.error();
  }
  if (theme->logo_url == url) {
    return true;
  }
  for (std::int64_t offset = 0;; offset += kProductPage) {
    auto products = storage::products::list(tx, storage::Page{kProductPage, offset});
    if (!products) {
      return products.error();
    }
    for (const auto& product : *products) {
      if (product.image_url == url) {
        return true;
      }
    }
    if (static_cast<std::int64_t>(products->size()) < kProductPage) {
      return false;
    }
  }
}

// Writes `bytes` to a new file at `path` (never over an existing one).
core::Result<void> write_new_file(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return core::make_error(
        core::Errc::internal,
        "cannot create the store's folder " + path.parent_path().string() + ": " + ec.message());
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "wbx"),
                                                      &std::fclose);
  if (!out) {
    return core::make_error(core::Errc::internal, "cannot create " + path.string());
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), out.get()) == bytes.size();
  if (!written || std::fclose(out.release()) != 0) {
    fs::remove(path, ec);
    return core::make_error(core::Errc::internal, "cannot write " + path.string());
  }
  return {};
}

}  // namespace

core::Result<std::string> sniff_type(std::string_view bytes) {
  // A cookie per call: libmagic's handles are not safe to share between threads, and loading the
  // compiled database is cheap next to an upload.
  std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser> cookie(
      magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF));
  if (!cookie) {
    return core::make_error(core::Errc::internal, "libmagic: cannot open a cookie");
  }
  if (magic_load(cookie.get(), nullptr) != 0) {
    return core::make_error(core::Errc::internal,
                            std::string("libmagic: cannot load its database: ") +
                                (magic_error(cookie.get()) ? magic_error(cookie.get()) : "?"));
  }
  const char* type = magic_buffer(cookie.get(), bytes.data(), bytes.size());
  if (type == nullptr) {
    return core::make_error(
        core::Errc::internal,
        std::string("libmagic: ") + (magic_error(cookie.get()) ? magic_error(cookie.get()) : "?"));
  }
  return std::string(type);
}

std::optional<std::string_view> image_extension(std::string_view mime_type) noexcept {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kImages = {{
      {"image/png", "png"},
      {"image/jpeg", "jpg"},
      {"image/gif", "gif"},
      {"image/webp", "webp"},
  }};
  for (const auto& [type, extension] : kImages) {
    if (mime_type == type) {
      return extension;
    }
  }
  return std::nullopt;
}

std::string file_url(std::string_view store_code, std::string_view name) {
  std::string url = "/static/stores/";
  url += store_code;
  url += '/';
  url += name;
  return url;
}

core::Result<std::string> store_image(const Services& services, const storage::TenantScope& scope,
                                      std::string_view store_code, const http::FormFile& file,
                                      const PointAt& point_at) {
  auto type = sniff_type(file.data);
  if (!type) {
    return type.error();
  }
  const auto extension = image_extension(*type);
  if (!extension) {
    return core::make_error(core::Errc::invalid_input, std::string(kNotAnImage));
  }
  const std::string name = storage::random_hex(kNameBytes) + "." + std::string(*extension);
  const fs::path folder = services.files_root / std::to_string(scope.store_id());
  const fs::path path = folder / name;
  if (auto written = write_new_file(path, file.data); !written) {
    return written.error();
  }
  // From here on a failure takes the new file away again.
  const auto fail = [&path](core::Error error) -> core::Result<std::string> {
    std::error_code ignored;
    fs::remove(path, ignored);
    return error;
  };
  const std::string url = file_url(store_code, name);
  std::optional<std::string> removed;  // the replaced file, once its record is gone
  {
    auto tx = services.database.begin(scope);
    if (!tx) {
      return fail(tx.error());
    }
    auto added = storage::files::add(*tx, name, *type, static_cast<std::int64_t>(file.data.size()),
                                     storage::sha256_hex(file.data));
    if (!added) {
      return fail(added.error());
    }
    auto previous = point_at(*tx, url);
    if (!previous) {
      return fail(previous.error());
    }
    if (*previous && *previous != url) {
      if (auto old = own_file_name(**previous, store_code)) {
        auto shown = still_shown(*tx, **previous);
        if (!shown) {
          return fail(shown.error());
        }
        auto record = *shown ? core::Result<std::optional<storage::FileRecord>>(std::nullopt)
                             : storage::files::find(*tx, *old);
        if (!record) {
          return fail(record.error());
        }
        if (*record) {
          if (auto gone = storage::files::remove(*tx, *old); !gone) {
            return fail(gone.error());
          }
          removed = std::move(*old);
        }
      }
    }
    if (auto committed = tx->commit(); !committed) {
      return fail(committed.error());
    }
  }
  if (removed) {
    // The record is gone, so the file is no longer served; its bytes are only disk space now.
    std::error_code ec;
    fs::remove(folder / *removed, ec);
    if (ec) {
      services.log->warn("store {}: cannot delete the replaced file {}: {}", store_code, *removed,
                         ec.message());
    }
  }
  return url;
}

}  // namespace orion::web::console

#include "storage/themes.hpp"

#include <algorithm>

#include "storage/clock.hpp"
#include "storage/repository.hpp"

namespace orion::storage::themes {
namespace {

Theme read(const Row& row) {
  return Theme{row.text(0), row.text(1),          row.text(2), row.text(3),
               row.text(4), row.optional_text(5), row.text(6), row.integer(7)};
}

constexpr Sql kGet{"themes_get",
                   "SELECT primary_color, secondary_color, background_color, text_color, "
                   "font_family, logo_url, custom_css, updated_at FROM store_themes "
                   "WHERE store_id = $1"};
constexpr Sql kPut{"themes_put",
                   "UPDATE store_themes SET primary_color = $2, secondary_color = $3, "
                   "background_color = $4, text_color = $5, font_family = $6, logo_url = $7, "
                   "custom_css = $8, updated_at = $9 WHERE store_id = $1 "
                   "RETURNING primary_color, secondary_color, background_color, text_color, "
                   "font_family, logo_url, custom_css, updated_at"};

Result<void> check_color(std::string_view field, const std::string& value) {
  const bool ok =
      value.size() == 7 && value[0] == '#' &&
      std::all_of(value.begin() + 1, value.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      });
  if (!ok) {
    return core::make_error(core::Errc::invalid_input,
                            std::string(field) + " must be a colour like #3B82F6");
  }
  return {};
}

}  // namespace

Result<Theme> get(TenantTransaction& tx) {
  return repository::found(repository::optional_row(tx.run(kGet, {tx.store_id()}), read),
                           "the store's theme");
}

Result<Theme> put(TenantTransaction& tx, const Theme& theme) {
  for (const auto& [field, value] :
       {std::pair<std::string_view, const std::string&>{"primary_color", theme.primary_color},
        {"secondary_color", theme.secondary_color},
        {"background_color", theme.background_color},
        {"text_color", theme.text_color}}) {
    if (auto ok = check_color(field, value); !ok) {
      return ok.error();
    }
  }
  auto font = repository::checked_text("font_family", theme.font_family, 1, 100);
  if (!font) {
    return font.error();
  }
  Value logo = Null{};
  if (theme.logo_url) {
    auto url = repository::checked_text("logo_url", *theme.logo_url, 1, 500);
    if (!url) {
      return url.error();
    }
    logo = std::move(*url);
  }
  if (theme.custom_css.size() > 20000) {
    return core::make_error(core::Errc::invalid_input, "custom_css may have 20000 characters");
  }
  return repository::found(
      repository::optional_row(
          tx.run(kPut,
                 {tx.store_id(), theme.primary_color, theme.secondary_color, theme.background_color,
                  theme.text_color, *font, logo, theme.custom_css, unix_now()}),
          read),
      "the store's theme");
}

}  // namespace orion::storage::themes

// The store dashboard's pages (/store/{code}/...), split by area: the overview and products
// (dashboard_pages.cpp, whose add_dashboard_pages adds every area's routes), orders
// (dashboard_orders.cpp) and members (dashboard_members.cpp); and what their pages share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "web/console/console.hpp"

namespace orion::web::console::dashboard {

inline constexpr std::int64_t kPerPage = 50;

void add_order_pages(http::Router& router, const std::shared_ptr<const Console>& console);
void add_member_pages(http::Router& router, const std::shared_ptr<const Console>& console);

// A decimal number of at most `max` without sign, spaces or leading '+' (route ids, ?page=).
std::optional<std::int64_t> parse_number(std::string_view text, std::int64_t max);

// The decoded value of `name` in the request's query string, if any.
std::optional<std::string> query_value(const http::RequestContext& context, std::string_view name);

// The ?page= number: 1 when absent; none when it is not a whole number from 1 to 1000000.
std::optional<std::int64_t> requested_page(const http::RequestContext& context);

// How many pages `total` items fill (at least one, so an empty list has its page 1).
std::int64_t page_count(std::int64_t total);

// Sets page, pages, prev_url and next_url for the list at `base` (a URL to which "page=N" can be
// appended: it ends in '?' or '&').
void set_pager(Data& data, std::int64_t page, std::int64_t pages, const std::string& base);

// The page for a ?page= that is not a number (400) or past the end (404).
http::Response no_such_page(const Console& console, const http::RequestContext& context,
                            const Visit& visit, http::Status status, std::string message);

// The page for a route id that names nothing in this store (also another store's id).
http::Response not_found(const Console& console, const http::RequestContext& context,
                         const Visit& visit, std::string message);

}  // namespace orion::web::console::dashboard

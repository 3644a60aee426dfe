// Builds the middleware chain. The order is written down here, once.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/detection.hpp"
#include "http/log_line.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"
#include "http/middleware/probes.hpp"
#include "http/page_cache.hpp"
#include "http/store_lookup.hpp"
#include "storage/store_cache.hpp"
#include "storage/theme_cache.hpp"

namespace spdlog {
class logger;
}

namespace orion::http {

struct ChainParts {
  std::shared_ptr<spdlog::logger> log;
  const core::Platform& platform;
  const StoreLookup& lookup;
  std::unique_ptr<Endpoint> endpoint;
  // Optional: the theme step is skipped without a cache (unit tests of the chain alone).
  const storage::ThemeCache* themes = nullptr;
  boost::asio::thread_pool* blocking = nullptr;
  Metrics* metrics = nullptr;
  // Optional: without the store cache (with `blocking`) no host answers the HTTP domain proof;
  // its tokens come from the cache, whose source must answer them (storage::VerificationTokens).
  const storage::StoreCache* stores = nullptr;
  // The proxies whose X-Forwarded-Proto/-For are believed (app::Config trusted_proxies).
  std::vector<boost::asio::ip::address> trusted_proxies{};
  // Of the primary-domain redirects (app::Config canonical_scheme).
  std::string canonical_scheme = "https";
  // Of the access log and the error boundary's lines (app::Config log_format).
  LogFormat log_format = LogFormat::text;
  // Optional: without it (page_cache_bytes = 0) storefront pages are always built.
  PageCache* pages = nullptr;
  // The health probes answered on every Host (web::ops_probes); none in unit tests of the chain.
  std::vector<Probe> probes{};
};

std::unique_ptr<Chain> make_chain(ChainParts parts);

}  // namespace orion::http

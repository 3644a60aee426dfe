// Builds the middleware chain. The order is written down here, once.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "core/detection.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"
#include "http/store_lookup.hpp"
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
};

std::unique_ptr<Chain> make_chain(ChainParts parts);

}  // namespace orion::http

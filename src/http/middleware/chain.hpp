// Builds the middleware chain. The order is written down here, once.
#pragma once

#include <memory>

#include "core/detection.hpp"
#include "http/middleware.hpp"
#include "http/store_lookup.hpp"

namespace spdlog {
class logger;
}

namespace orion::http {

struct ChainParts {
  std::shared_ptr<spdlog::logger> log;
  const core::Platform& platform;
  const StoreLookup& lookup;
  std::unique_ptr<Endpoint> endpoint;
};

std::unique_ptr<Chain> make_chain(ChainParts parts);

}  // namespace orion::http

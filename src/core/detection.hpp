// Store detection: decides, for any request, which store (if any) it belongs to, in which
// detection mode and context, and what path the handlers see (DESIGN.md §2).
//
// Resolution is split in two pure halves around the one directory lookup a request can need,
// so that a caller whose directory is asynchronous (a database behind a cache) can await the
// lookup between them; `resolve` does all three against a synchronous directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/host.hpp"
#include "core/inline_string.hpp"
#include "core/path.hpp"
#include "core/store.hpp"
#include "core/store_code.hpp"

namespace orion::core {

enum class DetectionMode : std::uint8_t { none, custom_domain, subdomain, path_based };
enum class ContextType : std::uint8_t { admin, store_dashboard, shop, api, platform };

// What the host alone says about a request.
enum class HostRole : std::uint8_t {
  platform,  // the platform domain or www.<platform>: path-based routing applies
  admin,     // admin.<platform>: the admin interface, never a store
  store,     // <code>.<platform> or a name outside the platform: one store, if any, owns it
  unknown,   // an IP literal, a nested or invalid subdomain: no store, ever
};

std::string_view to_string(DetectionMode mode) noexcept;  // "custom_domain", ..., "none"
std::string_view to_string(ContextType type) noexcept;    // "ADMIN", ..., "PLATFORM"
std::string_view to_string(HostRole role) noexcept;       // "platform", ..., "unknown"

// The validated platform domain and the host names derived from it.
class Platform {
 public:
  // `domain` is normalised like a host; it must be a host name, not an IP literal.
  static Result<Platform> make(std::string_view domain);

  [[nodiscard]] const std::string& domain() const noexcept { return domain_; }
  [[nodiscard]] HostRole role_of(std::string_view host, HostKind kind) const noexcept;
  // The same, also setting `label` to subdomain_label(host) for a store host under the platform
  // domain, and to "" otherwise (a custom domain, or any other role).
  [[nodiscard]] HostRole role_of(std::string_view host, HostKind kind,
                                 std::string_view& label) const noexcept;
  // The label of a host directly under the platform domain ("a" for "a.<platform>"), else "".
  [[nodiscard]] std::string_view subdomain_label(std::string_view host) const noexcept;

 private:
  std::string domain_;
  std::string www_;
  std::string admin_;
};

// The parts of a request that resolution reads, as received.
struct RequestHead {
  std::string_view target;      // origin-form "/path?q" or absolute-form "http://host/path"
  std::string_view host;        // the Host header's value; empty when absent
  std::size_t host_fields = 1;  // how many Host header fields arrived (HTTP/1.1 wants one)
};

// The single directory question a request asks, if any.
struct Lookup {
  enum class By : std::uint8_t { nothing, domain, code };
  By by = By::nothing;
  std::string key;  // a normalised domain or store code

  friend bool operator==(const Lookup&, const Lookup&) = default;
};

// The first half: everything the request says before any store is looked up.
struct Classification {
  Host host;
  Target target;
  HostRole role = HostRole::unknown;
  DetectionMode mode = DetectionMode::none;  // the mode that holds if the lookup finds a store
  Lookup lookup;
};

// A resolution's host and base path have bounded lengths, so it holds them inline: resolving a
// request allocates nothing for them (docs/PERFORMANCE.md). Both convert to std::string_view.
using HostName = InlineString<kMaxHostLength>;
using BasePath = InlineString<kMaxStoreCodeLength + 8>;  // "/stores/" + code

// The answer: the store (or none) and how the rest of the request sees itself.
struct Resolution {
  StorePtr store;  // null when no active store owns the request
  DetectionMode mode = DetectionMode::none;
  ContextType context = ContextType::platform;
  HostRole role = HostRole::unknown;
  HostName host;           // normalised
  std::string clean_path;  // the path the handlers route on ("/shop/products")
  std::string query;       // as sent, without the '?'
  // The prefix that links on this page keep so they stay in the mode the page was reached by:
  // "/stores/{code}" on a path-based storefront, "/store/{code}" on a dashboard, "" otherwise.
  BasePath base_path;
};

// Parses and normalises the authority (absolute-form target first, else Host) and the path, and
// works out the one lookup the request needs. Missing or malformed host or target → error.
Result<Classification> classify(const Platform& platform, const RequestHead& request);

// Completes a classification with the directory's answer to its lookup (null for none, or when
// the lookup was `nothing`). A store host asked for another store's path, for the admin
// interface or for another store's files fails closed with Errc::wrong_store.
Result<Resolution> finish(Classification classification, StorePtr found);

// `classify`, the lookup against `directory`, then `finish`.
Result<Resolution> resolve(const Platform& platform, const RequestHead& request,
                           const StoreDirectory& directory);

// Asks `directory` the classification's question.
StorePtr answer(const StoreDirectory& directory, const Lookup& lookup);

}  // namespace orion::core

// Fuzzes request-target normalisation, the store path forms (core/path.hpp) and the whole store
// detection (core/detection.hpp) against an in-memory directory, checking DESIGN.md §2's rules:
// no path escapes its segment, a store is only ever resolved for the host or path that names it,
// the admin interface never carries a store, and an inactive store or an unverified domain is
// indistinguishable from an unknown one.
//
// Input: "<Host header value>\n<request-target>". Without a newline the whole input is the
// target and the Host header is the platform domain.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/detection.hpp"
#include "core/path.hpp"
#include "core/store_code.hpp"
#include "fuzz_check.hpp"
#include "support/memory_store_directory.hpp"

namespace {

using orion::core::answer;
using orion::core::classify;
using orion::core::ContextType;
using orion::core::DetectionMode;
using orion::core::HostRole;
using orion::core::normalize_target;
using orion::core::path_is_under;
using orion::core::PathForm;
using orion::core::Platform;
using orion::core::RequestHead;
using orion::core::Resolution;
using orion::core::resolve;
using orion::core::Result;
using orion::core::split_store_path;
using orion::core::StorePath;
using orion::core::StorePtr;
using orion::core::Target;
using orion::core::validate_store_code;
using orion::testing::MemoryStoreDirectory;

constexpr std::string_view kPlatformDomain = "platform.com";

struct World {
  Platform platform;
  MemoryStoreDirectory directory;
  // The same stores minus the inactive one and the unverified domain: every request must resolve
  // exactly as it does against `directory`.
  MemoryStoreDirectory reference;
};

const World& world() {
  static const World instance = [] {
    auto platform = Platform::make(kPlatformDomain);
    ORION_FUZZ_CHECK(platform.has_value());
    World w{*platform, {}, {}};
    for (MemoryStoreDirectory* d : {&w.directory, &w.reference}) {
      d->add_store(1, "orion", "Orion");
      d->add_store(2, "techstore", "Tech Store");
      d->add_store(3, "fashionhub", "Fashion Hub");
      d->add_domain("orion.lu", "orion");
      d->add_domain("mytechstore.net", "techstore");
    }
    w.directory.add_store(4, "closedshop", "Closed Shop", /*is_active=*/false);
    w.directory.add_domain("closedshop.com", "closedshop");
    w.directory.add_domain("fashion-pending.com", "fashionhub", /*is_verified=*/false);
    return w;
  }();
  return instance;
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Percent-encodes the bytes normalize_target would read as syntax ('%', '?', '#') or refuse raw
// (a space), so that a normalised path can be fed back as a request-target.
std::string reencode(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#' || c == ' ') {
      constexpr std::string_view kHex = "0123456789ABCDEF";
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void check_target(const Target& target) {
  const std::string& path = target.path;
  ORION_FUZZ_CHECK_MSG(!path.empty() && path.front() == '/', path);
  ORION_FUZZ_CHECK_MSG(path.find("//") == std::string::npos, path);
  const std::vector<std::string_view> segments = segments_of(path);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view s = segments[i];
    ORION_FUZZ_CHECK_MSG(s != "." && s != "..", path);
    // Only the last segment may be empty: that is the trailing slash.
    ORION_FUZZ_CHECK_MSG(!s.empty() || i + 1 == segments.size(), path);
  }
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    ORION_FUZZ_CHECK_MSG(c != '\\' && u >= 0x20 && u != 0x7f, path);
  }

  // Normalising again changes nothing: the path itself when it has nothing percent-decoding or
  // the '?' split would read again, else its re-encoded spelling.
  const std::string spelled = reencode(path);
  const Result<Target> again =
      normalize_target(spelled + (target.query.empty() ? "" : "?") + target.query);
  ORION_FUZZ_CHECK_MSG(again && again->path == path,
                       path + " -> " + (again ? again->path : again.error().message));
  if (!target.query.empty()) {
    ORION_FUZZ_CHECK_MSG(again->query == target.query, target.query);
  }
}

void check_store_path(std::string_view path) {
  const StorePath split = split_store_path(path);
  ORION_FUZZ_CHECK_MSG(!split.clean_path.empty() && split.clean_path.front() == '/', path);
  const std::vector<std::string_view> segments = segments_of(path);
  if (split.form == PathForm::plain) {
    ORION_FUZZ_CHECK(split.clean_path == path && split.code.empty() && split.prefix.empty());
    ORION_FUZZ_CHECK_MSG(segments[0] != "stores" && segments[0] != "store", path);
    return;
  }
  const std::string_view word = split.form == PathForm::shop ? "stores" : "store";
  ORION_FUZZ_CHECK_MSG(segments[0] == word, path);
  ORION_FUZZ_CHECK_MSG(split.code == (segments.size() > 1 ? segments[1] : ""), path);
  const std::string prefix =
      "/" + std::string(word) + (split.code.empty() ? "" : "/") + std::string(split.code);
  ORION_FUZZ_CHECK_MSG(split.prefix == prefix, path);
  // The prefix and the clean path put back together are the path ("/" stands for nothing).
  const bool rebuilt = std::string(split.prefix) + std::string(split.clean_path) == path ||
                       (split.prefix == path && split.clean_path == "/");
  ORION_FUZZ_CHECK_MSG(rebuilt, path);
}

std::string describe(const Result<Resolution>& r);

// On a store host that resolved its store, `path` may only name that store.
void check_store_host_path(std::string_view path, const Resolution& r) {
  const std::vector<std::string_view> segments = segments_of(path);
  const auto names_own_store = [&r](const std::vector<std::string_view>& s, std::size_t i) {
    const auto code = validate_store_code(s.size() > i ? s[i] : std::string_view());
    return code && *code == r.store->code;
  };
  if (segments[0] == "stores" || segments[0] == "store") {
    ORION_FUZZ_CHECK_MSG(names_own_store(segments, 1), std::string(path) + ": " + describe(r));
  }
  ORION_FUZZ_CHECK_MSG(!path_is_under(path, "/admin"), std::string(path) + ": " + describe(r));
  if (path_is_under(path, "/static/stores")) {
    ORION_FUZZ_CHECK_MSG(names_own_store(segments, 2), std::string(path) + ": " + describe(r));
  }
}

std::string describe(const Result<Resolution>& r) {
  if (!r) {
    return "error " + std::string(to_string(r.error().code)) + ": " + r.error().message;
  }
  return std::string(to_string(r->role)) + " " + std::string(to_string(r->mode)) + " " +
         std::string(to_string(r->context)) + " store=" + (r->store ? r->store->code : "-") +
         " host=" + r->host.str() + " clean=" + r->clean_path + " base=" + r->base_path.str() +
         " query=" + r->query;
}

void check_resolution(const Resolution& r, const Target& target) {
  const World& w = world();
  const std::string domain(kPlatformDomain);
  ORION_FUZZ_CHECK_MSG(!r.clean_path.empty() && r.clean_path.front() == '/', describe(r));
  ORION_FUZZ_CHECK_MSG(r.query == target.query, describe(r));
  ORION_FUZZ_CHECK_MSG((r.store != nullptr) == (r.mode != DetectionMode::none), describe(r));
  ORION_FUZZ_CHECK_MSG(r.base_path.empty() || r.store, describe(r));
  ORION_FUZZ_CHECK_MSG(r.context != ContextType::admin || !r.store, describe(r));
  if (r.role == HostRole::admin) {
    ORION_FUZZ_CHECK_MSG(r.host == "admin." + domain && r.context == ContextType::admin,
                         describe(r));
  }
  if (r.role == HostRole::platform) {
    ORION_FUZZ_CHECK_MSG(r.host == domain || r.host == "www." + domain, describe(r));
  }
  if (!r.store) {
    return;
  }
  ORION_FUZZ_CHECK_MSG(r.store->is_active, describe(r));
  const std::vector<std::string_view> segments = segments_of(target.path);

  switch (r.role) {
    case HostRole::platform: {
      // Path-based: the store is the one the path's code segment names, and links keep the
      // prefix the page was reached by.
      ORION_FUZZ_CHECK_MSG(r.mode == DetectionMode::path_based, describe(r));
      ORION_FUZZ_CHECK_MSG(segments.size() >= 2, describe(r));
      const std::string_view word = segments[0];
      ORION_FUZZ_CHECK_MSG(word == "stores" || word == "store", describe(r));
      const auto code = validate_store_code(segments[1]);
      ORION_FUZZ_CHECK_MSG(code && *code == r.store->code, describe(r));
      ORION_FUZZ_CHECK_MSG(r.store == w.directory.find_active_by_code(*code), describe(r));
      ORION_FUZZ_CHECK_MSG(r.base_path == "/" + std::string(word) + "/" + r.store->code,
                           describe(r));
      ORION_FUZZ_CHECK_MSG(
          r.context == (word == "stores" ? ContextType::shop : ContextType::store_dashboard),
          describe(r));
      const std::size_t prefix_length = 1 + word.size() + 1 + segments[1].size();
      const std::string_view rest = std::string_view(target.path).substr(prefix_length);
      ORION_FUZZ_CHECK_MSG(r.clean_path == (rest.empty() ? "/" : rest), describe(r));
      break;
    }
    case HostRole::store: {
      // Fail closed: the store is exactly the one the host names, looked up here independently.
      const std::string suffix = "." + domain;
      StorePtr expected;
      DetectionMode expected_mode = DetectionMode::none;
      if (r.host.view().ends_with(suffix)) {
        const std::string label(r.host.view().substr(0, r.host.size() - suffix.size()));
        ORION_FUZZ_CHECK_MSG(label.find('.') == std::string::npos, describe(r));
        expected = w.directory.find_active_by_code(label);
        expected_mode = DetectionMode::subdomain;
      } else {
        expected = w.directory.find_active_by_domain(r.host);
        expected_mode = DetectionMode::custom_domain;
      }
      ORION_FUZZ_CHECK_MSG(expected && r.store == expected && r.mode == expected_mode, describe(r));
      // Fail closed, on the path as sent and on the clean path the handlers route on (which
      // "/stores/{own}/..." strips): no other store named, no admin interface, no other store's
      // files.
      check_store_host_path(target.path, r);
      check_store_host_path(r.clean_path, r);
      break;
    }
    case HostRole::admin:
    case HostRole::unknown:
      ORION_FUZZ_CHECK_MSG(false, "a store on an admin or unknown host: " + describe(r));
      break;
  }
}

bool same(const Result<Resolution>& a, const Result<Resolution>& b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  if (!a) {
    return a.error() == b.error();
  }
  const auto code = [](const StorePtr& s) { return s ? s->code : std::string(); };
  return code(a->store) == code(b->store) && a->mode == b->mode && a->context == b->context &&
         a->role == b->role && a->host == b->host && a->clean_path == b->clean_path &&
         a->query == b->query && a->base_path == b->base_path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const orion::fuzz::InputScope scope(data, size);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const World& w = world();

  std::string_view host = kPlatformDomain;
  std::string_view target = input;
  if (const std::size_t newline = input.find('\n'); newline != std::string_view::npos) {
    host = input.substr(0, newline);
    target = input.substr(newline + 1);
  }

  // The path on its own.
  if (const Result<Target> normalised = normalize_target(target)) {
    check_target(*normalised);
    check_store_path(normalised->path);
  }

  // The whole detection.
  const RequestHead request{target, host, 1};
  const auto classification = classify(w.platform, request);
  const Result<Resolution> resolution = resolve(w.platform, request, w.directory);
  if (!classification) {
    // What the request says alone is malformed: resolution fails the same way.
    ORION_FUZZ_CHECK_MSG(!resolution && resolution.error() == classification.error(),
                         describe(resolution));
    ORION_FUZZ_CHECK(!resolution.error().message.empty());
  } else {
    check_target(classification->target);
    check_store_path(classification->target.path);
    if (resolution) {
      check_resolution(*resolution, classification->target);
    } else {
      // Only a store host that found its store refuses a path, and only as "wrong store".
      ORION_FUZZ_CHECK_MSG(resolution.error().code == orion::core::Errc::wrong_store &&
                               classification->role == HostRole::store &&
                               answer(w.directory, classification->lookup) != nullptr,
                           describe(resolution));
    }
  }

  const Result<Resolution> reference = resolve(w.platform, request, w.reference);
  ORION_FUZZ_CHECK_MSG(same(resolution, reference),
                       describe(resolution) + " vs without inactive store and unverified domain " +
                           describe(reference));
  return 0;
}

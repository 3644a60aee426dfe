#include "core/detection.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/store_code.hpp"

namespace orion::core {
namespace {

struct Authority {
  std::string_view authority;
  std::string origin_form;  // the target rewritten to origin-form when it was absolute-form
  bool absolute = false;
};

// Picks the authority as RFC 9112 §3.2.3 says: the absolute-form target's own authority wins over
// Host. More than one Host field is malformed whatever the target (RFC 9112 §3.2).
Result<Authority> authority_of(const RequestHead& request) {
  if (request.host_fields > 1) {
    return make_error(Errc::invalid_host, "the request has more than one Host header");
  }
  if (request.target.empty()) {
    return make_error(Errc::invalid_target, "the request-target is empty");
  }
  if (request.target.front() == '/') {
    return Authority{request.host, {}, false};
  }
  auto uri = boost::urls::parse_absolute_uri(request.target);
  if (!uri) {
    return make_error(Errc::invalid_target,
                      "the request-target is neither a path nor an absolute http(s) URL");
  }
  if (uri->scheme_id() != boost::urls::scheme::http &&
      uri->scheme_id() != boost::urls::scheme::https) {
    return make_error(Errc::invalid_target, "an absolute request-target must be http or https");
  }
  if (!uri->has_authority() || uri->encoded_host().empty()) {
    return make_error(Errc::missing_host, "the absolute request-target names no host");
  }
  if (uri->has_userinfo()) {
    return make_error(Errc::invalid_host, "user information is not allowed in a host");
  }
  Authority out{uri->encoded_host_and_port(), {}, true};
  const std::string_view path = uri->encoded_path();
  out.origin_form.assign(path.empty() ? std::string_view("/") : path);
  if (uri->has_query()) {
    out.origin_form.push_back('?');
    out.origin_form.append(uri->encoded_query());
  }
  return out;
}

ContextType context_of_platform_path(std::string_view path) noexcept {
  if (path_is_under(path, "/admin")) {
    return ContextType::admin;
  }
  if (path_is_under(path, "/api")) {
    return ContextType::api;
  }
  if (path_is_under(path, "/shop")) {
    return ContextType::shop;
  }
  return ContextType::platform;
}

Error wrong_store(std::string message) { return make_error(Errc::wrong_store, std::move(message)); }

// On a store host, "/stores/{code}/..." and "/store/{code}/..." name a store explicitly; only the
// host's own store may be named.
bool names_other_store(std::string_view code, const Store& store) {
  auto normalised = validate_store_code(code);
  return !normalised || *normalised != store.code;
}

Result<Resolution> finish_store_host(Resolution r, Target& target) {
  const Store& store = *r.store;
  const StorePath split = split_store_path(target.path);
  std::string_view path = target.path;
  if (split.form != PathForm::plain) {
    if (names_other_store(split.code, store)) {
      return wrong_store("this host serves one store only; the path names another");
    }
    // The handlers route on what follows the host's own prefix, so that is what the checks
    // below must see: "/stores/{own}/admin" is "/admin" to them.
    path = split.clean_path;
    const StorePath inner = split_store_path(path);
    if (inner.form != PathForm::plain && names_other_store(inner.code, store)) {
      return wrong_store("this host serves one store only; the path names another");
    }
  }
  if (path_is_under(path, "/admin")) {
    return wrong_store("the admin interface is served on the platform host only");
  }
  if (path_is_under(path, "/static/stores")) {
    const StorePath files = split_store_path(path.substr(7));
    if (files.code.empty() || names_other_store(files.code, store)) {
      return wrong_store("a store host serves its own store's files only");
    }
  }
  if (split.form == PathForm::plain) {
    r.clean_path = std::move(target.path);  // `path` is all of it
    path = r.clean_path;
  } else {
    r.clean_path.assign(path);
  }
  switch (split.form) {
    case PathForm::shop:
      r.context = ContextType::shop;
      break;
    case PathForm::dashboard:
      r.context = ContextType::store_dashboard;
      r.base_path.reserve(7 + store.code.size());
      r.base_path.append("/store/").append(store.code);
      break;
    case PathForm::plain:
      r.context = path_is_under(path, "/api") ? ContextType::api : ContextType::shop;
      break;
  }
  return r;
}

}  // namespace

std::string_view to_string(DetectionMode mode) noexcept {
  switch (mode) {
    case DetectionMode::custom_domain:
      return "custom_domain";
    case DetectionMode::subdomain:
      return "subdomain";
    case DetectionMode::path_based:
      return "path_based";
    case DetectionMode::none:
      break;
  }
  return "none";
}

std::string_view to_string(ContextType type) noexcept {
  switch (type) {
    case ContextType::admin:
      return "ADMIN";
    case ContextType::store_dashboard:
      return "STORE_DASHBOARD";
    case ContextType::shop:
      return "SHOP";
    case ContextType::api:
      return "API";
    case ContextType::platform:
      break;
  }
  return "PLATFORM";
}

std::string_view to_string(HostRole role) noexcept {
  switch (role) {
    case HostRole::platform:
      return "platform";
    case HostRole::admin:
      return "admin";
    case HostRole::store:
      return "store";
    case HostRole::unknown:
      break;
  }
  return "unknown";
}

Result<Platform> Platform::make(std::string_view domain) {
  auto host = normalize_host(domain);
  if (!host) {
    return make_error(Errc::invalid_platform_domain,
                      "platform domain '" + std::string(domain) + "': " + host.error().message);
  }
  if (host->kind != HostKind::name) {
    return make_error(Errc::invalid_platform_domain,
                      "platform domain '" + std::string(domain) +
                          "' is an IP address; stores need a name to put subdomains under");
  }
  Platform platform;
  platform.domain_ = std::move(host->name);
  platform.www_ = "www." + platform.domain_;
  platform.admin_ = "admin." + platform.domain_;
  return platform;
}

std::string_view Platform::subdomain_label(std::string_view host) const noexcept {
  if (host.size() <= domain_.size() + 1 || !is_same_or_under(host, domain_)) {
    return {};
  }
  const std::string_view label = host.substr(0, host.size() - domain_.size() - 1);
  return label.find('.') == std::string_view::npos ? label : std::string_view();
}

HostRole Platform::role_of(std::string_view host, HostKind kind) const noexcept {
  if (kind != HostKind::name) {
    return HostRole::unknown;
  }
  if (host == domain_ || host == www_) {
    return HostRole::platform;
  }
  if (host == admin_) {
    return HostRole::admin;
  }
  if (!is_same_or_under(host, domain_)) {
    return HostRole::store;  // a custom-domain candidate
  }
  const std::string_view label = subdomain_label(host);
  // Nested labels ("a.b.<platform>") and labels that cannot be store codes never route.
  if (label.empty() || label.size() < kMinStoreCodeLength || label.size() > kMaxStoreCodeLength ||
      is_reserved_store_code(label)) {
    return HostRole::unknown;
  }
  return HostRole::store;
}

namespace {

// A host label under the platform domain that role_of() accepted is already a valid store code:
// normalize_host made it lower-case letters, digits and inner hyphens, and role_of() checked its
// length and the reserved list. Checked again here, cheaply, so that the two can never disagree.
bool is_code_label(std::string_view label) noexcept {
  for (const char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return label.size() >= kMinStoreCodeLength && label.size() <= kMaxStoreCodeLength &&
         label.front() != '-' && label.back() != '-';
}

// classify(), except that a lookup by domain leaves its key empty when `domain_key` is false:
// the key is then the host's name, which resolve() reads in place instead of copying it.
Result<Classification> classify_request(const Platform& platform, const RequestHead& request,
                                        bool domain_key) {
  auto authority = authority_of(request);
  if (!authority) {
    return authority.error();
  }
  auto host = normalize_authority(authority->authority);
  if (!host) {
    return host.error();
  }
  auto target = normalize_target(authority->absolute ? authority->origin_form : request.target);
  if (!target) {
    return target.error();
  }
  Classification c{
      std::move(*host), std::move(*target), HostRole::unknown, DetectionMode::none, {}};
  c.role = platform.role_of(c.host.name, c.host.kind);
  switch (c.role) {
    case HostRole::store: {
      const std::string_view label = platform.subdomain_label(c.host.name);
      if (label.empty()) {
        c.mode = DetectionMode::custom_domain;
        c.lookup.by = Lookup::By::domain;
        if (domain_key) {
          c.lookup.key = c.host.name;
        }
        break;
      }
      if (!is_code_label(label)) {
        c.role = HostRole::unknown;  // "-ab" or "a_b": a label no store can have
        break;
      }
      c.mode = DetectionMode::subdomain;
      c.lookup.by = Lookup::By::code;
      c.lookup.key.assign(label);
      break;
    }
    case HostRole::platform: {
      const StorePath split = split_store_path(c.target.path);
      if (split.form == PathForm::plain) {
        break;
      }
      if (auto code = validate_store_code(split.code)) {
        c.mode = DetectionMode::path_based;
        c.lookup = {Lookup::By::code, std::move(*code)};
      }
      break;
    }
    case HostRole::admin:
    case HostRole::unknown:
      break;
  }
  return c;
}

}  // namespace

Result<Classification> classify(const Platform& platform, const RequestHead& request) {
  return classify_request(platform, request, true);
}

StorePtr answer(const StoreDirectory& directory, const Lookup& lookup) {
  switch (lookup.by) {
    case Lookup::By::domain:
      return directory.find_active_by_domain(lookup.key);
    case Lookup::By::code:
      return directory.find_active_by_code(lookup.key);
    case Lookup::By::nothing:
      break;
  }
  return nullptr;
}

Result<Resolution> finish(Classification c, StorePtr found) {
  // Defence in depth against a directory that breaks its contract: an inactive store, or one
  // whose code is not the code asked for, is treated as not found.
  if (found && (!found->is_active || c.lookup.by == Lookup::By::nothing ||
                (c.lookup.by == Lookup::By::code && found->code != c.lookup.key))) {
    found = nullptr;
  }
  Resolution r;
  r.role = c.role;
  r.host = std::move(c.host.name);
  r.query = std::move(c.target.query);
  std::string& path = c.target.path;

  switch (c.role) {
    case HostRole::admin:
      r.context = ContextType::admin;
      r.clean_path = std::move(path);
      return r;
    case HostRole::unknown:
      r.context = ContextType::shop;  // no store: the handlers answer "store not found"
      r.clean_path = std::move(path);
      return r;
    case HostRole::store:
      if (!found) {
        r.context = ContextType::shop;
        r.clean_path = std::move(path);
        return r;
      }
      r.store = std::move(found);
      r.mode = c.mode;
      return finish_store_host(std::move(r), c.target);
    case HostRole::platform:
      break;
  }
  const StorePath split = split_store_path(path);
  if (split.form == PathForm::plain) {
    r.context = context_of_platform_path(path);
    r.clean_path = std::move(path);
    return r;
  }
  r.context = split.form == PathForm::shop ? ContextType::shop : ContextType::store_dashboard;
  r.clean_path.assign(split.clean_path);
  if (found) {
    const std::string_view prefix = split.form == PathForm::shop ? "/stores/" : "/store/";
    r.base_path.reserve(prefix.size() + found->code.size());
    r.base_path.append(prefix).append(found->code);
    r.store = std::move(found);
    r.mode = DetectionMode::path_based;
  }
  return r;
}

Result<Resolution> resolve(const Platform& platform, const RequestHead& request,
                           const StoreDirectory& directory) {
  auto classification = classify_request(platform, request, false);
  if (!classification) {
    return classification.error();
  }
  // A domain lookup's key is the host's name (classify_request left the copy out); finish()
  // reads the key of code lookups only.
  StorePtr found = classification->lookup.by == Lookup::By::domain
                       ? directory.find_active_by_domain(classification->host.name)
                       : answer(directory, classification->lookup);
  return finish(std::move(*classification), std::move(found));
}

}  // namespace orion::core

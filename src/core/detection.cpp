#include "core/detection.hpp"

#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/lanes.hpp"
#include "core/store_code.hpp"
#include "core/text.hpp"

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

Error wrong_store(const char* message) { return make_error(Errc::wrong_store, message); }

// On a store host, "/stores/{code}/..." and "/store/{code}/..." name a store explicitly; only the
// host's own store may be named.
bool names_other_store(std::string_view code, const Store& store) {
  auto normalised = validate_store_code(code);
  return !normalised || *normalised != store.code;
}

// Where the finished clean path comes from when it is the whole normalised path: moved from the
// classification's own string (finish) or copied from a view into the request (resolve).
struct WholePath {
  std::string_view path;
  std::string* owner = nullptr;  // holds `path` and may be moved from; null: copy `path`

  void move_to(std::string& out) const {
    if (owner != nullptr) {
      out = std::move(*owner);
    } else {
      out.assign(path);
    }
  }
};

// The store host half of complete(): r.store is set. Returns the wrong_store message, or null.
const char* complete_store_host(const WholePath& whole, Resolution& r) {
  const Store& store = *r.store;
  const StorePath split = split_store_path(whole.path);
  std::string_view path = whole.path;
  if (split.form != PathForm::plain) {
    if (names_other_store(split.code, store)) {
      return "this host serves one store only; the path names another";
    }
    // The handlers route on what follows the host's own prefix, so that is what the checks
    // below must see: "/stores/{own}/admin" is "/admin" to them.
    path = split.clean_path;
    const StorePath inner = split_store_path(path);
    if (inner.form != PathForm::plain && names_other_store(inner.code, store)) {
      return "this host serves one store only; the path names another";
    }
  }
  if (path_is_under(path, "/admin")) {
    return "the admin interface is served on the platform host only";
  }
  if (path_is_under(path, "/static/stores")) {
    const StorePath files = split_store_path(path.substr(7));
    if (files.code.empty() || names_other_store(files.code, store)) {
      return "a store host serves its own store's files only";
    }
  }
  switch (split.form) {
    case PathForm::shop:
      r.clean_path.assign(path);
      r.context = ContextType::shop;
      break;
    case PathForm::dashboard:
      r.clean_path.assign(path);
      r.context = ContextType::store_dashboard;
      r.base_path.assign("/store/").append(store.code);
      break;
    case PathForm::plain:
      r.context = path_is_under(path, "/api") ? ContextType::api : ContextType::shop;
      whole.move_to(r.clean_path);  // `path` is all of it
      break;
  }
  return nullptr;
}

// Defence in depth against a directory that breaks its contract: an inactive store, or one whose
// code is not the code asked for, is treated as not found.
StorePtr checked(StorePtr found, Lookup::By by, std::string_view key) noexcept {
  if (found && (!found->is_active || by == Lookup::By::nothing ||
                (by == Lookup::By::code && !text::same(found->code, key)))) {
    return nullptr;
  }
  return found;
}

// finish() once the directory's answer is checked: sets r's store, mode, context, clean_path and
// base_path (the caller sets role, host and query). Returns the wrong_store message, or null.
const char* complete(HostRole role, DetectionMode mode, StorePtr found, const WholePath& whole,
                     Resolution& r) {
  switch (role) {
    case HostRole::admin:
      r.context = ContextType::admin;
      whole.move_to(r.clean_path);
      return nullptr;
    case HostRole::unknown:
      r.context = ContextType::shop;  // no store: the handlers answer "store not found"
      whole.move_to(r.clean_path);
      return nullptr;
    case HostRole::store:
      if (!found) {
        r.context = ContextType::shop;
        whole.move_to(r.clean_path);
        return nullptr;
      }
      r.store = std::move(found);
      r.mode = mode;
      return complete_store_host(whole, r);
    case HostRole::platform:
      break;
  }
  const StorePath split = split_store_path(whole.path);
  if (split.form == PathForm::plain) {
    r.context = context_of_platform_path(whole.path);
    whole.move_to(r.clean_path);
    return nullptr;
  }
  r.context = split.form == PathForm::shop ? ContextType::shop : ContextType::store_dashboard;
  r.clean_path.assign(split.clean_path);
  if (found) {
    const std::string_view prefix = split.form == PathForm::shop ? "/stores/" : "/store/";
    r.base_path.assign(prefix).append(found->code);
    r.store = std::move(found);
    r.mode = DetectionMode::path_based;
  }
  return nullptr;
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
  std::string_view label;
  return role_of(host, kind, label);
}

HostRole Platform::role_of(std::string_view host, HostKind kind,
                           std::string_view& label) const noexcept {
  label = {};
  if (kind != HostKind::name) {
    return HostRole::unknown;
  }
  // The platform domain itself, or a name under it (is_same_or_under), with one comparison.
  if (host.size() == domain_.size()) {
    return text::same(host, domain_) ? HostRole::platform : HostRole::store;
  }
  if (host.size() < domain_.size() || host[host.size() - domain_.size() - 1] != '.' ||
      !text::same(host.substr(host.size() - domain_.size()), domain_)) {
    return HostRole::store;  // a custom-domain candidate
  }
  // Under the platform domain and not the domain itself: subdomain_label(host) is this, or ""
  // when it holds a dot. "www" and "admin" are host == www_ and host == admin_.
  const std::string_view sub = host.substr(0, host.size() - domain_.size() - 1);
  if (sub == "www") {
    return HostRole::platform;
  }
  if (sub == "admin") {
    return HostRole::admin;
  }
  // Nested labels ("a.b.<platform>") and labels that cannot be store codes never route.
  if (sub.size() < kMinStoreCodeLength || sub.size() > kMaxStoreCodeLength ||
      sub.find('.') != std::string_view::npos || is_reserved_store_code(sub)) {
    return HostRole::unknown;
  }
  label = sub;
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

// A request classified with its path, query and lookup key left where they already are: views
// into the request when its target needed no rewriting, else into members of this object (so it
// is neither copied nor moved). classify() copies it into a Classification; resolve() reads it in
// place and builds the Resolution from it directly.
struct Parsed {
  Parsed() = default;
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;

  Host host;
  Target rewritten;        // the normalised target, when it is not the request's own
  std::string_view path;   // normalised
  std::string_view query;  // as sent, without the '?'
  HostRole role = HostRole::unknown;
  DetectionMode mode = DetectionMode::none;  // the mode that holds if the lookup finds a store
  Lookup::By by = Lookup::By::nothing;
  std::string_view key;  // the lookup's key: in host.name or in code
  std::string code;      // a path-based store code as validate_store_code returns it
};

Result<void> parse_request(const Platform& platform, const RequestHead& request, Parsed& p) {
  std::string_view authority = request.host;
  std::string origin_form;  // set for an absolute-form target
  bool absolute = false;
  // An origin-form target with one Host field at most is all authority_of() would accept
  // without looking further; anything else is left to it.
  if (request.host_fields > 1 || request.target.empty() || request.target.front() != '/') {
    auto chosen = authority_of(request);
    if (!chosen) {
      return chosen.error();
    }
    authority = chosen->authority;
    origin_form = std::move(chosen->origin_form);
    absolute = chosen->absolute;
  }
  auto host = normalize_authority(authority);
  if (!host) {
    return host.error();
  }
  p.host = std::move(*host);
  if (TargetView plain; !absolute && view_plain_target(request.target, plain)) {
    p.path = plain.path;
    p.query = plain.query;
  } else {
    auto target = normalize_target(absolute ? std::string_view(origin_form) : request.target);
    if (!target) {
      return target.error();
    }
    p.rewritten = std::move(*target);
    p.path = p.rewritten.path;
    p.query = p.rewritten.query;
  }
  std::string_view label;
  p.role = platform.role_of(p.host.name, p.host.kind, label);
  switch (p.role) {
    case HostRole::store: {
      if (label.empty()) {
        p.mode = DetectionMode::custom_domain;
        p.by = Lookup::By::domain;
        p.key = p.host.name;
        break;
      }
      if (!is_code_label(label)) {
        p.role = HostRole::unknown;  // "-ab" or "a_b": a label no store can have
        break;
      }
      p.mode = DetectionMode::subdomain;
      p.by = Lookup::By::code;
      p.key = label;
      break;
    }
    case HostRole::platform: {
      const StorePath split = split_store_path(p.path);
      if (split.form == PathForm::plain) {
        break;
      }
      if (auto code = validate_store_code(split.code)) {
        p.mode = DetectionMode::path_based;
        p.by = Lookup::By::code;
        p.code = std::move(*code);
        p.key = p.code;
      }
      break;
    }
    case HostRole::admin:
    case HostRole::unknown:
      break;
  }
  return {};
}

StorePtr ask(const StoreDirectory& directory, Lookup::By by, std::string_view key) {
  switch (by) {
    case Lookup::By::domain:
      return directory.find_active_by_domain(key);
    case Lookup::By::code:
      return directory.find_active_by_code(key);
    case Lookup::By::nothing:
      break;
  }
  return nullptr;
}

// ---- resolve()'s fast path ----------------------------------------------------------------
//
// The common request in one pass and without a temporary string: a Host of a plain name
// (normalize_plain_authority), an origin-form target whose path is already normal
// (view_plain_target), at most one Host field. It gives the directory its hint as soon as the key
// is known, and fills every part of the Resolution that does not depend on the store before it
// asks, so that the wait for the directory's memory overlaps that work (docs/PERFORMANCE.md).
// Anything else is left to the general path, which decides errors: nothing here fails a request.

// validate_store_code for a path segment that view_plain_target accepted (or that it may accept:
// resolve_plain's guess), which holds no white space to trim: lower-cases `segment` into `buffer`
// and returns the code, or "" when it is not a valid store code.
std::string_view plain_store_code(std::string_view segment,
                                  std::array<char, kMaxStoreCodeLength + 14>& buffer) noexcept {
  if (segment.size() < kMinStoreCodeLength || segment.size() > kMaxStoreCodeLength) {
    return {};
  }
  for (std::size_t i = 0; i < segment.size(); ++i) {
    const char c = text::to_lower(segment[i]);
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return {};
    }
    buffer[i] = c;
  }
  const std::string_view code(buffer.data(), segment.size());
  if (code.front() == '-' || code.back() == '-' || is_reserved_store_code(code)) {
    return {};
  }
  return code;
}

// resolve_plain's guess at a path-based key, read from the raw target before view_plain_target
// has checked it: the {code} segment of a target starting "/stores/{code}" or "/store/{code}" (as
// split_store_path would find it in the path if the target is plain) and, when that segment has
// the form of a store code, the code, lower-cased into `buffer` (else ""). Not checked against
// the reserved list: the caller does that once the hint is given (unguess_reserved), so that the
// directory starts fetching as early as it can.
struct GuessedCode {
  std::string_view segment;
  std::string_view code;
};

GuessedCode guess_store_code(std::string_view target,
                             std::array<char, kMaxStoreCodeLength + 14>& buffer) noexcept {
  using namespace lanes;
  std::size_t start = 0;
  if (target.starts_with("/stores/")) {
    start = 8;
  } else if (target.starts_with("/store/")) {
    start = 7;
  } else {
    return {};
  }
  // The leading run of code characters, lower-cased 16 bytes at a time: straight from the target
  // while sixteen of its bytes are left, then from a padded copy of the last few. A longer run
  // than a code can have is not looked at further. Past the target, '/': not a code character.
  constexpr std::size_t kScan = 64;
  static_assert(kScan > kMaxStoreCodeLength && kScan <= sizeof buffer + kWidth);
  const std::string_view rest = target.substr(start);
  std::size_t run = kScan;
  for (std::size_t offset = 0; offset < kScan; offset += kWidth) {
    Lanes bytes;
    if (offset + kWidth <= rest.size()) {
      bytes = load(rest.data() + offset);
    } else {
      const std::size_t left = offset < rest.size() ? rest.size() - offset : 0;
      const Padded<kWidth> tail(rest.data() + offset, left, '/');
      bytes = load(tail.bytes);
    }
    const Lanes lower = to_lower(bytes);
    if (offset < buffer.size()) {
      store(buffer.data() + offset, lower);
    }
    const Lanes code_char = between(lower, 'a', 'z') | between(lower, '0', '9') | (lower == '-');
    if (const std::size_t other = first(~code_char); other < kWidth) {
      run = offset + other;
      break;
    }
  }
  // The segment ends where the run does only if a '/', the query or the end follows.
  if (run > kMaxStoreCodeLength || (run < rest.size() && rest[run] != '/' && rest[run] != '?')) {
    return {rest.substr(0, run), {}};  // not a code (or not all of the segment)
  }
  const std::string_view code(buffer.data(), run);
  if (run < kMinStoreCodeLength || code.front() == '-' || code.back() == '-') {
    return {rest.substr(0, run), {}};
  }
  return {rest.substr(0, run), code};
}

// Completes guess_store_code's answer once its hint is given: a reserved code is no store's.
void unguess_reserved(GuessedCode& guess) noexcept {
  if (!guess.code.empty() && is_reserved_store_code(guess.code)) {
    guess.code = {};
  }
}

// The key a request most likely asks for, read from the raw request before anything is checked:
// a Host header is nearly always already lower-case and plain, so the key the checked request
// asks for is usually these very bytes, and the directory can start fetching them while the host
// is normalised and the target checked. Only ever a hint (StoreDirectory::prefetch_*): the
// question is asked with the checked key, and a wrong guess costs one wasted fetch.
struct RawHint {
  Lookup::By by = Lookup::By::nothing;
  std::string_view key;
  GuessedCode guess;  // the target's code, when the raw host is the platform domain
  // The raw Host header is the platform domain itself, byte for byte and without a port: what
  // normalising it and asking role_of() would find.
  bool platform_host = false;
};

RawHint hint_raw(const Platform& platform, std::string_view host, std::string_view target,
                 std::array<char, kMaxStoreCodeLength + 14>& code_buffer,
                 const StoreDirectory& directory) noexcept {
  RawHint hint;
  // Without a port: the bytes after the last colon, when they are digits, are one.
  std::size_t end = host.size();
  while (end > 0 && text::is_digit(host[end - 1])) {
    --end;
  }
  const bool has_port = end > 0 && end < host.size() && host[end - 1] == ':';
  if (has_port) {
    host = host.substr(0, end - 1);
  }
  const std::string_view domain = platform.domain();
  if (host.size() == domain.size() && text::same(host, domain)) {
    hint.platform_host = !has_port;
    hint.guess = guess_store_code(target, code_buffer);
    if (!hint.guess.code.empty()) {
      directory.prefetch_by_code(hint.guess.code);
      unguess_reserved(hint.guess);
      if (!hint.guess.code.empty()) {
        hint.by = Lookup::By::code;
        hint.key = hint.guess.code;
      }
    }
    return hint;
  }
  if (host.size() > domain.size() + 1 && host[host.size() - domain.size() - 1] == '.' &&
      text::same(host.substr(host.size() - domain.size()), domain)) {
    const std::string_view label = host.substr(0, host.size() - domain.size() - 1);
    // Not "www" or "admin" (the platform's own hosts); another reserved label costs one wasted
    // fetch, which is cheaper than looking it up here.
    if (label.size() >= kMinStoreCodeLength && label.size() <= kMaxStoreCodeLength &&
        label != "www" && label != "admin" && label.find('.') == std::string_view::npos) {
      hint.by = Lookup::By::code;
      hint.key = label;
      directory.prefetch_by_code(hint.key);
    }
    return hint;
  }
  if (!host.empty()) {
    hint.by = Lookup::By::domain;
    hint.key = host;
    directory.prefetch_by_domain(hint.key);
  }
  return hint;
}

// Whether `hint` already fetched what the question (by, key) reads.
bool hinted(const RawHint& hint, Lookup::By by, std::string_view key) noexcept {
  return hint.by == by && text::same(hint.key, key);
}

enum class Plain : std::uint8_t { no, resolved, refused };

// Fills `r` as resolve() would and says so, or leaves it untouched and says `no`. On `refused`,
// `message` is the wrong_store message. Asks `directory` at most one question, as resolve() does.
Plain resolve_plain(const Platform& platform, const RequestHead& request,
                    const StoreDirectory& directory, Resolution& r, const char*& message) {
  const std::string_view target = request.target;
  if (request.host_fields > 1 || target.empty() || target.front() != '/') {
    return Plain::no;
  }
  std::array<char, kMaxStoreCodeLength + 14> code_buffer;  // a path-based key
  const RawHint hint = hint_raw(platform, request.host, target, code_buffer, directory);
  PlainHostName host;
  std::string_view name = platform.domain();
  std::string_view label;
  HostRole role = HostRole::platform;
  if (!hint.platform_host) {
    if (!normalize_plain_authority(request.host, host)) {
      return Plain::no;
    }
    name = host.view();
    role = platform.role_of(name, HostKind::name, label);
  }
  Lookup::By by = Lookup::By::nothing;
  DetectionMode mode = DetectionMode::none;
  std::string_view key;
  GuessedCode guess;
  switch (role) {
    case HostRole::store:
      if (label.empty()) {
        by = Lookup::By::domain;
        mode = DetectionMode::custom_domain;
        key = name;
        if (!hinted(hint, by, key)) {
          directory.prefetch_by_domain(key);
        }
      } else {
        // No is_code_label(label) here: it holds for every label of a plain name, which is
        // lower-case letters, digits, hyphens and dots with no label starting or ending with a
        // hyphen, once role_of() has checked the label's length and the reserved list (the
        // FastPathTest suite holds the two paths to the same answers).
        by = Lookup::By::code;
        mode = DetectionMode::subdomain;
        key = label;
        if (!hinted(hint, by, key)) {
          directory.prefetch_by_code(key);
        }
      }
      break;
    case HostRole::platform:
      // The code read from the raw target, before the target is checked: only the hint relies on
      // it until split_store_path confirms it below. hint_raw read it already when the raw host
      // was the platform domain as it stands.
      if (hint.guess.segment.data() != nullptr) {
        guess = hint.guess;
      } else {
        guess = guess_store_code(target, code_buffer);
        if (!guess.code.empty()) {
          directory.prefetch_by_code(guess.code);
          unguess_reserved(guess);
        }
      }
      key = guess.code;
      break;
    case HostRole::admin:
    case HostRole::unknown:
      break;
  }
  TargetView view;
  if (!view_plain_target(target, view)) {
    return Plain::no;
  }
  const std::string_view path = view.path;
  const StorePath split = split_store_path(path);
  if (role == HostRole::platform && split.form != PathForm::plain) {
    // The guess read the segment the checked path holds, unless the target was unusual.
    if (split.code.data() != guess.segment.data() || split.code.size() != guess.segment.size()) {
      key = plain_store_code(split.code, code_buffer);
    }
    if (!key.empty()) {
      by = Lookup::By::code;
      mode = DetectionMode::path_based;
    }
  }

  // Everything the store does not decide, while the directory's memory is on its way.
  r.role = role;
  r.host.assign(name);
  r.query.assign(view.query);
  switch (role) {
    case HostRole::admin:
      r.context = ContextType::admin;
      r.clean_path.assign(path);
      return Plain::resolved;
    case HostRole::unknown:
      r.context = ContextType::shop;  // no store: the handlers answer "store not found"
      r.clean_path.assign(path);
      return Plain::resolved;
    case HostRole::platform:
      if (split.form == PathForm::plain) {
        r.context = context_of_platform_path(path);
        r.clean_path.assign(path);
        return Plain::resolved;
      }
      r.context = split.form == PathForm::shop ? ContextType::shop : ContextType::store_dashboard;
      r.clean_path.assign(split.clean_path);
      if (by == Lookup::By::code) {
        // The store found has exactly this code (checked() sees to it).
        const std::string_view prefix = split.form == PathForm::shop ? "/stores/" : "/store/";
        r.base_path.assign(prefix).append(key);
        if (StorePtr found = checked(directory.find_active_by_code(key), by, key)) {
          r.store = std::move(found);
          r.mode = DetectionMode::path_based;
        } else {
          r.base_path.clear();
        }
      }
      return Plain::resolved;
    case HostRole::store:
      break;
  }
  // A store host. A path naming a store or its files needs the store's code to be checked: the
  // general completion does that once the store is known.
  const bool simple = split.form == PathForm::plain && !path_is_under(path, "/static/stores");
  if (simple) {
    r.clean_path.assign(path);
  }
  StorePtr found = by == Lookup::By::code ? directory.find_active_by_code(key)
                                          : directory.find_active_by_domain(key);
  found = checked(std::move(found), by, key);
  if (!simple) {
    message = complete(role, mode, std::move(found), WholePath{path, nullptr}, r);
    return message != nullptr ? Plain::refused : Plain::resolved;
  }
  if (!found) {
    r.context = ContextType::shop;
    return Plain::resolved;
  }
  if (path_is_under(path, "/admin")) {
    message = "the admin interface is served on the platform host only";
    return Plain::refused;
  }
  r.context = path_is_under(path, "/api") ? ContextType::api : ContextType::shop;
  r.store = std::move(found);
  r.mode = mode;
  return Plain::resolved;
}

}  // namespace

Result<Classification> classify(const Platform& platform, const RequestHead& request) {
  Parsed p;
  if (auto parsed = parse_request(platform, request, p); !parsed) {
    return parsed.error();
  }
  Result<Classification> out{boost::system::in_place_value};
  Classification& c = *out;
  c.role = p.role;
  c.mode = p.mode;
  c.lookup.by = p.by;
  if (!p.code.empty()) {
    c.lookup.key = std::move(p.code);
  } else {
    c.lookup.key.assign(p.key);  // before the host moves: the key may view into it
  }
  c.host = std::move(p.host);
  if (!p.rewritten.path.empty()) {
    c.target = std::move(p.rewritten);
  } else {
    c.target.path.assign(p.path);
    c.target.query.assign(p.query);
  }
  return out;
}

StorePtr answer(const StoreDirectory& directory, const Lookup& lookup) {
  return ask(directory, lookup.by, lookup.key);
}

Result<Resolution> finish(Classification c, StorePtr found) {
  Result<Resolution> out{boost::system::in_place_value};
  Resolution& r = *out;
  found = checked(std::move(found), c.lookup.by, c.lookup.key);
  r.role = c.role;
  r.host = c.host.name;
  r.query = std::move(c.target.query);
  if (const char* refused =
          complete(c.role, c.mode, std::move(found), WholePath{c.target.path, &c.target.path}, r)) {
    out = wrong_store(refused);
  }
  return out;
}

Result<Resolution> resolve(const Platform& platform, const RequestHead& request,
                           const StoreDirectory& directory) {
  // classify(), the lookup and finish() on the same Parsed, without copying the host, the path,
  // the query or the key into a Classification on the way, and with one Resolution built in
  // place (every return returns `out`).
  Result<Resolution> out{boost::system::in_place_value};
  const char* message = nullptr;
  switch (resolve_plain(platform, request, directory, *out, message)) {
    case Plain::resolved:
      return out;
    case Plain::refused:
      out = wrong_store(message);
      return out;
    case Plain::no:
      break;
  }
  Parsed p;
  if (auto parsed = parse_request(platform, request, p); !parsed) {
    out = std::move(parsed).error();
    return out;
  }
  StorePtr found = checked(ask(directory, p.by, p.key), p.by, p.key);
  Resolution& r = *out;
  r.role = p.role;
  r.host = p.host.name;
  r.query.assign(p.query);
  const WholePath whole{p.path, p.rewritten.path.empty() ? nullptr : &p.rewritten.path};
  if (const char* refused = complete(p.role, p.mode, std::move(found), whole, r)) {
    out = wrong_store(refused);
  }
  return out;
}

}  // namespace orion::core

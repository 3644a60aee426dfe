#include "core/detection.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store.hpp"
#include "fixtures.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::core {
namespace {

using test::errc_of;

// Records every question asked of the directory it wraps.
class CountingDirectory final : public StoreDirectory {
 public:
  explicit CountingDirectory(const StoreDirectory& inner) : inner_(inner) {}

  [[nodiscard]] StorePtr find_active_by_domain(std::string_view domain) const override {
    calls_.push_back({Lookup::By::domain, std::string(domain)});
    return inner_.find_active_by_domain(domain);
  }
  [[nodiscard]] StorePtr find_active_by_code(std::string_view code) const override {
    calls_.push_back({Lookup::By::code, std::string(code)});
    return inner_.find_active_by_code(code);
  }

  [[nodiscard]] const std::vector<Lookup>& calls() const { return calls_; }

 private:
  const StoreDirectory& inner_;
  mutable std::vector<Lookup> calls_;
};

// Breaks the StoreDirectory contract: answers every question with the same store, whatever was
// asked and whether or not that store is active.
class LyingDirectory final : public StoreDirectory {
 public:
  explicit LyingDirectory(StorePtr answer) : answer_(std::move(answer)) {}

  [[nodiscard]] StorePtr find_active_by_domain(std::string_view /*domain*/) const override {
    return answer_;
  }
  [[nodiscard]] StorePtr find_active_by_code(std::string_view /*code*/) const override {
    return answer_;
  }

 private:
  StorePtr answer_;
};

StorePtr make_store(std::int64_t id, std::string code, bool is_active = true) {
  return std::make_shared<const Store>(Store{id, std::move(code), "A store", is_active, {}});
}

Platform platform_of(std::string_view domain) {
  auto p = Platform::make(domain);
  EXPECT_TRUE(p) << domain;
  return p ? *p : Platform{};
}

// The whole answer, field by field, for comparisons and failure messages.
std::string dump(const Result<Resolution>& r) {
  if (!r) {
    return "error " + std::string(to_string(r.error().code));
  }
  std::string out = "store=";
  out += r->store ? r->store->code + "#" + std::to_string(r->store->id) : "null";
  out += " mode=" + std::string(to_string(r->mode));
  out += " context=" + std::string(to_string(r->context));
  out += " role=" + std::string(to_string(r->role));
  out += " host=" + r->host.str();
  out += " clean_path=" + r->clean_path;
  out += " query=" + r->query;
  out += " base_path=" + r->base_path.str();
  return out;
}

class DetectionTest : public ::testing::Test {
 protected:
  DetectionTest() { test::add_seed_stores(dir_); }

  [[nodiscard]] Result<Resolution> get(std::string_view host, std::string_view target,
                                       std::size_t host_fields = 1) const {
    return resolve(platform_, RequestHead{target, host, host_fields}, dir_);
  }

  // Asserts a resolved store: its code, the mode, the context, the clean path.
  static void expect_store(const Result<Resolution>& r, std::string_view code, DetectionMode mode,
                           ContextType context, std::string_view clean_path) {
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->store) << dump(r);
    EXPECT_EQ(r->store->code, code) << dump(r);
    EXPECT_TRUE(r->store->is_active);
    EXPECT_EQ(r->mode, mode) << dump(r);
    EXPECT_EQ(r->context, context) << dump(r);
    EXPECT_EQ(r->clean_path, clean_path) << dump(r);
  }

  // Asserts that no store owns the request, and that nothing says it was detected.
  static void expect_no_store(const Result<Resolution>& r, ContextType context,
                              std::string_view clean_path) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->store) << dump(r);
    EXPECT_EQ(r->mode, DetectionMode::none) << dump(r);
    EXPECT_EQ(r->context, context) << dump(r);
    EXPECT_EQ(r->clean_path, clean_path) << dump(r);
    EXPECT_EQ(r->base_path.view(), "") << dump(r);
  }

  testing::MemoryStoreDirectory dir_;
  Platform platform_ = platform_of("platform.com");
};

// ---- names ----------------------------------------------------------------------------------

TEST(DetectionNames, AreStable) {
  EXPECT_EQ(to_string(DetectionMode::none), "none");
  EXPECT_EQ(to_string(DetectionMode::custom_domain), "custom_domain");
  EXPECT_EQ(to_string(DetectionMode::subdomain), "subdomain");
  EXPECT_EQ(to_string(DetectionMode::path_based), "path_based");
  EXPECT_EQ(to_string(ContextType::admin), "ADMIN");
  EXPECT_EQ(to_string(ContextType::store_dashboard), "STORE_DASHBOARD");
  EXPECT_EQ(to_string(ContextType::shop), "SHOP");
  EXPECT_EQ(to_string(ContextType::api), "API");
  EXPECT_EQ(to_string(ContextType::platform), "PLATFORM");
  EXPECT_EQ(to_string(HostRole::platform), "platform");
  EXPECT_EQ(to_string(HostRole::admin), "admin");
  EXPECT_EQ(to_string(HostRole::store), "store");
  EXPECT_EQ(to_string(HostRole::unknown), "unknown");
}

// ---- Platform -------------------------------------------------------------------------------

TEST(PlatformMake, NormalisesTheDomain) {
  EXPECT_EQ(platform_of("platform.com").domain(), "platform.com");
  EXPECT_EQ(platform_of("Platform.COM.").domain(), "platform.com");
  EXPECT_EQ(platform_of("localhost").domain(), "localhost");
  EXPECT_EQ(platform_of("bücher.de").domain(), "xn--bcher-kva.de");
}

TEST(PlatformMake, RejectsUnusableDomains) {
  for (const std::string_view d : {"", "1.2.3.4", "[::1]", "::1", "platform.com:8080",
                                   "plat form.com", "a..com", "http://platform.com"}) {
    EXPECT_EQ(errc_of(Platform::make(d)), Errc::invalid_platform_domain) << "\"" << d << "\"";
  }
}

TEST(PlatformRoleOf, TellsHostsApart) {
  const Platform p = platform_of("platform.com");
  EXPECT_EQ(p.role_of("platform.com", HostKind::name), HostRole::platform);
  EXPECT_EQ(p.role_of("www.platform.com", HostKind::name), HostRole::platform);
  EXPECT_EQ(p.role_of("admin.platform.com", HostKind::name), HostRole::admin);
  EXPECT_EQ(p.role_of("orion.platform.com", HostKind::name), HostRole::store);
  EXPECT_EQ(p.role_of("orion.lu", HostKind::name), HostRole::store);
  EXPECT_EQ(p.role_of("notplatform.com", HostKind::name), HostRole::store);
  EXPECT_EQ(p.role_of("a.orion.platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of("www.orion.platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of("api.platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of("ab.platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of(std::string(51, 'a') + ".platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of(std::string(50, 'a') + ".platform.com", HostKind::name), HostRole::store);
  EXPECT_EQ(p.role_of("xn--bcher-kva.platform.com", HostKind::name), HostRole::unknown);
  EXPECT_EQ(p.role_of("1.2.3.4", HostKind::ipv4), HostRole::unknown);
  EXPECT_EQ(p.role_of("[::1]", HostKind::ipv6), HostRole::unknown);
}

TEST(PlatformSubdomainLabel, IsOneLabelDirectlyUnderThePlatform) {
  const Platform p = platform_of("platform.com");
  EXPECT_EQ(p.subdomain_label("orion.platform.com"), "orion");
  EXPECT_EQ(p.subdomain_label("a.orion.platform.com"), "");
  EXPECT_EQ(p.subdomain_label("platform.com"), "");
  EXPECT_EQ(p.subdomain_label("orion.lu"), "");
  EXPECT_EQ(p.subdomain_label("orionplatform.com"), "");
  EXPECT_EQ(p.subdomain_label(".platform.com"), "");
}

// ---- rule 1: the host -----------------------------------------------------------------------

TEST_F(DetectionTest, MissingHostIsAnError) {
  EXPECT_EQ(errc_of(get("", "/shop/products")), Errc::missing_host);
  EXPECT_EQ(errc_of(get("", "/shop/products", 0)), Errc::missing_host);
  EXPECT_EQ(errc_of(get("", "/stores/orion/shop/")), Errc::missing_host);
}

TEST_F(DetectionTest, MalformedHostIsAnError) {
  for (const std::string_view h :
       {"plat form.com", "platform..com", "user@platform.com", "platform.com:99999",
        "platform.com:http", "::1", "[::1", "[fe80::1%25eth0]", "orion_shop.platform.com",
        "-orion.platform.com", "1.2.3", "platform.com.."}) {
    EXPECT_EQ(errc_of(get(h, "/")), Errc::invalid_host) << h;
  }
  EXPECT_EQ(errc_of(get(std::string(300, 'a') + ".platform.com", "/")), Errc::host_too_long);
}

TEST_F(DetectionTest, MoreThanOneHostFieldIsAnError) {
  EXPECT_EQ(errc_of(get("platform.com", "/", 2)), Errc::invalid_host);
  EXPECT_EQ(errc_of(get("orion.platform.com", "/shop/", 3)), Errc::invalid_host);
  // Even when the target carries its own authority, which would otherwise win.
  EXPECT_EQ(errc_of(get("orion.lu", "http://orion.lu/shop/", 2)), Errc::invalid_host);
}

TEST_F(DetectionTest, NormalisesTheHostBeforeMatching) {
  expect_store(get("ORION.Platform.COM:8080", "/shop/"), "orion", DetectionMode::subdomain,
               ContextType::shop, "/shop/");
  expect_store(get("orion.platform.com.", "/shop/"), "orion", DetectionMode::subdomain,
               ContextType::shop, "/shop/");
  expect_store(get("ORION.LU:443", "/shop/"), "orion", DetectionMode::custom_domain,
               ContextType::shop, "/shop/");
  expect_store(get("mytechstore.net.", "/shop/"), "techstore", DetectionMode::custom_domain,
               ContextType::shop, "/shop/");
  auto r = get("Platform.Com.:8080", "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host.view(), "platform.com");
  EXPECT_EQ(r->role, HostRole::platform);
  auto s = get("ORION.LU:443", "/");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->host.view(), "orion.lu");
}

TEST_F(DetectionTest, MatchesAnInternationalisedCustomDomainByItsPunycode) {
  dir_.add_domain("xn--bcher-kva.de", "fashionhub");
  for (const std::string_view h :
       {"bücher.de", "BÜCHER.DE", "b%C3%BCcher.de", "xn--bcher-kva.de", "bücher.de.:8443"}) {
    expect_store(get(h, "/shop/"), "fashionhub", DetectionMode::custom_domain, ContextType::shop,
                 "/shop/");
  }
}

TEST_F(DetectionTest, MalformedTargetIsAnError) {
  EXPECT_EQ(errc_of(get("platform.com", "")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "*")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "shop/products")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "/shop#top")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "/shop/%zz")), Errc::invalid_path);
  EXPECT_EQ(errc_of(get("orion.platform.com", "/shop/a b")), Errc::invalid_path);
}

// ---- rule 2: the platform host and the admin host -------------------------------------------

TEST_F(DetectionTest, PlatformHostAllowsPathBasedMode) {
  for (const std::string_view h : {"platform.com", "www.platform.com", "WWW.PLATFORM.COM:8080"}) {
    auto r = get(h, "/stores/orion/shop/products");
    expect_store(r, "orion", DetectionMode::path_based, ContextType::shop, "/shop/products");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::platform);
  }
}

TEST_F(DetectionTest, PlatformHostAloneHasNoStore) {
  for (const std::string_view h : {"platform.com", "www.platform.com"}) {
    auto r = get(h, "/");
    expect_no_store(r, ContextType::platform, "/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::platform);
  }
}

TEST_F(DetectionTest, ContextOnThePlatformHostFollowsThePath) {
  struct Case {
    std::string_view target;
    ContextType context;
  };
  for (const Case& c : std::vector<Case>{
           {"/", ContextType::platform},
           {"/admin", ContextType::admin},
           {"/admin/", ContextType::admin},
           {"/admin/login", ContextType::admin},
           {"/admin/stores/orion", ContextType::admin},
           {"/api", ContextType::api},
           {"/api/v1/admin/stores", ContextType::api},
           {"/api/v1/stores/orion/products", ContextType::api},
           {"/shop", ContextType::shop},
           {"/shop/products", ContextType::shop},
           {"/healthz", ContextType::platform},
           {"/metrics", ContextType::platform},
           {"/administrator", ContextType::platform},
           {"/apis", ContextType::platform},
           {"/shopping", ContextType::platform},
           {"/ADMIN", ContextType::platform},
           {"/static/stores/orion/logo.png", ContextType::platform},
           {"/storesx/orion/shop/", ContextType::platform},
       }) {
    auto r = get("platform.com", c.target);
    ASSERT_TRUE(r) << c.target;
    EXPECT_EQ(r->context, c.context) << c.target;
    EXPECT_FALSE(r->store) << c.target;
    EXPECT_EQ(r->clean_path, c.target) << c.target;
  }
}

TEST_F(DetectionTest, PlatformHostServesAnyStoresFiles) {
  auto r = get("platform.com", "/static/stores/techstore/logo.png");
  expect_no_store(r, ContextType::platform, "/static/stores/techstore/logo.png");
}

TEST_F(DetectionTest, AdminHostIsAdminContextAndNeverAStore) {
  for (const std::string_view target :
       {"/", "/admin/login", "/stores/orion/shop/products", "/stores/ORION/shop/",
        "/store/orion/dashboard", "/shop/products", "/api/v1/admin/stores"}) {
    auto r = get("admin.platform.com", target);
    ASSERT_TRUE(r) << target;
    EXPECT_FALSE(r->store) << dump(r);
    EXPECT_EQ(r->context, ContextType::admin) << target;
    EXPECT_EQ(r->role, HostRole::admin) << target;
    EXPECT_EQ(r->mode, DetectionMode::none) << target;
    EXPECT_EQ(r->clean_path, target) << target;
    EXPECT_EQ(r->base_path.view(), "") << target;
  }
  auto upper = get("ADMIN.Platform.Com:443", "/");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->context, ContextType::admin);
}

TEST_F(DetectionTest, AdminHostAsksTheDirectoryNothing) {
  auto c = classify(platform_, {"/stores/orion/shop/products", "admin.platform.com"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->role, HostRole::admin);
  EXPECT_EQ(c->lookup, Lookup{});
  // Even a store named like the admin host's label could not be reached through it.
  dir_.add_store(99, "admin", "Not The Admin");
  auto r = get("admin.platform.com", "/");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->store);
}

// ---- rule 3: custom domains -----------------------------------------------------------------

TEST_F(DetectionTest, VerifiedDomainOfAnActiveStoreIsThatStore) {
  auto r = get("orion.lu", "/shop/products");
  expect_store(r, "orion", DetectionMode::custom_domain, ContextType::shop, "/shop/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->store->id, test::kOrionId);
  EXPECT_EQ(r->store->name(), "Orion Shop");
  EXPECT_EQ(r->role, HostRole::store);
  EXPECT_EQ(r->base_path.view(), "");
  expect_store(get("mytechstore.net", "/shop/"), "techstore", DetectionMode::custom_domain,
               ContextType::shop, "/shop/");
}

TEST_F(DetectionTest, UnverifiedDomainNeverRoutes) {
  auto r = get("fashionhub.example", "/shop/products");
  expect_no_store(r, ContextType::shop, "/shop/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->role, HostRole::store);
  // The store itself is active and reachable by its subdomain.
  expect_store(get("fashionhub.platform.com", "/shop/"), "fashionhub", DetectionMode::subdomain,
               ContextType::shop, "/shop/");
}

TEST_F(DetectionTest, DomainOfAnInactiveStoreNeverRoutes) {
  expect_no_store(get("closedshop.example", "/shop/products"), ContextType::shop, "/shop/products");
}

TEST_F(DetectionTest, UnknownDomainHasNoStore) {
  for (const std::string_view h : {"nobody.example", "www.orion.lu", "orion.lu.example",
                                   "shop.mytechstore.net", "localhost", "notplatform.com"}) {
    expect_no_store(get(h, "/shop/products"), ContextType::shop, "/shop/products");
  }
}

TEST_F(DetectionTest, RemovedDomainStopsRouting) {
  expect_store(get("orion.lu", "/shop/"), "orion", DetectionMode::custom_domain, ContextType::shop,
               "/shop/");
  dir_.add_domain("orion.lu", "orion", /*is_verified=*/false);
  expect_no_store(get("orion.lu", "/shop/"), ContextType::shop, "/shop/");
}

// ---- rule 4: subdomains ---------------------------------------------------------------------

TEST_F(DetectionTest, SubdomainOfAnActiveStoreIsThatStore) {
  auto r = get("orion.platform.com", "/shop/products");
  expect_store(r, "orion", DetectionMode::subdomain, ContextType::shop, "/shop/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->role, HostRole::store);
  EXPECT_EQ(r->base_path.view(), "");
  expect_store(get("techstore.platform.com", "/shop/"), "techstore", DetectionMode::subdomain,
               ContextType::shop, "/shop/");
  expect_store(get("TechStore.Platform.COM:8080", "/"), "techstore", DetectionMode::subdomain,
               ContextType::shop, "/");
}

TEST_F(DetectionTest, SubdomainOfAnUnknownOrInactiveStoreHasNoStore) {
  for (const std::string_view h : {"nosuchstore.platform.com", "closedshop.platform.com"}) {
    auto r = get(h, "/shop/products");
    expect_no_store(r, ContextType::shop, "/shop/products");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::store);
  }
}

TEST_F(DetectionTest, NestedSubdomainsHaveNoStore) {
  for (const std::string_view h :
       {"a.orion.platform.com", "orion.orion.platform.com", "shop.techstore.platform.com",
        "www.orion.platform.com", "orion.www.platform.com", "orion.admin.platform.com"}) {
    auto r = get(h, "/shop/products");
    expect_no_store(r, ContextType::shop, "/shop/products");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::unknown) << h;
  }
}

TEST_F(DetectionTest, ReservedSubdomainsHaveNoStore) {
  // Stores the directory would return, were it asked: the reserved label must stop it first.
  for (const std::string_view code : {"api", "static", "shop", "store", "stores", "platform",
                                      "mail", "assets", "cdn", "status", "xn--abc"}) {
    dir_.add_store(100, std::string(code), "Squatter");
    const std::string host = std::string(code) + ".platform.com";
    auto r = get(host, "/shop/products");
    expect_no_store(r, ContextType::shop, "/shop/products");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::unknown) << host;
  }
}

TEST_F(DetectionTest, SubdomainsThatCannotBeCodesHaveNoStore) {
  dir_.add_store(101, "ab", "Too Short");
  dir_.add_store(102, std::string(51, 'a'), "Too Long");
  for (const std::string& h :
       {std::string("ab.platform.com"), std::string(51, 'a') + ".platform.com"}) {
    auto r = get(h, "/shop/");
    expect_no_store(r, ContextType::shop, "/shop/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::unknown) << h;
  }
}

TEST_F(DetectionTest, LocalhostAsThePlatformDomain) {
  const Platform local = platform_of("localhost");
  auto at = [&](std::string_view host, std::string_view target) {
    return resolve(local, {target, host}, dir_);
  };
  expect_store(at("techstore.localhost:8080", "/shop/products"), "techstore",
               DetectionMode::subdomain, ContextType::shop, "/shop/products");
  expect_store(at("localhost:8080", "/stores/orion/shop/"), "orion", DetectionMode::path_based,
               ContextType::shop, "/shop/");
  expect_store(at("orion.lu", "/shop/"), "orion", DetectionMode::custom_domain, ContextType::shop,
               "/shop/");
  auto platform = at("localhost", "/");
  ASSERT_TRUE(platform);
  EXPECT_EQ(platform->role, HostRole::platform);
  EXPECT_EQ(platform->context, ContextType::platform);
  auto www = at("www.localhost", "/");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->role, HostRole::platform);
  auto admin = at("admin.localhost:8080", "/stores/orion/shop/");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->context, ContextType::admin);
  EXPECT_FALSE(admin->store);
  auto nested = at("a.techstore.localhost", "/shop/");
  ASSERT_TRUE(nested);
  EXPECT_FALSE(nested->store);
  // "platform.com" is an ordinary custom-domain candidate under this platform.
  auto other = at("orion.platform.com", "/shop/");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->store);
}

// ---- rule 5: path-based ---------------------------------------------------------------------

TEST_F(DetectionTest, StorefrontPathOnThePlatformHost) {
  auto r = get("platform.com", "/stores/orion/shop/products");
  expect_store(r, "orion", DetectionMode::path_based, ContextType::shop, "/shop/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->base_path.view(), "/stores/orion");
  expect_store(get("platform.com", "/stores/techstore/shop/"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop/");
  expect_store(get("platform.com", "/stores/techstore/shop"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop");
  expect_store(get("platform.com", "/stores/fashionhub/shop/products/7?x=1"), "fashionhub",
               DetectionMode::path_based, ContextType::shop, "/shop/products/7");
  expect_store(get("platform.com", "/stores/orion"), "orion", DetectionMode::path_based,
               ContextType::shop, "/");
}

TEST_F(DetectionTest, DashboardPathOnThePlatformHost) {
  auto r = get("platform.com", "/store/orion/dashboard");
  expect_store(r, "orion", DetectionMode::path_based, ContextType::store_dashboard, "/dashboard");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->base_path.view(), "/store/orion");
  expect_store(get("platform.com", "/store/techstore/products/42/edit"), "techstore",
               DetectionMode::path_based, ContextType::store_dashboard, "/products/42/edit");
  expect_store(get("platform.com", "/store/orion"), "orion", DetectionMode::path_based,
               ContextType::store_dashboard, "/");
  expect_store(get("platform.com", "/store/orion/login"), "orion", DetectionMode::path_based,
               ContextType::store_dashboard, "/login");
}

TEST_F(DetectionTest, PathCodesAreCaseInsensitive) {
  for (const std::string_view t : {"/stores/ORION/shop/products", "/stores/Orion/shop/products",
                                   "/stores/%4F%52ION/shop/products"}) {
    auto r = get("platform.com", t);
    expect_store(r, "orion", DetectionMode::path_based, ContextType::shop, "/shop/products");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->base_path.view(), "/stores/orion") << t;  // links use the canonical code
  }
  auto d = get("platform.com", "/store/TechStore/dashboard");
  expect_store(d, "techstore", DetectionMode::path_based, ContextType::store_dashboard,
               "/dashboard");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->base_path.view(), "/store/techstore");
}

TEST_F(DetectionTest, PathNamingNoActiveStoreHasNoStore) {
  for (const std::string_view t :
       {"/stores/nosuchstore/shop/products", "/stores/closedshop/shop/products"}) {
    expect_no_store(get("platform.com", t), ContextType::shop, "/shop/products");
  }
  expect_no_store(get("platform.com", "/store/closedshop/dashboard"), ContextType::store_dashboard,
                  "/dashboard");
}

TEST_F(DetectionTest, PathNamingAnImpossibleCodeHasNoStoreAndNoLookup) {
  dir_.add_store(103, "admin", "Squatter");
  dir_.add_store(104, "ab", "Too Short");
  for (const std::string_view t : {"/stores/admin/shop/", "/stores/ab/shop/",
                                   "/stores/xn--abc/shop/", "/stores/-orion/shop/"}) {
    expect_no_store(get("platform.com", t), ContextType::shop, "/shop/");
    auto c = classify(platform_, {t, "platform.com"});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->lookup, Lookup{}) << t;
  }
  expect_no_store(get("platform.com", "/stores"), ContextType::shop, "/");
  expect_no_store(get("platform.com", "/stores/"), ContextType::shop, "/");
  expect_no_store(get("platform.com", "/store"), ContextType::store_dashboard, "/");
}

TEST_F(DetectionTest, PathBasedModeOnlyOnThePlatformHost) {
  for (const std::string_view h : {"127.0.0.1", "127.0.0.1:8080", "[::1]:8080", "api.platform.com",
                                   "a.b.platform.com", "nobody.example", "nosuchstore.platform.com",
                                   "closedshop.platform.com", "fashionhub.example"}) {
    auto r = get(h, "/stores/orion/shop/products");
    ASSERT_TRUE(r) << h << ": " << r.error().message;
    EXPECT_FALSE(r->store) << h << ": " << dump(r);
    EXPECT_EQ(r->mode, DetectionMode::none) << h;
    EXPECT_EQ(r->base_path.view(), "") << h;
  }
}

TEST_F(DetectionTest, IpHostsHaveNoStore) {
  for (const std::string_view h : {"127.0.0.1", "10.0.0.1:8080", "[::1]", "[0:0::1]:80"}) {
    auto r = get(h, "/shop/");
    expect_no_store(r, ContextType::shop, "/shop/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, HostRole::unknown) << h;
  }
  auto v6 = get("[0:0::1]:80", "/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host.view(), "[::1]");
}

TEST_F(DetectionTest, KeepsTheQuery) {
  auto r = get("platform.com", "/stores/orion/shop/products?page=2&q=a%20b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->query, "page=2&q=a%20b");
  EXPECT_EQ(r->clean_path, "/shop/products");
  auto s = get("orion.lu", "/shop/?x");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->query, "x");
}

// ---- dot segments and encodings -------------------------------------------------------------

TEST_F(DetectionTest, TheNormalisedPathNamesTheStore) {
  expect_store(get("platform.com", "/stores/orion/shop/../../techstore/shop/"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop/");
  expect_store(get("platform.com", "/stores/orion/shop/%2e%2e/%2E%2E/techstore/shop/"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop/");
  expect_store(get("platform.com", "/stores/orion/../techstore/shop/x"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop/x");
  expect_store(get("platform.com", "//stores//orion//shop//products"), "orion",
               DetectionMode::path_based, ContextType::shop, "/shop/products");
  expect_store(get("platform.com", "/x/../stores/./orion/shop/"), "orion",
               DetectionMode::path_based, ContextType::shop, "/shop/");
  expect_store(get("platform.com", "/../../stores/orion/shop/"), "orion", DetectionMode::path_based,
               ContextType::shop, "/shop/");
}

TEST_F(DetectionTest, EncodedSlashesInAStorePathAreAnError) {
  for (const std::string_view h : {"platform.com", "orion.platform.com", "orion.lu"}) {
    EXPECT_EQ(errc_of(get(h, "/stores/orion%2F..%2Ftechstore/shop")), Errc::invalid_path) << h;
    EXPECT_EQ(errc_of(get(h, "/stores/orion%2f..%2ftechstore/shop/")), Errc::invalid_path) << h;
    EXPECT_EQ(errc_of(get(h, "/store/orion%5C..%5Ctechstore/")), Errc::invalid_path) << h;
  }
}

// ---- rule 6: fail closed --------------------------------------------------------------------

class StoreHostTest : public DetectionTest,
                      public ::testing::WithParamInterface<std::string_view> {};

INSTANTIATE_TEST_SUITE_P(OrionHosts, StoreHostTest,
                         ::testing::Values("orion.platform.com", "orion.lu", "ORION.LU:8080"));

TEST_P(StoreHostTest, NeverServesAnotherStoresStorefront) {
  for (const std::string_view t :
       {"/stores/techstore/shop/", "/stores/techstore/shop/products", "/stores/TECHSTORE/shop",
        "/stores/nosuchstore/shop/", "/stores/closedshop/shop/", "/stores/ab/shop/",
        "/stores/admin/shop/", "/stores", "/stores/", "/stores/techstore"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, NeverServesAnotherStoresDashboard) {
  for (const std::string_view t :
       {"/store/techstore/dashboard", "/store/techstore", "/store/Fashionhub/products",
        "/store/nosuchstore/login", "/store", "/store/"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, ServesItsOwnStorePaths) {
  auto shop = get(GetParam(), "/stores/orion/shop/products");
  ASSERT_TRUE(shop) << shop.error().message;
  ASSERT_TRUE(shop->store);
  EXPECT_EQ(shop->store->code, "orion");
  EXPECT_EQ(shop->context, ContextType::shop);
  EXPECT_EQ(shop->clean_path, "/shop/products");
  EXPECT_EQ(shop->base_path.view(), "");

  auto upper = get(GetParam(), "/stores/ORION/shop/");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->clean_path, "/shop/");

  auto dash = get(GetParam(), "/store/orion/dashboard");
  ASSERT_TRUE(dash) << dash.error().message;
  ASSERT_TRUE(dash->store);
  EXPECT_EQ(dash->store->code, "orion");
  EXPECT_EQ(dash->context, ContextType::store_dashboard);
  EXPECT_EQ(dash->clean_path, "/dashboard");
  EXPECT_EQ(dash->base_path.view(), "/store/orion");

  auto root = get(GetParam(), "/store/Orion");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->clean_path, "/");
  EXPECT_EQ(root->context, ContextType::store_dashboard);
}

TEST_P(StoreHostTest, NeverServesTheAdminInterface) {
  for (const std::string_view t : {"/admin", "/admin/", "/admin/login", "/admin/stores/techstore",
                                   "/shop/../admin/login", "//admin"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
  auto lookalike = get(GetParam(), "/administrator");
  ASSERT_TRUE(lookalike);
  EXPECT_EQ(lookalike->context, ContextType::shop);
}

TEST_P(StoreHostTest, NeverServesTheAdminInterfaceBehindItsOwnPrefix) {
  // The handlers route on the clean path: "/stores/orion/admin" reaches them as "/admin".
  for (const std::string_view t : {"/stores/orion/admin", "/stores/orion/admin/login",
                                   "/store/orion/admin", "/store/ORION/admin/stores"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, NeverServesAnotherStoresFiles) {
  for (const std::string_view t :
       {"/static/stores/techstore/logo.png", "/static/stores/TECHSTORE/logo.png",
        "/static/stores/nosuchstore/logo.png", "/static/stores/ab/x", "/static/stores",
        "/static/stores/", "/static/stores/orion/../techstore/logo.png",
        "/static/stores/orion/%2e%2e/techstore/logo.png", "/static/./stores/techstore/x"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, NeverServesAnotherStoresFilesBehindItsOwnPrefix) {
  for (const std::string_view t :
       {"/stores/orion/static/stores/techstore/logo.png",
        "/store/orion/static/stores/techstore/logo.png", "/stores/orion/static/stores/"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, NeverNamesAnotherStoreBehindItsOwnPrefix) {
  for (const std::string_view t :
       {"/stores/orion/stores/techstore/shop/", "/store/orion/store/techstore/dashboard",
        "/stores/orion/store/techstore/"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
}

TEST_P(StoreHostTest, ServesItsOwnFiles) {
  for (const std::string_view t :
       {"/static/stores/orion/logo.png", "/static/stores/ORION/products/1.jpg",
        "/static/stores/orion", "/static/css/site.css", "/static/storesx/a",
        "/stores/orion/static/stores/orion/logo.png"}) {
    auto r = get(GetParam(), t);
    ASSERT_TRUE(r) << GetParam() << t << ": " << r.error().message;
    ASSERT_TRUE(r->store);
    EXPECT_EQ(r->store->code, "orion");
  }
}

TEST_P(StoreHostTest, DotSegmentsCannotReachAnotherStore) {
  for (const std::string_view t :
       {"/stores/orion/shop/../../techstore/shop/", "/shop/../stores/techstore/shop/",
        "/stores/orion/shop/%2e%2e/%2e%2e/techstore/shop/", "/store/orion/../techstore/x"}) {
    EXPECT_EQ(errc_of(get(GetParam(), t)), Errc::wrong_store) << GetParam() << t;
  }
  auto own = get(GetParam(), "/stores/techstore/../orion/shop/");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->clean_path, "/shop/");
}

TEST_P(StoreHostTest, ContextFollowsThePath) {
  struct Case {
    std::string_view target;
    ContextType context;
  };
  for (const Case& c : std::vector<Case>{{"/", ContextType::shop},
                                         {"/shop/", ContextType::shop},
                                         {"/shop/products/7", ContextType::shop},
                                         {"/api/v1/stores/orion/products", ContextType::api},
                                         {"/shop/api/products", ContextType::shop},
                                         {"/healthz", ContextType::shop}}) {
    auto r = get(GetParam(), c.target);
    ASSERT_TRUE(r) << c.target;
    ASSERT_TRUE(r->store) << c.target;
    EXPECT_EQ(r->context, c.context) << c.target;
    EXPECT_EQ(r->clean_path, c.target) << c.target;
    EXPECT_EQ(r->base_path.view(), "") << c.target;
  }
}

TEST_F(DetectionTest, OtherStoreHostsFailClosedToo) {
  EXPECT_EQ(errc_of(get("techstore.platform.com", "/stores/orion/shop/")), Errc::wrong_store);
  EXPECT_EQ(errc_of(get("mytechstore.net", "/store/orion/dashboard")), Errc::wrong_store);
  EXPECT_EQ(errc_of(get("mytechstore.net", "/static/stores/orion/logo.png")), Errc::wrong_store);
  EXPECT_TRUE(get("mytechstore.net", "/static/stores/techstore/logo.png"));
}

TEST_F(DetectionTest, NoStoreOnAShopRouteIsShopContextWithoutStore) {
  expect_no_store(get("nosuchstore.platform.com", "/shop/products"), ContextType::shop,
                  "/shop/products");
  expect_no_store(get("nobody.example", "/"), ContextType::shop, "/");
  expect_no_store(get("platform.com", "/stores/nosuchstore/shop/products"), ContextType::shop,
                  "/shop/products");
  expect_no_store(get("platform.com", "/shop/products"), ContextType::shop, "/shop/products");
  expect_no_store(get("api.platform.com", "/shop/"), ContextType::shop, "/shop/");
}

TEST_F(DetectionTest, AHostWithoutAStoreNeverFallsBackToThePath) {
  // The seed's algorithm would try the path next; on a host that is not the platform's, no path
  // may pick a store.
  for (const std::string_view h : {"nosuchstore.platform.com", "closedshop.platform.com",
                                   "fashionhub.example", "closedshop.example"}) {
    for (const std::string_view t : {"/stores/orion/shop/", "/store/orion/dashboard"}) {
      auto r = get(h, t);
      ASSERT_TRUE(r) << h << t;
      EXPECT_FALSE(r->store) << h << t << ": " << dump(r);
    }
  }
}

// An inactive store must look exactly like one that does not exist: the same answer, field for
// field, or the same error, for every kind of request that could name it.
TEST(InactiveStore, IsIndistinguishableFromAnUnknownOne) {
  testing::MemoryStoreDirectory with_inactive;
  with_inactive.add_store(7, "oldshop", "Old Shop", /*is_active=*/false);
  with_inactive.add_domain("oldshop.example", "oldshop");
  with_inactive.add_store(8, "orion", "Orion Shop");
  testing::MemoryStoreDirectory without;
  without.add_store(8, "orion", "Orion Shop");

  const Platform platform = platform_of("platform.com");
  struct Request {
    std::string_view host;
    std::string_view target;
  };
  for (const Request& q : std::vector<Request>{
           {"oldshop.platform.com", "/shop/products"},
           {"oldshop.platform.com", "/"},
           {"oldshop.platform.com", "/stores/orion/shop/"},
           {"oldshop.platform.com", "/admin"},
           {"oldshop.platform.com", "/static/stores/orion/logo.png"},
           {"oldshop.example", "/shop/products"},
           {"oldshop.example", "/store/oldshop/dashboard"},
           {"platform.com", "/stores/oldshop/shop/products"},
           {"platform.com", "/stores/OLDSHOP/shop/"},
           {"platform.com", "/store/oldshop/dashboard"},
           {"www.platform.com", "/stores/oldshop"},
       }) {
    const RequestHead head{q.target, q.host};
    const auto a = resolve(platform, head, with_inactive);
    const auto b = resolve(platform, head, without);
    EXPECT_EQ(dump(a), dump(b)) << q.host << q.target;
    ASSERT_TRUE(a) << q.host << q.target;
    EXPECT_FALSE(a->store);
  }
}

// ---- base_path --------------------------------------------------------------------------------

TEST_F(DetectionTest, BasePathKeepsLinksInTheirMode) {
  struct Case {
    std::string_view host;
    std::string_view target;
    std::string_view base_path;
  };
  for (const Case& c : std::vector<Case>{
           {"platform.com", "/stores/orion/shop/products", "/stores/orion"},
           {"platform.com", "/stores/ORION/shop/", "/stores/orion"},
           {"www.platform.com", "/stores/techstore", "/stores/techstore"},
           {"platform.com", "/store/orion/dashboard", "/store/orion"},
           {"platform.com", "/store/TECHSTORE", "/store/techstore"},
           {"orion.platform.com", "/store/orion/dashboard", "/store/orion"},
           {"orion.lu", "/store/ORION/orders", "/store/orion"},
           {"orion.platform.com", "/shop/products", ""},
           {"orion.lu", "/stores/orion/shop/", ""},
           {"orion.lu", "/", ""},
           {"platform.com", "/", ""},
           {"platform.com", "/admin", ""},
           {"platform.com", "/stores/nosuchstore/shop/", ""},
           {"admin.platform.com", "/stores/orion/shop/", ""},
       }) {
    auto r = get(c.host, c.target);
    ASSERT_TRUE(r) << c.host << c.target;
    EXPECT_EQ(r->base_path.view(), c.base_path) << c.host << c.target;
  }
}

// ---- classify: exactly one lookup -------------------------------------------------------------

TEST_F(DetectionTest, ClassifyAsksOneQuestion) {
  struct Case {
    std::string_view host;
    std::string_view target;
    Lookup lookup;
    HostRole role;
    DetectionMode mode;
  };
  using By = Lookup::By;
  for (const Case& c : std::vector<Case>{
           {"platform.com", "/", {}, HostRole::platform, DetectionMode::none},
           {"platform.com", "/admin", {}, HostRole::platform, DetectionMode::none},
           {"platform.com", "/shop/products", {}, HostRole::platform, DetectionMode::none},
           {"platform.com",
            "/stores/ORION/shop/",
            {By::code, "orion"},
            HostRole::platform,
            DetectionMode::path_based},
           {"www.platform.com",
            "/store/techstore/x",
            {By::code, "techstore"},
            HostRole::platform,
            DetectionMode::path_based},
           {"platform.com",
            "/stores/nosuchstore/shop/",
            {By::code, "nosuchstore"},
            HostRole::platform,
            DetectionMode::path_based},
           {"platform.com", "/stores/ab/shop/", {}, HostRole::platform, DetectionMode::none},
           {"platform.com", "/stores", {}, HostRole::platform, DetectionMode::none},
           {"admin.platform.com", "/stores/orion/shop/", {}, HostRole::admin, DetectionMode::none},
           {"orion.platform.com",
            "/",
            {By::code, "orion"},
            HostRole::store,
            DetectionMode::subdomain},
           // The host decides; the path does not add a second question.
           {"ORION.platform.com",
            "/stores/techstore/shop/",
            {By::code, "orion"},
            HostRole::store,
            DetectionMode::subdomain},
           {"orion.lu",
            "/",
            {By::domain, "orion.lu"},
            HostRole::store,
            DetectionMode::custom_domain},
           {"Orion.LU.:80",
            "/stores/techstore/shop/",
            {By::domain, "orion.lu"},
            HostRole::store,
            DetectionMode::custom_domain},
           {"bücher.de",
            "/",
            {By::domain, "xn--bcher-kva.de"},
            HostRole::store,
            DetectionMode::custom_domain},
           {"a.b.platform.com", "/stores/orion/shop/", {}, HostRole::unknown, DetectionMode::none},
           {"api.platform.com", "/", {}, HostRole::unknown, DetectionMode::none},
           {"127.0.0.1", "/stores/orion/shop/", {}, HostRole::unknown, DetectionMode::none},
           {"[::1]", "/", {}, HostRole::unknown, DetectionMode::none},
       }) {
    auto cl = classify(platform_, {c.target, c.host});
    ASSERT_TRUE(cl) << c.host << c.target << ": " << cl.error().message;
    EXPECT_EQ(cl->lookup, c.lookup) << c.host << c.target;
    EXPECT_EQ(cl->role, c.role) << c.host << c.target;
    EXPECT_EQ(cl->mode, c.mode) << c.host << c.target;

    // resolve() asks the directory exactly that question, once, or nothing at all.
    CountingDirectory counting(dir_);
    auto r = resolve(platform_, {c.target, c.host}, counting);
    if (c.lookup.by == By::nothing) {
      EXPECT_TRUE(counting.calls().empty()) << c.host << c.target;
    } else {
      ASSERT_EQ(counting.calls().size(), 1U) << c.host << c.target;
      EXPECT_EQ(counting.calls().front(), c.lookup) << c.host << c.target;
    }
  }
}

TEST_F(DetectionTest, ClassifyNormalisesHostAndTarget) {
  auto c = classify(platform_, {"/stores/orion/shop/../x?y=1", "ORION.LU:8080"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, (Host{"orion.lu", HostKind::name}));
  EXPECT_EQ(c->target, (Target{"/stores/orion/x", "y=1"}));
}

TEST_F(DetectionTest, ErrorsAskNothing) {
  CountingDirectory counting(dir_);
  EXPECT_FALSE(resolve(platform_, {"/", ""}, counting));
  EXPECT_FALSE(resolve(platform_, {"/shop#x", "orion.lu"}, counting));
  EXPECT_FALSE(resolve(platform_, {"/", "orion.lu", 2}, counting));
  EXPECT_TRUE(counting.calls().empty());
  // A fail-closed refusal still needed the one lookup to know whose host it is.
  EXPECT_EQ(errc_of(resolve(platform_, {"/stores/techstore/shop/", "orion.lu"}, counting)),
            Errc::wrong_store);
  EXPECT_EQ(counting.calls().size(), 1U);
}

TEST_F(DetectionTest, AnswerAsksTheDirectoryTheLookup) {
  CountingDirectory counting(dir_);
  EXPECT_EQ(answer(counting, {}), nullptr);
  EXPECT_TRUE(counting.calls().empty());
  auto by_code = answer(counting, {Lookup::By::code, "techstore"});
  ASSERT_TRUE(by_code);
  EXPECT_EQ(by_code->code, "techstore");
  auto by_domain = answer(counting, {Lookup::By::domain, "orion.lu"});
  ASSERT_TRUE(by_domain);
  EXPECT_EQ(by_domain->code, "orion");
  EXPECT_EQ(counting.calls().size(), 2U);
}

// ---- a directory that breaks its contract ---------------------------------------------------

TEST_F(DetectionTest, IgnoresAStoreWithAnotherCode) {
  const LyingDirectory liar(make_store(2, "techstore"));
  auto sub = resolve(platform_, {"/shop/", "orion.platform.com"}, liar);
  expect_no_store(sub, ContextType::shop, "/shop/");
  auto path = resolve(platform_, {"/stores/orion/shop/", "platform.com"}, liar);
  expect_no_store(path, ContextType::shop, "/shop/");
  auto dash = resolve(platform_, {"/store/orion/dashboard", "platform.com"}, liar);
  expect_no_store(dash, ContextType::store_dashboard, "/dashboard");
}

TEST_F(DetectionTest, IgnoresAnInactiveStore) {
  const LyingDirectory liar(make_store(1, "orion", /*is_active=*/false));
  expect_no_store(resolve(platform_, {"/shop/", "orion.platform.com"}, liar), ContextType::shop,
                  "/shop/");
  expect_no_store(resolve(platform_, {"/shop/", "orion.lu"}, liar), ContextType::shop, "/shop/");
  expect_no_store(resolve(platform_, {"/stores/orion/shop/", "platform.com"}, liar),
                  ContextType::shop, "/shop/");
  // With no store, nothing is left to fail closed for.
  expect_no_store(resolve(platform_, {"/stores/techstore/shop/", "orion.lu"}, liar),
                  ContextType::shop, "/stores/techstore/shop/");
}

TEST_F(DetectionTest, IgnoresAStoreNobodyAskedFor) {
  const StorePtr orion = make_store(1, "orion");
  for (const auto& q : std::vector<std::pair<std::string_view, std::string_view>>{
           {"platform.com", "/"},
           {"platform.com", "/shop/products"},
           {"platform.com", "/stores/ab/shop/"},
           {"admin.platform.com", "/stores/orion/shop/"},
           {"a.orion.platform.com", "/"},
           {"api.platform.com", "/"},
           {"127.0.0.1", "/stores/orion/shop/"},
       }) {
    auto c = classify(platform_, {q.second, q.first});
    ASSERT_TRUE(c);
    ASSERT_EQ(c->lookup.by, Lookup::By::nothing) << q.first << q.second;
    auto r = finish(std::move(*c), orion);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->store) << q.first << q.second << ": " << dump(r);
    EXPECT_EQ(r->mode, DetectionMode::none);
  }
  // And through resolve(), which does not even ask.
  const LyingDirectory liar(orion);
  auto r = resolve(platform_, {"/stores/orion/shop/", "admin.platform.com"}, liar);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->store);
}

TEST_F(DetectionTest, FinishWithTheRightStoreMatchesResolve) {
  auto c = classify(platform_, {"/stores/Orion/shop/products?x=1", "platform.com"});
  ASSERT_TRUE(c);
  auto found = answer(dir_, c->lookup);
  auto split = finish(std::move(*c), found);
  auto whole = get("platform.com", "/stores/Orion/shop/products?x=1");
  EXPECT_EQ(dump(split), dump(whole));
}

// ---- absolute-form targets --------------------------------------------------------------------

TEST_F(DetectionTest, AbsoluteFormAuthorityWinsOverHost) {
  expect_store(get("platform.com", "http://orion.lu/shop/products"), "orion",
               DetectionMode::custom_domain, ContextType::shop, "/shop/products");
  expect_store(get("orion.lu", "http://platform.com/stores/techstore/shop/"), "techstore",
               DetectionMode::path_based, ContextType::shop, "/shop/");
  expect_store(get("evil.example", "https://techstore.platform.com:8443/shop/?q=1"), "techstore",
               DetectionMode::subdomain, ContextType::shop, "/shop/");
  // Without a Host field at all.
  expect_store(get("", "http://orion.platform.com/shop/", 0), "orion", DetectionMode::subdomain,
               ContextType::shop, "/shop/");
  // The other way round, the absolute form stops a Host header from naming a store.
  auto r = get("orion.lu", "http://platform.com/");
  expect_no_store(r, ContextType::platform, "/");
}

TEST_F(DetectionTest, AbsoluteFormIsNormalisedLikeOriginForm) {
  auto r = get("platform.com", "HTTP://ORION.LU:80/shop/products?page=2");
  expect_store(r, "orion", DetectionMode::custom_domain, ContextType::shop, "/shop/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host.view(), "orion.lu");
  EXPECT_EQ(r->query, "page=2");

  auto empty_path = get("", "http://platform.com", 0);
  expect_no_store(empty_path, ContextType::platform, "/");
  auto query_only = get("", "http://platform.com?x=1", 0);
  ASSERT_TRUE(query_only);
  EXPECT_EQ(query_only->clean_path, "/");
  EXPECT_EQ(query_only->query, "x=1");

  expect_store(get("orion.lu", "http://platform.com/stores/orion/shop/../../techstore/shop/"),
               "techstore", DetectionMode::path_based, ContextType::shop, "/shop/");
  EXPECT_EQ(errc_of(get("orion.lu", "http://orion.lu/stores/techstore/shop/")), Errc::wrong_store);
  EXPECT_EQ(errc_of(get("platform.com", "http://platform.com/stores/orion%2F..%2Ftechstore/shop")),
            Errc::invalid_path);

  dir_.add_domain("xn--bcher-kva.de", "fashionhub");
  expect_store(get("platform.com", "http://b%C3%BCcher.de/shop/"), "fashionhub",
               DetectionMode::custom_domain, ContextType::shop, "/shop/");

  auto v6 = get("orion.lu", "http://[0:0::1]:8080/stores/orion/shop/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host.view(), "[::1]");
  EXPECT_FALSE(v6->store);
}

TEST_F(DetectionTest, RejectsBadAbsoluteFormTargets) {
  EXPECT_EQ(errc_of(get("platform.com", "ftp://platform.com/")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "platform.com:443")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "http://platform.com/shop#top")), Errc::invalid_target);
  EXPECT_EQ(errc_of(get("platform.com", "http:///shop/")), Errc::missing_host);
  EXPECT_EQ(errc_of(get("platform.com", "http://user@orion.lu/")), Errc::invalid_host);
  EXPECT_EQ(errc_of(get("platform.com", "http://user:pw@orion.lu/")), Errc::invalid_host);
  EXPECT_EQ(errc_of(get("platform.com", "http://orion.lu:99999/")), Errc::invalid_host);
  EXPECT_EQ(errc_of(get("platform.com", "http://orion_lu/")), Errc::invalid_host);
  EXPECT_FALSE(get("platform.com", "http://[fe80::1%25eth0]/"));  // a zone id, however parsed
  EXPECT_FALSE(get("platform.com", "http://plat form.com/"));
  EXPECT_FALSE(get("platform.com", "http://platform.com/a b"));
}

}  // namespace
}  // namespace orion::core

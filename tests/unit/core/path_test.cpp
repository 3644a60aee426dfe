#include "core/path.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "fixtures.hpp"

namespace orion::core {
namespace {

using test::errc_of;

// The normalised path, or "!<error code>".
std::string path(std::string_view target) {
  auto t = normalize_target(target);
  if (!t) {
    return "!" + std::string(to_string(t.error().code));
  }
  return t->path;
}

struct Case {
  std::string_view target;
  std::string_view expected;
};

void expect_paths(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(path(c.target), c.expected) << "target: \"" << c.target << "\"";
  }
}

// ---- normalize_target -----------------------------------------------------------------------

TEST(NormalizeTarget, KeepsPlainPaths) {
  expect_paths({
      {"/", "/"},
      {"/shop/products", "/shop/products"},
      {"/shop/products/42", "/shop/products/42"},
      {"/stores/orion/shop/", "/stores/orion/shop/"},
      {"/a.b/c-d/e_f/~g", "/a.b/c-d/e_f/~g"},
      {"/...", "/..."},  // three dots are a name
      {"/.hidden", "/.hidden"},
      {"/..a", "/..a"},
  });
}

TEST(NormalizeTarget, SplitsOffTheQuery) {
  auto t = normalize_target("/shop/products?page=2&sort=price");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(*t, (Target{"/shop/products", "page=2&sort=price"}));

  auto empty = normalize_target("/shop?");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, (Target{"/shop", ""}));

  auto none = normalize_target("/shop");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->query, "");

  // The query is kept as sent: neither decoded nor dot-resolved, and only the first '?' splits.
  auto raw = normalize_target("/a/../b?x=%2F..%2F&y=/../?z");
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, (Target{"/b", "x=%2F..%2F&y=/../?z"}));
}

TEST(NormalizeTarget, RejectsSpacesAndControlCharactersInTheQuery) {
  EXPECT_EQ(errc_of(normalize_target("/shop?q=a b")), Errc::invalid_target);
  EXPECT_EQ(errc_of(normalize_target("/shop?q=a\tb")), Errc::invalid_target);
  EXPECT_EQ(errc_of(normalize_target(std::string_view("/shop?q=\0", 9))), Errc::invalid_target);
  EXPECT_TRUE(normalize_target("/shop?q=a%20b"));
}

TEST(NormalizeTarget, DecodesPercentEscapes) {
  expect_paths({
      {"/shop/%70roducts", "/shop/products"},
      {"/%73tores/%6F%52%49%4f%4e/shop", "/stores/oRION/shop"},
      {"/shop/a%20b", "/shop/a b"},  // an escaped space is data
      {"/shop/%25", "/shop/%"},      // decoded once only
      {"/shop/%252e%252e", "/shop/%2e%2e"},
      {"/shop/caf%C3%A9", "/shop/caf\xc3\xa9"},
  });
}

TEST(NormalizeTarget, ResolvesDotSegments) {
  expect_paths({
      {"/a/./b", "/a/b"},
      {"/a/../b", "/b"},
      {"/a/b/../c", "/a/c"},
      {"/a/b/..", "/a/"},
      {"/a/b/../", "/a/"},
      {"/a/.", "/a/"},
      {"/a/./", "/a/"},
      {"/./a", "/a"},
      {"/.", "/"},
      {"/a/..", "/"},
      {"/a/b/c/../../d", "/a/d"},
  });
}

TEST(NormalizeTarget, ResolvesEncodedDotSegments) {
  expect_paths({
      {"/a/%2e%2e/b", "/b"},
      {"/a/%2E%2E/b", "/b"},
      {"/a/.%2E/b", "/b"},
      {"/a/%2e./b", "/b"},
      {"/a/%2e/b", "/a/b"},
      {"/stores/orion/shop/%2e%2e/%2e%2e/techstore/shop/", "/stores/techstore/shop/"},
  });
}

TEST(NormalizeTarget, CannotClimbAboveTheRoot) {
  expect_paths({
      {"/..", "/"},
      {"/../", "/"},
      {"/../a", "/a"},
      {"/../../../../etc/passwd", "/etc/passwd"},
      {"/a/../../b", "/b"},
      {"/%2e%2e/%2e%2e/static/stores/techstore", "/static/stores/techstore"},
  });
}

TEST(NormalizeTarget, CollapsesRepeatedSlashes) {
  expect_paths({
      {"//", "/"},
      {"///", "/"},
      {"//shop//products", "/shop/products"},
      {"/stores//orion///shop/", "/stores/orion/shop/"},
      {"/a//../b", "/b"},
  });
}

TEST(NormalizeTarget, KeepsATrailingSlash) {
  expect_paths({
      {"/shop/", "/shop/"},
      {"/shop", "/shop"},
      {"/shop//", "/shop/"},
      {"/shop/products/", "/shop/products/"},
  });
}

TEST(NormalizeTarget, RejectsEncodedSlashesAndBackslashes) {
  expect_paths({
      {"/stores/orion%2F..%2Ftechstore/shop", "!invalid_path"},
      {"/stores/orion%2f..%2ftechstore/shop", "!invalid_path"},
      {"/a%2Fb", "!invalid_path"},
      {"/a%5Cb", "!invalid_path"},
      {"/a%5c..%5cb", "!invalid_path"},
      {"/a\\b", "!invalid_path"},
      {"/..\\..\\etc", "!invalid_path"},
  });
}

TEST(NormalizeTarget, RejectsControlCharactersAndRawSpaces) {
  expect_paths({
      {"/shop products", "!invalid_path"},
      {"/shop\tproducts", "!invalid_path"},
      {"/shop\r\nX-Injected: 1", "!invalid_path"},
      {"/shop\x7f", "!invalid_path"},
      {"/shop%00", "!invalid_path"},
      {"/shop%0a", "!invalid_path"},
      {"/shop%0D%0A", "!invalid_path"},
      {"/shop%7F", "!invalid_path"},
      {"/shop%1f", "!invalid_path"},
  });
  EXPECT_EQ(errc_of(normalize_target(std::string_view("/shop\0/x", 8))), Errc::invalid_path);
}

TEST(NormalizeTarget, RejectsBadEscapes) {
  expect_paths({
      {"/shop/%zz", "!invalid_path"},
      {"/shop/%4", "!invalid_path"},
      {"/shop/%", "!invalid_path"},
      {"/shop/%4/x", "!invalid_path"},
      {"/shop/%g0", "!invalid_path"},
      {"/shop/%%41", "!invalid_path"},
      {"/%/", "!invalid_path"},
  });
  EXPECT_EQ(path("/shop/%41"), "/shop/A");  // the shortest good escape, at the very end
}

TEST(NormalizeTarget, RejectsFragments) {
  EXPECT_EQ(errc_of(normalize_target("/shop#top")), Errc::invalid_target);
  EXPECT_EQ(errc_of(normalize_target("/shop?q=1#top")), Errc::invalid_target);
  EXPECT_EQ(errc_of(normalize_target("/#")), Errc::invalid_target);
  EXPECT_EQ(path("/shop/%23top"), "/shop/#top");  // an escaped '#' is data
}

TEST(NormalizeTarget, RejectsTargetsThatAreNotPaths) {
  for (const std::string_view t : {"", "*", "shop/products", "?q=1", "http://platform.com/",
                                   "platform.com:443", " /shop", "%2Fshop", "\\shop"}) {
    EXPECT_EQ(errc_of(normalize_target(t)), Errc::invalid_target) << "\"" << t << "\"";
  }
}

TEST(NormalizeTarget, LimitsTheLength) {
  const std::string longest = "/" + std::string(kMaxPathLength - 1, 'a');
  auto ok = normalize_target(longest);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->path, longest);
  EXPECT_EQ(errc_of(normalize_target(longest + "a")), Errc::invalid_path);
  EXPECT_EQ(errc_of(normalize_target(std::string(100000, '/'))), Errc::invalid_path);
}

TEST(NormalizeTarget, SegmentsSplitBackIntoWhatWasSent) {
  // The Target invariant: no segment of the result is empty, "." or "..", or holds '/', '\' or a
  // control character, whatever spelling arrived.
  for (const std::string_view t :
       {"/a/%2e%2e/b/./c//d/", "/%2e/%2E%2e/x", "/stores/ORION/shop/..%2e/", "/a/.../b"}) {
    auto r = normalize_target(t);
    ASSERT_TRUE(r) << t;
    const std::string& p = r->path;
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(p.front(), '/');
    EXPECT_EQ(p.find("//"), std::string::npos) << p;
    EXPECT_EQ(p.find("/./"), std::string::npos) << p;
    EXPECT_EQ(p.find("/../"), std::string::npos) << p;
    EXPECT_FALSE(p.ends_with("/.") || p.ends_with("/..")) << p;
  }
}

// ---- split_store_path -----------------------------------------------------------------------

TEST(SplitStorePath, RecognisesTheStorefrontForm) {
  const StorePath s = split_store_path("/stores/orion/shop/products");
  EXPECT_EQ(s.form, PathForm::shop);
  EXPECT_EQ(s.code, "orion");
  EXPECT_EQ(s.prefix, "/stores/orion");
  EXPECT_EQ(s.clean_path, "/shop/products");

  const StorePath home = split_store_path("/stores/orion/shop/");
  EXPECT_EQ(home.form, PathForm::shop);
  EXPECT_EQ(home.clean_path, "/shop/");

  const StorePath bare = split_store_path("/stores/orion/shop");
  EXPECT_EQ(bare.clean_path, "/shop");
}

TEST(SplitStorePath, KeepsTheCodeAsSent) {
  const StorePath s = split_store_path("/stores/ORION/shop/products");
  EXPECT_EQ(s.code, "ORION");
  EXPECT_EQ(s.prefix, "/stores/ORION");
  EXPECT_EQ(s.clean_path, "/shop/products");
}

TEST(SplitStorePath, AStoreWithNothingAfterIt) {
  const StorePath s = split_store_path("/stores/orion");
  EXPECT_EQ(s.form, PathForm::shop);
  EXPECT_EQ(s.code, "orion");
  EXPECT_EQ(s.prefix, "/stores/orion");
  EXPECT_EQ(s.clean_path, "/");

  const StorePath slash = split_store_path("/stores/orion/");
  EXPECT_EQ(slash.code, "orion");
  EXPECT_EQ(slash.clean_path, "/");
}

TEST(SplitStorePath, TheWordAloneHasNoCode) {
  for (const std::string_view p : {"/stores", "/stores/"}) {
    const StorePath s = split_store_path(p);
    EXPECT_EQ(s.form, PathForm::shop) << p;
    EXPECT_EQ(s.code, "") << p;
    EXPECT_EQ(s.prefix, "/stores") << p;
    EXPECT_EQ(s.clean_path, "/") << p;
  }
  const StorePath d = split_store_path("/store");
  EXPECT_EQ(d.form, PathForm::dashboard);
  EXPECT_EQ(d.code, "");
  EXPECT_EQ(d.clean_path, "/");
}

TEST(SplitStorePath, RecognisesTheDashboardForm) {
  const StorePath s = split_store_path("/store/orion/dashboard");
  EXPECT_EQ(s.form, PathForm::dashboard);
  EXPECT_EQ(s.code, "orion");
  EXPECT_EQ(s.prefix, "/store/orion");
  EXPECT_EQ(s.clean_path, "/dashboard");

  const StorePath root = split_store_path("/store/ORION");
  EXPECT_EQ(root.form, PathForm::dashboard);
  EXPECT_EQ(root.code, "ORION");
  EXPECT_EQ(root.clean_path, "/");

  const StorePath deep = split_store_path("/store/orion/products/42/edit");
  EXPECT_EQ(deep.clean_path, "/products/42/edit");
}

TEST(SplitStorePath, OtherPathsArePlain) {
  for (const std::string_view p :
       {"/", "/shop/products", "/storesx", "/storesx/orion/shop", "/storefront", "/stor",
        "/admin/stores/orion", "/static/stores/orion/logo.png", "/shop/stores/orion",
        "/Stores/orion/shop", "/STORE/orion"}) {
    const StorePath s = split_store_path(p);
    EXPECT_EQ(s.form, PathForm::plain) << p;
    EXPECT_EQ(s.code, "") << p;
    EXPECT_EQ(s.prefix, "") << p;
    EXPECT_EQ(s.clean_path, p) << p;
  }
}

TEST(SplitStorePath, ViewsPointIntoTheInput) {
  const std::string p = "/stores/orion/shop/cart";
  const StorePath s = split_store_path(p);
  EXPECT_EQ(s.code.data(), p.data() + 8);
  EXPECT_EQ(s.clean_path.data(), p.data() + 13);
}

// ---- path_is_under --------------------------------------------------------------------------

TEST(PathIsUnder, MatchesWholeSegments) {
  EXPECT_TRUE(path_is_under("/shop", "/shop"));
  EXPECT_TRUE(path_is_under("/shop/", "/shop"));
  EXPECT_TRUE(path_is_under("/shop/products", "/shop"));
  EXPECT_TRUE(path_is_under("/static/stores/orion/logo.png", "/static/stores"));
  EXPECT_TRUE(path_is_under("/admin/stores", "/admin"));
}

TEST(PathIsUnder, DoesNotMatchAPrefixOfASegment) {
  EXPECT_FALSE(path_is_under("/shopping", "/shop"));
  EXPECT_FALSE(path_is_under("/shop-admin", "/shop"));
  EXPECT_FALSE(path_is_under("/administrator", "/admin"));
  EXPECT_FALSE(path_is_under("/static/storesx", "/static/stores"));
  EXPECT_FALSE(path_is_under("/sho", "/shop"));
  EXPECT_FALSE(path_is_under("/", "/shop"));
  EXPECT_FALSE(path_is_under("/api/shop", "/shop"));
  EXPECT_FALSE(path_is_under("", "/shop"));
}

}  // namespace
}  // namespace orion::core

// The fast paths of src/core (docs/PERFORMANCE.md) against the general code they shortcut:
// resolve()'s one-pass path against classify() + answer() + finish(), normalize_plain_authority
// against an independent reading of the host rules and against normalize_authority, and
// text::same against operator==. Each runs over hand-picked edge cases and over many generated
// inputs, so that a shortcut that answers differently from the rules fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/detection.hpp"
#include "core/flat_directory.hpp"
#include "core/host.hpp"
#include "core/text.hpp"
#include "fixtures.hpp"
#include "support/memory_store_directory.hpp"

namespace orion::core {
namespace {

// Every question asked, in order, so that both paths can be held to the same questions.
class RecordingDirectory final : public StoreDirectory {
 public:
  explicit RecordingDirectory(const StoreDirectory& inner) : inner_(inner) {}

  [[nodiscard]] StorePtr find_active_by_domain(std::string_view domain) const override {
    calls_.push_back("domain " + std::string(domain));
    return inner_.find_active_by_domain(domain);
  }
  [[nodiscard]] StorePtr find_active_by_code(std::string_view code) const override {
    calls_.push_back("code " + std::string(code));
    return inner_.find_active_by_code(code);
  }
  void prefetch_by_domain(std::string_view domain) const noexcept override {
    hints_.push_back("domain " + std::string(domain));
    inner_.prefetch_by_domain(domain);
  }
  void prefetch_by_code(std::string_view code) const noexcept override {
    hints_.push_back("code " + std::string(code));
    inner_.prefetch_by_code(code);
  }

  std::vector<std::string> take() { return std::exchange(calls_, {}); }
  std::vector<std::string> take_hints() { return std::exchange(hints_, {}); }

 private:
  const StoreDirectory& inner_;
  mutable std::vector<std::string> calls_;
  mutable std::vector<std::string> hints_;
};

std::string dump(const Result<Resolution>& r) {
  if (!r) {
    return "error " + std::string(to_string(r.error().code)) + ": " + r.error().message;
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

// The general path: classify(), the one lookup, finish().
Result<Resolution> resolve_in_steps(const Platform& platform, const RequestHead& head,
                                    const StoreDirectory& directory) {
  auto c = classify(platform, head);
  if (!c) {
    return c.error();
  }
  StorePtr found = answer(directory, c->lookup);
  return finish(std::move(*c), std::move(found));
}

class FastPathTest : public ::testing::Test {
 protected:
  FastPathTest() {
    test::add_seed_stores(memory_);
    FlatStoreDirectory::Builder builder;
    builder.add_store(test::kOrionId, "orion", "Orion Shop");
    builder.add_store(test::kTechstoreId, "techstore", "Tech Store");
    builder.add_store(test::kFashionhubId, "fashionhub", "Fashion Hub");
    builder.add_store(test::kClosedId, "closedshop", "Closed Shop", /*is_active=*/false);
    builder.add_store(5, "store-0000001", "A long code");
    builder.add_store(6, "a-b", "Shortest code");
    builder.add_store(7, std::string(50, 'x'), "Longest code");
    memory_.add_store(5, "store-0000001", "A long code");
    memory_.add_store(6, "a-b", "Shortest code");
    memory_.add_store(7, std::string(50, 'x'), "Longest code");
    // The seed's domains (add_seed_stores gave them to memory_), then three more.
    builder.add_domain("orion.lu", "orion");
    builder.add_domain("mytechstore.net", "techstore");
    builder.add_domain("fashionhub.example", "fashionhub", /*is_verified=*/false);
    builder.add_domain("closedshop.example", "closedshop");
    for (const auto& [domain, code] : std::vector<std::pair<std::string, std::string>>{
             {"shop-123456.example-brand.com", "store-0000001"},
             {"a-very-long-custom-domain-name-for-the-fast-path.example.co.uk", "a-b"},
             {"x.io", "a-b"},
         }) {
      builder.add_domain(domain, code);
      memory_.add_domain(domain, code);
    }
    flat_ = builder.build();
  }

  // Both directories, both paths: the same answers and the same questions.
  void expect_same(std::string_view host, std::string_view target, std::size_t fields = 1) {
    const RequestHead head{target, host, fields};
    for (const StoreDirectory* inner : {static_cast<const StoreDirectory*>(&memory_),
                                        static_cast<const StoreDirectory*>(&flat_)}) {
      RecordingDirectory recording(*inner);
      const std::string fast = dump(resolve(platform_, head, recording));
      const std::vector<std::string> fast_calls = recording.take();
      const std::string general = dump(resolve_in_steps(platform_, head, recording));
      const std::vector<std::string> general_calls = recording.take();
      ASSERT_EQ(fast, general) << "Host: " << host << " target: " << target;
      ASSERT_EQ(fast_calls, general_calls) << "Host: " << host << " target: " << target;
    }
    ++compared_;
  }

  testing::MemoryStoreDirectory memory_;
  FlatStoreDirectory flat_;
  Platform platform_ = Platform::make("platform.com").value();
  std::size_t compared_ = 0;
};

const std::vector<std::string_view> kHosts = {
    "platform.com",
    "PLATFORM.COM",
    "platform.com.",
    "platform.com:8080",
    "platform.com:",
    "www.platform.com",
    "admin.platform.com",
    "Admin.Platform.Com.:443",
    "orion.platform.com",
    "ORION.platform.com",
    "orion.platform.com:80",
    "orion.platform.com.",
    "techstore.platform.com",
    "closedshop.platform.com",
    "nosuchstore.platform.com",
    "store-0000001.platform.com",
    "a-b.platform.com",
    "ab.platform.com",
    "-ab.platform.com",
    "ab-.platform.com",
    "a_b.platform.com",
    "a.b.platform.com",
    "api.platform.com",
    "www.orion.platform.com",
    "xn--ab.platform.com",
    "xn--bcher-kva.platform.com",
    "orion.lu",
    "ORION.LU.",
    "orion.lu:443",
    "orion.lu:65535",
    "orion.lu:65536",
    "orion.lu:99999",
    "orion.lu:123456",
    "orion.lu:0",
    "orion.lu::80",
    "orion.lu:8a",
    ":80",
    "orion..lu",
    ".orion.lu",
    "orion.lu..",
    "-orion.lu",
    "orion-.lu",
    "mytechstore.net",
    "fashionhub.example",
    "closedshop.example",
    "shop-123456.example-brand.com",
    "SHOP-123456.Example-Brand.COM:443",
    "a-very-long-custom-domain-name-for-the-fast-path.example.co.uk",
    "x.io",
    "X.IO.",
    "unknown.example",
    "127.0.0.1",
    "127.0.0.1:80",
    "1.2.3",
    "0x7f.1",
    "a.123",
    "a.0x1f",
    "a.0xg",
    "123.a",
    "[::1]",
    "[::1]:80",
    "bücher.de",
    "b%C3%BCcher.de",
    "user@orion.lu",
    "orion lu",
    "",
    " orion.lu",
    "orion.lu ",
    "a\tb.com",
    "localhost",
    "platform.com.platform.com",
    "xplatform.com",
    "orion.xplatform.com"};

const std::vector<std::string_view> kTargets = {
    "/",
    "/products?page=2",
    "/shop/products",
    "/admin",
    "/admin/x",
    "/api",
    "/api/v1/x",
    "/static/stores/orion/logo.png",
    "/static/stores/techstore/x",
    "/static/stores",
    "/stores/orion/shop/products?page=2",
    "/stores/ORION/shop/",
    "/stores/Orion",
    "/stores/orion/",
    "/stores/orion?x=1",
    "/stores/techstore/shop/",
    "/stores/ab/shop/",
    "/stores/-ab/shop/",
    "/stores/admin/shop/",
    "/stores/xn--ab/shop/",
    "/stores/a_b/shop/",
    "/stores/nosuchstore/shop/",
    "/stores/closedshop/shop/",
    "/stores/store-0000001/shop/x",
    "/stores",
    "/stores/",
    "/stores?x",
    "/storesx/orion/shop/",
    "/store/orion/dashboard",
    "/store/ORION/products/1",
    "/store/techstore",
    "/store/",
    "/store",
    "/storex/orion",
    "/store/orion/admin",
    "/stores/orion/admin",
    "/stores/orion/stores/techstore/shop/",
    "/store/orion/store/techstore/x",
    "/stores/orion/static/stores/techstore/x",
    "/stores/a-b/shop/",
    "/stores/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/shop/",
    "/stores/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/shop/",
    "/stores/orion/shop/../x",
    "/stores/orion/../techstore/shop/",
    "/stores/%6Frion/shop/",
    "/stores/or%2Fion/shop/",
    "//stores/orion/shop/",
    "/./stores/orion/shop/",
    "/stores//orion/shop/",
    "/a/./b",
    "/a/../b",
    "/a//b",
    "/a/",
    "/a/.",
    "/a/..",
    "/a/.b",
    "/a/..b",
    "/shop#x",
    "/shop?a#b",
    "/x y",
    "/x\\y",
    "/x?y z",
    "/x?%zz",
    "/x%41",
    "*",
    "",
    "stores/orion/shop/",
    "http://orion.platform.com/shop/?x=1",
    "https://platform.com/stores/orion/shop/",
    "http://orion.lu:8080/",
    "ftp://orion.lu/"};

TEST_F(FastPathTest, ResolveMatchesTheGeneralPathOnEdgeCases) {
  for (const std::string_view host : kHosts) {
    for (const std::string_view target : kTargets) {
      expect_same(host, target);
      if (HasFatalFailure()) {
        return;
      }
    }
  }
  expect_same("orion.platform.com", "/", 2);
  expect_same("orion.platform.com", "/", 0);
  EXPECT_EQ(compared_, kHosts.size() * kTargets.size() + 2);
}

// Random requests built from pieces that sit near the rules' edges: case, ports, dots and
// hyphens in hosts, store paths with valid, invalid, reserved and unknown codes, dot segments.
TEST_F(FastPathTest, ResolveMatchesTheGeneralPathOnGeneratedRequests) {
  std::mt19937_64 rng(20261127);
  const auto pick = [&rng](const auto& options) { return options[rng() % options.size()]; };
  const std::vector<std::string_view> labels = {
      "orion",
      "ORION",
      "techstore",
      "store-0000001",
      "a-b",
      "ab",
      "-ab",
      "ab-",
      "a_b",
      "admin",
      "www",
      "api",
      "xn--ab",
      "shop-123456",
      "example-brand",
      "x",
      "0x1f",
      "123",
      "",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "Closedshop",
      "b\xc3\xbc"
      "cher"};
  const std::vector<std::string_view> suffixes = {".platform.com",
                                                  ".PLATFORM.com",
                                                  "platform.com",
                                                  ".com",
                                                  ".lu",
                                                  ".co.uk",
                                                  ".example",
                                                  "",
                                                  "."};
  const std::vector<std::string_view> ports = {"", "", "", ":443", ":", ":65536", ":0x1", "::1"};
  const std::vector<std::string_view> segments = {
      "stores",        "store",     "shop", "admin", "api", "static",      "orion",
      "ORION",         "techstore", "ab",   "a-b",   "-ab", "nosuchstore", "closedshop",
      "store-0000001", ".",         "..",   "",      "%41", "a b",         "dashboard"};
  const std::vector<std::string_view> queries = {"", "", "?page=2", "?", "?a/../b", "#f", "?a b"};
  for (int i = 0; i < 20000; ++i) {
    std::string host;
    const int labels_in_host = static_cast<int>(rng() % 4);
    for (int l = 0; l < labels_in_host; ++l) {
      host.append(pick(labels));
      if (l + 1 < labels_in_host) {
        host.push_back('.');
      }
    }
    host.append(pick(suffixes)).append(pick(ports));
    std::string target;
    const int segments_in_target = static_cast<int>(rng() % 6);
    for (int s = 0; s < segments_in_target; ++s) {
      target.append("/").append(pick(segments));
    }
    if (target.empty() || rng() % 5 == 0) {
      target.push_back('/');
    }
    target.append(pick(queries));
    expect_same(host, target);
    if (HasFatalFailure()) {
      return;
    }
  }
}

// ---- normalize_plain_authority -----------------------------------------------------------------

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The host rules of DESIGN.md §2 for a plain ASCII name, written out independently: "" when
// `authority` is not such a name (with an optional port of at most five digits up to 65535).
std::string reference_plain(std::string_view authority) {
  std::string_view name = authority;
  if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit) ||
        (!port.empty() && std::stoul(std::string(port)) > 65535)) {
      return "";
    }
    name = authority.substr(0, colon);
  }
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.empty() || name.size() > kMaxHostLength) {
    return "";
  }
  std::string lower;
  for (const char c : name) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (!((l >= 'a' && l <= 'z') || is_digit(l) || l == '-' || l == '.')) {
      return "";
    }
    lower.push_back(l);
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = lower.find('.', start);
    parts.push_back(lower.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  for (const std::string& label : parts) {
    if (label.empty() || label.size() > kMaxLabelLength || label.front() == '-' ||
        label.back() == '-') {
      return "";
    }
  }
  const std::string& last = parts.back();
  const bool decimal = std::all_of(last.begin(), last.end(), is_digit);
  const bool hex = last.starts_with("0x") && std::all_of(last.begin() + 2, last.end(), [](char c) {
                     return is_digit(c) || (c >= 'a' && c <= 'f');
                   });
  if (decimal || hex) {
    return "";
  }
  return lower;
}

void expect_plain(std::string_view authority) {
  PlainHostName plain;
  const bool accepted = normalize_plain_authority(authority, plain);
  const std::string expected = reference_plain(authority);
  ASSERT_EQ(accepted, !expected.empty()) << "authority '" << authority << "'";
  if (!accepted) {
    return;
  }
  ASSERT_EQ(plain.view(), expected) << "authority '" << authority << "'";
  const auto general = normalize_authority(authority);
  ASSERT_TRUE(general) << authority;
  ASSERT_EQ(general->name, expected) << authority;
  ASSERT_EQ(general->kind, HostKind::name) << authority;
}

TEST(NormalizePlainAuthority, MatchesTheRulesOnEdgeCases) {
  for (const std::string_view host : kHosts) {
    expect_plain(host);
  }
  const std::string l63(63, 'a');
  const std::string l64(64, 'a');
  for (const std::string& authority :
       std::vector<std::string>{l63,
                                l64,
                                l63 + ".com",
                                l64 + ".com",
                                "A" + l63.substr(1),
                                l63.substr(1) + "-",
                                std::string(62, 'b') + ".",
                                std::string(63, 'b') + ".",
                                std::string(64, 'b') + ".",
                                l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c'),
                                l63 + "." + l63 + "." + l63 + "." + std::string(62, 'c'),
                                l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c') + ".",
                                std::string("a\0b.com", 7),
                                "a.b-",
                                "a.-b",
                                "a-.b",
                                "a..b",
                                "a.b.",
                                "a.b..",
                                ".",
                                "..",
                                "a",
                                "A",
                                "-",
                                "0",
                                "0x",
                                "a.0x",
                                "a.0xA",
                                "a.0xa1",
                                "a.1a",
                                "a.a1",
                                "a.b:",
                                "a.b:1",
                                "a.b:12345",
                                "a.b:65535",
                                "a.b:65536",
                                "a.b:123456",
                                "a.b:1:2",
                                "a:b.c",
                                "é.com",
                                "a\x80.com",
                                "a\xff.com",
                                "A-B.C-D.EFGHIJKLMNOPQRSTUVWXYZ.com",
                                "abcdefghijklmnopqrstuvwxyz-0123456789.com"}) {
    expect_plain(authority);
  }
}

TEST(NormalizePlainAuthority, MatchesTheRulesOnGeneratedAuthorities) {
  std::mt19937_64 rng(4242);
  const std::string_view alphabet = "aZz09-.-..:Aa5x0_ \x80";
  for (int i = 0; i < 200000; ++i) {
    // Lengths around every boundary: a word of 8, a vector of 16, a label of 63, the 253 limit.
    const std::size_t sizes[] = {rng() % 20, rng() % 70, 60 + rng() % 10, 245 + rng() % 15};
    const std::size_t size = sizes[rng() % 4];
    std::string authority;
    const bool mostly_letters = rng() % 2 == 0;
    for (std::size_t k = 0; k < size; ++k) {
      authority.push_back(mostly_letters && rng() % 4 != 0 ? static_cast<char>('a' + rng() % 26)
                                                           : alphabet[rng() % alphabet.size()]);
    }
    expect_plain(authority);
    if (::testing::Test::HasFatalFailure()) {
      return;
    }
  }
}

// ---- text::same ---------------------------------------------------------------------------------

TEST(TextSame, IsEquality) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::size_t size = rng() % 24;
    std::string a;
    for (std::size_t k = 0; k < size; ++k) {
      a.push_back(static_cast<char>('a' + rng() % 3));
    }
    std::string b = a;
    if (rng() % 2 == 0 && !b.empty()) {
      b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 2);
    }
    if (rng() % 8 == 0) {
      b.push_back('a');
    }
    ASSERT_EQ(text::same(a, b), a == b) << a << " " << b;
  }
  EXPECT_TRUE(text::same("", ""));
  EXPECT_FALSE(text::same("", "a"));
}

// ---- the directory hints
// -------------------------------------------------------------------------

// resolve() hints the directory before it asks, so that the answer's memory is on its way while
// the request is checked: first from the raw request (nearly always the key it then asks), then,
// only when the checked key differs from that guess, with the checked key. Every question is
// hinted before it is asked, and a request whose host is already normalised hints once.
TEST(DirectoryHints, EveryQuestionIsHintedFirstAndPlainHostsOnce) {
  const Platform platform = Platform::make("platform.com").value();
  testing::MemoryStoreDirectory memory;
  memory.add_store(1, "orion", "Orion");
  memory.add_domain("orion.lu", "orion");
  RecordingDirectory directory(memory);
  struct Case {
    std::string_view host;
    std::string_view target;
    std::vector<std::string> hints;  // in order
    std::string question;            // "" when none
  };
  const std::vector<Case> cases = {
      {"orion.lu", "/products", {"domain orion.lu"}, "domain orion.lu"},
      {"orion.lu:8443", "/products", {"domain orion.lu"}, "domain orion.lu"},
      {"Orion.LU.", "/products", {"domain Orion.LU.", "domain orion.lu"}, "domain orion.lu"},
      {"orion.platform.com", "/", {"code orion"}, "code orion"},
      {"ORION.platform.com", "/", {"code ORION", "code orion"}, "code orion"},
      {"orion.PLATFORM.com", "/", {"domain orion.PLATFORM.com", "code orion"}, "code orion"},
      {"platform.com", "/stores/Orion/shop/", {"code orion"}, "code orion"},
      {"platform.com:80", "/store/orion/dashboard", {"code orion"}, "code orion"},
      {"Platform.com", "/stores/orion/shop/", {"domain Platform.com", "code orion"}, "code orion"},
      {"platform.com", "/stores/or%69on/shop/", {}, "code orion"},
      // The reserved list is read after the hint: a reserved code costs a wasted fetch only.
      {"platform.com", "/stores/admin/shop/", {"code admin"}, ""},
      {"platform.com", "/store/xn--ab/dashboard", {"code xn--ab"}, ""},
      {"platform.com", "/products", {}, ""},
      {"admin.platform.com", "/admin", {}, ""},
      {"www.platform.com", "/stores/orion/shop/", {"code orion"}, "code orion"},
  };
  for (const Case& c : cases) {
    const auto r = resolve(platform, {c.target, c.host}, directory);
    ASSERT_TRUE(r) << c.host << c.target;
    const std::vector<std::string> hints = directory.take_hints();
    const std::vector<std::string> questions = directory.take();
    EXPECT_EQ(hints, c.hints) << c.host << c.target;
    if (c.question.empty()) {
      EXPECT_TRUE(questions.empty()) << c.host << c.target;
    } else {
      EXPECT_EQ(questions, std::vector<std::string>{c.question}) << c.host << c.target;
    }
  }
}

TEST(DirectoryHints, ChangeNoAnswer) {
  FlatStoreDirectory::Builder builder;
  builder.add_store(1, "orion", "Orion");
  builder.add_domain("orion.lu", "orion");
  const FlatStoreDirectory flat = builder.build();
  testing::MemoryStoreDirectory memory;
  memory.add_store(1, "orion", "Orion");
  for (const StoreDirectory* directory :
       {static_cast<const StoreDirectory*>(&flat), static_cast<const StoreDirectory*>(&memory)}) {
    for (const std::string_view key : {"orion", "orion.lu", "", "nosuchstore"}) {
      directory->prefetch_by_code(key);
      directory->prefetch_by_domain(key);
    }
    ASSERT_TRUE(directory->find_active_by_code("orion"));
    EXPECT_EQ(directory->find_active_by_code("orion")->id, 1);
    EXPECT_FALSE(directory->find_active_by_code("nosuchstore"));
  }
  EXPECT_EQ(flat.find_active_by_domain("orion.lu")->id, 1);
  const FlatStoreDirectory empty;
  empty.prefetch_by_code("orion");
  empty.prefetch_by_domain("orion.lu");
  EXPECT_FALSE(empty.find_active_by_code("orion"));
}

}  // namespace
}  // namespace orion::core

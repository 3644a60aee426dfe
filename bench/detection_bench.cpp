// Store detection benchmarks (docs/PERFORMANCE.md): core::resolve, per detection mode, against a
// directory of 1,000,000 active stores and 200,000 verified custom domains, with the bare
// directory lookups of already-normalised keys measured in the same run as the baseline. The same
// stores and domains are held twice: in a core::FlatStoreDirectory (the base of the server's
// core::LiveDirectory) and in the map-based MemoryStoreDirectory of the tests, for comparison:
//   BM_Resolve_*          resolution of requests of one kind, flat directory;
//   BM_ResolveLatency_*   the hits of BM_Resolve_*, each resolution waiting for the one before
//                         (the next request depends on the store found): one resolution's
//                         latency rather than a loop's throughput;
//   BM_ResolveLive_*      the same requests against the core::LiveDirectory that `orion serve`
//                         resolves from (the flat directory under an empty overlay, read
//                         through the thread's snapshot handle): what a request pays;
//   BM_ResolveMap_*       the same requests against the map-based directory;
//   BM_DirectoryOnly_*    the flat directory's lookup alone, back to back (Domain, Code,
//                         DomainMiss, CodeMiss) or each waiting for the previous one (*Latency);
//   BM_DirectoryOnlyMap_* the same for the map-based directory;
//   BM_ResolveSmall_*     resolution against 1,000 stores and 500 domains (flat), which stay in
//                         the CPU caches: the cost of resolution itself, without waiting for
//                         memory.
//
// Each benchmark cycles through its own pre-generated requests (64K; 1K for the small
// directory), picked at random, so that the hash lookups are spread over the whole directory
// instead of hitting one cache-hot key. Every request set is resolved once, untimed, when its
// directory is built, and the program aborts if any request does not resolve to the store (or the
// absence of one) it was generated for: a benchmark cannot silently measure an error path.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/detection.hpp"
#include "core/flat_directory.hpp"
#include "core/live_directory.hpp"
#include "support/memory_store_directory.hpp"

namespace {

namespace core = orion::core;

struct Sizes {
  std::size_t stores;    // store i (1 ≤ i ≤ stores) has id i and the code store_code(i)
  std::size_t domains;   // verified custom domains, each of a random store
  std::size_t requests;  // per request or key set; a power of two
};
// What the benchmarks are about: a directory far larger than the CPU caches.
constexpr Sizes kLarge = {1'000'000, 200'000, std::size_t{1} << 16};
// Small enough for the directory and the requests to stay in the CPU caches: what resolution
// costs when no lookup waits for memory (the BM_ResolveSmall_* benchmarks).
constexpr Sizes kSmall = {1'000, 500, std::size_t{1} << 10};
constexpr std::string_view kPlatformDomain = "platform.com";

constexpr std::array<std::string_view, 16> kAdjectives = {
    "Golden", "Little", "Urban",  "Copper", "Northern", "Wild",  "Silver", "Blue",
    "Maple",  "Rustic", "Modern", "Sunny",  "Coastal",  "Quiet", "Bright", "Old Town"};
constexpr std::array<std::string_view, 16> kNouns = {
    "Harbor", "Fox",  "Lantern", "Oak",   "River", "Meadow", "Anchor", "Thread",
    "Kettle", "Pine", "Sparrow", "Stone", "Bloom", "Market", "Willow", "Compass"};
constexpr std::array<std::string_view, 12> kKinds = {
    "Ceramics", "Books", "Coffee Roasters", "Outfitters", "Candles",    "Bakery",
    "Records",  "Toys",  "Tea Company",     "Goods",      "Botanicals", "Leatherworks"};

constexpr std::array<std::string_view, 6> kDomainPrefixes = {"shop", "store", "www",
                                                             "buy",  "get",   "boutique"};
constexpr std::array<std::string_view, 10> kBrands = {
    "example-brand", "northwind",     "acme-goods",   "bluebird",   "maple-oak",
    "harbor-lane",   "copper-kettle", "green-thread", "sunny-side", "urban-loom"};
constexpr std::array<std::string_view, 14> kTlds = {"com",    "net",   "org", "io", "shop",
                                                    "store",  "co.uk", "de",  "fr", "nl",
                                                    "com.au", "ca",    "es",  "it"};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "detection_bench: %s\n", message.c_str());
  std::abort();
}

std::string zero_padded(std::size_t number, std::size_t width) {
  std::string digits = std::to_string(number);
  return std::string(width > digits.size() ? width - digits.size() : 0, '0') + digits;
}

// "store-0000001" for 1; numbers above Sizes::stores give valid codes that no store has.
std::string store_code(std::size_t number) { return "store-" + zero_padded(number, 7); }

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

template <class Array>
std::string_view pick(const Array& array, std::mt19937_64& rng) {
  return array[rng() % array.size()];
}

std::string store_name(std::mt19937_64& rng) {
  std::string name(pick(kAdjectives, rng));
  name.append(" ").append(pick(kNouns, rng)).append(" ").append(pick(kKinds, rng));
  return name;
}

// "shop-123456.example-brand.com", "get-204518.bluebird.co.uk", ...: unique by `number`.
std::string domain_name(std::size_t number, std::mt19937_64& rng) {
  std::string name(pick(kDomainPrefixes, rng));
  name.append("-").append(zero_padded(number, 6)).append(".");
  name.append(pick(kBrands, rng)).append(".").append(pick(kTlds, rng));
  return name;
}

// Strings packed one after another in one buffer, as a server's receive buffers hold request
// heads: reading the next one costs a sequential read, not a jump to wherever the allocator put a
// separate string.
struct Packed {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, size
  std::vector<std::string_view> views;                     // into text, filled by seal()

  void add(std::string_view s) {
    spans.emplace_back(text.size(), s.size());
    text.append(s);
  }
  void seal() {  // called once text no longer grows
    views.clear();
    for (const auto& [offset, size] : spans) {
      views.push_back(std::string_view(text).substr(offset, size));
    }
  }
};

// One benchmark's requests and what each must resolve to.
struct RequestSet {
  const char* name = "";
  core::DetectionMode mode = core::DetectionMode::none;  // expected when a store is found
  core::ContextType context = core::ContextType::shop;
  Packed strings;                        // host then target, per request
  std::vector<std::int64_t> store_ids;   // expected; 0 means no store
  std::vector<core::RequestHead> heads;  // views into strings

  void add(std::string_view host, std::string_view target, std::int64_t store_id) {
    strings.add(host);
    strings.add(target);
    store_ids.push_back(store_id);
  }
  void seal() {
    strings.seal();
    heads.clear();
    for (std::size_t i = 0; i < store_ids.size(); ++i) {
      heads.push_back(core::RequestHead{strings.views[2 * i + 1], strings.views[2 * i], 1});
    }
  }
};

// Normalised keys for the bare directory lookups.
struct KeySet {
  const char* name = "";
  Packed keys;
  std::vector<std::int64_t> store_ids;  // expected; 0 means no store

  void add(std::string_view key, std::int64_t store_id) {
    keys.add(key);
    store_ids.push_back(store_id);
  }
};

// Everything the benchmarks read. Pinned in place: the request heads view strings inside it.
struct World {
  World() = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Sizes sizes{};
  std::size_t mask = 0;  // sizes.requests - 1

  core::FlatStoreDirectory directory;
  core::LiveDirectory live;  // shares directory's tables
  orion::testing::MemoryStoreDirectory map_directory;
  core::Platform platform = core::Platform::make(kPlatformDomain).value();
  RequestSet custom_domain, subdomain, path_based, dashboard, unknown_host, unknown_subdomain;
  KeySet domain_hits, code_hits, domain_misses, code_misses;
};

void check(const World& world, const core::StoreDirectory& directory, const RequestSet& set) {
  if (set.heads.size() != world.sizes.requests) {
    fail(std::string(set.name) + ": wrong number of requests");
  }
  for (std::size_t i = 0; i < set.heads.size(); ++i) {
    const auto resolution = core::resolve(world.platform, set.heads[i], directory);
    const std::string request = std::string(set.name) +
                                " request Host: " + std::string(set.heads[i].host) + ", target " +
                                std::string(set.heads[i].target);
    if (!resolution) {
      fail(request + " failed: " + resolution.error().message);
    }
    const std::int64_t id = resolution->store ? resolution->store->id : 0;
    const core::DetectionMode mode = id != 0 ? set.mode : core::DetectionMode::none;
    if (id != set.store_ids[i] || resolution->mode != mode || resolution->context != set.context) {
      fail(request + " resolved to store " + std::to_string(id) + " (" +
           std::string(core::to_string(resolution->mode)) + ", " +
           std::string(core::to_string(resolution->context)) + "), expected store " +
           std::to_string(set.store_ids[i]));
    }
  }
}

using Find = core::StorePtr (core::StoreDirectory::*)(std::string_view) const;

void check(const World& world, const core::StoreDirectory& directory, const KeySet& set,
           Find find) {
  if (set.keys.views.size() != world.sizes.requests) {
    fail(std::string(set.name) + ": wrong number of keys");
  }
  for (std::size_t i = 0; i < set.keys.views.size(); ++i) {
    const core::StorePtr store = (directory.*find)(set.keys.views[i]);
    const std::int64_t id = store ? store->id : 0;
    if (id != set.store_ids[i]) {
      fail(std::string(set.name) + " key " + std::string(set.keys.views[i]) + " found store " +
           std::to_string(id) + ", expected " + std::to_string(set.store_ids[i]));
    }
  }
}

void build_world(World& world, Sizes sizes) {
  world.sizes = sizes;
  world.mask = sizes.requests - 1;
  std::mt19937_64 rng(20240601);  // fixed: every run measures the same data

  core::FlatStoreDirectory::Builder flat;
  flat.reserve(sizes.stores, sizes.domains);
  world.map_directory.reserve(sizes.stores, sizes.domains);
  for (std::size_t i = 1; i <= sizes.stores; ++i) {
    std::string name = store_name(rng);
    flat.add_store(static_cast<std::int64_t>(i), store_code(i), name);
    world.map_directory.add_store(static_cast<std::int64_t>(i), store_code(i), std::move(name));
  }
  std::uniform_int_distribution<std::size_t> any_store(1, sizes.stores);
  std::vector<std::string> domains;
  std::vector<std::size_t> domain_stores;
  domains.reserve(sizes.domains);
  domain_stores.reserve(sizes.domains);
  for (std::size_t i = 0; i < sizes.domains; ++i) {
    domains.push_back(domain_name(100'000 + i, rng));  // numbers 100000..299999
    domain_stores.push_back(any_store(rng));
    flat.add_domain(domains.back(), store_code(domain_stores.back()));
    world.map_directory.add_domain(domains.back(), store_code(domain_stores.back()));
  }
  world.directory = flat.build();
  world.live.replace(world.directory);

  std::uniform_int_distribution<std::size_t> any_domain(0, sizes.domains - 1);
  std::uniform_int_distribution<std::size_t> unknown_domain_number(300'000, 999'999);
  std::uniform_int_distribution<std::size_t> unknown_store(sizes.stores + 1, 9'999'999);
  const std::string platform(kPlatformDomain);
  const auto id = [](std::size_t store) { return static_cast<std::int64_t>(store); };

  const auto name = [](RequestSet& set, const char* set_name, core::DetectionMode mode,
                       core::ContextType context = core::ContextType::shop) {
    set.name = set_name;
    set.mode = mode;
    set.context = context;
  };
  name(world.custom_domain, "custom_domain", core::DetectionMode::custom_domain);
  name(world.subdomain, "subdomain", core::DetectionMode::subdomain);
  name(world.path_based, "path_based", core::DetectionMode::path_based);
  name(world.dashboard, "dashboard", core::DetectionMode::path_based,
       core::ContextType::store_dashboard);
  name(world.unknown_host, "unknown_host", core::DetectionMode::none);
  name(world.unknown_subdomain, "unknown_subdomain", core::DetectionMode::none);
  world.domain_hits.name = "domain_hits";
  world.code_hits.name = "code_hits";
  world.domain_misses.name = "domain_misses";
  world.code_misses.name = "code_misses";

  for (std::size_t i = 0; i < sizes.requests; ++i) {
    const std::size_t domain = any_domain(rng);
    const bool with_port = rng() % 4 == 0;
    world.custom_domain.add(domains[domain] + (with_port ? ":443" : ""), "/products?page=2",
                            id(domain_stores[domain]));

    const std::size_t sub = any_store(rng);
    world.subdomain.add(store_code(sub) + "." + platform, "/products?page=2", id(sub));

    const std::size_t shop = any_store(rng);
    const bool upper_case = rng() % 4 == 0;
    world.path_based.add(platform,
                         "/stores/" + (upper_case ? upper(store_code(shop)) : store_code(shop)) +
                             "/shop/products?page=2",
                         id(shop));

    const std::size_t dash = any_store(rng);
    world.dashboard.add(platform, "/store/" + store_code(dash) + "/dashboard", id(dash));

    world.unknown_host.add(domain_name(unknown_domain_number(rng), rng), "/products?page=2", 0);
    world.unknown_subdomain.add(store_code(unknown_store(rng)) + "." + platform, "/products?page=2",
                                0);

    const std::size_t hit_domain = any_domain(rng);
    world.domain_hits.add(domains[hit_domain], id(domain_stores[hit_domain]));
    const std::size_t hit_code = any_store(rng);
    world.code_hits.add(store_code(hit_code), id(hit_code));
    world.domain_misses.add(domain_name(unknown_domain_number(rng), rng), 0);
    world.code_misses.add(store_code(unknown_store(rng)), 0);
  }

  for (RequestSet* set : {&world.custom_domain, &world.subdomain, &world.path_based,
                          &world.dashboard, &world.unknown_host, &world.unknown_subdomain}) {
    set->seal();
  }
  for (KeySet* set :
       {&world.domain_hits, &world.code_hits, &world.domain_misses, &world.code_misses}) {
    set->keys.seal();
  }
}

// Built on first use, outside every timed loop, and checked before any benchmark reads it. Never
// destroyed: freeing a million stores at exit would only slow the run down.
const World& make_world(Sizes sizes) {
  auto* built = new World();
  build_world(*built, sizes);
  for (const core::StoreDirectory* directory :
       {static_cast<const core::StoreDirectory*>(&built->directory),
        static_cast<const core::StoreDirectory*>(&built->live),
        static_cast<const core::StoreDirectory*>(&built->map_directory)}) {
    for (const RequestSet* set :
         {&built->custom_domain, &built->subdomain, &built->path_based, &built->dashboard,
          &built->unknown_host, &built->unknown_subdomain}) {
      check(*built, *directory, *set);
    }
    check(*built, *directory, built->domain_hits, &core::StoreDirectory::find_active_by_domain);
    check(*built, *directory, built->domain_misses, &core::StoreDirectory::find_active_by_domain);
    check(*built, *directory, built->code_hits, &core::StoreDirectory::find_active_by_code);
    check(*built, *directory, built->code_misses, &core::StoreDirectory::find_active_by_code);
  }
  return *built;
}

const World& large_world() {
  static const World& instance = make_world(kLarge);
  return instance;
}

const World& small_world() {
  static const World& instance = make_world(kSmall);
  return instance;
}

// Which of the world's two directories a benchmark reads.
enum class Use { flat, live, map };

const core::StoreDirectory& directory_of(const World& w, Use use) {
  if (use == Use::flat) {
    return w.directory;
  }
  if (use == Use::live) {
    return w.live;
  }
  return w.map_directory;
}

void run_resolve(benchmark::State& state, const World& w, const RequestSet World::*member,
                 Use use = Use::flat) {
  const core::StoreDirectory& directory = directory_of(w, use);
  const RequestSet& set = w.*member;
  std::size_t i = 0;
  for (auto _ : state) {
    auto resolution = core::resolve(w.platform, set.heads[i], directory);
    benchmark::DoNotOptimize(resolution);
    i = (i + 1) & w.mask;
  }
  state.SetItemsProcessed(state.iterations());
}

// The same resolutions (hits only), each made to wait for the previous one, as
// run_lookup_latency does for bare lookups: the next request's index depends on the id of the
// store found (always positive, so the added term is 0). The CPU cannot start the next request's
// lookup before this one's store has arrived, so this is the latency of one resolution on its
// own, as a server sees it between other work, rather than a loop's throughput.
void run_resolve_latency(benchmark::State& state, const World& w, const RequestSet World::*member) {
  const RequestSet& set = w.*member;
  std::size_t i = 0;
  for (auto _ : state) {
    auto resolution = core::resolve(w.platform, set.heads[i], w.directory);
    benchmark::DoNotOptimize(resolution);
    i = (i + 1 + (static_cast<std::uint64_t>(resolution->store->id) >> 63)) & w.mask;
  }
  state.SetItemsProcessed(state.iterations());
}

// Through the StoreDirectory interface, as core::resolve asks it. A loop of bare lookups is
// short enough for the CPU to run the next lookups' cache misses while this one's are still
// pending, so its time per lookup is a throughput, not a latency.
void run_lookup(benchmark::State& state, const World& w, const KeySet World::*member, Find find,
                Use use) {
  const core::StoreDirectory& directory = directory_of(w, use);
  const KeySet& set = w.*member;
  std::size_t i = 0;
  for (auto _ : state) {
    auto store = (directory.*find)(set.keys.views[i]);
    benchmark::DoNotOptimize(store);
    i = (i + 1) & w.mask;
  }
  state.SetItemsProcessed(state.iterations());
}

// The same lookups (hits only), each made to wait for the previous one: the next key's index
// depends on the store found (its id is positive, so the added term is always 0, but the CPU
// cannot know that before the lookup is done). This is the latency a lookup adds when nothing
// overlaps it, as inside a resolution, whose few thousand instructions keep the next request's
// lookup out of the CPU's reach.
void run_lookup_latency(benchmark::State& state, const World& w, const KeySet World::*member,
                        Find find, Use use) {
  const core::StoreDirectory& directory = directory_of(w, use);
  const KeySet& set = w.*member;
  std::size_t i = 0;
  for (auto _ : state) {
    auto store = (directory.*find)(set.keys.views[i]);
    benchmark::DoNotOptimize(store);
    i = (i + 1 + (static_cast<std::uint64_t>(store->id) >> 63)) & w.mask;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Resolve_CustomDomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::custom_domain);
}
void BM_Resolve_Subdomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::subdomain);
}
void BM_Resolve_PathBased(benchmark::State& state) {
  run_resolve(state, large_world(), &World::path_based);
}
void BM_Resolve_Dashboard(benchmark::State& state) {
  run_resolve(state, large_world(), &World::dashboard);
}
void BM_Resolve_UnknownHost(benchmark::State& state) {
  run_resolve(state, large_world(), &World::unknown_host);
}
void BM_Resolve_UnknownSubdomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::unknown_subdomain);
}

void BM_ResolveLatency_CustomDomain(benchmark::State& state) {
  run_resolve_latency(state, large_world(), &World::custom_domain);
}
void BM_ResolveLatency_Subdomain(benchmark::State& state) {
  run_resolve_latency(state, large_world(), &World::subdomain);
}
void BM_ResolveLatency_PathBased(benchmark::State& state) {
  run_resolve_latency(state, large_world(), &World::path_based);
}
void BM_ResolveLatency_Dashboard(benchmark::State& state) {
  run_resolve_latency(state, large_world(), &World::dashboard);
}

void BM_ResolveSmall_CustomDomain(benchmark::State& state) {
  run_resolve(state, small_world(), &World::custom_domain);
}
void BM_ResolveSmall_Subdomain(benchmark::State& state) {
  run_resolve(state, small_world(), &World::subdomain);
}
void BM_ResolveSmall_PathBased(benchmark::State& state) {
  run_resolve(state, small_world(), &World::path_based);
}
void BM_ResolveSmall_Dashboard(benchmark::State& state) {
  run_resolve(state, small_world(), &World::dashboard);
}
void BM_ResolveSmall_UnknownHost(benchmark::State& state) {
  run_resolve(state, small_world(), &World::unknown_host);
}
void BM_ResolveSmall_UnknownSubdomain(benchmark::State& state) {
  run_resolve(state, small_world(), &World::unknown_subdomain);
}

constexpr Find kByDomain = &core::StoreDirectory::find_active_by_domain;
constexpr Find kByCode = &core::StoreDirectory::find_active_by_code;

void BM_DirectoryOnly_Domain(benchmark::State& state) {
  run_lookup(state, large_world(), &World::domain_hits, kByDomain, Use::flat);
}
void BM_DirectoryOnly_Code(benchmark::State& state) {
  run_lookup(state, large_world(), &World::code_hits, kByCode, Use::flat);
}
void BM_DirectoryOnly_DomainLatency(benchmark::State& state) {
  run_lookup_latency(state, large_world(), &World::domain_hits, kByDomain, Use::flat);
}
void BM_DirectoryOnly_CodeLatency(benchmark::State& state) {
  run_lookup_latency(state, large_world(), &World::code_hits, kByCode, Use::flat);
}
void BM_DirectoryOnly_DomainMiss(benchmark::State& state) {
  run_lookup(state, large_world(), &World::domain_misses, kByDomain, Use::flat);
}
void BM_DirectoryOnly_CodeMiss(benchmark::State& state) {
  run_lookup(state, large_world(), &World::code_misses, kByCode, Use::flat);
}

void BM_ResolveLive_CustomDomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::custom_domain, Use::live);
}
void BM_ResolveLive_Subdomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::subdomain, Use::live);
}
void BM_ResolveLive_PathBased(benchmark::State& state) {
  run_resolve(state, large_world(), &World::path_based, Use::live);
}
void BM_ResolveLive_UnknownHost(benchmark::State& state) {
  run_resolve(state, large_world(), &World::unknown_host, Use::live);
}

void BM_ResolveMap_CustomDomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::custom_domain, Use::map);
}
void BM_ResolveMap_Subdomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::subdomain, Use::map);
}
void BM_ResolveMap_PathBased(benchmark::State& state) {
  run_resolve(state, large_world(), &World::path_based, Use::map);
}
void BM_ResolveMap_Dashboard(benchmark::State& state) {
  run_resolve(state, large_world(), &World::dashboard, Use::map);
}
void BM_ResolveMap_UnknownHost(benchmark::State& state) {
  run_resolve(state, large_world(), &World::unknown_host, Use::map);
}
void BM_ResolveMap_UnknownSubdomain(benchmark::State& state) {
  run_resolve(state, large_world(), &World::unknown_subdomain, Use::map);
}

void BM_DirectoryOnlyMap_Domain(benchmark::State& state) {
  run_lookup(state, large_world(), &World::domain_hits, kByDomain, Use::map);
}
void BM_DirectoryOnlyMap_Code(benchmark::State& state) {
  run_lookup(state, large_world(), &World::code_hits, kByCode, Use::map);
}
void BM_DirectoryOnlyMap_DomainLatency(benchmark::State& state) {
  run_lookup_latency(state, large_world(), &World::domain_hits, kByDomain, Use::map);
}
void BM_DirectoryOnlyMap_CodeLatency(benchmark::State& state) {
  run_lookup_latency(state, large_world(), &World::code_hits, kByCode, Use::map);
}
void BM_DirectoryOnlyMap_DomainMiss(benchmark::State& state) {
  run_lookup(state, large_world(), &World::domain_misses, kByDomain, Use::map);
}
void BM_DirectoryOnlyMap_CodeMiss(benchmark::State& state) {
  run_lookup(state, large_world(), &World::code_misses, kByCode, Use::map);
}

}  // namespace

// Registered here rather than with BENCHMARK() so that ORION_BENCH_ITERATIONS=N can fix every
// benchmark's iteration count: under `valgrind --tool=callgrind` an exact count turns the
// instructions counted in run_resolve into instructions per resolution (docs/PERFORMANCE.md).
int main(int argc, char** argv) {
  using Function = void (*)(benchmark::State&);
  const std::pair<const char*, Function> benchmarks[] = {
      {"BM_Resolve_CustomDomain", BM_Resolve_CustomDomain},
      {"BM_Resolve_Subdomain", BM_Resolve_Subdomain},
      {"BM_Resolve_PathBased", BM_Resolve_PathBased},
      {"BM_Resolve_Dashboard", BM_Resolve_Dashboard},
      {"BM_Resolve_UnknownHost", BM_Resolve_UnknownHost},
      {"BM_Resolve_UnknownSubdomain", BM_Resolve_UnknownSubdomain},
      {"BM_ResolveLatency_CustomDomain", BM_ResolveLatency_CustomDomain},
      {"BM_ResolveLatency_Subdomain", BM_ResolveLatency_Subdomain},
      {"BM_ResolveLatency_PathBased", BM_ResolveLatency_PathBased},
      {"BM_ResolveLatency_Dashboard", BM_ResolveLatency_Dashboard},
      {"BM_ResolveSmall_CustomDomain", BM_ResolveSmall_CustomDomain},
      {"BM_ResolveSmall_Subdomain", BM_ResolveSmall_Subdomain},
      {"BM_ResolveSmall_PathBased", BM_ResolveSmall_PathBased},
      {"BM_ResolveSmall_Dashboard", BM_ResolveSmall_Dashboard},
      {"BM_ResolveSmall_UnknownHost", BM_ResolveSmall_UnknownHost},
      {"BM_ResolveSmall_UnknownSubdomain", BM_ResolveSmall_UnknownSubdomain},
      {"BM_DirectoryOnly_Domain", BM_DirectoryOnly_Domain},
      {"BM_DirectoryOnly_Code", BM_DirectoryOnly_Code},
      {"BM_DirectoryOnly_DomainLatency", BM_DirectoryOnly_DomainLatency},
      {"BM_DirectoryOnly_CodeLatency", BM_DirectoryOnly_CodeLatency},
      {"BM_DirectoryOnly_DomainMiss", BM_DirectoryOnly_DomainMiss},
      {"BM_DirectoryOnly_CodeMiss", BM_DirectoryOnly_CodeMiss},
      {"BM_ResolveLive_CustomDomain", BM_ResolveLive_CustomDomain},
      {"BM_ResolveLive_Subdomain", BM_ResolveLive_Subdomain},
      {"BM_ResolveLive_PathBased", BM_ResolveLive_PathBased},
      {"BM_ResolveLive_UnknownHost", BM_ResolveLive_UnknownHost},
      {"BM_ResolveMap_CustomDomain", BM_ResolveMap_CustomDomain},
      {"BM_ResolveMap_Subdomain", BM_ResolveMap_Subdomain},
      {"BM_ResolveMap_PathBased", BM_ResolveMap_PathBased},
      {"BM_ResolveMap_Dashboard", BM_ResolveMap_Dashboard},
      {"BM_ResolveMap_UnknownHost", BM_ResolveMap_UnknownHost},
      {"BM_ResolveMap_UnknownSubdomain", BM_ResolveMap_UnknownSubdomain},
      {"BM_DirectoryOnlyMap_Domain", BM_DirectoryOnlyMap_Domain},
      {"BM_DirectoryOnlyMap_Code", BM_DirectoryOnlyMap_Code},
      {"BM_DirectoryOnlyMap_DomainLatency", BM_DirectoryOnlyMap_DomainLatency},
      {"BM_DirectoryOnlyMap_CodeLatency", BM_DirectoryOnlyMap_CodeLatency},
      {"BM_DirectoryOnlyMap_DomainMiss", BM_DirectoryOnlyMap_DomainMiss},
      {"BM_DirectoryOnlyMap_CodeMiss", BM_DirectoryOnlyMap_CodeMiss},
  };
  const char* fixed = std::getenv("ORION_BENCH_ITERATIONS");
  const long long iterations = fixed != nullptr ? std::atoll(fixed) : 0;
  for (const auto& [name, function] : benchmarks) {
    auto* registered = benchmark::RegisterBenchmark(name, function);
    if (iterations > 0) {
      registered->Iterations(iterations);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// A flat, immutable in-memory StoreDirectory: two open-addressing hash tables (by code, by
// verified domain) whose slots are the store snapshots themselves. Built once from a Builder and
// then only read, so any number of threads may share it and a cache can publish a fresh one while
// requests still hold stores of the old one. Pure: no I/O.
//
// Why this layout (docs/PERFORMANCE.md): against a million stores a lookup's cost is the memory
// it waits for. A lookup hashes its key once and walks one linear probe sequence over a byte
// array of hash fingerprints (one byte per slot: small enough to stay in the CPU's caches), while
// the slot it lands on, which already holds the store (for a domain, a copy of its store next to
// the key), is fetched at the same time: a hit waits for one round trip to memory, not for an
// index slot and then for the store it names, and a miss usually reads the fingerprints only.
// How long that round trip takes grows with the memory read at random (on the VM Orion is
// measured on, under load: 160-210 ns over 64 MiB, 200-350 ns over 256 MiB), so a code slot is
// one 64-byte store on one cache line (core::Store keeps what lookups do not read behind a
// pointer: a million stores take 96 MB), domain slots are packed rather than padded to cache
// lines, the tables are sized to their keys (three slots per two keys, any count, not a power of
// two), and they sit in 2 MiB pages where the kernel grants them (transparent huge pages), which
// spares most lookups a page walk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/store.hpp"

namespace orion::core {

class FlatStoreDirectory final : public StoreDirectory {
 public:
  // Collects stores and domains in any order; build() resolves every domain to its store. Keys
  // are taken as given: they must already be normalised (a code as validate_store_code returns
  // it, a domain as normalize_host returns it), and lookups compare them byte for byte.
  class Builder {
   public:
    void reserve(std::size_t stores, std::size_t domains);
    // A later store with the same code replaces the earlier one.
    void add_store(std::int64_t id, std::string code, std::string name, bool is_active = true);
    void add_store(Store store);
    // A custom domain of the store with `code`. Only verified domains of active stores route; a
    // later entry for the same domain replaces the earlier one.
    void add_domain(std::string domain, std::string code, bool is_verified = true);

    // Leaves the builder empty. Stores with an empty code are left out. Throws
    // std::length_error past 4 GiB of long domain names or a domain longer than 65535 bytes
    // (neither is a normalised host name).
    [[nodiscard]] FlatStoreDirectory build();

   private:
    struct PendingDomain {
      std::string domain;
      std::string code;
      bool is_verified;
    };
    std::vector<Store> stores_;
    std::vector<PendingDomain> domains_;
  };

  FlatStoreDirectory();  // empty: every lookup misses

  [[nodiscard]] StorePtr find_active_by_domain(std::string_view domain) const override;
  [[nodiscard]] StorePtr find_active_by_code(std::string_view code) const override;
  // Start fetching what the lookup of the same key reads: its fingerprint and home slot and, when
  // the fingerprints (usually in cache) show the key a few slots further on, that slot too.
  void prefetch_by_domain(std::string_view domain) const noexcept override;
  void prefetch_by_code(std::string_view code) const noexcept override;

  // The same lookups without taking a reference: the store lives as long as this directory (or
  // any StorePtr it handed out). Null when not found or inactive.
  [[nodiscard]] const Store* find_domain(std::string_view domain) const noexcept;
  [[nodiscard]] const Store* find_code(std::string_view code) const noexcept;

  [[nodiscard]] std::size_t store_count() const noexcept { return store_count_; }
  [[nodiscard]] std::size_t domain_count() const noexcept { return domain_count_; }

 private:
  // The tables' memory: 2 MiB-aligned and advised for transparent huge pages when an array is at
  // least that large (see above), the ordinary heap otherwise.
  template <class T>
  struct LargeAllocator {
    using value_type = T;
    LargeAllocator() = default;
    template <class U>
    explicit LargeAllocator(const LargeAllocator<U>& /*unused*/) noexcept {}
    [[nodiscard]] T* allocate(std::size_t n) {
      return static_cast<T*>(allocate_bytes(n, sizeof(T), alignof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept {
      deallocate_bytes(p, n * sizeof(T), alignof(T));
    }
    friend bool operator==(const LargeAllocator&, const LargeAllocator&) noexcept { return true; }
  };
  [[nodiscard]] static void* allocate_bytes(std::size_t count, std::size_t size,
                                            std::size_t alignment);
  static void deallocate_bytes(void* p, std::size_t size, std::size_t alignment) noexcept;
  template <class T>
  using LargeArray = std::vector<T, LargeAllocator<T>>;

  // A domain slot: a copy of the store it routes to and the key, inline when short (most domain
  // names are; the bytes past kInlineDomain go to Tables::names). Slots are packed, not padded to
  // cache lines: the tables are what a hit reads at random, and the smaller they are, the faster
  // memory answers (docs/PERFORMANCE.md). A lookup fetches every line its slot touches at once.
  static constexpr std::size_t kInlineDomain = 41;
  struct DomainSlot {
    Store store;             // the owner's snapshot, if routes
    std::uint32_t rest = 0;  // offset in names of the key's bytes past kInlineDomain
    std::uint16_t size = 0;  // the key's length
    bool routes = false;     // false: kept only so that it replaces older entries
    char key[kInlineDomain] = {};
  };
  // A slot's byte in the fingerprint array: 0 for a free slot, else 1-255 from the key's hash.
  using Fingerprint = std::uint8_t;

  // What handed-out StorePtrs keep alive: both tables, shared by copies of the directory.
  struct Tables {
    LargeArray<Fingerprint> code_fingerprints;  // at most two thirds full
    LargeArray<Store> codes;  // slot i's store, if its fingerprint is not 0; line-aligned
    LargeArray<Fingerprint> domain_fingerprints;
    LargeArray<DomainSlot> domains;
    std::string names;  // domain bytes past kInlineDomain, end to end
  };

  struct Empty {};
  explicit FlatStoreDirectory(Empty /*unused*/) {}

  [[nodiscard]] static bool same_domain(const DomainSlot& slot, std::string_view domain,
                                        const std::string& names) noexcept;
  [[nodiscard]] StorePtr share(const Store* store) const noexcept;

  std::shared_ptr<const Tables> tables_;
  // tables_'s arrays, read on every lookup without going through tables_.
  const Fingerprint* code_fingerprints_ = nullptr;
  const Store* codes_ = nullptr;
  std::size_t code_slots_ = 0;
  const Fingerprint* domain_fingerprints_ = nullptr;
  const DomainSlot* domains_ = nullptr;
  std::size_t domain_slots_ = 0;
  std::size_t store_count_ = 0;
  std::size_t domain_count_ = 0;
};

}  // namespace orion::core

#include "core/flat_directory.hpp"

#include <sys/mman.h>

#include <new>
#include <stdexcept>
#include <utility>

#include "core/text.hpp"

namespace orion::core {
namespace {

constexpr std::uint64_t kMultiplier = 0x9E37'79B9'7F4A'7C15;

// Little-endian loads (x86-64, AArch64): __builtin_memcpy, because the header allow-list of
// src/core has no <cstring>; GCC's -O2 left the byte-by-byte spelling a loop of eight loads.
std::uint64_t load8(const char* p) noexcept {
  std::uint64_t word = 0;
  __builtin_memcpy(&word, p, sizeof word);
  return word;
}

std::uint64_t load_short(const char* p, std::size_t size) noexcept {  // size < 8
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < size; ++i) {
    word |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  }
  return word;
}

std::uint64_t combine(std::uint64_t hash, std::uint64_t word) noexcept {
  hash = (hash ^ word) * kMultiplier;
  return hash ^ (hash >> 32);
}

// A word at a time, the last (partial) word read as the key's last eight bytes, then MurmurHash3's
// finaliser so that both the low bits (the slot) and the high bits (the fingerprint) depend on
// every byte. Not keyed: the indexed keys come from the platform's own data, not from clients.
std::uint64_t hash_key(std::string_view key) noexcept {
  const char* p = key.data();
  const std::size_t size = key.size();
  std::uint64_t hash = (size + 1) * kMultiplier;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    hash = combine(hash, load8(p + i));
  }
  if (i < size) {
    hash = combine(hash, size >= 8 ? load8(p + size - 8) : load_short(p, size));
  }
  hash ^= hash >> 33;
  hash *= 0xFF51'AFD7'ED55'8CCD;
  hash ^= hash >> 33;
  hash *= 0xC4CE'B9FE'1A85'EC53;
  hash ^= hash >> 33;
  return hash;
}

// 1-255 from the hash's top byte (the slot comes from its low bits); 0 marks a free slot.
std::uint8_t fingerprint_of(std::uint64_t hash) noexcept {
  const auto top = static_cast<std::uint8_t>(hash >> 56);
  return top == 0 ? 1 : top;
}

// Starts fetching every cache line of a slot without waiting for them: the lines travel
// together, so a hit waits for one round trip to memory whichever of them it reads.
template <class Slot>
void prefetch_slot(const Slot* slot) noexcept {
  const char* first = reinterpret_cast<const char*>(slot);
  __builtin_prefetch(first);
  const std::size_t into_line = reinterpret_cast<std::uintptr_t>(first) % 64;
  for (std::size_t offset = 64 - into_line; offset < sizeof(Slot); offset += 64) {
    __builtin_prefetch(first + offset);
  }
}

// The slot a key's probe sequence starts at, from the hash's low 32 bits (the fingerprint comes
// from its top byte): a multiply and a shift map them onto any table size, not only a power of
// two, so a table can be sized to its keys.
std::size_t home_of(std::uint64_t hash, std::size_t slots) noexcept {
  return static_cast<std::size_t>(((hash & 0xFFFF'FFFF) * slots) >> 32);
}

std::size_t next_slot(std::size_t i, std::size_t slots) noexcept {
  return i + 1 == slots ? 0 : i + 1;
}

// Three slots per two keys (and always a free one, which ends every probe sequence): linear
// probing then finds most keys in their home slot, which the hint fetched, while a table holds
// a third less memory than at half full.
std::size_t slot_count_for(std::size_t keys) {
  const std::size_t slots = keys + keys / 2 + 1;
  if (slots > (std::size_t{1} << 32)) {
    throw std::length_error("FlatStoreDirectory: more than 2^32 slots");
  }
  return slots < 16 ? 16 : slots;
}

// The hint's second half: a key that is not in its home slot (a third of them, at two thirds
// full) is found in the fingerprints, a byte array small enough to be in cache, so that its slot
// is on its way too when the lookup comes. A few slots only: the lookup itself walks the rest.
template <class Slot>
void prefetch_displaced(const std::uint8_t* fingerprints, const Slot* slots, std::size_t count,
                        std::size_t home, std::uint8_t fingerprint) noexcept {
  std::size_t i = home;
  for (int step = 0; step < 4; ++step) {
    const std::uint8_t seen = fingerprints[i];
    if (seen == 0 || seen == fingerprint) {
      if (i != home && seen != 0) {
        prefetch_slot(&slots[i]);
      }
      return;
    }
    i = next_slot(i, count);
  }
}

// A transparent huge page on x86-64 and on AArch64 with 4 KiB base pages.
constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Arrays start on a cache line, so that a slot of 64 bytes (a store) is one line, never two.
constexpr std::size_t kCacheLine = 64;

std::size_t line_aligned(std::size_t alignment) noexcept {
  return alignment < kCacheLine ? kCacheLine : alignment;
}

std::size_t huge_page_bytes(std::size_t size) noexcept {
  return (size + kHugePage - 1) / kHugePage * kHugePage;
}

}  // namespace

// An array of at least a huge page starts on a huge-page boundary and fills whole huge pages, and
// is advised before it is first touched, so that the kernel backs it with 2 MiB pages from the
// first write where transparent huge pages are enabled ("always" or "madvise" in
// /sys/kernel/mm/transparent_hugepage/enabled). Where they are not, madvise fails or does nothing
// and the array simply stays in 4 KiB pages: lookups are the same, only slower.
void* FlatStoreDirectory::allocate_bytes(std::size_t count, std::size_t size,
                                         std::size_t alignment) {
  if (count > static_cast<std::size_t>(-1) / size) {
    throw std::bad_array_new_length();
  }
  const std::size_t bytes = count * size;
  if (bytes < kHugePage) {
    return ::operator new (bytes, std::align_val_t{line_aligned(alignment)});
  }
  void* p = ::operator new (huge_page_bytes(bytes), std::align_val_t{kHugePage});
#ifdef MADV_HUGEPAGE
  static_cast<void>(::madvise(p, huge_page_bytes(bytes), MADV_HUGEPAGE));
#endif
  return p;
}

void FlatStoreDirectory::deallocate_bytes(void* p, std::size_t size,
                                          std::size_t alignment) noexcept {
  ::operator delete (p, std::align_val_t{size < kHugePage ? line_aligned(alignment) : kHugePage});
}

void FlatStoreDirectory::Builder::reserve(std::size_t stores, std::size_t domains) {
  stores_.reserve(stores);
  domains_.reserve(domains);
}

void FlatStoreDirectory::Builder::add_store(std::int64_t id, std::string code, std::string name,
                                            bool is_active) {
  stores_.emplace_back(id, std::move(code), std::move(name), is_active);
}

void FlatStoreDirectory::Builder::add_store(Store store) { stores_.push_back(std::move(store)); }

void FlatStoreDirectory::Builder::add_domain(std::string domain, std::string code,
                                             bool is_verified) {
  domains_.push_back(PendingDomain{std::move(domain), std::move(code), is_verified});
}

FlatStoreDirectory::FlatStoreDirectory() : FlatStoreDirectory(Builder().build()) {}

FlatStoreDirectory FlatStoreDirectory::Builder::build() {
  std::vector<Store> stores = std::move(stores_);
  std::vector<PendingDomain> domains = std::move(domains_);
  stores_.clear();
  domains_.clear();

  auto tables = std::make_shared<Tables>();
  FlatStoreDirectory out{Empty{}};
  // Codes: each store moves into its slot; a later store with the same code replaces it there.
  tables->code_fingerprints.assign(slot_count_for(stores.size()), 0);
  tables->codes.resize(tables->code_fingerprints.size());
  out.code_slots_ = tables->codes.size();
  for (Store& store : stores) {
    if (store.code.empty()) {
      continue;
    }
    const std::uint64_t hash = hash_key(store.code);
    const Fingerprint fingerprint = fingerprint_of(hash);
    for (std::size_t i = home_of(hash, out.code_slots_);; i = next_slot(i, out.code_slots_)) {
      if (tables->code_fingerprints[i] == 0) {
        tables->code_fingerprints[i] = fingerprint;
        ++out.store_count_;
      } else if (tables->code_fingerprints[i] != fingerprint ||
                 tables->codes[i].code != store.code) {
        continue;
      }
      tables->codes[i] = std::move(store);
      break;
    }
  }
  out.code_fingerprints_ = tables->code_fingerprints.data();
  out.codes_ = tables->codes.data();

  // Domains: each resolved now to a copy of its store, so that a hit reads its slot only. One
  // that cannot route (unverified, or naming no active store) keeps its slot, not routing.
  tables->domain_fingerprints.assign(slot_count_for(domains.size()), 0);
  tables->domains.resize(tables->domain_fingerprints.size());
  out.domain_slots_ = tables->domains.size();
  for (const PendingDomain& domain : domains) {
    if (domain.domain.size() > 0xFFFF) {
      throw std::length_error("FlatStoreDirectory: a domain longer than 65535 bytes");
    }
    const Store* store = domain.is_verified ? out.find_code(domain.code) : nullptr;
    const std::uint64_t hash = hash_key(domain.domain);
    const Fingerprint fingerprint = fingerprint_of(hash);
    for (std::size_t i = home_of(hash, out.domain_slots_);; i = next_slot(i, out.domain_slots_)) {
      DomainSlot& slot = tables->domains[i];
      if (tables->domain_fingerprints[i] == 0) {
        tables->domain_fingerprints[i] = fingerprint;
        slot.size = static_cast<std::uint16_t>(domain.domain.size());
        const std::string_view key = domain.domain;
        key.substr(0, kInlineDomain).copy(slot.key, kInlineDomain);
        if (key.size() > kInlineDomain) {
          if (tables->names.size() + key.size() > 0xFFFF'FFFF) {
            throw std::length_error("FlatStoreDirectory: too many long domain names");
          }
          slot.rest = static_cast<std::uint32_t>(tables->names.size());
          tables->names.append(key.substr(kInlineDomain));
        }
        ++out.domain_count_;
      } else if (tables->domain_fingerprints[i] != fingerprint ||
                 !same_domain(slot, domain.domain, tables->names)) {
        continue;
      }
      slot.routes = store != nullptr;
      slot.store = store != nullptr ? *store : Store{};
      break;
    }
  }
  out.domain_fingerprints_ = tables->domain_fingerprints.data();
  out.domains_ = tables->domains.data();
  out.tables_ = std::move(tables);
  return out;
}

bool FlatStoreDirectory::same_domain(const DomainSlot& slot, std::string_view domain,
                                     const std::string& names) noexcept {
  if (slot.size != domain.size()) {
    return false;
  }
  if (domain.size() <= kInlineDomain) {
    return text::same(std::string_view(slot.key, domain.size()), domain);
  }
  return std::string_view(slot.key, kInlineDomain) == domain.substr(0, kInlineDomain) &&
         std::string_view(names).substr(slot.rest, domain.size() - kInlineDomain) ==
             domain.substr(kInlineDomain);
}

// Both lookups fetch the home slot's store while they read the fingerprints: most hits are in
// their home slot, and a miss that finds a free slot there never waits for the store.
const Store* FlatStoreDirectory::find_code(std::string_view code) const noexcept {
  const std::uint64_t hash = hash_key(code);
  const Fingerprint fingerprint = fingerprint_of(hash);
  std::size_t i = home_of(hash, code_slots_);
  prefetch_slot(&codes_[i]);
  for (;; i = next_slot(i, code_slots_)) {
    const Fingerprint seen = code_fingerprints_[i];
    if (seen == 0) {
      return nullptr;
    }
    if (seen == fingerprint) {
      const Store& slot = codes_[i];
      if (text::same(slot.code, code)) {
        return slot.is_active ? &slot : nullptr;
      }
    }
  }
}

const Store* FlatStoreDirectory::find_domain(std::string_view domain) const noexcept {
  const std::uint64_t hash = hash_key(domain);
  const Fingerprint fingerprint = fingerprint_of(hash);
  std::size_t i = home_of(hash, domain_slots_);
  prefetch_slot(&domains_[i]);
  for (;; i = next_slot(i, domain_slots_)) {
    const Fingerprint seen = domain_fingerprints_[i];
    if (seen == 0) {
      return nullptr;
    }
    if (seen == fingerprint) {
      const DomainSlot& slot = domains_[i];
      if (same_domain(slot, domain, tables_->names)) {
        return slot.routes ? &slot.store : nullptr;
      }
    }
  }
}

void FlatStoreDirectory::prefetch_by_domain(std::string_view domain) const noexcept {
  const std::uint64_t hash = hash_key(domain);
  const std::size_t i = home_of(hash, domain_slots_);
  __builtin_prefetch(&domain_fingerprints_[i]);
  prefetch_slot(&domains_[i]);
  prefetch_displaced(domain_fingerprints_, domains_, domain_slots_, i, fingerprint_of(hash));
}

void FlatStoreDirectory::prefetch_by_code(std::string_view code) const noexcept {
  const std::uint64_t hash = hash_key(code);
  const std::size_t i = home_of(hash, code_slots_);
  __builtin_prefetch(&code_fingerprints_[i]);
  prefetch_slot(&codes_[i]);
  prefetch_displaced(code_fingerprints_, codes_, code_slots_, i, fingerprint_of(hash));
}

StorePtr FlatStoreDirectory::share(const Store* store) const noexcept {
  if (store == nullptr) {
    return nullptr;
  }
  return StorePtr(tables_, store);  // shares the tables' count: no allocation per lookup
}

StorePtr FlatStoreDirectory::find_active_by_domain(std::string_view domain) const {
  return share(find_domain(domain));
}

StorePtr FlatStoreDirectory::find_active_by_code(std::string_view code) const {
  return share(find_code(code));
}

}  // namespace orion::core

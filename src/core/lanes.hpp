// Sixteen bytes at a time for the hot text scans of src/core (host names, request paths, store
// codes; docs/PERFORMANCE.md). GCC's vector extension, which Clang shares: it compiles to SSE2 on
// x86-64, to NEON on AArch64 and to plain integer code elsewhere, with no intrinsics header.
// A comparison gives -1 in each lane where it holds and 0 where it does not. Bytes are signed, so
// bytes of 0x80 and up are negative lanes, below every ASCII test.
#pragma once

#include <cstddef>
#include <cstdint>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "first_lane() reads lanes as the bytes of little-endian words"
#endif

namespace orion::core::lanes {

using Lanes = signed char __attribute__((vector_size(16)));
inline constexpr std::size_t kWidth = sizeof(Lanes);

inline Lanes load(const char* p) noexcept {
  Lanes lanes;
  __builtin_memcpy(&lanes, p, sizeof lanes);
  return lanes;
}

inline void store(char* p, Lanes lanes) noexcept { __builtin_memcpy(p, &lanes, sizeof lanes); }

inline Lanes splat(char c) noexcept { return Lanes{} + static_cast<signed char>(c); }

// Whether any lane of a comparison's result holds.
inline bool any(Lanes lanes) noexcept {
  std::uint64_t halves[2];
  __builtin_memcpy(halves, &lanes, sizeof halves);
  return (halves[0] | halves[1]) != 0;
}

// The index of the first lane of a comparison's result that holds, or kWidth when none does.
inline std::size_t first(Lanes lanes) noexcept {
  std::uint64_t halves[2];
  __builtin_memcpy(halves, &lanes, sizeof halves);
  if (halves[0] != 0) {
    return static_cast<std::size_t>(__builtin_ctzll(halves[0])) / 8;
  }
  if (halves[1] != 0) {
    return 8 + static_cast<std::size_t>(__builtin_ctzll(halves[1])) / 8;
  }
  return kWidth;
}

// Lanes between lo and hi, inclusive (both ASCII).
inline Lanes between(Lanes lanes, char lo, char hi) noexcept {
  return (lanes >= static_cast<signed char>(lo)) & (lanes <= static_cast<signed char>(hi));
}

// Upper-case ASCII letters lower-cased, every other byte as it was.
inline Lanes to_lower(Lanes lanes) noexcept {
  return lanes | (between(lanes, 'A', 'Z') & static_cast<signed char>('a' - 'A'));
}

// `size` bytes of `text` (at most `Capacity`), then at least kWidth bytes of `filler`: whole
// vectors up to the one holding byte `size`, and up to kWidth bytes after it, can then be read
// from `bytes` without reading past `text` or reading bytes never set.
template <std::size_t Capacity>
struct Padded {
  static_assert(Capacity % kWidth == 0);
  alignas(kWidth) char bytes[Capacity + kWidth];

  // The bytes past Capacity + kWidth are left unset: the loops that use Padded read whole vectors
  // up to the one holding `size`, and a few bytes past it.
  Padded(const char* text, std::size_t size, char filler) noexcept {
    const Lanes fill = splat(filler);
    const std::size_t last = size / kWidth * kWidth;  // the vector holding byte `size`
    store(bytes + last, fill);
    if (last + kWidth < sizeof bytes) {
      store(bytes + last + kWidth, fill);
    }
    __builtin_memcpy(bytes, text, size);
  }
};

}  // namespace orion::core::lanes

// The one assertion the fuzz targets use: a broken invariant prints what failed and the input
// that broke it, then aborts, so libFuzzer saves the input and a replay fails loudly. Unlike
// assert() it stays on in every build type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace orion::fuzz {

// The input being run, for the failure message.
inline std::string_view current_input;

class InputScope {
 public:
  InputScope(const std::uint8_t* data, std::size_t size) noexcept {
    current_input = std::string_view(reinterpret_cast<const char*>(data), size);
  }
  ~InputScope() { current_input = {}; }
  InputScope(const InputScope&) = delete;
  InputScope& operator=(const InputScope&) = delete;
};

inline void print_escaped(std::string_view s) noexcept {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      std::fputs("\\\\", stderr);
    } else if (u >= 0x20 && u < 0x7f) {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", static_cast<unsigned>(u));
    }
  }
}

[[noreturn]] inline void check_failed(const char* file, int line, const char* expression,
                                      std::string_view detail) noexcept {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, expression);
  if (!detail.empty()) {
    std::fputs("  detail: ", stderr);
    print_escaped(detail);
    std::fputc('\n', stderr);
  }
  std::fprintf(stderr, "  input (%zu bytes): \"", current_input.size());
  print_escaped(current_input);
  std::fputs("\"\n", stderr);
  std::abort();
}

}  // namespace orion::fuzz

// ORION_FUZZ_CHECK(condition) or ORION_FUZZ_CHECK_MSG(condition, detail): `detail` is anything
// convertible to std::string_view, evaluated only on failure.
#define ORION_FUZZ_CHECK_MSG(condition, detail)                                              \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      ::orion::fuzz::check_failed(__FILE__, __LINE__, #condition, std::string_view(detail)); \
    }                                                                                        \
  } while (false)

#define ORION_FUZZ_CHECK(condition) ORION_FUZZ_CHECK_MSG(condition, "")

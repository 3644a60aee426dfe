// What one dependent memory access costs on this machine (docs/PERFORMANCE.md): a pointer chase
// through a shuffled array of cache lines, each load waiting for the one before, as a directory
// lookup waits for its slot. Usage: memory_latency <MiB> <huge: 0|1>; with 1 the array is
// advised for transparent huge pages before it is first touched.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <numeric>
#include <random>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: memory_latency <MiB> <huge: 0|1>\n");
    return 2;
  }
  const std::size_t bytes = static_cast<std::size_t>(std::atol(argv[1])) << 20;
  const bool huge = std::atoi(argv[2]) != 0;
  constexpr std::size_t kLine = 64;
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* memory = ::operator new (rounded, std::align_val_t{kHugePage});
  if (huge) {
    static_cast<void>(::madvise(memory, rounded, MADV_HUGEPAGE));
  }
  auto* words = static_cast<std::uint64_t*>(memory);
  const std::size_t lines = bytes / kLine;
  std::vector<std::uint32_t> order(lines);
  std::iota(order.begin(), order.end(), 0U);
  std::mt19937_64 rng(1);
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t i = 0; i < lines; ++i) {
    words[order[i] * (kLine / 8)] = order[(i + 1) % lines];
  }
  std::uint64_t at = order[0];
  constexpr std::size_t kSteps = 2'000'000;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t step = 0; step < kSteps; ++step) {
    at = words[at * (kLine / 8)];
  }
  const auto stop = std::chrono::steady_clock::now();
  std::printf("%zu MiB, %s pages: %.1f ns per dependent load (end %llu)\n", bytes >> 20,
              huge ? "2 MiB" : "4 KiB",
              std::chrono::duration<double, std::nano>(stop - start).count() / kSteps,
              static_cast<unsigned long long>(at));
  ::operator delete (memory, std::align_val_t{kHugePage});
  return 0;
}

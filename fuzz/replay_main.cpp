// Replays fuzz inputs without libFuzzer, so that every build (gcc included) runs the seed corpus
// and every crash input once checked in: each argument is a file or a directory whose regular
// files (recursively, in name order) are fed to LLVMFuzzerTestOneInput one at a time.
//
// Exits non-zero when no input was found, so a mistyped corpus path cannot pass as green.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& argument, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_regular_file(argument, ec)) {
    files.push_back(argument);
    return true;
  }
  if (!fs::is_directory(argument, ec)) {
    std::fprintf(stderr, "replay: %s is neither a file nor a directory\n", argument.c_str());
    return false;
  }
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(argument, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      found.push_back(it->path());
    }
  }
  if (ec) {
    std::fprintf(stderr, "replay: cannot read %s: %s\n", argument.c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

bool read_file(const fs::path& path, std::vector<std::uint8_t>& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus directory or input file>...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], files)) {
      return 2;
    }
  }
  std::vector<std::uint8_t> bytes;
  std::size_t ran = 0;
  for (const fs::path& file : files) {
    if (!read_file(file, bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
      return 2;
    }
    // Printed first, so that the input of a failing check is named right above its report.
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
    // A copy of exactly `size` bytes, so that ASan sees any read past the end of the input.
    const auto input = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), input.get());
    LLVMFuzzerTestOneInput(input.get(), bytes.size());
    ++ran;
  }
  std::printf("replay: ran %zu inputs\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  return 0;
}

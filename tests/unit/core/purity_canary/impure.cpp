// A deliberately impure file: the purity checks must reject it, which proves they can fail.
#include <fstream>
#include <string>

namespace orion::testing {

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace orion::testing

#include "storage/value.hpp"

#include <stdexcept>

namespace orion::storage {
namespace {

[[noreturn]] void mismatch(std::size_t i, const char* wanted) {
  throw std::logic_error("column " + std::to_string(i) + " is not " + wanted);
}

}  // namespace

std::int64_t Row::integer(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return *n;
  }
  if (const auto* b = std::get_if<bool>(&v)) {
    return *b ? 1 : 0;
  }
  mismatch(i, "an integer");
}

const std::string& Row::text(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  mismatch(i, "text");
}

bool Row::boolean(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* b = std::get_if<bool>(&v)) {
    return *b;
  }
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return *n != 0;  // SQLite stores booleans as 0 and 1
  }
  mismatch(i, "a boolean");
}

std::optional<std::int64_t> Row::optional_integer(std::size_t i) const {
  if (is_null(i)) {
    return std::nullopt;
  }
  return integer(i);
}

std::optional<std::string> Row::optional_text(std::size_t i) const {
  if (is_null(i)) {
    return std::nullopt;
  }
  return text(i);
}

}  // namespace orion::storage

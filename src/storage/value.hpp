// Values crossing the database boundary: bound parameters and result cells. Deliberately few
// types: ids, counts, money (integer cents) and times (Unix seconds) are int64; text is UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace orion::storage {

struct Null {
  friend bool operator==(Null, Null) = default;
};

using Value = std::variant<Null, std::int64_t, std::string, bool>;

// An optional column value: NULL when empty.
template <class T>
Value to_value(const std::optional<T>& value) {
  return value ? Value(*value) : Value(Null{});
}

// One result row; cells in the order of the SELECT list.
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}

  [[nodiscard]] std::size_t size() const noexcept { return cells_.size(); }
  [[nodiscard]] bool is_null(std::size_t i) const {
    return std::holds_alternative<Null>(cells_.at(i));
  }
  // Typed reads. A type mismatch is a programming error (the query and the reader disagree).
  [[nodiscard]] std::int64_t integer(std::size_t i) const;
  [[nodiscard]] const std::string& text(std::size_t i) const;
  [[nodiscard]] bool boolean(std::size_t i) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::size_t i) const;
  [[nodiscard]] std::optional<std::string> optional_text(std::size_t i) const;

 private:
  std::vector<Value> cells_;
};

struct QueryResult {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

}  // namespace orion::storage

// A string of bounded length held inline, for the parts of a Resolution whose length is bounded
// (the host name, the base path): resolving a request then allocates nothing for them, which was
// a third of a resolution's instructions (docs/PERFORMANCE.md). Boost 1.81's static_string would
// hold the bytes the same way, but it speaks boost::string_view rather than std::string_view
// unless every translation unit is built with BOOST_STATIC_STRING_STANDALONE, Beast's included.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orion::core {

template <std::size_t Capacity>
class InlineString {
 public:
  InlineString() noexcept { bytes_[0] = '\0'; }
  // Throws std::length_error past Capacity bytes.
  InlineString(std::string_view text) { assign(text); }  // NOLINT(google-explicit-constructor)
  InlineString(const InlineString& other) noexcept { copy_from(other); }
  InlineString& operator=(const InlineString& other) noexcept {
    copy_from(other);
    return *this;
  }
  InlineString& operator=(std::string_view text) { return assign(text); }

  InlineString& assign(std::string_view text) {
    check(text.size());
    __builtin_memcpy(bytes_, text.data(), text.size());
    size_ = text.size();
    bytes_[size_] = '\0';
    return *this;
  }
  InlineString& append(std::string_view text) {
    check(size_ + text.size());
    __builtin_memcpy(bytes_ + size_, text.data(), text.size());
    size_ += text.size();
    bytes_[size_] = '\0';
    return *this;
  }
  void clear() noexcept {
    size_ = 0;
    bytes_[0] = '\0';
  }

  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const char* data() const noexcept { return bytes_; }
  [[nodiscard]] const char* c_str() const noexcept { return bytes_; }
  [[nodiscard]] std::string_view view() const noexcept { return {bytes_, size_}; }
  [[nodiscard]] std::string str() const { return std::string(view()); }
  operator std::string_view() const noexcept {
    return view();
  }  // NOLINT(google-explicit-constructor)

  friend bool operator==(const InlineString& a, const InlineString& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const InlineString& a, std::string_view b) noexcept {
    return a.view() == b;
  }

 private:
  static void check(std::size_t size) {
    if (size > Capacity) {
      throw std::length_error("InlineString: longer than its capacity");
    }
  }
  // Copies the bytes in use only: a resolution moves through a few hands, and its host's capacity
  // is 253 bytes where a typical host uses 20.
  void copy_from(const InlineString& other) noexcept {
    if (this == &other) {
      return;
    }
    size_ = other.size_;
    __builtin_memcpy(bytes_, other.bytes_, size_ + 1);
  }

  std::size_t size_ = 0;
  char bytes_[Capacity + 1];  // the bytes in use, then '\0'; the rest unset
};

}  // namespace orion::core

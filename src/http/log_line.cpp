#include "http/log_line.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <mutex>

namespace orion::http {
namespace {

// The source location that marks a LogLine's record, so that the formatter knows its payload is
// rendered already (fields, escaped) and not a plain message. Compared by address.
constexpr char kLogLineSource[] = "orion:log_line";

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7f; }

// The length of the valid UTF-8 sequence at `text[at]` (a byte >= 0x80), 0 when it is not one.
std::size_t utf8_sequence(std::string_view text, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    min_second = lead == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    max_second = lead == 0xed ? 0x9f : 0xbf;  // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    min_second = lead == 0xf0 ? 0x90 : 0x80;
    max_second = lead == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (at + length > text.size() || byte(at + 1) < min_second || byte(at + 1) > max_second) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xbf) {
      return 0;
    }
  }
  return length;
}

// A plain message with its control bytes escaped (it may carry request data its author did not
// escape: an exception's text, a name from a form).
std::string without_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (is_control(static_cast<unsigned char>(c))) {
      append_hex_escape(out, static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto since = time.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> text{};
  const std::size_t size = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(text.data(), size);
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
  return out;
}

class Formatter final : public spdlog::formatter {
 public:
  explicit Formatter(LogFormat format)
      : format_(format), pattern_(std::make_unique<spdlog::pattern_formatter>()) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const bool rendered = msg.source.filename == kLogLineSource;
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (format_ == LogFormat::text) {
      if (rendered) {
        pattern_->format(msg, dest);
        return;
      }
      const std::string clean = without_controls(payload);
      spdlog::details::log_msg copy(msg);
      copy.payload = spdlog::string_view_t(clean.data(), clean.size());
      pattern_->format(copy, dest);
      return;
    }
    std::string line = "{\"time\":\"" + utc_timestamp(msg.time) + "\",\"logger\":";
    line += log_json_string(std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    const auto level = spdlog::level::to_string_view(msg.level);
    line += ",\"level\":";
    line += log_json_string(std::string_view(level.data(), level.size()));
    if (rendered) {
      if (!payload.empty()) {
        line += ',';
        line += payload;
      }
    } else {
      line += ",\"message\":";
      line += log_json_string(payload);
    }
    line += '}';
    line += spdlog::details::os::default_eol;
    dest.append(line.data(), line.data() + line.size());
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<Formatter>(format_);
  }

 private:
  LogFormat format_;
  std::unique_ptr<spdlog::pattern_formatter> pattern_;
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view text) noexcept {
  if (text == "text") {
    return LogFormat::text;
  }
  if (text == "json") {
    return LogFormat::json;
  }
  return std::nullopt;
}

namespace {

void append_text_value(std::string& out, std::string_view value, bool always_quote) {
  bool bare = !value.empty() && !always_quote;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '"' || c == '=' || c == '\\') {
      bare = false;
      break;
    }
  }
  if (bare) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (is_control(byte) || byte >= 0x80) {
      append_hex_escape(out, byte);
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string log_text_value(std::string_view value, bool always_quote) {
  std::string out;
  append_text_value(out, value, always_quote);
  return out;
}

namespace {

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else if (byte >= 0x80) {
      const std::size_t length = utf8_sequence(value, i);
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(value.substr(i, length));
        i += length;
      }
      continue;
    } else {
      out += c;
    }
    ++i;
  }
  out += '"';
}

}  // namespace

std::string log_json_string(std::string_view value) {
  std::string out;
  append_json_string(out, value);
  return out;
}

LogLine& LogLine::add(std::string_view key, std::string_view value, bool quote) {
  fields_.push_back(Field{std::string(key), std::string(value), false, quote});
  return *this;
}

LogLine& LogLine::add(std::string_view key, std::int64_t value) {
  fields_.push_back(Field{std::string(key), std::to_string(value), true, false});
  return *this;
}

std::string LogLine::render(LogFormat format) const {
  // One allocation for the whole line: every value's length, and room for quotes and escapes.
  std::size_t size = message_.size() + 32;
  for (const Field& field : fields_) {
    size += field.key.size() + field.value.size() + 8;
  }
  std::string out;
  out.reserve(size);
  if (format == LogFormat::text) {
    for (const char c : message_) {
      if (is_control(static_cast<unsigned char>(c))) {
        append_hex_escape(out, static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    for (const Field& field : fields_) {
      if (!out.empty()) {
        out += ' ';
      }
      out += field.key;
      out += '=';
      if (field.number) {
        out += field.value;
      } else {
        append_text_value(out, field.value, field.quote);
      }
    }
    return out;
  }
  if (!message_.empty()) {
    out += "\"message\":";
    append_json_string(out, message_);
  }
  for (const Field& field : fields_) {
    if (!out.empty()) {
      out += ',';
    }
    append_json_string(out, field.key);
    out += ':';
    if (field.number) {
      out += field.value;
    } else {
      append_json_string(out, field.value);
    }
  }
  return out;
}

void write_log_line(spdlog::logger& log, spdlog::level::level_enum level, const LogLine& line,
                    LogFormat format) {
  if (!log.should_log(level)) {
    return;
  }
  const std::string rendered = line.render(format);
  log.log(spdlog::source_loc{kLogLineSource, 0, ""}, level,
          spdlog::string_view_t(rendered.data(), rendered.size()));
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  return std::make_unique<Formatter>(format);
}

namespace {

class FdSink final : public spdlog::sinks::sink {
 public:
  explicit FdSink(int fd) : fd_(fd), formatter_(std::make_unique<spdlog::pattern_formatter>()) {}

  void log(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    {
      std::lock_guard lock(mutex_);
      formatter_->format(msg, line);
    }
    const char* at = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, at, left);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return;
      }
      at += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  void flush() override {}  // nothing is buffered
  void set_pattern(const std::string& pattern) override {
    set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
  }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    std::lock_guard lock(mutex_);
    formatter_ = std::move(formatter);
  }

 private:
  int fd_;
  std::mutex mutex_;
  std::unique_ptr<spdlog::formatter> formatter_;
};

}  // namespace

std::shared_ptr<spdlog::sinks::sink> make_fd_sink(int fd) { return std::make_shared<FdSink>(fd); }

}  // namespace orion::http

// Log lines that carry request data, and the formatter of every line the server logs. A request's
// target, method, Host, User-Agent, an exception's text: all of it is the client's to choose, so
// no value may end a line or forge a field. A LogLine holds named values and renders each one
// escaped: `key=value` pairs in the text format (a value with a space, `"`, `=`, a backslash, a
// control or a non-ASCII byte is quoted, with `\"`, `\\` and `\xNN` inside), or the fields of one
// JSON object in the JSON format (`log_format`, DESIGN.md §7). The formatter escapes the control
// bytes of every other line (text) or makes it a JSON object with its text as "message" (json),
// so that not even a plain line can be split in two.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/sink.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace orion::http {

enum class LogFormat : std::uint8_t { text, json };

// "text" or "json"; none for anything else.
std::optional<LogFormat> parse_log_format(std::string_view text) noexcept;

class LogLine {
 public:
  // `message` leads the text line and is the JSON line's "message" (empty: none).
  explicit LogLine(std::string message = {}) : message_(std::move(message)) {
    fields_.reserve(12);  // the access log's ten fields, in one allocation
  }

  // `quote`: quoted in the text format even when it need not be (the access log's target).
  LogLine& add(std::string_view key, std::string_view value, bool quote = false);
  LogLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  LogLine& add(std::string_view key, std::int64_t value);

  // `message key=value ...` (text) or `"message":"...","key":"value",...` (json: the members of
  // the line's object, without braces: the formatter adds the time and level before them).
  [[nodiscard]] std::string render(LogFormat format) const;

 private:
  struct Field {
    std::string key;
    std::string value;
    bool number = false;
    bool quote = false;
  };
  std::string message_;
  std::vector<Field> fields_;
};

// Writes `line` to `log` at `level`, rendered in `format` (the format of the logger's formatter:
// make_log_formatter).
void write_log_line(spdlog::logger& log, spdlog::level::level_enum level, const LogLine& line,
                    LogFormat format);

// The formatter for a logger whose lines are in `format`: text is spdlog's default pattern
// ("[time] [name] [level] message") with the control bytes of a plain message escaped; json is
// one object per line, {"time":"...","level":"...", then a LogLine's fields or "message"}.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// The sink of `orion serve`: every line goes to file descriptor `fd` (stdout) in one write(2) of
// its own, outside any lock, so two I/O threads logging at once never wait for each other's
// system call (spdlog's stdout_sink_mt holds its mutex across fwrite and fflush). Only the
// formatting is serialised (spdlog's pattern formatter keeps state). Lines of two threads never
// interleave: a write(2) to a pipe of up to PIPE_BUF bytes, or to a regular file, is not split
// by another. A short write is continued; a failed one (EPIPE, a full disk) drops the line, as a
// log must never stop the server.
std::shared_ptr<spdlog::sinks::sink> make_fd_sink(int fd);

// `value` as text-format log value: bare when it is non-empty printable ASCII without space, `"`,
// `=` or `\`, else quoted and escaped. `always_quote` quotes it anyway (the access log's target).
std::string log_text_value(std::string_view value, bool always_quote = false);

// `value` as a JSON string literal, quotes included: `"` `\` and control bytes escaped, valid
// UTF-8 kept, any other byte as U+FFFD.
std::string log_json_string(std::string_view value);

}  // namespace orion::http

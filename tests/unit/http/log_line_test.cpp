// Log values (issue 14 point 13): escaped so that no value can end a line or forge a field, in
// the text and the JSON format, and the formatter that keeps even plain lines on one line.
#include "http/log_line.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace orion::http {
namespace {

TEST(LogLine, PlainValuesStayBareAndOthersAreQuotedAndEscaped) {
  EXPECT_EQ(log_text_value("abc-123"), "abc-123");
  EXPECT_EQ(log_text_value("abc", true), "\"abc\"");
  EXPECT_EQ(log_text_value(""), "\"\"");
  EXPECT_EQ(log_text_value("a b"), "\"a b\"");
  EXPECT_EQ(log_text_value("x=1"), "\"x=1\"");
  EXPECT_EQ(log_text_value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(log_text_value("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(log_text_value("line\nnext\r\x1b[31m\x7f"), "\"line\\x0anext\\x0d\\x1b[31m\\x7f\"");
  EXPECT_EQ(log_text_value("caf\xc3\xa9"), "\"caf\\xc3\\xa9\"");
}

TEST(LogLine, JsonStringsEscapeControlsAndReplaceInvalidUtf8) {
  EXPECT_EQ(log_json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(log_json_string("\n\x01\x7f"), "\"\\u000a\\u0001\\u007f\"");
  EXPECT_EQ(log_json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  // A lone continuation byte, a truncated sequence, an overlong form, a surrogate.
  EXPECT_EQ(log_json_string("\x80|\xc3|\xc0\xaf|\xed\xa0\x80"),
            "\"\\ufffd|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\"");
}

TEST(LogLine, RendersTheSameFieldsAsTextAndAsJson) {
  LogLine line("request");
  line.add("target", "/a\"b", true).add("status", std::int64_t{200}).add("store", "-");
  EXPECT_EQ(line.render(LogFormat::text), "request target=\"/a\\\"b\" status=200 store=-");
  const auto json = boost::json::parse("{" + line.render(LogFormat::json) + "}");
  EXPECT_EQ(json.at("message"), "request");
  EXPECT_EQ(json.at("target"), "/a\"b");
  EXPECT_EQ(json.at("status"), 200);
  EXPECT_EQ(json.at("store"), "-");
}

TEST(LogLine, TheFormatterKeepsEveryLineOnOneLine) {
  for (const LogFormat format : {LogFormat::text, LogFormat::json}) {
    std::ostringstream out;
    auto log = std::make_shared<spdlog::logger>(
        "t", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    log->set_formatter(make_log_formatter(format));
    log->warn("store {}: {}", "x", "name with\na newline");
    write_log_line(*log, spdlog::level::info, LogLine().add("v", "a\nb"), format);
    const std::string text = out.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
    if (format == LogFormat::text) {
      EXPECT_NE(text.find("[warning] store x: name with\\x0aa newline\n"), std::string::npos)
          << text;
      EXPECT_NE(text.find("[info] v=\"a\\x0ab\"\n"), std::string::npos) << text;
    } else {
      std::istringstream lines(text);
      std::string first, second;
      std::getline(lines, first);
      std::getline(lines, second);
      EXPECT_EQ(boost::json::parse(first).at("message"), "store x: name with\na newline");
      EXPECT_EQ(boost::json::parse(first).at("level"), "warning");
      EXPECT_EQ(boost::json::parse(second).at("v"), "a\nb");
    }
  }
}

TEST(LogLine, OnlyTextAndJsonAreFormats) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_FALSE(parse_log_format("JSON"));
  EXPECT_FALSE(parse_log_format(""));
}

// The sink of orion serve: one write(2) per line, no lock across it. Two threads logging at once
// leave every line whole, each line in the order its thread wrote it, through the formatter.
TEST(FdSink, LinesOfTwoThreadsNeverInterleave) {
  char path[] = "/tmp/orion-fd-sink-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  auto log = std::make_shared<spdlog::logger>("t", make_fd_sink(fd));
  log->set_formatter(make_log_formatter(LogFormat::json));
  constexpr int kLines = 2000;
  const std::string padding(300, 'p');  // long lines: more room for a torn write to show
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        write_log_line(*log, spdlog::level::info,
                       LogLine("line")
                           .add("thread", std::int64_t{t})
                           .add("i", std::int64_t{i})
                           .add("pad", padding),
                       LogFormat::json);
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  ::close(fd);
  std::ifstream in(path);
  std::string line;
  std::array<std::int64_t, 2> next{0, 0};
  int count = 0;
  while (std::getline(in, line)) {
    const auto json = boost::json::parse(line).as_object();  // throws on a torn line
    const std::int64_t thread = json.at("thread").as_int64();
    ASSERT_TRUE(thread == 0 || thread == 1) << line;
    EXPECT_EQ(json.at("i").as_int64(), next[thread]) << line;
    next[thread] = json.at("i").as_int64() + 1;
    EXPECT_EQ(json.at("pad").as_string(), padding);
    ++count;
  }
  ::unlink(path);
  EXPECT_EQ(count, 2 * kLines);
}

}  // namespace
}  // namespace orion::http

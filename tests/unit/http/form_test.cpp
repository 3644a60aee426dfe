// The console's form parser (http/form.hpp): urlencoded fields, multipart fields and files with
// quoted names, preambles, epilogues and boundary look-alikes in the content; and every
// malformed body (no boundary, truncated, a part without headers or without a name, too many
// parts) refused as Errc::malformed rather than half-read.
#include "http/form.hpp"

#include <gtest/gtest.h>

#include <string>

namespace orion::http {
namespace {

constexpr std::string_view kType = "multipart/form-data; boundary=XyZ";

// A part of a body with boundary "XyZ": its delimiter line, headers, blank line and content.
std::string part(const std::string& disposition, const std::string& content,
                 const std::string& type = {}) {
  std::string out = "--XyZ\r\nContent-Disposition: form-data; " + disposition + "\r\n";
  if (!type.empty()) {
    out += "Content-Type: " + type + "\r\n";
  }
  return out + "\r\n" + content + "\r\n";
}

const std::string kEnd = "--XyZ--\r\n";

void expect_malformed(std::string_view type, std::string_view body, std::string_view why) {
  const auto form = parse_form(type, body);
  ASSERT_FALSE(form) << "accepted: " << body;
  EXPECT_EQ(form.error().code, core::Errc::malformed) << form.error().message;
  EXPECT_NE(form.error().message.find(why), std::string::npos) << form.error().message;
}

TEST(UrlencodedForm, FieldsAreDecodedInOrder) {
  const auto form = parse_form("application/x-www-form-urlencoded",
                               "name=Blue+Mug&price=12.50&note=a%26b%3Dc&empty=&bare&name=again");
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 6U);
  EXPECT_EQ(form->text("name"), "Blue Mug");  // the first of two
  EXPECT_EQ(form->text("price"), "12.50");
  EXPECT_EQ(form->text("note"), "a&b=c");
  EXPECT_EQ(form->field("empty"), std::optional<std::string>(""));
  EXPECT_EQ(form->field("bare"), std::optional<std::string>(""));
  EXPECT_EQ(form->fields.back(), (std::pair<std::string, std::string>{"name", "again"}));
  EXPECT_EQ(form->field("missing"), std::nullopt);
  EXPECT_EQ(form->text("missing"), "");
  EXPECT_TRUE(form->files.empty());
}

TEST(UrlencodedForm, NoContentTypeIsUrlencodedAndAnEmptyBodyHasNoFields) {
  const auto form = parse_form("", "a=1");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->text("a"), "1");
  const auto empty = parse_form("application/x-www-form-urlencoded; charset=UTF-8", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->fields.empty());
}

TEST(UrlencodedForm, OtherContentTypesAndBadEscapesAreMalformed) {
  expect_malformed("application/json", "{\"a\":1}", "must be");
  expect_malformed("text/plain", "a=1", "must be");
  expect_malformed("application/x-www-form-urlencoded", "a=%zz", "urlencoded");
}

TEST(MultipartForm, FieldsAndFilesWithTheirClaims) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0binary", 16);
  const std::string body = part("name=\"csrf\"", "tok") +
                           part("name=\"logo\"; filename=\"logo.png\"", png, "image/png") +
                           part("name=\"note\"", "two\r\nlines") + kEnd;
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->text("csrf"), "tok");
  EXPECT_EQ(form->text("note"), "two\r\nlines");
  ASSERT_EQ(form->files.size(), 1U);
  const FormFile* logo = form->file("logo");
  ASSERT_NE(logo, nullptr);
  EXPECT_EQ(logo->filename, "logo.png");
  EXPECT_EQ(logo->content_type, "image/png");
  EXPECT_EQ(logo->data, png);                    // bytes kept exactly, NULs and CRLFs included
  EXPECT_EQ(form->field("logo"), std::nullopt);  // a file is not a field
}

TEST(MultipartForm, QuotedParametersAndHeaderCase) {
  const std::string body =
      "--XyZ\r\ncontent-disposition: Form-Data; NAME=\"a;b=c\"; filename=\"we\\\"ird; x.png\"\r\n"
      "CONTENT-TYPE: text/plain\r\n\r\nbytes\r\n" +
      part("name=plain", "unquoted name") + kEnd;
  const auto form = parse_form("Multipart/Form-Data; Boundary=\"XyZ\"", body);
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->files.size(), 1U);
  EXPECT_EQ(form->files[0].field, "a;b=c");
  EXPECT_EQ(form->files[0].filename, "we\"ird; x.png");
  EXPECT_EQ(form->files[0].content_type, "text/plain");
  EXPECT_EQ(form->text("plain"), "unquoted name");
}

TEST(MultipartForm, ABareParameterDoesNotSwallowTheNextOne) {
  const std::string body = part("flag; name=\"a\"", "1") + kEnd;
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->text("a"), "1");
}

TEST(MultipartForm, AnEmptyFileInputIsNoFile) {
  // What a browser sends for a file input left empty.
  const std::string body = part("name=\"logo\"; filename=\"\"", "", "application/octet-stream") +
                           part("name=\"logo\"; filename=\"b.gif\"", "GIF89a") + kEnd;
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->files.size(), 2U);
  const FormFile* logo = form->file("logo");
  ASSERT_NE(logo, nullptr);
  EXPECT_EQ(logo->filename, "b.gif");  // the first one with bytes
  const auto only_empty = parse_form(
      kType, part("name=\"logo\"; filename=\"\"", "", "application/octet-stream") + kEnd);
  ASSERT_TRUE(only_empty);
  EXPECT_EQ(only_empty->file("logo"), nullptr);
}

TEST(MultipartForm, PreambleEpilogueAndPaddingAreIgnored) {
  const std::string body =
      "This is a preamble.\r\n--XyZ \t\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" +
      kEnd + "an epilogue\r\n--XyZ\r\nignored";
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 1U);
  EXPECT_EQ(form->text("a"), "1");
}

TEST(MultipartForm, ContentThatLooksLikeTheBoundaryIsContent) {
  // "--XyZ" followed by anything but "--" or CRLF is not a delimiter line.
  const std::string content = "line\r\n--XyZabc\r\n--XyZ-x\r\nend";
  const std::string body = "--XyZabc\r\n" + part("name=\"a\"", content) + kEnd;
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 1U);
  EXPECT_EQ(form->text("a"), content);
}

TEST(MultipartForm, EmptyValuesAndAPartWithHeadersOnly) {
  const std::string body =
      part("name=\"a\"", "") + "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n" + kEnd;
  const auto form = parse_form(kType, body);
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->field("a"), std::optional<std::string>(""));
  EXPECT_EQ(form->field("b"), std::optional<std::string>(""));
}

TEST(MultipartForm, AnEmptyFormIsJustTheCloseDelimiter) {
  const auto form = parse_form(kType, kEnd);
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_TRUE(form->fields.empty());
  EXPECT_TRUE(form->files.empty());
}

TEST(MultipartForm, AMissingOrBadBoundaryIsMalformed) {
  const std::string body = part("name=\"a\"", "1") + kEnd;
  expect_malformed("multipart/form-data", body, "boundary");
  expect_malformed("multipart/form-data; boundary=", body, "boundary");
  expect_malformed("multipart/form-data; boundary=" + std::string(71, 'b'), body, "boundary");
  expect_malformed("multipart/form-data; boundary=\"XyZ", body, "unterminated");
  expect_malformed("multipart/form-data; boundary=Other", body, "no boundary line");
  expect_malformed(kType, "", "no boundary line");
  expect_malformed(kType, "just some text", "no boundary line");
}

TEST(MultipartForm, TruncatedBodiesAreMalformed) {
  const std::string whole = part("name=\"a\"", "1") + part("name=\"b\"", "2") + kEnd;
  ASSERT_TRUE(parse_form(kType, whole));
  // Cut anywhere before the close delimiter is complete: never a half-read form.
  const std::size_t close = whole.rfind("--XyZ--");
  for (std::size_t size = 1; size < close + 7; ++size) {
    const auto form = parse_form(kType, std::string_view(whole).substr(0, size));
    EXPECT_FALSE(form) << "accepted the first " << size << " bytes";
    if (!form) {
      EXPECT_EQ(form.error().code, core::Errc::malformed);
    }
  }
  expect_malformed(kType, part("name=\"a\"", "1"), "ends inside a part");
  expect_malformed(kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
                   "ends inside a part");
  // The blank line between the headers and the content is missing.
  expect_malformed(kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n" + kEnd,
                   "no blank line");
}

TEST(MultipartForm, APartWithoutHeadersOrANameIsMalformed) {
  expect_malformed(kType, "--XyZ\r\n\r\nno headers\r\n" + kEnd, "Content-Disposition");
  expect_malformed(kType, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n" + kEnd,
                   "Content-Disposition");
  expect_malformed(kType, part("filename=\"a.png\"", "x") + kEnd, "Content-Disposition");
  expect_malformed(kType,
                   "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n" + kEnd,
                   "Content-Disposition");
  expect_malformed(kType, "--XyZ\r\nno colon here\r\n\r\nx\r\n" + kEnd, "without a colon");
  expect_malformed(kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n" + kEnd,
                   "unterminated");
  expect_malformed(kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nx\r\n" + kEnd,
                   "no blank line");
}

TEST(MultipartForm, AtMostTwoHundredParts) {
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body += part("name=\"f" + std::to_string(i) + "\"", std::to_string(i));
  }
  const auto full = parse_form(kType, body + kEnd);
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->fields.size(), 200U);
  EXPECT_EQ(full->text("f199"), "199");
  expect_malformed(kType, body + part("name=\"one_more\"", "x") + kEnd, "too many parts");
}

}  // namespace
}  // namespace orion::http

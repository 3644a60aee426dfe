// web::Templates: the embedded templates parse, render with the shared layout, escape values,
// and fail loudly on an unknown name.
#include "web/templates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace orion::web {
namespace {

namespace mustache = kainjow::mustache;

TEST(Templates, EmbedsTheLayoutAndThePages) {
  const Templates templates;
  const auto names = templates.names();
  for (const char* name : {"layout/head", "layout/foot", "shop/home", "platform/home"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(Templates, EscapesValuesAndUsesTheLayout) {
  const Templates templates;
  mustache::data data;
  data.set("title", "<script>alert(1)</script>");
  data.set("site_name", "Tom & \"Jerry\"");
  const std::string html = templates.render("layout/head", data);
  EXPECT_NE(html.find("<!doctype html>"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Tom &amp; &quot;Jerry&quot;"), std::string::npos);
}

TEST(Templates, EveryTemplateRendersWithoutLeakingMustacheSyntax) {
  // A comment or tag cut short (a "}}" inside a {{! comment }}) shows up as stray braces.
  const Templates templates;
  for (const std::string& name : templates.names()) {
    const std::string html = templates.render(name, mustache::data{});
    EXPECT_EQ(html.find("{{"), std::string::npos) << name;
    EXPECT_EQ(html.find("}}"), std::string::npos) << name;
  }
}

TEST(Templates, AnUnknownTemplateThrows) {
  const Templates templates;
  EXPECT_THROW((void)templates.render("shop/nope", mustache::data{}), std::out_of_range);
}

TEST(Templates, DataCannotNameAPartial) {
  // A value named like a partial must not be used as template source.
  const Templates templates;
  mustache::data data;
  data.set("layout/head", "{{evil}}");
  data.set("title", "T");
  const std::string html = templates.render("layout/head", data);
  EXPECT_EQ(html.find("{{evil}}"), std::string::npos);
}

TEST(Templates, RendersConcurrently) {
  const Templates templates;
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 50; ++n) {
        mustache::data data;
        data.set("title", "page " + std::to_string(i));
        results[i] = templates.render("layout/head", data);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_NE(results[i].find("page " + std::to_string(i)), std::string::npos);
  }
}

}  // namespace
}  // namespace orion::web

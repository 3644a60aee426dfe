// web::Templates: the embedded templates parse, render with the shared layout, escape values,
// and fail loudly on an unknown name.
#include "web/templates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace orion::web {

std::span<const std::pair<std::string_view, std::string_view>> embedded_templates() noexcept;

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

// How kainjow renders a template with its partials looked up (and parsed) at render time: what
// Templates rendered before it expanded partials at start. The expansion must not change a byte.
class KainjowPartials final : public mustache::context<std::string> {
 public:
  KainjowPartials(const mustache::data* data, const std::map<std::string, mustache::data>& partials)
      : mustache::context<std::string>(data), partials_(partials) {}
  const mustache::data* get_partial(const std::string& name) const override {
    const auto found = partials_.find(name);
    return found == partials_.end() ? nullptr : &found->second;
  }

 private:
  const std::map<std::string, mustache::data>& partials_;
};

mustache::data shopper_page() {
  mustache::data data;
  data.set("title", "Products");
  data.set("site_name", "Orion <Shop>");
  data.set("context", "shop");
  data.set("home_url", "/shop/");
  data.set("shop", "/shop");
  mustache::data nav{mustache::data::type::list};
  for (const char* label : {"Home", "Products", "Cart"}) {
    mustache::data link;
    link.set("label", label);
    link.set("href", std::string("/shop/") + label);
    nav.push_back(link);
  }
  data.set("nav", nav);
  mustache::data product;
  product.set("id", "7");
  product.set("name", "Lamp & Shade");
  product.set("description", "Bright.");
  product.set("price", "25.00 EUR");
  product.set("url", "/shop/products/7");
  product.set("in_stock", true);
  mustache::data products{mustache::data::type::list};
  products.push_back(product);
  products.push_back(product);
  data.set("products", products);
  data.set("product", product);
  data.set("has_products", true);
  data.set("prev_url", "/shop/products?page=1");
  data.set("error", "Something <went> wrong");
  data.set("status", "404");
  data.set("heading", "Page not found");
  data.set("message", "No such page.");
  return data;
}

TEST(Templates, ExpandedPartialsRenderExactlyAsKainjowsOwn) {
  std::map<std::string, mustache::data> partials;
  for (const auto& [name, source] : embedded_templates()) {
    partials.emplace(std::string(name), mustache::data{std::string(source)});
  }
  const Templates templates;
  for (const mustache::data& data : {mustache::data{}, shopper_page()}) {
    for (const auto& [name, source] : embedded_templates()) {
      mustache::mustache reference{std::string(source)};
      KainjowPartials context{&data, partials};
      const std::string expected = reference.render(context);
      ASSERT_TRUE(reference.is_valid()) << name;
      EXPECT_EQ(templates.render(name, data), expected) << name;
    }
  }
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

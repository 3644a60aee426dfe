// The OpenAPI document of the management API held against the real route table of a running
// server: every API route is documented (path and method), every documented path and method is
// a route, and the document is well-formed enough for tools to read (every operation answers
// something, path parameters are declared, $refs resolve, the bearer scheme exists). The
// comparison itself is checked on a doctored document, so a drift cannot pass unnoticed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/test_server.hpp"
#include "web/api/api_call.hpp"

namespace orion {
namespace {

namespace json = boost::json;
using testing::TestServer;

using Operation = std::pair<std::string, std::string>;  // path, lower-case method

constexpr std::string_view kMethods[] = {"get",   "put",  "post",   "delete",
                                         "patch", "head", "options"};

std::set<Operation> routed_operations(const http::Router& router) {
  std::set<Operation> out;
  for (const http::Route& route : router.routes()) {
    if (route.context != core::ContextType::api) {
      continue;
    }
    std::string method(boost::beast::http::to_string(route.method));
    for (char& c : method) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.emplace(route.pattern, method);
  }
  return out;
}

std::set<Operation> documented_operations(const json::object& document) {
  std::set<Operation> out;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& member : item.as_object()) {
      for (const std::string_view method : kMethods) {
        if (member.key() == method) {
          out.emplace(std::string(path), std::string(method));
        }
      }
    }
  }
  return out;
}

// The operations of `a` missing from `b`, as "METHOD path" lines.
std::string missing(const std::set<Operation>& a, const std::set<Operation>& b) {
  std::string out;
  for (const Operation& op : a) {
    if (!b.contains(op)) {
      out += op.second + " " + op.first + "\n";
    }
  }
  return out;
}

json::object parsed_document() {
  boost::system::error_code ec;
  json::value value = json::parse(web::api::openapi_document(), ec);
  EXPECT_FALSE(ec) << "openapi.json does not parse: " << ec.message();
  if (ec || !value.is_object()) {
    return {};
  }
  return value.as_object();
}

class OpenApiTest : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    server_ = TestServer::start(GetParam());
    ASSERT_TRUE(server_);
  }
  std::unique_ptr<TestServer> server_;
};

TEST_P(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  const auto routes = routed_operations(server_->app().router());
  // The thirteen paths of DESIGN.md §4 and the document itself: sixteen operations and more.
  ASSERT_GE(routes.size(), 17U);
  const auto documented = documented_operations(parsed_document());
  EXPECT_EQ(missing(routes, documented), "") << "routes missing from openapi.json";
  EXPECT_EQ(missing(documented, routes), "") << "documented operations with no route";
}

TEST_P(OpenApiTest, TheServedDocumentIsTheEmbeddedOne) {
  auto response = server_->get("platform.test", "/api/v1/openapi.json");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), web::api::openapi_document());
}

TEST_P(OpenApiTest, TheComparisonCatchesADocumentedRouteThatDoesNotExist) {
  auto document = parsed_document();
  document.at("paths").as_object()["/api/v1/stores/{code}/coupons"] =
      json::object{{"get", json::object{{"responses", json::object{}}}}};
  document.at("paths").as_object()["/api/v1/admin/stores"].as_object().erase("post");
  const auto routes = routed_operations(server_->app().router());
  const auto documented = documented_operations(document);
  EXPECT_EQ(missing(documented, routes), "get /api/v1/stores/{code}/coupons\n");
  EXPECT_EQ(missing(routes, documented), "post /api/v1/admin/stores\n");
}

ORION_SERVER_ON_BOTH_BACKENDS(OpenApiTest);

// Resolves a local "$ref" ("#/components/schemas/Store"); null when it does not resolve.
const json::value* resolve(const json::object& document, std::string_view ref) {
  if (!ref.starts_with("#/")) {
    return nullptr;
  }
  const json::value* at = nullptr;
  const json::object* object = &document;
  ref.remove_prefix(2);
  while (!ref.empty()) {
    const auto slash = ref.find('/');
    const std::string_view key = ref.substr(0, slash);
    ref = slash == std::string_view::npos ? std::string_view{} : ref.substr(slash + 1);
    if (object == nullptr || (at = object->if_contains(key)) == nullptr) {
      return nullptr;
    }
    object = at->if_object();
  }
  return at;
}

void collect_refs(const json::value& value, std::vector<std::string>& refs) {
  if (const auto* object = value.if_object()) {
    for (const auto& [key, member] : *object) {
      if (key == "$ref" && member.is_string()) {
        refs.emplace_back(member.as_string());
      } else {
        collect_refs(member, refs);
      }
    }
  } else if (const auto* array = value.if_array()) {
    for (const auto& member : *array) {
      collect_refs(member, refs);
    }
  }
}

// The names of the path parameters an operation declares, directly or through $ref.
std::set<std::string> declared_parameters(const json::object& document, const json::object& item,
                                          const json::object& operation) {
  std::set<std::string> out;
  for (const json::object* holder : {&item, &operation}) {
    const json::value* parameters = holder->if_contains("parameters");
    if (parameters == nullptr) {
      continue;
    }
    for (const json::value& parameter : parameters->as_array()) {
      const json::value* p = &parameter;
      if (const json::value* ref = parameter.as_object().if_contains("$ref")) {
        p = resolve(document, ref->as_string());
      }
      if (p != nullptr && p->at("in") == "path") {
        out.emplace(p->at("name").as_string());
      }
    }
  }
  return out;
}

TEST(OpenApiDocument, IsAWellFormedOpenApi3Document) {
  const auto document = parsed_document();
  ASSERT_FALSE(document.empty());
  EXPECT_TRUE(std::string_view(document.at("openapi").as_string()).starts_with("3.0."));
  EXPECT_FALSE(document.at("info").at("title").as_string().empty());
  const auto& scheme = document.at("components").at("securitySchemes").at("bearerAuth").as_object();
  EXPECT_EQ(scheme.at("type"), "http");
  EXPECT_EQ(scheme.at("scheme"), "bearer");
  ASSERT_EQ(document.at("security").as_array().size(), 1U);
  EXPECT_TRUE(document.at("security").as_array()[0].as_object().contains("bearerAuth"));

  std::set<std::string> operation_ids;
  for (const auto& [path, item_value] : document.at("paths").as_object()) {
    const json::object& item = item_value.as_object();
    std::set<std::string> in_path;
    for (std::size_t open = path.find('{'); open != std::string_view::npos;
         open = path.find('{', open + 1)) {
      in_path.emplace(path.substr(open + 1, path.find('}', open) - open - 1));
    }
    for (const std::string_view method : kMethods) {
      const json::value* op = item.if_contains(method);
      if (op == nullptr) {
        continue;
      }
      const json::object& operation = op->as_object();
      const std::string where = std::string(method) + " " + std::string(path);
      EXPECT_FALSE(operation.at("responses").as_object().empty()) << where;
      EXPECT_TRUE(operation_ids.insert(std::string(operation.at("operationId").as_string())).second)
          << "duplicate operationId at " << where;
      EXPECT_EQ(declared_parameters(document, item, operation), in_path) << where;
      if (path != "/api/v1/openapi.json") {
        EXPECT_TRUE(operation.at("responses").as_object().contains("401")) << where;
      }
    }
  }

  std::vector<std::string> refs;
  collect_refs(document, refs);
  EXPECT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    EXPECT_NE(resolve(document, ref), nullptr) << "unresolved $ref " << ref;
  }
}

}  // namespace
}  // namespace orion

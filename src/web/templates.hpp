// The page templates (mustache, kainjow), embedded in the binary from src/web/templates/ so
// that `orion` never reads them from the working directory. Values are HTML-escaped by
// mustache's {{name}}; nothing a store controls is ever inserted with {{{raw}}}.
#pragma once

#include <kainjow/mustache.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace orion::web {

class Templates {
 public:
  // Parses every embedded template once, its partials expanded in place; a template that does
  // not parse, or names a partial that does not exist, throws (a build bug).
  Templates();
  ~Templates();
  Templates(const Templates&) = delete;
  Templates& operator=(const Templates&) = delete;

  // Renders template `name` ("shop/home", "platform/home", ...) with `data`. An unknown name or
  // a template error is a bug: it throws, and the error boundary answers 500.
  [[nodiscard]] std::string render(std::string_view name,
                                   const kainjow::mustache::data& data) const;

  // The names of every embedded template, sorted (for tests).
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  struct Compiled;
  std::unique_ptr<const Compiled> compiled_;
};

}  // namespace orion::web

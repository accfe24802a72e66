// Helpers for the scene tests: an XML well-formedness check (models: support/model_builder.h).
#pragma once
#include <string>

namespace nf::scene::test {

// "" when `xml` is well-formed for what our exporters write (elements, attributes in
// double quotes, text, comments-free, <?xml?> prolog); otherwise the first problem:
// unbalanced or mismatched tags, raw '<' or '&' outside markup or entities, unknown
// entities, control characters, invalid UTF-8, text after the root element.
std::string xmlProblem(const std::string& xml);

}  // namespace nf::scene::test

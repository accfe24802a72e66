// Helpers for the builder tests: build documents in a few lines.
#pragma once
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "builder/analysis.h"
#include "builder/document.h"

namespace nf::builder::test {

inline ParamValue I(int64_t v) { return ParamValue(v); }
inline ParamValue F(double v) { return ParamValue(v); }
inline ParamValue B(bool v) { return ParamValue(v); }
inline ParamValue S(const char* v) { return ParamValue(std::string(v)); }
inline ParamValue T(std::initializer_list<int64_t> v) { return ParamValue(IntList(v)); }

// Adds a node of `type` (parameters coerced like the editor does: 3 -> (3, 3)) and
// connects `inputs` to ports 0, 1, ... Fails the test if the type is unknown.
inline NodeId add(Document& doc, const std::string& type, std::vector<std::pair<std::string, ParamValue>> params = {},
                  std::vector<NodeId> inputs = {}, std::string name = "") {
  auto node = makeNode(doc, type, {0, 80.0 * doc.nodes().size()});
  EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().message);
  if (!node.ok()) return {};
  const LayerSpec* spec = catalog().find(type);
  for (auto& [k, v] : params) {
    const ParamSpec* p = spec->param(k);
    EXPECT_NE(p, nullptr) << type << " has no parameter " << k;
    if (!p) continue;
    auto c = p->coerce(v);
    node->params[p->name] = c ? *c : v;
  }
  if (!name.empty()) node->name = name;
  const NodeId id = node->id;
  EXPECT_TRUE(doc.insertNode(*node).ok());
  for (size_t port = 0; port < inputs.size(); ++port)
    EXPECT_TRUE(doc.insertEdge({inputs[port], id, static_cast<int>(port)}).ok());
  return id;
}

inline NodeId input(Document& doc, std::initializer_list<int64_t> shape, const char* dtype = "float32") {
  return add(doc, "Input", {{"shape", ParamValue(IntList(shape))}, {"dtype", S(dtype)}});
}

// The analysed output dims of `id` (canonical), or {} when it has none.
inline IntList dimsOf(const Analysis& a, NodeId id) {
  const NodeReport* r = a.find(id);
  return r && r->output ? r->output->dims : IntList{};
}

// All messages of a node, joined, for EXPECT_THAT-free substring checks.
inline std::string issuesOf(const Analysis& a, NodeId id) {
  std::string s;
  if (const NodeReport* r = a.find(id))
    for (const Issue& i : r->issues) s += i.message + "\n";
  return s;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace nf::builder::test

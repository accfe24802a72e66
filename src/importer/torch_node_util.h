// importer/torch_node_util.h - reading ONNX attributes and inputs while emitting torch code
// (shared by the translator files).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "builder/codegen.h"
#include "importer/torch_context.h"

namespace nf::importer::detail {

inline int64_t attrInt(const ir::Node& n, const char* name, int64_t def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::Int ? a->i : def;
}
inline double attrFloat(const ir::Node& n, const char* name, double def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::Float ? a->f : def;
}
inline std::string attrStr(const ir::Node& n, const char* name, const std::string& def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::String ? a->s : def;
}
inline std::optional<std::vector<int64_t>> attrInts(const ir::Node& n, const char* name) {
  const ir::Attribute* a = n.attr(name);
  if (!a || a->type != ir::AttrType::Ints) return std::nullopt;
  return a->ints;
}
inline std::vector<int64_t> attrIntsOr(const ir::Node& n, const char* name, std::vector<int64_t> def) {
  auto v = attrInts(n, name);
  return v ? *v : def;
}

inline bool hasInput(const ir::Node& n, size_t i) { return i < n.inputs.size() && n.inputs[i].valid(); }
inline bool outputUsed(const Ctx& c, const ir::Node& n, size_t i) {
  if (i >= n.outputs.size() || !n.outputs[i].valid()) return false;
  const ir::Value& v = c.g.value(n.outputs[i]);
  return !v.consumers.empty() || v.graph_output;
}

inline bool symmetric(const std::vector<int64_t>& pads) {
  const size_t k = pads.size() / 2;
  for (size_t i = 0; i < k; ++i)
    if (pads[i] != pads[k + i]) return false;
  return true;
}

inline std::string pyStr(const std::string& s) { return builder::pyString(s); }

// The expression for an int-list input: a literal when known, else onnx_ints(expr) at run time.
inline Result<std::string> intsArg(Ctx& c, ir::ValueId v) {
  if (auto k = c.knownInts(v)) return pyInts(*k);
  auto e = c.value(v);
  if (!e) return e;
  c.helpers.use("onnx_ints");
  return *e;
}

// Ops that are one torch expression of their inputs: op type -> builder (torch_op_table.cpp).
// A null entry marks an op emitNode handles itself.
using ExprBuilder = std::function<Result<std::string>(Ctx&, const ir::Node&, const std::vector<std::string>&)>;
const std::map<std::string, ExprBuilder, std::less<>>& simpleOps();

}  // namespace nf::importer::detail

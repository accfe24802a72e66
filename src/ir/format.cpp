#include "ir/format.h"

#include <cstdio>

#include "base/strings.h"

namespace nf::ir {

namespace {

std::string floatText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

template <class T, class F>
std::string listText(const std::vector<T>& items, size_t max_items, F one) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i == max_items) {
      out += ", ... (" + std::to_string(items.size()) + " items)";
      break;
    }
    if (i) out += ", ";
    out += one(items[i]);
  }
  return out + "]";
}

}  // namespace

std::string tensorTypeText(const Tensor& t) {
  return std::string(elemTypeName(t.elem)) + shapeToString(Shape::ofKnown(t.dims));
}

std::string attributeValueText(const Model& m, const Attribute& a, size_t max_items) {
  auto quoted = [](const std::string& s) { return "\"" + displayName(s, 120) + "\""; };
  auto graphText = [&](GraphId g) {
    if (g.index >= m.graphs.size()) return std::string("graph ?");
    const Graph& gr = m.graph(g);
    return "graph '" + displayName(gr.name, 60) + "' (" + std::to_string(gr.nodes.size()) + " nodes)";
  };
  switch (a.type) {
    case AttrType::Float: return floatText(a.f);
    case AttrType::Int: return std::to_string(a.i);
    case AttrType::String: return quoted(a.s);
    case AttrType::Tensor: return a.tensors.empty() ? "tensor" : "tensor " + tensorTypeText(a.tensors[0]);
    case AttrType::Graph: return a.graphs.empty() ? "graph" : graphText(a.graphs[0]);
    case AttrType::Floats: return listText(a.floats, max_items, [](float v) { return floatText(v); });
    case AttrType::Ints: return listText(a.ints, max_items, [](int64_t v) { return std::to_string(v); });
    case AttrType::Strings: return listText(a.strings, max_items, quoted);
    case AttrType::Tensors:
      return listText(a.tensors, max_items, [](const Tensor& t) { return tensorTypeText(t); });
    case AttrType::Graphs: return listText(a.graphs, max_items, graphText);
    case AttrType::SparseTensor:
    case AttrType::SparseTensors:
      return std::to_string(a.sparse_tensors.size()) + " sparse tensor(s)";
    case AttrType::TypeProto:
    case AttrType::TypeProtos:
      return listText(a.types, max_items, [](const Type& t) { return typeToString(t); });
    case AttrType::Undefined: break;
  }
  return a.ref_attr_name.empty() ? "(no value)" : "refers to '" + displayName(a.ref_attr_name) + "'";
}

}  // namespace nf::ir

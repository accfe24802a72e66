// tests/shapes/model_builder.h - builds small ir::Models by hand for unit tests.
//
//   ir::Model m = tb::model(13);
//   tb::G g(m);
//   g.input("x", F32, {1, 3, "batch"});
//   g.initInts("shape", {2}, {1, -1});
//   g.node("Reshape", {"x", "shape"}, {"y"});
//   g.output("y");
#pragma once
#include <cstring>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "ir/model.h"

namespace nf::tb {

constexpr ir::ElemType F32 = ir::ElemType::Float;
constexpr ir::ElemType I64 = ir::ElemType::Int64;
constexpr ir::ElemType BOOL = ir::ElemType::Bool;

// A dim written as 3 or "batch" (or "?" for unknown).
struct D {
  D(int v) : dim(ir::Dim::known(v)) {}                // NOLINT
  D(int64_t v) : dim(ir::Dim::known(v)) {}            // NOLINT
  D(const char* s) : dim(std::string(s) == "?" ? ir::Dim::unknown() : ir::Dim::symbolic(s)) {}  // NOLINT
  ir::Dim dim;
};

inline ir::Shape shape(std::initializer_list<D> dims) {
  ir::Shape s;
  s.rank_known = true;
  for (const auto& d : dims) s.dims.push_back(d.dim);
  return s;
}

inline ir::Model model(int64_t opset = 17) {
  ir::Model m;
  m.opsets.push_back({"", opset});
  m.graphs.emplace_back();
  m.graphs[0].name = "main";
  return m;
}

// Attribute makers.
inline ir::Attribute aInt(const std::string& n, int64_t v) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Int;
  a.i = v;
  return a;
}
inline ir::Attribute aFloat(const std::string& n, float v) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Float;
  a.f = v;
  return a;
}
inline ir::Attribute aInts(const std::string& n, std::vector<int64_t> v) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Ints;
  a.ints = std::move(v);
  return a;
}
inline ir::Attribute aFloats(const std::string& n, std::vector<float> v) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Floats;
  a.floats = std::move(v);
  return a;
}
inline ir::Attribute aStr(const std::string& n, std::string v) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::String;
  a.s = std::move(v);
  return a;
}
inline ir::Attribute aGraph(const std::string& n, ir::GraphId g) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Graph;
  a.graphs.push_back(g);
  return a;
}

inline ir::Tensor tensorInts(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& data) {
  ir::Tensor t;
  t.name = name;
  t.elem = ir::ElemType::Int64;
  t.dims = std::move(dims);
  t.storage = ir::Tensor::Storage::Inline;
  t.bytes.resize(data.size() * 8);
  std::memcpy(t.bytes.data(), data.data(), t.bytes.size());
  return t;
}
inline ir::Tensor tensorFloats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& data) {
  ir::Tensor t;
  t.name = name;
  t.elem = ir::ElemType::Float;
  t.dims = std::move(dims);
  t.storage = ir::Tensor::Storage::Inline;
  t.bytes.resize(data.size() * 4);
  std::memcpy(t.bytes.data(), data.data(), t.bytes.size());
  return t;
}
// A tensor with dims but no data (like a weight stored elsewhere).
inline ir::Tensor tensorNoData(const std::string& name, ir::ElemType e, std::vector<int64_t> dims) {
  ir::Tensor t;
  t.name = name;
  t.elem = e;
  t.dims = std::move(dims);
  return t;
}
inline ir::Attribute aTensor(const std::string& n, ir::Tensor t) {
  ir::Attribute a;
  a.name = n;
  a.type = ir::AttrType::Tensor;
  a.tensors.push_back(std::move(t));
  return a;
}

// Builds one graph of a model; keep the Model alive and do not add graphs to it
// while a G for another graph is in use (vector growth would move it).
class G {
 public:
  explicit G(ir::Model& m, ir::GraphId id = ir::GraphId{0}) : m_(m), id_(id) {}

  // A new body graph whose parent is node `parent_node` of this graph.
  static ir::GraphId addBody(ir::Model& m, ir::GraphId parent, const std::string& name) {
    ir::Graph g;
    g.name = name;
    g.parent = parent;
    m.graphs.push_back(std::move(g));
    return ir::GraphId{static_cast<uint32_t>(m.graphs.size() - 1)};
  }

  ir::Graph& graph() { return m_.graph(id_); }

  ir::ValueId input(const std::string& name, ir::ElemType e, ir::Shape s) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).type = ir::Type::tensor(e, std::move(s));
    graph().value(v).graph_input = true;
    graph().inputs.push_back(v);
    return v;
  }
  ir::ValueId inputType(const std::string& name, ir::Type t) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).type = std::move(t);
    graph().value(v).graph_input = true;
    graph().inputs.push_back(v);
    return v;
  }
  ir::ValueId init(ir::Tensor t) {
    ir::ValueId v = graph().intern(t.name);
    graph().value(v).initializer = static_cast<int32_t>(graph().initializers.size());
    graph().initializers.push_back(std::move(t));
    return v;
  }
  ir::ValueId initInts(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& data) {
    return init(tensorInts(name, std::move(dims), data));
  }
  ir::ValueId initFloats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& data) {
    return init(tensorFloats(name, std::move(dims), data));
  }
  ir::ValueId weight(const std::string& name, std::vector<int64_t> dims, ir::ElemType e = ir::ElemType::Float) {
    return init(tensorNoData(name, e, std::move(dims)));
  }
  // A value defined by an enclosing graph (for bodies).
  ir::ValueId outer(const std::string& name) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).outer_scope = true;
    return v;
  }
  ir::NodeId node(const std::string& op, std::vector<std::string> ins, std::vector<std::string> outs,
                  std::vector<ir::Attribute> attrs = {}, const std::string& name = "", const std::string& domain = "") {
    ir::Graph& g = graph();
    ir::NodeId id{static_cast<uint32_t>(g.nodes.size())};
    ir::Node n;
    n.op_type = op;
    n.name = name.empty() ? op + "_" + std::to_string(id.index) : name;
    n.domain = domain;
    n.attributes = std::move(attrs);
    for (const auto& s : ins) {
      if (s.empty()) {
        n.inputs.push_back(ir::ValueId{});
        continue;
      }
      ir::ValueId v = g.intern(s);
      n.inputs.push_back(v);
    }
    for (const auto& s : outs) {
      if (s.empty()) {
        n.outputs.push_back(ir::ValueId{});
        continue;
      }
      ir::ValueId v = g.intern(s);
      n.outputs.push_back(v);
    }
    g.nodes.push_back(std::move(n));
    // Producer/consumer links (intern may have grown the vector: index again).
    for (ir::ValueId v : g.nodes.back().inputs)
      if (v.valid()) g.value(v).consumers.push_back(id);
    for (ir::ValueId v : g.nodes.back().outputs)
      if (v.valid()) g.value(v).producer = id;
    return id;
  }
  void output(const std::string& name, ir::Type declared = {}) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).graph_output = true;
    if (declared.known()) graph().value(v).type = std::move(declared);
    graph().outputs.push_back(v);
  }
  void valueInfo(const std::string& name, ir::Type t) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).type = std::move(t);
    graph().value(v).has_value_info = true;
  }
  ir::ValueId id(const std::string& name) { return graph().find(name); }

 private:
  ir::Model& m_;
  ir::GraphId id_;
};

}  // namespace nf::tb

// tests/support/model_builder.h - builds small ir::Models by hand for tests and benches.
//
//   ir::Model m = test::model(13);
//   test::GraphBuilder g(m);
//   g.input("x", test::F32, test::shape({1, 3, "batch"}));   // dims: 3, "batch", or "?"
//   g.initInts("target", {2}, {1, -1});
//   g.node("Reshape", {"x", "target"}, {"y"}, {test::aInt("allowzero", 0)}, "reshape");
//   g.output("y");
//
// or, chaining single-output nodes whose outputs the builder names:
//
//   std::string x = g.input("x");
//   x = g.op("Relu", "/blk/Relu", {x});        // output "/blk/Relu_output_0"
//   g.output(x);
//
// Each call wires the graph as the ONNX reader (onnx/convert.cpp) does: initializer
// index and type, graph_input/graph_output/has_value_info flags, producer (the first
// node that writes a value; a second one is a model warning, as in the reader) and
// consumers (one per consuming input slot, in node order). Declare inputs and
// initializers before the nodes that read them, as a file does. Header-only: the
// benchmarks (native and shapes_bench's WebAssembly build) use it without GoogleTest.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "ir/model.h"

namespace nf::test {

constexpr ir::ElemType F32 = ir::ElemType::Float;
constexpr ir::ElemType I64 = ir::ElemType::Int64;
constexpr ir::ElemType BOOL = ir::ElemType::Bool;

// [SECTION] Shapes ------------------------------------------------------------

// One dim of shape({...}): 3 (known), "batch" (symbolic) or "?" (unknown).
struct DimArg {
  DimArg(int v) : dim(ir::Dim::known(v)) {}      // NOLINT(google-explicit-constructor)
  DimArg(int64_t v) : dim(ir::Dim::known(v)) {}  // NOLINT(google-explicit-constructor)
  DimArg(const char* s)                          // NOLINT(google-explicit-constructor)
      : dim(std::strcmp(s, "?") == 0 ? ir::Dim::unknown() : ir::Dim::symbolic(s)) {}
  ir::Dim dim;
};

// A shape of known rank; shape({}) is a scalar.
inline ir::Shape shape(std::initializer_list<DimArg> dims) {
  ir::Shape s;
  s.rank_known = true;
  for (const DimArg& d : dims) s.dims.push_back(d.dim);
  return s;
}

// [SECTION] Attributes and tensors --------------------------------------------

inline ir::Attribute attr(const std::string& name, ir::AttrType type) {
  ir::Attribute a;
  a.name = name;
  a.type = type;
  return a;
}
inline ir::Attribute aInt(const std::string& n, int64_t v) {
  ir::Attribute a = attr(n, ir::AttrType::Int);
  a.i = v;
  return a;
}
inline ir::Attribute aFloat(const std::string& n, float v) {
  ir::Attribute a = attr(n, ir::AttrType::Float);
  a.f = v;
  return a;
}
inline ir::Attribute aInts(const std::string& n, std::vector<int64_t> v) {
  ir::Attribute a = attr(n, ir::AttrType::Ints);
  a.ints = std::move(v);
  return a;
}
inline ir::Attribute aFloats(const std::string& n, std::vector<float> v) {
  ir::Attribute a = attr(n, ir::AttrType::Floats);
  a.floats = std::move(v);
  return a;
}
inline ir::Attribute aStr(const std::string& n, std::string v) {
  ir::Attribute a = attr(n, ir::AttrType::String);
  a.s = std::move(v);
  return a;
}
inline ir::Attribute aGraph(const std::string& n, ir::GraphId g) {
  ir::Attribute a = attr(n, ir::AttrType::Graph);
  a.graphs.push_back(g);
  return a;
}
inline ir::Attribute aTensor(const std::string& n, ir::Tensor t) {
  ir::Attribute a = attr(n, ir::AttrType::Tensor);
  a.tensors.push_back(std::move(t));
  return a;
}

// A tensor with dims but no data (like a weight stored elsewhere).
inline ir::Tensor tensorNoData(const std::string& name, ir::ElemType e, std::vector<int64_t> dims) {
  ir::Tensor t;
  t.name = name;
  t.elem = e;
  t.dims = std::move(dims);
  return t;
}
// A tensor holding `data` inline, in the raw little-endian layout the reader keeps.
template <class T>
ir::Tensor tensorOf(const std::string& name, ir::ElemType e, std::vector<int64_t> dims, const std::vector<T>& data) {
  ir::Tensor t = tensorNoData(name, e, std::move(dims));
  t.storage = ir::Tensor::Storage::Inline;
  t.bytes.resize(data.size() * sizeof(T));
  if (!data.empty()) std::memcpy(t.bytes.data(), data.data(), t.bytes.size());
  return t;
}
inline ir::Tensor tensorInts(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& data) {
  return tensorOf(name, I64, std::move(dims), data);
}
inline ir::Tensor tensorFloats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& data) {
  return tensorOf(name, F32, std::move(dims), data);
}

// [SECTION] Models and graphs -------------------------------------------------

// An empty model importing the default domain at `opset`, with one main graph.
inline ir::Model model(int64_t opset = 17) {
  ir::Model m;
  m.opsets.push_back({"", opset});
  m.graphs.emplace_back();
  m.graphs[0].name = "main";
  return m;
}

// Builds one graph of a model; keep the Model alive while it is in use. Adding a
// graph (addBody) moves the graphs: re-take references from graph() afterwards.
class GraphBuilder {
 public:
  explicit GraphBuilder(ir::Model& m, ir::GraphId id = ir::GraphId{0}) : m_(m), id_(id) {}

  // A new body graph of `parent` (If/Loop/Scan bodies, function bodies with an invalid parent).
  static ir::GraphId addBody(ir::Model& m, ir::GraphId parent, const std::string& name) {
    ir::Graph g;
    g.name = name;
    g.parent = parent;
    m.graphs.push_back(std::move(g));
    return ir::GraphId{static_cast<uint32_t>(m.graphs.size() - 1)};
  }

  ir::Graph& graph() { return m_.graph(id_); }
  ir::ValueId id(const std::string& name) { return graph().find(name); }

  // A graph input; `t` left out: no declared type. Returns its name.
  std::string input(const std::string& name, ir::Type t = {}) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).graph_input = true;
    if (t.known()) graph().value(v).type = std::move(t);
    graph().inputs.push_back(v);
    return name;
  }
  std::string input(const std::string& name, ir::ElemType e, ir::Shape s) {
    return input(name, ir::Type::tensor(e, std::move(s)));
  }

  // Initializers. Returns the name.
  std::string init(ir::Tensor t) {
    ir::Graph& g = graph();
    std::string name = t.name;
    ir::ValueId v = g.intern(name);
    g.value(v).initializer = static_cast<int32_t>(g.initializers.size());
    if (!g.value(v).type.known()) g.value(v).type = ir::Type::tensor(t.elem, ir::Shape::ofKnown(t.dims));
    g.initializers.push_back(std::move(t));
    return name;
  }
  std::string initInts(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& data) {
    return init(tensorInts(name, std::move(dims), data));
  }
  std::string initFloats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& data) {
    return init(tensorFloats(name, std::move(dims), data));
  }
  // An initializer without data (a weight whose values do not matter).
  std::string weight(const std::string& name, std::vector<int64_t> dims = {4}, ir::ElemType e = F32) {
    return init(tensorNoData(name, e, std::move(dims)));
  }

  // A value_info declaration.
  void valueInfo(const std::string& name, ir::Type t) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).type = std::move(t);
    graph().value(v).has_value_info = true;
  }
  // A value defined by an enclosing graph (read by a body).
  std::string outer(const std::string& name) {
    graph().value(graph().intern(name)).outer_scope = true;
    return name;
  }

  // A node with the given input and output names ("" = an omitted optional one).
  // An empty `name` leaves the node unnamed, as many exporters do.
  ir::NodeId node(const std::string& op, const std::vector<std::string>& ins, const std::vector<std::string>& outs,
                  std::vector<ir::Attribute> attrs = {}, const std::string& name = "", const std::string& domain = "") {
    ir::Graph& g = graph();
    ir::NodeId id{static_cast<uint32_t>(g.nodes.size())};
    ir::Node n;
    n.op_type = op;
    n.name = name;
    n.domain = domain;
    n.attributes = std::move(attrs);
    for (const std::string& s : ins) {
      ir::ValueId v = s.empty() ? ir::ValueId{} : g.intern(s);
      n.inputs.push_back(v);
      if (v.valid()) g.value(v).consumers.push_back(id);
    }
    for (const std::string& s : outs) {
      ir::ValueId v = s.empty() ? ir::ValueId{} : g.intern(s);
      n.outputs.push_back(v);
      if (!v.valid()) continue;
      ir::Value& val = g.value(v);
      if (val.producer.valid() || val.initializer >= 0 || val.graph_input)
        m_.warnings.push_back("value '" + s + "' is produced more than once");
      else
        val.producer = id;
    }
    g.nodes.push_back(std::move(n));
    return id;
  }
  // A node with `outputs` outputs named "<name>_output_<i>" ("v<k>" when unnamed).
  std::vector<std::string> ops(const std::string& op, const std::string& name, const std::vector<std::string>& ins,
                               int outputs, std::vector<ir::Attribute> attrs = {}) {
    std::vector<std::string> outs;
    for (int i = 0; i < outputs; ++i)
      outs.push_back(name.empty() ? "v" + std::to_string(unnamed_++) : name + "_output_" + std::to_string(i));
    node(op, ins, outs, std::move(attrs), name);
    return outs;
  }
  // A single-output node, for chaining: returns its output's name.
  std::string op(const std::string& op, const std::string& name, const std::vector<std::string>& ins,
                 std::vector<ir::Attribute> attrs = {}) {
    return ops(op, name, ins, 1, std::move(attrs))[0];
  }

  // A graph output; `declared` is its declared type, if any.
  void output(const std::string& name, ir::Type declared = {}) {
    ir::ValueId v = graph().intern(name);
    graph().value(v).graph_output = true;
    if (declared.known()) graph().value(v).type = std::move(declared);
    graph().outputs.push_back(v);
  }

 private:
  ir::Model& m_;
  ir::GraphId id_;
  int unnamed_ = 0;
};

}  // namespace nf::test

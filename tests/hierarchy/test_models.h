// Models for the hierarchy tests and benchmark: a small graph builder, a synthetic
// transformer-like stack (PyTorch-style names, per-layer shape chains, an optional
// mask input feeding every layer), and helpers that strip node names or rename
// tensors to meaningless ids. Header-only so the benchmark can use it too.
#pragma once
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ir/model.h"

namespace nf::test {

// Builds graphs[0] of a model node by node, then wires values (producer, consumers,
// flags) the way the ONNX reader does.
class GraphBuilder {
 public:
  explicit GraphBuilder(ir::Model* m) : m_(m) {
    m_->graphs.clear();
    m_->graphs.emplace_back();
    m_->graphs[0].name = "test";
    m_->opsets = {{"", 14}};
  }
  ir::Graph& graph() { return m_->graphs[0]; }

  std::string input(const std::string& name) {
    ir::ValueId v = graph().intern(name);
    graph().inputs.push_back(v);
    return name;
  }
  std::string initializer(const std::string& name, std::vector<int64_t> dims = {4}) {
    ir::Tensor t;
    t.name = name;
    t.elem = ir::ElemType::Float;
    t.dims = std::move(dims);
    graph().initializers.push_back(std::move(t));
    inits_.push_back(name);
    graph().intern(name);
    return name;
  }
  // Adds a node; outputs are named "<name>_output_<i>" (or "v<count>" for unnamed nodes).
  std::vector<std::string> node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                                int outputs = 1, std::vector<ir::Attribute> attrs = {}) {
    ir::Node n;
    n.op_type = op;
    n.name = name;
    n.attributes = std::move(attrs);
    for (const auto& in : inputs) n.inputs.push_back(in.empty() ? ir::ValueId{} : graph().intern(in));
    std::vector<std::string> outs;
    for (int i = 0; i < outputs; ++i) {
      std::string o = name.empty() ? "v" + std::to_string(counter_++) : name + "_output_" + std::to_string(i);
      n.outputs.push_back(graph().intern(o));
      outs.push_back(o);
    }
    graph().nodes.push_back(std::move(n));
    return outs;
  }
  std::string op(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                 std::vector<ir::Attribute> attrs = {}) {
    return node(op, name, inputs, 1, std::move(attrs))[0];
  }
  void output(const std::string& name) { graph().outputs.push_back(graph().intern(name)); }

  // Fills producer/consumers/flags. Call once, after the last node.
  void finish() {
    ir::Graph& g = graph();
    for (auto& v : g.values) {
      v.producer = ir::NodeId{};
      v.consumers.clear();
    }
    for (uint32_t i = 0; i < g.nodes.size(); ++i) {
      for (ir::ValueId o : g.nodes[i].outputs)
        if (o.valid()) g.values[o.index].producer = ir::NodeId{i};
      for (ir::ValueId in : g.nodes[i].inputs)
        if (in.valid()) g.values[in.index].consumers.push_back(ir::NodeId{i});
    }
    for (ir::ValueId v : g.inputs) g.values[v.index].graph_input = true;
    for (ir::ValueId v : g.outputs) g.values[v.index].graph_output = true;
    for (size_t i = 0; i < g.initializers.size(); ++i)
      g.values[g.find(g.initializers[i].name).index].initializer = static_cast<int32_t>(i);
  }

 private:
  ir::Model* m_;
  std::vector<std::string> inits_;
  int counter_ = 0;
};

inline ir::Attribute intAttr(const std::string& name, int64_t v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttrType::Int;
  a.i = v;
  return a;
}

inline ir::Attribute intsAttr(const std::string& name, std::vector<int64_t> v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttrType::Ints;
  a.ints = std::move(v);
  return a;
}

// Names a node PyTorch-style inside a scope: "/enc/layers.3/self_attn/MatMul",
// then "MatMul_1", ... for repeats within the same scope.
class TorchNamer {
 public:
  std::string operator()(const std::string& scope, const std::string& op) {
    int& k = seen_[scope + "|" + op];
    std::string leaf = k == 0 ? op : op + "_" + std::to_string(k);
    ++k;
    return scope + "/" + leaf;
  }

 private:
  std::map<std::string, int> seen_;
};

struct StackOptions {
  int layers = 12;
  bool names = true;   // PyTorch-style node names
  bool mask = true;    // a graph input "mask" added to the attention scores of every layer
};

// Nodes per layer of makeTransformerStack (with / without the mask Add).
inline int stackLayerNodes(bool mask) { return mask ? 60 : 59; }

// A transformer-encoder-like stack as the PyTorch 1.13 exporter writes it:
//   /embed: MatMul, Add
//   /enc/layers.i: self_attn (Q/K/V projections, a Shape->Gather->Unsqueeze->Concat
//   chain feeding three Reshapes, scores, Softmax, output projection), residual Add,
//   norm1 (LayerNorm decomposed into 9 ops + 2 Constants), linear1, Relu, linear2,
//   residual Add, norm2, Identity
//   /head: MatMul, then the graph output.
inline ir::Model makeTransformerStack(const StackOptions& o = {}) {
  ir::Model m;
  m.producer_name = "pytorch";
  GraphBuilder b(&m);
  TorchNamer namer;
  auto nm = [&](const std::string& scope, const std::string& op) { return o.names ? namer(scope, op) : ""; };
  std::string x = b.input("src");
  std::string mask = o.mask ? b.input("mask") : "";
  x = b.op("MatMul", nm("/embed", "MatMul"), {x, b.initializer("embed.weight", {16, 16})});
  x = b.op("Add", nm("/embed", "Add"), {x, b.initializer("embed.bias")});
  for (int i = 0; i < o.layers; ++i) {
    const std::string L = "/enc/layers." + std::to_string(i);
    const std::string A = L + "/self_attn";
    const std::string p = "enc.layers." + std::to_string(i) + ".";
    auto proj = [&](const std::string& w) {
      std::string t = b.op("MatMul", nm(A, "MatMul"), {x, b.initializer(p + w + ".weight", {16, 16})});
      return b.op("Add", nm(A, "Add"), {t, b.initializer(p + w + ".bias")});
    };
    std::string q = proj("q"), k = proj("k"), v = proj("v");
    // Shape chain: Shape -> Gather -> Unsqueeze -> Concat -> (Reshape x3)
    std::string sh = b.op("Shape", nm(A, "Shape"), {x});
    std::string idx = b.op("Constant", nm(A, "Constant"), {});
    std::string g = b.op("Gather", nm(A, "Gather"), {sh, idx}, {intAttr("axis", 0)});
    std::string axes = b.op("Constant", nm(A, "Constant"), {});
    std::string u = b.op("Unsqueeze", nm(A, "Unsqueeze"), {g, axes});
    std::string rest = b.op("Constant", nm(A, "Constant"), {});
    std::string cat = b.op("Concat", nm(A, "Concat"), {u, rest}, {intAttr("axis", 0)});
    auto heads = [&](const std::string& t) {
      std::string r = b.op("Reshape", nm(A, "Reshape"), {t, cat});
      return b.op("Transpose", nm(A, "Transpose"), {r}, {intsAttr("perm", {0, 2, 1, 3})});
    };
    q = heads(q);
    k = heads(k);
    v = heads(v);
    std::string s = b.op("MatMul", nm(A, "MatMul"), {q, k});
    s = b.op("Div", nm(A, "Div"), {s, b.op("Constant", nm(A, "Constant"), {})});
    if (o.mask) s = b.op("Add", nm(A, "Add"), {s, mask});
    s = b.op("Softmax", nm(A, "Softmax"), {s}, {intAttr("axis", -1)});
    s = b.op("MatMul", nm(A, "MatMul"), {s, v});
    s = b.op("Transpose", nm(A, "Transpose"), {s}, {intsAttr("perm", {0, 2, 1, 3})});
    s = b.op("Reshape", nm(A, "Reshape"), {s, b.op("Constant", nm(A, "Constant"), {})});
    s = b.op("MatMul", nm(A, "MatMul"), {s, b.initializer(p + "out.weight", {16, 16})});
    s = b.op("Add", nm(A, "Add"), {s, b.initializer(p + "out.bias")});
    std::string r1 = b.op("Add", nm(L, "Add"), {x, s});
    auto norm = [&](const std::string& scope, const std::string& in, const std::string& wname) {
      std::string mean = b.op("ReduceMean", nm(scope, "ReduceMean"), {in}, {intsAttr("axes", {-1})});
      std::string d = b.op("Sub", nm(scope, "Sub"), {in, mean});
      std::string pw = b.op("Pow", nm(scope, "Pow"), {d, b.op("Constant", nm(scope, "Constant"), {})});
      std::string var = b.op("ReduceMean", nm(scope, "ReduceMean"), {pw}, {intsAttr("axes", {-1})});
      std::string eps = b.op("Add", nm(scope, "Add"), {var, b.op("Constant", nm(scope, "Constant"), {})});
      std::string sd = b.op("Sqrt", nm(scope, "Sqrt"), {eps});
      std::string y = b.op("Div", nm(scope, "Div"), {d, sd});
      y = b.op("Mul", nm(scope, "Mul"), {y, b.initializer(p + wname + ".weight")});
      return b.op("Add", nm(scope, "Add"), {y, b.initializer(p + wname + ".bias")});
    };
    std::string n1 = norm(L + "/norm1", r1, "norm1");
    std::string f = b.op("MatMul", nm(L + "/linear1", "MatMul"), {n1, b.initializer(p + "linear1.weight", {16, 64})});
    f = b.op("Add", nm(L + "/linear1", "Add"), {f, b.initializer(p + "linear1.bias", {64})});
    f = b.op("Relu", nm(L, "Relu"), {f});
    f = b.op("MatMul", nm(L + "/linear2", "MatMul"), {f, b.initializer(p + "linear2.weight", {64, 16})});
    f = b.op("Add", nm(L + "/linear2", "Add"), {f, b.initializer(p + "linear2.bias")});
    std::string r2 = b.op("Add", nm(L, "Add"), {n1, f});
    std::string n2 = norm(L + "/norm2", r2, "norm2");
    x = b.op("Identity", nm(L, "Identity"), {n2});
  }
  x = b.op("MatMul", nm("/head", "MatMul"), {x, b.initializer("head.weight", {16, 4})});
  b.node("Softmax", nm("/head", "Softmax"), {x}, 1, {intAttr("axis", -1)});
  b.graph().nodes.back().outputs[0] = b.graph().intern("output");
  b.output("output");
  b.finish();
  return m;
}

// Every node name emptied: what a graph with "no usable names" looks like.
inline void stripNodeNames(ir::Model* m) {
  for (ir::Graph& g : m->graphs)
    for (ir::Node& n : g.nodes) {
      n.name.clear();
      n.metadata.clear();
    }
}

// Every tensor (value, initializer) renamed to "t<index>", keeping ids and wiring.
// Graph's name index is private, so the graph is rebuilt through intern().
inline void renameTensors(ir::Model* m) {
  for (ir::Graph& g : m->graphs) {
    ir::Graph ng;
    ng.name = g.name;
    ng.doc = g.doc;
    ng.parent = g.parent;
    ng.parent_node = g.parent_node;
    ng.function = g.function;
    for (size_t i = 0; i < g.values.size(); ++i) {
      ir::ValueId id = ng.intern("t" + std::to_string(i));
      ir::Value v = g.values[i];
      v.name = ng.values[id.index].name;
      ng.values[id.index] = std::move(v);
    }
    ng.nodes = std::move(g.nodes);
    ng.inputs = std::move(g.inputs);
    ng.outputs = std::move(g.outputs);
    ng.initializers = std::move(g.initializers);
    for (ir::Tensor& t : ng.initializers) {
      ir::ValueId old = g.find(t.name);
      if (old.valid()) t.name = ng.values[old.index].name;
    }
    ng.sparse_initializers = std::move(g.sparse_initializers);
    g = std::move(ng);
  }
}

// Folder of the big exported models (torchvision, transformer stacks):
// $NETFORGE_BIG_MODELS, else $HOME/.cache/netforge/models.
inline std::string bigModelsDir() {
  if (const char* env = std::getenv("NETFORGE_BIG_MODELS"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/netforge/models";
}

}  // namespace nf::test

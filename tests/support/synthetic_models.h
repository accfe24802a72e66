// tests/support/synthetic_models.h - generated models for tests and benchmarks that
// need realistic size and structure without a model file:
//   makeTransformerStack  a transformer-encoder stack as the PyTorch 1.13 exporter
//                         writes it (scoped node names, an optional mask input);
//                         hierarchy, scene and layout tests and benches
//   transformerGraph      an encoder with symbolic batch/sequence and shape chains
//                         computed at run time; shape inference tests and shapes_bench
//   stripNodeNames, renameTensors  what the same graph looks like without usable names
//   bigModelsDir          where the real exported models live, for the tests that
//                         compare against them
// Header-only, like model_builder.h, so that the benchmarks can use it.
#pragma once
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/model_builder.h"

namespace nf::test {

// [SECTION] A transformer stack with PyTorch-style names --------------------------

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

// Options for a stack of about 20,000 nodes: the size of a big user model, which the
// benches and the big-graph tests use.
inline StackOptions bigStack(bool names) {
  StackOptions o;
  o.layers = 20000 / stackLayerNodes(true);
  o.names = names;
  return o;
}

// A transformer-encoder-like stack as the PyTorch 1.13 exporter writes it:
//   /embed: MatMul, Add
//   /enc/layers.i: self_attn (Q/K/V projections, a Shape->Gather->Unsqueeze->Concat
//   chain feeding three Reshapes, scores, Softmax, output projection), residual Add,
//   norm1 (LayerNorm decomposed into 9 ops + 2 Constants), linear1, Relu, linear2,
//   residual Add, norm2, Identity
//   /head: MatMul, then the graph output.
inline ir::Model makeTransformerStack(const StackOptions& o = {}) {
  ir::Model m = model(14);
  m.producer_name = "pytorch";
  GraphBuilder b(m);
  TorchNamer namer;
  auto nm = [&](const std::string& scope, const std::string& op) { return o.names ? namer(scope, op) : ""; };
  std::string x = b.input("src");
  std::string mask = o.mask ? b.input("mask") : "";
  x = b.op("MatMul", nm("/embed", "MatMul"), {x, b.weight("embed.weight", {16, 16})});
  x = b.op("Add", nm("/embed", "Add"), {x, b.weight("embed.bias")});
  for (int i = 0; i < o.layers; ++i) {
    const std::string L = "/enc/layers." + std::to_string(i);
    const std::string A = L + "/self_attn";
    const std::string p = "enc.layers." + std::to_string(i) + ".";
    auto proj = [&](const std::string& w) {
      std::string t = b.op("MatMul", nm(A, "MatMul"), {x, b.weight(p + w + ".weight", {16, 16})});
      return b.op("Add", nm(A, "Add"), {t, b.weight(p + w + ".bias")});
    };
    std::string q = proj("q"), k = proj("k"), v = proj("v");
    // Shape chain: Shape -> Gather -> Unsqueeze -> Concat -> (Reshape x3)
    std::string sh = b.op("Shape", nm(A, "Shape"), {x});
    std::string idx = b.op("Constant", nm(A, "Constant"), {});
    std::string g = b.op("Gather", nm(A, "Gather"), {sh, idx}, {aInt("axis", 0)});
    std::string axes = b.op("Constant", nm(A, "Constant"), {});
    std::string u = b.op("Unsqueeze", nm(A, "Unsqueeze"), {g, axes});
    std::string rest = b.op("Constant", nm(A, "Constant"), {});
    std::string cat = b.op("Concat", nm(A, "Concat"), {u, rest}, {aInt("axis", 0)});
    auto heads = [&](const std::string& t) {
      std::string r = b.op("Reshape", nm(A, "Reshape"), {t, cat});
      return b.op("Transpose", nm(A, "Transpose"), {r}, {aInts("perm", {0, 2, 1, 3})});
    };
    q = heads(q);
    k = heads(k);
    v = heads(v);
    std::string s = b.op("MatMul", nm(A, "MatMul"), {q, k});
    s = b.op("Div", nm(A, "Div"), {s, b.op("Constant", nm(A, "Constant"), {})});
    if (o.mask) s = b.op("Add", nm(A, "Add"), {s, mask});
    s = b.op("Softmax", nm(A, "Softmax"), {s}, {aInt("axis", -1)});
    s = b.op("MatMul", nm(A, "MatMul"), {s, v});
    s = b.op("Transpose", nm(A, "Transpose"), {s}, {aInts("perm", {0, 2, 1, 3})});
    s = b.op("Reshape", nm(A, "Reshape"), {s, b.op("Constant", nm(A, "Constant"), {})});
    s = b.op("MatMul", nm(A, "MatMul"), {s, b.weight(p + "out.weight", {16, 16})});
    s = b.op("Add", nm(A, "Add"), {s, b.weight(p + "out.bias")});
    std::string r1 = b.op("Add", nm(L, "Add"), {x, s});
    auto norm = [&](const std::string& scope, const std::string& in, const std::string& wname) {
      std::string mean = b.op("ReduceMean", nm(scope, "ReduceMean"), {in}, {aInts("axes", {-1})});
      std::string d = b.op("Sub", nm(scope, "Sub"), {in, mean});
      std::string pw = b.op("Pow", nm(scope, "Pow"), {d, b.op("Constant", nm(scope, "Constant"), {})});
      std::string var = b.op("ReduceMean", nm(scope, "ReduceMean"), {pw}, {aInts("axes", {-1})});
      std::string eps = b.op("Add", nm(scope, "Add"), {var, b.op("Constant", nm(scope, "Constant"), {})});
      std::string sd = b.op("Sqrt", nm(scope, "Sqrt"), {eps});
      std::string y = b.op("Div", nm(scope, "Div"), {d, sd});
      y = b.op("Mul", nm(scope, "Mul"), {y, b.weight(p + wname + ".weight")});
      return b.op("Add", nm(scope, "Add"), {y, b.weight(p + wname + ".bias")});
    };
    std::string n1 = norm(L + "/norm1", r1, "norm1");
    std::string f = b.op("MatMul", nm(L + "/linear1", "MatMul"), {n1, b.weight(p + "linear1.weight", {16, 64})});
    f = b.op("Add", nm(L + "/linear1", "Add"), {f, b.weight(p + "linear1.bias", {64})});
    f = b.op("Relu", nm(L, "Relu"), {f});
    f = b.op("MatMul", nm(L + "/linear2", "MatMul"), {f, b.weight(p + "linear2.weight", {64, 16})});
    f = b.op("Add", nm(L + "/linear2", "Add"), {f, b.weight(p + "linear2.bias")});
    std::string r2 = b.op("Add", nm(L, "Add"), {n1, f});
    std::string n2 = norm(L + "/norm2", r2, "norm2");
    x = b.op("Identity", nm(L, "Identity"), {n2});
  }
  x = b.op("MatMul", nm("/head", "MatMul"), {x, b.weight("head.weight", {16, 4})});
  b.node("Softmax", {x}, {"output"}, {aInt("axis", -1)}, nm("/head", "Softmax"));
  b.output("output");
  return m;
}

// [SECTION] The same graphs without usable names -----------------------------------

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

// [SECTION] The real exported models -----------------------------------------------

// Folder of the big exported models (torchvision, transformer stacks):
// $NETFORGE_BIG_MODELS, else $HOME/.cache/netforge/models.
inline std::string bigModelsDir() {
  if (const char* env = std::getenv("NETFORGE_BIG_MODELS"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/netforge/models";
}

// [SECTION] A typed encoder for shape inference ----------------------------------

// The shape of a PyTorch export: symbolic batch and sequence, reshape targets built
// at run time (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), LayerNorm
// decomposed into elementwise ops, Constant scalars; about 57 nodes per layer.
// Encoder with `layers` layers over input "x" [batch, seq, d_model]; output "y".
inline ir::Model transformerGraph(int layers, int d_model = 256, int heads = 8, int ff = 1024) {
  ir::Model m = model(13);
  GraphBuilder g(m);
  g.input("x", F32, shape({"batch", "seq", d_model}));
  int dh = d_model / heads;
  g.initInts("idx0", {}, {0});
  g.initInts("idx1", {}, {1});
  g.initInts("ax0", {1}, {0});
  g.initInts("heads_dh", {2}, {heads, dh});
  g.initInts("dmodel", {1}, {d_model});
  g.initInts("split3", {3}, {d_model, d_model, d_model});
  g.initInts("axes_last", {1}, {-1});
  std::string x = "x";
  for (int l = 0; l < layers; ++l) {
    std::string p = "/enc/layers." + std::to_string(l) + "/";
    auto v = [&](const std::string& s) { return p + s; };
    auto n = [&](const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                 std::vector<ir::Attribute> attrs = {}) {
      std::string name = p + op + "_" + out[0].substr(out[0].rfind('/') + 1);
      g.node(op, std::move(in), std::move(out), std::move(attrs), name);
    };
    auto scalar = [&](const std::string& name, float value) {
      n("Constant", {}, {v(name)}, {aTensor("value", tensorFloats(v(name), {}, {value}))});
    };
    g.weight(v("w_qkv"), {d_model, 3 * d_model});
    g.weight(v("b_qkv"), {3 * d_model});
    n("MatMul", {x, v("w_qkv")}, {v("qkv_mm")});
    n("Add", {v("qkv_mm"), v("b_qkv")}, {v("qkv")});
    // Reshape target [batch, seq, heads, dh] computed from the tensor's shape.
    n("Shape", {v("qkv")}, {v("shape")});
    n("Gather", {v("shape"), "idx0"}, {v("b")});
    n("Gather", {v("shape"), "idx1"}, {v("s")});
    n("Unsqueeze", {v("b"), "ax0"}, {v("b1")});
    n("Unsqueeze", {v("s"), "ax0"}, {v("s1")});
    n("Concat", {v("b1"), v("s1"), "heads_dh"}, {v("target")}, {aInt("axis", 0)});
    n("Concat", {v("b1"), v("s1"), "dmodel"}, {v("target2")}, {aInt("axis", 0)});
    n("Split", {v("qkv"), "split3"}, {v("q"), v("k"), v("v")}, {aInt("axis", 2)});
    n("Reshape", {v("q"), v("target")}, {v("q4")});
    n("Reshape", {v("k"), v("target")}, {v("k4")});
    n("Reshape", {v("v"), v("target")}, {v("v4")});
    n("Transpose", {v("q4")}, {v("qt")}, {aInts("perm", {0, 2, 1, 3})});
    n("Transpose", {v("k4")}, {v("kt")}, {aInts("perm", {0, 2, 3, 1})});
    n("Transpose", {v("v4")}, {v("vt")}, {aInts("perm", {0, 2, 1, 3})});
    scalar("scale", static_cast<float>(dh));
    n("Div", {v("qt"), v("scale")}, {v("qs")});
    n("MatMul", {v("qs"), v("kt")}, {v("scores")});
    n("Softmax", {v("scores")}, {v("probs")}, {aInt("axis", -1)});
    n("MatMul", {v("probs"), v("vt")}, {v("ctx")});
    n("Transpose", {v("ctx")}, {v("ctx_t")}, {aInts("perm", {0, 2, 1, 3})});
    n("Reshape", {v("ctx_t"), v("target2")}, {v("ctx_flat")});
    g.weight(v("w_o"), {d_model, d_model});
    g.weight(v("b_o"), {d_model});
    n("MatMul", {v("ctx_flat"), v("w_o")}, {v("attn_mm")});
    n("Add", {v("attn_mm"), v("b_o")}, {v("attn")});
    n("Add", {x, v("attn")}, {v("res1")});
    // LayerNorm as exported before opset 17.
    auto layerNorm = [&](const std::string& in, const std::string& tag) {
      n("ReduceMean", {in}, {v(tag + "_mean")}, {aInts("axes", {-1})});
      n("Sub", {in, v(tag + "_mean")}, {v(tag + "_centered")});
      scalar(tag + "_two", 2.0f);
      n("Pow", {v(tag + "_centered"), v(tag + "_two")}, {v(tag + "_sq")});
      n("ReduceMean", {v(tag + "_sq")}, {v(tag + "_var")}, {aInts("axes", {-1})});
      scalar(tag + "_eps", 1e-5f);
      n("Add", {v(tag + "_var"), v(tag + "_eps")}, {v(tag + "_var_eps")});
      n("Sqrt", {v(tag + "_var_eps")}, {v(tag + "_std")});
      n("Div", {v(tag + "_centered"), v(tag + "_std")}, {v(tag + "_norm")});
      g.weight(v(tag + "_gamma"), {d_model});
      g.weight(v(tag + "_beta"), {d_model});
      n("Mul", {v(tag + "_norm"), v(tag + "_gamma")}, {v(tag + "_scaled")});
      n("Add", {v(tag + "_scaled"), v(tag + "_beta")}, {v(tag + "_out")});
      return v(tag + "_out");
    };
    std::string h = layerNorm(v("res1"), "norm1");
    g.weight(v("w1"), {d_model, ff});
    g.weight(v("b1"), {ff});
    g.weight(v("w2"), {ff, d_model});
    g.weight(v("b2"), {d_model});
    n("MatMul", {h, v("w1")}, {v("ff1_mm")});
    n("Add", {v("ff1_mm"), v("b1")}, {v("ff1")});
    n("Relu", {v("ff1")}, {v("ff1_act")});
    n("MatMul", {v("ff1_act"), v("w2")}, {v("ff2_mm")});
    n("Add", {v("ff2_mm"), v("b2")}, {v("ff2")});
    n("Add", {h, v("ff2")}, {v("res2")});
    x = layerNorm(v("res2"), "norm2");
  }
  g.node("Identity", {x}, {"y"}, {}, "output");
  g.output("y");
  return m;
}

}  // namespace nf::test

// tests/shapes/bench/transformer_graph.h - a synthetic transformer encoder in the
// shape of a PyTorch export: symbolic batch and sequence, reshape targets built
// at run time (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), LayerNorm
// decomposed into elementwise ops, Constant scalars. Used by shapes_bench (about
// 57 nodes per layer) and by a unit test on a few layers.
#pragma once
#include <string>

#include "shapes/model_builder.h"

namespace nf::tb {

// Encoder with `layers` layers over input "x" [batch, seq, d_model]; output "y".
inline ir::Model transformerGraph(int layers, int d_model = 256, int heads = 8, int ff = 1024) {
  ir::Model m = model(13);
  G g(m);
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

}  // namespace nf::tb

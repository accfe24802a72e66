// onnxexport/lower_sequence.cpp - recurrent layers, multi-head attention and the
// transformer layers, as the ONNX ops torch.onnx writes for them (LSTM/GRU/RNN nodes;
// attention as projections, head reshapes, MatMul and Softmax). Sequences are stored
// [N, T, F] (batch_first), as the PyTorch code stores them.
#include <cmath>
#include <functional>

#include "base/checked.h"
#include "onnxexport/lower.h"

namespace nf::onnxexport::detail {

using builder::IntList;

std::string lowerRecurrent(LayerCtx& c) {
  GraphWriter& w = c.w;
  const std::string& kind = c.spec.op;
  const char* op = kind == "lstm" ? "LSTM" : kind == "gru" ? "GRU" : "RNN";
  const int64_t gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
  const int64_t hidden = c.pi("hidden_size"), layers = c.pi("num_layers");
  const bool bidirectional = c.pb("bidirectional");
  const int64_t dirs = bidirectional ? 2 : 1;
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));  // PyTorch: U(-1/sqrt(H), 1/sqrt(H))
  std::string x = w.op("Transpose", {c.arg(0)}, c.scope).ints("perm", {1, 0, 2}).out();  // [T, N, F]
  int64_t in = c.in().dims[1];
  std::string last_state;
  for (int64_t l = 0; l < layers; ++l) {
    const std::string suffix = "_l" + std::to_string(l);
    std::vector<std::string> ins = {
        x, w.param(c.weightName("weight_ih" + suffix), {dirs, satMul(gates, hidden), in}, Fill::uniform(bound)),
        w.param(c.weightName("weight_hh" + suffix), {dirs, satMul(gates, hidden), hidden}, Fill::uniform(bound))};
    // PyTorch's two bias vectors (input and hidden) are ONNX's [Wb, Rb].
    if (c.pb("bias")) ins.push_back(w.param(c.weightName("bias" + suffix), {dirs, satMul(2 * gates, hidden)}, Fill::uniform(bound)));
    OpRef node = w.op(op, ins, c.scope, 2);
    node.i("hidden_size", hidden).s("direction", bidirectional ? "bidirectional" : "forward");
    if (kind == "gru") node.i("linear_before_reset", 1);  // PyTorch's GRU
    if (kind == "rnn") {
      const std::string act = c.pe("nonlinearity") == "relu" ? "Relu" : "Tanh";
      node.strs("activations", std::vector<std::string>(static_cast<size_t>(dirs), act));
    }
    // Y [T, D, N, H] -> [T, N, D*H], the next layer's input.
    const std::string y = w.op("Transpose", {node.out(0)}, c.scope).ints("perm", {0, 2, 1, 3}).out();
    x = w.op("Reshape", {y, w.constInts(c.scope, {0, 0, -1})}, c.scope).out();
    last_state = node.out(1);
    in = satMul(hidden, dirs);
  }
  if (c.pb("return_sequences")) return w.op("Transpose", {x}, c.scope).ints("perm", {1, 0, 2}).out();
  // The top layer's final states [D, N, H] -> [N, D*H] (forward then backward, like torch.cat).
  const std::string h = w.op("Transpose", {last_state}, c.scope).ints("perm", {1, 0, 2}).out();
  return w.op("Reshape", {h, w.constInts(c.scope, {0, -1})}, c.scope).out();
}

namespace {

// nn.MultiheadAttention(batch_first=True) on q [N, Tq, E], k [N, Tk, kdim], v [N, Tk, vdim].
std::string attention(GraphWriter& w, const std::string& q, const std::string& k, const std::string& v, int64_t e,
                      int64_t kdim, int64_t vdim, int64_t heads, bool bias, const std::string& name,
                      const std::string& scope) {
  const int64_t head_dim = e / std::max<int64_t>(heads, 1);
  const bool packed = kdim == e && vdim == e;  // PyTorch's in_proj_weight [3E, E]: one xavier bound
  auto project = [&](const std::string& x, int64_t in, const char* which) {
    const double bound = std::sqrt(6.0 / static_cast<double>(packed ? 4 * e : e + in));  // xavier_uniform
    std::string y = w.op("MatMul", {x, w.param(name + "." + which + "_proj_weight", {in, e}, Fill::uniform(bound))}, scope).out();
    if (bias) y = w.op("Add", {y, w.param(name + "." + which + "_proj_bias", {e}, Fill::constant(0))}, scope).out();
    // [N, T, E] -> [N, T, heads, head_dim]
    return w.op("Reshape", {y, w.constInts(scope, {0, 0, heads, head_dim})}, scope).out();
  };
  const std::string qh = w.op("Transpose", {project(q, e, "q")}, scope).ints("perm", {0, 2, 1, 3}).out();
  const std::string kh = w.op("Transpose", {project(k, kdim, "k")}, scope).ints("perm", {0, 2, 3, 1}).out();
  const std::string vh = w.op("Transpose", {project(v, vdim, "v")}, scope).ints("perm", {0, 2, 1, 3}).out();
  const std::string scores = w.op("Mul", {w.op("MatMul", {qh, kh}, scope).out(),
                                          w.constScalar(scope, static_cast<float>(1.0 / std::sqrt(double(head_dim))))},
                                  scope).out();
  const std::string probs = w.op("Softmax", {scores}, scope).i("axis", -1).out();
  const std::string mixed = w.op("MatMul", {probs, vh}, scope).out();
  const std::string joined = w.op("Reshape", {w.op("Transpose", {mixed}, scope).ints("perm", {0, 2, 1, 3}).out(),
                                              w.constInts(scope, {0, 0, e})}, scope).out();
  const double out_bound = 1.0 / std::sqrt(static_cast<double>(e));
  std::string y = w.op("MatMul", {joined, w.param(name + ".out_proj.weight", {e, e}, Fill::uniform(out_bound))}, scope).out();
  if (bias) y = w.op("Add", {y, w.param(name + ".out_proj.bias", {e}, Fill::constant(0))}, scope).out();
  return y;
}

std::string layerNorm(GraphWriter& w, const std::string& x, int64_t d, double eps, const std::string& name,
                      const std::string& scope) {
  return w.op("LayerNormalization", {x, w.param(name + ".weight", {d}, Fill::constant(1)),
                                     w.param(name + ".bias", {d}, Fill::constant(0))}, scope)
      .i("axis", -1)
      .f("epsilon", eps)
      .out();
}

}  // namespace

std::string lowerAttention(LayerCtx& c) {
  const int n = static_cast<int>(c.inputs.size());
  const std::string q = c.arg(0);
  const std::string k = n > 1 ? c.arg(1) : q;
  const std::string v = n > 2 ? c.arg(2) : k;
  const int64_t e = c.in(0).dims[1];
  const int64_t kd = c.in(n > 1 ? 1 : 0).dims[1];
  const int64_t vd = c.in(n > 2 ? 2 : (n > 1 ? 1 : 0)).dims[1];
  return attention(c.w, q, k, v, e, kd, vd, c.pi("num_heads"), c.pb("bias"), c.scope, c.scope);
}

std::string lowerTransformer(LayerCtx& c) {
  GraphWriter& w = c.w;
  const bool decoder = c.spec.family == builder::Family::TransformerDecoder;
  const int64_t d = c.in().dims[1], ff = c.pi("dim_feedforward"), heads = c.pi("nhead");
  const double eps = c.pf("layer_norm_eps");
  const bool norm_first = c.pb("norm_first");
  const std::string& s = c.scope;
  std::string x = c.arg(0);
  const std::string memory = decoder ? c.arg(1) : std::string();
  auto selfAttn = [&](const std::string& t) {
    return attention(w, t, t, t, d, d, d, heads, true, c.weightName("self_attn"), s + "/self_attn");
  };
  auto crossAttn = [&](const std::string& t) {
    return attention(w, t, memory, memory, d, d, d, heads, true, c.weightName("multihead_attn"), s + "/multihead_attn");
  };
  auto feedForward = [&](const std::string& t) {
    std::string h = linear(w, t, 3, d, ff, true, c.weightName("linear1"), s + "/linear1");
    h = c.pe("activation") == "gelu" ? gelu(w, h, s, false) : w.op("Relu", {h}, s).out();
    return linear(w, h, 3, ff, d, true, c.weightName("linear2"), s + "/linear2");
  };
  auto norm = [&](const std::string& t, int k) {
    return layerNorm(w, t, d, eps, c.weightName("norm" + std::to_string(k)), s + "/norm" + std::to_string(k));
  };
  auto add = [&](const std::string& a, const std::string& b) { return w.op("Add", {a, b}, s).out(); };
  // PyTorch's block order: self-attention, (cross-attention), feed-forward; each with a
  // residual, the LayerNorm before (norm_first) or after it.
  std::vector<std::function<std::string(const std::string&)>> blocks = {selfAttn};
  if (decoder) blocks.push_back(crossAttn);
  blocks.push_back(feedForward);
  for (size_t k = 0; k < blocks.size(); ++k) {
    const int norm_index = static_cast<int>(k) + 1;
    if (norm_first) x = add(x, blocks[k](norm(x, norm_index)));
    else x = norm(add(x, blocks[k](x)), norm_index);
  }
  return x;
}

}  // namespace nf::onnxexport::detail

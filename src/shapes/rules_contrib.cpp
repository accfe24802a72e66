// Rules for the com.microsoft contrib ops that onnxruntime's transformer
// optimizer writes into exported models (fused GELU, skip layer norms,
// FusedMatMul, GemmFastGelu, MatMulNBits, attention). Only the output shapes; their exact
// semantics are onnxruntime's (docs/ContribOperators.md there).
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

Dim dimAt(const Shape& s, size_t k) { return s.rank_known && k < s.rank() ? s.dims[k] : Dim::unknown(); }

// FusedMatMul: MatMul with optional transposes of the last two dims of A and B.
void ruleFusedMatMul(Ctx& c) {
  Shape a = c.shape(0), b = c.shape(1);
  if (!a.rank_known || !b.rank_known || a.rank() < 2 || b.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  if (c.attrInt("transA", 0)) std::swap(a.dims[a.rank() - 1], a.dims[a.rank() - 2]);
  if (c.attrInt("transB", 0)) std::swap(b.dims[b.rank() - 1], b.dims[b.rank() - 2]);
  Shape ba = Shape::of(std::vector<Dim>(a.dims.begin(), a.dims.end() - 2));
  Shape bb = Shape::of(std::vector<Dim>(b.dims.begin(), b.dims.end() - 2));
  Shape batch;
  std::string err;
  if (!broadcastShapes({&ba, &bb}, &batch, &err)) {
    c.issue(err);
    return;
  }
  batch.dims.push_back(a.dims[a.rank() - 2]);
  batch.dims.push_back(b.dims[b.rank() - 1]);
  c.outTensor(0, c.elem(0), std::move(batch));
}

// MatMulNBits: A [..., K] times a packed [N, K] weight: [..., N].
void ruleMatMulNBits(Ctx& c) {
  Shape a = c.shape(0);
  if (!a.rank_known || a.rank() == 0) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  a.dims.back() = Dim::known(c.attrInt("N", 0));
  c.outTensor(0, c.elem(0), std::move(a));
}

// SkipLayerNormalization and friends: output 0 like the input; optional
// mean/inv-std-dev [..., 1]; the last output is input + skip (+ bias).
void ruleSkipNorm(Ctx& c) {
  sameAs(c, 0, 0);
  const Shape& in = c.shape(0);
  if (!in.rank_known || in.rank() == 0) return;
  Shape stats = in;
  stats.dims.back() = Dim::known(1);
  size_t n = c.numOutputs();
  for (size_t i = 1; i < n; ++i) {
    if (i == n - 1 && n >= 2 && c.opType().rfind("Skip", 0) == 0) sameAs(c, i, 0);
    else c.outTensor(i, ElemType::Float, stats);
  }
}

// MultiHeadAttention: query [B, S, hidden]; value [B, L, v_hidden] (or 4-D
// [B, heads, L, v_head]); output [B, S, v_hidden].
void ruleMultiHeadAttention(Ctx& c) {
  const Shape& q = c.shape(0);
  const Shape& v = c.shape(2);
  Dim hidden = dimAt(q, 2);
  if (v.rank_known && v.rank() == 3) hidden = v.dims[2];
  else if (v.rank_known && v.rank() == 4) hidden = dimMul(v.dims[1], v.dims[3]);
  c.outTensor(0, c.elem(0), Shape::of({dimAt(q, 0), dimAt(q, 1), hidden}));
}

// Attention (contrib): input [B, S, in_hidden], weights [in_hidden, 3 * hidden]
// (or qkv_hidden_sizes) -> [B, S, v_hidden].
void ruleContribAttention(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  std::vector<int64_t> sizes;
  Dim hidden = Dim::unknown();
  if (c.attrInts("qkv_hidden_sizes", &sizes) && sizes.size() == 3) hidden = Dim::known(sizes[2]);
  else hidden = dimDiv(dimAt(w, 1), Dim::known(3));
  c.outTensor(0, c.elem(0), Shape::of({dimAt(x, 0), dimAt(x, 1), hidden}));
}

// EmbedLayerNormalization: input_ids [B, S] -> [B, S, hidden]; mask index [B].
void ruleEmbedLayerNorm(Ctx& c) {
  const Shape& ids = c.shape(0);
  Dim hidden = dimAt(c.shape(2), 1);  // word_embedding [vocab, hidden]
  c.outTensor(0, c.elem(2), Shape::of({dimAt(ids, 0), dimAt(ids, 1), hidden}));
  c.outTensor(1, ElemType::Int32, Shape::of({dimAt(ids, 0)}));
}

// Elementwise contrib activations: the output is like the input.
void ruleLikeInput(Ctx& c) { sameAs(c); }

// GemmFastGelu: FastGelu(X x W + bias), X [..., K], W [K, N], bias [N]: [..., N].
void ruleGemmFastGelu(Ctx& c) {
  ruleFusedMatMul(c);  // no transposes: the MatMul shape
  const Shape& w = c.shape(1);
  const Shape& bias = c.shape(2);
  if (!c.has(2) || !w.rank_known || w.rank() < 2 || !bias.rank_known) return;
  const Dim& n = w.dims[w.rank() - 1];
  if (bias.rank() != 1 || (n.isKnown() && bias.dims[0].isKnown() && n.value != bias.dims[0].value))
    c.issue("bias " + ir::shapeToString(bias) + " does not match the output columns of W " + ir::shapeToString(w));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> contribOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      {"com.microsoft", "Gelu", C::Activation, ruleLikeInput, K::Uncounted, "X", "Y"},
      {"com.microsoft", "FastGelu", C::Activation, ruleLikeInput, K::Uncounted, "X bias", "Y"},
      {"com.microsoft", "BiasGelu", C::Activation, ruleLikeInput, K::Uncounted, "A B", "C"},
      {"com.microsoft", "QuickGelu", C::Activation, ruleLikeInput, K::Uncounted, "X", "Y"},
      {"com.microsoft", "RotaryEmbedding", C::Other, ruleLikeInput, K::Uncounted,
         "input position_ids cos_cache sin_cache", "output"},
      {"com.microsoft", "BiasAdd", C::Other, ruleLikeInput, K::Uncounted, "X bias skip", "Y"},
      {"com.microsoft", "FusedMatMul", C::MatMul, ruleFusedMatMul, K::FusedMatMul, "A B", "Y"},
      {"com.microsoft", "GemmFastGelu", C::MatMul, ruleGemmFastGelu, K::MatMul, "X W bias", "Y"},
      {"com.microsoft", "MatMulNBits", C::Other, ruleMatMulNBits, K::MatMul, "A B scales zero_points g_idx bias", "Y"},
      {"com.microsoft", "SkipLayerNormalization", C::Normalization, ruleSkipNorm, K::Uncounted,
         "input skip gamma beta bias", "output mean inv_std_var input_skip_bias_sum"},
      {"com.microsoft", "SkipSimplifiedLayerNormalization", C::Other, ruleSkipNorm, K::Uncounted,
         "input skip gamma bias", "output mean inv_std_var input_skip_bias_sum"},
      Op{"com.microsoft", "LayerNormalization", C::Normalization, ruleSkipNorm, K::Uncounted,
         "X Scale B", "Y Mean InvStdDev"}.labelled(),
      {"com.microsoft", "SimplifiedLayerNormalization", C::Normalization, ruleSkipNorm, K::Uncounted,
         "X scale", "Y inv_std_var"},
      {"com.microsoft", "MultiHeadAttention", C::MatMul, ruleMultiHeadAttention, K::Uncounted,
         "query key value bias key_padding_mask attention_bias past_key past_value",
         "output present_key present_value"},
      Op{"com.microsoft", "Attention", C::MatMul, ruleContribAttention, K::Uncounted,
         "input weights bias mask_index past attention_bias past_sequence_length", "output present"}.shapeArgs(0b1000),
      {"com.microsoft", "EmbedLayerNormalization", C::Other, ruleEmbedLayerNorm, K::Uncounted,
         "input_ids segment_ids word_embedding position_embedding segment_embedding gamma beta mask position_ids",
         "output mask_index embedding_sum"},
      // Fusions shown with their category and attributes; no shape rule yet.
      Op{"com.microsoft", "FusedConv", C::Conv, nullptr, K::Uncounted, "X W B Z", "Y"}.shows(A::ConvWindow),
      Op{"com.microsoft", "FusedGemm", C::MatMul, nullptr, K::Uncounted, "A B C", "Y"}.shows(A::Gemm),
      {"com.microsoft", "DynamicQuantizeMatMul", C::Quantization, nullptr, K::Uncounted,
         "A B b_scale b_zero_point bias", "Y"},
      {"com.microsoft", "QLinearAdd", C::Quantization, nullptr, K::Uncounted,
         "A A_scale A_zero_point B B_scale B_zero_point C_scale C_zero_point", "C"},
      {"com.microsoft", "QLinearMul", C::Quantization, nullptr, K::Uncounted,
         "A A_scale A_zero_point B B_scale B_zero_point C_scale C_zero_point", "C"},
  };
  return kOps;
}

}  // namespace nf::shapes::detail

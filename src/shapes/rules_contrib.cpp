// Rules for the com.microsoft contrib ops that onnxruntime's transformer
// optimizer writes into exported models (fused GELU, skip layer norms,
// FusedMatMul, MatMulNBits, attention). Only the output shapes; their exact
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

}  // namespace

void addContribRules(std::vector<RuleEntry>& t) {
  for (const char* op : {"Gelu", "FastGelu", "BiasGelu", "QuickGelu", "RotaryEmbedding", "BiasAdd"})
    t.push_back({"com.microsoft", op, [](Ctx& c) { sameAs(c); }});
  t.push_back({"com.microsoft", "FusedMatMul", ruleFusedMatMul});
  t.push_back({"com.microsoft", "MatMulNBits", ruleMatMulNBits});
  for (const char* op : {"SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "LayerNormalization",
                         "SimplifiedLayerNormalization"})
    t.push_back({"com.microsoft", op, ruleSkipNorm});
  t.push_back({"com.microsoft", "MultiHeadAttention", ruleMultiHeadAttention});
  t.push_back({"com.microsoft", "Attention", ruleContribAttention});
  t.push_back({"com.microsoft", "EmbedLayerNormalization", ruleEmbedLayerNorm});
}

}  // namespace nf::shapes::detail

// Rules for matrix products and attention: MatMul (numpy semantics, batched and
// 1-D), MatMulInteger, QLinearMatMul, Gemm, Einsum, Attention (opset 23+),
// FlexAttention, LinearAttention, RotaryEmbedding, SwiGLU.
#include <algorithm>
#include <map>

#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

// numpy matmul: 1-D operands are promoted and the added axis dropped again;
// batch axes broadcast.
void matmulShapes(Ctx& c, size_t ia, size_t ib, ElemType e) {
  const Shape& a = c.shape(ia);
  const Shape& b = c.shape(ib);
  if (!a.rank_known || !b.rank_known) {
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  if (a.rank() == 0 || b.rank() == 0) {
    c.issue("MatMul operands must have rank >= 1");
    return;
  }
  Shape A = a, B = b;
  bool drop_m = false, drop_n = false;
  if (A.rank() == 1) {
    A.dims.insert(A.dims.begin(), Dim::known(1));
    drop_m = true;
  }
  if (B.rank() == 1) {
    B.dims.push_back(Dim::known(1));
    drop_n = true;
  }
  const Dim& ka = A.dims[A.rank() - 1];
  const Dim& kb = B.dims[B.rank() - 2];
  if (dimEquals(ka, kb) == Tri::No)
    c.issue("inner dimensions differ: " + shapeToString(a) + " x " + shapeToString(b));
  Shape ba = Shape::of(std::vector<Dim>(A.dims.begin(), A.dims.end() - 2));
  Shape bb = Shape::of(std::vector<Dim>(B.dims.begin(), B.dims.end() - 2));
  Shape batch;
  std::string err;
  if (!broadcastShapes({&ba, &bb}, &batch, &err)) {
    c.issue("batch " + err);
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  std::vector<Dim> out = batch.dims;
  if (!drop_m) out.push_back(A.dims[A.rank() - 2]);
  if (!drop_n) out.push_back(B.dims[B.rank() - 1]);
  c.outTensor(0, e, Shape::of(std::move(out)));
}

void ruleMatMul(Ctx& c) { matmulShapes(c, 0, 1, c.elem(0)); }
void ruleMatMulInteger(Ctx& c) { matmulShapes(c, 0, 1, ElemType::Int32); }
void ruleQLinearMatMul(Ctx& c) {
  matmulShapes(c, 0, 3, c.has(7) && c.elem(7) != ElemType::Undefined ? c.elem(7) : c.elem(0));
}

void ruleGemm(Ctx& c) {
  const Shape& a = c.shape(0);
  const Shape& b = c.shape(1);
  ElemType e = c.elem(0);
  Dim m = Dim::unknown(), n = Dim::unknown();
  bool ta = c.attrInt("transA", 0) != 0, tb = c.attrInt("transB", 0) != 0;
  if (a.rank_known) {
    if (a.rank() != 2) c.issue("Gemm A must be 2-D, got " + shapeToString(a));
    else m = a.dims[ta ? 1 : 0];
  }
  if (b.rank_known) {
    if (b.rank() != 2) c.issue("Gemm B must be 2-D, got " + shapeToString(b));
    else n = b.dims[tb ? 0 : 1];
  }
  if (a.rank_known && b.rank_known && a.rank() == 2 && b.rank() == 2 &&
      dimEquals(a.dims[ta ? 0 : 1], b.dims[tb ? 1 : 0]) == Tri::No)
    c.issue("inner dimensions differ: " + shapeToString(a) + " x " + shapeToString(b) +
            (ta || tb ? " (with transA/transB)" : ""));
  c.outTensor(0, e, Shape::of({m, n}));
}

// [Einsum] ----------------------------------------------------------------------------

void ruleEinsum(Ctx& c) {
  std::string eq = c.attrStr("equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  size_t start = 0;
  while (true) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != c.numInputs()) {
    c.issue("equation has " + std::to_string(terms.size()) + " operands, node has " + std::to_string(c.numInputs()));
    return;
  }
  std::map<char, Dim> letters;
  std::map<char, int> counts;
  std::vector<const Shape*> ell_shapes;
  std::vector<Shape> ell_store(terms.size());
  bool any_ellipsis = false;
  for (size_t i = 0; i < terms.size(); ++i) {
    const Shape& s = c.shape(i);
    if (!s.rank_known) {
      c.outTensor(0, c.elem(0), Shape::unknownRank());
      return;
    }
    std::string t = terms[i];
    size_t ell = t.find("...");
    size_t named = t.size() - (ell == std::string::npos ? 0 : 3);
    if (named > s.rank() || (ell == std::string::npos && named != s.rank())) {
      c.issue("operand " + std::to_string(i) + " rank " + std::to_string(s.rank()) + " does not match '" + t + "'");
      return;
    }
    size_t ell_rank = s.rank() - named;
    size_t pos = 0;
    for (size_t k = 0; k < t.size();) {
      if (t.compare(k, 3, "...") == 0) {
        ell_store[i] = Shape::of(std::vector<Dim>(s.dims.begin() + pos, s.dims.begin() + pos + ell_rank));
        ell_shapes.push_back(&ell_store[i]);
        any_ellipsis = true;
        pos += ell_rank;
        k += 3;
        continue;
      }
      char ch = t[k++];
      const Dim& d = s.dims[pos++];
      auto it = letters.find(ch);
      if (it == letters.end() || (it->second.isKnown() && it->second.value == 1) || it->second.kind == Dim::Kind::Unknown)
        letters[ch] = d;
      ++counts[ch];
    }
  }
  Shape ell_out = Shape::of({});
  std::string err;
  if (any_ellipsis && !broadcastShapes(ell_shapes, &ell_out, &err)) {
    c.issue(err);
    return;
  }
  std::string rhs;
  if (arrow != std::string::npos) {
    rhs = eq.substr(arrow + 2);
  } else {
    // Implicit output: ellipsis first, then letters seen once, alphabetically.
    if (any_ellipsis) rhs = "...";
    for (const auto& [ch, n] : counts)
      if (n == 1) rhs += ch;
  }
  std::vector<Dim> out;
  for (size_t k = 0; k < rhs.size();) {
    if (rhs.compare(k, 3, "...") == 0) {
      out.insert(out.end(), ell_out.dims.begin(), ell_out.dims.end());
      k += 3;
      continue;
    }
    auto it = letters.find(rhs[k++]);
    out.push_back(it == letters.end() ? Dim::unknown() : it->second);
  }
  c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
}

// [Attention family] -------------------------------------------------------------------

Dim dimAt(const Shape& s, size_t k) { return s.rank_known && k < s.rank() ? s.dims[k] : Dim::unknown(); }

// Attention (opset 23+): Q/K/V either 4-D [B, heads, S, head_size] or 3-D
// [B, S, heads * head_size] with q_num_heads/kv_num_heads attributes.
void ruleAttention(Ctx& c) {
  const Shape& q = c.shape(0);
  const Shape& k = c.shape(1);
  const Shape& v = c.shape(2);
  ElemType e = c.elem(0);
  if (!q.rank_known) {
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  bool three = q.rank() == 3;
  Dim hq = three ? Dim::known(c.attrInt("q_num_heads", 0)) : dimAt(q, 1);
  Dim hkv = three ? Dim::known(c.attrInt("kv_num_heads", 0)) : dimAt(k, 1);
  Dim batch = dimAt(q, 0);
  Dim sq = three ? dimAt(q, 1) : dimAt(q, 2);
  Dim skv = three ? dimAt(k, 1) : dimAt(k, 2);
  Dim dk = three ? dimDiv(dimAt(k, 2), hkv) : dimAt(k, 3);
  Dim dv = three ? dimDiv(dimAt(v, 2), hkv) : dimAt(v, 3);
  if (three) c.outTensor(0, e, Shape::of({batch, sq, dimMul(hq, dv)}));
  else c.outTensor(0, e, Shape::of({batch, hq, sq, dv}));
  Dim total = skv;
  if (c.has(4)) total = dimAdd(dimAt(c.shape(4), 2), skv);
  if (c.hasOut(1)) c.outTensor(1, c.elem(1), Shape::of({batch, hkv, total, dk}));
  if (c.hasOut(2)) c.outTensor(2, c.elem(2), Shape::of({batch, hkv, total, dv}));
  if (c.hasOut(3)) c.outTensor(3, e, Shape::of({batch, hq, sq, total}));
}

void ruleFlexAttention(Ctx& c) {
  const Shape& q = c.shape(0);
  const Shape& v = c.shape(2);
  c.outTensor(0, c.elem(0), Shape::of({dimAt(q, 0), dimAt(q, 1), dimAt(q, 2), dimAt(v, 3)}));
}

// LinearAttention: 3-D query/key/value [B, S, heads * size]; output
// [B, S, q_heads * v_size]; recurrent state [B, kv_heads, k_size, v_size].
void ruleLinearAttention(Ctx& c) {
  const Shape& q = c.shape(0);
  const Shape& k = c.shape(1);
  const Shape& v = c.shape(2);
  Dim hq = Dim::known(c.attrInt("q_num_heads", 1));
  Dim hkv = Dim::known(c.attrInt("kv_num_heads", 1));
  Dim dk = dimDiv(dimAt(k, 2), hkv), dv = dimDiv(dimAt(v, 2), hkv);
  c.outTensor(0, c.elem(0), Shape::of({dimAt(q, 0), dimAt(q, 1), dimMul(hq, dv)}));
  if (c.hasOut(1)) c.outTensor(1, c.elem(0), Shape::of({dimAt(q, 0), hkv, dk, dv}));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> matMulOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "MatMul", C::MatMul, ruleMatMul, K::MatMul, "A B", "Y"}.labelled(),
      Op{"", "MatMulInteger", C::Quantization, ruleMatMulInteger, K::MatMul,
         "A B a_zero_point b_zero_point", "Y"}.labelled(),
      Op{"", "QLinearMatMul", C::Quantization, ruleQLinearMatMul, K::MatMul,
         "a a_scale a_zero_point b b_scale b_zero_point y_scale y_zero_point", "y"}.labelled(),
      Op{"", "Gemm", C::MatMul, ruleGemm, K::Gemm, "A B C", "Y"}.shows(A::Gemm).labelled(),
      {"", "Einsum", C::MatMul, ruleEinsum, K::Einsum, "Inputs", "Output"},
      Op{"", "Attention", C::MatMul, ruleAttention, K::Attention,
         "Q K V attn_mask past_key past_value nonpad_kv_seqlen", "Y present_key present_value qk_matmul_output"}
          .shapeArgs(0b1000),
      {"ai.onnx.preview", "FlexAttention", C::Other, ruleFlexAttention, K::Attention, "Q K V", "Y"},
      {"", "LinearAttention", C::Other, ruleLinearAttention, K::Uncounted,
         "query key value past_state", "output present_state"},
      {"", "RotaryEmbedding", C::Other, [](Ctx& c) { sameAs(c); }, K::PerOutput3,
         "X cos_cache sin_cache position_ids", "Y"},
      {"", "SwiGLU", C::Other, [](Ctx& c) { broadcastRule(c, ElemType::Undefined); }, K::PerOutput5, "X Y", "Z"},
  };
  return kOps;
}

}  // namespace nf::shapes::detail

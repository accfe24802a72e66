// runtime/ops_attention.cpp - Attention (opset 23/24: 3-D or 4-D Q/K/V, grouped
// query heads, past key/value, boolean or additive masks, causal masking, softcap,
// the qk_matmul_output modes) and RotaryEmbedding. Computed in double.
#include <cmath>
#include <limits>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// [B, H, S, D] view of a 3-D [B, S, H*D] or 4-D tensor, as doubles.
struct Heads {
  int64_t B = 0, H = 0, S = 0, D = 0;
  std::vector<double> v;
  double at(int64_t b, int64_t h, int64_t s, int64_t d) const { return v[((b * H + h) * S + s) * D + d]; }
};

bool toHeads(KernelContext& ctx, const Tensor& t, int64_t heads_attr, Heads* out) {
  std::vector<double> raw = toDoubles(t);
  if (t.rank() == 4) {
    out->B = t.shape[0];
    out->H = t.shape[1];
    out->S = t.shape[2];
    out->D = t.shape[3];
    out->v = std::move(raw);
    return true;
  }
  if (t.rank() != 3 || heads_attr <= 0 || t.shape[2] % heads_attr) return ctx.fail("3-D Q/K/V need q_num_heads/kv_num_heads dividing the hidden size");
  out->B = t.shape[0];
  out->S = t.shape[1];
  out->H = heads_attr;
  out->D = t.shape[2] / heads_attr;
  out->v.resize(raw.size());
  for (int64_t b = 0; b < out->B; ++b)
    for (int64_t s = 0; s < out->S; ++s)
      for (int64_t h = 0; h < out->H; ++h)
        for (int64_t d = 0; d < out->D; ++d)
          out->v[((b * out->H + h) * out->S + s) * out->D + d] = raw[((b * out->S + s) * out->H + h) * out->D + d];
  return true;
}

// Concatenates past [B,H,P,D] and current along the sequence axis.
Heads withPast(const Heads& past, const Heads& cur) {
  Heads r = cur;
  r.S = past.S + cur.S;
  r.v.assign(static_cast<size_t>(r.B * r.H * r.S * r.D), 0.0);
  for (int64_t b = 0; b < r.B; ++b)
    for (int64_t h = 0; h < r.H; ++h)
      for (int64_t s = 0; s < r.S; ++s)
        for (int64_t d = 0; d < r.D; ++d)
          r.v[((b * r.H + h) * r.S + s) * r.D + d] = s < past.S ? past.at(b, h, s, d) : cur.at(b, h, s - past.S, d);
  return r;
}

void writeHeads(const Heads& h, Tensor* t) {
  for (size_t i = 0; i < h.v.size(); ++i) setElementFromDouble(*t, static_cast<int64_t>(i), h.v[i]);
}

bool attention(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& q_t = ctx.in(0);
  const bool three_d = q_t.rank() == 3;
  Heads q, k, v;
  if (!toHeads(ctx, q_t, ctx.attrInt("q_num_heads", 0), &q) || !toHeads(ctx, ctx.in(1), ctx.attrInt("kv_num_heads", 0), &k) ||
      !toHeads(ctx, ctx.in(2), ctx.attrInt("kv_num_heads", 0), &v))
    return false;
  if (ctx.hasTensor(4)) {
    Heads pk;
    if (!toHeads(ctx, ctx.in(4), 0, &pk)) return false;
    k = withPast(pk, k);
  }
  if (ctx.hasTensor(5)) {
    Heads pv;
    if (!toHeads(ctx, ctx.in(5), 0, &pv)) return false;
    v = withPast(pv, v);
  }
  if (k.B != q.B || v.B != q.B || k.H != v.H || k.S != v.S || k.D != q.D || k.H == 0 || q.H % k.H)
    return ctx.fail("Q, K and V shapes do not fit together");
  const int64_t B = q.B, Hq = q.H, L = q.S, S = k.S, Dv = v.D, group = Hq / k.H;
  double scale = ctx.attrFloat("scale", 0.f);
  if (!ctx.attr("scale")) scale = 1.0 / std::sqrt(static_cast<double>(q.D));
  const bool causal = ctx.attrInt("is_causal", 0) != 0;
  const double softcap = ctx.attrFloat("softcap", 0.f);
  const int64_t mode = ctx.attrInt("qk_matmul_output_mode", 0);
  const double ninf = -std::numeric_limits<double>::infinity();
  // Additive bias [B, Hq, L, S] from the mask (broadcast; a shorter last axis is padded with -inf).
  std::vector<double> bias(static_cast<size_t>(B * Hq * L * S), 0.0);
  if (ctx.hasTensor(3)) {
    const Tensor& m = ctx.in(3);
    std::vector<int64_t> ms = m.shape;
    const int64_t mlast = ms.empty() ? 1 : ms.back();
    std::vector<int64_t> full = {B, Hq, L, S}, mview = ms;
    if (!mview.empty()) mview.back() = S;
    std::vector<int64_t> mst = broadcastStrides(mview, full);
    const std::vector<int64_t> own = stridesOf(ms);
    const size_t off = full.size() - ms.size();
    for (size_t d = 0; d < ms.size(); ++d) mst[off + d] = ms[d] == 1 ? 0 : own[d];
    const bool is_bool = m.type == E::Bool;
    forEachBroadcast(full, {mst}, [&](int64_t i, const int64_t* o) {
      const int64_t s = i % S;
      if (s >= mlast && mlast != 1) {
        bias[i] = ninf;
        return;
      }
      const double mv = elementAsDouble(m, o[0]);
      bias[i] = is_bool ? (mv != 0 ? 0.0 : ninf) : mv;
    });
  }
  if (ctx.hasTensor(6)) {  // nonpad_kv_seqlen [B]
    for (int64_t b = 0; b < B; ++b) {
      const int64_t n = elementAsInt(ctx.in(6), b);
      for (int64_t i = 0; i < Hq * L; ++i)
        for (int64_t s = n; s < S; ++s) bias[(b * Hq * L + i) * S + s] = ninf;
    }
  }
  // Causal masking is bottom-right aligned: query l sees keys s <= l + offset, the
  // offset being the past length, or nonpad_kv_seqlen[b] - L for an external cache.
  const int64_t past = ctx.hasTensor(4) ? ctx.in(4).shape[2] : 0;
  if (causal)
    for (int64_t b = 0; b < B; ++b) {
      const int64_t offset = !ctx.hasTensor(4) && ctx.hasTensor(6) ? elementAsInt(ctx.in(6), b) - L : past;
      for (int64_t h = 0; h < Hq; ++h)
        for (int64_t l = 0; l < L; ++l)
          for (int64_t s = std::max<int64_t>(0, l + offset + 1); s < S; ++s) bias[((b * Hq + h) * L + l) * S + s] = ninf;
    }
  std::vector<double> qk(bias.size()), probs(bias.size());
  Heads y;
  y.B = B;
  y.H = Hq;
  y.S = L;
  y.D = Dv;
  y.v.assign(static_cast<size_t>(B * Hq * L * Dv), 0.0);
  std::vector<double> row(static_cast<size_t>(S));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      const int64_t kh = h / group;
      for (int64_t l = 0; l < L; ++l) {
        const int64_t base = ((b * Hq + h) * L + l) * S;
        double mx = ninf;
        for (int64_t s = 0; s < S; ++s) {
          double dot = 0;
          for (int64_t d = 0; d < q.D; ++d) dot += q.at(b, h, l, d) * k.at(b, kh, s, d);
          dot *= scale;
          if (softcap > 0) dot = softcap * std::tanh(dot / softcap);  // before the mask: -inf stays -inf
          const double x = dot + bias[base + s];
          qk[base + s] = mode == 0 ? dot : x;
          row[s] = x;
          mx = std::max(mx, x);
        }
        double sum = 0;
        for (int64_t s = 0; s < S; ++s) sum += std::exp(row[s] - mx);
        for (int64_t s = 0; s < S; ++s) {
          probs[base + s] = mx == ninf ? 0.0 : std::exp(row[s] - mx) / sum;  // a fully masked row attends nothing
          if (mode == 3) qk[base + s] = probs[base + s];
        }
        for (int64_t d = 0; d < Dv; ++d) {
          double acc = 0;
          for (int64_t s = 0; s < S; ++s) acc += probs[base + s] * v.at(b, kh, s, d);
          y.v[((b * Hq + h) * L + l) * Dv + d] = acc;
        }
      }
    }
  const E t = q_t.type;
  if (three_d) {
    Tensor* out = ctx.output(0, t, {B, L, Hq * Dv});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < Hq; ++h)
        for (int64_t l = 0; l < L; ++l)
          for (int64_t d = 0; d < Dv; ++d) setElementFromDouble(*out, ((b * L + l) * Hq + h) * Dv + d, y.at(b, h, l, d));
  } else {
    writeHeads(y, ctx.output(0, t, {B, Hq, L, Dv}));
  }
  if (ctx.wantsOutput(1)) writeHeads(k, ctx.output(1, ctx.in(1).type, {k.B, k.H, k.S, k.D}));
  if (ctx.wantsOutput(2)) writeHeads(v, ctx.output(2, ctx.in(2).type, {v.B, v.H, v.S, v.D}));
  if (ctx.wantsOutput(3)) {
    Tensor* o = ctx.output(3, t, {B, Hq, L, S});
    for (size_t i = 0; i < qk.size(); ++i) setElementFromDouble(*o, static_cast<int64_t>(i), qk[i]);
  }
  return ctx.error.empty();
}

// RotaryEmbedding (opset 23): X [B,S,H*D] or [B,H,S,D], cos/sin caches indexed by
// position_ids (or by position when absent).
bool rotaryEmbedding(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& cosc = ctx.in(1);
  const Tensor& sinc = ctx.in(2);
  const Tensor* pos = ctx.hasTensor(3) ? &ctx.in(3) : nullptr;
  const bool interleaved = ctx.attrInt("interleaved", 0) != 0;
  const int64_t nh = ctx.attrInt("num_heads", 0);
  int64_t B, S, H, D;
  const bool four = x.rank() == 4;
  if (four) {
    B = x.shape[0];
    H = x.shape[1];
    S = x.shape[2];
    D = x.shape[3];
  } else if (x.rank() == 3 && nh > 0 && x.shape[2] % nh == 0) {
    B = x.shape[0];
    S = x.shape[1];
    H = nh;
    D = x.shape[2] / nh;
  } else {
    return ctx.fail("X must be 4-D, or 3-D with num_heads");
  }
  int64_t rot = ctx.attrInt("rotary_embedding_dim", 0);
  if (rot == 0) rot = D;
  const int64_t half = rot / 2, cache_w = cosc.shape.back();
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  auto idx = [&](int64_t b, int64_t h, int64_t s, int64_t d) { return four ? ((b * H + h) * S + s) * D + d : ((b * S + s) * H + h) * D + d; };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      // Cache row: cos[pos] ([max_pos, half]) or cos[b, s] ([B, S, half]) without position ids.
      const int64_t row = pos ? elementAsInt(*pos, b * S + s) : (cosc.rank() == 3 ? b * S + s : s);
      for (int64_t h = 0; h < H; ++h) {
        for (int64_t d = 0; d < D; ++d) setElementFromDouble(*y, idx(b, h, s, d), elementAsDouble(x, idx(b, h, s, d)));
        for (int64_t i = 0; i < half; ++i) {
          const double c = elementAsDouble(cosc, row * cache_w + i), sn = elementAsDouble(sinc, row * cache_w + i);
          const int64_t i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
          const double a = elementAsDouble(x, idx(b, h, s, i1)), bb = elementAsDouble(x, idx(b, h, s, i2));
          setElementFromDouble(*y, idx(b, h, s, i1), a * c - bb * sn);
          setElementFromDouble(*y, idx(b, h, s, i2), bb * c + a * sn);
        }
      }
    }
  return true;
}

// FlexAttention (ai.onnx.preview): softmax(score_mod(Q K^T * scale)) -> prob_mod -> @ V,
// 4-D Q [B, Hq, L, D], K/V [B, Hkv, S, D] (grouped heads); the optional score_mod and
// prob_mod bodies receive the whole [B, Hq, L, S] tensor.
bool flexAttention(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  Heads q, k, v;
  if (!toHeads(ctx, ctx.in(0), 0, &q) || !toHeads(ctx, ctx.in(1), 0, &k) || !toHeads(ctx, ctx.in(2), 0, &v)) return false;
  if (ctx.in(0).rank() != 4) return ctx.fail("Q, K and V must be 4-D");
  if (k.B != q.B || v.B != q.B || k.H != v.H || k.S != v.S || k.D != q.D || k.H == 0 || q.H % k.H)
    return ctx.fail("Q, K and V shapes do not fit together");
  const int64_t B = q.B, H = q.H, L = q.S, S = k.S, group = H / k.H;
  const double scale = ctx.attr("scale") ? ctx.attrFloat("scale", 1.f) : 1.0 / std::sqrt(static_cast<double>(q.D));
  const E t = ctx.in(0).type;
  Tensor scores = makeTensor(t, {B, H, L, S});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t l = 0; l < L; ++l)
        for (int64_t s = 0; s < S; ++s) {
          double dot = 0;
          for (int64_t d = 0; d < q.D; ++d) dot += q.at(b, h, l, d) * k.at(b, h / group, s, d);
          setElementFromDouble(scores, ((b * H + h) * L + l) * S + s, dot * scale);
        }
  roundToStoredPrecision(scores);
  auto applyBody = [&](const char* name, Tensor* x) {
    const ir::Attribute* a = ctx.attr(name);
    if (!a || a->graphs.empty()) return true;
    std::vector<Value> out;
    std::string err;
    if (!ctx.run_subgraph(a->graphs[0], {Value::of(*x)}, &out, &err)) return ctx.fail(std::string(name) + ": " + err);
    if (out.empty() || !out[0].isTensor() || out[0].tensor.shape != x->shape) return ctx.fail(std::string(name) + " must keep the shape");
    *x = out[0].tensor;
    return true;
  };
  if (!applyBody("score_mod", &scores)) return false;
  Tensor probs = makeTensor(t, {B, H, L, S});
  for (int64_t row = 0; row < B * H * L; ++row) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0;
    for (int64_t s = 0; s < S; ++s) mx = std::max(mx, elementAsDouble(scores, row * S + s));
    for (int64_t s = 0; s < S; ++s) sum += std::exp(elementAsDouble(scores, row * S + s) - mx);
    for (int64_t s = 0; s < S; ++s)
      setElementFromDouble(probs, row * S + s, mx == -std::numeric_limits<double>::infinity() ? 0.0 : std::exp(elementAsDouble(scores, row * S + s) - mx) / sum);
  }
  roundToStoredPrecision(probs);
  if (!applyBody("prob_mod", &probs)) return false;
  Tensor* y = ctx.output(0, t, {B, H, L, v.D});
  if (!ctx.error.empty()) return false;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t l = 0; l < L; ++l)
        for (int64_t d = 0; d < v.D; ++d) {
          double acc = 0;
          for (int64_t s = 0; s < S; ++s) acc += elementAsDouble(probs, ((b * H + h) * L + l) * S + s) * v.at(b, h / group, s, d);
          setElementFromDouble(*y, ((b * H + h) * L + l) * v.D + d, acc);
        }
  return true;
}

}  // namespace

const std::vector<KernelEntry>& attentionKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Attention", attention}, {"", "RotaryEmbedding", rotaryEmbedding},
      {"ai.onnx.preview", "FlexAttention", flexAttention},
  };
  return table;
}

}  // namespace nf::runtime

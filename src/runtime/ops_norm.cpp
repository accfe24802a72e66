// runtime/ops_norm.cpp - normalisations: BatchNormalization, InstanceNormalization,
// LayerNormalization, GroupNormalization, RMSNormalization, LRN, LpNormalization,
// MeanVarianceNormalization. Statistics in double.
#include <cmath>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

double at(const Tensor& t, int64_t i) { return elementAsDouble(t, i); }

bool batchNorm(KernelContext& ctx) {
  for (size_t i = 0; i < 5; ++i)
    if (!ctx.require(i)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 1) return ctx.fail("X must have rank >= 1");
  const double eps = ctx.attrFloat("epsilon", 1e-5f), mom = ctx.attrFloat("momentum", 0.9f);
  const int64_t N = x.shape[0], C = x.rank() > 1 ? x.shape[1] : 1, inner = (N * C) != 0 ? x.count() / (N * C) : 0;
  for (size_t i = 1; i < 5; ++i)
    if (ctx.in(i).count() != C) return ctx.fail("scale/B/mean/var must have " + std::to_string(C) + " elements");
  const bool training = ctx.attrInt("training_mode", 0) != 0 || (ctx.opset < 14 && ctx.opset >= 9 && ctx.outputCount() > 1 && ctx.wantsOutput(1));
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  std::vector<double> mean(C), var(C);
  for (int64_t c = 0; c < C; ++c) {
    mean[c] = at(ctx.in(3), c);
    var[c] = at(ctx.in(4), c);
  }
  if (training) {
    const double cnt = static_cast<double>(N * inner);
    for (int64_t c = 0; c < C; ++c) {
      double s = 0, s2 = 0;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t i = 0; i < inner; ++i) {
          const double v = at(x, (n * C + c) * inner + i);
          s += v;
          s2 += v * v;
        }
      const double m = s / cnt, vr = s2 / cnt - m * m;
      mean[c] = m;
      var[c] = vr;
    }
    if (ctx.wantsOutput(1)) {
      Tensor* rm = ctx.output(1, ctx.in(3).type, {C});
      Tensor* rv = ctx.output(2, ctx.in(4).type, {C});
      for (int64_t c = 0; c < C; ++c) {
        setElementFromDouble(*rm, c, at(ctx.in(3), c) * mom + mean[c] * (1 - mom));
        setElementFromDouble(*rv, c, at(ctx.in(4), c) * mom + var[c] * (1 - mom));
      }
    }
  }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c) {
      const double s = at(ctx.in(1), c) / std::sqrt(var[c] + eps), b = at(ctx.in(2), c);
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t k = (n * C + c) * inner + i;
        setElementFromDouble(*y, k, (at(x, k) - mean[c]) * s + b);
      }
    }
  return true;
}

// Normalises groups of `inner` consecutive elements; scale/bias looked up by `param(group, i)`.
// LayerNormalization's optional outputs get each row's mean and 1/sqrt(var + eps) when
// given (not for rms).
template <class P>
void normalizeRows(const Tensor& x, Tensor* y, int64_t rows, int64_t inner, double eps, bool rms, P param,
                   Tensor* mean_out = nullptr, Tensor* inv_std_out = nullptr) {
  for (int64_t r = 0; r < rows; ++r) {
    double s = 0, s2 = 0;
    for (int64_t i = 0; i < inner; ++i) {
      const double v = at(x, r * inner + i);
      s += v;
      s2 += v * v;
    }
    const double m = rms ? 0.0 : s / static_cast<double>(inner);
    const double var = rms ? s2 / static_cast<double>(inner) : s2 / static_cast<double>(inner) - m * m;
    const double inv = 1.0 / std::sqrt(std::max(var, 0.0) + eps);
    if (mean_out) setElementFromDouble(*mean_out, r, m);
    if (inv_std_out) setElementFromDouble(*inv_std_out, r, 1.0 / std::sqrt(var + eps));
    for (int64_t i = 0; i < inner; ++i) {
      double sc, b;
      param(r, i, &sc, &b);
      setElementFromDouble(*y, r * inner + i, (at(x, r * inner + i) - m) * inv * sc + b);
    }
  }
}

bool instanceNorm(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 3) return ctx.fail("X must have rank >= 3");
  const int64_t C = x.shape[1], rows = x.shape[0] * C, inner = rows ? x.count() / rows : 0;
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  const Tensor& sc = ctx.in(1);
  const Tensor& b = ctx.in(2);
  normalizeRows(x, y, rows, inner, ctx.attrFloat("epsilon", 1e-5f), false, [&](int64_t r, int64_t, double* s, double* bb) {
    *s = at(sc, r % C);
    *bb = at(b, r % C);
  });
  return true;
}

bool layerNormLike(KernelContext& ctx, bool rms) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", -1), x.rank(), &a)) return false;
  int64_t rows = 1;
  for (int64_t d = 0; d < a; ++d) rows *= x.shape[d];
  const int64_t inner = rows ? x.count() / rows : 0;
  const std::vector<int64_t> norm_shape(x.shape.begin() + a, x.shape.end());
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  const Tensor& sc = ctx.in(1);
  const Tensor* b = ctx.hasTensor(2) ? &ctx.in(2) : nullptr;
  std::vector<int64_t> so, bo;
  std::vector<int64_t> ss = broadcastStrides(sc.shape, norm_shape);
  std::vector<int64_t> bs = b ? broadcastStrides(b->shape, norm_shape) : std::vector<int64_t>(norm_shape.size(), 0);
  so.resize(inner);
  bo.resize(inner);
  forEachBroadcast(norm_shape, {ss, bs}, [&](int64_t i, const int64_t* o) {
    so[i] = o[0];
    bo[i] = o[1];
  });
  const double eps = ctx.attrFloat("epsilon", 1e-5f);
  Tensor *mean = nullptr, *inv_std = nullptr;
  if (!rms && (ctx.wantsOutput(1) || ctx.wantsOutput(2))) {
    std::vector<int64_t> st = x.shape;
    for (size_t d = static_cast<size_t>(a); d < st.size(); ++d) st[d] = 1;
    const E stype = static_cast<E>(ctx.attrInt("stash_type", 1));
    mean = ctx.wantsOutput(1) ? ctx.output(1, stype, st) : nullptr;
    inv_std = ctx.wantsOutput(2) ? ctx.output(2, stype, st) : nullptr;
    if (!ctx.error.empty()) return false;
  }
  normalizeRows(
      x, y, rows, inner, eps, rms,
      [&](int64_t, int64_t i, double* s, double* bb) {
        *s = at(sc, so[i]);
        *bb = b ? at(*b, bo[i]) : 0.0;
      },
      mean, inv_std);
  return true;
}
bool layerNorm(KernelContext& c) { return layerNormLike(c, false); }
bool rmsNorm(KernelContext& c) { return layerNormLike(c, true); }

bool groupNorm(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 2) return ctx.fail("X must have rank >= 2");
  const int64_t G = ctx.attrInt("num_groups", 1), N = x.shape[0], C = x.shape[1];
  if (G <= 0 || C % G) return ctx.fail("channels not divisible by num_groups");
  const int64_t spatial = (N * C) != 0 ? x.count() / (N * C) : 0, cpg = C / G, inner = cpg * spatial;
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  const Tensor& sc = ctx.in(1);
  const Tensor& b = ctx.in(2);
  const bool per_group = sc.count() == G && G != C;
  normalizeRows(x, y, N * G, inner, ctx.attrFloat("epsilon", 1e-5f), false, [&](int64_t r, int64_t i, double* s, double* bb) {
    const int64_t g = r % G, c = g * cpg + i / spatial;
    *s = at(sc, per_group ? g : c);
    *bb = at(b, per_group ? g : c);
  });
  return true;
}

bool lrn(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 3) return ctx.fail("X must have rank >= 3");
  const int64_t size = ctx.attrInt("size", 1);
  const double alpha = ctx.attrFloat("alpha", 1e-4f), beta = ctx.attrFloat("beta", 0.75f), bias = ctx.attrFloat("bias", 1.f);
  const int64_t N = x.shape[0], C = x.shape[1], inner = (N * C) != 0 ? x.count() / (N * C) : 0;
  const int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        double s = 0;
        for (int64_t k = std::max<int64_t>(0, c - lo); k <= std::min<int64_t>(C - 1, c + hi); ++k) {
          const double v = at(x, (n * C + k) * inner + i);
          s += v * v;
        }
        const int64_t idx = (n * C + c) * inner + i;
        setElementFromDouble(*y, idx, at(x, idx) / std::pow(bias + alpha / static_cast<double>(size) * s, beta));
      }
  return true;
}

bool lpNorm(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", -1), x.rank(), &a)) return false;
  const int64_t p = ctx.attrInt("p", 2);
  int64_t outer = 1, inner = 1;
  const int64_t n = x.shape[a];
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < x.rank(); ++d) inner *= x.shape[d];
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double s = 0;
      for (int64_t k = 0; k < n; ++k) {
        const double v = at(x, (o * n + k) * inner + i);
        s += p == 1 ? std::fabs(v) : v * v;
      }
      const double norm = p == 1 ? s : std::sqrt(s);
      for (int64_t k = 0; k < n; ++k) {
        const int64_t idx = (o * n + k) * inner + i;
        setElementFromDouble(*y, idx, norm == 0 ? 0.0 : at(x, idx) / norm);
      }
    }
  return true;
}

bool meanVarianceNorm(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> axes = ctx.attrInts("axes", {0, 2, 3});
  std::vector<int64_t> kept = x.shape;
  for (int64_t a : axes) {
    int64_t n;
    if (!ctx.axis(a, x.rank(), &n)) return false;
    kept[n] = 1;
  }
  std::vector<int64_t> os = stridesOf(kept);
  for (size_t d = 0; d < kept.size(); ++d)
    if (kept[d] == 1 && x.shape[d] != 1) os[d] = 0;
  const int64_t on = shapeCount(kept);
  std::vector<double> s(on, 0), s2(on, 0), cnt(on, 0);
  forEachBroadcast(x.shape, {os}, [&](int64_t i, const int64_t* o) {
    const double v = at(x, i);
    s[o[0]] += v;
    s2[o[0]] += v * v;
    cnt[o[0]] += 1;
  });
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  forEachBroadcast(x.shape, {os}, [&](int64_t i, const int64_t* o) {
    const double m = s[o[0]] / cnt[o[0]], var = s2[o[0]] / cnt[o[0]] - m * m;
    setElementFromDouble(*y, i, (at(x, i) - m) / (std::sqrt(std::max(var, 0.0)) + 1e-9));
  });
  return true;
}

}  // namespace

const std::vector<KernelEntry>& normKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "BatchNormalization", batchNorm}, {"", "InstanceNormalization", instanceNorm},
      {"", "LayerNormalization", layerNorm}, {"", "GroupNormalization", groupNorm},
      {"", "RMSNormalization", rmsNorm}, {"", "LRN", lrn}, {"", "LpNormalization", lpNorm},
      {"", "MeanVarianceNormalization", meanVarianceNorm},
  };
  return table;
}

}  // namespace nf::runtime

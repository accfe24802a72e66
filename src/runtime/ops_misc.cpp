// runtime/ops_misc.cpp - Resize/Upsample, the loss functions
// (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss), window functions.
#include <algorithm>
#include <cmath>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

struct Tap {
  int64_t index;
  double weight;
};

bool resize(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const size_t r = x.rank();
  const bool upsample = ctx.node.op_type == "Upsample";
  std::string mode = ctx.attrString("mode", "nearest");
  std::string ctm = ctx.attrString("coordinate_transformation_mode", upsample || ctx.opset < 11 ? "asymmetric" : "half_pixel");
  std::string nearest_mode = ctx.attrString("nearest_mode", upsample || ctx.opset < 11 ? "floor" : "round_prefer_floor");
  if (mode == "bilinear" || mode == "trilinear") mode = "linear";
  if (ctx.opset < 11 && !upsample && mode == "nearest") nearest_mode = "floor";
  if (ctx.attrInt("antialias", 0) != 0) return ctx.fail("antialias is not supported");
  const double cubic_a = ctx.attrFloat("cubic_coeff_a", -0.75f);
  const bool exclude = ctx.attrInt("exclude_outside", 0) != 0;
  const double extrap = ctx.attrFloat("extrapolation_value", 0.f);
  std::vector<int64_t> axes = ctx.attrInts("axes");
  if (axes.empty())
    for (size_t d = 0; d < r; ++d) axes.push_back(static_cast<int64_t>(d));
  for (auto& a : axes)
    if (!ctx.axis(a, r, &a)) return false;
  std::vector<double> scales(r, 1.0), roi_start(r, 0.0), roi_end(r, 1.0);
  std::vector<int64_t> out = x.shape;
  std::vector<double> given_scales, roi;
  std::vector<int64_t> sizes;
  if (upsample) {
    given_scales = ctx.opset < 9 ? std::vector<double>(ctx.attrFloats("scales").begin(), ctx.attrFloats("scales").end())
                                 : (ctx.hasTensor(1) ? toDoubles(ctx.in(1)) : std::vector<double>{});
  } else if (ctx.opset < 11) {
    if (ctx.hasTensor(1)) given_scales = toDoubles(ctx.in(1));
  } else {
    if (ctx.hasTensor(1)) roi = toDoubles(ctx.in(1));
    if (ctx.hasTensor(2)) given_scales = toDoubles(ctx.in(2));
    if (ctx.hasTensor(3)) sizes = toInts(ctx.in(3));
  }
  if (!given_scales.empty() && !sizes.empty()) return ctx.fail("give either scales or sizes, not both");
  if (!given_scales.empty()) {
    if (given_scales.size() != axes.size()) return ctx.fail("scales must have one entry per axis");
    for (size_t i = 0; i < axes.size(); ++i) {
      if (given_scales[i] <= 0) return ctx.fail("scales must be positive");
      scales[axes[i]] = given_scales[i];
      out[axes[i]] = static_cast<int64_t>(std::floor(static_cast<double>(x.shape[axes[i]]) * given_scales[i]));
    }
  } else if (!sizes.empty()) {
    if (sizes.size() != axes.size()) return ctx.fail("sizes must have one entry per axis");
    const std::string policy = ctx.attrString("keep_aspect_ratio_policy", "stretch");
    double common = policy == "not_larger" ? 1e300 : 0;
    for (size_t i = 0; i < axes.size(); ++i) {
      const double s = static_cast<double>(sizes[i]) / static_cast<double>(x.shape[axes[i]]);
      common = policy == "not_larger" ? std::min(common, s) : std::max(common, s);
    }
    for (size_t i = 0; i < axes.size(); ++i) {
      if (policy == "stretch") {
        out[axes[i]] = sizes[i];
        scales[axes[i]] = static_cast<double>(sizes[i]) / static_cast<double>(x.shape[axes[i]]);
      } else {
        scales[axes[i]] = common;
        out[axes[i]] = static_cast<int64_t>(std::nearbyint(common * static_cast<double>(x.shape[axes[i]])));
      }
    }
  } else {
    return ctx.fail("neither scales nor sizes given");
  }
  if (!roi.empty()) {
    if (roi.size() != 2 * axes.size()) return ctx.fail("roi must have 2 entries per axis");
    for (size_t i = 0; i < axes.size(); ++i) {
      roi_start[axes[i]] = roi[i];
      roi_end[axes[i]] = roi[i + axes.size()];
    }
  }
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  // Per axis, per output coordinate: the input taps and their weights.
  std::vector<std::vector<std::vector<Tap>>> taps(r);
  std::vector<std::vector<uint8_t>> outside(r);
  for (size_t d = 0; d < r; ++d) {
    const int64_t in = x.shape[d], on = out[d];
    taps[d].resize(static_cast<size_t>(on));
    outside[d].assign(static_cast<size_t>(on), 0);
    for (int64_t o = 0; o < on; ++o) {
      const double s = scales[d];
      double c;
      const double xo = static_cast<double>(o);
      if (ctm == "half_pixel") c = (xo + 0.5) / s - 0.5;
      else if (ctm == "half_pixel_symmetric") {
        const double adj = static_cast<double>(on) / (s * static_cast<double>(in));
        const double center = static_cast<double>(in) / 2;
        c = center * (1 - adj) + (xo + 0.5) / s - 0.5;
      } else if (ctm == "pytorch_half_pixel") c = on > 1 ? (xo + 0.5) / s - 0.5 : -0.5;
      else if (ctm == "align_corners") {
        // The unrounded output length in*scale, as the reference implementation uses.
        const double of = s * static_cast<double>(in);
        c = of == 1 ? 0 : xo * static_cast<double>(in - 1) / (of - 1);
      }
      else if (ctm == "asymmetric") c = xo / s;
      else if (ctm == "tf_crop_and_resize") {
        c = on > 1 ? roi_start[d] * static_cast<double>(in - 1) +
                         xo * (roi_end[d] - roi_start[d]) * static_cast<double>(in - 1) / static_cast<double>(on - 1)
                   : 0.5 * (roi_start[d] + roi_end[d]) * static_cast<double>(in - 1);
        if (c < 0 || c > static_cast<double>(in - 1)) outside[d][o] = 1;
      } else return ctx.fail("unsupported coordinate_transformation_mode " + ctm);
      auto& t = taps[d][o];
      if (in == on && s == 1.0 && ctm != "tf_crop_and_resize") {
        t.push_back({o, 1.0});
      } else if (mode == "nearest") {
        double n;
        if (nearest_mode == "round_prefer_ceil") n = std::floor(c + 0.5);
        else if (nearest_mode == "floor") n = std::floor(c);
        else if (nearest_mode == "ceil") n = std::ceil(c);
        else n = (c - std::floor(c) == 0.5) ? std::floor(c) : std::round(c);
        t.push_back({std::clamp<int64_t>(static_cast<int64_t>(n), 0, in - 1), 1.0});
      } else if (mode == "linear") {
        const double cc = std::clamp(c, 0.0, static_cast<double>(in - 1));
        const int64_t i0 = static_cast<int64_t>(std::floor(cc));
        const double w = cc - static_cast<double>(i0);
        t.push_back({i0, 1 - w});
        if (w > 0) t.push_back({std::min(i0 + 1, in - 1), w});
      } else if (mode == "cubic") {
        const int64_t i0 = static_cast<int64_t>(std::floor(c));
        const double f = c - static_cast<double>(i0);
        const double A = cubic_a;
        auto k = [A](double v) {
          v = std::fabs(v);
          if (v <= 1) return ((A + 2) * v - (A + 3)) * v * v + 1;
          if (v < 2) return ((A * v - 5 * A) * v + 8 * A) * v - 4 * A;
          return 0.0;
        };
        double sum = 0;
        for (int64_t j = -1; j <= 2; ++j) {
          const int64_t idx = i0 + j;
          double w = k(f - static_cast<double>(j));
          if (exclude && (idx < 0 || idx >= in)) w = 0;
          sum += w;
          t.push_back({std::clamp<int64_t>(idx, 0, in - 1), w});
        }
        if (exclude && sum != 0)
          for (auto& tp : t) tp.weight /= sum;
      } else {
        return ctx.fail("unsupported mode " + mode);
      }
    }
  }
  const std::vector<int64_t> xs = stridesOf(x.shape);
  std::vector<int64_t> idx(r, 0), pick(r, 0);
  const int64_t n = y->count();
  for (int64_t i = 0; i < n; ++i) {
    bool out_of_roi = false;
    for (size_t d = 0; d < r; ++d) out_of_roi |= outside[d][idx[d]] != 0;
    if (out_of_roi) {
      setElementFromDouble(*y, i, extrap);
    } else {
      double acc = 0;
      std::fill(pick.begin(), pick.end(), 0);
      for (;;) {
        double w = 1;
        int64_t off = 0;
        for (size_t d = 0; d < r; ++d) {
          const Tap& t = taps[d][idx[d]][pick[d]];
          w *= t.weight;
          off += t.index * xs[d];
        }
        acc += w * elementAsDouble(x, off);
        int64_t d = static_cast<int64_t>(r) - 1;
        for (; d >= 0; --d) {
          if (++pick[d] < static_cast<int64_t>(taps[d][idx[d]].size())) break;
          pick[d] = 0;
        }
        if (d < 0) break;
      }
      if (mode == "nearest") copyElement(x, [&] {
          int64_t off = 0;
          for (size_t d = 0; d < r; ++d) off += taps[d][idx[d]][0].index * xs[d];
          return off;
        }(), *y, i);
      else setElementFromDouble(*y, i, isFloatStorage(x.type) ? acc : std::nearbyint(acc));
    }
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return true;
}

// Shared by NLL and SCE: log-probabilities [N, C, D...] (as doubles) and targets.
bool nllCore(KernelContext& ctx, const std::vector<double>& logp, const std::vector<int64_t>& shape, const Tensor& target,
             const Tensor* weight, E out_type) {
  if (shape.size() < 2) return ctx.fail("input must have rank >= 2");
  const int64_t N = shape[0], C = shape[1], D = (N * C) != 0 ? static_cast<int64_t>(logp.size()) / (N * C) : 0;
  if (target.count() != N * D) return ctx.fail("target shape does not match the input");
  const std::string red = ctx.attrString("reduction", "mean");
  const ir::Attribute* ig = ctx.attr("ignore_index");
  std::vector<double> loss(static_cast<size_t>(N * D), 0.0);
  double wsum = 0, lsum = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t d = 0; d < D; ++d) {
      const int64_t t = elementAsInt(target, n * D + d);
      if (ig && t == ig->i) continue;
      if (t < 0 || t >= C) return ctx.fail("target " + std::to_string(t) + " is out of range");
      const double w = weight ? elementAsDouble(*weight, t) : 1.0;
      loss[n * D + d] = -logp[(n * C + t) * D + d] * w;
      wsum += w;
      lsum += loss[n * D + d];
    }
  if (red == "none") {
    std::vector<int64_t> s{N};
    s.insert(s.end(), shape.begin() + 2, shape.end());
    Tensor* y = ctx.output(0, out_type, s);
    for (size_t i = 0; i < loss.size(); ++i) setElementFromDouble(*y, static_cast<int64_t>(i), loss[i]);
  } else {
    Tensor* y = ctx.output(0, out_type, {});
    setElementFromDouble(*y, 0, red == "sum" ? lsum : (wsum == 0 ? 0.0 : lsum / wsum));
  }
  return true;
}

bool nllLoss(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  return nllCore(ctx, toDoubles(ctx.in(0)), ctx.in(0).shape, ctx.in(1), ctx.hasTensor(2) ? &ctx.in(2) : nullptr, ctx.in(0).type);
}

bool softmaxCrossEntropy(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 2) return ctx.fail("scores must have rank >= 2");
  const int64_t N = x.shape[0], C = x.shape[1], D = (N * C) != 0 ? x.count() / (N * C) : 0;
  std::vector<double> v = toDoubles(x), logp(v.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t d = 0; d < D; ++d) {
      double mx = -INFINITY, s = 0;
      for (int64_t c = 0; c < C; ++c) mx = std::max(mx, v[(n * C + c) * D + d]);
      for (int64_t c = 0; c < C; ++c) s += std::exp(v[(n * C + c) * D + d] - mx);
      for (int64_t c = 0; c < C; ++c) logp[(n * C + c) * D + d] = v[(n * C + c) * D + d] - mx - std::log(s);
    }
  if (!nllCore(ctx, logp, x.shape, ctx.in(1), ctx.hasTensor(2) ? &ctx.in(2) : nullptr, x.type)) return false;
  if (ctx.wantsOutput(1)) {
    Tensor* lp = ctx.output(1, x.type, x.shape);
    for (size_t i = 0; i < logp.size(); ++i) setElementFromDouble(*lp, static_cast<int64_t>(i), logp[i]);
  }
  return true;
}

bool window(KernelContext& ctx, int kind) {
  if (!ctx.require(0)) return false;
  const int64_t n = elementAsInt(ctx.in(0), 0);
  if (n < 0 || n > (int64_t{1} << 30)) return ctx.fail("invalid window size");
  const bool periodic = ctx.attrInt("periodic", 1) != 0;
  const E t = static_cast<E>(ctx.attrInt("output_datatype", 1));
  Tensor* y = ctx.output(0, t, {n});
  if (!ctx.error.empty()) return false;
  const double N = static_cast<double>(periodic ? n : n - 1);
  for (int64_t i = 0; i < n; ++i) {
    const double a = 2 * M_PI * static_cast<double>(i) / N;
    double v;
    if (kind == 0) v = 0.5 - 0.5 * std::cos(a);                                   // Hann
    else if (kind == 1) v = 25.0 / 46 - 21.0 / 46 * std::cos(a);                   // Hamming
    else v = 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2 * a);                    // Blackman
    setElementFromDouble(*y, i, v);
  }
  return true;
}
bool hann(KernelContext& c) { return window(c, 0); }
bool hamming(KernelContext& c) { return window(c, 1); }
bool blackman(KernelContext& c) { return window(c, 2); }

}  // namespace

const std::vector<KernelEntry>& miscKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Resize", resize}, {"", "Upsample", resize},
      {"", "NegativeLogLikelihoodLoss", nllLoss}, {"", "SoftmaxCrossEntropyLoss", softmaxCrossEntropy},
      {"", "HannWindow", hann}, {"", "HammingWindow", hamming}, {"", "BlackmanWindow", blackman},
  };
  return table;
}

}  // namespace nf::runtime

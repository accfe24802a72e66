// runtime/ops_training.cpp - the optimizer ops of ai.onnx.preview.training
// (Adagrad, Momentum, Adam) and recent composite ops with a direct kernel
// (SwiGLU, CausalConvWithState). Computed in double.
#include <cmath>

#include "runtime/ops_common.h"
#include "runtime/ops_conv.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// Inputs R, T, then `groups` lists of n tensors each; returns n, or -1 after failing.
int64_t optimizerArity(KernelContext& ctx, int groups) {
  if (!ctx.require(0) || !ctx.require(1)) return -1;
  const int64_t rest = static_cast<int64_t>(ctx.inputCount()) - 2;
  if (rest <= 0 || rest % groups) return ctx.fail("expected R, T and " + std::to_string(groups) + " equal lists of tensors"), -1;
  const int64_t n = rest / groups;
  for (int64_t i = 0; i < rest; ++i)
    if (!ctx.require(static_cast<size_t>(2 + i)) || ctx.in(static_cast<size_t>(2 + i)).shape != ctx.in(static_cast<size_t>(2 + i % n)).shape)
      return ctx.fail("optimizer tensors must have matching shapes"), -1;
  return n;
}

bool adagrad(KernelContext& ctx) {
  const int64_t n = optimizerArity(ctx, 3);
  if (n < 0) return false;
  const double R = elementAsDouble(ctx.in(0), 0), T = elementAsDouble(ctx.in(1), 0);
  const double decay = ctx.attrFloat("decay_factor", 0.f), eps = ctx.attrFloat("epsilon", 1e-6f), norm = ctx.attrFloat("norm_coefficient", 0.f);
  const double r = R / (1 + T * decay);
  for (int64_t k = 0; k < n; ++k) {
    const Tensor& X = ctx.in(2 + k);
    const Tensor& G = ctx.in(2 + n + k);
    const Tensor& H = ctx.in(2 + 2 * n + k);
    Tensor* xo = ctx.output(static_cast<size_t>(k), X.type, X.shape);
    Tensor* ho = ctx.output(static_cast<size_t>(n + k), H.type, H.shape);
    for (int64_t i = 0; i < X.count(); ++i) {
      const double x = elementAsDouble(X, i), g = norm * x + elementAsDouble(G, i);
      const double h = elementAsDouble(H, i) + g * g;
      setElementFromDouble(*ho, i, h);
      setElementFromDouble(*xo, i, x - r * g / (std::sqrt(h) + eps));
    }
  }
  return true;
}

bool momentum(KernelContext& ctx) {
  const int64_t n = optimizerArity(ctx, 3);
  if (n < 0) return false;
  const double R = elementAsDouble(ctx.in(0), 0), T = elementAsDouble(ctx.in(1), 0);
  const double alpha = ctx.attrFloat("alpha", 0.f), beta = ctx.attrFloat("beta", 0.f), norm = ctx.attrFloat("norm_coefficient", 0.f);
  const bool nesterov = ctx.attrString("mode", "standard") == "nesterov";
  const double b = T > 0 ? beta : 1.0;
  for (int64_t k = 0; k < n; ++k) {
    const Tensor& X = ctx.in(2 + k);
    const Tensor& G = ctx.in(2 + n + k);
    const Tensor& V = ctx.in(2 + 2 * n + k);
    Tensor* xo = ctx.output(static_cast<size_t>(k), X.type, X.shape);
    Tensor* vo = ctx.output(static_cast<size_t>(n + k), V.type, V.shape);
    for (int64_t i = 0; i < X.count(); ++i) {
      const double x = elementAsDouble(X, i), g = norm * x + elementAsDouble(G, i);
      const double v = alpha * elementAsDouble(V, i) + b * g;
      setElementFromDouble(*vo, i, v);
      setElementFromDouble(*xo, i, nesterov ? x - R * (g + alpha * v) : x - R * v);
    }
  }
  return true;
}

bool adam(KernelContext& ctx) {
  const int64_t n = optimizerArity(ctx, 4);
  if (n < 0) return false;
  const double R = elementAsDouble(ctx.in(0), 0), T = elementAsDouble(ctx.in(1), 0);
  const double alpha = ctx.attrFloat("alpha", 0.9f), beta = ctx.attrFloat("beta", 0.999f), eps = ctx.attrFloat("epsilon", 1e-6f);
  const double norm = ctx.attrFloat("norm_coefficient", 0.f), post = ctx.attrFloat("norm_coefficient_post", 0.f);
  const double r = T > 0 ? R * std::sqrt(1 - std::pow(beta, T)) / (1 - std::pow(alpha, T)) : R;
  for (int64_t k = 0; k < n; ++k) {
    const Tensor& X = ctx.in(2 + k);
    const Tensor& G = ctx.in(2 + n + k);
    const Tensor& V = ctx.in(2 + 2 * n + k);
    const Tensor& H = ctx.in(2 + 3 * n + k);
    Tensor* xo = ctx.output(static_cast<size_t>(k), X.type, X.shape);
    Tensor* vo = ctx.output(static_cast<size_t>(n + k), V.type, V.shape);
    Tensor* ho = ctx.output(static_cast<size_t>(2 * n + k), H.type, H.shape);
    for (int64_t i = 0; i < X.count(); ++i) {
      const double x = elementAsDouble(X, i), g = norm * x + elementAsDouble(G, i);
      const double v = alpha * elementAsDouble(V, i) + (1 - alpha) * g;
      const double h = beta * elementAsDouble(H, i) + (1 - beta) * g * g;
      setElementFromDouble(*vo, i, v);
      setElementFromDouble(*ho, i, h);
      setElementFromDouble(*xo, i, (1 - post) * (x - r * v / (std::sqrt(h) + eps)));
    }
  }
  return true;
}

// SwiGLU(a, b) = Swish(a) * b, broadcast.
bool swiglu(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  std::vector<int64_t> shape;
  if (!broadcastShapes({a.shape, b.shape}, &shape)) return ctx.fail("shapes do not broadcast");
  Tensor* y = ctx.output(0, a.type, shape);
  if (!ctx.error.empty()) return false;
  forEachBroadcast(shape, {broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)}, [&](int64_t i, const int64_t* o) {
    const double x = elementAsDouble(a, o[0]);
    setElementFromDouble(*y, i, x / (1 + std::exp(-x)) * elementAsDouble(b, o[1]));
  });
  return true;
}

// CausalConvWithState: depthwise 1-D conv over [past_state | input] (zeros when no
// state), optional SiLU; present_state is the last K-1 steps of that sequence.
bool causalConvWithState(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& w = ctx.in(1);
  if (x.rank() != 3 || w.rank() != 3 || w.shape[0] != x.shape[1]) return ctx.fail("input must be [B, C, L] and weight [C, 1, K]");
  const int64_t B = x.shape[0], C = x.shape[1], L = x.shape[2], K = w.shape[2], P = K - 1;
  Tensor padded = makeTensor(x.type, {B, C, P + L});
  if (ctx.hasTensor(3)) {
    const Tensor& s = ctx.in(3);
    if (s.shape != std::vector<int64_t>{B, C, P}) return ctx.fail("past_state must be [B, C, K-1]");
    for (int64_t bc = 0; bc < B * C; ++bc)
      for (int64_t t = 0; t < P; ++t) copyElement(s, bc * P + t, padded, bc * (P + L) + t);
  }
  for (int64_t bc = 0; bc < B * C; ++bc)
    for (int64_t t = 0; t < L; ++t) copyElement(x, bc * L + t, padded, bc * (P + L) + P + t);
  Tensor yt = makeTensor(x.type, {B, C, L});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      const double bias = ctx.hasTensor(2) ? elementAsDouble(ctx.in(2), c) : 0.0;
      for (int64_t t = 0; t < L; ++t) {
        double acc = bias;
        for (int64_t k = 0; k < K; ++k) acc += elementAsDouble(padded, (b * C + c) * (P + L) + t + k) * elementAsDouble(w, c * K + k);
        if (ctx.attrString("activation", "") == "silu") acc = acc / (1 + std::exp(-acc));
        setElementFromDouble(yt, (b * C + c) * L + t, acc);
      }
    }
  ctx.setOutput(0, std::move(yt));
  if (ctx.wantsOutput(1)) {
    Tensor* st = ctx.output(1, x.type, {B, C, P});
    for (int64_t bc = 0; bc < B * C; ++bc)
      for (int64_t t = 0; t < P; ++t) copyElement(padded, bc * (P + L) + L + t, *st, bc * P + t);
  }
  return true;
}

}  // namespace

const std::vector<KernelEntry>& trainingKernels() {
  static const std::vector<KernelEntry> table = {
      {"ai.onnx.preview.training", "Adagrad", adagrad}, {"ai.onnx.preview.training", "Momentum", momentum},
      {"ai.onnx.preview.training", "Adam", adam}, {"", "SwiGLU", swiglu},
      {"", "CausalConvWithState", causalConvWithState},
  };
  return table;
}

}  // namespace nf::runtime

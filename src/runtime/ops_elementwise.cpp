// runtime/ops_elementwise.cpp - elementwise ops with full broadcasting: arithmetic,
// comparison, logic, bitwise, variadic Max/Min/Sum/Mean, Where, activations, Cast.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// True when `small`, broadcast to `out`, is one contiguous run of `out`'s dims (all
// other dims 1): element i of the output then reads small[(i / inner) % count].
// Gives the number of repeats outside (`outer`) and inside (`inner`) that run.
bool blockBroadcast(const std::vector<int64_t>& small, const std::vector<int64_t>& out, int64_t* outer,
                    int64_t* inner) {
  if (small.size() > out.size()) return false;
  const size_t lead = out.size() - small.size();
  size_t first = out.size(), last = out.size();  // the dims small spans: [first, last)
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t sd = d < lead ? 1 : small[d - lead];
    if (sd == 1 && out[d] != 1) {
      if (first != out.size() && last == out.size()) last = d;
      continue;
    }
    if (sd != out[d]) return false;
    if (out[d] == 1) continue;
    if (first == out.size()) first = d;
    else if (last != out.size()) return false;  // a second run
  }
  if (first == out.size()) return false;  // a scalar: handled elsewhere
  *outer = 1;
  *inner = 1;
  for (size_t d = 0; d < first; ++d) *outer *= out[d];
  for (size_t d = last; d < out.size(); ++d) *inner *= out[d];
  return true;
}

// out[i] = op(a, b) over broadcast inputs 0 and 1; out_type Undefined = input type.
template <class Op>
bool binary(KernelContext& ctx, E out_type, Op op) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  if (a.isString() || b.isString()) return ctx.fail("string inputs are not supported by " + ctx.node.op_type);
  std::vector<int64_t> shape;
  if (!broadcastShapes({a.shape, b.shape}, &shape))
    return ctx.fail("shapes " + shapeString(a.shape) + " and " + shapeString(b.shape) + " do not broadcast");
  const E ot = out_type == E::Undefined ? a.type : out_type;
  Tensor* y = ctx.output(0, ot, shape, /*zeroed=*/false);  // every element is written
  if (!ctx.error.empty()) return false;
  visitType(a.type, [&]<class T>() {
    using R = std::conditional_t<std::is_same_v<decltype(op(T{}, T{})), bool>, uint8_t, T>;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    R* py = y->data<R>();
    const int64_t n = y->count();
    if (a.shape == b.shape) {
      for (int64_t i = 0; i < n; ++i) py[i] = static_cast<R>(op(pa[i], pb[i]));
    } else if (b.count() == 1 && a.count() == n) {
      const T s = pb[0];
      for (int64_t i = 0; i < n; ++i) py[i] = static_cast<R>(op(pa[i], s));
    } else if (a.count() == 1 && b.count() == n) {
      const T s = pa[0];
      for (int64_t i = 0; i < n; ++i) py[i] = static_cast<R>(op(s, pb[i]));
    } else if (int64_t outer = 0, inner = 0; a.count() == n && blockBroadcast(b.shape, shape, &outer, &inner)) {
      // b repeats in blocks (a per-channel bias or scale): no per-element index math.
      const int64_t bn = b.count();
      if (inner == 1) {  // a bias over the last axis: whole rows (vectorised)
        for (int64_t o = 0; o < outer; ++o) {
          const T* ra = pa + o * bn;
          R* ry = py + o * bn;
          for (int64_t j = 0; j < bn; ++j) ry[j] = static_cast<R>(op(ra[j], pb[j]));
        }
      } else {
        for (int64_t o = 0, i = 0; o < outer; ++o)
          for (int64_t j = 0; j < bn; ++j) {
            const T s = pb[j];
            for (int64_t k = 0; k < inner; ++k, ++i) py[i] = static_cast<R>(op(pa[i], s));
          }
      }
    } else if (b.count() == n && blockBroadcast(a.shape, shape, &outer, &inner)) {
      const int64_t an = a.count();
      if (inner == 1) {
        for (int64_t o = 0; o < outer; ++o) {
          const T* rb = pb + o * an;
          R* ry = py + o * an;
          for (int64_t j = 0; j < an; ++j) ry[j] = static_cast<R>(op(pa[j], rb[j]));
        }
      } else {
        for (int64_t o = 0, i = 0; o < outer; ++o)
          for (int64_t j = 0; j < an; ++j) {
            const T s = pa[j];
            for (int64_t k = 0; k < inner; ++k, ++i) py[i] = static_cast<R>(op(s, pb[i]));
          }
      }
    } else {
      forEachBroadcast(shape, {broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)},
                       [&](int64_t i, const int64_t* o) { py[i] = static_cast<R>(op(pa[o[0]], pb[o[1]])); });
    }
  });
  return true;
}

template <class T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>)
      if (a == std::numeric_limits<T>::min() && b == T(-1)) return a;
    return static_cast<T>(a / b);
  } else {
    return a / b;
  }
}

bool add(KernelContext& c) { return binary(c, E::Undefined, [](auto a, auto b) { return decltype(a)(a + b); }); }
bool sub(KernelContext& c) { return binary(c, E::Undefined, [](auto a, auto b) { return decltype(a)(a - b); }); }
bool mul(KernelContext& c) { return binary(c, E::Undefined, [](auto a, auto b) { return decltype(a)(a * b); }); }
bool div(KernelContext& c) { return binary(c, E::Undefined, [](auto a, auto b) { return divide(a, b); }); }

bool pow(KernelContext& c) {
  if (!c.require(0) || !c.require(1)) return false;
  if (c.in(0).type == E::Float && c.in(1).type == E::Float && c.in(1).count() == 1 && c.in(1).data<float>()[0] == 2.f)
    // x^2 (LayerNorm's variance): the double product of two floats is exact, so this
    // equals std::pow(x, 2.0) bit for bit, without its cost.
    return binary(c, E::Undefined, [](auto a, auto) {
      return static_cast<decltype(a)>(static_cast<double>(a) * static_cast<double>(a));
    });
  if (c.in(0).type == c.in(1).type)
    return binary(c, E::Undefined, [](auto a, auto b) {
      return static_cast<decltype(a)>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    });
  // Mixed types: exponent converted to the base's type first.
  KernelContext& ctx = c;
  Tensor e = castTensor(ctx.in(1), ctx.in(0).type);
  Value ev = Value::of(std::move(e));
  const Value* saved = ctx.inputs[1];
  ctx.inputs[1] = &ev;
  const bool ok = binary(c, E::Undefined, [](auto a, auto b) {
    return static_cast<decltype(a)>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  });
  ctx.inputs[1] = saved;
  return ok;
}

bool mod(KernelContext& c) {
  const bool fmod = c.attrInt("fmod", 0) != 0;
  return binary(c, E::Undefined, [fmod](auto a, auto b) {
    using T = decltype(a);
    if constexpr (std::is_floating_point_v<T>) {
      if (fmod) return static_cast<T>(std::fmod(a, b));
      T r = static_cast<T>(std::fmod(a, b));
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(0);
        T r = static_cast<T>(a % b);
        if (!fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
        return r;
      } else {
        return static_cast<T>(a % b);
      }
    }
  });
}

bool equal(KernelContext& c) {
  if (c.require(0) && c.in(0).isString() && c.require(1)) {
    const Tensor& a = c.in(0);
    const Tensor& b = c.in(1);
    std::vector<int64_t> shape;
    if (!broadcastShapes({a.shape, b.shape}, &shape)) return c.fail("shapes do not broadcast");
    Tensor* y = c.output(0, E::Bool, shape);
    forEachBroadcast(shape, {broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)},
                     [&](int64_t i, const int64_t* o) { y->data<uint8_t>()[i] = (*a.strings)[o[0]] == (*b.strings)[o[1]]; });
    return true;
  }
  return binary(c, E::Bool, [](auto a, auto b) { return a == b; });
}
bool less(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a < b; }); }
bool lessEq(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a <= b; }); }
bool greater(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a > b; }); }
bool greaterEq(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a >= b; }); }
bool logicAnd(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a && b; }); }
bool logicOr(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return a || b; }); }
bool logicXor(KernelContext& c) { return binary(c, E::Bool, [](auto a, auto b) { return (a != 0) != (b != 0); }); }

template <class F>
auto intOnly(F f) {
  return [f](auto a, auto b) {
    using T = decltype(a);
    if constexpr (std::is_integral_v<T>) return static_cast<T>(f(a, b));
    else return a;
  };
}
bool bitAnd(KernelContext& c) { return binary(c, E::Undefined, intOnly([](auto a, auto b) { return a & b; })); }
bool bitOr(KernelContext& c) { return binary(c, E::Undefined, intOnly([](auto a, auto b) { return a | b; })); }
bool bitXor(KernelContext& c) { return binary(c, E::Undefined, intOnly([](auto a, auto b) { return a ^ b; })); }
bool bitShift(KernelContext& c) {
  const bool left = c.attrString("direction") == "LEFT";
  return binary(c, E::Undefined, intOnly([left](auto a, auto b) {
    using T = decltype(a);
    if (b >= static_cast<T>(sizeof(T) * 8)) return T(0);
    return static_cast<T>(left ? a << b : a >> b);
  }));
}

bool prelu(KernelContext& c) {
  // Before opset 7 the slope was per channel ([C] for NCHW input): view it as [C,1,...].
  if (c.require(0) && c.require(1) && c.in(1).rank() == 1 && c.in(0).rank() > 2 && c.in(1).count() == c.in(0).shape[1] &&
      c.in(1).count() != c.in(0).shape.back()) {
    std::vector<int64_t> s(c.in(0).rank() - 1, 1);
    s[0] = c.in(1).count();
    Value slope = Value::of(reshaped(c.in(1), s));
    const Value* saved = c.inputs[1];
    c.inputs[1] = &slope;
    const bool ok = binary(c, E::Undefined, [](auto x, auto s) { return decltype(x)(x < 0 ? x * s : x); });
    c.inputs[1] = saved;
    return ok;
  }
  return binary(c, E::Undefined, [](auto x, auto s) { return decltype(x)(x < 0 ? x * s : x); });
}

// Max / Min / Sum / Mean over any number of broadcast inputs, folded pairwise.
template <class Op>
bool variadic(KernelContext& ctx, Op op, bool mean) {
  std::vector<std::vector<int64_t>> shapes;
  for (size_t i = 0; i < ctx.inputCount(); ++i) {
    if (!ctx.require(i)) return false;
    shapes.push_back(ctx.in(i).shape);
  }
  if (shapes.empty()) return ctx.fail("needs at least one input");
  std::vector<int64_t> shape;
  if (!broadcastShapes(shapes, &shape)) return ctx.fail("input shapes do not broadcast");
  const Tensor& first = ctx.in(0);
  Tensor* y = ctx.output(0, first.type, shape);
  if (!ctx.error.empty()) return false;
  visitType(first.type, [&]<class T>() {
    T* py = y->data<T>();
    const Tensor& a = ctx.in(0);
    forEachBroadcast(shape, {broadcastStrides(a.shape, shape)}, [&](int64_t i, const int64_t* o) { py[i] = a.data<T>()[o[0]]; });
    for (size_t k = 1; k < ctx.inputCount(); ++k) {
      const Tensor& b = ctx.in(k);
      const T* pb = b.data<T>();
      forEachBroadcast(shape, {broadcastStrides(b.shape, shape)}, [&](int64_t i, const int64_t* o) { py[i] = op(py[i], pb[o[0]]); });
    }
    if (mean)
      for (int64_t i = 0; i < y->count(); ++i) py[i] = static_cast<T>(py[i] / static_cast<T>(ctx.inputCount()));
  });
  return true;
}
template <class T>
T nanMax(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return a < b ? b : a;
}
template <class T>
T nanMin(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return b < a ? b : a;
}
bool vmax(KernelContext& c) { return variadic(c, [](auto a, auto b) { return nanMax(a, b); }, false); }
bool vmin(KernelContext& c) { return variadic(c, [](auto a, auto b) { return nanMin(a, b); }, false); }
bool vsum(KernelContext& c) { return variadic(c, [](auto a, auto b) { return decltype(a)(a + b); }, false); }
bool vmean(KernelContext& c) { return variadic(c, [](auto a, auto b) { return decltype(a)(a + b); }, true); }

bool where(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& c = ctx.in(0);
  const Tensor& a = ctx.in(1);
  const Tensor& b = ctx.in(2);
  std::vector<int64_t> shape;
  if (!broadcastShapes({c.shape, a.shape, b.shape}, &shape)) return ctx.fail("input shapes do not broadcast");
  Tensor* y = ctx.output(0, a.type, shape);
  if (!ctx.error.empty()) return false;
  const uint8_t* pc = c.data<uint8_t>();
  forEachBroadcast(shape, {broadcastStrides(c.shape, shape), broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)},
                   [&](int64_t i, const int64_t* o) {
                     if (pc[o[0]]) copyElement(a, o[1], *y, i);
                     else copyElement(b, o[2], *y, i);
                   });
  return true;
}

// Unary ops: op receives each element (its storage type) and returns the result.
template <class Op>
bool unary(KernelContext& ctx, E out_type, Op op) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.isString()) return ctx.fail("string input is not supported");
  Tensor* y = ctx.output(0, out_type == E::Undefined ? x.type : out_type, x.shape, /*zeroed=*/false);
  if (!ctx.error.empty()) return false;
  visitType(x.type, [&]<class T>() {
    using R = std::conditional_t<std::is_same_v<decltype(op(T{})), bool>, uint8_t, T>;
    const T* px = x.data<T>();
    R* py = y->data<R>();
    const int64_t n = x.count();
    for (int64_t i = 0; i < n; ++i) py[i] = static_cast<R>(op(px[i]));
  });
  return true;
}

// Float math on any numeric input, computed in double.
template <class F>
auto real(F f) {
  return [f](auto x) { return static_cast<decltype(x)>(f(static_cast<double>(x))); };
}

#define NF_UNARY(name, expr) \
  bool name(KernelContext& c) { return unary(c, E::Undefined, real([&](double x) { return (expr); })); }

NF_UNARY(sqrtOp, std::sqrt(x))
NF_UNARY(expOp, std::exp(x))
NF_UNARY(logOp, std::log(x))
NF_UNARY(reciprocal, 1.0 / x)
NF_UNARY(tanhOp, std::tanh(x))
NF_UNARY(sigmoid, x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)))
NF_UNARY(cosOp, std::cos(x))
NF_UNARY(sinOp, std::sin(x))
NF_UNARY(tanOp, std::tan(x))
NF_UNARY(acosOp, std::acos(x))
NF_UNARY(asinOp, std::asin(x))
NF_UNARY(atanOp, std::atan(x))
NF_UNARY(acoshOp, std::acosh(x))
NF_UNARY(asinhOp, std::asinh(x))
NF_UNARY(atanhOp, std::atanh(x))
NF_UNARY(coshOp, std::cosh(x))
NF_UNARY(sinhOp, std::sinh(x))
NF_UNARY(ceilOp, std::ceil(x))
NF_UNARY(floorOp, std::floor(x))
NF_UNARY(roundOp, std::nearbyint(x))
NF_UNARY(erfOp, std::erf(x))
NF_UNARY(softplus, x > 20 ? x : std::log1p(std::exp(x)))
NF_UNARY(softsign, x / (1.0 + std::fabs(x)))
NF_UNARY(mish, x * std::tanh(x > 20 ? x : std::log1p(std::exp(x))))

// float32 activations of CNNs as tight float loops (the double path above costs
// several times more): Relu is exact; the hard activations round once more in float
// (within an ulp or two), and keep its NaN/inf behaviour.
template <class F>
bool floatUnary(KernelContext& ctx, F f) {
  const Tensor& x = ctx.in(0);
  Tensor* y = ctx.output(0, E::Float, x.shape, /*zeroed=*/false);
  if (!ctx.error.empty()) return false;
  const float* px = x.data<float>();
  float* py = y->data<float>();
  const int64_t n = x.count();
  for (int64_t i = 0; i < n; ++i) py[i] = f(px[i]);
  return true;
}
bool isFloat32Input(KernelContext& c) { return c.hasTensor(0) && c.in(0).type == E::Float; }

bool relu(KernelContext& c) {
  if (isFloat32Input(c)) return floatUnary(c, [](float v) { return v > 0.f ? v : 0.f; });
  return unary(c, E::Undefined, real([](double x) { return x > 0 ? x : 0.0; }));
}

bool absOp(KernelContext& c) {
  return unary(c, E::Undefined, [](auto x) {
    if constexpr (std::is_unsigned_v<decltype(x)>) return x;
    else return static_cast<decltype(x)>(x < 0 ? -x : x);
  });
}
bool neg(KernelContext& c) { return unary(c, E::Undefined, [](auto x) { return static_cast<decltype(x)>(-x); }); }
bool sign(KernelContext& c) {
  return unary(c, E::Undefined, [](auto x) { return static_cast<decltype(x)>(x > 0 ? 1 : (x < 0 ? -1 : 0)); });
}
bool logicNot(KernelContext& c) { return unary(c, E::Bool, [](auto x) { return !x; }); }
bool bitNot(KernelContext& c) {
  return unary(c, E::Undefined, [](auto x) {
    if constexpr (std::is_integral_v<decltype(x)>) return static_cast<decltype(x)>(~x);
    else return x;
  });
}
bool isNaN(KernelContext& c) { return unary(c, E::Bool, [](auto x) { return std::isnan(static_cast<double>(x)); }); }
bool isInf(KernelContext& c) {
  const bool pos = c.attrInt("detect_positive", 1) != 0, neg = c.attrInt("detect_negative", 1) != 0;
  return unary(c, E::Bool, [=](auto x) {
    const double v = static_cast<double>(x);
    return std::isinf(v) && ((v > 0 && pos) || (v < 0 && neg));
  });
}

bool elu(KernelContext& c) {
  const double a = c.attrFloat("alpha", 1.f);
  return unary(c, E::Undefined, real([a](double x) { return x >= 0 ? x : a * (std::exp(x) - 1); }));
}
bool celu(KernelContext& c) {
  const double a = c.attrFloat("alpha", 1.f);
  return unary(c, E::Undefined, real([a](double x) { return std::max(0.0, x) + std::min(0.0, a * (std::exp(x / a) - 1)); }));
}
bool selu(KernelContext& c) {
  const double a = c.attrFloat("alpha", 1.67326319217681884765625f), g = c.attrFloat("gamma", 1.05070102214813232421875f);
  return unary(c, E::Undefined, real([a, g](double x) { return x > 0 ? g * x : g * a * (std::exp(x) - 1); }));
}
bool leakyRelu(KernelContext& c) {
  const double a = c.attrFloat("alpha", 0.01f);
  return unary(c, E::Undefined, real([a](double x) { return x >= 0 ? x : a * x; }));
}
bool thresholdedRelu(KernelContext& c) {
  const double a = c.attrFloat("alpha", 1.f);
  return unary(c, E::Undefined, real([a](double x) { return x > a ? x : 0.0; }));
}
bool hardSigmoid(KernelContext& c) {
  const double a = c.attrFloat("alpha", 0.2f), b = c.attrFloat("beta", 0.5f);
  if (isFloat32Input(c)) {
    const float fa = static_cast<float>(a), fb = static_cast<float>(b);
    return floatUnary(c, [fa, fb](float v) { return std::max(0.f, std::min(1.f, fa * v + fb)); });
  }
  return unary(c, E::Undefined, real([a, b](double x) { return std::max(0.0, std::min(1.0, a * x + b)); }));
}
bool hardSwish(KernelContext& c) {
  if (isFloat32Input(c)) return floatUnary(c, [](float v) { return v * std::max(0.f, std::min(1.f, v / 6.f + 0.5f)); });
  return unary(c, E::Undefined, real([](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); }));
}
bool shrink(KernelContext& c) {
  const double l = c.attrFloat("lambd", 0.5f), b = c.attrFloat("bias", 0.f);
  return unary(c, E::Undefined, real([l, b](double x) { return x < -l ? x + b : (x > l ? x - b : 0.0); }));
}
bool gelu(KernelContext& c) {
  const bool tanh_approx = c.attrString("approximate", "none") == "tanh";
  return unary(c, E::Undefined, real([tanh_approx](double x) {
    if (tanh_approx) return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  }));
}
bool swish(KernelContext& c) {
  const double a = c.attrFloat("alpha", 1.f);
  return unary(c, E::Undefined, real([a](double x) { return x / (1 + std::exp(-a * x)); }));
}

bool clip(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  if (ctx.opset < 11) {
    lo = ctx.attrFloat("min", -std::numeric_limits<float>::max());
    hi = ctx.attrFloat("max", std::numeric_limits<float>::max());
  } else {
    if (ctx.hasTensor(1) && ctx.in(1).count() > 0) lo = elementAsDouble(ctx.in(1), 0);
    if (ctx.hasTensor(2) && ctx.in(2).count() > 0) hi = elementAsDouble(ctx.in(2), 0);
  }
  return unary(ctx, E::Undefined, [lo, hi](auto x) {
    using T = decltype(x);
    const double v = static_cast<double>(x);
    if (std::isnan(v)) return x;
    return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
  });
}

bool cast(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const auto to = static_cast<E>(ctx.attrInt("to", 0));
  if (!isSupportedType(to)) return ctx.fail("Cast to " + std::string(ir::elemTypeName(to)) + " is not supported");
  const bool saturate = ctx.attrInt("saturate", 1) != 0;
  Tensor y = castTensor(ctx.in(0), to, saturate);
  if (to == E::Float8E8M0 && !ctx.in(0).isString()) {  // the rounding direction is an attribute
    const std::string mode = ctx.attrString("round_mode", "up");
    for (int64_t i = 0; i < y.count(); ++i)
      y.data<float>()[i] = roundToE8M0(static_cast<float>(elementAsDouble(ctx.in(0), i)), mode, saturate);
  }
  ctx.setOutput(0, std::move(y));
  return true;
}

bool castLike(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  ctx.setOutput(0, castTensor(ctx.in(0), ctx.in(1).type, ctx.attrInt("saturate", 1) != 0));
  return true;
}

// Reinterprets the bytes of each element as another type of the same width.
bool bitCast(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const auto to = static_cast<E>(ctx.attrInt("to", 0));
  if (!isSupportedType(to) || x.isString() || to == E::String || ir::elemTypeBits(to) != ir::elemTypeBits(x.type) ||
      storedSize(to) != storedSize(x.type) || isLowPrecision(to) || x.type == E::Float16 || x.type == E::BFloat16 ||
      to == E::Float16 || to == E::BFloat16 || to == E::Bool || x.type == E::Bool)
    return ctx.fail("BitCast from " + std::string(ir::elemTypeName(x.type)) + " to " + std::string(ir::elemTypeName(to)) +
                    " is not supported");
  Tensor y = x;
  y.type = to;
  ctx.setOutput(0, y);
  return true;
}

}  // namespace

const std::vector<KernelEntry>& elementwiseKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Add", add}, {"", "Sub", sub}, {"", "Mul", mul}, {"", "Div", div}, {"", "Pow", pow}, {"", "Mod", mod},
      {"", "Equal", equal}, {"", "Less", less}, {"", "LessOrEqual", lessEq}, {"", "Greater", greater},
      {"", "GreaterOrEqual", greaterEq}, {"", "And", logicAnd}, {"", "Or", logicOr}, {"", "Xor", logicXor},
      {"", "Not", logicNot}, {"", "BitwiseAnd", bitAnd}, {"", "BitwiseOr", bitOr}, {"", "BitwiseXor", bitXor},
      {"", "BitwiseNot", bitNot}, {"", "BitShift", bitShift}, {"", "PRelu", prelu},
      {"", "Max", vmax}, {"", "Min", vmin}, {"", "Sum", vsum}, {"", "Mean", vmean}, {"", "Where", where},
      {"", "Sqrt", sqrtOp}, {"", "Exp", expOp}, {"", "Log", logOp}, {"", "Reciprocal", reciprocal},
      {"", "Tanh", tanhOp}, {"", "Sigmoid", sigmoid}, {"", "Cos", cosOp}, {"", "Sin", sinOp}, {"", "Tan", tanOp},
      {"", "Acos", acosOp}, {"", "Asin", asinOp}, {"", "Atan", atanOp}, {"", "Acosh", acoshOp},
      {"", "Asinh", asinhOp}, {"", "Atanh", atanhOp}, {"", "Cosh", coshOp}, {"", "Sinh", sinhOp},
      {"", "Ceil", ceilOp}, {"", "Floor", floorOp}, {"", "Round", roundOp}, {"", "Erf", erfOp},
      {"", "Softplus", softplus}, {"", "Softsign", softsign}, {"", "Mish", mish}, {"", "Relu", relu},
      {"", "Abs", absOp}, {"", "Neg", neg}, {"", "Sign", sign}, {"", "IsNaN", isNaN}, {"", "IsInf", isInf},
      {"", "Elu", elu}, {"", "Celu", celu}, {"", "Selu", selu}, {"", "LeakyRelu", leakyRelu},
      {"", "ThresholdedRelu", thresholdedRelu}, {"", "HardSigmoid", hardSigmoid}, {"", "HardSwish", hardSwish},
      {"", "Shrink", shrink}, {"", "Gelu", gelu}, {"", "Swish", swish}, {"", "Clip", clip},
      {"", "Cast", cast}, {"", "CastLike", castLike}, {"", "BitCast", bitCast},
  };
  return table;
}

}  // namespace nf::runtime

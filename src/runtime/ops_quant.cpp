// runtime/ops_quant.cpp - quantization: QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv.
// Integer products are computed exactly (double accumulation); QLinear ops go
// through float and requantize with round-half-to-even and saturation.
#include <cmath>
#include <limits>

#include "runtime/ops_common.h"
#include "runtime/ops_conv.h"
#include "runtime/ops_linalg.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// Per-element index into a per-tensor, per-axis or blocked parameter tensor.
struct ParamIndex {
  int64_t axis = 0, block = 0, inner = 1, dim = 1;
  const Tensor* p = nullptr;
  bool init(KernelContext& ctx, const Tensor& x, const Tensor* param) {
    p = param;
    if (!p || p->count() <= 1) return true;
    if (!ctx.axis(ctx.attrInt("axis", 1), x.rank(), &axis)) return false;
    block = ctx.attrInt("block_size", 0);
    dim = x.shape[axis];
    inner = 1;
    for (size_t d = static_cast<size_t>(axis) + 1; d < x.rank(); ++d) inner *= x.shape[d];
    if (block <= 0 && p->count() != dim) return ctx.fail("scale has " + std::to_string(p->count()) + " elements for an axis of " + std::to_string(dim));
    return true;
  }
  double at(int64_t i) const {
    if (!p) return 0;
    if (p->count() <= 1) return elementAsDouble(*p, 0);
    const int64_t c = (i / inner) % dim;
    if (block <= 0) return elementAsDouble(*p, c);
    // Blocked: param has the shape of x with the axis divided by block.
    const int64_t outer = i / (inner * dim), pd = (dim + block - 1) / block;
    return elementAsDouble(*p, (outer * pd + c / block) * inner + i % inner);
  }
};

double saturate(double v, E t) {
  double lo = 0, hi = 255;
  switch (t) {
    case E::Int8: lo = -128; hi = 127; break;
    case E::Uint16: lo = 0; hi = 65535; break;
    case E::Int16: lo = -32768; hi = 32767; break;
    case E::Int32: lo = -2147483648.0; hi = 2147483647.0; break;
    case E::Uint8: break;
    case E::Int4: lo = -8; hi = 7; break;
    case E::Uint4: lo = 0; hi = 15; break;
    case E::Int2: lo = -2; hi = 1; break;
    case E::Uint2: lo = 0; hi = 3; break;
    default: return v;
  }
  return std::min(hi, std::max(lo, v));
}

bool quantize(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor* zp = ctx.hasTensor(2) ? &ctx.in(2) : nullptr;
  E out = zp ? zp->type : E::Uint8;
  if (const ir::Attribute* a = ctx.attr("output_dtype"); a && a->i != 0) out = static_cast<E>(a->i);
  if (!isSupportedType(out) || isFloatStorage(out)) return ctx.fail("quantizing to " + std::string(ir::elemTypeName(out)) + " is not supported");
  const bool to_float = ir::isFloatType(out);  // float8 / float4: round to the format, saturating
  const bool sat = ctx.attrInt("saturate", 1) != 0;
  ParamIndex s, z;
  if (!s.init(ctx, x, &ctx.in(1)) || !z.init(ctx, x, zp)) return false;
  Tensor* y = ctx.output(0, out, x.shape);
  if (!ctx.error.empty()) return false;
  for (int64_t i = 0; i < x.count(); ++i) {
    const double q = static_cast<double>(static_cast<float>(elementAsDouble(x, i) / s.at(i)));
    if (to_float) y->data<float>()[i] = roundToMinifloat(static_cast<float>(q + z.at(i)), out, sat);
    else setElementFromDouble(*y, i, saturate(std::nearbyint(q) + z.at(i), out));
  }
  return true;
}

bool dequantize(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor* zp = ctx.hasTensor(2) ? &ctx.in(2) : nullptr;
  ParamIndex s, z;
  if (!s.init(ctx, x, &ctx.in(1)) || !z.init(ctx, x, zp)) return false;
  E out = ctx.in(1).type;
  if (const ir::Attribute* a = ctx.attr("output_dtype"); a && a->i != 0) out = static_cast<E>(a->i);
  Tensor* y = ctx.output(0, out, x.shape);
  if (!ctx.error.empty()) return false;
  for (int64_t i = 0; i < x.count(); ++i)
    setElementFromDouble(*y, i, static_cast<float>((elementAsDouble(x, i) - z.at(i)) * s.at(i)));
  return true;
}

bool dynamicQuantize(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  double lo = 0, hi = 0;
  for (int64_t i = 0; i < x.count(); ++i) {
    lo = std::min(lo, elementAsDouble(x, i));
    hi = std::max(hi, elementAsDouble(x, i));
  }
  const float scale = static_cast<float>((hi - lo) / 255.0);
  const double zp = scale == 0 ? 0 : saturate(std::nearbyint(0 - lo / scale), E::Uint8);
  Tensor* y = ctx.output(0, E::Uint8, x.shape);
  for (int64_t i = 0; i < x.count(); ++i)
    y->data<uint8_t>()[i] = static_cast<uint8_t>(saturate(std::nearbyint(scale == 0 ? 0 : elementAsDouble(x, i) / scale) + zp, E::Uint8));
  ctx.output(1, E::Float, {})->data<float>()[0] = scale;
  ctx.output(2, E::Uint8, {})->data<uint8_t>()[0] = static_cast<uint8_t>(zp);
  return true;
}

// Subtracts a zero point (scalar, or per row of A / per column of B) as doubles.
Tensor shifted(const Tensor& t, const Tensor* zp, bool per_row) {
  Tensor r = makeTensor(E::Double, t.shape);
  const int64_t cols = t.rank() ? t.shape.back() : 1;
  const int64_t rows = t.rank() >= 2 ? t.shape[t.rank() - 2] : 1;
  for (int64_t i = 0; i < t.count(); ++i) {
    double z = 0;
    if (zp && zp->count() == 1) z = elementAsDouble(*zp, 0);
    else if (zp && zp->count() > 1) z = elementAsDouble(*zp, per_row ? (i / cols) % rows : i % cols);
    r.data<double>()[i] = elementAsDouble(t, i) - z;
  }
  return r;
}

bool matmulInteger(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor a = shifted(ctx.in(0), ctx.hasTensor(2) ? &ctx.in(2) : nullptr, true);
  const Tensor b = shifted(ctx.in(1), ctx.hasTensor(3) ? &ctx.in(3) : nullptr, false);
  if (!matmulTensors(ctx, a, b, nullptr, 0)) return false;
  ctx.setOutput(0, castTensor(ctx.outputs[0].tensor, E::Int32));
  return true;
}

Tensor dequantized(const Tensor& q, const Tensor& scale, const Tensor* zp, int64_t axis) {
  Tensor r = makeTensor(E::Float, q.shape);
  const bool per_axis = scale.count() > 1;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < q.rank(); ++d) inner *= q.shape[d];
  for (int64_t i = 0; i < q.count(); ++i) {
    const int64_t c = per_axis ? (i / inner) % q.shape[axis] : 0;
    const double z = zp ? elementAsDouble(*zp, zp->count() > 1 ? c : 0) : 0;
    r.data<float>()[i] = static_cast<float>((elementAsDouble(q, i) - z) * elementAsDouble(scale, c));
  }
  return r;
}

// Requantizes output 0 (float) to y_zero_point's type.
bool requantize(KernelContext& ctx, size_t scale_in, size_t zp_in) {
  const Tensor f = ctx.outputs[0].tensor;
  const double s = elementAsDouble(ctx.in(scale_in), 0);
  const Tensor* zp = ctx.hasTensor(zp_in) ? &ctx.in(zp_in) : nullptr;
  const E t = zp ? zp->type : E::Uint8;
  const double z = zp ? elementAsDouble(*zp, 0) : 0;
  Tensor* y = ctx.output(0, t, f.shape);
  for (int64_t i = 0; i < f.count(); ++i)
    setElementFromDouble(*y, i, saturate(std::nearbyint(static_cast<double>(f.data<float>()[i]) / s) + z, t));
  return true;
}

bool qlinearMatMul(KernelContext& ctx) {
  for (size_t i : {0, 1, 3, 4, 6}) if (!ctx.require(i)) return false;
  const Tensor a = dequantized(ctx.in(0), ctx.in(1), ctx.hasTensor(2) ? &ctx.in(2) : nullptr, static_cast<int64_t>(ctx.in(0).rank()) - 2);
  const Tensor b = dequantized(ctx.in(3), ctx.in(4), ctx.hasTensor(5) ? &ctx.in(5) : nullptr, static_cast<int64_t>(ctx.in(3).rank()) - 1);
  Tensor ad = castTensor(a, E::Double), bd = castTensor(b, E::Double);
  if (!matmulTensors(ctx, ad, bd, nullptr, 0)) return false;
  ctx.setOutput(0, castTensor(ctx.outputs[0].tensor, E::Float));
  return requantize(ctx, 6, 7);
}

bool convInteger(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& xq = ctx.in(0);
  const Tensor& wq = ctx.in(1);
  Tensor one = makeTensor(E::Float, {});
  one.data<float>()[0] = 1;
  const Tensor x = dequantized(xq, one, ctx.hasTensor(2) ? &ctx.in(2) : nullptr, 0);
  const Tensor w = dequantized(wq, one, ctx.hasTensor(3) ? &ctx.in(3) : nullptr, 0);
  if (!convTensors(ctx, x, w, nullptr)) return false;
  ctx.setOutput(0, castTensor(ctx.outputs[0].tensor, E::Int32));
  return true;
}

bool qlinearConv(KernelContext& ctx) {
  for (size_t i : {0, 1, 3, 4, 6}) if (!ctx.require(i)) return false;
  const Tensor x = dequantized(ctx.in(0), ctx.in(1), ctx.hasTensor(2) ? &ctx.in(2) : nullptr, 1);
  const Tensor w = dequantized(ctx.in(3), ctx.in(4), ctx.hasTensor(5) ? &ctx.in(5) : nullptr, 0);
  Tensor bias;
  const Tensor* bp = nullptr;
  if (ctx.hasTensor(8)) {  // int32 bias with scale x_scale * w_scale
    const Tensor& b = ctx.in(8);
    bias = makeTensor(E::Float, b.shape);
    const double xs = elementAsDouble(ctx.in(1), 0);
    for (int64_t i = 0; i < b.count(); ++i)
      bias.data<float>()[i] = static_cast<float>(elementAsDouble(b, i) * xs * elementAsDouble(ctx.in(4), ctx.in(4).count() > 1 ? i : 0));
    bp = &bias;
  }
  if (!convTensors(ctx, x, w, bp)) return false;
  return requantize(ctx, 6, 7);
}

}  // namespace

const std::vector<KernelEntry>& quantKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "QuantizeLinear", quantize}, {"", "DequantizeLinear", dequantize},
      {"", "DynamicQuantizeLinear", dynamicQuantize}, {"", "MatMulInteger", matmulInteger},
      {"", "ConvInteger", convInteger}, {"", "QLinearMatMul", qlinearMatMul}, {"", "QLinearConv", qlinearConv},
  };
  return table;
}

}  // namespace nf::runtime

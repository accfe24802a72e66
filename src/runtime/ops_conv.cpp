// runtime/ops_conv.cpp - Conv and ConvTranspose in 1-3D (groups, dilations,
// auto_pad), MaxPool/AveragePool/LpPool and the global pools. 2-D Conv calls
// kernels::conv2d; other ranks and ConvTranspose use im2col/col2im + kernels::sgemm.
#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/ops_common.h"
#include "runtime/ops_conv.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// Spatial geometry shared by convolutions and pools.
struct Window {
  size_t nd = 0;
  std::vector<int64_t> in, kernel, stride, dilation, pad_begin, pad_end, out;
};

bool windowGeometry(KernelContext& ctx, const std::vector<int64_t>& in, std::vector<int64_t> kernel, bool ceil_mode,
                    Window* w) {
  const size_t nd = in.size();
  w->nd = nd;
  w->in = in;
  w->kernel = std::move(kernel);
  w->stride = ctx.attrInts("strides", std::vector<int64_t>(nd, 1));
  w->dilation = ctx.attrInts("dilations", std::vector<int64_t>(nd, 1));
  std::vector<int64_t> pads = ctx.attrInts("pads", std::vector<int64_t>(2 * nd, 0));
  if (w->kernel.size() != nd || w->stride.size() != nd || w->dilation.size() != nd || pads.size() != 2 * nd)
    return ctx.fail("kernel/strides/dilations/pads do not match " + std::to_string(nd) + " spatial axes");
  const std::string auto_pad = ctx.attrString("auto_pad", "NOTSET");
  w->pad_begin.assign(pads.begin(), pads.begin() + nd);
  w->pad_end.assign(pads.begin() + nd, pads.end());
  w->out.resize(nd);
  for (size_t i = 0; i < nd; ++i) {
    if (w->stride[i] <= 0 || w->dilation[i] <= 0 || w->kernel[i] <= 0) return ctx.fail("invalid kernel, stride or dilation");
    const int64_t eff = (w->kernel[i] - 1) * w->dilation[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (in[i] + w->stride[i] - 1) / w->stride[i];
      const int64_t total = std::max<int64_t>(0, (o - 1) * w->stride[i] + eff - in[i]);
      w->pad_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w->pad_end[i] = total - w->pad_begin[i];
    } else if (auto_pad == "VALID") {
      w->pad_begin[i] = w->pad_end[i] = 0;
    }
    const int64_t span = in[i] + w->pad_begin[i] + w->pad_end[i] - eff;
    if (span < 0) return ctx.fail("kernel is larger than the padded input");
    if (ceil_mode) {
      w->out[i] = (span + w->stride[i] - 1) / w->stride[i] + 1;
      if ((w->out[i] - 1) * w->stride[i] >= in[i] + w->pad_begin[i]) --w->out[i];
    } else {
      w->out[i] = span / w->stride[i] + 1;
    }
  }
  return true;
}

// Calls f(out_flat, in_offsets...) for each output position: the caller walks the
// kernel itself. Iterates the N-D output grid.
template <class F>
void forEachPosition(const std::vector<int64_t>& out, F&& f) {
  const int64_t n = shapeCount(out);
  std::vector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    f(i, idx);
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
}

// im2col for one image/group: col[(c*K + k), p] for channel c, kernel offset k, output position p.
void im2col(const float* x, int64_t channels, const Window& w, float* col) {
  const int64_t kn = shapeCount(w.kernel), pn = shapeCount(w.out), in_n = shapeCount(w.in);
  const std::vector<int64_t> is = stridesOf(w.in);
  std::vector<int64_t> kidx(w.nd);
  for (int64_t k = 0; k < kn; ++k) {
    int64_t rem = k;
    for (int64_t d = static_cast<int64_t>(w.nd) - 1; d >= 0; --d) {
      kidx[d] = rem % w.kernel[d];
      rem /= w.kernel[d];
    }
    forEachPosition(w.out, [&](int64_t p, const std::vector<int64_t>& o) {
      int64_t off = 0;
      bool inside = true;
      for (size_t d = 0; d < w.nd; ++d) {
        const int64_t c = o[d] * w.stride[d] - w.pad_begin[d] + kidx[d] * w.dilation[d];
        if (c < 0 || c >= w.in[d]) { inside = false; break; }
        off += c * is[d];
      }
      for (int64_t ch = 0; ch < channels; ++ch)
        col[(ch * kn + k) * pn + p] = inside ? x[ch * in_n + off] : 0.f;
    });
  }
}

}  // namespace

bool convTensors(KernelContext& ctx, const Tensor& x0, const Tensor& w0, const Tensor* bias_in) {
  if (x0.rank() < 3 || w0.rank() != x0.rank()) return ctx.fail("X and W must have the same rank >= 3");
  const Tensor x = x0.type == E::Float ? x0 : castTensor(x0, E::Float);
  const Tensor wt = w0.type == E::Float ? w0 : castTensor(w0, E::Float);
  const int64_t N = x.shape[0], C = x.shape[1], M = wt.shape[0], group = ctx.attrInt("group", 1);
  if (group <= 0 || C % group || M % group || wt.shape[1] * group != C)
    return ctx.fail("channels " + std::to_string(C) + " do not match W " + shapeString(wt.shape) + " with group " + std::to_string(group));
  Window w;
  std::vector<int64_t> kernel(wt.shape.begin() + 2, wt.shape.end());
  if (!windowGeometry(ctx, {x.shape.begin() + 2, x.shape.end()}, kernel, false, &w)) return false;
  std::vector<int64_t> out{N, M};
  out.insert(out.end(), w.out.begin(), w.out.end());
  const E compute_type = x0.type == E::Double ? E::Float : x0.type;  // float storage
  // kernels::conv2d writes every output element; the other paths accumulate.
  Tensor* y = ctx.output(0, compute_type, out, /*zeroed=*/!(x0.type == E::Float && w.nd == 2));
  if (!ctx.error.empty()) return false;
  Tensor bias_t;
  const float* bias = nullptr;
  if (bias_in) {
    bias_t = bias_in->type == E::Float ? *bias_in : castTensor(*bias_in, E::Float);
    if (bias_t.count() != M) return ctx.fail("B must have " + std::to_string(M) + " elements");
    bias = bias_t.data<float>();
  }
  float* py = y->data<float>();
  if (x0.type == E::Float && w.nd == 2) {
    kernels::Conv2dShape s;
    s.batch = N;
    s.in_channels = C;
    s.in_h = w.in[0];
    s.in_w = w.in[1];
    s.out_channels = M;
    s.kernel_h = w.kernel[0];
    s.kernel_w = w.kernel[1];
    s.stride_h = w.stride[0];
    s.stride_w = w.stride[1];
    s.dilation_h = w.dilation[0];
    s.dilation_w = w.dilation[1];
    s.pad_top = w.pad_begin[0];
    s.pad_left = w.pad_begin[1];
    s.group = group;
    s.out_h = w.out[0];
    s.out_w = w.out[1];
    // Constant float32 weights (W is an initializer) are packed once per Executor; the
    // kernel then never reads W itself (the executor may have dropped it: no buffer).
    PackedWeights* pw = ctx.hasTensor(1) && &ctx.in(1) == &w0 && w0.type == E::Float ? ctx.packEntry(1) : nullptr;
    if (pw) {
      if (!kernels::packed_conv2d_fits(pw->conv, s)) {
        Tensor reload;
        const float* data = ctx.constantData(1, &reload);
        if (!data) return false;
        pw->conv = kernels::pack_conv2d_weights(s, data);
      }
      kernels::conv2d(s, x.data<float>(), nullptr, pw->conv, bias, py, ctx.scratch);
      return true;
    }
    kernels::conv2d(s, x.data<float>(), wt.data<float>(), bias, py, ctx.scratch);
    return true;  // float16 outputs are rounded by the executor
  }
  const int64_t cg = C / group, mg = M / group, kn = shapeCount(w.kernel), pn = shapeCount(w.out), in_n = shapeCount(w.in);
  int64_t col_n = 0;
  if (!checkedSizeMul(cg * kn, pn, &col_n)) return ctx.fail("convolution too large");
  std::vector<float> col(static_cast<size_t>(col_n));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < group; ++g) {
      im2col(x.data<float>() + (n * C + g * cg) * in_n, cg, w, col.data());
      float* yg = py + (n * M + g * mg) * pn;
      kernels::sgemm(false, false, mg, pn, cg * kn, 1.f, wt.data<float>() + g * mg * cg * kn, cg * kn, col.data(), pn,
                     0.f, yg, pn, ctx.scratch);
      if (bias)
        for (int64_t m = 0; m < mg; ++m)
          for (int64_t p = 0; p < pn; ++p) yg[m * pn + p] += bias[g * mg + m];
    }
  if (x0.type == E::Double) ctx.setOutput(0, castTensor(ctx.outputs[0].tensor, E::Double));
  return true;
}

namespace {

bool conv(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  return convTensors(ctx, ctx.in(0), ctx.in(1), ctx.hasTensor(2) ? &ctx.in(2) : nullptr);
}

bool convTranspose(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor x = ctx.in(0).type == E::Float ? ctx.in(0) : castTensor(ctx.in(0), E::Float);
  const Tensor wt = ctx.in(1).type == E::Float ? ctx.in(1) : castTensor(ctx.in(1), E::Float);
  if (x.rank() < 3 || wt.rank() != x.rank()) return ctx.fail("X and W must have the same rank >= 3");
  const size_t nd = x.rank() - 2;
  const int64_t N = x.shape[0], C = x.shape[1], group = ctx.attrInt("group", 1);
  if (group <= 0 || C % group || wt.shape[0] != C) return ctx.fail("W does not match the input channels");
  const int64_t mg = wt.shape[1], M = mg * group, cg = C / group;
  std::vector<int64_t> in(x.shape.begin() + 2, x.shape.end()), kernel(wt.shape.begin() + 2, wt.shape.end());
  kernel = ctx.attrInts("kernel_shape", kernel);
  std::vector<int64_t> stride = ctx.attrInts("strides", std::vector<int64_t>(nd, 1));
  std::vector<int64_t> dil = ctx.attrInts("dilations", std::vector<int64_t>(nd, 1));
  std::vector<int64_t> opad = ctx.attrInts("output_padding", std::vector<int64_t>(nd, 0));
  std::vector<int64_t> pads = ctx.attrInts("pads", std::vector<int64_t>(2 * nd, 0));
  std::vector<int64_t> out_shape = ctx.attrInts("output_shape");
  const std::string auto_pad = ctx.attrString("auto_pad", "NOTSET");
  if (kernel.size() != nd || stride.size() != nd || dil.size() != nd || opad.size() != nd || pads.size() != 2 * nd)
    return ctx.fail("attributes do not match the spatial rank");
  if (out_shape.size() > nd) out_shape.erase(out_shape.begin(), out_shape.begin() + (out_shape.size() - nd));
  std::vector<int64_t> out(nd);
  for (size_t i = 0; i < nd; ++i) {
    const int64_t eff = (kernel[i] - 1) * dil[i] + 1;
    const int64_t full = stride[i] * (in[i] - 1) + opad[i] + eff;
    if (!out_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      out[i] = !out_shape.empty() ? out_shape[i] : in[i] * stride[i];
      const int64_t total = std::max<int64_t>(0, full - out[i]);
      if (auto_pad == "SAME_UPPER") { pads[i] = total / 2; pads[i + nd] = total - total / 2; }
      else { pads[i] = total - total / 2; pads[i + nd] = total / 2; }
    } else {
      if (auto_pad == "VALID") pads[i] = pads[i + nd] = 0;
      out[i] = full - pads[i] - pads[i + nd];
    }
    if (out[i] < 0) return ctx.fail("negative output size");
  }
  std::vector<int64_t> yshape{N, M};
  yshape.insert(yshape.end(), out.begin(), out.end());
  const bool is_double = ctx.in(0).type == E::Double;
  Tensor* y = ctx.output(0, is_double ? E::Float : ctx.in(0).type, yshape);
  if (!ctx.error.empty()) return false;
  const int64_t kn = shapeCount(kernel), in_n = shapeCount(in), out_n = shapeCount(out);
  std::vector<float> col(static_cast<size_t>(mg * kn * in_n));
  const std::vector<int64_t> os = stridesOf(out);
  float* py = y->data<float>();
  std::vector<int64_t> kidx(nd);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < group; ++g) {
      // col[mg*kn, in_n] = W_g^T [mg*kn, cg] * X_g [cg, in_n]
      kernels::sgemm(true, false, mg * kn, in_n, cg, 1.f, wt.data<float>() + g * cg * mg * kn, mg * kn,
                     x.data<float>() + (n * C + g * cg) * in_n, in_n, 0.f, col.data(), in_n, ctx.scratch);
      for (int64_t m = 0; m < mg; ++m) {
        float* ym = py + (n * M + g * mg + m) * out_n;
        for (int64_t k = 0; k < kn; ++k) {
          int64_t rem = k;
          for (int64_t d = static_cast<int64_t>(nd) - 1; d >= 0; --d) {
            kidx[d] = rem % kernel[d];
            rem /= kernel[d];
          }
          const float* c = col.data() + (m * kn + k) * in_n;
          forEachPosition(in, [&](int64_t p, const std::vector<int64_t>& ii) {
            int64_t off = 0;
            for (size_t d = 0; d < nd; ++d) {
              const int64_t o = ii[d] * stride[d] - pads[d] + kidx[d] * dil[d];
              if (o < 0 || o >= out[d]) return;
              off += o * os[d];
            }
            ym[off] += c[p];
          });
        }
      }
    }
  if (ctx.hasTensor(2)) {
    const Tensor& b = ctx.in(2);
    if (b.count() != M) return ctx.fail("B must have " + std::to_string(M) + " elements");
    for (int64_t n = 0; n < N; ++n)
      for (int64_t m = 0; m < M; ++m) {
        const float bv = static_cast<float>(elementAsDouble(b, m));
        for (int64_t p = 0; p < out_n; ++p) py[(n * M + m) * out_n + p] += bv;
      }
  }
  if (is_double) ctx.setOutput(0, castTensor(ctx.outputs[0].tensor, E::Double));
  return true;
}

enum class PoolKind { Max, Average, Lp };

// float32 2-D Max/Average pools without the Indices output: direct loops over each
// contiguous plane. Same arithmetic as the generic loop below (max in order; sums
// in double, divided once), so the results are identical.
// First kernel tap k with start + k * step >= 0, and one past the last tap inside
// [0, size) (at most `taps`).
int64_t tapBegin(int64_t start, int64_t step) { return start >= 0 ? 0 : (-start + step - 1) / step; }
int64_t tapEnd(int64_t start, int64_t step, int64_t size, int64_t taps) {
  if (start > size - 1) return 0;
  return std::min(taps, (size - 1 - start) / step + 1);
}

void pool2dFloat(const Tensor& x, const Window& w, PoolKind kind, bool include_pad, Tensor* y) {
  const int64_t planes = x.shape[0] * x.shape[1];
  const int64_t H = w.in[0], W = w.in[1], OH = w.out[0], OW = w.out[1];
  const int64_t KH = w.kernel[0], KW = w.kernel[1], sh = w.stride[0], sw = w.stride[1];
  const int64_t dh = w.dilation[0], dw = w.dilation[1], pt = w.pad_begin[0], pl = w.pad_begin[1];
  const int64_t pb = w.pad_end[0], pr = w.pad_end[1];
  const float* px = x.data<float>();
  float* py = y->data<float>();
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = px + p * H * W;
    float* yp = py + p * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const int64_t h0 = oh * sh - pt;
      for (int64_t ow = 0; ow < OW; ++ow) {
        const int64_t w0 = ow * sw - pl;
        if (kind == PoolKind::Max) {
          // The kernel taps inside the plane, then branch-free loops over them.
          const int64_t kh0 = tapBegin(h0, dh), kh1 = tapEnd(h0, dh, H, KH);
          const int64_t kw0 = tapBegin(w0, dw), kw1 = tapEnd(w0, dw, W, KW);
          float m = -std::numeric_limits<float>::infinity();
          if (kh0 < kh1 && kw0 < kw1) {
            m = xp[(h0 + kh0 * dh) * W + w0 + kw0 * dw];  // the first tap (NaN stays NaN)
            for (int64_t kh = kh0; kh < kh1; ++kh) {
              const float* row = xp + (h0 + kh * dh) * W + w0;
              for (int64_t kw = kw0; kw < kw1; ++kw) {
                const float v = row[kw * dw];
                if (v > m) m = v;
              }
            }
          }
          yp[oh * OW + ow] = m;
        } else {
          double acc = 0;
          int64_t rows = 0, cols = 0, prows = 0, pcols = 0;
          for (int64_t kh = 0; kh < KH; ++kh) {
            const int64_t hh = h0 + kh * dh;
            if (hh >= -pt && hh < H + pb) ++prows;
            if (hh < 0 || hh >= H) continue;
            ++rows;
            const float* row = xp + hh * W;
            for (int64_t kw = 0; kw < KW; ++kw) {
              const int64_t ww = w0 + kw * dw;
              if (ww < 0 || ww >= W) continue;
              acc += static_cast<double>(row[ww]);
            }
          }
          for (int64_t kw = 0; kw < KW; ++kw) {
            const int64_t ww = w0 + kw * dw;
            if (ww >= -pl && ww < W + pr) ++pcols;
            if (ww >= 0 && ww < W) ++cols;
          }
          const int64_t count = include_pad ? prows * pcols : std::max<int64_t>(rows * cols, 1);
          yp[oh * OW + ow] = static_cast<float>(acc / static_cast<double>(count));
        }
      }
    }
  }
}

bool pool(KernelContext& ctx, PoolKind kind, bool global) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 3) return ctx.fail("input must have rank >= 3");
  if (!isFloatStorage(x.type) && !(kind == PoolKind::Max && (x.type == E::Int8 || x.type == E::Uint8)))
    return ctx.fail("unsupported input type");
  std::vector<int64_t> in(x.shape.begin() + 2, x.shape.end());
  Window w;
  if (global) {
    w.nd = in.size();
    w.in = in;
    w.kernel = in;
    w.stride.assign(in.size(), 1);
    w.dilation.assign(in.size(), 1);
    w.pad_begin.assign(in.size(), 0);
    w.pad_end.assign(in.size(), 0);
    w.out.assign(in.size(), 1);
  } else if (!windowGeometry(ctx, in, ctx.attrInts("kernel_shape"), ctx.attrInt("ceil_mode", 0) != 0, &w)) {
    return false;
  }
  const int64_t N = x.shape[0], C = x.shape[1], in_n = shapeCount(in), out_n = shapeCount(w.out);
  std::vector<int64_t> yshape{N, C};
  yshape.insert(yshape.end(), w.out.begin(), w.out.end());
  Tensor* y = ctx.output(0, x.type, yshape);
  if (!ctx.error.empty()) return false;
  Tensor* idx_out = kind == PoolKind::Max && ctx.wantsOutput(1) ? ctx.output(1, E::Int64, yshape) : nullptr;
  const bool include_pad = ctx.attrInt("count_include_pad", 0) != 0;
  const bool col_major = ctx.attrInt("storage_order", 0) != 0;
  const double p = static_cast<double>(ctx.attrInt("p", 2));
  if (x.type == E::Float && w.nd == 2 && !idx_out && kind != PoolKind::Lp) {
    pool2dFloat(x, w, kind, include_pad, y);
    return true;
  }
  const std::vector<int64_t> is = stridesOf(in);
  const int64_t kn = shapeCount(w.kernel);
  std::vector<int64_t> kidx(w.nd);
  for (int64_t nc = 0; nc < N * C; ++nc) {
    forEachPosition(w.out, [&](int64_t op, const std::vector<int64_t>& o) {
      double acc = kind == PoolKind::Max ? -std::numeric_limits<double>::infinity() : 0.0;
      int64_t count = 0, padded_count = 0, best = -1;
      for (int64_t k = 0; k < kn; ++k) {
        int64_t rem = k;
        for (int64_t d = static_cast<int64_t>(w.nd) - 1; d >= 0; --d) {
          kidx[d] = rem % w.kernel[d];
          rem /= w.kernel[d];
        }
        int64_t off = 0;
        bool inside = true, in_padded = true;
        for (size_t d = 0; d < w.nd; ++d) {
          const int64_t c = o[d] * w.stride[d] - w.pad_begin[d] + kidx[d] * w.dilation[d];
          if (c < 0 || c >= w.in[d]) inside = false;
          if (c < -w.pad_begin[d] || c >= w.in[d] + w.pad_end[d]) in_padded = false;
          off += c * is[d];
        }
        if (in_padded) ++padded_count;
        if (!inside) continue;
        const double v = elementAsDouble(x, nc * in_n + off);
        ++count;
        if (kind == PoolKind::Max) {
          if (v > acc || best < 0) { acc = v; best = off; }
        } else if (kind == PoolKind::Average) {
          acc += v;
        } else {
          acc += std::pow(std::fabs(v), p);
        }
      }
      double r = acc;
      if (kind == PoolKind::Average) r = acc / static_cast<double>(include_pad ? padded_count : std::max<int64_t>(count, 1));
      if (kind == PoolKind::Lp) r = std::pow(acc, 1.0 / p);
      setElementFromDouble(*y, nc * out_n + op, r);
      if (idx_out) {
        int64_t flat = best;
        if (col_major && best >= 0) {
          int64_t rem = best, cm = 0, mul = 1;
          std::vector<int64_t> c(w.nd);
          for (int64_t d = static_cast<int64_t>(w.nd) - 1; d >= 0; --d) { c[d] = rem % in[d]; rem /= in[d]; }
          for (size_t d = 0; d < w.nd; ++d) { cm += c[d] * mul; mul *= in[d]; }
          flat = cm;
        }
        idx_out->data<int64_t>()[nc * out_n + op] = nc * in_n + flat;
      }
    });
  }
  return true;
}

bool maxPool(KernelContext& c) { return pool(c, PoolKind::Max, false); }
bool averagePool(KernelContext& c) { return pool(c, PoolKind::Average, false); }
bool lpPool(KernelContext& c) { return pool(c, PoolKind::Lp, false); }
bool globalMaxPool(KernelContext& c) { return pool(c, PoolKind::Max, true); }
bool globalAveragePool(KernelContext& c) { return pool(c, PoolKind::Average, true); }
bool globalLpPool(KernelContext& c) { return pool(c, PoolKind::Lp, true); }

}  // namespace

const std::vector<KernelEntry>& convKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Conv", conv}, {"", "ConvTranspose", convTranspose}, {"", "MaxPool", maxPool},
      {"", "AveragePool", averagePool}, {"", "LpPool", lpPool}, {"", "GlobalMaxPool", globalMaxPool},
      {"", "GlobalAveragePool", globalAveragePool}, {"", "GlobalLpPool", globalLpPool},
  };
  return table;
}

}  // namespace nf::runtime

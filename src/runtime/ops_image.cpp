// runtime/ops_image.cpp - image and signal ops: GridSample, AffineGrid, Col2Im,
// CenterCropPad, NonMaxSuppression, DFT, DeformConv. Computed in double.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const double d = lo - x;
    const int64_t n = static_cast<int64_t>(d / range);
    const double r = d - static_cast<double>(n) * range;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const double d = x - hi;
    const int64_t n = static_cast<int64_t>(d / range);
    const double r = d - static_cast<double>(n) * range;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

double cubicWeight(double t, int k) {  // A = -0.75, taps at -1, 0, 1, 2
  const double A = -0.75, x = std::fabs(t - k);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

bool gridSample(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& grid = ctx.in(1);
  const size_t r = x.rank() - 2;
  if (x.rank() < 3 || grid.rank() != x.rank() || grid.shape.back() != static_cast<int64_t>(r) || grid.shape[0] != x.shape[0])
    return ctx.fail("grid must be [N, out..., " + std::to_string(r) + "]");
  std::string mode = ctx.attrString("mode", ctx.opset < 20 ? "bilinear" : "linear");
  if (mode == "bilinear") mode = "linear";
  if (mode == "bicubic") mode = "cubic";
  const std::string pad = ctx.attrString("padding_mode", "zeros");
  const bool align = ctx.attrInt("align_corners", 0) != 0;
  const int64_t N = x.shape[0], C = x.shape[1];
  std::vector<int64_t> in(x.shape.begin() + 2, x.shape.end()), out(grid.shape.begin() + 1, grid.shape.end() - 1);
  std::vector<int64_t> yshape{N, C};
  yshape.insert(yshape.end(), out.begin(), out.end());
  Tensor* y = ctx.output(0, x.type, yshape);
  if (!ctx.error.empty()) return false;
  const int64_t in_n = shapeCount(in), out_n = shapeCount(out);
  const std::vector<int64_t> is = stridesOf(in);
  std::vector<std::vector<std::pair<int64_t, double>>> taps(r);  // per dim: (index or -1 for zero, weight)
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < out_n; ++p) {
      for (size_t d = 0; d < r; ++d) {
        const double g = elementAsDouble(grid, (n * out_n + p) * static_cast<int64_t>(r) + static_cast<int64_t>(r - 1 - d));
        const double size = static_cast<double>(in[d]);
        double c = align ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;
        if (pad == "border") c = std::clamp(c, 0.0, size - 1);
        else if (pad == "reflection") c = align ? reflect(c, 0, size - 1) : reflect(c, -0.5, size - 0.5);
        auto pixel = [&](int64_t i) -> int64_t {
          if (i >= 0 && i < in[d]) return i;
          if (pad == "zeros") return -1;
          if (pad == "border") return std::clamp<int64_t>(i, 0, in[d] - 1);
          const double rf = align ? reflect(static_cast<double>(i), 0, size - 1) : reflect(static_cast<double>(i), -0.5, size - 0.5);
          return std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(rf)), 0, in[d] - 1);
        };
        auto& t = taps[d];
        t.clear();
        if (mode == "nearest") {
          t.push_back({pixel(static_cast<int64_t>(std::nearbyint(c))), 1.0});
        } else if (mode == "linear") {
          const double f = std::floor(c);
          t.push_back({pixel(static_cast<int64_t>(f)), 1 - (c - f)});
          t.push_back({pixel(static_cast<int64_t>(f) + 1), c - f});
        } else if (mode == "cubic") {
          const double f = std::floor(c);
          for (int k = -1; k <= 2; ++k) t.push_back({pixel(static_cast<int64_t>(f) + k), cubicWeight(c - f, k)});
        } else {
          return ctx.fail("unsupported mode " + mode);
        }
      }
      for (int64_t ch = 0; ch < C; ++ch) {
        double acc = 0;
        std::vector<size_t> pick(r, 0);
        for (;;) {
          double w = 1;
          int64_t off = 0;
          bool zero = false;
          for (size_t d = 0; d < r; ++d) {
            const auto& tp = taps[d][pick[d]];
            w *= tp.second;
            if (tp.first < 0) zero = true;
            else off += tp.first * is[d];
          }
          if (!zero) acc += w * elementAsDouble(x, (n * C + ch) * in_n + off);
          int64_t d = static_cast<int64_t>(r) - 1;
          for (; d >= 0; --d) {
            if (++pick[d] < taps[d].size()) break;
            pick[d] = 0;
          }
          if (d < 0) break;
        }
        setElementFromDouble(*y, (n * C + ch) * out_n + p, acc);
      }
    }
  return true;
}

bool affineGrid(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& theta = ctx.in(0);
  const std::vector<int64_t> size = toInts(ctx.in(1));
  const bool align = ctx.attrInt("align_corners", 0) != 0;
  if (size.size() != 4 && size.size() != 5) return ctx.fail("size must have 4 or 5 entries");
  const size_t r = size.size() - 2;
  const int64_t N = size[0];
  if (theta.rank() != 3 || theta.shape[0] != N || theta.shape[1] != static_cast<int64_t>(r) || theta.shape[2] != static_cast<int64_t>(r + 1))
    return ctx.fail("theta must be [N, " + std::to_string(r) + ", " + std::to_string(r + 1) + "]");
  std::vector<int64_t> spatial(size.begin() + 2, size.end()), yshape{N};
  yshape.insert(yshape.end(), spatial.begin(), spatial.end());
  yshape.push_back(static_cast<int64_t>(r));
  Tensor* y = ctx.output(0, theta.type, yshape);
  if (!ctx.error.empty()) return false;
  auto coord = [&](int64_t i, int64_t s) {
    if (s == 1) return 0.0;
    return align ? -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(s - 1) : (2.0 * static_cast<double>(i) + 1) / static_cast<double>(s) - 1;
  };
  const int64_t sp = shapeCount(spatial);
  std::vector<int64_t> idx(r, 0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < sp; ++p) {
      int64_t rem = p;
      for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
        idx[d] = rem % spatial[d];
        rem /= spatial[d];
      }
      std::vector<double> base(r + 1, 1.0);  // x, y(, z) order: last spatial dim first
      for (size_t k = 0; k < r; ++k) base[k] = coord(idx[r - 1 - k], spatial[r - 1 - k]);
      for (size_t row = 0; row < r; ++row) {
        double v = 0;
        for (size_t k = 0; k <= r; ++k) v += elementAsDouble(theta, (n * static_cast<int64_t>(r) + static_cast<int64_t>(row)) * static_cast<int64_t>(r + 1) + static_cast<int64_t>(k)) * base[k];
        setElementFromDouble(*y, (n * sp + p) * static_cast<int64_t>(r) + static_cast<int64_t>(row), v);
      }
    }
  return true;
}

bool col2im(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  const std::vector<int64_t> image = toInts(ctx.in(1)), block = toInts(ctx.in(2));
  const size_t r = image.size();
  if (x.rank() != 3 || block.size() != r) return ctx.fail("input must be [N, C*prod(block), L]");
  const std::vector<int64_t> dil = ctx.attrInts("dilations", std::vector<int64_t>(r, 1));
  const std::vector<int64_t> pads = ctx.attrInts("pads", std::vector<int64_t>(2 * r, 0));
  const std::vector<int64_t> strides = ctx.attrInts("strides", std::vector<int64_t>(r, 1));
  const int64_t K = shapeCount(block), N = x.shape[0];
  if (K <= 0 || x.shape[1] % K) return ctx.fail("channels not divisible by the block size");
  const int64_t C = x.shape[1] / K, L = x.shape[2];
  std::vector<int64_t> blocks(r);
  for (size_t d = 0; d < r; ++d) blocks[d] = (image[d] + pads[d] + pads[d + r] - (dil[d] * (block[d] - 1) + 1)) / strides[d] + 1;
  if (shapeCount(blocks) != L) return ctx.fail("L does not match the number of blocks");
  std::vector<int64_t> yshape{N, C};
  yshape.insert(yshape.end(), image.begin(), image.end());
  Tensor* y = ctx.output(0, x.type, yshape);
  if (!ctx.error.empty()) return false;
  const int64_t img_n = shapeCount(image);
  const std::vector<int64_t> ims = stridesOf(image);
  std::vector<double> acc(static_cast<size_t>(N * C * img_n), 0.0);
  std::vector<int64_t> bi(r), ki(r);
  for (int64_t l = 0; l < L; ++l) {
    int64_t rem = l;
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) { bi[d] = rem % blocks[d]; rem /= blocks[d]; }
    for (int64_t k = 0; k < K; ++k) {
      rem = k;
      for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) { ki[d] = rem % block[d]; rem /= block[d]; }
      int64_t off = 0;
      bool inside = true;
      for (size_t d = 0; d < r; ++d) {
        const int64_t pos = bi[d] * strides[d] - pads[d] + ki[d] * dil[d];
        if (pos < 0 || pos >= image[d]) { inside = false; break; }
        off += pos * ims[d];
      }
      if (!inside) continue;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) acc[(n * C + c) * img_n + off] += elementAsDouble(x, (n * C * K + c * K + k) * L + l);
    }
  }
  for (size_t i = 0; i < acc.size(); ++i) setElementFromDouble(*y, static_cast<int64_t>(i), acc[i]);
  return true;
}

bool centerCropPad(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const std::vector<int64_t> target = toInts(ctx.in(1));
  std::vector<int64_t> axes = ctx.attrInts("axes");
  if (axes.empty())
    for (size_t d = 0; d < x.rank(); ++d) axes.push_back(static_cast<int64_t>(d));
  if (axes.size() != target.size()) return ctx.fail("shape must have one entry per axis");
  std::vector<int64_t> out = x.shape, src_off(x.rank(), 0), dst_off(x.rank(), 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a;
    if (!ctx.axis(axes[i], x.rank(), &a)) return false;
    const int64_t dim = x.shape[a], t = target[i];
    if (t < 0) return ctx.fail("negative target size");
    out[a] = t;
    if (t < dim) src_off[a] = (dim - t) / 2;
    else dst_off[a] = (t - dim) / 2;
  }
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  const std::vector<int64_t> xs = stridesOf(x.shape);
  std::vector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < y->count(); ++i) {
    int64_t off = 0;
    bool inside = true;
    for (size_t d = 0; d < out.size(); ++d) {
      const int64_t c = idx[d] - dst_off[d] + src_off[d];
      if (c < 0 || c >= x.shape[d] || idx[d] < dst_off[d]) { inside = false; break; }
      off += c * xs[d];
    }
    if (inside) copyElement(x, off, *y, i);
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return true;
}

bool nonMaxSuppression(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& boxes = ctx.in(0);
  const Tensor& scores = ctx.in(1);
  if (boxes.rank() != 3 || boxes.shape[2] != 4 || scores.rank() != 3 || scores.shape[0] != boxes.shape[0] || scores.shape[2] != boxes.shape[1])
    return ctx.fail("boxes must be [B, N, 4] and scores [B, C, N]");
  const int64_t max_out = ctx.hasTensor(2) && ctx.in(2).count() ? elementAsInt(ctx.in(2), 0) : 0;
  const double iou_th = ctx.hasTensor(3) && ctx.in(3).count() ? elementAsDouble(ctx.in(3), 0) : 0.0;
  const bool has_score_th = ctx.hasTensor(4) && ctx.in(4).count();
  const double score_th = has_score_th ? elementAsDouble(ctx.in(4), 0) : 0.0;
  const bool center = ctx.attrInt("center_point_box", 0) != 0;
  const int64_t B = boxes.shape[0], N = boxes.shape[1], C = scores.shape[1];
  auto corners = [&](int64_t b, int64_t i, double* y1, double* x1, double* y2, double* x2) {
    const double a = elementAsDouble(boxes, (b * N + i) * 4), bb = elementAsDouble(boxes, (b * N + i) * 4 + 1),
                 c = elementAsDouble(boxes, (b * N + i) * 4 + 2), d = elementAsDouble(boxes, (b * N + i) * 4 + 3);
    if (center) {
      *x1 = a - c / 2; *x2 = a + c / 2; *y1 = bb - d / 2; *y2 = bb + d / 2;
    } else {
      *y1 = std::min(a, c); *y2 = std::max(a, c); *x1 = std::min(bb, d); *x2 = std::max(bb, d);
    }
  };
  auto iou = [&](int64_t b, int64_t i, int64_t j) {
    double ay1, ax1, ay2, ax2, by1, bx1, by2, bx2;
    corners(b, i, &ay1, &ax1, &ay2, &ax2);
    corners(b, j, &by1, &bx1, &by2, &bx2);
    const double iw = std::max(0.0, std::min(ax2, bx2) - std::max(ax1, bx1)), ih = std::max(0.0, std::min(ay2, by2) - std::max(ay1, by1));
    const double inter = iw * ih, uni = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
    return uni <= 0 ? 0.0 : inter / uni;
  };
  std::vector<int64_t> selected;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<int64_t> cand;
      for (int64_t i = 0; i < N; ++i)
        if (!has_score_th || elementAsDouble(scores, (b * C + c) * N + i) > score_th) cand.push_back(i);
      std::stable_sort(cand.begin(), cand.end(), [&](int64_t p, int64_t q) {
        return elementAsDouble(scores, (b * C + c) * N + p) > elementAsDouble(scores, (b * C + c) * N + q);
      });
      std::vector<int64_t> keep;
      for (int64_t i : cand) {
        if (static_cast<int64_t>(keep.size()) >= max_out) break;
        bool ok = true;
        for (int64_t k : keep)
          if (iou(b, i, k) > iou_th) { ok = false; break; }
        if (ok) keep.push_back(i);
      }
      for (int64_t k : keep) selected.insert(selected.end(), {b, c, k});
    }
  Tensor* y = ctx.output(0, E::Int64, {static_cast<int64_t>(selected.size() / 3), 3});
  std::copy(selected.begin(), selected.end(), y->data<int64_t>());
  return true;
}

// DFT over one axis of [..., n, 1|2] (real or complex); onesided keeps n/2+1 bins.
bool dft(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 2 || (x.shape.back() != 1 && x.shape.back() != 2)) return ctx.fail("last dimension must be 1 (real) or 2 (complex)");
  const bool inverse = ctx.attrInt("inverse", 0) != 0, onesided = ctx.attrInt("onesided", 0) != 0;
  int64_t a = ctx.opset >= 20 ? (ctx.hasTensor(2) ? elementAsInt(ctx.in(2), 0) : -2) : ctx.attrInt("axis", 1);
  const int64_t r = static_cast<int64_t>(x.rank());
  if (a < 0) a += r;
  if (a < 0 || a >= r - 1) return ctx.fail("axis is out of range");
  const int64_t n_in = x.shape[a];
  const int64_t n = ctx.hasTensor(1) && ctx.in(1).count() ? elementAsInt(ctx.in(1), 0) : n_in;
  if (n <= 0) return ctx.fail("dft_length must be positive");
  const int64_t n_out = onesided ? n / 2 + 1 : n, comp = x.shape.back();
  std::vector<int64_t> out = x.shape;
  out[a] = n_out;
  out.back() = 2;
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (int64_t d = a + 1; d < r - 1; ++d) inner *= x.shape[d];
  const double sign = inverse ? 1.0 : -1.0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t k = 0; k < n_out; ++k) {
        double re = 0, im = 0;
        for (int64_t t = 0; t < std::min(n, n_in); ++t) {
          const int64_t base = ((o * n_in + t) * inner + i) * comp;
          const double xr = elementAsDouble(x, base), xi = comp == 2 ? elementAsDouble(x, base + 1) : 0.0;
          const double ang = sign * 2 * M_PI * static_cast<double>(k * t % n) / static_cast<double>(n);
          re += xr * std::cos(ang) - xi * std::sin(ang);
          im += xr * std::sin(ang) + xi * std::cos(ang);
        }
        if (inverse) { re /= static_cast<double>(n); im /= static_cast<double>(n); }
        const int64_t ob = ((o * n_out + k) * inner + i) * 2;
        setElementFromDouble(*y, ob, re);
        setElementFromDouble(*y, ob + 1, im);
      }
  return true;
}

// DeformConv (2-D): each kernel tap samples X at its regular position plus a learned
// offset (bilinear, zero outside), optionally scaled by a mask; then a grouped conv.
bool deformConv(KernelContext& ctx) {
  for (size_t i : {0, 1, 2})
    if (!ctx.require(i)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& w = ctx.in(1);
  const Tensor& off = ctx.in(2);
  const Tensor* bias = ctx.hasTensor(3) ? &ctx.in(3) : nullptr;
  const Tensor* mask = ctx.hasTensor(4) ? &ctx.in(4) : nullptr;
  if (x.rank() != 4 || w.rank() != 4 || off.rank() != 4) return ctx.fail("only 2-D DeformConv is supported");
  const int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], M = w.shape[0];
  const int64_t kh = w.shape[2], kw = w.shape[3], K = kh * kw;
  const int64_t group = ctx.attrInt("group", 1), og = ctx.attrInt("offset_group", 1);
  const std::vector<int64_t> st = ctx.attrInts("strides", {1, 1}), dil = ctx.attrInts("dilations", {1, 1});
  const std::vector<int64_t> pads = ctx.attrInts("pads", {0, 0, 0, 0});
  if (group <= 0 || og <= 0 || C % group || M % group || C % og || w.shape[1] * group != C || st.size() != 2 || dil.size() != 2 || pads.size() != 4)
    return ctx.fail("channels, groups or attributes do not fit together");
  const int64_t OH = (H + pads[0] + pads[2] - (dil[0] * (kh - 1) + 1)) / st[0] + 1;
  const int64_t OW = (W + pads[1] + pads[3] - (dil[1] * (kw - 1) + 1)) / st[1] + 1;
  if (off.shape != std::vector<int64_t>{N, og * 2 * K, OH, OW}) return ctx.fail("offset must be [N, offset_group*2*kH*kW, oH, oW]");
  Tensor* y = ctx.output(0, x.type, {N, M, OH, OW});
  if (!ctx.error.empty()) return false;
  const int64_t cg = C / group, mg = M / group, cpo = C / og;
  auto sample = [&](int64_t n, int64_t c, double py, double px) {
    if (py <= -1 || py >= static_cast<double>(H) || px <= -1 || px >= static_cast<double>(W)) return 0.0;
    const int64_t y0 = static_cast<int64_t>(std::floor(py)), x0 = static_cast<int64_t>(std::floor(px));
    const double fy = py - static_cast<double>(y0), fx = px - static_cast<double>(x0);
    double v = 0;
    for (int dy = 0; dy <= 1; ++dy)
      for (int dx = 0; dx <= 1; ++dx) {
        const int64_t yy = y0 + dy, xx = x0 + dx;
        if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
        v += (dy ? fy : 1 - fy) * (dx ? fx : 1 - fx) * elementAsDouble(x, ((n * C + c) * H + yy) * W + xx);
      }
    return v;
  };
  std::vector<double> col(static_cast<size_t>(C * K));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        for (int64_t c = 0; c < C; ++c) {
          const int64_t g = c / cpo;
          for (int64_t k = 0; k < K; ++k) {
            const int64_t i = k / kw, j = k % kw;
            const double dy = elementAsDouble(off, ((n * og * 2 * K + g * 2 * K + 2 * k) * OH + oh) * OW + ow);
            const double dx = elementAsDouble(off, ((n * og * 2 * K + g * 2 * K + 2 * k + 1) * OH + oh) * OW + ow);
            const double m = mask ? elementAsDouble(*mask, ((n * og * K + g * K + k) * OH + oh) * OW + ow) : 1.0;
            const double py = static_cast<double>(oh * st[0] - pads[0] + i * dil[0]) + dy;
            const double px = static_cast<double>(ow * st[1] - pads[1] + j * dil[1]) + dx;
            col[c * K + k] = m * sample(n, c, py, px);
          }
        }
        for (int64_t mo = 0; mo < M; ++mo) {
          const int64_t g = mo / mg;
          double acc = bias ? elementAsDouble(*bias, mo) : 0.0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t k = 0; k < K; ++k) acc += elementAsDouble(w, (mo * cg + c) * K + k) * col[(g * cg + c) * K + k];
          setElementFromDouble(*y, ((n * M + mo) * OH + oh) * OW + ow, acc);
        }
      }
  return true;
}

}  // namespace

const std::vector<KernelEntry>& imageKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "GridSample", gridSample}, {"", "AffineGrid", affineGrid}, {"", "Col2Im", col2im},
      {"", "CenterCropPad", centerCropPad}, {"", "NonMaxSuppression", nonMaxSuppression}, {"", "DFT", dft},
      {"", "DeformConv", deformConv},
  };
  return table;
}

}  // namespace nf::runtime

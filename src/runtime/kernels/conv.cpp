// runtime/kernels/conv.cpp - conv2d(): picks one of three paths per shape
//   pointwise - 1x1, stride 1, no padding: the input planes are B of a GEMM as they are;
//   depthwise - one input channel per group: direct SIMD loops over a zero-padded,
//               polyphase copy of the plane (contiguous loads for any stride);
//   im2col    - everything else: im2col of a bounded tile of output pixels + GEMM.
// The GEMM adds the bias in its store (no separate pass over the output).
#include <cstring>

#include "runtime/kernels/depthwise_impl.h"
#include "runtime/kernels/gemm_internal.h"
#include "runtime/kernels/kernels.h"
#include "runtime/kernels/simd.h"

namespace nf::runtime::kernels {
namespace {

#if defined(__wasm_simd128__)
using V = VecWasm128;
void deinterleave(V::T a, V::T b, V::T& even, V::T& odd) { V::deinterleave(a, b, even, odd); }
#else
using V = VecExt16;
#endif

// At most this many floats of im2col columns per GEMM (2 MiB): bounds scratch memory
// and keeps the column tile near the caches.
constexpr int64_t kColFloats = int64_t{1} << 19;

int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }

bool is_pointwise(const Conv2dShape& s) {
  return s.kernel_h == 1 && s.kernel_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
         s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
}
// Up to this many taps the depthwise path keeps its tap offsets on the stack.
constexpr int64_t kMaxDepthwiseTaps = 256;
bool is_depthwise(const Conv2dShape& s) {
  return s.group > 1 && s.in_channels == s.group && s.kernel_h * s.kernel_w <= kMaxDepthwiseTaps;
}

// Output columns [lo, hi) whose input column ox * stride + off lies in [0, width).
void valid_range(int64_t off, int64_t stride, int64_t width, int64_t count, int64_t& lo, int64_t& hi) {
  lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
  hi = width - 1 - off >= 0 ? (width - 1 - off) / stride + 1 : 0;
  lo = imin(lo, count);
  hi = imax(lo, imin(hi, count));
}

// Columns [p0, p0 + count) of the im2col matrix of one group: row (ic, ky, kx), column
// an output pixel; col has `count` floats per row.
void im2col(const Conv2dShape& s, const float* xg, int64_t cin_g, int64_t p0, int64_t count, float* col) {
  for (int64_t ic = 0; ic < cin_g; ++ic) {
    const float* xc = xg + ic * s.in_h * s.in_w;
    for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
      for (int64_t kx = 0; kx < s.kernel_w; ++kx, col += count) {
        const int64_t off = kx * s.dilation_w - s.pad_left;
        int64_t lo, hi;
        valid_range(off, s.stride_w, s.in_w, s.out_w, lo, hi);
        float* d = col;
        for (int64_t p = p0; p < p0 + count;) {
          const int64_t oy = p / s.out_w, ox0 = p % s.out_w, ox1 = imin(s.out_w, ox0 + (p0 + count - p));
          const int64_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) {
            std::memset(d, 0, sizeof(float) * (ox1 - ox0));
          } else {
            const int64_t a = imax(ox0, imin(lo, ox1)), b = imax(a, imin(hi, ox1));
            const float* src = xc + iy * s.in_w;  // column ox reads src[ox * stride_w + off]
            for (int64_t ox = ox0; ox < a; ++ox) d[ox - ox0] = 0.f;
            if (s.stride_w == 1) {
              if (b > a) std::memcpy(d + (a - ox0), src + a + off, sizeof(float) * (b - a));
            } else {
              for (int64_t ox = a; ox < b; ++ox) d[ox - ox0] = src[ox * s.stride_w + off];
            }
            for (int64_t ox = b; ox < ox1; ++ox) d[ox - ox0] = 0.f;
          }
          d += ox1 - ox0;
          p += ox1 - ox0;
        }
      }
    }
  }
}

// The zero-padded input plane a depthwise filter reads, split into stride_h x stride_w
// polyphase sub-planes so that every tap reads contiguous memory for any stride:
// padded pixel (py, px) lives in sub-plane (py % sh, px % sw) at row py / sh, index
// px / sw. Output (oy, ox) of tap (ky, kx) then reads sub-plane (ky*dh % sh, kx*dw % sw)
// at row oy + ky*dh / sh, index ox + kx*dw / sw: the whole output plane is one 1-D
// filter over rows of `phase_width` (columns past out_w are computed and dropped).
struct PhasePlane {
  int64_t rows = 0, width = 0, phase_width = 0, phase_rows = 0, sh = 1, sw = 1;
  static PhasePlane of(const Conv2dShape& s) {
    PhasePlane p;
    p.sh = s.stride_h, p.sw = s.stride_w;
    p.rows = (s.out_h - 1) * s.stride_h + (s.kernel_h - 1) * s.dilation_h + 1;
    p.width = (s.out_w - 1) * s.stride_w + (s.kernel_w - 1) * s.dilation_w + 1;
    p.phase_width = (p.width + p.sw - 1) / p.sw;
    p.phase_rows = (p.rows + p.sh - 1) / p.sh;
    return p;
  }
  int64_t sub_plane() const { return phase_rows * phase_width; }
  int64_t floats() const { return sh * sw * sub_plane(); }
  // Offset of padded row py, column phase r.
  int64_t row(int64_t py, int64_t r) const { return ((py % sh) * sw + r) * sub_plane() + (py / sh) * phase_width; }
  // Offset of tap (ky, kx) from output pixel (0, 0).
  int64_t tap(const Conv2dShape& s, int64_t ky, int64_t kx) const {
    return row(ky * s.dilation_h, (kx * s.dilation_w) % sw) + (kx * s.dilation_w) / sw;
  }
};

void fill_phase_plane(const Conv2dShape& s, const PhasePlane& pp, const float* xc, float* dst) {
  constexpr int L = V::L;
  const int64_t sw = s.stride_w;
  for (int64_t py = 0; py < pp.phase_rows * pp.sh; ++py) {  // rows past `rows`: zeros the flat filter may read
    const int64_t iy = py - s.pad_top;
    if (iy < 0 || iy >= s.in_h || py >= pp.rows) {
      for (int64_t r = 0; r < sw; ++r) std::memset(dst + pp.row(py, r), 0, sizeof(float) * pp.phase_width);
      continue;
    }
    const float* src = xc + iy * s.in_w;
    int64_t vec_lo = 0, vec_hi = 0;  // stride 2: indices q whose pair (2q - pad, 2q + 1 - pad) is in the row
    if (sw == 2) {
      vec_lo = imin((s.pad_left + 1) / 2, pp.phase_width);
      vec_hi = imax(vec_lo, imin(pp.phase_width, (s.in_w + s.pad_left) / 2));
    }
    for (int64_t r = 0; r < sw; ++r) {
      float* d = dst + pp.row(py, r);
      // Input column of index q: ix = q * sw + r - pad_left.
      int64_t lo, hi;
      valid_range(r - s.pad_left, sw, s.in_w, pp.phase_width, lo, hi);
      for (int64_t q = 0; q < lo; ++q) d[q] = 0.f;
      if (sw == 1) {
        if (hi > lo) std::memcpy(d + lo, src + lo - s.pad_left, sizeof(float) * (hi - lo));
      } else {
        for (int64_t q = lo; q < hi; ++q) {
          if (q == vec_lo && vec_hi > vec_lo) q = vec_hi;  // filled below, both phases at once
          if (q >= hi) break;
          d[q] = src[q * sw + r - s.pad_left];
        }
      }
      for (int64_t q = hi; q < pp.phase_width; ++q) d[q] = 0.f;
    }
    if (sw == 2 && vec_hi > vec_lo) {
      float* d0 = dst + pp.row(py, 0);
      float* d1 = dst + pp.row(py, 1);
      int64_t q = vec_lo;
      for (; q + L <= vec_hi; q += L) {
        const float* p = src + 2 * q - s.pad_left;
        typename V::T even, odd;
        deinterleave(V::load(p), V::load(p + L), even, odd);
        V::store(d0 + q, even);
        V::store(d1 + q, odd);
      }
      for (; q < vec_hi; ++q) d0[q] = src[2 * q - s.pad_left], d1[q] = src[2 * q + 1 - s.pad_left];
    }
  }
}

void conv_depthwise(const Conv2dShape& s, const float* x, const float* w, const float* bias, float* y,
                    Scratch& scratch) {
  const int64_t mult = s.out_channels / s.group, kk = s.kernel_h * s.kernel_w, plane_out = s.out_h * s.out_w;
  const PhasePlane pp = PhasePlane::of(s);
  int64_t taps[kMaxDepthwiseTaps];
  for (int64_t ky = 0; ky < s.kernel_h; ++ky)
    for (int64_t kx = 0; kx < s.kernel_w; ++kx) taps[ky * s.kernel_w + kx] = pp.tap(s, ky, kx);
  const int64_t flat_len = (s.out_h - 1) * pp.phase_width + s.out_w;
  const detail::Filter1d filter = detail::depthwise_filter();
  float* plane = scratch.floats(static_cast<size_t>(pp.floats() + flat_len));
  float* flat_out = plane + pp.floats();
  for (int64_t nb = 0; nb < s.batch; ++nb) {
    for (int64_t g = 0; g < s.group; ++g) {
      fill_phase_plane(s, pp, x + (nb * s.in_channels + g) * s.in_h * s.in_w, plane);
      for (int64_t j = 0; j < mult; ++j) {
        const int64_t oc = g * mult + j;
        float* out = y + (nb * s.out_channels + oc) * plane_out;
        filter(plane, taps, kk, w + oc * kk, bias ? bias[oc] : 0.f, flat_len, flat_out);
        for (int64_t oy = 0; oy < s.out_h; ++oy)
          std::memcpy(out + oy * s.out_w, flat_out + oy * pp.phase_width, sizeof(float) * s.out_w);
      }
    }
  }
}

// Output pixels per GEMM: all of them, or a tile bounding the im2col buffer.
int64_t pixel_tile(const Conv2dShape& s, int64_t depth) {
  const int64_t pixels = s.out_h * s.out_w;
  if (is_pointwise(s) || depth * pixels <= kColFloats) return pixels;
  return imin(pixels, imax(16, kColFloats / imax(depth, 1) / 16 * 16));
}

// Few output pixels (7x7 and 14x14 planes) fill the GEMM's wide column tiles badly;
// the transposed product y^T = col^T w^T fills them with output channels instead.
// True when that wastes clearly less of the micro-tiles. Used with packed weights
// only: packing w^T on every run would cost more than it saves.
bool transposed_fits_better(int64_t pixels, int64_t channels) {
  if (pixels < 8) return false;  // GEMV-like: the dot-product paths handle those
  int64_t mr, nr;
  detail::gemm_tile(mr, nr);
  auto up = [](int64_t v, int64_t to) { return (v + to - 1) / to * to; };
  return up(pixels, mr) * up(channels, nr) * 10 < up(pixels, nr) * up(channels, mr) * 9;
}

// `packed`: the weights packed per group by pack_conv2d_weights (as A of y = w col,
// or as B of y^T = col^T w^T when `transposed`), or null.
void conv_gemm(const Conv2dShape& s, const float* x, const float* w, const float* packed, bool transposed,
               const float* bias, float* y, Scratch& scratch) {
  const int64_t cin_g = s.in_channels / s.group, cout_g = s.out_channels / s.group;
  const int64_t pixels = s.out_h * s.out_w, depth = cin_g * s.kernel_h * s.kernel_w;
  const bool pointwise = is_pointwise(s);
  const int64_t tile = transposed ? pixels : pixel_tile(s, depth);
  const int64_t col_floats = pointwise ? 0 : depth * tile;
  const int64_t yt_floats = transposed ? pixels * cout_g : 0;
  const size_t work_floats =
      transposed ? detail::gemm_work_floats(pixels, cout_g, depth) : detail::gemm_work_floats(cout_g, tile, depth);
  float* col = scratch.floats(static_cast<size_t>(col_floats + yt_floats) + work_floats);
  float* yt = col + col_floats;
  float* work = yt + yt_floats;
  const size_t per_group =
      transposed ? detail::gemm_packed_b_floats(depth, cout_g) : detail::gemm_packed_a_floats(cout_g, depth);

  detail::Gemm g;
  g.m = cout_g, g.k = depth, g.lda = depth, g.ldc = pixels, g.beta = 0.f;
  for (int64_t nb = 0; nb < s.batch; ++nb) {
    for (int64_t gi = 0; gi < s.group; ++gi) {
      const float* xg = x + (nb * s.in_channels + gi * cin_g) * s.in_h * s.in_w;
      float* yg = y + (nb * s.out_channels + gi * cout_g) * pixels;
      const float* wg = w + gi * cout_g * depth;
      const float* bg = bias ? bias + gi * cout_g : nullptr;
      const float* pg = packed ? packed + gi * per_group : nullptr;
      if (transposed) {
        if (!pointwise) im2col(s, xg, cin_g, 0, pixels, col);
        detail::Gemm t;
        t.trans_a = true, t.trans_b = true, t.m = pixels, t.n = cout_g, t.k = depth;
        t.a = pointwise ? xg : col, t.lda = pixels, t.b = wg, t.ldb = depth, t.packed_b = pg;
        t.c = yt, t.ldc = cout_g;
        detail::gemm(t, work);
        // y = (y^T)^T + bias, in 8 x 8 blocks to keep both sides in cache lines.
        for (int64_t o0 = 0; o0 < cout_g; o0 += 8)
          for (int64_t p0 = 0; p0 < pixels; p0 += 8)
            for (int64_t oc = o0; oc < imin(o0 + 8, cout_g); ++oc) {
              const float add = bg ? bg[oc] : 0.f;
              for (int64_t p = p0; p < imin(p0 + 8, pixels); ++p) yg[oc * pixels + p] = yt[p * cout_g + oc] + add;
            }
        continue;
      }
      g.a = wg, g.packed_a = pg, g.bias = bg;
      if (pointwise) {
        g.n = pixels, g.b = xg, g.ldb = pixels, g.c = yg;
        detail::gemm(g, work);
        continue;
      }
      for (int64_t p0 = 0; p0 < pixels; p0 += tile) {
        const int64_t count = imin(tile, pixels - p0);
        im2col(s, xg, cin_g, p0, count, col);
        g.n = count, g.b = col, g.ldb = count, g.c = yg + p0;
        detail::gemm(g, work);
      }
    }
  }
}

}  // namespace

const char* conv2d_path(const Conv2dShape& s) {
  if (is_depthwise(s)) return "depthwise";
  return is_pointwise(s) ? "pointwise" : "im2col";
}

void conv2d(const Conv2dShape& s, const float* x, const float* w, const float* bias, float* y, Scratch& scratch) {
  if (s.batch <= 0 || s.out_channels <= 0 || s.out_h <= 0 || s.out_w <= 0) return;
  if (is_depthwise(s)) return conv_depthwise(s, x, w, bias, y, scratch);
  conv_gemm(s, x, w, nullptr, false, bias, y, scratch);
}

PackedConv2dWeights pack_conv2d_weights(const Conv2dShape& s, const float* w) {
  PackedConv2dWeights p;
  if (s.group <= 0 || s.out_channels <= 0) return p;
  p.backend = detail::gemm_backend_index();
  p.group = s.group, p.rows = s.out_channels / s.group, p.depth = s.in_channels / s.group * s.kernel_h * s.kernel_w;
  if (is_depthwise(s)) {  // the direct loops read the weights as they are: the pack is a copy
    p.data.assign(w, w + s.out_channels * p.depth);
    return p;
  }
  const int64_t pixels = s.out_h * s.out_w;
  p.transposed = pixel_tile(s, p.depth) == pixels && transposed_fits_better(pixels, p.rows);
  const size_t per_group =
      p.transposed ? detail::gemm_packed_b_floats(p.depth, p.rows) : detail::gemm_packed_a_floats(p.rows, p.depth);
  p.data.resize(per_group * static_cast<size_t>(s.group));
  detail::Gemm g;
  if (p.transposed) {  // w^T as B: op(B)[k][oc] = w[oc][k]
    g.trans_b = true, g.k = p.depth, g.n = p.rows, g.ldb = p.depth;
  } else {
    g.m = p.rows, g.k = p.depth, g.lda = p.depth;
  }
  for (int64_t gi = 0; gi < s.group; ++gi) {
    const float* wg = w + gi * p.rows * p.depth;
    float* dst = p.data.data() + gi * per_group;
    if (p.transposed) {
      g.b = wg;
      detail::gemm_pack_b(g, dst);
    } else {
      g.a = wg;
      detail::gemm_pack_a(g, dst);
    }
  }
  return p;
}

bool packed_conv2d_fits(const PackedConv2dWeights& packed, const Conv2dShape& s) {
  if (s.group <= 0 || s.out_channels <= 0) return false;
  const int64_t depth = s.in_channels / s.group * s.kernel_h * s.kernel_w;
  if (packed.data.empty() || packed.group != s.group || packed.rows != s.out_channels / s.group ||
      packed.depth != depth)
    return false;
  if (is_depthwise(s)) return true;  // a plain copy: valid for any back end
  return packed.backend == detail::gemm_backend_index() &&
         (!packed.transposed || pixel_tile(s, depth) == s.out_h * s.out_w);
}

void conv2d(const Conv2dShape& s, const float* x, const float* w, const PackedConv2dWeights& packed, const float* bias,
            float* y, Scratch& scratch) {
  if (s.batch <= 0 || s.out_channels <= 0 || s.out_h <= 0 || s.out_w <= 0) return;
  const bool fits = packed_conv2d_fits(packed, s);
  if (is_depthwise(s)) return conv_depthwise(s, x, fits ? packed.data.data() : w, bias, y, scratch);
  conv_gemm(s, x, w, fits ? packed.data.data() : nullptr, fits && packed.transposed, bias, y, scratch);
}

}  // namespace nf::runtime::kernels

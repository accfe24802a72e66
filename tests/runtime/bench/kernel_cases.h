// tests/runtime/bench/kernel_cases.h - the kernel checks shared by the GoogleTest
// suite (tests/runtime/kernels_test.cpp) and the standalone runner that checks the
// wasm SIMD128 build under Node (kernels_check.cpp): shapes that hit every edge of
// the blocking and every conv2d path, compared with the reference loops.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/kernels/kernels.h"

namespace nf::kernel_cases {

namespace k = nf::runtime::kernels;

// Deterministic across platforms (the wasm and native runs check the same cases).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint32_t next() {
    state_ ^= state_ << 13, state_ ^= state_ >> 7, state_ ^= state_ << 17;
    return static_cast<uint32_t>(state_ >> 11);
  }
  int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint32_t>(hi - lo + 1)); }
  float uniform() { return static_cast<float>(next() % 2000001u) / 1000000.f - 1.f; }  // [-1, 1]

 private:
  uint64_t state_;
};

struct GemmCase {
  bool trans_a = false, trans_b = false;
  int64_t m = 1, n = 1, k = 1;
  float alpha = 1.f, beta = 0.f;
  int64_t pad_a = 0, pad_b = 0, pad_c = 0;  // leading dimension minus row length
};

inline std::string describe(const GemmCase& c) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "sgemm ta=%d tb=%d m=%lld n=%lld k=%lld alpha=%g beta=%g pads=%lld/%lld/%lld",
                c.trans_a, c.trans_b, (long long)c.m, (long long)c.n, (long long)c.k, c.alpha, c.beta,
                (long long)c.pad_a, (long long)c.pad_b, (long long)c.pad_c);
  return buf;
}

inline std::vector<GemmCase> gemm_cases() {
  std::vector<GemmCase> cases;
  // Edges of the 6 x 8/16 tile, the 144-row / 256-deep / 2048-wide blocks, the
  // few-rows paths (m <= 4 with transposed B, m <= 6 reading B in place).
  const int64_t sizes[][3] = {{1, 1, 1},   {1, 1000, 2048}, {2, 37, 300},  {4, 17, 5},    {5, 33, 1},
                              {6, 16, 8},  {7, 15, 257},    {12, 32, 256}, {13, 49, 512}, {145, 20, 3},
                              {150, 70, 520}, {3, 2100, 9}, {7, 2049, 17}, {64, 1, 64},   {1, 7, 0},
                              {240, 1, 960}, {33, 2, 77}, {9, 3, 40}};
  for (const auto& s : sizes)
    for (int t = 0; t < 4; ++t) {
      GemmCase c;
      c.m = s[0], c.n = s[1], c.k = s[2], c.trans_a = t & 1, c.trans_b = t & 2;
      c.alpha = t == 3 ? 0.5f : 1.f, c.beta = t == 1 ? 1.f : (t == 2 ? -0.75f : 0.f);
      c.pad_a = t, c.pad_b = 3 - t, c.pad_c = t == 2 ? 5 : 0;
      cases.push_back(c);
    }
  Rng rng(7);
  for (int i = 0; i < 150; ++i) {
    GemmCase c;
    c.trans_a = rng.next() & 1, c.trans_b = rng.next() & 1;
    c.m = rng.range(1, 40), c.n = rng.range(1, 70), c.k = rng.range(1, 90);
    c.alpha = rng.range(0, 3) == 0 ? 1.f : rng.uniform() * 2.f;
    c.beta = rng.range(0, 2) == 0 ? 0.f : rng.uniform();
    c.pad_a = rng.range(0, 3), c.pad_b = rng.range(0, 3), c.pad_c = rng.range(0, 3);
    cases.push_back(c);
  }
  return cases;
}

// Fast == reference within float rounding of the sums (bounded by the same products
// taken in absolute value); C's padding between rows untouched; beta == 0 ignores a
// NaN-filled C. Returns "" or the first difference.
// packed: op(B) through pack_sgemm_b + the packed sgemm overload.
inline std::string check_gemm(const GemmCase& c, uint64_t seed, bool packed = false) {
  Rng rng(seed);
  const int64_t a_rows = c.trans_a ? c.k : c.m, a_cols = c.trans_a ? c.m : c.k;
  const int64_t b_rows = c.trans_b ? c.n : c.k, b_cols = c.trans_b ? c.k : c.n;
  const int64_t lda = a_cols + c.pad_a, ldb = b_cols + c.pad_b, ldc = c.n + c.pad_c;
  std::vector<float> a(static_cast<size_t>(a_rows * lda + 1)), b(static_cast<size_t>(b_rows * ldb + 1));
  std::vector<float> c0(static_cast<size_t>(c.m * ldc));
  for (auto& v : a) v = rng.uniform();
  for (auto& v : b) v = rng.uniform();
  for (auto& v : c0) v = c.beta == 0.f ? NAN : rng.uniform();
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = c.n; j < ldc; ++j) c0[i * ldc + j] = 12345.f;  // padding sentinel
  std::vector<float> fast = c0, ref = c0, bound = c0;
  std::vector<float> abs_a = a, abs_b = b;
  for (auto& v : abs_a) v = std::fabs(v);
  for (auto& v : abs_b) v = std::fabs(v);
  for (auto& v : bound) v = c.beta == 0.f ? 0.f : std::fabs(v);
  k::Scratch scratch;
  if (packed) {
    const auto pb = k::pack_sgemm_b(c.trans_b, c.k, c.n, b.data(), ldb);
    if (c.k > 0 && !k::packed_sgemm_b_fits(pb, c.trans_b, c.k, c.n)) return describe(c) + ": a fresh pack does not fit";
    // B itself is not passed: with a fitting pack the kernel must not read it.
    k::sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.data(), lda, c.k > 0 ? nullptr : b.data(), ldb, pb,
             c.beta, fast.data(), ldc, scratch);
  } else {
    k::sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb, c.beta, fast.data(), ldc,
             scratch);
  }
  k::reference::sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb, c.beta, ref.data(),
                      ldc, scratch);
  k::reference::sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, std::fabs(c.alpha), abs_a.data(), lda, abs_b.data(), ldb,
                      std::fabs(c.beta), bound.data(), ldc, scratch);
  const float eps = 1.2e-7f * 2.f * static_cast<float>(c.k + 3);
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      const size_t at = static_cast<size_t>(i * ldc + j);
      const bool pad = j >= c.n;
      const float want = pad ? 12345.f : ref[at];
      const float tol = pad ? 0.f : eps * bound[at] + 1e-30f;
      if (!(std::fabs(fast[at] - want) <= tol)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, " [%s]: C[%lld,%lld] = %.9g, reference %.9g (tolerance %.3g)", k::gemm_backend(),
                      (long long)i, (long long)j, fast[at], want, tol);
        return describe(c) + (packed ? " packed B" : "") + buf;
      }
    }
  return "";
}

struct ConvCase {
  k::Conv2dShape s;
  bool bias = true;
};

inline std::string describe(const ConvCase& c) {
  const auto& s = c.s;
  char buf[260];
  std::snprintf(buf, sizeof buf,
                "conv2d n=%lld c=%lld %lldx%lld -> m=%lld %lldx%lld k=%lldx%lld s=%lld,%lld d=%lld,%lld p=%lld,%lld "
                "g=%lld bias=%d [%s]",
                (long long)s.batch, (long long)s.in_channels, (long long)s.in_h, (long long)s.in_w,
                (long long)s.out_channels, (long long)s.out_h, (long long)s.out_w, (long long)s.kernel_h,
                (long long)s.kernel_w, (long long)s.stride_h, (long long)s.stride_w, (long long)s.dilation_h,
                (long long)s.dilation_w, (long long)s.pad_top, (long long)s.pad_left, (long long)s.group, c.bias,
                k::conv2d_path(s));
  return buf;
}

// A shape with explicit pads on all four sides (bottom/right may differ from top/left).
inline ConvCase conv_case(int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout, int64_t kh, int64_t kw,
                          int64_t stride, int64_t dil, int64_t pt, int64_t pl, int64_t pb, int64_t pr, int64_t group,
                          bool bias = true) {
  ConvCase c;
  auto& s = c.s;
  s.batch = n, s.in_channels = cin, s.in_h = h, s.in_w = w, s.out_channels = cout, s.kernel_h = kh, s.kernel_w = kw;
  s.stride_h = s.stride_w = stride, s.dilation_h = s.dilation_w = dil, s.pad_top = pt, s.pad_left = pl, s.group = group;
  s.out_h = (h + pt + pb - ((kh - 1) * dil + 1)) / stride + 1;
  s.out_w = (w + pl + pr - ((kw - 1) * dil + 1)) / stride + 1;
  c.bias = bias;
  return c;
}

inline std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> cases = {
      conv_case(1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),      // 3x3 same
      conv_case(2, 4, 8, 8, 6, 3, 3, 2, 1, 1, 1, 0, 0, 1),       // batch 2, stride 2
      conv_case(1, 3, 20, 20, 8, 7, 7, 2, 1, 3, 3, 3, 3, 1),     // ResNet stem-like
      conv_case(1, 16, 7, 9, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1),     // pointwise
      conv_case(2, 8, 6, 5, 4, 1, 1, 1, 1, 0, 0, 0, 0, 2, false), // pointwise, groups
      conv_case(1, 12, 5, 7, 9, 1, 1, 1, 1, 0, 0, 0, 0, 3),      // pointwise, groups, bias
      conv_case(1, 40, 1, 1, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1),     // 1x1 plane (squeeze-excite)
      // 7x7 / 14x14 outputs and 64 channels: packed weights take the transposed GEMM natively.
      conv_case(1, 16, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1),
      conv_case(2, 32, 7, 7, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1),
      conv_case(1, 24, 14, 14, 64, 3, 3, 2, 1, 1, 1, 1, 1, 2),
      conv_case(1, 20, 14, 14, 96, 1, 1, 1, 1, 0, 0, 0, 0, 1, false),
      conv_case(1, 8, 9, 9, 16, 1, 1, 2, 1, 0, 0, 0, 0, 1),      // 1x1 stride 2 (im2col)
      conv_case(1, 6, 10, 12, 9, 3, 3, 1, 1, 1, 1, 1, 1, 3),     // groups of 2 -> 3
      conv_case(1, 5, 12, 12, 7, 3, 3, 1, 2, 2, 2, 2, 2, 1),     // dilation 2
      conv_case(1, 4, 10, 13, 3, 3, 2, 1, 1, 0, 2, 1, 0, 1),     // asymmetric pads, 3x2 kernel
      conv_case(1, 2, 4, 4, 3, 5, 5, 1, 1, 3, 3, 3, 3, 1),       // kernel larger than the input
      conv_case(1, 3, 11, 11, 4, 3, 3, 3, 1, 0, 0, 0, 0, 1),     // stride 3, cropped bottom/right
      conv_case(1, 64, 32, 32, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1),   // im2col tiled (depth*pixels > 2^19)
      conv_case(1, 16, 15, 17, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16),  // depthwise 3x3
      conv_case(2, 12, 21, 19, 12, 5, 5, 2, 1, 2, 2, 2, 2, 12),  // depthwise 5x5 stride 2, batch 2
      conv_case(1, 8, 30, 40, 16, 3, 3, 1, 1, 1, 1, 1, 1, 8),    // depthwise, multiplier 2, wide rows
      conv_case(1, 6, 13, 29, 6, 3, 3, 2, 2, 2, 1, 0, 3, 6, false), // depthwise dilated, asymmetric
      conv_case(1, 4, 9, 33, 4, 3, 3, 3, 1, 1, 1, 1, 1, 4),      // depthwise stride 3
      conv_case(1, 1, 6, 6, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1),       // 1 channel, 1x1
      conv_case(1, 2, 20, 18, 2, 17, 17, 1, 1, 8, 8, 8, 8, 2),   // depthwise, 289 taps (im2col)
      conv_case(1, 3, 7, 7, 3, 5, 5, 1, 1, 2, 2, 2, 2, 3),       // depthwise 5x5 on a 7x7 plane
  };
  Rng rng(11);
  for (int i = 0; i < 60; ++i) {
    const int64_t group = rng.range(0, 3) == 0 ? rng.range(2, 4) : 1;
    const bool dw = rng.range(0, 4) == 0;
    const int64_t cin = dw ? rng.range(2, 9) : group * rng.range(1, 5);
    const int64_t cout = dw ? cin * rng.range(1, 2) : group * rng.range(1, 6);
    const int64_t kh = rng.range(1, 4), kw = rng.range(1, 4), stride = rng.range(1, 3), dil = rng.range(1, 2);
    const int64_t h = rng.range(1, 14) + (kh - 1) * dil, w = rng.range(1, 30) + (kw - 1) * dil;
    ConvCase c = conv_case(rng.range(1, 2), cin, h, w, cout, kh, kw, stride, dil, rng.range(0, 2), rng.range(0, 2),
                           rng.range(0, 2), rng.range(0, 2), dw ? cin : group, rng.range(0, 3) != 0);
    if (c.s.out_h >= 1 && c.s.out_w >= 1) cases.push_back(c);
  }
  return cases;
}

// packed: through pack_conv2d_weights + the packed conv2d overload.
inline std::string check_conv(const ConvCase& c, uint64_t seed, bool packed = false) {
  const auto& s = c.s;
  Rng rng(seed);
  const int64_t cin_g = s.in_channels / s.group, kk = s.kernel_h * s.kernel_w;
  std::vector<float> x(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w));
  std::vector<float> w(static_cast<size_t>(s.out_channels * cin_g * kk)), bias(static_cast<size_t>(s.out_channels));
  for (auto& v : x) v = rng.uniform();
  for (auto& v : w) v = rng.uniform();
  for (auto& v : bias) v = rng.uniform();
  const size_t out = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  std::vector<float> fast(out, NAN), ref(out), bound(out);
  auto ax = x, aw = w, ab = bias;
  for (auto* vec : {&ax, &aw, &ab})
    for (auto& v : *vec) v = std::fabs(v);
  k::Scratch scratch;
  const float* b = c.bias ? bias.data() : nullptr;
  if (packed) {
    const auto pw = k::pack_conv2d_weights(s, w.data());
    if (!k::packed_conv2d_fits(pw, s)) return describe(c) + ": a fresh pack does not fit";
    k::conv2d(s, x.data(), nullptr, pw, b, fast.data(), scratch);  // w must not be read
  } else {
    k::conv2d(s, x.data(), w.data(), b, fast.data(), scratch);
  }
  k::reference::conv2d(s, x.data(), w.data(), b, ref.data(), scratch);
  k::reference::conv2d(s, ax.data(), aw.data(), c.bias ? ab.data() : nullptr, bound.data(), scratch);
  const float eps = 1.2e-7f * 2.f * static_cast<float>(cin_g * kk + 3);
  for (size_t i = 0; i < out; ++i) {
    const float tol = eps * bound[i] + 1e-30f;
    if (!(std::fabs(fast[i] - ref[i]) <= tol)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, " [%s]: y[%zu] = %.9g, reference %.9g (tolerance %.3g)", k::gemm_backend(), i,
                    fast[i], ref[i], tol);
      return describe(c) + (packed ? " packed" : "") + buf;
    }
  }
  return "";
}

// softmax_rows against exp in double: odd row lengths (vector tails), wide ranges,
// -inf entries (exactly 0), rows with NaN or +inf (all NaN, as the formula gives),
// and y == x. Returns "" or the first difference.
inline std::string check_softmax() {
  Rng rng(21);
  char buf[200];
  for (int64_t n : {1, 3, 4, 7, 16, 33, 128, 1000}) {
    const int64_t rows = 5;
    std::vector<float> x(static_cast<size_t>(rows * n)), y(x.size());
    for (auto& v : x) v = rng.uniform() * 45.f - 15.f;  // [-60, 30]
    if (n > 2) x[1] = -INFINITY;
    k::softmax_rows(x.data(), y.data(), rows, n);
    for (int64_t r = 0; r < rows; ++r) {
      const float* xr = x.data() + r * n;
      double mx = -INFINITY, sum = 0;
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(xr[i]));
      for (int64_t i = 0; i < n; ++i) sum += std::exp(xr[i] - mx);
      for (int64_t i = 0; i < n; ++i) {
        const double want = std::exp(xr[i] - mx) / sum, got = y[static_cast<size_t>(r * n + i)];
        if (!(std::fabs(got - want) <= 2e-5 * want + 1e-30)) {
          std::snprintf(buf, sizeof buf, "softmax n=%lld row %lld [%lld] = %.9g, want %.9g", (long long)n,
                        (long long)r, (long long)i, got, want);
          return buf;
        }
      }
    }
    if (n > 2 && y[1] != 0.f) return "softmax: exp(-inf) is not 0";
  }
  std::vector<float> bad = {1.f, NAN, 2.f, 3.f, INFINITY, 0.f}, out(6);
  k::softmax_rows(bad.data(), out.data(), 2, 3);
  for (float v : out)
    if (!std::isnan(v)) return "softmax: a row with NaN or +inf is not all NaN";
  std::vector<float> same = {0.5f, -1.f, 2.f, 7.f, 7.f};  // in place
  k::softmax_rows(same.data(), same.data(), 1, 5);
  float total = 0;
  for (float v : same) total += v;
  if (!(std::fabs(total - 1.f) <= 1e-6f) || same[3] != same[4]) return "softmax in place: row does not sum to 1";
  return "";
}

}  // namespace nf::kernel_cases

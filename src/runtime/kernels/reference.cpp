// runtime/kernels/reference.cpp - straightforward loops for every kernel in
// kernels.h (namespace reference). They define the expected results: the tests and
// benchmarks compare the fast paths (gemm.cpp, conv.cpp) with them.
#include "runtime/kernels/kernels.h"

namespace nf::runtime::kernels::reference {

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, Scratch&) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      float acc = 0.f;
      for (int64_t p = 0; p < k; ++p) {
        const float av = trans_a ? a[p * lda + i] : a[i * lda + p];
        const float bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        acc += av * bv;
      }
      float& out = c[i * ldc + j];
      out = beta == 0.f ? alpha * acc : alpha * acc + beta * out;
    }
  }
}

void conv2d(const Conv2dShape& s, const float* x, const float* w, const float* bias, float* y, Scratch&) {
  const int64_t cin_g = s.in_channels / s.group, cout_g = s.out_channels / s.group;
  for (int64_t nb = 0; nb < s.batch; ++nb) {
    for (int64_t oc = 0; oc < s.out_channels; ++oc) {
      const int64_t g = oc / cout_g;
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          float acc = bias ? bias[oc] : 0.f;
          for (int64_t ic = 0; ic < cin_g; ++ic) {
            const float* xc = x + ((nb * s.in_channels) + g * cin_g + ic) * s.in_h * s.in_w;
            const float* wc = w + ((oc * cin_g) + ic) * s.kernel_h * s.kernel_w;
            for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
              const int64_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
                const int64_t ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                acc += xc[iy * s.in_w + ix] * wc[ky * s.kernel_w + kx];
              }
            }
          }
          y[((nb * s.out_channels + oc) * s.out_h + oy) * s.out_w + ox] = acc;
        }
      }
    }
  }
}

}  // namespace nf::runtime::kernels::reference

// runtime/kernels/kernels.h - the compute-heavy float32 kernels of the runtime.
//
// Plain functions over raw row-major (NCHW) buffers, independent of the runtime's
// tensor type, so they can be tested and benchmarked alone. One implementation per
// target is chosen at compile time inside the .cpp files (wasm SIMD128 when built
// with -msimd128, the compiler's vectorisation natively); every path must give the
// same results as the reference loops within float rounding.
//
// Contracts shared by all kernels:
//   - sizes are non-negative; a zero size is a no-op (outputs of size 0 untouched);
//   - buffers never alias unless a kernel says so;
//   - `Scratch` provides temporary memory; kernels never allocate per call otherwise.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nf::runtime::kernels {

// Reusable temporary memory (grows, never shrinks while the runtime lives).
class Scratch {
 public:
  float* floats(size_t count) {
    if (buffer_.size() < count) buffer_.resize(count);
    return buffer_.data();
  }

 private:
  std::vector<float> buffer_;
};

// C[M,N] = alpha * op(A) * op(B) + beta * C, where op(A) is M x K and op(B) is K x N.
// Row-major with leading dimensions lda/ldb/ldc (elements between rows as stored).
// beta == 0 means C is write-only (its old contents, even NaN, are ignored).
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, Scratch& scratch);

// 2-D convolution, NCHW input, weights [M, C/group, KH, KW], output [N, M, OH, OW].
// Pads are explicit (auto_pad is resolved by the caller); out_h/out_w are given.
struct Conv2dShape {
  int64_t batch = 1, in_channels = 0, in_h = 0, in_w = 0;
  int64_t out_channels = 0, kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // bottom/right padding follows from out_h/out_w
  int64_t group = 1;
  int64_t out_h = 0, out_w = 0;
};
// bias may be null. y must hold batch*out_channels*out_h*out_w floats.
void conv2d(const Conv2dShape& s, const float* x, const float* w, const float* bias, float* y, Scratch& scratch);

}  // namespace nf::runtime::kernels

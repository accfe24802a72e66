// runtime/kernels/kernels.h - the compute-heavy float32 kernels of the runtime.
//
// Plain functions over raw row-major (NCHW) buffers, independent of the runtime's
// tensor type, so they can be tested and benchmarked alone. One SGEMM design
// (gemm_impl.h: packed, cache-blocked, MR x 2-vector register tile) with back ends
// chosen at compile time (simd.h: wasm SIMD128 under -msimd128, 4-float GCC/Clang
// vectors natively) plus AVX2+FMA and AVX-512 ones picked at run time on x86-64.
// conv2d picks a path per shape (conv.cpp: pointwise GEMM, depthwise direct SIMD,
// tiled im2col + GEMM). Every path must give the same results as the reference
// loops (namespace `reference` below) within float rounding.
//
// Contracts shared by all kernels:
//   - sizes are non-negative; a zero size is a no-op (outputs of size 0 untouched);
//   - buffers never alias unless a kernel says so;
//   - `Scratch` provides temporary memory; kernels never allocate per call otherwise.
//     Its size stays bounded: the GEMM's packing blocks (under 0.6 M floats), an
//     im2col tile (at most 0.5 M floats, or one whole column matrix for few output
//     pixels with packed weights), one padded input plane for depthwise convs;
//   - callers have validated sizes (their products fit int64 and memory);
//   - one Scratch per thread; use_gemm_backend() is process-wide (tests, benchmarks).
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

// op(B) of sgemm packed once for the back end in use (the constant weights of a
// MatMul or Gemm), so runs skip packing it. Opaque to callers, like
// PackedConv2dWeights: sgemm ignores a pack made for other sizes, another
// trans_b or another back end.
struct PackedSgemmB {
  std::vector<float> data;
  size_t backend = static_cast<size_t>(-1);
  int64_t k = 0, n = 0;
  bool trans_b = false;
};
PackedSgemmB pack_sgemm_b(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb);
// True when sgemm can use `packed` for these sizes with the back end in use.
bool packed_sgemm_b_fits(const PackedSgemmB& packed, bool trans_b, int64_t k, int64_t n);
// sgemm with op(B) packed by pack_sgemm_b. When the pack fits, `b` is never read (it
// may be null: the executor frees constant weights once they are packed); otherwise
// B is read from `b`. Same results as sgemm.
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, const PackedSgemmB& packed, float beta, float* c, int64_t ldc,
           Scratch& scratch);

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

// conv2d's weights packed once for the SGEMM back end in use, so runs skip packing
// them (ResNet-50 has 25 M weights: repacking them every run costs about a tenth of
// the conv time natively). For depthwise shapes the pack is a plain copy. Opaque to callers:
// filled by pack_conv2d_weights; conv2d ignores (never misreads) a pack made for
// another shape or, after use_gemm_backend(), another back end.
struct PackedConv2dWeights {
  std::vector<float> data;
  size_t backend = static_cast<size_t>(-1);
  int64_t group = 0, rows = 0, depth = 0;  // the shape it was packed for
  bool transposed = false;  // packed as w^T for y^T = col^T w^T (few output pixels)
};
PackedConv2dWeights pack_conv2d_weights(const Conv2dShape& s, const float* w);
// True when conv2d can use `packed` for shape `s` with the back end in use.
bool packed_conv2d_fits(const PackedConv2dWeights& packed, const Conv2dShape& s);
// conv2d with packed weights. When the pack fits, `w` is never read (it may be null);
// otherwise the weights are read from `w`. Same results as conv2d without them.
void conv2d(const Conv2dShape& s, const float* x, const float* w, const PackedConv2dWeights& packed, const float* bias,
            float* y, Scratch& scratch);

// y = softmax(x) over each of `rows` contiguous rows of n floats (vector exp, float
// sums; relative error ~1e-6). A row holding NaN or +-inf becomes all NaN (what
// exp(x - max) / sum gives there). y may equal x.
void softmax_rows(const float* x, float* y, int64_t rows, int64_t n);

// Which conv2d path a shape takes: "pointwise" (1x1, stride 1, no padding: GEMM on
// the input as it is), "depthwise" (one input channel per group: direct SIMD loops)
// or "im2col" (tiled im2col + GEMM). For tests and benchmarks.
const char* conv2d_path(const Conv2dShape& s);

// The SGEMM back end in use, e.g. "avx512 8x32", "avx2+fma 6x16", "vec4 6x8",
// "wasm-simd128 4x8". sgemm/conv2d use the best one this build and CPU can run.
const char* gemm_backend();
// All back ends this build and CPU can run, best first; use_gemm_backend(i) makes
// sgemm/conv2d use the i-th (0 = the default) so tests can cover each of them.
std::vector<const char*> gemm_backends();
void use_gemm_backend(size_t index);

// The straightforward loops that define the expected results (reference.cpp).
namespace reference {
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, Scratch& scratch);
void conv2d(const Conv2dShape& s, const float* x, const float* w, const float* bias, float* y, Scratch& scratch);
}  // namespace reference

}  // namespace nf::runtime::kernels

// runtime/kernels/gemm_internal.h - the SGEMM driver shared by sgemm() and conv2d(),
// with caller-provided work memory so conv2d can carve its im2col buffer and the
// GEMM's packing buffers from one Scratch allocation.
#pragma once
#include <cstddef>
#include <cstdint>

namespace nf::runtime::kernels::detail {

struct Gemm {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.f;
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.f;
  float* c = nullptr;
  int64_t ldc = 0;
  // Optional per-row bias: C = alpha * op(A) op(B) + beta * C + bias[i] (conv2d's bias,
  // added in the micro-kernel's store instead of a separate pass over C).
  const float* bias = nullptr;
  // Optional: op(A) already packed by gemm_pack_a() for the active back end (the
  // dot-product paths for very few rows/columns still read `a`, so keep it set).
  const float* packed_a = nullptr;
  // Optional: op(B) already packed by gemm_pack_b() (same caveat: keep `b` set).
  const float* packed_b = nullptr;
};

// Floats of work memory gemm() needs for these sizes (the active back end's blocking).
size_t gemm_work_floats(int64_t m, int64_t n, int64_t k);
// C = alpha * op(A) op(B) + beta * C with `work` holding gemm_work_floats(m, n, k).
void gemm(const Gemm& g, float* work);

// Packing op(A) (m, k, trans_a, a, lda of `g`) once for the active back end.
size_t gemm_packed_a_floats(int64_t m, int64_t k);
void gemm_pack_a(const Gemm& g, float* dst);
// Packing op(B) (k, n, trans_b, b, ldb of `g`) once for the active back end.
size_t gemm_packed_b_floats(int64_t k, int64_t n);
void gemm_pack_b(const Gemm& g, float* dst);
// The depthwise path's 1-D filter (depthwise_impl.h) for the active back end.
using Filter1d = void (*)(const float* src, const int64_t* taps, int64_t kk, const float* wk, float b, int64_t count,
                          float* dst);
Filter1d depthwise_filter();
void filter_1d_baseline(const float*, const int64_t*, int64_t, const float*, float, int64_t, float*);
#if defined(NF_KERNELS_AVX2)
void filter_1d_avx2(const float*, const int64_t*, int64_t, const float*, float, int64_t, float*);
void filter_1d_avx512(const float*, const int64_t*, int64_t, const float*, float, int64_t, float*);
#endif

// The active back end's micro-tile: rows of A and columns of B per register block.
void gemm_tile(int64_t& mr, int64_t& nr);

// Index of the active back end in gemm_backends() (packed data is only valid for it).
size_t gemm_backend_index();

// The back ends (gemm.cpp picks one at run time).
#ifndef NF_GEMM_MR_AVX512
#define NF_GEMM_MR_AVX512 8  // rows of the AVX-512 micro-tile (12 measured the same; 8 wastes less on edges)
#endif
size_t gemm_baseline_work_floats(int64_t m, int64_t n, int64_t k);
void gemm_baseline(const Gemm& g, float* work);
size_t gemm_baseline_packed_a_floats(int64_t m, int64_t k);
void gemm_baseline_pack_a(const Gemm& g, float* dst);
size_t gemm_baseline_packed_b_floats(int64_t k, int64_t n);
void gemm_baseline_pack_b(const Gemm& g, float* dst);
#if defined(NF_KERNELS_AVX2)
size_t gemm_avx2_work_floats(int64_t m, int64_t n, int64_t k);
void gemm_avx2(const Gemm& g, float* work);
size_t gemm_avx2_packed_a_floats(int64_t m, int64_t k);
void gemm_avx2_pack_a(const Gemm& g, float* dst);
size_t gemm_avx2_packed_b_floats(int64_t k, int64_t n);
void gemm_avx2_pack_b(const Gemm& g, float* dst);
size_t gemm_avx512_work_floats(int64_t m, int64_t n, int64_t k);
void gemm_avx512(const Gemm& g, float* work);
size_t gemm_avx512_packed_a_floats(int64_t m, int64_t k);
void gemm_avx512_pack_a(const Gemm& g, float* dst);
size_t gemm_avx512_packed_b_floats(int64_t k, int64_t n);
void gemm_avx512_pack_b(const Gemm& g, float* dst);

#endif

}  // namespace nf::runtime::kernels::detail

// runtime/kernels/gemm_avx512.cpp - the AVX-512 back end of gemm_impl.h (16-float
// vectors, 8x32 micro-tile: 16 of the 32 registers accumulate) and of the depthwise
// filter (depthwise_impl.h). Built with -mavx512f -mfma -ffp-contract=fast on x86-64
// only; gemm.cpp calls it only when the CPU has AVX-512F. Everything here but the
// entry points has internal linkage (simd.h).
#include "runtime/kernels/depthwise_impl.h"
#include "runtime/kernels/gemm_impl.h"

namespace nf::runtime::kernels::detail {

using Avx512 = GemmImpl<VecExt64, NF_GEMM_MR_AVX512>;
size_t gemm_avx512_work_floats(int64_t m, int64_t n, int64_t k) { return Avx512::work_floats(m, n, k); }
void gemm_avx512(const Gemm& g, float* work) { Avx512::run(g, work); }

size_t gemm_avx512_packed_a_floats(int64_t m, int64_t k) { return Avx512::packed_a_floats(m, k); }
void gemm_avx512_pack_a(const Gemm& g, float* dst) { Avx512::pack_a_full(g, dst); }
size_t gemm_avx512_packed_b_floats(int64_t k, int64_t n) { return Avx512::packed_b_floats(k, n); }
void gemm_avx512_pack_b(const Gemm& g, float* dst) { Avx512::pack_b_full(g, dst); }

void filter_1d_avx512(const float* src, const int64_t* taps, int64_t kk, const float* wk, float b, int64_t count,
                  float* dst) {
  filter_1d<VecExt64>(src, taps, kk, wk, b, count, dst);
}

}  // namespace nf::runtime::kernels::detail

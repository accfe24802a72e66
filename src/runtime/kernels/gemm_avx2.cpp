// runtime/kernels/gemm_avx2.cpp - the AVX2+FMA back end of gemm_impl.h (8-float
// vectors, 6x16 micro-tile) and of the depthwise filter (depthwise_impl.h). Built
// with -mavx2 -mfma -ffp-contract=fast on x86-64 only (src/runtime/CMakeLists.txt);
// gemm.cpp calls it only when the CPU has both. Everything here but the entry
// points has internal linkage (see simd.h).
#include "runtime/kernels/depthwise_impl.h"
#include "runtime/kernels/gemm_impl.h"

namespace nf::runtime::kernels::detail {

size_t gemm_avx2_work_floats(int64_t m, int64_t n, int64_t k) { return GemmImpl<VecExt32, 6>::work_floats(m, n, k); }
void gemm_avx2(const Gemm& g, float* work) { GemmImpl<VecExt32, 6>::run(g, work); }

size_t gemm_avx2_packed_a_floats(int64_t m, int64_t k) { return GemmImpl<VecExt32, 6>::packed_a_floats(m, k); }
void gemm_avx2_pack_a(const Gemm& g, float* dst) { GemmImpl<VecExt32, 6>::pack_a_full(g, dst); }
size_t gemm_avx2_packed_b_floats(int64_t k, int64_t n) { return GemmImpl<VecExt32, 6>::packed_b_floats(k, n); }
void gemm_avx2_pack_b(const Gemm& g, float* dst) { GemmImpl<VecExt32, 6>::pack_b_full(g, dst); }

void filter_1d_avx2(const float* src, const int64_t* taps, int64_t kk, const float* wk, float b, int64_t count,
                  float* dst) {
  filter_1d<VecExt32>(src, taps, kk, wk, b, count, dst);
}

}  // namespace nf::runtime::kernels::detail

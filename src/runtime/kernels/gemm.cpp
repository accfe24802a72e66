// runtime/kernels/gemm.cpp - sgemm(): the baseline back end of gemm_impl.h (wasm
// SIMD128, or 4-float vectors natively) and, on x86-64, the run-time choice of the
// AVX-512 or AVX2+FMA one (gemm_avx2.cpp) by what the CPU supports.
#include <atomic>
#include <vector>

#include "runtime/kernels/depthwise_impl.h"
#include "runtime/kernels/gemm_impl.h"
#include "runtime/kernels/kernels.h"

namespace nf::runtime::kernels {
namespace {

// Rows of the baseline micro-tile: 4 in wasm (V8 keeps 4x8 in registers on x64; 6x8
// measured 10-15% slower under Node), 6 natively (SSE2 has 16 registers, 4 and 6 tie).
#ifndef NF_GEMM_MR
#if defined(__wasm_simd128__)
#define NF_GEMM_MR 4
#else
#define NF_GEMM_MR 6
#endif
#endif
#define NF_STR2(x) #x
#define NF_STR(x) NF_STR2(x)
#if defined(__wasm_simd128__)
using BaselineVec = VecWasm128;
using Baseline = GemmImpl<VecWasm128, NF_GEMM_MR>;
constexpr const char* kBaselineName = "wasm-simd128 " NF_STR(NF_GEMM_MR) "x8";
#else
using BaselineVec = VecExt16;
using Baseline = GemmImpl<VecExt16, NF_GEMM_MR>;
constexpr const char* kBaselineName = "vec4 " NF_STR(NF_GEMM_MR) "x8";
#endif

enum class Backend { kAvx512, kAvx2, kBaseline };

// What this build and CPU can run, best first.
const std::vector<Backend>& available() {
  static const std::vector<Backend> list = [] {
    std::vector<Backend> l;
#if defined(NF_KERNELS_AVX2)
    if (__builtin_cpu_supports("avx512f")) l.push_back(Backend::kAvx512);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) l.push_back(Backend::kAvx2);
#endif
    l.push_back(Backend::kBaseline);
    return l;
  }();
  return list;
}

std::atomic<size_t> g_selected{0};

Backend active() { return available()[g_selected.load(std::memory_order_relaxed)]; }

const char* name_of(Backend b) {
  switch (b) {
    case Backend::kAvx512: return "avx512 " NF_STR(NF_GEMM_MR_AVX512) "x32";
    case Backend::kAvx2: return "avx2+fma 6x16";
    case Backend::kBaseline: break;
  }
  return kBaselineName;
}

}  // namespace

namespace detail {

size_t gemm_baseline_work_floats(int64_t m, int64_t n, int64_t k) {
  return Baseline::work_floats(m, n, k);
}
void gemm_baseline(const Gemm& g, float* work) { Baseline::run(g, work); }
size_t gemm_baseline_packed_a_floats(int64_t m, int64_t k) { return Baseline::packed_a_floats(m, k); }
void gemm_baseline_pack_a(const Gemm& g, float* dst) { Baseline::pack_a_full(g, dst); }
size_t gemm_baseline_packed_b_floats(int64_t k, int64_t n) { return Baseline::packed_b_floats(k, n); }
void gemm_baseline_pack_b(const Gemm& g, float* dst) { Baseline::pack_b_full(g, dst); }

size_t gemm_packed_b_floats(int64_t k, int64_t n) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512_packed_b_floats(k, n);
    case Backend::kAvx2: return gemm_avx2_packed_b_floats(k, n);
#endif
    default: return gemm_baseline_packed_b_floats(k, n);
  }
}

void gemm_pack_b(const Gemm& g, float* dst) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512_pack_b(g, dst);
    case Backend::kAvx2: return gemm_avx2_pack_b(g, dst);
#endif
    default: return gemm_baseline_pack_b(g, dst);
  }
}

void gemm_tile(int64_t& mr, int64_t& nr) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: mr = NF_GEMM_MR_AVX512, nr = 32; return;
    case Backend::kAvx2: mr = 6, nr = 16; return;
#endif
    default: mr = Baseline::MR, nr = Baseline::NR; return;
  }
}

size_t gemm_packed_a_floats(int64_t m, int64_t k) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512_packed_a_floats(m, k);
    case Backend::kAvx2: return gemm_avx2_packed_a_floats(m, k);
#endif
    default: return gemm_baseline_packed_a_floats(m, k);
  }
}

void gemm_pack_a(const Gemm& g, float* dst) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512_pack_a(g, dst);
    case Backend::kAvx2: return gemm_avx2_pack_a(g, dst);
#endif
    default: return gemm_baseline_pack_a(g, dst);
  }
}

void filter_1d_baseline(const float* src, const int64_t* taps, int64_t kk, const float* wk, float b, int64_t count,
                        float* dst) {
  filter_1d<BaselineVec>(src, taps, kk, wk, b, count, dst);
}

Filter1d depthwise_filter() {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return filter_1d_avx512;
    case Backend::kAvx2: return filter_1d_avx2;
#endif
    default: return filter_1d_baseline;
  }
}

size_t gemm_backend_index() { return g_selected.load(std::memory_order_relaxed); }

size_t gemm_work_floats(int64_t m, int64_t n, int64_t k) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512_work_floats(m, n, k);
    case Backend::kAvx2: return gemm_avx2_work_floats(m, n, k);
#endif
    default: return gemm_baseline_work_floats(m, n, k);
  }
}

void gemm(const Gemm& g, float* work) {
  switch (active()) {
#if defined(NF_KERNELS_AVX2)
    case Backend::kAvx512: return gemm_avx512(g, work);
    case Backend::kAvx2: return gemm_avx2(g, work);
#endif
    default: return gemm_baseline(g, work);
  }
}

}  // namespace detail

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, Scratch& scratch) {
  if (m <= 0 || n <= 0) return;
  detail::Gemm g;
  g.trans_a = trans_a, g.trans_b = trans_b, g.m = m, g.n = n, g.k = k, g.alpha = alpha;
  g.a = a, g.lda = lda, g.b = b, g.ldb = ldb, g.beta = beta, g.c = c, g.ldc = ldc;
  detail::gemm(g, scratch.floats(detail::gemm_work_floats(m, n, k)));
}

PackedSgemmB pack_sgemm_b(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb) {
  PackedSgemmB p;
  if (k <= 0 || n <= 0) return p;
  p.backend = detail::gemm_backend_index(), p.k = k, p.n = n, p.trans_b = trans_b;
  p.data.resize(detail::gemm_packed_b_floats(k, n));
  detail::Gemm g;
  g.trans_b = trans_b, g.k = k, g.n = n, g.b = b, g.ldb = ldb;
  detail::gemm_pack_b(g, p.data.data());
  return p;
}

bool packed_sgemm_b_fits(const PackedSgemmB& packed, bool trans_b, int64_t k, int64_t n) {
  return !packed.data.empty() && packed.backend == detail::gemm_backend_index() && packed.k == k && packed.n == n &&
         packed.trans_b == trans_b;
}

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, const PackedSgemmB& packed, float beta, float* c, int64_t ldc,
           Scratch& scratch) {
  if (m <= 0 || n <= 0) return;
  detail::Gemm g;
  g.trans_a = trans_a, g.trans_b = trans_b, g.m = m, g.n = n, g.k = k, g.alpha = alpha;
  g.a = a, g.lda = lda, g.b = b, g.ldb = ldb, g.beta = beta, g.c = c, g.ldc = ldc;
  if (packed_sgemm_b_fits(packed, trans_b, k, n)) g.packed_b = packed.data.data();
  detail::gemm(g, scratch.floats(detail::gemm_work_floats(m, n, k)));
}

const char* gemm_backend() { return name_of(active()); }

std::vector<const char*> gemm_backends() {
  std::vector<const char*> names;
  for (Backend b : available()) names.push_back(name_of(b));
  return names;
}

void use_gemm_backend(size_t index) { g_selected.store(index < available().size() ? index : 0); }

}  // namespace nf::runtime::kernels

// runtime/kernels/depthwise_impl.h - the inner loop of the depthwise conv path
// (conv.cpp), written once over a vector type V (simd.h) and instantiated per back
// end like the GEMM (gemm.cpp, gemm_avx2.cpp, gemm_avx512.cpp).
#pragma once
#include <cstdint>

#include "runtime/kernels/simd.h"

namespace nf::runtime::kernels {
namespace {

// dst[i] = b + sum_t wk[t] * src[taps[t] + i] for i < count: a 1-D filter over
// contiguous memory, 4 vectors at a time; the tail is one vector ending at `count`
// (overlapping: recomputed values are identical) rather than scalar steps.
template <class V>
void filter_1d(const float* src, const int64_t* taps, int64_t kk, const float* wk, float b, int64_t count,
               float* dst) {
  constexpr int L = V::L;
  using T = typename V::T;
  int64_t i = 0;
  for (; i + 4 * L <= count; i += 4 * L) {
    T a0 = V::splat(b), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t t = 0; t < kk; ++t) {
      const float* p = src + taps[t] + i;
      const T wv = V::broadcast(wk + t);
      a0 = V::madd(a0, wv, V::load(p));
      a1 = V::madd(a1, wv, V::load(p + L));
      a2 = V::madd(a2, wv, V::load(p + 2 * L));
      a3 = V::madd(a3, wv, V::load(p + 3 * L));
    }
    V::store(dst + i, a0);
    V::store(dst + i + L, a1);
    V::store(dst + i + 2 * L, a2);
    V::store(dst + i + 3 * L, a3);
  }
  for (; i < count && count >= L; i += L) {
    if (i + L > count) i = count - L;
    T a0 = V::splat(b);
    for (int64_t t = 0; t < kk; ++t) a0 = V::madd(a0, V::broadcast(wk + t), V::load(src + taps[t] + i));
    V::store(dst + i, a0);
  }
  for (; i < count; ++i) {  // only when count < L
    float acc = b;
    for (int64_t t = 0; t < kk; ++t) acc += wk[t] * src[taps[t] + i];
    dst[i] = acc;
  }
}

}  // namespace
}  // namespace nf::runtime::kernels

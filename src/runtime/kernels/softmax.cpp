// runtime/kernels/softmax.cpp - softmax over contiguous float rows with a vector exp
// (attention probabilities: most of a transformer's time outside the GEMMs was
// spent in scalar double exp).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "runtime/kernels/kernels.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace nf::runtime::kernels {
namespace {

// exp(x) for x in [kExpLow, 0] (softmax arguments x - max), Cephes' expf polynomial on
// r = x - n ln2, |r| <= ln2 / 2, scaled by 2^n through the exponent bits. Relative
// error about 2e-7; below kExpLow the result is 0 (as exp(x) rounds to in float).
constexpr float kExpLow = -87.3f;
constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kRoundMagic = 12582912.f;  // 1.5 * 2^23: adding it rounds to an integer
constexpr float kP0 = 1.9875691500e-4f, kP1 = 1.3981999507e-3f, kP2 = 8.3334519073e-3f, kP3 = 4.1665795894e-2f,
                kP4 = 1.6666665459e-1f, kP5 = 5.0000001201e-1f;

#if defined(__wasm_simd128__)
using F4 = v128_t;
constexpr int kLanes = 4;
F4 load(const float* p) { return wasm_v128_load(p); }
void store(float* p, F4 v) { wasm_v128_store(p, v); }
F4 splat(float s) { return wasm_f32x4_splat(s); }
F4 exp_neg(F4 x) {
  const F4 low = wasm_f32x4_lt(x, splat(kExpLow));
  x = wasm_f32x4_max(x, splat(kExpLow));
  const F4 t = wasm_f32x4_add(wasm_f32x4_mul(x, splat(kLog2e)), splat(kRoundMagic));
  const F4 n = wasm_f32x4_sub(t, splat(kRoundMagic));
  F4 r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, splat(kLn2Hi)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, splat(kLn2Lo)));
  F4 p = splat(kP0);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(kP1));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(kP2));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(kP3));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(kP4));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(kP5));
  const F4 y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), splat(1.f));
  // 2^n: the integer n sits in t's low mantissa bits
  const F4 scale = wasm_i32x4_shl(wasm_i32x4_sub(t, splat(kRoundMagic)), 23);
  return wasm_v128_andnot(wasm_i32x4_add(y, scale), low);
}
F4 add(F4 a, F4 b) { return wasm_f32x4_add(a, b); }
F4 sub(F4 a, F4 b) { return wasm_f32x4_sub(a, b); }
F4 mul(F4 a, F4 b) { return wasm_f32x4_mul(a, b); }
float hsum(F4 v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}
#else
typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));
typedef float F4u __attribute__((vector_size(16), aligned(4), may_alias));
constexpr int kLanes = 4;
F4 load(const float* p) { return *reinterpret_cast<const F4u*>(p); }
void store(float* p, F4 v) { *reinterpret_cast<F4u*>(p) = v; }
F4 splat(float s) { return s - F4{}; }
F4 exp_neg(F4 x) {
  const I4 low = x < kExpLow;
  x = x < kExpLow ? splat(kExpLow) : x;
  const F4 t = x * kLog2e + kRoundMagic;
  const F4 n = t - kRoundMagic;
  F4 r = x - n * kLn2Hi;
  r = r - n * kLn2Lo;
  F4 p = splat(kP0);
  p = p * r + kP1;
  p = p * r + kP2;
  p = p * r + kP3;
  p = p * r + kP4;
  p = p * r + kP5;
  const F4 y = p * r * r + r + 1.f;
  const I4 scale = ((I4)t - (I4)splat(kRoundMagic)) << 23;  // vector casts keep the bits
  return (F4)(((I4)y + scale) & ~low);
}
F4 add(F4 a, F4 b) { return a + b; }
F4 sub(F4 a, F4 b) { return a - b; }
F4 mul(F4 a, F4 b) { return a * b; }
float hsum(F4 v) { return v[0] + v[1] + v[2] + v[3]; }
#endif

float exp_neg_scalar(float x) {
  float in[kLanes] = {x}, out[kLanes];
  store(out, exp_neg(load(in)));
  return out[0];
}

}  // namespace

void softmax_rows(const float* x, float* y, int64_t rows, int64_t n) {
  for (int64_t o = 0; o < rows; ++o, x += n, y += n) {
    float mx = -INFINITY;
    bool nan = false;
    for (int64_t k = 0; k < n; ++k) {
      nan |= std::isnan(x[k]);
      mx = x[k] > mx ? x[k] : mx;
    }
    if (nan || !std::isfinite(mx)) {  // as exp(x - max) / sum gives: NaN, inf - inf...
      for (int64_t k = 0; k < n; ++k) y[k] = NAN;
      continue;
    }
    const F4 vmx = splat(mx);
    F4 vs = splat(0.f);
    int64_t k = 0;
    for (; k + kLanes <= n; k += kLanes) {
      const F4 e = exp_neg(sub(load(x + k), vmx));
      store(y + k, e);
      vs = add(vs, e);
    }
    float sum = hsum(vs);
    for (; k < n; ++k) sum += (y[k] = exp_neg_scalar(x[k] - mx));
    const float inv = 1.f / sum;
    const F4 vinv = splat(inv);
    k = 0;
    for (; k + kLanes <= n; k += kLanes) store(y + k, mul(load(y + k), vinv));
    for (; k < n; ++k) y[k] *= inv;
  }
}

}  // namespace nf::runtime::kernels

// runtime/kernels/simd.h - the few vector operations the kernels use, one struct per
// back end so the kernels are written once (templates over `V`):
//   VecWasm128 - WebAssembly SIMD128 intrinsics (em++ -msimd128);
//   VecExt16   - GCC/Clang vector extensions, 4 floats (SSE2 on x86-64, NEON on arm64);
//   VecExt32   - the same with 8 floats, for the AVX2+FMA translation unit;
//   VecExt64   - 16 floats, for the AVX-512 one.
// Everything has internal linkage: a file compiled with -mavx2 must not emit inline
// functions that the linker could pick for the baseline code.
#pragma once

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace nf::runtime::kernels {
namespace {

#if defined(__wasm_simd128__)
struct VecWasm128 {
  using T = v128_t;
  static constexpr int L = 4;
  static T load(const float* p) { return wasm_v128_load(p); }
  static void store(float* p, T v) { wasm_v128_store(p, v); }
  static T splat(float s) { return wasm_f32x4_splat(s); }
  static T broadcast(const float* p) { return wasm_v128_load32_splat(p); }
  static T zero() { return wasm_f32x4_splat(0.f); }
  static T add(T a, T b) { return wasm_f32x4_add(a, b); }
  static T mul(T a, T b) { return wasm_f32x4_mul(a, b); }
  // No fused multiply-add in SIMD128 (relaxed SIMD is not in em++ 3.1.6).
  static T madd(T acc, T a, T b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
  // (a0 a1 a2 a3), (b0 b1 b2 b3) -> even (a0 a2 b0 b2), odd (a1 a3 b1 b3)
  static void deinterleave(T a, T b, T& even, T& odd) {
    even = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
    odd = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
  }
  static float hsum(T v) {
    return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
           wasm_f32x4_extract_lane(v, 3);
  }
};
#else
// `acc + a * b` contracts to an FMA where the target has one and -ffp-contract allows.
#define NF_VEC_EXT(Name, Bytes)                                                     \
  struct Name {                                                                     \
    typedef float T __attribute__((vector_size(Bytes)));                            \
    typedef float U __attribute__((vector_size(Bytes), aligned(4), may_alias));     \
    static constexpr int L = Bytes / 4;                                             \
    static T load(const float* p) { return *reinterpret_cast<const U*>(p); }        \
    static void store(float* p, T v) { *reinterpret_cast<U*>(p) = v; }              \
    static T zero() { return T{}; }                                                 \
    /* s - 0 == s for every s (0 + s is not, for s == -0): folds to a broadcast */ \
    static T splat(float s) { return s - T{}; }                                     \
    static T broadcast(const float* p) { return splat(*p); }                        \
    static T add(T a, T b) { return a + b; }                                        \
    static T mul(T a, T b) { return a * b; }                                        \
    static T madd(T acc, T a, T b) { return acc + a * b; }                          \
    static float hsum(T v) {                                                        \
      float s = 0.f;                                                                \
      for (int i = 0; i < L; ++i) s += v[i];                                        \
      return s;                                                                     \
    }                                                                               \
  };
NF_VEC_EXT(VecExt16, 16)
// (a0 a1 a2 a3), (b0 b1 b2 b3) -> even (a0 a2 b0 b2), odd (a1 a3 b1 b3)
inline void deinterleave(VecExt16::T a, VecExt16::T b, VecExt16::T& even, VecExt16::T& odd) {
#if defined(__clang__)
  even = __builtin_shufflevector(a, b, 0, 2, 4, 6);
  odd = __builtin_shufflevector(a, b, 1, 3, 5, 7);
#else
  typedef int I __attribute__((vector_size(16)));
  even = __builtin_shuffle(a, b, I{0, 2, 4, 6});
  odd = __builtin_shuffle(a, b, I{1, 3, 5, 7});
#endif
}
#if defined(__AVX__)
NF_VEC_EXT(VecExt32, 32)
#endif
#if defined(__AVX512F__)
NF_VEC_EXT(VecExt64, 64)
#endif
#undef NF_VEC_EXT
#endif

}  // namespace
}  // namespace nf::runtime::kernels

// runtime/kernels/gemm_impl.h - the packed, cache-blocked SGEMM, written once over a
// vector type V (simd.h) and instantiated per back end (gemm.cpp, gemm_avx2.cpp).
//
// BLIS-style loops: B is packed in KC x NC blocks as NR-wide column panels, A in
// MC x KC blocks as MR-high row panels, and a 6 x (2 vectors) register-blocked
// micro-kernel multiplies one A panel by one B panel (the B panel stays in L1 while
// the A block streams from L2). Packing pads edges with zeros, so the micro-kernel
// always runs full tiles; only its store handles partial tiles.
#pragma once
#include <cstddef>
#include <cstdint>

#include "runtime/kernels/gemm_internal.h"
#include "runtime/kernels/simd.h"

namespace nf::runtime::kernels {
namespace {

constexpr int64_t kGemmKC = 256;  // depth of a packed block
constexpr int64_t kGemmMC = 144;  // rows of a packed A block (144 x 256 floats = 144 KiB, L2)
constexpr int64_t kGemmNC = 2048; // columns of a packed B block

// Own helpers rather than imin: this header is also compiled with -mavx2 (simd.h).
inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
inline int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

#define NF_UNROLL _Pragma("GCC unroll 16")  // full unrolling keeps the accumulators in registers (MR <= 16)

// MR_: rows of the micro-tile; 2 * MR_ accumulators + 2 B vectors + 1 broadcast must
// fit the target's 16 vector registers.
template <class V, int64_t MR_>
struct GemmImpl {
  using T = typename V::T;
  static constexpr int64_t MR = MR_;
  static constexpr int64_t NR = 2 * V::L;

  static size_t work_floats(int64_t m, int64_t n, int64_t k) {
    if (m <= 0 || n <= 0 || k <= 0) return 0;
    const int64_t kc = imin(k, kGemmKC);
    const int64_t packed = round_up(imin(m, kGemmMC), MR) * kc + kc * round_up(imin(n, kGemmNC), NR);
    // 2 * k: the row (dots) or up to two columns (dots_small_n) the dot paths copy
    return static_cast<size_t>(imax(packed, 2 * k));
  }

  // c[mr x nr] = alpha * (a_panel * b_panel) + beta * c (+ bias[i] when bias is not
  // null); beta == 0 never reads c. The row loops are unrolled so the 2 * MR
  // accumulators live in registers.
  static void micro_kernel(int64_t kc, const float* a, const float* b, int64_t b_stride, float* c, int64_t ldc,
                           float alpha, float beta, const float* bias, int64_t mr, int64_t nr) {
    constexpr int L = V::L;
    T acc0[MR], acc1[MR];
    NF_UNROLL for (int i = 0; i < MR; ++i) acc0[i] = V::zero(), acc1[i] = V::zero();
    for (int64_t p = 0; p < kc; ++p) {
      const T b0 = V::load(b), b1 = V::load(b + L);
      NF_UNROLL for (int i = 0; i < MR; ++i) {
        const T av = V::broadcast(a + i);
        acc0[i] = V::madd(acc0[i], av, b0);
        acc1[i] = V::madd(acc1[i], av, b1);
      }
      a += MR;
      b += b_stride;
    }
    if (mr == MR && nr == NR) {
      const T va = V::splat(alpha);
      if (beta == 0.f && bias) {
        NF_UNROLL for (int i = 0; i < MR; ++i) {
          const T vb = V::broadcast(bias + i);
          V::store(c + i * ldc, V::madd(vb, acc0[i], va));
          V::store(c + i * ldc + L, V::madd(vb, acc1[i], va));
        }
      } else if (beta == 0.f) {
        NF_UNROLL for (int i = 0; i < MR; ++i) {
          V::store(c + i * ldc, V::mul(acc0[i], va));
          V::store(c + i * ldc + L, V::mul(acc1[i], va));
        }
      } else {
        const T vb = V::splat(beta);
        NF_UNROLL for (int i = 0; i < MR; ++i) {
          float* row = c + i * ldc;
          const T add = bias ? V::broadcast(bias + i) : V::zero();
          V::store(row, V::add(V::madd(V::mul(acc0[i], va), vb, V::load(row)), add));
          V::store(row + L, V::add(V::madd(V::mul(acc1[i], va), vb, V::load(row + L)), add));
        }
      }
      return;
    }
    float tile[MR * NR];
    NF_UNROLL for (int i = 0; i < MR; ++i) {
      V::store(tile + i * NR, acc0[i]);
      V::store(tile + i * NR + L, acc1[i]);
    }
    for (int64_t i = 0; i < mr; ++i) {
      float* row = c + i * ldc;
      const float add = bias ? bias[i] : 0.f;
      for (int64_t j = 0; j < nr; ++j)
        row[j] = (beta == 0.f ? alpha * tile[i * NR + j] : alpha * tile[i * NR + j] + beta * row[j]) + add;
    }
  }

  // op(A)[i0 .. i0+mc, p0 .. p0+kc] as MR-high panels: panel[p * MR + ii].
  static void pack_a(const detail::Gemm& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
    for (int64_t ip = 0; ip < mc; ip += MR) {
      const int64_t mr = imin(MR, mc - ip);
      if (g.trans_a) {
        const float* src = g.a + p0 * g.lda + i0 + ip;
        for (int64_t p = 0; p < kc; ++p, src += g.lda, dst += MR) {
          int64_t ii = 0;
          for (; ii < mr; ++ii) dst[ii] = src[ii];
          for (; ii < MR; ++ii) dst[ii] = 0.f;
        }
      } else {
        const float* src = g.a + (i0 + ip) * g.lda + p0;
        for (int64_t p = 0; p < kc; ++p, dst += MR) {
          int64_t ii = 0;
          for (; ii < mr; ++ii) dst[ii] = src[ii * g.lda + p];
          for (; ii < MR; ++ii) dst[ii] = 0.f;
        }
      }
    }
  }

  // op(B)[p0 .. p0+kc, j0 .. j0+nr] (nr <= NR) as one panel: panel[p * NR + jj].
  static void pack_b_panel(const detail::Gemm& g, int64_t p0, int64_t kc, int64_t j0, int64_t nr, float* dst) {
    if (g.trans_b) {
      for (int64_t jj = 0; jj < NR; ++jj) {
        if (jj < nr) {
          const float* src = g.b + (j0 + jj) * g.ldb + p0;
          for (int64_t p = 0; p < kc; ++p) dst[p * NR + jj] = src[p];
        } else {
          for (int64_t p = 0; p < kc; ++p) dst[p * NR + jj] = 0.f;
        }
      }
      return;
    }
    const float* src = g.b + p0 * g.ldb + j0;
    for (int64_t p = 0; p < kc; ++p, src += g.ldb, dst += NR) {
      if (nr == NR) {
        V::store(dst, V::load(src));
        V::store(dst + V::L, V::load(src + V::L));
      } else {
        int64_t jj = 0;
        for (; jj < nr; ++jj) dst[jj] = src[jj];
        for (; jj < NR; ++jj) dst[jj] = 0.f;
      }
    }
  }

  // Few rows times a transposed B (a fully connected layer with weights [N, K]): dot
  // products along contiguous rows; packing B would cost as much as the product.
  static void dots(const detail::Gemm& g, float* work) {
    constexpr int L = V::L;
    for (int64_t i = 0; i < g.m; ++i) {
      const float* arow = g.a + i * g.lda;
      if (g.trans_a) {
        for (int64_t p = 0; p < g.k; ++p) work[p] = g.a[p * g.lda + i];
        arow = work;
      }
      float* crow = g.c + i * g.ldc;
      for (int64_t j = 0; j < g.n; ++j) {
        const float* brow = g.b + j * g.ldb;
        T s0 = V::zero(), s1 = V::zero();
        int64_t p = 0;
        for (; p + 2 * L <= g.k; p += 2 * L) {
          s0 = V::madd(s0, V::load(arow + p), V::load(brow + p));
          s1 = V::madd(s1, V::load(arow + p + L), V::load(brow + p + L));
        }
        float dot = V::hsum(V::add(s0, s1));
        for (; p < g.k; ++p) dot += arow[p] * brow[p];
        crow[j] = (g.beta == 0.f ? g.alpha * dot : g.alpha * dot + g.beta * crow[j]) + (g.bias ? g.bias[i] : 0.f);
      }
    }
  }

  // Few columns (a matrix-vector product: squeeze-excite 1x1 convs on a pooled
  // vector): dot products of A's rows with op(B)'s columns, copied contiguous.
  static void dots_small_n(const detail::Gemm& g, float* work) {
    constexpr int L = V::L;
    for (int64_t j = 0; j < g.n; ++j)
      for (int64_t p = 0; p < g.k; ++p) work[j * g.k + p] = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
    for (int64_t i = 0; i < g.m; ++i) {
      const float* arow = g.a + i * g.lda;
      const float add = g.bias ? g.bias[i] : 0.f;
      for (int64_t j = 0; j < g.n; ++j) {
        const float* bcol = work + j * g.k;
        T s0 = V::zero(), s1 = V::zero();
        int64_t p = 0;
        for (; p + 2 * L <= g.k; p += 2 * L) {
          s0 = V::madd(s0, V::load(arow + p), V::load(bcol + p));
          s1 = V::madd(s1, V::load(arow + p + L), V::load(bcol + p + L));
        }
        float dot = V::hsum(V::add(s0, s1));
        for (; p < g.k; ++p) dot += arow[p] * bcol[p];
        float& out = g.c[i * g.ldc + j];
        out = (g.beta == 0.f ? g.alpha * dot : g.alpha * dot + g.beta * out) + add;
      }
    }
  }

  // Few rows (m < MR) against an op(B) packed by pack_b_full: one accumulator pair per
  // row and panel (the general path would compute MR rows for each one).
  static void rows_packed_b(const detail::Gemm& g, float* work) {
    constexpr int L = V::L;
    for (int64_t i = 0; i < g.m; ++i) {
      const float* arow = g.a + i * g.lda;
      if (g.trans_a) {
        for (int64_t p = 0; p < g.k; ++p) work[p] = g.a[p * g.lda + i];
        arow = work;
      }
      float* crow = g.c + i * g.ldc;
      const float add = g.bias ? g.bias[i] : 0.f;
      for (int64_t j0 = 0; j0 < g.n; j0 += NR) {
        const float* panel = g.packed_b + j0 * g.k;
        T s0 = V::zero(), s1 = V::zero(), t0 = V::zero(), t1 = V::zero();
        int64_t p = 0;
        for (; p + 2 <= g.k; p += 2, panel += 2 * NR) {  // two chains per half: latency, not throughput
          const T a0 = V::broadcast(arow + p), a1 = V::broadcast(arow + p + 1);
          s0 = V::madd(s0, a0, V::load(panel));
          s1 = V::madd(s1, a0, V::load(panel + L));
          t0 = V::madd(t0, a1, V::load(panel + NR));
          t1 = V::madd(t1, a1, V::load(panel + NR + L));
        }
        if (p < g.k) {
          const T a0 = V::broadcast(arow + p);
          s0 = V::madd(s0, a0, V::load(panel));
          s1 = V::madd(s1, a0, V::load(panel + L));
        }
        float tile[NR];
        V::store(tile, V::add(s0, t0));
        V::store(tile + L, V::add(s1, t1));
        const int64_t nr = imin(NR, g.n - j0);
        for (int64_t j = 0; j < nr; ++j) {
          float& out = crow[j0 + j];
          out = (g.beta == 0.f ? g.alpha * tile[j] : g.alpha * tile[j] + g.beta * out) + add;
        }
      }
    }
  }

  // Few columns (n <= 2) against an op(A) packed by pack_a_full (a 1x1 conv on one
  // pixel with packed weights): MR rows of a panel at once.
  static void cols_packed_a(const detail::Gemm& g, float* work) {
    for (int64_t j = 0; j < g.n; ++j)
      for (int64_t p = 0; p < g.k; ++p) work[j * g.k + p] = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
    for (int64_t i0 = 0; i0 < g.m; i0 += MR) {
      const float* panel = g.packed_a + i0 * g.k;
      const int64_t mr = imin(MR, g.m - i0);
      for (int64_t j = 0; j < g.n; ++j) {
        const float* bcol = work + j * g.k;
        float acc[MR] = {};
        for (int64_t p = 0; p < g.k; ++p) {
          const float bv = bcol[p];
          NF_UNROLL for (int ii = 0; ii < MR; ++ii) acc[ii] += panel[p * MR + ii] * bv;
        }
        for (int64_t ii = 0; ii < mr; ++ii) {
          float& out = g.c[(i0 + ii) * g.ldc + j];
          out = (g.beta == 0.f ? g.alpha * acc[ii] : g.alpha * acc[ii] + g.beta * out) + (g.bias ? g.bias[i0 + ii] : 0.f);
        }
      }
    }
  }

  // op(A) as MR-high panels over the whole depth (panel r at r * MR * k): the layout
  // Gemm::packed_a takes, so constant weights are packed once.
  static size_t packed_a_floats(int64_t m, int64_t k) { return static_cast<size_t>(round_up(m, MR) * k); }
  static void pack_a_full(const detail::Gemm& g, float* dst) { pack_a(g, 0, g.m, 0, g.k, dst); }

  // op(B) as NR-wide panels over the whole depth (panel j at j * NR * k): the layout
  // Gemm::packed_b takes.
  static size_t packed_b_floats(int64_t k, int64_t n) { return static_cast<size_t>(round_up(n, NR) * k); }
  static void pack_b_full(const detail::Gemm& g, float* dst) {
    for (int64_t j0 = 0; j0 < g.n; j0 += NR) pack_b_panel(g, 0, g.k, j0, imin(NR, g.n - j0), dst + j0 * g.k);
  }

  static void run(const detail::Gemm& g, float* work) {
    const int64_t m = g.m, n = g.n, k = g.k;
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {  // C = beta * C (write-only zeros when beta == 0)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          g.c[i * g.ldc + j] = (g.beta == 0.f ? 0.f : g.beta * g.c[i * g.ldc + j]) + (g.bias ? g.bias[i] : 0.f);
      return;
    }
    // With packed operands the raw ones are never read (the caller may have freed them).
    if (g.packed_b && !g.packed_a && m < MR && m <= 4) return rows_packed_b(g, work);
    if (g.packed_a && !g.packed_b && n <= 2) return cols_packed_a(g, work);
    if (g.trans_b && m <= 4 && !g.packed_b) return dots(g, work);
    if (!g.trans_a && n <= 2 && !g.packed_a && !g.packed_b) return dots_small_n(g, work);
    // One row panel: B's full panels are read in place (each element is used once).
    const bool direct_b = !g.trans_b && m <= MR && !g.packed_b;
    float* const ap = work;
    float* const bp = work + round_up(imin(m, kGemmMC), MR) * imin(k, kGemmKC);
    for (int64_t jc = 0; jc < n; jc += kGemmNC) {
      const int64_t nc = imin(kGemmNC, n - jc);
      const int64_t panels = (nc + NR - 1) / NR;
      for (int64_t pc = 0; pc < k; pc += kGemmKC) {
        const int64_t kc = imin(kGemmKC, k - pc);
        const float beta = pc == 0 ? g.beta : 1.f;
        const float* bias = pc == 0 ? g.bias : nullptr;  // added once, with the first block
        if (!direct_b && !g.packed_b)
          for (int64_t jr = 0; jr < panels; ++jr)
            pack_b_panel(g, pc, kc, jc + jr * NR, imin(NR, nc - jr * NR), bp + jr * kc * NR);
        for (int64_t ic = 0; ic < m; ic += kGemmMC) {
          const int64_t mc = imin(kGemmMC, m - ic);
          if (!g.packed_a) pack_a(g, ic, mc, pc, kc, ap);
          for (int64_t jr = 0; jr < panels; ++jr) {
            const int64_t j0 = jc + jr * NR, nr = imin(NR, n - j0);
            const float* bpanel = g.packed_b ? g.packed_b + j0 * k + pc * NR : bp + jr * kc * NR;
            int64_t bstride = NR;
            if (direct_b) {
              if (nr == NR) {
                bpanel = g.b + pc * g.ldb + j0;
                bstride = g.ldb;
              } else {
                pack_b_panel(g, pc, kc, j0, nr, bp);
                bpanel = bp;
              }
            }
            for (int64_t ir = 0; ir < mc; ir += MR)
              micro_kernel(kc, g.packed_a ? g.packed_a + (ic + ir) * k + pc * MR : ap + ir * kc, bpanel, bstride, g.c + (ic + ir) * g.ldc + j0, g.ldc, g.alpha, beta,
                           bias ? bias + ic + ir : nullptr, imin(MR, mc - ir), nr);
          }
        }
      }
    }
  }
};

}  // namespace
}  // namespace nf::runtime::kernels

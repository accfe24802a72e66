// runtime/ops_linalg.cpp - MatMul (batched, broadcast), Gemm, Einsum. float32 goes
// through kernels::sgemm; other types use plain loops.
#include <algorithm>
#include <map>

#include "runtime/ops_common.h"
#include "runtime/ops_linalg.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

// Makes sure pw->gemm holds op(B) for these sizes, decoding B again when the
// executor dropped it after an earlier pack. False after ctx.fail().
bool packGemmB(KernelContext& ctx, PackedWeights* pw, bool trans_b, int64_t k, int64_t n, int64_t ldb) {
  if (kernels::packed_sgemm_b_fits(pw->gemm, trans_b, k, n) || k <= 0 || n <= 0) return true;
  Tensor reload;
  const float* b = ctx.constantData(1, &reload);
  if (!b) return false;
  pw->gemm = kernels::pack_sgemm_b(trans_b, k, n, b, ldb);
  return true;
}

}  // namespace

bool matmulTensors(KernelContext& ctx, const Tensor& a0, const Tensor& b0, Tensor* out_or_null, size_t out_index) {
  std::vector<int64_t> as = a0.shape, bs = b0.shape;
  if (as.empty() || bs.empty()) return ctx.fail("MatMul inputs must have rank >= 1");
  const bool a1 = as.size() == 1, b1 = bs.size() == 1;
  if (a1) as.insert(as.begin(), 1);
  if (b1) bs.push_back(1);
  int64_t M = as[as.size() - 2];
  const int64_t K = as.back(), N = bs.back();
  if (bs[bs.size() - 2] != K)
    return ctx.fail("shapes " + shapeString(a0.shape) + " and " + shapeString(b0.shape) + " cannot be multiplied");
  std::vector<int64_t> ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2), batch;
  if (!broadcastShapes({ab, bb}, &batch)) return ctx.fail("batch dimensions do not broadcast");
  std::vector<int64_t> out = batch;
  if (!a1) out.push_back(M);
  if (!b1) out.push_back(N);
  const E ot = a0.type == E::Int8 || a0.type == E::Uint8 ? E::Int32 : a0.type;
  // Every element is written unless K == 0 (then the product is all zeros).
  Tensor* y = out_or_null ? out_or_null : ctx.output(out_index, ot, out, /*zeroed=*/K == 0);
  if (!ctx.error.empty()) return false;
  int64_t nb = shapeCount(batch);
  std::vector<int64_t> abs_ = broadcastStrides(ab, batch), bbs = broadcastStrides(bb, batch);
  std::vector<int64_t> aoff(static_cast<size_t>(nb)), boff(static_cast<size_t>(nb));
  forEachBroadcast(batch, {abs_, bbs}, [&](int64_t i, const int64_t* o) {
    aoff[i] = o[0] * M * K;
    boff[i] = o[1] * K * N;
  });
  if (batch.empty() && nb == 1) aoff[0] = boff[0] = 0;
  if (a0.type == E::Float && b0.type == E::Float) {
    if (bs.size() == 2) {
      // B has no batch dims: A's batch rows are contiguous, so one GEMM with
      // nb * M rows does them all (a [128,1,256] x [256,768] MatMul would be 128
      // single-row calls otherwise).
      M *= nb;
      nb = 1;
    }
    // A constant 2-D B (an initializer) is packed once per Executor; B itself is then
    // never read (the executor may have dropped it: no buffer).
    PackedWeights* pw = bs.size() == 2 && ctx.hasTensor(1) && &ctx.in(1) == &b0 ? ctx.packEntry(1) : nullptr;
    if (pw) {
      if (!packGemmB(ctx, pw, false, K, N, N)) return false;
      const float* b = kernels::packed_sgemm_b_fits(pw->gemm, false, K, N) ? nullptr : b0.data<float>();
      for (int64_t i = 0; i < nb; ++i)
        kernels::sgemm(false, false, M, N, K, 1.f, a0.data<float>() + aoff[i], K, b, N, pw->gemm, 0.f,
                       y->data<float>() + i * M * N, N, ctx.scratch);
      return true;
    }
    for (int64_t i = 0; i < nb; ++i)
      kernels::sgemm(false, false, M, N, K, 1.f, a0.data<float>() + aoff[i], K, b0.data<float>() + boff[i], N, 0.f,
                     y->data<float>() + i * M * N, N, ctx.scratch);
    return true;
  }
  if (a0.type != b0.type && !(ot == E::Int32)) return ctx.fail("MatMul inputs have different types");
  visitType(y->type, [&]<class T>() {
    T* py = y->data<T>();
    for (int64_t bi = 0; bi < nb; ++bi)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
          double acc = 0;
          for (int64_t k = 0; k < K; ++k)
            acc += elementAsDouble(a0, aoff[bi] + m * K + k) * elementAsDouble(b0, boff[bi] + k * N + n);
          py[bi * M * N + m * N + n] = static_cast<T>(acc);
        }
  });
  return true;
}

namespace {

bool matmul(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  return matmulTensors(ctx, ctx.in(0), ctx.in(1), nullptr, 0);
}

bool gemm(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  if (a.rank() != 2 || b.rank() != 2) return ctx.fail("Gemm inputs must be 2-D");
  const bool ta = ctx.attrInt("transA", 0) != 0, tb = ctx.attrInt("transB", 0) != 0;
  const float alpha = ctx.attrFloat("alpha", 1.f), beta = ctx.attrFloat("beta", 1.f);
  const int64_t M = ta ? a.shape[1] : a.shape[0], K = ta ? a.shape[0] : a.shape[1];
  const int64_t N = tb ? b.shape[0] : b.shape[1], K2 = tb ? b.shape[1] : b.shape[0];
  if (K != K2) return ctx.fail("inner dimensions differ: " + std::to_string(K) + " vs " + std::to_string(K2));
  Tensor* y = ctx.output(0, a.type, {M, N}, /*zeroed=*/K == 0);  // else every element is written
  if (!ctx.error.empty()) return false;
  const bool has_c = ctx.hasTensor(2) && beta != 0.f;
  if (has_c) {
    const Tensor& c = ctx.in(2);
    std::vector<int64_t> s;
    if (!broadcastShapes({c.shape, {M, N}}, &s) || s != std::vector<int64_t>{M, N})
      return ctx.fail("C of shape " + shapeString(c.shape) + " does not broadcast to " + shapeString({M, N}));
    if (y->type == E::Float && c.type == E::Float && N > 0 && c.rank() > 0 &&
        (c.shape == std::vector<int64_t>{M, N} || (c.count() == N && c.shape.back() == N))) {
      // The common bias shapes ([M, N], [N], [1, N]): copy rows (float to float is exact).
      const float* pc = c.data<float>();
      float* py = y->data<float>();
      const bool row = c.shape != std::vector<int64_t>{M, N};
      for (int64_t m = 0; m < M; ++m)
        std::copy(pc + (row ? 0 : m * N), pc + (row ? N : (m + 1) * N), py + m * N);
    } else {
      forEachBroadcast(y->shape, {broadcastStrides(c.shape, y->shape)},
                       [&](int64_t i, const int64_t* o) { setElementFromDouble(*y, i, elementAsDouble(c, o[0])); });
    }
  }
  if (a.type == E::Float && b.type == E::Float) {
    // Constant weights: packed once per Executor, then B itself is never read.
    if (PackedWeights* pw = ctx.packEntry(1)) {
      if (!packGemmB(ctx, pw, tb, K, N, b.shape[1])) return false;
      const float* bd = kernels::packed_sgemm_b_fits(pw->gemm, tb, K, N) ? nullptr : b.data<float>();
      kernels::sgemm(ta, tb, M, N, K, alpha, a.data<float>(), a.shape[1], bd, b.shape[1], pw->gemm,
                     has_c ? beta : 0.f, y->data<float>(), N, ctx.scratch);
      return true;
    }
    kernels::sgemm(ta, tb, M, N, K, alpha, a.data<float>(), a.shape[1], b.data<float>(), b.shape[1],
                   has_c ? beta : 0.f, y->data<float>(), N, ctx.scratch);
    return true;
  }
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += elementAsDouble(a, ta ? k * M + m : m * K + k) * elementAsDouble(b, tb ? n * K + k : k * N + n);
      const double prev = has_c ? elementAsDouble(*y, m * N + n) * beta : 0.0;
      setElementFromDouble(*y, m * N + n, alpha * acc + prev);
    }
  return true;
}

// Einsum: explicit or implicit output, with "..." broadcasting; plain loops in double.
bool einsum(KernelContext& ctx) {
  std::string eq = ctx.attrString("equation");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow), rhs;
  std::vector<std::string> terms;
  for (size_t p = 0;;) {
    const size_t q = lhs.find(',', p);
    terms.push_back(lhs.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  if (terms.size() != ctx.inputCount()) return ctx.fail("equation has " + std::to_string(terms.size()) + " operands");
  // Expand "..." into capital letters unused by the equation.
  size_t ell_rank = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (!ctx.require(i)) return false;
    if (terms[i].find("...") != std::string::npos)
      ell_rank = std::max(ell_rank, ctx.in(i).rank() - (terms[i].size() - 3));
  }
  const std::string ell_letters = std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ").substr(0, ell_rank);
  auto expand = [&](std::string t, size_t rank) {
    const size_t e = t.find("...");
    if (e == std::string::npos) return t;
    const size_t n = rank - (t.size() - 3);
    return t.substr(0, e) + ell_letters.substr(ell_rank - n) + t.substr(e + 3);
  };
  std::map<char, int64_t> dims;
  for (size_t i = 0; i < terms.size(); ++i) {
    terms[i] = expand(terms[i], ctx.in(i).rank());
    if (terms[i].size() != ctx.in(i).rank()) return ctx.fail("operand " + std::to_string(i) + " rank does not match");
    for (size_t d = 0; d < terms[i].size(); ++d) {
      auto [it, fresh] = dims.emplace(terms[i][d], ctx.in(i).shape[d]);
      if (!fresh && it->second != ctx.in(i).shape[d]) {
        if (it->second == 1) it->second = ctx.in(i).shape[d];
        else if (ctx.in(i).shape[d] != 1) return ctx.fail("dimension mismatch for '" + std::string(1, terms[i][d]) + "'");
      }
    }
  }
  if (arrow != std::string::npos) {
    rhs = eq.substr(arrow + 2);
    const size_t e = rhs.find("...");
    if (e != std::string::npos) rhs = rhs.substr(0, e) + ell_letters + rhs.substr(e + 3);
  } else {
    rhs = ell_letters;
    std::map<char, int> seen;
    for (auto& t : terms)
      for (char c : t) seen[c]++;
    for (auto [c, n] : seen)
      if (n == 1 && !(c >= 'A' && c <= 'Z')) rhs += c;
  }
  std::string letters;
  for (auto& [c, d] : dims) letters += c;
  std::vector<int64_t> out_shape;
  for (char c : rhs) out_shape.push_back(dims[c]);
  Tensor* y = ctx.output(0, ctx.in(0).type, out_shape);
  if (!ctx.error.empty()) return false;
  std::vector<double> acc(static_cast<size_t>(y->count()), 0.0);
  std::vector<int64_t> idx(letters.size(), 0);
  std::vector<std::vector<int64_t>> strides(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) strides[i] = stridesOf(ctx.in(i).shape);
  const std::vector<int64_t> ys = stridesOf(out_shape);
  std::map<char, size_t> pos;
  for (size_t i = 0; i < letters.size(); ++i) pos[letters[i]] = i;
  int64_t total = 1;
  for (auto& [c, d] : dims) total *= d;
  for (int64_t it = 0; it < total; ++it) {
    double prod = 1;
    for (size_t i = 0; i < terms.size(); ++i) {
      int64_t off = 0;
      for (size_t d = 0; d < terms[i].size(); ++d)
        off += (ctx.in(i).shape[d] == 1 ? 0 : idx[pos[terms[i][d]]]) * strides[i][d];
      prod *= elementAsDouble(ctx.in(i), off);
    }
    int64_t yo = 0;
    for (size_t d = 0; d < rhs.size(); ++d) yo += idx[pos[rhs[d]]] * ys[d];
    acc[yo] += prod;
    for (int64_t d = static_cast<int64_t>(letters.size()) - 1; d >= 0; --d) {
      if (++idx[d] < dims[letters[d]]) break;
      idx[d] = 0;
    }
  }
  for (int64_t i = 0; i < y->count(); ++i) setElementFromDouble(*y, i, acc[i]);
  return true;
}

}  // namespace

const std::vector<KernelEntry>& linalgKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "MatMul", matmul}, {"", "Gemm", gemm}, {"", "Einsum", einsum},
  };
  return table;
}

}  // namespace nf::runtime

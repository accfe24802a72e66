// runtime/ops_index.cpp - indexing ops: Gather(Elements/ND), Scatter(Elements/ND),
// OneHot, TopK, NonZero, Compress, Trilu, ReverseSequence, Unique, EyeLike.
#include <algorithm>
#include <map>
#include <numeric>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

bool fixIndex(KernelContext& ctx, int64_t* i, int64_t dim) {
  if (*i < 0) *i += dim;
  if (*i < 0 || *i >= dim) return ctx.fail("index " + std::to_string(*i) + " is out of range for a dimension of " + std::to_string(dim));
  return true;
}

bool gather(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  std::vector<int64_t> out(x.shape.begin(), x.shape.begin() + a);
  out.insert(out.end(), ind.shape.begin(), ind.shape.end());
  out.insert(out.end(), x.shape.begin() + a + 1, x.shape.end());
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < x.rank(); ++d) inner *= x.shape[d];
  const int64_t dim = x.shape[a], ni = ind.count();
  std::vector<int64_t> idx = toInts(ind);
  for (auto& i : idx)
    if (!fixIndex(ctx, &i, dim)) return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < ni; ++j)
      for (int64_t k = 0; k < inner; ++k) copyElement(x, (o * dim + idx[j]) * inner + k, *y, (o * ni + j) * inner + k);
  return true;
}

// GatherElements/ScatterElements: calls visit(i, offset) for every element i of `ind`,
// where offset is the element of x at i's position with its `axis` coordinate replaced
// by the index value. False (and ctx's error) on an index out of range.
template <class Visit>
bool forEachAlongAxis(KernelContext& ctx, const Tensor& x, const Tensor& ind, int64_t axis, Visit visit) {
  const std::vector<int64_t> xs = stridesOf(x.shape);
  std::vector<int64_t> idx(ind.rank(), 0);
  for (int64_t i = 0; i < ind.count(); ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) {
      int64_t c = idx[d];
      if (static_cast<int64_t>(d) == axis) {
        c = elementAsInt(ind, i);
        if (!fixIndex(ctx, &c, x.shape[d])) return false;
      }
      off += c * xs[d];
    }
    visit(i, off);
    for (int64_t d = static_cast<int64_t>(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < ind.shape[d]) break;
      idx[d] = 0;
    }
  }
  return true;
}

bool gatherElements(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  if (ind.rank() != x.rank()) return ctx.fail("indices must have the rank of the data");
  Tensor* y = ctx.output(0, x.type, ind.shape);
  if (!ctx.error.empty()) return false;
  return forEachAlongAxis(ctx, x, ind, a, [&](int64_t i, int64_t off) { copyElement(x, off, *y, i); });
}

// Applies a scatter reduction to element `di` of `y` from element `si` of `u`.
void scatterReduce(const std::string& red, const Tensor& u, int64_t si, Tensor& y, int64_t di) {
  if (red.empty() || red == "none") {
    copyElement(u, si, y, di);
    return;
  }
  const double a = elementAsDouble(y, di), b = elementAsDouble(u, si);
  double r = red == "add" ? a + b : red == "mul" ? a * b : red == "max" ? std::max(a, b) : std::min(a, b);
  setElementFromDouble(y, di, r);
}

bool scatterElements(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  const Tensor& upd = ctx.in(2);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  if (ind.shape != upd.shape || ind.rank() != x.rank()) return ctx.fail("indices and updates must match");
  Tensor y = cloneTensor(x);
  const std::string red = ctx.attrString("reduction", "none");
  if (!forEachAlongAxis(ctx, x, ind, a, [&](int64_t i, int64_t off) { scatterReduce(red, upd, i, y, off); }))
    return false;
  ctx.setOutput(0, std::move(y));
  return true;
}

bool gatherND(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  const int64_t b = ctx.attrInt("batch_dims", 0);
  if (ind.rank() < 1) return ctx.fail("indices must have rank >= 1");
  const int64_t k = ind.shape.back();
  if (b < 0 || b + k > static_cast<int64_t>(x.rank())) return ctx.fail("indices last dimension is too large");
  std::vector<int64_t> out(ind.shape.begin(), ind.shape.end() - 1);
  out.insert(out.end(), x.shape.begin() + b + k, x.shape.end());
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  int64_t batch = 1, slice = 1;
  for (int64_t d = 0; d < b; ++d) batch *= x.shape[d];
  for (size_t d = static_cast<size_t>(b + k); d < x.rank(); ++d) slice *= x.shape[d];
  const std::vector<int64_t> xs = stridesOf(x.shape);
  const int64_t per_batch = batch ? ind.count() / k / batch : 0, x_batch = batch ? x.count() / batch : 0;
  const std::vector<int64_t> iv = toInts(ind);
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t j = 0; j < per_batch; ++j) {
      int64_t off = bi * x_batch;
      for (int64_t q = 0; q < k; ++q) {
        int64_t c = iv[(bi * per_batch + j) * k + q];
        if (!fixIndex(ctx, &c, x.shape[b + q])) return false;
        off += c * xs[b + q];
      }
      for (int64_t s = 0; s < slice; ++s) copyElement(x, off + s, *y, (bi * per_batch + j) * slice + s);
    }
  return true;
}

bool scatterND(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  const Tensor& upd = ctx.in(2);
  if (ind.rank() < 1) return ctx.fail("indices must have rank >= 1");
  const int64_t k = ind.shape.back();
  if (k > static_cast<int64_t>(x.rank())) return ctx.fail("indices last dimension is too large");
  Tensor y = cloneTensor(x);
  int64_t slice = 1;
  for (size_t d = static_cast<size_t>(k); d < x.rank(); ++d) slice *= x.shape[d];
  const std::vector<int64_t> xs = stridesOf(x.shape), iv = toInts(ind);
  const int64_t n = k ? ind.count() / k : 0;
  if (upd.count() != n * slice) return ctx.fail("updates have the wrong size");
  const std::string red = ctx.attrString("reduction", "none");
  for (int64_t j = 0; j < n; ++j) {
    int64_t off = 0;
    for (int64_t q = 0; q < k; ++q) {
      int64_t c = iv[j * k + q];
      if (!fixIndex(ctx, &c, x.shape[q])) return false;
      off += c * xs[q];
    }
    for (int64_t s = 0; s < slice; ++s) scatterReduce(red, upd, j * slice + s, y, off + s);
  }
  ctx.setOutput(0, std::move(y));
  return true;
}

bool oneHot(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& ind = ctx.in(0);
  const int64_t depth = static_cast<int64_t>(elementAsDouble(ctx.in(1), 0));
  const Tensor& vals = ctx.in(2);
  if (depth < 0 || vals.count() != 2) return ctx.fail("invalid depth or values");
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", -1), ind.rank(), &a, true)) return false;
  std::vector<int64_t> out = ind.shape;
  out.insert(out.begin() + a, depth);
  Tensor* y = ctx.output(0, vals.type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= ind.shape[d];
  for (size_t d = static_cast<size_t>(a); d < ind.rank(); ++d) inner *= ind.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t v = static_cast<int64_t>(elementAsDouble(ind, o * inner + i));
        if (v < 0) v += depth;
        copyElement(vals, v == k ? 1 : 0, *y, (o * depth + k) * inner + i);
      }
  return true;
}

bool topK(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const int64_t k = ctx.opset < 10 ? ctx.attrInt("k", 0) : (ctx.hasTensor(1) ? elementAsInt(ctx.in(1), 0) : 0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", -1), x.rank(), &a)) return false;
  const bool largest = ctx.attrInt("largest", 1) != 0;
  if (k < 0 || k > x.shape[a]) return ctx.fail("k is out of range");
  std::vector<int64_t> out = x.shape;
  out[a] = k;
  Tensor* vals = ctx.output(0, x.type, out);
  Tensor* idxs = ctx.output(1, E::Int64, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  const int64_t n = x.shape[a];
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < x.rank(); ++d) inner *= x.shape[d];
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      for (int64_t j = 0; j < n; ++j) v[j] = elementAsDouble(x, (o * n + j) * inner + i);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) { return largest ? v[p] > v[q] : v[p] < v[q]; });
      for (int64_t j = 0; j < k; ++j) {
        copyElement(x, (o * n + order[j]) * inner + i, *vals, (o * k + j) * inner + i);
        idxs->data<int64_t>()[(o * k + j) * inner + i] = order[j];
      }
    }
  return true;
}

bool nonZero(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < x.count(); ++i)
    if (elementAsDouble(x, i) != 0) hits.push_back(i);
  const int64_t r = static_cast<int64_t>(x.rank()), n = static_cast<int64_t>(hits.size());
  Tensor* y = ctx.output(0, E::Int64, {r, n});
  const std::vector<int64_t> xs = stridesOf(x.shape);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t d = 0; d < r; ++d) y->data<int64_t>()[d * n + j] = (hits[j] / xs[d]) % x.shape[d];
  return true;
}

bool compress(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const Tensor& c = ctx.in(1);
  const ir::Attribute* axis_attr = ctx.attr("axis");
  Tensor src = axis_attr ? x : reshaped(x, {x.count()});
  int64_t a = 0;
  if (axis_attr && !ctx.axis(axis_attr->i, x.rank(), &a)) return false;
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < std::min(c.count(), src.shape[a]); ++i)
    if (elementAsDouble(c, i) != 0) keep.push_back(i);
  std::vector<int64_t> out = src.shape;
  out[a] = static_cast<int64_t>(keep.size());
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= src.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < src.rank(); ++d) inner *= src.shape[d];
  const int64_t n = src.shape[a], m = out[a];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < m; ++j)
      for (int64_t i = 0; i < inner; ++i) copyElement(src, (o * n + keep[j]) * inner + i, *y, (o * m + j) * inner + i);
  return true;
}

bool trilu(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 2) return ctx.fail("input must have rank >= 2");
  const int64_t k = ctx.hasTensor(1) ? elementAsInt(ctx.in(1), 0) : 0;
  const bool upper = ctx.attrInt("upper", 1) != 0;
  Tensor y = cloneTensor(x);
  const int64_t R = x.shape[x.rank() - 2], C = x.shape[x.rank() - 1], mats = (R * C) != 0 ? x.count() / (R * C) : 0;
  Tensor zero = makeTensor(x.type, {1});
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t i = 0; i < R; ++i)
      for (int64_t j = 0; j < C; ++j) {
        const bool keep = upper ? j - i >= k : j - i <= k;
        if (!keep) copyElement(zero, 0, y, (m * R + i) * C + j);
      }
  ctx.setOutput(0, std::move(y));
  return true;
}

bool reverseSequence(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  const int64_t ba = ctx.attrInt("batch_axis", 1), ta = ctx.attrInt("time_axis", 0);
  if (x.rank() < 2 || ba < 0 || ta < 0 || ba > 1 || ta > 1 || ba == ta) return ctx.fail("invalid axes");
  const std::vector<int64_t> lens = toInts(ctx.in(1));
  Tensor y = cloneTensor(x);
  const std::vector<int64_t> xs = stridesOf(x.shape);
  const int64_t B = x.shape[ba], T = x.shape[ta], inner = xs[1];
  if (static_cast<int64_t>(lens.size()) != B) return ctx.fail("sequence_lens must have one entry per batch");
  for (int64_t b = 0; b < B; ++b) {
    const int64_t L = std::clamp<int64_t>(lens[b], 0, T);
    for (int64_t t = 0; t < L; ++t)
      for (int64_t i = 0; i < inner; ++i)
        copyElement(x, b * xs[ba] + t * xs[ta] + i, y, b * xs[ba] + (L - 1 - t) * xs[ta] + i);
  }
  ctx.setOutput(0, std::move(y));
  return true;
}

bool unique(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const bool sorted = ctx.attrInt("sorted", 1) != 0;
  const ir::Attribute* axis_attr = ctx.attr("axis");
  int64_t a = 0;
  Tensor src = axis_attr ? x : reshaped(x, {x.count()});
  if (axis_attr && !ctx.axis(axis_attr->i, x.rank(), &a)) return false;
  int64_t outer = 1, inner = 1;
  const int64_t n = src.shape[a];
  for (int64_t d = 0; d < a; ++d) outer *= src.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < src.rank(); ++d) inner *= src.shape[d];
  auto sliceOf = [&](int64_t j) {
    std::vector<double> v;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) v.push_back(elementAsDouble(src, (o * n + j) * inner + i));
    return v;
  };
  std::vector<std::vector<double>> uniq;
  std::vector<int64_t> first, inverse(static_cast<size_t>(n)), counts;
  for (int64_t j = 0; j < n; ++j) {
    auto s = sliceOf(j);
    auto it = std::find(uniq.begin(), uniq.end(), s);
    if (it == uniq.end()) {
      inverse[j] = static_cast<int64_t>(uniq.size());
      uniq.push_back(s);
      first.push_back(j);
      counts.push_back(1);
    } else {
      inverse[j] = it - uniq.begin();
      ++counts[inverse[j]];
    }
  }
  std::vector<int64_t> perm(uniq.size());
  std::iota(perm.begin(), perm.end(), 0);
  if (sorted) std::stable_sort(perm.begin(), perm.end(), [&](int64_t p, int64_t q) { return uniq[p] < uniq[q]; });
  std::vector<int64_t> rank_of(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) rank_of[perm[i]] = static_cast<int64_t>(i);
  const int64_t u = static_cast<int64_t>(uniq.size());
  std::vector<int64_t> out = src.shape;
  out[a] = u;
  Tensor* y = ctx.output(0, x.type, out);
  for (int64_t j = 0; j < u; ++j)
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) copyElement(src, (o * n + first[perm[j]]) * inner + i, *y, (o * u + j) * inner + i);
  if (ctx.wantsOutput(1)) {
    Tensor* t = ctx.output(1, E::Int64, {u});
    for (int64_t j = 0; j < u; ++j) t->data<int64_t>()[j] = first[perm[j]];
  }
  if (ctx.wantsOutput(2)) {
    Tensor* t = ctx.output(2, E::Int64, {n});
    for (int64_t j = 0; j < n; ++j) t->data<int64_t>()[j] = rank_of[inverse[j]];
  }
  if (ctx.wantsOutput(3)) {
    Tensor* t = ctx.output(3, E::Int64, {u});
    for (int64_t j = 0; j < u; ++j) t->data<int64_t>()[j] = counts[perm[j]];
  }
  return true;
}

bool eyeLike(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() != 2) return ctx.fail("input must be 2-D");
  const ir::Attribute* dt = ctx.attr("dtype");
  Tensor* y = ctx.output(0, dt ? static_cast<E>(dt->i) : x.type, x.shape);
  if (!ctx.error.empty()) return false;
  const int64_t k = ctx.attrInt("k", 0);
  for (int64_t i = 0; i < x.shape[0]; ++i)
    if (i + k >= 0 && i + k < x.shape[1]) setElementFromDouble(*y, i * x.shape[1] + i + k, 1);
  return true;
}

// TensorScatter (opset 24): writes `update` into a copy of the cache along `axis`,
// at write_indices[b] for batch b (wrapping around in circular mode).
bool tensorScatter(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& cache = ctx.in(0);
  const Tensor& upd = ctx.in(1);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", -2), cache.rank(), &a)) return false;
  if (a == 0 || upd.rank() != cache.rank()) return ctx.fail("update must have the cache's rank and axis must not be 0");
  const bool circular = ctx.attrString("mode", "linear") == "circular";
  const int64_t B = cache.shape[0], max_seq = cache.shape[a], seq = upd.shape[a];
  Tensor y = cloneTensor(cache);
  const std::vector<int64_t> cs = stridesOf(cache.shape), us = stridesOf(upd.shape);
  std::vector<int64_t> idx(upd.rank(), 0);
  for (int64_t i = 0; i < upd.count(); ++i) {
    const int64_t b = idx[0];
    const int64_t start = ctx.hasTensor(2) && b < ctx.in(2).count() ? elementAsInt(ctx.in(2), b) : 0;
    int64_t pos = start + idx[a];
    if (circular) pos = ((pos % max_seq) + max_seq) % max_seq;
    if (pos < 0 || pos >= max_seq || b >= B) return ctx.fail("write position out of range");
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) off += (static_cast<int64_t>(d) == a ? pos : idx[d]) * cs[d];
    copyElement(upd, i, y, off);
    for (int64_t d = static_cast<int64_t>(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < upd.shape[d]) break;
      idx[d] = 0;
    }
  }
  (void)seq;
  ctx.setOutput(0, std::move(y));
  return true;
}

}  // namespace

const std::vector<KernelEntry>& indexKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Gather", gather}, {"", "GatherElements", gatherElements}, {"", "GatherND", gatherND},
      {"", "ScatterElements", scatterElements}, {"", "Scatter", scatterElements}, {"", "ScatterND", scatterND},
      {"", "OneHot", oneHot}, {"", "TopK", topK}, {"", "NonZero", nonZero}, {"", "Compress", compress},
      {"", "Trilu", trilu}, {"", "ReverseSequence", reverseSequence}, {"", "Unique", unique},
      {"", "EyeLike", eyeLike}, {"", "TensorScatter", tensorScatter},
  };
  return table;
}

}  // namespace nf::runtime

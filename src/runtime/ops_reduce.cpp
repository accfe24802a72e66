// runtime/ops_reduce.cpp - reductions (Reduce*), ArgMax/ArgMin, Softmax family,
// CumSum/CumProd. Accumulation in double.
#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

enum class Red { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

bool reduce(KernelContext& ctx, Red kind) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const size_t r = x.rank();
  // Axes are an input from opset 18 (ReduceSum: 13).
  const bool axes_input = ctx.node.op_type == "ReduceSum" ? ctx.opset >= 13 : ctx.opset >= 18;
  std::vector<int64_t> axes = axes_input ? intsInput(ctx, 1) : ctx.attrInts("axes");
  const bool keep = ctx.attrInt("keepdims", 1) != 0;
  if (axes.empty() && ctx.attrInt("noop_with_empty_axes", 0)) {
    ctx.setOutput(0, x);
    return true;
  }
  std::vector<bool> red(r, axes.empty());
  for (int64_t a : axes) {
    int64_t n;
    if (!ctx.axis(a, r, &n)) return false;
    red[n] = true;
  }
  std::vector<int64_t> kept_shape(r), out_shape;
  for (size_t d = 0; d < r; ++d) {
    kept_shape[d] = red[d] ? 1 : x.shape[d];
    if (!red[d] || keep) out_shape.push_back(kept_shape[d]);
  }
  const int64_t on = shapeCount(kept_shape);
  std::vector<int64_t> os = stridesOf(kept_shape);
  for (size_t d = 0; d < r; ++d)
    if (red[d]) os[d] = 0;
  double init = 0;
  if (kind == Red::Max) init = -std::numeric_limits<double>::infinity();
  if (kind == Red::Min) init = std::numeric_limits<double>::infinity();
  if (kind == Red::Prod) init = 1;
  std::vector<double> acc(static_cast<size_t>(on), init);
  std::vector<int64_t> cnt(static_cast<size_t>(on), 0);
  size_t lead = r;  // reduced axes form the suffix [lead, r)?
  while (lead > 0 && red[lead - 1]) --lead;
  const bool suffix = lead < r && std::none_of(red.begin(), red.begin() + static_cast<std::ptrdiff_t>(lead),
                                               [](bool b) { return b; });
  if (suffix && x.type == E::Float && (kind == Red::Sum || kind == Red::Mean) && x.count() > 0) {
    // float rows over the trailing axes: summed in the same order as the loop below.
    const int64_t len = x.count() / on;
    const float* px = x.data<float>();
    for (int64_t o = 0; o < on; ++o) {
      double a = 0;
      for (int64_t k = 0; k < len; ++k) a += static_cast<double>(px[o * len + k]);
      acc[o] = a;
      cnt[o] = len;
    }
  } else
  forEachBroadcast(x.shape, {os}, [&](int64_t i, const int64_t* o) {
    const double v = elementAsDouble(x, i);
    double& a = acc[o[0]];
    ++cnt[o[0]];
    switch (kind) {
      case Red::Sum: case Red::Mean: case Red::LogSum: a += v; break;
      case Red::Max: a = (std::isnan(v) || std::isnan(a)) ? NAN : std::max(a, v); break;
      case Red::Min: a = (std::isnan(v) || std::isnan(a)) ? NAN : std::min(a, v); break;
      case Red::Prod: a *= v; break;
      case Red::L1: a += std::fabs(v); break;
      case Red::L2: case Red::SumSquare: a += v * v; break;
      case Red::LogSumExp: a += std::exp(v); break;
    }
  });
  Tensor* y = ctx.output(0, x.type, out_shape);
  if (!ctx.error.empty()) return false;
  for (int64_t i = 0; i < on; ++i) {
    double v = acc[i];
    if (kind == Red::Mean) v = cnt[i] ? v / static_cast<double>(cnt[i]) : NAN;
    if (kind == Red::L2) v = std::sqrt(v);
    if (kind == Red::LogSum || kind == Red::LogSumExp) v = std::log(v);
    setElementFromDouble(*y, i, v);
  }
  return true;
}

bool reduceSum(KernelContext& c) { return reduce(c, Red::Sum); }
bool reduceMean(KernelContext& c) { return reduce(c, Red::Mean); }
bool reduceMax(KernelContext& c) { return reduce(c, Red::Max); }
bool reduceMin(KernelContext& c) { return reduce(c, Red::Min); }
bool reduceProd(KernelContext& c) { return reduce(c, Red::Prod); }
bool reduceL1(KernelContext& c) { return reduce(c, Red::L1); }
bool reduceL2(KernelContext& c) { return reduce(c, Red::L2); }
bool reduceLogSum(KernelContext& c) { return reduce(c, Red::LogSum); }
bool reduceLogSumExp(KernelContext& c) { return reduce(c, Red::LogSumExp); }
bool reduceSumSquare(KernelContext& c) { return reduce(c, Red::SumSquare); }

// outer x n x inner view around `axis`.
void splitAt(const std::vector<int64_t>& s, int64_t axis, int64_t* outer, int64_t* n, int64_t* inner) {
  *outer = 1;
  *inner = 1;
  for (int64_t d = 0; d < axis; ++d) *outer *= s[d];
  *n = s.empty() ? 1 : s[axis];
  for (size_t d = static_cast<size_t>(axis) + 1; d < s.size(); ++d) *inner *= s[d];
}

bool argExtreme(KernelContext& ctx, bool is_max) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  const bool keep = ctx.attrInt("keepdims", 1) != 0, last = ctx.attrInt("select_last_index", 0) != 0;
  std::vector<int64_t> out = x.shape;
  if (keep) out[a] = 1;
  else out.erase(out.begin() + a);
  int64_t outer, n, inner;
  splitAt(x.shape, a, &outer, &n, &inner);
  if (n == 0) return ctx.fail("cannot take an arg over an empty axis");
  Tensor* y = ctx.output(0, E::Int64, out);
  if (!ctx.error.empty()) return false;
  int64_t* py = y->data<int64_t>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      double bv = elementAsDouble(x, o * n * inner + i);
      for (int64_t k = 1; k < n; ++k) {
        const double v = elementAsDouble(x, (o * n + k) * inner + i);
        const bool better = is_max ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
        if (better) { bv = v; best = k; }
      }
      py[o * inner + i] = best;
    }
  return true;
}
bool argMax(KernelContext& c) { return argExtreme(c, true); }
bool argMin(KernelContext& c) { return argExtreme(c, false); }

enum class Soft { Softmax, LogSoftmax, Hardmax };

bool softmaxFamily(KernelContext& ctx, Soft kind) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (!isFloatStorage(x.type)) return ctx.fail("input must be a float tensor");
  const bool legacy = ctx.opset < 13;
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", legacy ? 1 : -1), std::max<size_t>(x.rank(), 1), &a)) return false;
  int64_t outer, n, inner;
  if (legacy) {
    outer = 1;
    for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
    n = outer ? x.count() / outer : 0;
    inner = 1;
  } else {
    splitAt(x.shape, a, &outer, &n, &inner);
  }
  Tensor* y = ctx.output(0, x.type, x.shape, /*zeroed=*/false);  // every element is written
  if (!ctx.error.empty()) return false;
  std::vector<double> row(static_cast<size_t>(n));
  if (kind == Soft::Softmax && x.type == E::Float && inner == 1) {  // contiguous float rows
    kernels::softmax_rows(x.data<float>(), y->data<float>(), outer, n);
    return true;
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double mx = -std::numeric_limits<double>::infinity();
      int64_t arg = 0;
      for (int64_t k = 0; k < n; ++k) {
        row[k] = elementAsDouble(x, (o * n + k) * inner + i);
        if (row[k] > mx) { mx = row[k]; arg = k; }
      }
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(row[k] - mx);
      for (int64_t k = 0; k < n; ++k) {
        double v;
        if (kind == Soft::Softmax) v = std::exp(row[k] - mx) / sum;
        else if (kind == Soft::LogSoftmax) v = row[k] - mx - std::log(sum);
        else v = k == arg ? 1 : 0;
        setElementFromDouble(*y, (o * n + k) * inner + i, v);
      }
    }
  return true;
}
bool softmax(KernelContext& c) { return softmaxFamily(c, Soft::Softmax); }
bool logSoftmax(KernelContext& c) { return softmaxFamily(c, Soft::LogSoftmax); }
bool hardmax(KernelContext& c) { return softmaxFamily(c, Soft::Hardmax); }

bool cumulative(KernelContext& ctx, bool product) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(elementAsInt(ctx.in(1), 0), x.rank(), &a)) return false;
  const bool excl = ctx.attrInt("exclusive", 0) != 0, rev = ctx.attrInt("reverse", 0) != 0;
  int64_t outer, n, inner;
  splitAt(x.shape, a, &outer, &n, &inner);
  Tensor* y = ctx.output(0, x.type, x.shape);
  if (!ctx.error.empty()) return false;
  visitType(x.type, [&]<class T>() {
    const T* px = x.data<T>();
    T* py = y->data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        T acc = product ? T(1) : T(0);
        for (int64_t s = 0; s < n; ++s) {
          const int64_t k = rev ? n - 1 - s : s;
          const int64_t at = (o * n + k) * inner + i;
          if (excl) py[at] = acc;
          acc = product ? static_cast<T>(acc * px[at]) : static_cast<T>(acc + px[at]);
          if (!excl) py[at] = acc;
        }
      }
  });
  return true;
}
bool cumSum(KernelContext& c) { return cumulative(c, false); }
bool cumProd(KernelContext& c) { return cumulative(c, true); }

}  // namespace

const std::vector<KernelEntry>& reduceKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "ReduceSum", reduceSum}, {"", "ReduceMean", reduceMean}, {"", "ReduceMax", reduceMax},
      {"", "ReduceMin", reduceMin}, {"", "ReduceProd", reduceProd}, {"", "ReduceL1", reduceL1},
      {"", "ReduceL2", reduceL2}, {"", "ReduceLogSum", reduceLogSum}, {"", "ReduceLogSumExp", reduceLogSumExp},
      {"", "ReduceSumSquare", reduceSumSquare}, {"", "ArgMax", argMax}, {"", "ArgMin", argMin},
      {"", "Softmax", softmax}, {"", "LogSoftmax", logSoftmax}, {"", "Hardmax", hardmax},
      {"", "CumSum", cumSum}, {"", "CumProd", cumProd},
  };
  return table;
}

}  // namespace nf::runtime

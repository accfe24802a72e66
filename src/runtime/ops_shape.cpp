// runtime/ops_shape.cpp - ops that move elements without computing: Shape, Reshape,
// Flatten, (Un)Squeeze, Transpose, Concat, Split, Slice, Expand, Tile, Pad,
// Identity, Dropout, Constant(OfShape), Range, DepthToSpace, SpaceToDepth.
#include <algorithm>
#include <cstring>
#include <limits>

#include "runtime/executor.h"
#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

bool identity(KernelContext& ctx) {
  if (!ctx.has(0)) return ctx.fail("input 0 is missing");
  ctx.outputs[0] = ctx.value(0);
  return true;
}

bool dropout(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  ctx.setOutput(0, ctx.in(0));
  if (ctx.wantsOutput(1)) {
    Tensor* m = ctx.output(1, E::Bool, ctx.in(0).shape);
    std::fill(m->buffer->bytes.begin(), m->buffer->bytes.end(), 1);
  }
  return true;
}

bool shape(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const auto& s = ctx.in(0).shape;
  const int64_t r = static_cast<int64_t>(s.size());
  int64_t start = ctx.attrInt("start", 0), end = ctx.attrInt("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, start, r);
  Tensor* y = ctx.output(0, E::Int64, {end - start});
  for (int64_t i = start; i < end; ++i) y->data<int64_t>()[i - start] = s[i];
  return true;
}

bool size(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  ctx.output(0, E::Int64, {})->data<int64_t>()[0] = ctx.in(0).count();
  return true;
}

bool reshape(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> s = ctx.opset < 5 ? ctx.attrInts("shape") : intsInput(ctx, 1);
  const bool allowzero = ctx.attrInt("allowzero", 0) != 0;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 0 && !allowzero) {
      if (i >= x.rank()) return ctx.fail("shape has 0 at " + std::to_string(i) + " beyond the input rank");
      s[i] = x.shape[i];
    }
    if (s[i] == -1) {
      if (infer >= 0) return ctx.fail("more than one -1 in the shape");
      infer = static_cast<int64_t>(i);
    } else if (s[i] < 0 || !checkedSizeMul(known, s[i], &known)) {
      return ctx.fail("invalid target shape " + shapeString(s));
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.count() % known != 0) return ctx.fail("cannot reshape " + shapeString(x.shape) + " to " + shapeString(s));
    s[infer] = x.count() / known;
  }
  if (shapeCount(s) != x.count()) return ctx.fail("cannot reshape " + shapeString(x.shape) + " to " + shapeString(s));
  ctx.setOutput(0, reshaped(x, s));
  return true;
}

bool flatten(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a = ctx.attrInt("axis", 1);
  const int64_t r = static_cast<int64_t>(x.rank());
  if (a < 0) a += r;
  if (a < 0 || a > r) return ctx.fail("axis is out of range for rank " + std::to_string(r));
  int64_t outer = 1;
  for (int64_t i = 0; i < a; ++i) outer *= x.shape[i];
  ctx.setOutput(0, reshaped(x, {outer, outer == 0 ? 0 : x.count() / std::max<int64_t>(outer, 1)}));
  if (outer == 0) {
    int64_t inner = 1;
    for (size_t i = static_cast<size_t>(a); i < x.rank(); ++i) inner *= x.shape[i];
    ctx.outputs[0].tensor.shape[1] = inner;
  }
  return true;
}

bool squeeze(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> axes = axesFrom(ctx, 1);
  std::vector<bool> drop(x.rank(), false);
  if (axes.empty() && !ctx.attr("axes") && !ctx.hasTensor(1)) {
    for (size_t i = 0; i < x.rank(); ++i) drop[i] = x.shape[i] == 1;
  } else {
    for (int64_t a : axes) {
      int64_t n;
      if (!ctx.axis(a, x.rank(), &n)) return false;
      if (x.shape[n] != 1) return ctx.fail("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.shape[n]));
      drop[n] = true;
    }
  }
  std::vector<int64_t> s;
  for (size_t i = 0; i < x.rank(); ++i)
    if (!drop[i]) s.push_back(x.shape[i]);
  ctx.setOutput(0, reshaped(x, s));
  return true;
}

bool unsqueeze(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> axes = axesFrom(ctx, 1);
  const size_t r = x.rank() + axes.size();
  std::vector<bool> inserted(r, false);
  for (int64_t a : axes) {
    if (a < -static_cast<int64_t>(r) || a >= static_cast<int64_t>(r)) return ctx.fail("axis out of range");
    const size_t n = static_cast<size_t>(a < 0 ? a + static_cast<int64_t>(r) : a);
    if (inserted[n]) return ctx.fail("repeated axis");
    inserted[n] = true;
  }
  std::vector<int64_t> s;
  size_t k = 0;
  for (size_t i = 0; i < r; ++i) s.push_back(inserted[i] ? 1 : x.shape[k++]);
  ctx.setOutput(0, reshaped(x, s));
  return true;
}

// Fast path of Transpose and Slice: for every index of the first t output dims, one
// memcpy of `run` contiguous elements, read from element base + (index . strides) of x.
void copyRuns(const Tensor& x, Tensor* y, const std::vector<int64_t>& out, const std::vector<int64_t>& strides,
              size_t t, int64_t run, int64_t base) {
  const size_t es = storedSize(x.type), bytes = static_cast<size_t>(run) * es;
  const uint8_t* px = x.data<uint8_t>();
  uint8_t* py = y->data<uint8_t>();
  const std::vector<int64_t> outer(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(t));
  const std::vector<int64_t> outer_strides(strides.begin(), strides.begin() + static_cast<std::ptrdiff_t>(t));
  forEachBroadcast(outer, {outer_strides}, [&](int64_t i, const int64_t* o) {
    std::memcpy(py + static_cast<size_t>(i) * bytes, px + static_cast<size_t>(base + o[0]) * es, bytes);
  });
}

bool transpose(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const size_t r = x.rank();
  std::vector<int64_t> perm = ctx.attrInts("perm");
  if (perm.empty())
    for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(r - 1 - i));
  if (perm.size() != r) return ctx.fail("perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(r));
  std::vector<int64_t> out(r), in_strides = stridesOf(x.shape), strides(r);
  std::vector<bool> seen(r, false);
  for (size_t i = 0; i < r; ++i) {
    int64_t p = perm[i];
    if (p < 0) p += static_cast<int64_t>(r);
    if (p < 0 || p >= static_cast<int64_t>(r) || seen[p]) return ctx.fail("invalid perm");
    seen[p] = true;
    out[i] = x.shape[p];
    strides[i] = in_strides[p];
  }
  Tensor* y = ctx.output(0, x.type, out, /*zeroed=*/false);  // every element is written
  if (!ctx.error.empty()) return false;
  if (x.isString()) {
    forEachBroadcast(out, {strides}, [&](int64_t i, const int64_t* o) { (*y->strings)[i] = (*x.strings)[o[0]]; });
    return true;
  }
  // Trailing axes that stay in place form contiguous runs: copy them at once.
  size_t t = r;
  int64_t run = 1;
  while (t > 0 && perm[t - 1] == static_cast<int64_t>(t - 1)) run *= out[--t];
  if (run > 1 && y->count() > 0) {
    copyRuns(x, y, out, strides, t, run, 0);
    return true;
  }
  visitType(x.type, [&]<class T>() {
    const T* px = x.data<T>();
    T* py = y->data<T>();
    forEachBroadcast(out, {strides}, [&](int64_t i, const int64_t* o) { py[i] = px[o[0]]; });
  });
  return true;
}

// Copies blocks: for each outer index, `inner` elements from src at src_off.
void copyBlock(const Tensor& src, int64_t src_off, Tensor& dst, int64_t dst_off, int64_t n) {
  if (n <= 0) return;
  if (src.isString()) {
    for (int64_t i = 0; i < n; ++i) (*dst.strings)[dst_off + i] = (*src.strings)[src_off + i];
    return;
  }
  const size_t es = storedSize(src.type);
  std::memcpy(dst.buffer->bytes.data() + dst_off * es, src.buffer->bytes.data() + src_off * es, n * es);
}

bool concat(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& first = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), first.rank(), &a)) return false;
  std::vector<int64_t> out = first.shape;
  out[a] = 0;
  for (size_t i = 0; i < ctx.inputCount(); ++i) {
    if (!ctx.require(i)) return false;
    const Tensor& t = ctx.in(i);
    if (t.rank() != first.rank()) return ctx.fail("inputs have different ranks");
    for (size_t d = 0; d < t.rank(); ++d)
      if (static_cast<int64_t>(d) != a && t.shape[d] != first.shape[d])
        return ctx.fail("input " + std::to_string(i) + " shape " + shapeString(t.shape) + " does not match " + shapeString(first.shape));
    out[a] += t.shape[a];
  }
  Tensor* y = ctx.output(0, first.type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= out[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < out.size(); ++d) inner *= out[d];
  int64_t offset = 0;
  for (size_t i = 0; i < ctx.inputCount(); ++i) {
    const Tensor& t = ctx.in(i);
    const int64_t block = t.shape[a] * inner;
    for (int64_t o = 0; o < outer; ++o) copyBlock(t, o * block, *y, o * out[a] * inner + offset, block);
    offset += block;
  }
  return true;
}

bool split(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  std::vector<int64_t> sizes = ctx.attr("split") ? ctx.attrInts("split") : intsInput(ctx, 1);
  const int64_t total = x.shape[a], n = static_cast<int64_t>(ctx.outputCount());
  if (sizes.empty()) {
    const int64_t parts = ctx.attrInt("num_outputs", n);
    const int64_t each = (total + parts - 1) / std::max<int64_t>(parts, 1);
    for (int64_t i = 0; i < parts; ++i) sizes.push_back(std::max<int64_t>(0, std::min(each, total - each * i)));
  }
  int64_t sum = 0;
  for (int64_t s : sizes) sum += s;
  if (sum != total || static_cast<int64_t>(sizes.size()) != n) return ctx.fail("split sizes do not match the axis");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < x.rank(); ++d) inner *= x.shape[d];
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> s = x.shape;
    s[a] = sizes[i];
    Tensor* y = ctx.output(static_cast<size_t>(i), x.type, s);
    if (!ctx.error.empty()) return false;
    for (int64_t o = 0; o < outer; ++o) copyBlock(x, o * total * inner + offset, *y, o * sizes[i] * inner, sizes[i] * inner);
    offset += sizes[i] * inner;
  }
  return true;
}

bool slice(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.attrInts("starts");
    ends = ctx.attrInts("ends");
    axes = ctx.attrInts("axes");
  } else {
    starts = intsInput(ctx, 1);
    ends = intsInput(ctx, 2);
    axes = intsInput(ctx, 3);
    steps = intsInput(ctx, 4);
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return ctx.fail("starts/ends/axes/steps have different lengths");
  const size_t r = x.rank();
  std::vector<int64_t> begin(r, 0), step(r, 1), out = x.shape;
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t ax;
    if (!ctx.axis(axes[i], r, &ax)) return false;
    const int64_t dim = x.shape[ax], st = steps[i];
    if (st == 0) return ctx.fail("slice step is 0");
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s += dim;
    if (e < 0 && e > std::numeric_limits<int64_t>::min() / 2) e += dim;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out[ax] = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      out[ax] = s > e ? (s - e + (-st) - 1) / (-st) : 0;
    }
    begin[ax] = s;
    step[ax] = st;
  }
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  std::vector<int64_t> xs = stridesOf(x.shape), strides(r);
  int64_t base = 0;
  for (size_t d = 0; d < r; ++d) {
    strides[d] = xs[d] * step[d];
    base += begin[d] * xs[d];
  }
  if (!x.isString()) {
    // Copy the innermost contiguous run (trailing full axes plus one step-1 axis) at once.
    size_t t = r;
    int64_t run = 1;
    while (t > 0 && step[t - 1] == 1 && out[t - 1] == x.shape[t - 1]) run *= out[--t];
    if (t > 0 && step[t - 1] == 1) run *= out[--t];
    if (run == 0 || y->count() == 0) return true;
    copyRuns(x, y, out, strides, t, run, base);
    return true;
  }
  forEachBroadcast(out, {strides}, [&](int64_t i, const int64_t* o) { copyElement(x, base + o[0], *y, i); });
  return true;
}

bool expand(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> out;
  if (!broadcastShapes({x.shape, toInts(ctx.in(1))}, &out)) return ctx.fail("cannot expand " + shapeString(x.shape));
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  forEachBroadcast(out, {broadcastStrides(x.shape, out)}, [&](int64_t i, const int64_t* o) { copyElement(x, o[0], *y, i); });
  return true;
}

bool tile(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1)) return false;
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> reps = toInts(ctx.in(1)), out = x.shape;
  if (reps.size() != x.rank()) return ctx.fail("repeats must have one entry per axis");
  for (size_t d = 0; d < out.size(); ++d)
    if (reps[d] < 0 || !checkedSizeMul(out[d], reps[d], &out[d])) return ctx.fail("invalid repeats");
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  const std::vector<int64_t> xs = stridesOf(x.shape);
  const size_t r = out.size();
  std::vector<int64_t> idx(r, 0);
  const int64_t n = y->count();
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < r; ++d) off += (idx[d] % x.shape[d]) * xs[d];
    copyElement(x, off, *y, i);
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return true;
}

bool constant(KernelContext& ctx) {
  for (const ir::Attribute& decl : ctx.node.attributes) {
    // Inside a function body the value may refer to one of the function's attributes.
    const ir::Attribute* resolved = ctx.attr(decl.name);
    if (!resolved) continue;
    ir::Attribute a = *resolved;
    a.name = decl.name;
    if (a.name == "value" && !a.tensors.empty()) {
      auto t = tensorFromIr(ctx.model, a.tensors[0]);
      if (!t) return ctx.fail(t.error().message);
      ctx.setOutput(0, std::move(t.value()));
      return true;
    }
    if (a.name == "value_float") { ctx.output(0, E::Float, {})->data<float>()[0] = a.f; return true; }
    if (a.name == "value_int") { ctx.output(0, E::Int64, {})->data<int64_t>()[0] = a.i; return true; }
    if (a.name == "value_floats") {
      Tensor* y = ctx.output(0, E::Float, {static_cast<int64_t>(a.floats.size())});
      std::copy(a.floats.begin(), a.floats.end(), y->data<float>());
      return true;
    }
    if (a.name == "value_ints") {
      Tensor* y = ctx.output(0, E::Int64, {static_cast<int64_t>(a.ints.size())});
      std::copy(a.ints.begin(), a.ints.end(), y->data<int64_t>());
      return true;
    }
    if (a.name == "value_string") { (*ctx.output(0, E::String, {})->strings)[0] = a.s; return true; }
    if (a.name == "value_strings") {
      Tensor* y = ctx.output(0, E::String, {static_cast<int64_t>(a.strings.size())});
      *y->strings = a.strings;
      return true;
    }
    if (a.name == "sparse_value" && !a.sparse_tensors.empty()) {
      const ir::SparseTensor& sp = a.sparse_tensors[0];
      auto vals = tensorFromIr(ctx.model, sp.values);
      auto idx = tensorFromIr(ctx.model, sp.indices);
      if (!vals || !idx) return ctx.fail("unreadable sparse constant");
      Tensor* y = ctx.output(0, vals->type, sp.dims);
      if (!ctx.error.empty()) return false;
      const std::vector<int64_t> ix = toInts(*idx), st = stridesOf(sp.dims);
      const int64_t nnz = vals->count(), total = y->count();
      for (int64_t i = 0; i < nnz; ++i) {
        int64_t off = 0;
        if (idx->rank() == 2)
          for (size_t d = 0; d < sp.dims.size(); ++d) off += ix[i * sp.dims.size() + d] * st[d];
        else
          off = ix[i];
        if (off < 0 || off >= total) return ctx.fail("sparse index out of range");
        copyElement(*vals, i, *y, off);
      }
      return true;
    }
  }
  return ctx.fail("Constant has no value attribute");
}

bool constantOfShape(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  std::vector<int64_t> s = toInts(ctx.in(0));
  Tensor fill = makeTensor(E::Float, {1});
  if (const ir::Attribute* a = ctx.attr("value"); a && !a->tensors.empty()) {
    auto t = tensorFromIr(ctx.model, a->tensors[0]);
    if (!t) return ctx.fail(t.error().message);
    fill = std::move(t.value());
  }
  Tensor* y = ctx.output(0, fill.type, s);
  if (!ctx.error.empty()) return false;
  for (int64_t i = 0; i < y->count(); ++i) copyElement(fill, 0, *y, i);
  return true;
}

bool range(KernelContext& ctx) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const Tensor& st = ctx.in(0);
  const double start = elementAsDouble(st, 0), limit = elementAsDouble(ctx.in(1), 0), delta = elementAsDouble(ctx.in(2), 0);
  if (delta == 0) return ctx.fail("delta is 0");
  const double count = std::max(0.0, std::ceil((limit - start) / delta));
  if (count > 1e10) return ctx.fail("range too large");
  Tensor* y = ctx.output(0, st.type, {static_cast<int64_t>(count)});
  if (!ctx.error.empty()) return false;
  if (isFloatStorage(st.type)) {
    for (int64_t i = 0; i < y->count(); ++i) setElementFromDouble(*y, i, start + static_cast<double>(i) * delta);
  } else {
    const int64_t s = elementAsInt(st, 0), d = elementAsInt(ctx.in(2), 0);
    for (int64_t i = 0; i < y->count(); ++i) setElementFromDouble(*y, i, static_cast<double>(s + i * d));
  }
  return true;
}

bool pad(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const size_t r = x.rank();
  std::vector<int64_t> pads = ctx.opset < 11 ? ctx.attrInts("pads") : intsInput(ctx, 1);
  double value = ctx.opset < 11 ? ctx.attrFloat("value", 0.f) : (ctx.hasTensor(2) && ctx.in(2).count() ? elementAsDouble(ctx.in(2), 0) : 0.0);
  std::vector<int64_t> axes = ctx.opset >= 18 ? intsInput(ctx, 3) : std::vector<int64_t>{};
  std::vector<int64_t> full(2 * r, 0);
  if (axes.empty()) {
    if (pads.size() != 2 * r) return ctx.fail("pads must have 2*rank entries");
    full = pads;
  } else {
    if (pads.size() != 2 * axes.size()) return ctx.fail("pads must have 2 entries per axis");
    for (size_t i = 0; i < axes.size(); ++i) {
      int64_t a;
      if (!ctx.axis(axes[i], r, &a)) return false;
      full[a] = pads[i];
      full[a + r] = pads[i + axes.size()];
    }
  }
  const std::string mode = ctx.attrString("mode", "constant");
  std::vector<int64_t> out(r);
  for (size_t d = 0; d < r; ++d) {
    out[d] = x.shape[d] + full[d] + full[d + r];
    if (out[d] < 0) return ctx.fail("negative output size");
    if (mode != "constant" && x.shape[d] == 0 && out[d] > 0) return ctx.fail("cannot pad an empty axis in " + mode + " mode");
  }
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  const std::vector<int64_t> xs = stridesOf(x.shape);
  std::vector<int64_t> idx(r, 0);
  const int64_t n = y->count();
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    bool outside = false;
    for (size_t d = 0; d < r; ++d) {
      int64_t c = idx[d] - full[d];
      const int64_t dim = x.shape[d];
      if (c < 0 || c >= dim) {
        if (mode == "constant") { outside = true; break; }
        if (mode == "edge") c = c < 0 ? 0 : dim - 1;
        else if (mode == "wrap") c = ((c % dim) + dim) % dim;
        else {  // reflect
          if (dim == 1) c = 0;
          else {
            const int64_t period = 2 * (dim - 1);
            c = ((c % period) + period) % period;
            if (c >= dim) c = period - c;
          }
        }
      }
      off += c * xs[d];
    }
    if (outside) setElementFromDouble(*y, i, value);
    else copyElement(x, off, *y, i);
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return true;
}

// DepthToSpace / SpaceToDepth as reshape + transpose over a 6-D view.
bool spaceDepth(KernelContext& ctx, bool to_space) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() != 4) return ctx.fail("input must be 4-D");
  const int64_t b = ctx.attrInt("blocksize", 0), N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  if (b <= 0) return ctx.fail("blocksize must be positive");
  std::vector<int64_t> out;
  if (to_space) {
    if (C % (b * b)) return ctx.fail("channels not divisible by blocksize^2");
    out = {N, C / (b * b), H * b, W * b};
  } else {
    if (H % b || W % b) return ctx.fail("spatial size not divisible by blocksize");
    out = {N, C * b * b, H / b, W / b};
  }
  Tensor* y = ctx.output(0, x.type, out);
  if (!ctx.error.empty()) return false;
  const bool crd = ctx.attrString("mode", "DCR") == "CRD";
  const int64_t oc = out[1], oh = out[2], ow = out[3];
  int64_t i = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < oc; ++c)
      for (int64_t h = 0; h < oh; ++h)
        for (int64_t w = 0; w < ow; ++w, ++i) {
          int64_t src;
          if (to_space) {
            const int64_t bh = h % b, bw = w % b;
            const int64_t ic = crd ? c * b * b + bh * b + bw : (bh * b + bw) * oc + c;
            src = ((n * C + ic) * H + h / b) * W + w / b;
          } else {
            const int64_t blk = c / C, ic = c % C, bh = blk / b, bw = blk % b;
            src = ((n * C + ic) * H + h * b + bh) * W + w * b + bw;
          }
          copyElement(x, src, *y, i);
        }
  return true;
}
bool depthToSpace(KernelContext& c) { return spaceDepth(c, true); }
bool spaceToDepth(KernelContext& c) { return spaceDepth(c, false); }

}  // namespace

const std::vector<KernelEntry>& shapeKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "Identity", identity}, {"", "Dropout", dropout}, {"", "Shape", shape}, {"", "Size", size},
      {"", "Reshape", reshape}, {"", "Flatten", flatten}, {"", "Squeeze", squeeze}, {"", "Unsqueeze", unsqueeze},
      {"", "Transpose", transpose}, {"", "Concat", concat}, {"", "Split", split}, {"", "Slice", slice},
      {"", "Expand", expand}, {"", "Tile", tile}, {"", "Constant", constant},
      {"", "ConstantOfShape", constantOfShape}, {"", "Range", range}, {"", "Pad", pad},
      {"", "DepthToSpace", depthToSpace}, {"", "SpaceToDepth", spaceToDepth},
  };
  return table;
}

}  // namespace nf::runtime

// runtime/ops_control.cpp - control flow (If, Loop, Scan) and the sequence and
// optional ops. Subgraphs run through ctx.run_subgraph, which resolves their
// outer-scope values in the calling graph.
#include <algorithm>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

ir::GraphId graphAttr(const KernelContext& ctx, const char* name) {
  const ir::Attribute* a = ctx.attr(name);
  return a && !a->graphs.empty() ? a->graphs[0] : ir::GraphId{};
}

bool call(KernelContext& ctx, ir::GraphId g, const std::vector<Value>& in, std::vector<Value>* out) {
  std::string err;
  if (!ctx.run_subgraph(g, in, out, &err)) return ctx.fail(err);
  return true;
}

// Stacks tensors of equal shape along a new axis 0.
bool stack(KernelContext& ctx, const std::vector<Tensor>& items, Tensor* out) {
  if (items.empty()) return ctx.fail("nothing to stack");
  std::vector<int64_t> s = items[0].shape;
  s.insert(s.begin(), static_cast<int64_t>(items.size()));
  *out = makeTensor(items[0].type, s);
  const int64_t n = items[0].count();
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].shape != items[0].shape) return ctx.fail("iterations produced different shapes");
    for (int64_t k = 0; k < n; ++k) copyElement(items[i], k, *out, static_cast<int64_t>(i) * n + k);
  }
  return true;
}

bool ifOp(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const bool c = elementAsDouble(ctx.in(0), 0) != 0;
  std::vector<Value> outs;
  if (!call(ctx, graphAttr(ctx, c ? "then_branch" : "else_branch"), {}, &outs)) return false;
  for (size_t i = 0; i < ctx.outputCount() && i < outs.size(); ++i) ctx.outputs[i] = outs[i];
  return true;
}

bool loop(KernelContext& ctx) {
  const ir::GraphId body = graphAttr(ctx, "body");
  const int64_t max_trip = ctx.hasTensor(0) ? elementAsInt(ctx.in(0), 0) : INT64_MAX;
  bool cond = ctx.hasTensor(1) ? elementAsDouble(ctx.in(1), 0) != 0 : true;
  std::vector<Value> carried;
  for (size_t i = 2; i < ctx.inputCount(); ++i) carried.push_back(ctx.has(i) ? ctx.value(i) : Value{});
  const size_t nc = carried.size();
  std::vector<std::vector<Tensor>> scans;
  int64_t it = 0;
  for (; it < max_trip && cond; ++it) {
    if (it > 100000000) return ctx.fail("too many iterations");
    std::vector<Value> in;
    Tensor iter = makeTensor(E::Int64, {});
    iter.data<int64_t>()[0] = it;
    Tensor c = makeTensor(E::Bool, {});
    c.data<uint8_t>()[0] = 1;
    in.push_back(Value::of(iter));
    in.push_back(Value::of(c));
    in.insert(in.end(), carried.begin(), carried.end());
    std::vector<Value> out;
    if (!call(ctx, body, in, &out)) return false;
    if (out.size() < 1 + nc) return ctx.fail("loop body returned too few outputs");
    cond = out[0].isTensor() && out[0].tensor.count() > 0 && elementAsDouble(out[0].tensor, 0) != 0;
    for (size_t i = 0; i < nc; ++i) carried[i] = out[1 + i];
    scans.resize(out.size() - 1 - nc);
    for (size_t i = 1 + nc; i < out.size(); ++i) scans[i - 1 - nc].push_back(out[i].tensor);
  }
  for (size_t i = 0; i < nc && i < ctx.outputCount(); ++i) ctx.outputs[i] = carried[i];
  for (size_t i = nc; i < ctx.outputCount(); ++i) {
    const size_t k = i - nc;
    if (k < scans.size() && !scans[k].empty()) {
      Tensor t;
      if (!stack(ctx, scans[k], &t)) return false;
      ctx.setOutput(i, std::move(t));
    } else {
      ctx.output(i, E::Float, {0});
    }
  }
  return true;
}

// Element `index` (along axis 0) of t, as a tensor of rank - 1.
Tensor slice0(const Tensor& t, int64_t index) {
  Tensor r = makeTensor(t.type, std::vector<int64_t>(t.shape.begin() + 1, t.shape.end()));
  const int64_t n = r.count();
  for (int64_t k = 0; k < n; ++k) copyElement(t, index * n + k, r, k);
  return r;
}

// Scan-8: inputs (sequence_lens?, states [B, ...]..., scan inputs [B, T, ...]...);
// the body runs per batch entry and time step; outputs states [B, ...], scans [B, T, ...].
bool scan8(KernelContext& ctx, ir::GraphId body, int64_t m) {
  const int64_t total = static_cast<int64_t>(ctx.inputCount()) - 1, n = total - m;
  if (n < 0) return ctx.fail("invalid num_scan_inputs");
  for (int64_t i = 1; i <= total; ++i)
    if (!ctx.require(static_cast<size_t>(i))) return false;
  const std::vector<int64_t> dirs = ctx.attrInts("directions", std::vector<int64_t>(m, 0));
  const int64_t B = ctx.in(1).shape.empty() ? 0 : ctx.in(1).shape[0];
  const int64_t T = ctx.in(1 + n).rank() >= 2 ? ctx.in(1 + n).shape[1] : 0;
  const int64_t k_out = static_cast<int64_t>(ctx.outputCount()) - n;
  std::vector<std::vector<Tensor>> final_states(n), scan_rows(k_out);
  for (int64_t b = 0; b < B; ++b) {
    std::vector<Value> states;
    for (int64_t i = 0; i < n; ++i) states.push_back(Value::of(slice0(ctx.in(1 + i), b)));
    const int64_t len = ctx.hasTensor(0) ? std::min<int64_t>(elementAsInt(ctx.in(0), b), T) : T;
    std::vector<std::vector<Tensor>> steps(k_out);
    for (int64_t t = 0; t < len; ++t) {
      std::vector<Value> in = states;
      for (int64_t j = 0; j < m; ++j) in.push_back(Value::of(slice0(slice0(ctx.in(1 + n + j), b), dirs[j] ? len - 1 - t : t)));
      std::vector<Value> out;
      if (!call(ctx, body, in, &out)) return false;
      if (static_cast<int64_t>(out.size()) != n + k_out) return ctx.fail("scan body returned the wrong number of outputs");
      for (int64_t i = 0; i < n; ++i) states[i] = out[i];
      for (int64_t k = 0; k < k_out; ++k) steps[k].push_back(out[n + k].tensor);
    }
    for (int64_t i = 0; i < n; ++i) final_states[i].push_back(states[i].tensor);
    for (int64_t k = 0; k < k_out; ++k) {
      Tensor st;
      if (!stack(ctx, steps[k], &st)) return false;
      scan_rows[k].push_back(std::move(st));
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    Tensor st;
    if (!stack(ctx, final_states[i], &st)) return false;
    ctx.setOutput(static_cast<size_t>(i), std::move(st));
  }
  for (int64_t k = 0; k < k_out; ++k) {
    Tensor st;
    if (!stack(ctx, scan_rows[k], &st)) return false;
    ctx.setOutput(static_cast<size_t>(n + k), std::move(st));
  }
  return true;
}

// Scan (opset 9+): states carried, scan inputs sliced along their axes.
bool scan(KernelContext& ctx) {
  const ir::GraphId body = graphAttr(ctx, "body");
  const int64_t m = ctx.attrInt("num_scan_inputs", 0);
  if (ctx.opset < 9) return scan8(ctx, body, m);
  const int64_t total_in = static_cast<int64_t>(ctx.inputCount()), n = total_in - m;
  if (m <= 0 || n < 0) return ctx.fail("invalid num_scan_inputs");
  std::vector<int64_t> in_axes = ctx.attrInts("scan_input_axes", std::vector<int64_t>(m, 0));
  std::vector<int64_t> in_dirs = ctx.attrInts("scan_input_directions", std::vector<int64_t>(m, 0));
  const int64_t k_out = static_cast<int64_t>(ctx.outputCount()) - n;
  std::vector<int64_t> out_axes = ctx.attrInts("scan_output_axes", std::vector<int64_t>(k_out, 0));
  std::vector<int64_t> out_dirs = ctx.attrInts("scan_output_directions", std::vector<int64_t>(k_out, 0));
  std::vector<Value> states;
  for (int64_t i = 0; i < n; ++i) states.push_back(ctx.value(i));
  int64_t T = -1;
  std::vector<Tensor> xs;  // scan inputs with the scan axis moved first
  for (int64_t j = 0; j < m; ++j) {
    if (!ctx.require(n + j)) return false;
    const Tensor& x = ctx.in(n + j);
    int64_t a;
    if (!ctx.axis(in_axes[j], x.rank(), &a)) return false;
    if (T >= 0 && x.shape[a] != T) return ctx.fail("scan inputs have different lengths");
    T = x.shape[a];
    std::vector<int64_t> s = x.shape;
    s.erase(s.begin() + a);
    s.insert(s.begin(), T);
    Tensor t = makeTensor(x.type, s);
    const std::vector<int64_t> st = stridesOf(x.shape);
    std::vector<int64_t> perm_strides;
    perm_strides.push_back(st[a]);
    for (size_t d = 0; d < x.rank(); ++d)
      if (static_cast<int64_t>(d) != a) perm_strides.push_back(st[d]);
    forEachBroadcast(s, {perm_strides}, [&](int64_t i, const int64_t* o) { copyElement(x, o[0], t, i); });
    xs.push_back(std::move(t));
  }
  std::vector<std::vector<Tensor>> outs(static_cast<size_t>(std::max<int64_t>(k_out, 0)));
  for (int64_t t = 0; t < T; ++t) {
    std::vector<Value> in = states;
    for (int64_t j = 0; j < m; ++j) {
      const int64_t step = in_dirs[j] ? T - 1 - t : t;
      std::vector<int64_t> s(xs[j].shape.begin() + 1, xs[j].shape.end());
      Tensor slice = makeTensor(xs[j].type, s);
      const int64_t sn = slice.count();
      for (int64_t k = 0; k < sn; ++k) copyElement(xs[j], step * sn + k, slice, k);
      in.push_back(Value::of(std::move(slice)));
    }
    std::vector<Value> out;
    if (!call(ctx, body, in, &out)) return false;
    if (static_cast<int64_t>(out.size()) != n + k_out) return ctx.fail("scan body returned the wrong number of outputs");
    for (int64_t i = 0; i < n; ++i) states[i] = out[i];
    for (int64_t k = 0; k < k_out; ++k) outs[k].push_back(out[n + k].tensor);
  }
  for (int64_t i = 0; i < n; ++i) ctx.outputs[i] = states[i];
  for (int64_t k = 0; k < k_out; ++k) {
    if (outs[k].empty()) {
      ctx.output(n + k, E::Float, {0});
      continue;
    }
    if (out_dirs[k]) std::reverse(outs[k].begin(), outs[k].end());
    Tensor st;
    if (!stack(ctx, outs[k], &st)) return false;
    int64_t a;
    if (!ctx.axis(out_axes[k], st.rank(), &a)) return false;
    if (a != 0) {  // move axis 0 to a
      std::vector<int64_t> s(st.shape.begin() + 1, st.shape.end());
      s.insert(s.begin() + a, st.shape[0]);
      Tensor moved = makeTensor(st.type, s);
      const std::vector<int64_t> ss = stridesOf(st.shape);
      std::vector<int64_t> strides;
      for (size_t d = 1; d < st.rank(); ++d) strides.push_back(ss[d]);
      strides.insert(strides.begin() + a, ss[0]);
      forEachBroadcast(s, {strides}, [&](int64_t i, const int64_t* o) { copyElement(st, o[0], moved, i); });
      st = std::move(moved);
    }
    ctx.setOutput(n + k, std::move(st));
  }
  return true;
}

Value sequenceOf(std::vector<Tensor> items, E type) {
  Value v;
  v.kind = Value::Kind::Sequence;
  v.sequence = std::move(items);
  v.sequence_type = type;
  return v;
}

bool seqInput(KernelContext& ctx, size_t i) {
  if (!ctx.has(i) || ctx.value(i).kind != Value::Kind::Sequence) return ctx.fail("input " + std::to_string(i) + " must be a sequence");
  return true;
}

bool position(KernelContext& ctx, size_t i, int64_t size, bool insert, int64_t* pos) {
  int64_t p = ctx.hasTensor(i) ? elementAsInt(ctx.in(i), 0) : (insert ? size : size - 1);
  if (p < 0) p += size;
  if (p < 0 || p > size || (!insert && p == size)) return ctx.fail("sequence position out of range");
  *pos = p;
  return true;
}

bool sequenceEmpty(KernelContext& ctx) {
  ctx.outputs[0] = sequenceOf({}, static_cast<E>(ctx.attrInt("dtype", 1)));
  return true;
}
bool sequenceConstruct(KernelContext& ctx) {
  std::vector<Tensor> items;
  for (size_t i = 0; i < ctx.inputCount(); ++i) {
    if (!ctx.require(i)) return false;
    items.push_back(ctx.in(i));
  }
  ctx.outputs[0] = sequenceOf(items, items.empty() ? E::Float : items[0].type);
  return true;
}
bool sequenceInsert(KernelContext& ctx) {
  if (!seqInput(ctx, 0) || !ctx.require(1)) return false;
  Value v = ctx.value(0);
  int64_t p;
  if (!position(ctx, 2, static_cast<int64_t>(v.sequence.size()), true, &p)) return false;
  v.sequence.insert(v.sequence.begin() + p, ctx.in(1));
  ctx.outputs[0] = std::move(v);
  return true;
}
bool sequenceAt(KernelContext& ctx) {
  if (!seqInput(ctx, 0)) return false;
  const Value& v = ctx.value(0);
  int64_t p;
  if (!ctx.require(1) || !position(ctx, 1, static_cast<int64_t>(v.sequence.size()), false, &p)) return false;
  ctx.setOutput(0, v.sequence[p]);
  return true;
}
bool sequenceErase(KernelContext& ctx) {
  if (!seqInput(ctx, 0)) return false;
  Value v = ctx.value(0);
  int64_t p;
  if (!position(ctx, 1, static_cast<int64_t>(v.sequence.size()), false, &p)) return false;
  v.sequence.erase(v.sequence.begin() + p);
  ctx.outputs[0] = std::move(v);
  return true;
}
bool sequenceLength(KernelContext& ctx) {
  if (!seqInput(ctx, 0)) return false;
  ctx.output(0, E::Int64, {})->data<int64_t>()[0] = static_cast<int64_t>(ctx.value(0).sequence.size());
  return true;
}

bool splitToSequence(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), x.rank(), &a)) return false;
  const bool keep = ctx.attrInt("keepdims", 1) != 0;
  std::vector<int64_t> sizes;
  bool scalar_split = false;
  if (ctx.hasTensor(1)) {
    const Tensor& s = ctx.in(1);
    if (s.rank() == 0) {
      const int64_t c = elementAsInt(s, 0);
      if (c <= 0) return ctx.fail("split must be positive");
      for (int64_t left = x.shape[a]; left > 0; left -= c) sizes.push_back(std::min(c, left));
    } else {
      sizes = toInts(s);
    }
  } else {
    sizes.assign(static_cast<size_t>(x.shape[a]), 1);
    scalar_split = true;
  }
  int64_t outer = 1, inner = 1, offset = 0;
  for (int64_t d = 0; d < a; ++d) outer *= x.shape[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < x.rank(); ++d) inner *= x.shape[d];
  std::vector<Tensor> items;
  for (int64_t sz : sizes) {
    std::vector<int64_t> s = x.shape;
    s[a] = sz;
    Tensor t = makeTensor(x.type, s);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < sz * inner; ++k) copyElement(x, (o * x.shape[a]) * inner + offset + k, t, o * sz * inner + k);
    offset += sz * inner;
    if (scalar_split && !keep) t.shape.erase(t.shape.begin() + a);
    items.push_back(std::move(t));
  }
  ctx.outputs[0] = sequenceOf(std::move(items), x.type);
  return true;
}

bool concatFromSequence(KernelContext& ctx) {
  if (!seqInput(ctx, 0)) return false;
  const auto& items = ctx.value(0).sequence;
  if (items.empty()) return ctx.fail("empty sequence");
  const bool new_axis = ctx.attrInt("new_axis", 0) != 0;
  int64_t a;
  if (!ctx.axis(ctx.attrInt("axis", 0), items[0].rank(), &a, new_axis)) return false;
  std::vector<Tensor> parts;
  for (const Tensor& t : items) {
    Tensor p = t;
    if (new_axis) p.shape.insert(p.shape.begin() + a, 1);
    parts.push_back(p);
  }
  std::vector<int64_t> out = parts[0].shape;
  out[a] = 0;
  for (const Tensor& p : parts) out[a] += p.shape[a];
  Tensor* y = ctx.output(0, parts[0].type, out);
  if (!ctx.error.empty()) return false;
  int64_t outer = 1, inner = 1, offset = 0;
  for (int64_t d = 0; d < a; ++d) outer *= out[d];
  for (size_t d = static_cast<size_t>(a) + 1; d < out.size(); ++d) inner *= out[d];
  for (const Tensor& p : parts) {
    const int64_t block = p.shape[a] * inner;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < block; ++k) copyElement(p, o * block + k, *y, o * out[a] * inner + offset + k);
    offset += block;
  }
  return true;
}

bool sequenceMap(KernelContext& ctx) {
  if (!seqInput(ctx, 0)) return false;
  const ir::GraphId body = graphAttr(ctx, "body");
  const size_t n = ctx.value(0).sequence.size();
  std::vector<std::vector<Tensor>> results(ctx.outputCount());
  for (size_t i = 0; i < n; ++i) {
    std::vector<Value> in;
    for (size_t k = 0; k < ctx.inputCount(); ++k) {
      const Value& v = ctx.value(k);
      if (v.kind == Value::Kind::Sequence) {
        if (i >= v.sequence.size()) return ctx.fail("sequences have different lengths");
        in.push_back(Value::of(v.sequence[i]));
      } else {
        in.push_back(v);
      }
    }
    std::vector<Value> out;
    if (!call(ctx, body, in, &out)) return false;
    for (size_t k = 0; k < ctx.outputCount() && k < out.size(); ++k) results[k].push_back(out[k].tensor);
  }
  for (size_t k = 0; k < ctx.outputCount(); ++k)
    ctx.outputs[k] = sequenceOf(results[k], results[k].empty() ? E::Float : results[k][0].type);
  return true;
}

bool optional(KernelContext& ctx) {
  if (ctx.has(0)) ctx.outputs[0] = ctx.value(0);
  else ctx.outputs[0] = Value{};
  return true;
}
bool optionalHasElement(KernelContext& ctx) {
  ctx.output(0, E::Bool, {})->data<uint8_t>()[0] = ctx.has(0) ? 1 : 0;
  return true;
}
bool optionalGetElement(KernelContext& ctx) {
  if (!ctx.has(0)) return ctx.fail("the optional is empty");
  ctx.outputs[0] = ctx.value(0);
  return true;
}

}  // namespace

const std::vector<KernelEntry>& controlKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "If", ifOp}, {"", "Loop", loop}, {"", "Scan", scan},
      {"", "SequenceEmpty", sequenceEmpty}, {"", "SequenceConstruct", sequenceConstruct},
      {"", "SequenceInsert", sequenceInsert}, {"", "SequenceAt", sequenceAt}, {"", "SequenceErase", sequenceErase},
      {"", "SequenceLength", sequenceLength}, {"", "SplitToSequence", splitToSequence},
      {"", "ConcatFromSequence", concatFromSequence}, {"", "SequenceMap", sequenceMap},
      {"", "Optional", optional}, {"", "OptionalHasElement", optionalHasElement},
      {"", "OptionalGetElement", optionalGetElement},
  };
  return table;
}

}  // namespace nf::runtime

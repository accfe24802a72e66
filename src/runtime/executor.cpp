#include "base/float16.h"
#include "runtime/executor.h"

#include <malloc.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>

#include "weights/decode.h"

namespace nf::runtime {

uint64_t heapInUseBytes() {
#if defined(__EMSCRIPTEN__)
  const struct mallinfo mi = mallinfo();  // dlmalloc: one heap, no mmap
  return static_cast<uint32_t>(mi.uordblks);
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 mi = mallinfo2();  // big blocks are mmapped: hblkhd
  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}

using E = ir::ElemType;

struct Executor::Frame {
  ir::GraphId graph;
  const Frame* parent = nullptr;
  std::vector<Value> values;
  std::vector<uint8_t> ready;  // 1: values[i] holds the computed value
  const std::vector<ir::Attribute>* function_attrs = nullptr;  // inside a function body
  int depth = 0;  // nesting of subgraph and function calls
  // Folded steps [unfold_begin, unfold_end) run as nodes of their own: their Conv's
  // output turned out not to be float32, or the residual's shape differs.
  size_t unfold_begin = SIZE_MAX, unfold_end = 0;
};

namespace {

double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string nodeLabel(const ir::Node& n) {
  return n.name.empty() ? n.op_type : n.op_type + " node '" + n.name + "'";
}

}  // namespace

Result<Tensor> tensorFromIr(const ir::Model& model, const ir::Tensor& t) {
  if (!isSupportedType(t.elem))
    return Error{"tensor '" + t.name + "' has element type " + std::string(ir::elemTypeName(t.elem)) +
                 ", which the runtime does not support"};
  const int64_t n = shapeCount(t.dims);
  if (n < 0) return Error{"tensor '" + t.name + "' has an invalid shape " + shapeString(t.dims)};
  Tensor out;
  out.type = t.elem;
  out.shape = t.dims;
  if (t.elem == E::String) {
    if (t.strings.size() != static_cast<size_t>(n)) return Error{"string tensor '" + t.name + "' has the wrong count"};
    out.strings = std::make_shared<std::vector<std::string>>(t.strings);
    return out;
  }
  const int bits = ir::elemTypeBits(t.elem);
  const size_t raw_size = static_cast<size_t>(bits / 8);
  int64_t raw_bits = 0;
  if (!checkedSizeMul(n, bits, &raw_bits)) return Error{"tensor '" + t.name + "' is too large"};
  const int64_t raw_bytes = (raw_bits + 7) / 8;  // 4- and 2-bit types are packed
  const uint8_t* src = nullptr;
  std::vector<uint8_t> staging;  // only used when raw and stored layouts differ
  out.buffer = std::make_shared<Buffer>();
  const bool same_layout = raw_size == storedSize(t.elem) && !isLowPrecision(t.elem);
  std::vector<uint8_t>& dst = same_layout ? out.buffer->bytes : staging;
  switch (t.storage) {
    case ir::Tensor::Storage::None:
      if (n != 0) return Error{"tensor '" + t.name + "' has no data"};
      break;
    case ir::Tensor::Storage::Inline:
      if (t.bytes.size() != static_cast<size_t>(raw_bytes))
        return Error{"tensor '" + t.name + "' holds " + std::to_string(t.bytes.size()) + " bytes, expected " +
                     std::to_string(raw_bytes)};
      src = t.bytes.data();
      break;
    case ir::Tensor::Storage::MissingExternal:
      return Error{"tensor '" + t.name + "' is stored in external file '" + t.external_location +
                   "', which was not provided"};
    case ir::Tensor::Storage::Source: {
      if (t.ref.source >= model.sources.size() || !model.sources[t.ref.source].bytes)
        return Error{"tensor '" + t.name + "': its data file is not available"};
      if (t.ref.length != static_cast<uint64_t>(raw_bytes))
        return Error{"tensor '" + t.name + "' has " + std::to_string(t.ref.length) + " bytes of data, expected " +
                     std::to_string(raw_bytes)};
      const ByteSource& bs = *model.sources[t.ref.source].bytes;
      if (const uint8_t* base = bs.data(); base && t.ref.offset + t.ref.length <= bs.size()) {
        src = base + t.ref.offset;
      } else {
        dst.resize(static_cast<size_t>(raw_bytes));  // read straight into the destination
        if (!bs.read(t.ref.offset, dst.data(), dst.size()))
          return Error{"tensor '" + t.name + "': reading its data failed"};
      }
      break;
    }
  }
  if (src) dst.assign(src, src + raw_bytes);
  if (isLowPrecision(t.elem)) {  // float8, float4, int4, int2...: decoded one by one
    std::vector<double> vals;
    weights::decodeElements(t.elem, staging.data(), 0, 0, n, &vals);
    vals.resize(static_cast<size_t>(n), 0.0);
    if (t.elem == E::Float8E8M0)  // exponent only: 2^(code-127), 255 is NaN
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t c = staging[static_cast<size_t>(i)];
        vals[static_cast<size_t>(i)] = c == 255 ? NAN : std::ldexp(1.0, c - 127);
      }
    if (t.elem == E::Float4E2M1)  // decoded here: no NaN/inf codes in e2m1 (0xF is -6)
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t c = static_cast<uint8_t>((staging[static_cast<size_t>(i / 2)] >> ((i % 2) * 4)) & 0xF);
        const int e = (c >> 1) & 3, m = c & 1;
        const double mag = e == 0 ? 0.5 * m : std::ldexp(1.0 + 0.5 * m, e - 1);
        vals[static_cast<size_t>(i)] = (c & 8) ? -mag : mag;
      }
    out.buffer->bytes.assign(static_cast<size_t>(n) * storedSize(t.elem), 0);
    for (int64_t i = 0; i < n; ++i) setElementFromDouble(out, i, vals[i]);
  } else if (!same_layout) {  // float16 / bfloat16 -> float32
    out.buffer->bytes.resize(static_cast<size_t>(n) * 4);
    float* f = out.data<float>();
    for (int64_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, staging.data() + 2 * i, 2);
      f[i] = t.elem == E::Float16 ? halfToFloat(h) : bfloat16ToFloat(h);
    }
  }
  if (t.elem == E::Bool)
    for (auto& b : out.buffer->bytes) b = b ? 1 : 0;
  return out;
}

ir::Tensor tensorToIr(const Tensor& t, const std::string& name) {
  ir::Tensor r;
  r.name = name;
  r.elem = t.type;
  r.dims = t.shape;
  r.storage = ir::Tensor::Storage::Inline;
  if (t.isString()) {
    r.strings = *t.strings;
    return r;
  }
  const int64_t n = t.count();
  if (isLowPrecision(t.type)) {  // packed: float8 one byte, 4-bit two per byte, 2-bit four per byte
    const int bits = ir::elemTypeBits(t.type), per_byte = 8 / bits;
    r.bytes.assign(static_cast<size_t>((n * bits + 7) / 8), 0);
    for (int64_t i = 0; i < n; ++i) {
      uint32_t code;
      if (ir::isFloatType(t.type)) code = minifloatBits(t.data<float>()[i], t.type);
      else code = static_cast<uint32_t>(elementAsInt(t, i)) & ((1u << bits) - 1);
      r.bytes[static_cast<size_t>(i / per_byte)] |= static_cast<uint8_t>(code << ((i % per_byte) * bits));
    }
    return r;
  }
  if (t.type == E::Float16 || t.type == E::BFloat16) {
    r.bytes.resize(static_cast<size_t>(n) * 2);
    for (int64_t i = 0; i < n; ++i) {
      const uint16_t h = t.type == E::Float16 ? floatToHalf(t.data<float>()[i]) : floatToBFloat16(t.data<float>()[i]);
      std::memcpy(r.bytes.data() + 2 * i, &h, 2);
    }
  } else if (t.buffer) {
    r.bytes.assign(t.buffer->bytes.begin(), t.buffer->bytes.begin() + n * static_cast<int64_t>(storedSize(t.type)));
  }
  return r;
}

Executor::Executor(const ir::Model& model, PlanOptions options) : model_(model), options_(std::move(options)) {}
Executor::~Executor() = default;

const Plan* Executor::planFor(ir::GraphId g, std::string* error) {
  auto it = sub_plans_.find(g.index);
  if (it != sub_plans_.end()) return it->second.get();
  auto p = makePlan(model_, g);
  if (!p) {
    *error = p.error().message;
    return nullptr;
  }
  return (sub_plans_[g.index] = std::make_unique<Plan>(std::move(p.value()))).get();
}

const Value* Executor::lookup(const Frame& frame, ir::ValueId id, std::string* error) {
  if (frame.ready[id.index]) return &frame.values[id.index];
  const ir::Graph& g = model_.graph(frame.graph);
  const ir::Value& v = g.value(id);
  if (v.initializer >= 0) {
    const ir::Tensor* key = &g.initializers[static_cast<size_t>(v.initializer)];
    auto it = weights_.find(key);
    if (it != weights_.end()) return &it->second;
    auto t = tensorFromIr(model_, *key);
    if (!t) {
      *error = t.error().message;
      return nullptr;
    }
    return &(weights_[key] = Value::of(std::move(t.value())));
  }
  if (frame.parent) {
    const ir::Graph& pg = model_.graph(frame.parent->graph);
    ir::ValueId pid = pg.find(v.name);
    if (pid.valid()) return lookup(*frame.parent, pid, error);
  }
  *error = "value '" + v.name + "' is not available (no producer ran, or it was not given)";
  return nullptr;
}

void Executor::planWeightDrops() {
  const ir::Graph& g = model_.main();
  drop_after_.assign(plan_->order.size(), {});
  std::vector<int32_t> last(g.initializers.size(), -1);
  std::vector<uint8_t> only_weight(g.initializers.size(), 1);
  auto initializerOf = [&](ir::ValueId id) -> int32_t {
    if (!id.valid()) return -1;
    const ir::Value& v = g.value(id);
    return v.initializer >= 0 && static_cast<size_t>(v.initializer) < g.initializers.size() ? v.initializer : -1;
  };
  for (size_t s = 0; s < plan_->order.size(); ++s) {
    const ir::Node& n = g.nodes[plan_->order[s]];
    const bool weight_op = (n.domain.empty() || n.domain == "ai.onnx") &&
                           (n.op_type == "Conv" || n.op_type == "Gemm" || n.op_type == "MatMul");
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const int32_t k = initializerOf(n.inputs[i]);
      if (k < 0) continue;
      const ir::Value& v = g.value(n.inputs[i]);
      if (!weight_op || i != 1 || v.graph_input || v.graph_output) only_weight[static_cast<size_t>(k)] = 0;
      last[static_cast<size_t>(k)] = static_cast<int32_t>(s);
    }
    for (const std::string& name : outerScopeReads(model_, n))  // subgraphs read it as it is
      if (const int32_t k = initializerOf(g.find(name)); k >= 0) only_weight[static_cast<size_t>(k)] = 0;
  }
  for (size_t k = 0; k < g.initializers.size(); ++k)
    if (only_weight[k] && last[k] >= 0) drop_after_[static_cast<size_t>(last[k])].push_back(&g.initializers[k]);
}

void Executor::dropPackedWeights(size_t step) {
  if (step >= drop_after_.size()) return;
  for (const ir::Tensor* key : drop_after_[step]) {
    auto w = weights_.find(key);
    auto p = packs_.find(key);
    if (w == weights_.end() || !w->second.isTensor() || !w->second.tensor.buffer || p == packs_.end() ||
        p->second.bytes() == 0)
      continue;  // not packed (another path ran): the decoded copy stays
    w->second.tensor.buffer.reset();  // the shape and type stay for the kernels' checks
  }
}

bool Executor::runNode(Frame& frame, const Plan& plan, size_t step, std::string* error) {
  const bool main_frame = &frame == frame_.get();
  const bool unfolded = step >= frame.unfold_begin && step < frame.unfold_end;
  if ((!plan.folded[step] || unfolded) && !runKernel(frame, plan, step, error)) return false;
  for (uint32_t v : plan.release_after[step]) {
    if (!frame.ready[v]) continue;
    if (main_frame && frame.values[v].isTensor() && frame.values[v].tensor.buffer) {
      auto it = live_buffers_.find(frame.values[v].tensor.buffer.get());
      if (it != live_buffers_.end() && --it->second == 0) {
        live_bytes_ -= it->first->bytes.size();
        live_buffers_.erase(it);
      }
    }
    pool_.give(std::move(frame.values[v].tensor.buffer));
    frame.values[v] = Value{};
    frame.ready[v] = 0;
  }
  // The pool holds at most the largest live set seen (in any run): live values + pooled
  // buffers then stay within 2x it, whatever sizes the layers use.
  if (main_frame) pool_.trim(static_cast<size_t>(pool_keep_bytes_ = std::max(pool_keep_bytes_, memory_.peak_live_bytes)));
  return true;
}

bool Executor::runKernel(Frame& frame, const Plan& plan, size_t step, std::string* error) {
  const ir::Graph& g = model_.graph(frame.graph);
  const ir::Node& node = g.nodes[plan.order[step]];
  KernelContext ctx(model_, g, node, scratch_);
  ctx.opset = model_.opsetVersion(node.domain);
  if (ctx.opset == 0 && node.domain.empty()) ctx.opset = 1;
  ctx.pool = &pool_;
  ctx.packs = &packs_;
  for (ir::ValueId in : node.inputs) {
    if (!in.valid()) {
      ctx.inputs.push_back(nullptr);
      continue;
    }
    const Value* v = lookup(frame, in, error);
    if (!v) {
      *error = nodeLabel(node) + ": " + *error;
      return false;
    }
    ctx.inputs.push_back(v);
  }
  ctx.outputs.resize(node.outputs.size());
  ctx.function_attrs = frame.function_attrs;
  ctx.run_subgraph = [this, &frame](ir::GraphId sub, const std::vector<Value>& ins, std::vector<Value>* outs,
                                    std::string* err) {
    return runGraph(sub, &frame, ins, outs, err, frame.function_attrs, frame.depth + 1);
  };
  ctx.run_function = [this, &frame](ir::GraphId body, const std::vector<Value>& ins, std::vector<Value>* outs,
                                    const std::vector<ir::Attribute>* attrs, std::string* err) {
    return runGraph(body, nullptr, ins, outs, err, attrs, frame.depth + 1);
  };
  bool ok = false;
#if defined(__cpp_exceptions)
  try {
    ok = plan.kernels[step](ctx);
  } catch (const std::bad_alloc&) {
    ctx.fail("out of memory");
  }
#else
  ok = plan.kernels[step](ctx);
#endif
  if (!ok || !ctx.error.empty()) {
    *error = nodeLabel(node) + ": " + (ctx.error.empty() ? "failed" : ctx.error);
    return false;
  }
  const bool main_frame = &frame == frame_.get();
  const FusedActivation& fused = plan.fused[step];
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (!node.outputs[i].valid()) continue;
    Value& out = ctx.outputs[i];
    ir::ValueId target = node.outputs[i];
    if (i == 0 && fused.any()) {  // the folded Add/activation, in place
      const Tensor* residual = nullptr;
      if (fused.residual.valid()) {
        std::string ignored;
        const Value* r = lookup(frame, fused.residual, &ignored);
        residual = r && r->isTensor() ? &r->tensor : nullptr;
      }
      const bool own = out.isTensor() && out.tensor.type == ir::ElemType::Float && out.tensor.buffer &&
                       out.tensor.buffer.use_count() == 1;
      if (own && (!fused.residual.valid() ||
                  (residual && residual->type == ir::ElemType::Float && residual->shape == out.tensor.shape))) {
        applyEpilogue(fused, out.tensor.data<float>(), static_cast<size_t>(out.tensor.count()),
                      residual ? residual->data<float>() : nullptr);
        target = fused.output;
      } else {  // float16, shared, or an Add that broadcasts: the folded nodes run themselves
        frame.unfold_begin = step + 1;
        frame.unfold_end = step + 1;
        while (frame.unfold_end < plan.folded.size() && plan.folded[frame.unfold_end]) ++frame.unfold_end;
      }
    }
    if (out.isTensor()) roundToStoredPrecision(out.tensor);
    if (main_frame && out.isTensor() && out.tensor.buffer && live_buffers_[out.tensor.buffer.get()]++ == 0)
      live_bytes_ += out.tensor.buffer->bytes.size();
    frame.values[target.index] = std::move(out);
    frame.ready[target.index] = 1;
  }
  if (main_frame) memory_.peak_live_bytes = std::max(memory_.peak_live_bytes, live_bytes_);
  return true;
}

bool Executor::runGraph(ir::GraphId gid, const Frame* parent, const std::vector<Value>& inputs,
                        std::vector<Value>* outputs, std::string* error,
                        const std::vector<ir::Attribute>* function_attrs, int depth) {
  if (depth > 64) {  // a function calling itself, or absurd nesting
    *error = "subgraphs or functions nested more than 64 deep";
    return false;
  }
  const Plan* plan = planFor(gid, error);
  if (!plan) return false;
  const ir::Graph& g = model_.graph(gid);
  Frame f;
  f.graph = gid;
  f.parent = parent;
  f.function_attrs = function_attrs;
  f.depth = depth;
  f.values.resize(g.values.size());
  f.ready.assign(g.values.size(), 0);
  for (size_t i = 0; i < g.inputs.size() && i < inputs.size(); ++i) {
    f.values[g.inputs[i].index] = inputs[i];
    f.ready[g.inputs[i].index] = 1;
  }
  for (size_t s = 0; s < plan->order.size(); ++s)
    if (!runNode(f, *plan, s, error)) return false;
  outputs->clear();
  for (ir::ValueId o : g.outputs) {
    const Value* v = lookup(f, o, error);
    if (!v) return false;
    outputs->push_back(*v);
  }
  return true;
}

Status Executor::start(std::vector<NamedValue> inputs) {
  running_ = false;
  cancelled_ = false;
  outputs_.clear();
  kept_.clear();
  node_times_.clear();
  next_step_ = 0;
  if (model_.graphs.empty()) return Error{"the model has no graph"};
  if (Status s = checkKernels(model_, ir::GraphId{0}); !s) return s;
  if (!plan_) {
    auto p = makePlan(model_, ir::GraphId{0}, options_);
    if (!p) return p.error();
    plan_ = std::make_unique<Plan>(std::move(p.value()));
    planWeightDrops();
  }
  const ir::Graph& g = model_.main();
  frame_ = std::make_unique<Frame>();
  frame_->graph = ir::GraphId{0};
  frame_->values.resize(g.values.size());
  frame_->ready.assign(g.values.size(), 0);
  for (auto& [name, value] : inputs) {
    ir::ValueId id = g.find(name);
    if (!id.valid() || !g.value(id).graph_input) {
      std::string names;
      for (ir::ValueId r : g.realInputs()) names += (names.empty() ? "" : ", ") + g.value(r).name;
      return Error{"the model has no input '" + name + "' (its inputs: " + (names.empty() ? "none" : names) + ")"};
    }
    const ir::Type& declared = g.value(id).type;
    if (declared.isTensor() && value.isTensor()) {
      if (declared.elem != ir::ElemType::Undefined && declared.elem != value.tensor.type)
        return Error{"input '" + name + "' must be " + std::string(ir::elemTypeName(declared.elem)) + ", got " +
                     std::string(ir::elemTypeName(value.tensor.type))};
      if (declared.shape.rank_known) {
        bool match = declared.shape.rank() == value.tensor.rank();
        for (size_t d = 0; match && d < declared.shape.rank(); ++d)
          if (declared.shape.dims[d].isKnown() && declared.shape.dims[d].value != value.tensor.shape[d]) match = false;
        if (!match)
          return Error{"input '" + name + "' must have shape " + ir::shapeToString(declared.shape) + ", got " +
                       shapeString(value.tensor.shape)};
      }
    }
    frame_->values[id.index] = std::move(value);
    frame_->ready[id.index] = 1;
  }
  for (ir::ValueId r : g.realInputs())
    if (!frame_->ready[r.index]) return Error{"input '" + g.value(r).name + "' was not given"};
  live_bytes_ = 0;
  live_buffers_.clear();
  memory_.peak_live_bytes = 0;
  memory_.heap_start_bytes = measure_heap_ ? heapInUseBytes() : 0;
  memory_.heap_peak_bytes = 0;
  running_ = true;
  return {};
}

void Executor::finish(Progress* p) {
  p->finished = true;
  running_ = false;
  const ir::Graph& g = model_.main();
  if (!p->failed) {
    for (ir::ValueId o : g.outputs) {
      std::string err;
      const Value* v = lookup(*frame_, o, &err);
      if (!v) {
        p->failed = true;
        p->error = "graph output '" + g.value(o).name + "': " + err;
        break;
      }
      outputs_.emplace_back(g.value(o).name, *v);
    }
    if (!p->failed)
      for (uint32_t n : plan_->order)
        for (ir::ValueId o : g.nodes[n].outputs)
          if (o.valid() && plan_->kept[o.index] && !g.value(o).graph_output && frame_->ready[o.index])
            kept_.emplace_back(g.value(o).name, frame_->values[o.index]);
  }
  frame_.reset();
  live_buffers_.clear();
  memory_.weight_bytes = memory_.held_weight_bytes = 0;
  for (const auto& [t, v] : weights_) {
    if (!v.isTensor() || v.tensor.isString()) continue;
    memory_.weight_bytes += static_cast<uint64_t>(std::max<int64_t>(0, v.tensor.count())) * storedSize(v.tensor.type);
    if (v.tensor.buffer) memory_.held_weight_bytes += v.tensor.buffer->bytes.size();
  }
  memory_.packed_bytes = 0;
  for (const auto& [t, pw] : packs_) memory_.packed_bytes += pw.bytes();
}

Progress Executor::step(double budget_ms) {
  Progress p;
  p.total = plan_ ? plan_->order.size() : 0;
  p.done = next_step_;
  if (!running_) {
    p.finished = true;
    p.failed = true;
    p.error = "the run was not started";
    return p;
  }
  const double t0 = nowMs();
  while (next_step_ < plan_->order.size()) {
    if (cancelled_) {
      p.failed = true;
      p.error = "cancelled";
      finish(&p);
      return p;
    }
    const double n0 = nowMs();
    std::string error;
    if (!runNode(*frame_, *plan_, next_step_, &error)) {
      p.failed = true;
      p.error = error;
      finish(&p);
      return p;
    }
    dropPackedWeights(next_step_);
    const double n1 = nowMs();
    node_times_.push_back({plan_->order[next_step_], n1 - n0});
    if (measure_heap_) {
      const uint64_t h = heapInUseBytes();
      if (h > memory_.heap_start_bytes) memory_.heap_peak_bytes = std::max(memory_.heap_peak_bytes, h - memory_.heap_start_bytes);
    }
    p.done = ++next_step_;
    if (n1 - t0 >= budget_ms) return p;
  }
  finish(&p);
  return p;
}

Status Executor::runAll(std::vector<NamedValue> inputs) {
  if (Status s = start(std::move(inputs)); !s) return s;
  for (;;) {
    Progress p = step(1e9);
    if (p.finished) return p.failed ? Status(Error{p.error}) : Status();
  }
}

}  // namespace nf::runtime

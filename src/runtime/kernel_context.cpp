#include "runtime/kernel_context.h"

#include "runtime/buffer_pool.h"
#include "runtime/executor.h"  // tensorFromIr
#include "shapes/op_registry.h"

namespace nf::runtime {

std::shared_ptr<Buffer> BufferPool::take(size_t bytes, bool zeroed) {
  auto it = free_.lower_bound(bytes);
  if (bytes > 0 && it != free_.end() && it->first <= bytes * 2 + 64) {
    std::shared_ptr<Buffer> b = std::move(it->second);
    pooled_bytes_ -= it->first;
    free_.erase(it);
    if (zeroed) b->bytes.assign(bytes, 0);
    else b->bytes.resize(bytes);
    ++reused_;
    return b;
  }
  auto b = std::make_shared<Buffer>();
  b->bytes.assign(bytes, 0);
  ++allocated_;
  return b;
}

void BufferPool::give(std::shared_ptr<Buffer> buffer) {
  if (!buffer || buffer.use_count() != 1 || buffer->bytes.capacity() == 0) return;
  const size_t cap = buffer->bytes.capacity();
  pooled_bytes_ += cap;
  free_.emplace(cap, std::move(buffer));
}

void BufferPool::trim(size_t max_bytes) {
  while (pooled_bytes_ > max_bytes && !free_.empty()) {
    auto largest = std::prev(free_.end());
    pooled_bytes_ -= largest->first;
    free_.erase(largest);
  }
}

Tensor* KernelContext::output(size_t i, ir::ElemType t, std::vector<int64_t> shape, bool zeroed) {
  Tensor r;
  r.type = t;
  r.shape = std::move(shape);
  const int64_t n = r.count();
  int64_t bytes = 0;
  // Larger than memory can hold: refuse before allocating (wasm32 cannot address 2 GiB buffers).
  constexpr int64_t kMaxBytes = sizeof(void*) == 4 ? (int64_t{1} << 31) - 1 : int64_t{1} << 36;
  if (n < 0 || !checkedSizeMul(n, static_cast<int64_t>(storedSize(t)), &bytes) || bytes > kMaxBytes) {
    fail("output " + std::to_string(i) + " of shape " + shapeString(r.shape) + " is too large");
    r = makeTensor(t, {0});
  } else if (t == ir::ElemType::String) {
    r.strings = std::make_shared<std::vector<std::string>>(static_cast<size_t>(n));
  } else if (pool) {
    r.buffer = pool->take(static_cast<size_t>(bytes), zeroed);
  } else {
    r.buffer = std::make_shared<Buffer>();
    r.buffer->bytes.assign(static_cast<size_t>(bytes), 0);
  }
  if (i >= outputs.size()) outputs.resize(i + 1);
  outputs[i] = Value::of(std::move(r));
  return &outputs[i].tensor;
}

bool KernelContext::isConstantInput(size_t i) const {
  if (i >= node.inputs.size() || !node.inputs[i].valid()) return false;
  const ir::Value& v = graph.value(node.inputs[i]);
  return v.initializer >= 0 && !v.graph_input;
}

const ir::Tensor* KernelContext::constantInitializer(size_t i) const {
  if (!isConstantInput(i)) return nullptr;
  const auto index = static_cast<size_t>(graph.value(node.inputs[i]).initializer);
  return index < graph.initializers.size() ? &graph.initializers[index] : nullptr;
}

PackedWeights* KernelContext::packEntry(size_t i) {
  const ir::Tensor* key = packs ? constantInitializer(i) : nullptr;
  return key ? &(*packs)[key] : nullptr;
}

const float* KernelContext::constantData(size_t i, Tensor* reload) {
  const Tensor& t = in(i);
  if (t.buffer || t.count() == 0) return t.data<float>();
  const ir::Tensor* key = constantInitializer(i);
  if (!key) {
    fail("input " + std::to_string(i) + " has no data");
    return nullptr;
  }
  auto decoded = tensorFromIr(model, *key);
  if (!decoded) {
    fail(decoded.error().message);
    return nullptr;
  }
  *reload = std::move(decoded.value());
  return reload->data<float>();
}

const ir::Attribute* KernelContext::attr(std::string_view name) const {
  const ir::Attribute* a = node.attr(name);
  if (!a || a->ref_attr_name.empty()) return a;
  if (!function_attrs) return nullptr;
  for (const ir::Attribute& f : *function_attrs)
    if (f.name == a->ref_attr_name) return &f;
  return nullptr;  // not given by the caller: the op's default applies
}

int64_t KernelContext::attrInt(std::string_view name, int64_t fallback) const {
  const ir::Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->type == ir::AttrType::Float) return static_cast<int64_t>(a->f);
  return a->i;
}

float KernelContext::attrFloat(std::string_view name, float fallback) const {
  const ir::Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->type == ir::AttrType::Int) return static_cast<float>(a->i);
  return a->f;
}

std::string KernelContext::attrString(std::string_view name, const std::string& fallback) const {
  const ir::Attribute* a = attr(name);
  return a ? a->s : fallback;
}

std::vector<int64_t> KernelContext::attrInts(std::string_view name, std::vector<int64_t> fallback) const {
  const ir::Attribute* a = attr(name);
  return a ? a->ints : fallback;
}

std::vector<float> KernelContext::attrFloats(std::string_view name) const {
  const ir::Attribute* a = attr(name);
  return a ? a->floats : std::vector<float>{};
}

bool KernelContext::require(size_t i) {
  if (!hasTensor(i)) return fail("input " + std::to_string(i) + " is missing or not a tensor");
  if (in(i).count() < 0) return fail("input " + std::to_string(i) + " has an invalid shape");
  return true;
}

bool KernelContext::axis(int64_t a, size_t rank, int64_t* out, bool insert) {
  const int64_t r = static_cast<int64_t>(rank) + (insert ? 1 : 0);
  if (a < -r || a >= r) return fail("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
  *out = a < 0 ? a + r : a;
  return true;
}

const ir::Function* findFunction(const ir::Model& model, const ir::Node& node) {
  for (const ir::Function& f : model.functions)
    if (f.name == node.op_type && (f.domain == node.domain || (f.domain.empty() && node.domain == "ai.onnx")))
      return &f;
  return nullptr;
}

namespace {

// Runs a model-local function: its body as a subgraph (no outer scope), with the
// calling node's attributes available to the body's attribute references.
bool callFunction(KernelContext& ctx) {
  const ir::Function* f = findFunction(ctx.model, ctx.node);
  if (!f || !ctx.run_function) return ctx.fail("function " + ctx.node.op_type + " is not defined in the model");
  std::vector<Value> ins;
  for (size_t i = 0; i < ctx.inputCount(); ++i) ins.push_back(ctx.has(i) ? ctx.value(i) : Value{});
  std::vector<ir::Attribute> attrs;
  for (const ir::Attribute& a : ctx.node.attributes) {
    const ir::Attribute* resolved = ctx.attr(a.name);
    if (resolved) {
      attrs.push_back(*resolved);
      attrs.back().name = a.name;
    }
  }
  std::vector<Value> outs;
  std::string err;
  if (!ctx.run_function(f->body, ins, &outs, &attrs, &err)) return ctx.fail(err);
  for (size_t i = 0; i < ctx.outputCount() && i < outs.size(); ++i) ctx.outputs[i] = outs[i];
  return true;
}

}  // namespace

KernelFn kernelFor(const ir::Model& model, const ir::Node& node) {
  if (KernelFn fn = findKernel(node.domain, node.op_type)) return fn;
  return findFunction(model, node) ? callFunction : nullptr;
}

namespace {

// Every family's kernels, each on its op's registry entry: [OpSpec::index] -> kernel.
// A kernel whose op has no registry entry cannot be found; unregisteredKernels()
// names them (a test keeps the list empty).
struct KernelTable {
  std::vector<KernelFn> by_op;
  std::vector<std::string> unregistered;
};

const KernelTable& kernelTable() {
  static const KernelTable table = [] {
    KernelTable t;
    t.by_op.assign(shapes::opRegistry().size(), nullptr);
    for (auto* family : {&elementwiseKernels, &reduceKernels, &convKernels, &linalgKernels, &shapeKernels,
                         &indexKernels, &normKernels, &rnnKernels, &controlKernels, &quantKernels, &miscKernels,
                         &attentionKernels, &textKernels, &imageKernels, &trainingKernels})
      for (const KernelEntry& e : family()) {
        if (const shapes::OpSpec* op = shapes::findOp(e.domain, e.op_type))
          t.by_op[op->index] = e.fn;
        else
          t.unregistered.push_back(std::string(e.domain) + "::" + e.op_type);
      }
    return t;
  }();
  return table;
}

}  // namespace

KernelFn findKernel(std::string_view domain, std::string_view op_type) {
  const shapes::OpSpec* op = shapes::findOp(domain, op_type);
  return op ? kernelTable().by_op[op->index] : nullptr;
}

const std::vector<std::string>& unregisteredKernels() { return kernelTable().unregistered; }

}  // namespace nf::runtime

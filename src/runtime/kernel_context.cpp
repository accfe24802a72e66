#include "runtime/kernel_context.h"

#include <unordered_map>

#include "runtime/buffer_pool.h"

namespace nf::runtime {

std::shared_ptr<Buffer> BufferPool::take(size_t bytes) {
  auto it = free_.lower_bound(bytes);
  if (bytes > 0 && it != free_.end() && it->first <= bytes * 2 + 64) {
    std::shared_ptr<Buffer> b = std::move(it->second);
    pooled_bytes_ -= it->first;
    free_.erase(it);
    b->bytes.assign(bytes, 0);
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

Tensor* KernelContext::output(size_t i, ir::ElemType t, std::vector<int64_t> shape) {
  Tensor r;
  r.type = t;
  r.shape = std::move(shape);
  const int64_t n = r.count();
  int64_t bytes = 0;
  // Larger than memory can hold: refuse before allocating (wasm32 cannot address 2 GiB buffers).
  constexpr int64_t kMaxBytes = sizeof(void*) == 4 ? (int64_t{1} << 31) - 1 : int64_t{1} << 36;
  if (n < 0 || !checkedMul(n, static_cast<int64_t>(storedSize(t)), &bytes) || bytes > kMaxBytes) {
    fail("output " + std::to_string(i) + " of shape " + shapeString(r.shape) + " is too large");
    r = makeTensor(t, {0});
  } else if (t == ir::ElemType::String) {
    r.strings = std::make_shared<std::vector<std::string>>(static_cast<size_t>(n));
  } else if (pool) {
    r.buffer = pool->take(static_cast<size_t>(bytes));
  } else {
    r.buffer = std::make_shared<Buffer>();
    r.buffer->bytes.assign(static_cast<size_t>(bytes), 0);
  }
  if (i >= outputs.size()) outputs.resize(i + 1);
  outputs[i] = Value::of(std::move(r));
  return &outputs[i].tensor;
}

int64_t KernelContext::attrInt(std::string_view name, int64_t fallback) const {
  const ir::Attribute* a = node.attr(name);
  if (!a) return fallback;
  if (a->type == ir::AttrType::Float) return static_cast<int64_t>(a->f);
  return a->i;
}

float KernelContext::attrFloat(std::string_view name, float fallback) const {
  const ir::Attribute* a = node.attr(name);
  if (!a) return fallback;
  if (a->type == ir::AttrType::Int) return static_cast<float>(a->i);
  return a->f;
}

std::string KernelContext::attrString(std::string_view name, const std::string& fallback) const {
  const ir::Attribute* a = node.attr(name);
  return a ? a->s : fallback;
}

std::vector<int64_t> KernelContext::attrInts(std::string_view name, std::vector<int64_t> fallback) const {
  const ir::Attribute* a = node.attr(name);
  return a ? a->ints : fallback;
}

std::vector<float> KernelContext::attrFloats(std::string_view name) const {
  const ir::Attribute* a = node.attr(name);
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

KernelFn findKernel(std::string_view domain, std::string_view op_type) {
  static const std::unordered_map<std::string, KernelFn> table = [] {
    std::unordered_map<std::string, KernelFn> t;
    for (auto* family : {&elementwiseKernels, &reduceKernels, &convKernels, &linalgKernels, &shapeKernels,
                         &indexKernels, &normKernels, &rnnKernels, &controlKernels, &quantKernels, &miscKernels,
                         &attentionKernels, &textKernels, &imageKernels,
                         &trainingKernels})
      for (const KernelEntry& e : family()) t[std::string(e.domain) + "::" + e.op_type] = e.fn;
    return t;
  }();
  if (domain == "ai.onnx") domain = "";
  auto it = table.find(std::string(domain) + "::" + std::string(op_type));
  return it == table.end() ? nullptr : it->second;
}

}  // namespace nf::runtime

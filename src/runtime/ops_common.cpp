#include "runtime/ops_common.h"

namespace nf::runtime {

bool broadcastShapes(const std::vector<std::vector<int64_t>>& shapes, std::vector<int64_t>* out) {
  size_t r = 0;
  for (const auto& s : shapes) r = std::max(r, s.size());
  out->assign(r, 1);
  for (const auto& s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = (*out)[r - s.size() + i];
      const int64_t d = s[i];
      if (d == o || d == 1) continue;
      if (o == 1) o = d;
      else return false;
    }
  }
  // A zero dim wins over 1 (numpy): handled since o==1 -> o=0.
  return true;
}

std::vector<int64_t> stridesOf(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& shape, const std::vector<int64_t>& out) {
  std::vector<int64_t> s(out.size(), 0);
  const std::vector<int64_t> own = stridesOf(shape);
  const size_t off = out.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) s[off + i] = shape[i] == 1 ? 0 : own[i];
  return s;
}

std::vector<int64_t> intsInput(const KernelContext& ctx, size_t i) {
  if (!ctx.hasTensor(i)) return {};
  return toInts(ctx.in(i));
}

std::vector<int64_t> axesFrom(const KernelContext& ctx, size_t input_index, const char* attr) {
  if (ctx.attr(attr)) return ctx.attrInts(attr);
  return intsInput(ctx, input_index);
}

Tensor reshaped(const Tensor& t, std::vector<int64_t> shape) {
  Tensor r = t;
  r.shape = std::move(shape);
  return r;
}

void copyElement(const Tensor& src, int64_t si, Tensor& dst, int64_t di) {
  if (src.isString()) {
    (*dst.strings)[di] = (*src.strings)[si];
    return;
  }
  const size_t es = storedSize(src.type);
  std::memcpy(dst.buffer->bytes.data() + di * es, src.buffer->bytes.data() + si * es, es);
}

}  // namespace nf::runtime

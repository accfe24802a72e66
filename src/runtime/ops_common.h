// runtime/ops_common.h - helpers shared by the op family files: broadcasting,
// strides, index iteration and small input readers.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "runtime/kernel_context.h"

namespace nf::runtime {

// Multidirectional (numpy) broadcast of shapes; false if incompatible.
bool broadcastShapes(const std::vector<std::vector<int64_t>>& shapes, std::vector<int64_t>* out);
// Row-major strides of a shape.
std::vector<int64_t> stridesOf(const std::vector<int64_t>& shape);
// Strides of `shape` right-aligned to `out` (0 where broadcast or missing).
std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& shape, const std::vector<int64_t>& out);

// Calls f(i, offs) for every element i of `out`, offs[k] being the element of
// input k (with strides[k]) broadcast to it. K inputs, all strides of out's rank.
template <class F>
void forEachBroadcast(const std::vector<int64_t>& out, const std::vector<std::vector<int64_t>>& strides, F&& f) {
  const int64_t n = shapeCount(out);
  if (n <= 0) return;
  const size_t k = strides.size(), r = out.size();
  std::vector<int64_t> offs(k, 0);
  if (r == 0) {
    f(int64_t{0}, offs.data());
    return;
  }
  std::vector<int64_t> idx(r, 0), base(k, 0);
  const int64_t inner = out[r - 1];
  for (int64_t i = 0; i < n; i += inner) {
    for (int64_t j = 0; j < inner; ++j) {
      for (size_t q = 0; q < k; ++q) offs[q] = base[q] + j * strides[q][r - 1];
      f(i + j, offs.data());
    }
    for (int64_t d = static_cast<int64_t>(r) - 2; d >= 0; --d) {
      ++idx[d];
      for (size_t q = 0; q < k; ++q) base[q] += strides[q][d];
      if (idx[d] < out[d]) break;
      for (size_t q = 0; q < k; ++q) base[q] -= strides[q][d] * out[d];
      idx[d] = 0;
    }
  }
}

// Input i as int64 values (any integer type); empty if absent.
std::vector<int64_t> intsInput(const KernelContext& ctx, size_t i);
// Axes from the attribute (older opsets) or from input `input_index` (newer).
std::vector<int64_t> axesFrom(const KernelContext& ctx, size_t input_index, const char* attr = "axes");
// Copies a tensor sharing its buffer, with a new shape (Reshape, Squeeze, ...).
Tensor reshaped(const Tensor& t, std::vector<int64_t> shape);

inline bool isFloatStorage(ir::ElemType t) {
  return t == ir::ElemType::Float || t == ir::ElemType::Float16 || t == ir::ElemType::BFloat16 ||
         t == ir::ElemType::Double;
}

// Copies element src_index of src into element dst_index of dst (same type).
void copyElement(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index);

}  // namespace nf::runtime

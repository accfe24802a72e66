#include "base/checked.h"

namespace nf {

std::optional<int64_t> checkedProduct(std::span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    auto next = checkedMul(n, d);
    if (!next) {
      // A later zero makes the product 0, and that is a real size.
      for (int64_t z : dims)
        if (z < 0) return std::nullopt;
      for (int64_t z : dims)
        if (z == 0) return 0;
      return std::nullopt;
    }
    n = *next;
  }
  return n;
}

std::optional<uint64_t> checkedBytes(int64_t n, int bits) {
  if (n < 0 || bits <= 0) return std::nullopt;
  auto total_bits = checkedMul(static_cast<uint64_t>(n), static_cast<uint64_t>(bits));
  if (!total_bits) return std::nullopt;
  return *total_bits / 8 + (*total_bits % 8 != 0);
}

std::string overflowMessage(std::span<const int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return "the size of a tensor of shape " + s + "] does not fit in 64 bits";
}

}  // namespace nf

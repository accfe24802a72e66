// diff/tensor_compare.cpp - element-wise distance of two tensors, read in bounded chunks.
#include "diff/tensor_compare.h"

#include <algorithm>
#include <cmath>

#include "weights/decode.h"

namespace nf::diff {

ValueComparison compareTensorValues(const ir::Model& ma, const ir::Tensor& ta, const ir::Model& mb,
                                    const ir::Tensor& tb, int64_t max_elements) {
  ValueComparison r;
  if (ta.dims != tb.dims) { r.error = "shapes differ"; return r; }
  if (!weights::isDecodable(ta.elem) || !weights::isDecodable(tb.elem)) { r.error = "not numeric"; return r; }
  int64_t count = ta.elementCount();
  if (count < 0) { r.error = "size unknown"; return r; }
  int64_t n = std::min(count, max_elements);
  r.sampled = n < count;
  constexpr int64_t kChunk = 1 << 16;
  double dot = 0, na = 0, nb = 0, nd = 0;
  for (int64_t first = 0; first < n; first += kChunk) {
    int64_t len = std::min(kChunk, n - first);
    auto xa = weights::readElements(ma, ta, first, len);
    if (!xa) { r.error = xa.error().message; return r; }
    auto xb = weights::readElements(mb, tb, first, len);
    if (!xb) { r.error = xb.error().message; return r; }
    size_t m = std::min(xa->size(), xb->size());
    for (size_t i = 0; i < m; ++i) {
      double a = (*xa)[i], b = (*xb)[i];
      double d = a - b;
      if (std::isnan(d)) {
        if (!(std::isnan(a) && std::isnan(b))) r.max_abs_diff = NAN;
        continue;
      }
      if (!std::isnan(r.max_abs_diff)) r.max_abs_diff = std::max(r.max_abs_diff, std::fabs(d));
      dot += a * b;
      na += a * a;
      nb += b * b;
      nd += d * d;
    }
  }
  r.compared = true;
  r.compared_elements = n;
  r.rel_l2_diff = na > 0 ? std::sqrt(nd / na) : (nd > 0 ? INFINITY : 0.0);
  r.cosine = (na > 0 && nb > 0) ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
  return r;
}

}  // namespace nf::diff

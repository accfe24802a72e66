// diff/tensor_compare.h - how far apart two initializers' values are.
#pragma once
#include <cstdint>
#include <string>

#include "ir/model.h"

namespace nf::diff {

struct ValueComparison {
  bool compared = false;   // false: not numeric, shapes differ, or data unreadable (see error)
  bool sampled = false;    // only the first `compared_elements` of a bigger tensor were read
  int64_t compared_elements = 0;
  double max_abs_diff = 0;
  double rel_l2_diff = 0;  // |a - b| / |a| (0 when both are zero)
  double cosine = 1;       // 1 when both are zero vectors
  std::string error;
};

// Reads both tensors (in chunks, through weights::readElements) up to max_elements
// each and compares them element by element. Element types may differ (fp32 vs fp16).
ValueComparison compareTensorValues(const ir::Model& ma, const ir::Tensor& ta, const ir::Model& mb,
                                    const ir::Tensor& tb, int64_t max_elements);

}  // namespace nf::diff

// runtime/npy.h - NumPy .npy files (format 1.0-3.0, C order, little-endian numeric
// and bool dtypes) to and from runtime tensors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/tensor.h"

namespace nf::runtime {

Result<Tensor> readNpy(const std::vector<uint8_t>& bytes);
std::vector<uint8_t> writeNpy(const Tensor& t);

}  // namespace nf::runtime

// runtime/ops_linalg.h - matrix product shared by MatMul and the quantized ops.
#pragma once
#include "runtime/kernel_context.h"

namespace nf::runtime {

// numpy matmul of a and b into output out_index (or into *out when given, already
// shaped). int8/uint8 inputs produce int32.
bool matmulTensors(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor* out, size_t out_index);

}  // namespace nf::runtime

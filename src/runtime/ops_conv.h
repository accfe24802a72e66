// runtime/ops_conv.h - convolution shared by Conv and the quantized convolutions.
#pragma once
#include "runtime/kernel_context.h"

namespace nf::runtime {

// Conv of x with w (+ bias) into output 0, with the node's attributes. Float
// storage types; the output has x's type.
bool convTensors(KernelContext& ctx, const Tensor& x, const Tensor& w, const Tensor* bias);

}  // namespace nf::runtime

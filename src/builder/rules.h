// builder/rules.h - shape and parameter-count rules of the catalog's layer families,
// and the small geometry helpers the emitters share with them.
//
// Every rule computes the canonical (channels-last, batch excluded) output dims with
// Keras semantics, which the PyTorch code is made to match exactly (see types.h).
// Where a framework cannot express a configuration, the rule reports it when asked
// for that framework (RuleContext::framework), so the node is marked before any code
// is generated.
#pragma once
#include <optional>

#include "builder/catalog.h"

namespace nf::builder::rules {

// [SECTION] Shape rules (one per family; catalog_layers.cpp wires them)
Result<IntList> input(const RuleContext& c);
Result<IntList> same(const RuleContext& c);  // output = input 0 (identity, activations, dropout)
Result<IntList> linear(const RuleContext& c);
Result<IntList> flatten(const RuleContext& c);
Result<IntList> reshape(const RuleContext& c);
Result<IntList> permute(const RuleContext& c);
Result<IntList> squeeze(const RuleContext& c);
Result<IntList> unsqueeze(const RuleContext& c);
Result<IntList> embedding(const RuleContext& c);
Result<IntList> conv(const RuleContext& c);            // Conv, DepthwiseConv, SeparableConv
Result<IntList> convTranspose(const RuleContext& c);
Result<IntList> pool(const RuleContext& c);
Result<IntList> adaptivePool(const RuleContext& c);
Result<IntList> globalPool(const RuleContext& c);
Result<IntList> channelsNorm(const RuleContext& c);    // BatchNorm, GroupNorm, InstanceNorm
Result<IntList> spatialSame(const RuleContext& c);     // rank-checked identity (SpatialDropout)
Result<IntList> axisSame(const RuleContext& c);        // Softmax/LogSoftmax: checks `axis`
Result<IntList> recurrent(const RuleContext& c);
Result<IntList> multiHeadAttention(const RuleContext& c);
Result<IntList> transformerEncoder(const RuleContext& c);
Result<IntList> transformerDecoder(const RuleContext& c);
Result<IntList> merge(const RuleContext& c);
Result<IntList> concatenate(const RuleContext& c);
Result<IntList> upsample(const RuleContext& c);
Result<IntList> zeroPad(const RuleContext& c);
Result<IntList> cropping(const RuleContext& c);
Result<IntList> onnxOp(const RuleContext& c);         // output_shape, else input 0's

// [SECTION] Parameter-count rules
ParamCount linearCount(const RuleContext& c, const IntList& out);
ParamCount embeddingCount(const RuleContext& c, const IntList& out);
ParamCount convCount(const RuleContext& c, const IntList& out);  // all conv kinds
ParamCount batchNormCount(const RuleContext& c, const IntList& out);
ParamCount affineNormCount(const RuleContext& c, const IntList& out);  // LayerNorm/GroupNorm/InstanceNorm
ParamCount preluCount(const RuleContext& c, const IntList& out);
ParamCount recurrentCount(const RuleContext& c, const IntList& out);
ParamCount multiHeadAttentionCount(const RuleContext& c, const IntList& out);
ParamCount transformerEncoderCount(const RuleContext& c, const IntList& out);
ParamCount transformerDecoderCount(const RuleContext& c, const IntList& out);
ParamCount onnxOpCount(const RuleContext& c, const IntList& out);  // float constants are parameters

// [SECTION] Helpers shared with the emitters

// The ONNX op layer's output is channels-first storage (onnx_op.h); `out_size` is its rank
// without the batch.
bool onnxOpChannelsFirst(const ParamMap& params, const std::vector<TensorInfo>& inputs, size_t out_size);
// An ONNX op layer's outputs 2, 3... (its more_outputs) as builder tensors; absent for an
// output without a shape. An error names malformed JSON.
Result<std::vector<std::optional<TensorInfo>>> onnxOpMoreOutputs(const ParamMap& params);

// Normalises a Keras-style axis (0 = batch, negative from the end) for a tensor of
// `rank` dims (batch excluded) to 1..rank; nullopt when out of range or the batch.
std::optional<int> normalizeAxis(int64_t axis, int rank);

// The PyTorch dim of canonical axis `axis` (1..rank) of `t` as the PyTorch code stores it.
int torchAxis(const TensorInfo& t, int axis);

// Keras 'same' convolution padding of one axis: total = before + after, after >= before.
struct AxisPad {
  int64_t before = 0, after = 0;
};
AxisPad samePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation);

// PyTorch pooling that reproduces Keras 'same' pooling output sizes: per-axis symmetric
// padding (at most kernel/2) and one ceil_mode flag; nullopt when none exists.
struct TorchPool {
  IntList padding;
  bool ceil_mode = false;
};
std::optional<TorchPool> torchSamePool(const IntList& in, const IntList& kernel, const IntList& stride,
                                       const IntList& keras_out);

// PyTorch ConvTranspose padding/output_padding giving Keras 'same' (out = in * stride).
struct TorchTransposePad {
  int64_t padding = 0, output_padding = 0;
};
std::optional<TorchTransposePad> torchSameTranspose(int64_t kernel, int64_t stride, int64_t dilation);

// Effective pooling stride: 0 means "equal to the pool size".
IntList poolStride(const IntList& kernel, const IntList& stride);

// "H", "W", "L", "D" axis names of a feature map of spatial rank r (for messages).
const char* spatialAxisName(int rank, int axis);

}  // namespace nf::builder::rules

// importer/builder_import.h - an ONNX model as an editable builder document.
//
// Each ONNX node whose op is a builder layer becomes that layer, named from its scope
// (scopeIdentifier: "/features/conv/Conv" -> "features_conv"), with its attributes and
// weight shapes as the layer's parameters: Conv1-3d (groups, dilation, symmetric or SAME
// padding), BatchNorm1-3d, ReLU / LeakyReLU / ELU / GELU / Sigmoid / Tanh, Max/AvgPool
// (explicit pads become a ZeroPad layer before the pool where that is the same function:
// an average that counts the padding, a max over a ReLU or Sigmoid output),
// GlobalAverage/MaxPool, Flatten(1), Gemm and MatMul(+Add) -> Linear, Add / Sub / Mul of
// two activations, Concat on the channel axis, Softmax on the last axis; Identity and
// Dropout pass through (an Identity of a weight is read through). Graph inputs become Input layers in the
// builder's channels-last convention (N,C,H,W -> H,W,C). Weights are not carried: the
// builder's code initialises afresh.
//
// Not yet: a generic "ONNX op" layer for everything else (an unmatched op is named in
// the error) and folded repeated blocks (the document is flat; its size is limited by
// builder::kMaxDocumentNodes).
#pragma once
#include <cstdint>

#include "base/result.h"
#include "builder/document.h"
#include "ir/model.h"

namespace nf::importer {

struct BuilderImport {
  builder::Document doc;
  int64_t onnx_nodes = 0;  // nodes of the main graph
  int64_t layers = 0;      // builder nodes made (Input layers included)
  int64_t onnx_op_layers = 0;  // of them generic ONNX op layers (nodes no builder layer matches)
};

Result<BuilderImport> onnxToBuilder(const ir::Model& model);

}  // namespace nf::importer

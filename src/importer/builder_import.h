// importer/builder_import.h - an ONNX model as an editable builder document.
//
// Each ONNX node whose op is a builder layer becomes that layer, named from its scope
// (scopeIdentifier: "/features/conv/Conv" -> "features_conv"), with its attributes and
// weight shapes as the layer's parameters: Conv1-3d (groups, dilation, symmetric or SAME
// padding), BatchNorm1-3d, ReLU / LeakyReLU / ELU / GELU / Sigmoid / Tanh, Max/AvgPool
// (ceil_mode kept; explicit pads become a ZeroPad layer before the pool where that is the
// same function: an average that counts the padding, a max over a ReLU or Sigmoid output),
// GlobalAverage/MaxPool (an adaptive pool to 1 where the map is used as a map),
// Flatten(1), Gemm and MatMul(+Add) -> Linear, Add / Sub / Mul of two activations of one
// shape, Concat on the channel axis, Softmax on the last axis; Identity and Dropout pass
// through (an Identity of a weight is read through). A pattern is used only where the
// PyTorch code stores its input as the layer wants it. Graph inputs become Input layers in
// the builder's channels-last convention (N,C,H,W -> H,W,C).
//
// Every other node becomes a generic ONNX op layer (builder/onnx_op.h) with its
// attributes, constant inputs and output shape from shape inference at batch 1; nodes
// whose outputs inference computes (shape arithmetic) become constants of their readers,
// and ConstantOfShape weights (the model zoo's light graphs) are weights. Refused, with
// the node named: a used second output, subgraphs, outputs without a shape. Weight values
// are not copied into the document: each Conv / BatchNorm / Linear layer remembers which
// ONNX tensors feed its parameters (Node::onnx_weights; MatMul weights, and Gemm's
// without transB, as transposed), and the builder's PyTorch code loads them from the
// file with --onnx. The document is flat; its size is limited by
// builder::kMaxDocumentNodes. The hierarchy's repeated series (outermost ones, with
// two or more instances: a transformer's "enc.layers" x96) come with it as folds, the
// layers each series' nodes became, for the canvas to show folded (builder/folds.h).
#pragma once
#include <cstdint>

#include "base/result.h"
#include "builder/document.h"
#include "builder/folds.h"
#include "ir/model.h"

namespace nf::importer {

struct BuilderImport {
  builder::Document doc;
  int64_t onnx_nodes = 0;  // nodes of the main graph
  int64_t layers = 0;      // builder nodes made (Input layers included)
  int64_t onnx_op_layers = 0;  // of them generic ONNX op layers (nodes no builder layer matches)
  std::vector<builder::Fold> folds;  // repeated series, in graph order
};

Result<BuilderImport> onnxToBuilder(const ir::Model& model);

}  // namespace nf::importer

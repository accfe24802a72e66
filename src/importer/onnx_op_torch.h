// importer/onnx_op_torch.h - torch code for the builder's generic "ONNX op" layer.
//
// The layer's node is rebuilt as a one-node ONNX graph (its activation inputs as graph
// inputs with the shapes PyTorch holds them in, its constants as initializers) and
// translated by the importer's per-op table, so an op reads the same in
// `netforge codegen MODEL.onnx` and in the builder's PyTorch code. Float constants become
// nn.Parameters (zeros, like an un-loaded weight), integer ones literals. The builder's
// PyTorch emitter receives this function as CodegenOptions::onnx_ops.
#pragma once
#include "base/result.h"
#include "builder/onnx_op.h"

namespace nf::importer {

Result<builder::OnnxOpCode> onnxOpTorch(const builder::OnnxOpRequest& request);

}  // namespace nf::importer

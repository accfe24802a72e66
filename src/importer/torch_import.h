// importer/torch_import.h - an ONNX model as readable PyTorch that loads the model's
// own weights.
//
// The main graph is read node by node (ONNX nodes are topologically ordered).
// Layers with their weights in initializers become torch.nn modules named from the
// node's scope ("/layer1/layer1.0/conv1/Conv" -> self.layer1_0_conv1): Conv ->
// nn.ConvNd, BatchNormalization -> nn.BatchNormNd, Gemm / MatMul(+Add) -> nn.Linear,
// Gather on a weight -> nn.Embedding, LayerNormalization -> nn.LayerNorm, pooling with
// torch-expressible pads -> nn.MaxPoolNd / nn.AvgPoolNd, Flatten(1) -> nn.Flatten.
// Every other op is one torch call in forward() (torch_ops.cpp); an op without a
// torch equivalent here is named in the error, never emitted as wrong code.
// Remaining float initializers become nn.Parameters, integer ones buffers, and small
// constants are written inline. The file maps every tensor it loads to its ONNX
// name (ONNX_WEIGHTS) and, run as a script, checks itself on .npy inputs.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"
#include "ir/model.h"

namespace nf::importer {

struct TorchImportOptions {
  bool load_weights = true;   // write load_onnx_weights() and the ONNX_WEIGHTS map
  std::string source_name;    // the ONNX file name, for the header comment
  bool fold_repeats = true;   // repeated blocks as one nn.Module class each (torch_blocks.h)
};

struct TorchImport {
  std::string code;
  int64_t onnx_nodes = 0;
  std::map<std::string, int64_t> layers;  // nn module class -> count ("nn.Conv2d": 20)
  int64_t op_calls = 0;                   // nodes emitted as torch function calls
  int64_t loaded_tensors = 0;             // entries of ONNX_WEIGHTS
  std::map<std::string, int64_t> block_classes;  // class for repeated blocks -> instances
};

// An error names the first op (and node) that has no torch equivalent, or the
// model feature (subgraphs, non-tensor inputs) that is not supported.
Result<TorchImport> onnxToPyTorch(const ir::Model& model, const TorchImportOptions& options = {});

// "/layer1/layer1.0/conv1/Conv" -> "layer1_0_conv1" (before making it a unique identifier).
std::string scopeIdentifier(const ir::Node& node);

}  // namespace nf::importer

// builder/onnx_weights.h - the Python that loads a model's own weights from its ONNX
// file: the ONNX_WEIGHTS name map (state_dict key -> ONNX tensor) and load_onnx_weights().
//
// One loader for both generators: `netforge codegen` (importer/torch_import.cpp) and the
// builder's PyTorch code for a document imported from ONNX (codegen_pytorch.cpp). The
// loader checks every entry before it copies anything: a tensor missing from the file,
// a key the model no longer has, or a shape that differs (a layer edited in the builder)
// is named in one ValueError, so a model is never loaded half or wrongly.
#pragma once
#include <string>
#include <vector>

namespace nf::builder {

struct OnnxWeightEntry {
  std::string key;          // state_dict key: "layer1_0_conv1.weight"
  std::string tensor;       // ONNX initializer (or Constant output) name
  bool transposed = false;  // stored as the transpose of what torch holds (MatMul / Gemm weights)
};

// "ONNX_WEIGHTS = {...}\n" with the entries packed several to a line.
std::string onnxWeightsTableCode(const std::vector<OnnxWeightEntry>& entries);
// The load_onnx_weights(model, onnx_path) function, preceded by two blank lines.
std::string onnxWeightsLoaderCode();

}  // namespace nf::builder

// onnxexport/export_onnx.h - a builder document as an ONNX model (opset 17).
//
// The model computes what the document's PyTorch code computes (builder/codegen_pytorch.cpp):
// tensors are stored the way that code stores them (feature maps channels-first, the
// batch first as a symbolic dim "N"), each layer becomes the ONNX nodes torch.onnx would
// write for it, and its weights become initializers with PyTorch's default
// initialisation (or zeros). Every layer's output is declared in value_info, so the
// sum of initializer elements equals the builder's parameter count (trainable plus
// BatchNorm running statistics); constants (shapes, axes, unit scales) are Constant
// nodes, never initializers.
//
// Used by `netforge export-onnx` and the builder's "Export ONNX".
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"
#include "builder/document.h"

namespace nf::onnxexport {

inline constexpr int kOpset = 17;  // the highest Debian's onnx 1.12 checker knows
inline constexpr int kIrVersion = 8;
// Largest weight payload we build in memory (protobuf cannot exceed 2 GiB anyway).
inline constexpr int64_t kMaxWeightBytes = int64_t{1} << 30;

enum class Init : uint8_t {
  Random,  // PyTorch's defaults: kaiming-uniform weights, uniform biases, N(0,1) embeddings
  Zeros,   // every weight and bias 0; norm scales and running statistics keep 1 / 0
};

struct ExportOptions {
  Init init = Init::Random;
  uint64_t seed = 0;
  int64_t max_weight_bytes = kMaxWeightBytes;  // lower it where memory is tight (fuzzing)
};

struct ExportResult {
  std::string bytes;         // the serialized ModelProto
  int64_t parameters = 0;    // initializer elements (= the builder's total parameter count)
  int64_t nodes = 0;         // ONNX nodes written
};

// Fails with one sentence (or the document's errors, one per line) when the document
// does not analyse cleanly for PyTorch or its weights exceed options.max_weight_bytes.
Result<ExportResult> exportOnnx(const builder::Document& doc, const ExportOptions& options = {});

// Parses "random" / "zeros"; nullopt otherwise.
std::optional<Init> parseInit(std::string_view s);

}  // namespace nf::onnxexport

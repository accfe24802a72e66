// onnxexport/lower.h - one builder layer -> ONNX nodes (shared by lower_layers.cpp and
// lower_sequence.cpp). Each lowering mirrors what the layer's PyTorch code computes
// (builder/codegen_pytorch.cpp) and returns the name of its output tensor, stored the
// way that code stores it (TensorInfo::channels_first).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "builder/catalog.h"
#include "builder/document.h"
#include "onnxexport/graph_writer.h"

namespace nf::onnxexport::detail {

struct LayerCtx {
  GraphWriter& w;
  const builder::Node& node;
  const builder::LayerSpec& spec;
  std::vector<std::string> inputs;             // input tensors by port, as stored
  std::vector<builder::TensorInfo> in_info;    // their builder shapes
  builder::TensorInfo out_info;
  std::string scope;                           // prefix of node and weight names
  std::vector<std::string> more_outputs;       // set by a multi-output layer: its outputs 2, 3... ("" if omitted)

  int64_t pi(const char* name) const { return std::get<int64_t>(node.params.at(name)); }
  double pf(const char* name) const { return std::get<double>(node.params.at(name)); }
  bool pb(const char* name) const { return std::get<bool>(node.params.at(name)); }
  const std::string& pe(const char* name) const { return std::get<std::string>(node.params.at(name)); }
  const builder::IntList& pt(const char* name) const { return std::get<builder::IntList>(node.params.at(name)); }
  const builder::TensorInfo& in(int port = 0) const { return in_info[static_cast<size_t>(port)]; }
  // Input `port` moved to the storage this layer wants (as the PyTorch code's movedim()).
  std::string arg(int port);
  std::string weightName(const std::string& suffix) const { return scope + "." + suffix; }
};

// Moves the channel axis of `x` (rank+1 dims with the batch): to position 1 when
// `to_channels_first`, else to the end.
std::string moveChannels(GraphWriter& w, const std::string& x, int rank, bool to_channels_first, const std::string& scope);

// A fully connected layer on the last axis of `x` (PyTorch's nn.Linear): Gemm for
// [N, F], MatMul + Add otherwise. `x_rank` counts the batch.
std::string linear(GraphWriter& w, const std::string& x, int x_rank, int64_t in_features, int64_t out_features,
                   bool bias, const std::string& name, const std::string& scope);

// x * Phi(x) (erf form) or its tanh approximation, as elementwise ops.
std::string gelu(GraphWriter& w, const std::string& x, const std::string& scope, bool tanh_approximation);

std::string lowerLayer(LayerCtx& c);      // every family but the sequence ones
std::string lowerRecurrent(LayerCtx& c);
std::string lowerAttention(LayerCtx& c);
std::string lowerTransformer(LayerCtx& c);

}  // namespace nf::onnxexport::detail

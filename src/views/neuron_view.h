// views/neuron_view.h - the neurons view (ANN Visualizer-style) of a model's dense part.
//
//   LayerGraph --findDensePart--> DensePart: the longest chain of dense layers (Gemm,
//     or MatMul with a constant 2-D weight) joined only by Flatten/Reshape/Dropout/
//     normalisation/bias/activation layers; an input column sized by the first dense
//     layer's input features; the conv/pool/flatten layers just before it as boxes;
//     weights of the drawn connections read with weights/decode.h
//   --drawNeurons--> Drawing: a column of circles per layer (input green, hidden blue,
//     output orange), a column of more than max_neurons units shows max_neurons - 1
//     of them (first and last) and "+M" for the rest; connections between drawn
//     neurons coloured by the weight's sign, width and opacity by its magnitude (grey
//     when the weights are not in the file); a caption saying what was left out.
//
// A model without dense layers gives a DensePart with no columns and a caption that
// says so (the picture is the caption). The chain search itself (densePartOf) knows
// only layers: ONNX models (findDensePart) and builder documents (builderDensePart,
// builder_layers.h) tell it which layers are dense and how wide. Each box and column
// names its layer (data-layer in the SVG; layerHotspots for hover and clicks).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"
#include "shapes/inference.h"
#include "views/drawing.h"
#include "views/layer_graph.h"

namespace nf::views {

struct NeuronOptions {
  uint32_t max_neurons = 12;  // per column; larger layers are truncated with "+M" (at least 3)
  bool weights = true;        // read weights for connection colour and width
};

enum class NeuronRole : uint8_t { Input, Hidden, Output };

struct NeuronColumn {
  NeuronRole role = NeuronRole::Hidden;
  std::string title;     // "Gemm · Relu", "Input"
  int64_t units = 0;
  std::vector<int64_t> shown;  // unit indices drawn, ascending
  uint32_t gap_after = 0;      // "+M" sits after this many drawn neurons (0: none)
  int64_t hidden() const { return units - static_cast<int64_t>(shown.size()); }
  // [this column's shown k][previous column's shown i]; empty when not read.
  std::vector<std::vector<float>> weights;
  int32_t layer = -1;  // the LayerGraph layer it draws (input column: the layer feeding it), -1 none
};

struct NeuronBox {  // a non-dense layer before the dense part
  std::string title;  // op type
  std::string detail; // output shape
  scene::OpCategory category = scene::OpCategory::Other;
  int32_t layer = -1;  // the LayerGraph layer it draws
};

struct DensePart {
  std::vector<NeuronBox> boxes;
  std::vector<NeuronColumn> columns;  // input column first; empty: no dense layers
  uint32_t dense_layers = 0;
  bool weights_read = false;  // at least one column has weights
  std::string caption;        // what is shown and what was left out
  // Said under the caption when no weights were read (why the connections are grey).
  std::string weights_note = "weights not available in the file: connections in grey";
};

// What the chain search needs of each layer: whether it is dense, and its features.
struct DenseLayer {
  bool dense = false;
  int64_t in = 0, out = 0;
};
// Fills col.weights for the dense `layer` from the previous column; false when not read.
using WeightReader = std::function<bool(uint32_t layer, const NeuronColumn& prev, NeuronColumn& col)>;

// The dense part of any layer graph: `dense` and `titles` are per layer ("Gemm · Relu");
// `read` may be empty (no weights). findDensePart (ONNX) and builderDensePart
// (views/builder_layers.h) call it with what their source knows.
DensePart densePartOf(const LayerGraph& graph, const std::vector<DenseLayer>& dense,
                      const std::vector<std::string>& titles, const NeuronOptions& options, const WeightReader& read);

// The unit indices a column of `units` shows with at most max_neurons circles, and
// where the "+M" gap goes.
std::vector<int64_t> shownUnits(int64_t units, uint32_t max_neurons, uint32_t* gap_after);

// `inferred` (optional) gives the dims of weights made by ConstantOfShape (models whose
// weights were stripped): their layers count as dense, with grey connections.
DensePart findDensePart(const ir::Model& model, const LayerGraph& graph, const NeuronOptions& options = {},
                        const shapes::InferenceResult* inferred = nullptr);
// `dark`: the dark look (pictureLook(true)'s paper and text).
Drawing drawNeurons(const DensePart& part, bool dark = false);

}  // namespace nf::views

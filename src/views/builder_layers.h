// views/builder_layers.h - a builder document as layers, for the layered view.
//
// One layer per document node (Input nodes are inputs), edges as drawn, shapes from
// the builder's shape propagation (builder/analysis.h) with the batch put back in
// front and feature maps channels-first as PyTorch stores them, so a builder CNN
// looks like its ONNX export. Activation layers (ReLU, Softmax, ...) fold into the
// layer before them, as for ONNX models. Nodes without a shape (errors) are drawn
// at the minimum size.
#pragma once
#include "builder/analysis.h"
#include "builder/document.h"
#include "views/layer_graph.h"
#include "views/neuron_view.h"

namespace nf::views {

LayerGraph layersFromBuilder(const builder::Document& doc, const builder::Analysis& analysis,
                             bool fold_activations = true);

// The neurons view of a builder document drawn as `layers` (from layersFromBuilder):
// its Linear/Dense layers as columns of neurons (features from the propagated shapes),
// conv/pool/flatten before them as boxes. A document has no trained weights, so the
// connections are grey and the picture says why.
DensePart builderDensePart(const builder::Document& doc, const builder::Analysis& analysis, const LayerGraph& layers,
                           const NeuronOptions& options = {});

}  // namespace nf::views

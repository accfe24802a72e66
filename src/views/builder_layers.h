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

namespace nf::views {

LayerGraph layersFromBuilder(const builder::Document& doc, const builder::Analysis& analysis,
                             bool fold_activations = true);

}  // namespace nf::views

// views/layer_graph.h - the model as layers: what the layered and neurons views draw.
//
// One layer per op node that does real work, built from the hierarchy's visible
// graph with every group open (hierarchy/visible.h), so the same decluttering as the
// graph view applies: constants and weights, shape bookkeeping (Shape -> Gather ->
// Concat) and Identity/Cast hops are folded away. On top of that, by default:
//   - activations fold into the layer they follow (Conv -> Relu is one "Conv" layer
//     whose output is the Relu's), as Keras's Conv2D(activation=...) would be, and so
//     do Reshape/Transpose/Squeeze/Unsqueeze/Dropout (the box keeps its layer's shape);
//   - op types named in type_ignore are removed, their inputs wired to their outputs;
//   - runs of consecutive identical blocks (siblings of one hierarchy repeat class,
//     each feeding the next) keep their first instance only, marked "×N" (a Region).
// Graph inputs are layers too (kind Input); graph outputs are not.
//
// Plain data, deterministic, O(nodes + edges) apart from sorting.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ir/model.h"
#include "scene/categories.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::views {

enum class LayerKind : uint8_t { Op, Input };

struct Layer {
  LayerKind kind = LayerKind::Op;
  ir::NodeId node;                  // Op: the layer's own node
  ir::ValueId value;                // Input: the graph input
  std::vector<ir::NodeId> folded;   // activations folded into it, in order
  std::string op_type;              // "Conv"; "Input" for inputs
  std::string name;                 // node or input name (clean)
  scene::OpCategory category = scene::OpCategory::Other;
  ir::Shape shape;                  // its output (after folded activations); rank unknown if not inferred
  int64_t params = 0;               // parameters of the node and its folded activations
  int32_t region = -1;              // index into LayerGraph::regions, -1 none
  uint32_t group = 0;               // its node's deepest hierarchy group (LayerGraph::groups); 0 = root
  int8_t channels_first = -1;       // rank-3 shapes: 1 = (N, C, L), 0 = (N, T, F), -1 = by op type
  // Builder documents (builder_layers.h): the indices in Document::nodes() of the node
  // drawn and of the activations folded into it, in that order; empty for ONNX models.
  std::vector<uint32_t> sources;
};

// The hierarchy's groups (name scopes, series, blocks), for labelled background regions.
struct LayerGroup {
  std::string name;
  uint32_t parent = 0;  // root's parent is itself
  uint32_t depth = 0;   // root 0
};

struct LayerEdge {
  uint32_t from = 0;
  uint32_t to = 0;
};

// A run of identical blocks folded to its first instance: the layers drawn for it
// and how many instances it stands for.
struct Region {
  std::string name;    // the first instance's group name ("layer1.1")
  uint32_t repeat = 1; // instances in the run (>= 2)
  std::vector<uint32_t> layers;
};

struct LayerGraph {
  std::vector<Layer> layers;  // graph inputs first, then nodes in graph order
  std::vector<LayerEdge> edges;  // sorted, no duplicates
  std::vector<Region> regions;
  std::vector<LayerGroup> groups;  // [hierarchy GroupId]; groups[0] is the root
  uint32_t folded_activations = 0;  // activations and reshapes folded into a layer
  uint32_t ignored_layers = 0;     // removed by type_ignore
  uint32_t repeat_hidden = 0;      // layers of the folded instances
  uint32_t bookkeeping_nodes = 0;  // constants, shape ops, Identity/Cast folded away
  bool modules = false;            // one box per module (asked for, or chosen by modules_above)

  std::vector<uint32_t> preds(uint32_t layer) const;
  // The ancestor of `layer`'s group at `depth` (0 = the root when it is shallower).
  uint32_t groupAtDepth(uint32_t layer, uint32_t depth) const;
  std::vector<uint32_t> succs(uint32_t layer) const;
};

struct LayerGraphOptions {
  bool fold_activations = true;
  bool fold_repeats = true;
  bool show_inputs = true;
  // One box per deepest name scope (module) instead of per op: its layers contract
  // into one box named by the scope, sized by the scope's last output and coloured by
  // its most telling op (conv, then matmul, normalisation, pooling...).
  bool modules = false;
  // Auto: when the op boxes exceed this many and the model has name scopes, draw
  // modules instead (a ViT-B/16: 91 op boxes -> 21 modules; ResNet-50 keeps its 42 op
  // boxes and their residual branches). 0 = never.
  uint32_t modules_above = 0;
  std::vector<std::string> type_ignore;  // op types to hide ("Add", "Flatten"); "Input" hides inputs
};

// The main graph's layers. `inference` and `metrics` must be of this model.
Result<LayerGraph> buildLayerGraph(const ir::Model& model, const shapes::InferenceResult& inference,
                                   const shapes::Metrics& metrics, const LayerGraphOptions& options = {});

// The dims a layer box is sized by, from an output shape: height (H), depth (W) and
// channels (C); -1 where the shape has no such dim or it is not a known number.
// NCHW and NCDHW (H, W of the last two), NCL for conv/pool/batch-norm layers of rank 3,
// otherwise rank 3 is (batch, tokens, features): H = tokens, C = features; rank 2 is
// (batch, features): H = features.
struct BoxDims {
  int64_t h = -1, w = -1, c = -1;
};
// `channels_first` (0 or 1) overrides the op-type rule for rank 3.
BoxDims boxDims(const ir::Shape& shape, std::string_view op_type, int8_t channels_first = -1);

}  // namespace nf::views

// shapes/metrics.h - parameters, MACs, FLOPs and activation memory per node,
// per name-scope group and per model, computed from inferred shapes.
//
// Counting convention (also in src/shapes/README.md):
//   - Parameter: the elements of a constant tensor a node consumes as data:
//     initializers, plus tensors generated from constants by Constant /
//     ConstantOfShape nodes. Not counted: tensors read only as shape-like
//     arguments (Reshape's shape, Slice's starts, Resize's scales, Gather's
//     indices...) or only by nodes that compute shapes; Constant-node scalars;
//     ConstantOfShape of a runtime shape (a buffer). A tensor shared by several
//     nodes counts once, for the first node (in execution order) that reads it; a
//     node computing a constant (DequantizeLinear of a weight) hands its
//     parameters on to the node that uses its output.
//   - MAC: one multiply-accumulate of a dense product. Only Conv/ConvTranspose
//     (with groups and dilations), Gemm, MatMul (batched), Einsum, attention and
//     recurrent layers have MACs. Pooling, normalisation, activations and other
//     elementwise ops have FLOPs but no MACs.
//   - FLOPs: 2 per MAC, plus bias additions, plus for other ops a per-element
//     cost (1 for elementwise and reductions per input element, kernel size per
//     pooled output, 2 for BatchNormalization, 5 for normalisations that compute
//     statistics, 3 for Softmax). Data movement (Reshape, Transpose, Gather,
//     Concat, Slice, Cast...) is free.
//   - Activation memory: bytes of a node's outputs. Nodes whose outputs are
//     constants (computable from initializers alone) hold no activations.
//   - Peak activation memory: execution in node order, graph inputs live from the
//     start, each tensor freed after its last consumer, graph outputs kept.
//   - Control flow: If costs its most expensive branch, Loop its body times the
//     trip count (once when the count is unknown), Scan its body times the
//     sequence length; body parameters belong to the control-flow node.
// A number that needed an unknown shape is reported as 0 with a *_known flag
// false, so totals are lower bounds and say so. A number past the type's range
// (hostile dims) saturates at kOverflow (base/checked.h), shown as "overflow".
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/model.h"
#include "shapes/inference.h"

namespace nf::shapes {

struct NodeMetrics {
  int64_t params = 0;        // elements of parameter tensors attributed to this node
  uint64_t param_bytes = 0;  // their storage
  int64_t macs = 0;          // multiply-accumulates (including bodies of control flow)
  int64_t flops = 0;
  uint64_t output_bytes = 0;  // activation memory of the outputs (0 for constant nodes)
  bool macs_known = true;     // false: a shape the cost needed was unknown
  bool output_known = true;   // false: an output size was unknown
  bool constant = false;      // all outputs computable from constants alone
};

struct DtypeParams {
  ir::ElemType elem = ir::ElemType::Undefined;
  int64_t count = 0;   // elements
  uint64_t bytes = 0;  // storage
};

struct Totals {
  int64_t params = 0;
  uint64_t param_bytes = 0;
  int64_t macs = 0;
  int64_t flops = 0;
  uint64_t activation_bytes = 0;       // sum of node output bytes
  uint64_t peak_activation_bytes = 0;  // simulated execution (model totals only)
  int nodes = 0;
  int nodes_cost_unknown = 0;  // nodes whose MACs/FLOPs needed an unknown shape
};

// One name-scope group ("layer1/layer1.0" at depth 2).
struct GroupRow {
  std::string scope;  // "" for nodes outside any scope
  int depth = 0;      // number of scope segments in `scope`
  Totals totals;      // params/MACs/FLOPs/activation sums (no peak)
  std::vector<ir::NodeId> nodes;  // main-graph nodes in the group, in execution order
};

struct Metrics {
  std::vector<std::vector<NodeMetrics>> graphs;  // [GraphId][NodeId]
  Totals totals;                                 // the model (main graph, bodies rolled in)
  std::vector<DtypeParams> params_by_dtype;      // sorted by element type
  std::vector<ir::NodeId> order;                 // main-graph execution order used

  const NodeMetrics& node(ir::GraphId g, ir::NodeId n) const;
  const NodeMetrics& node(ir::NodeId n) const { return node(ir::GraphId{0}, n); }
};

Metrics computeMetrics(const ir::Model& model, const InferenceResult& inference);

// computeMetrics in slices (the app's model comparison runs it between frames):
// step(budget_ms) walks main-graph nodes until about that long has passed (<= 0: to
// the end) and resumes there; a node's bodies go with it. Same result as
// computeMetrics. The model and inference must outlive the job.
class MetricsJob {
 public:
  MetricsJob(const ir::Model& model, const InferenceResult& inference);
  ~MetricsJob();
  MetricsJob(const MetricsJob&) = delete;
  MetricsJob& operator=(const MetricsJob&) = delete;
  bool step(double budget_ms);  // true once done
  bool done() const;
  Metrics take();               // once done()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The name-scope segments of a node name: "/layer1/layer1.0/conv1/Conv" gives
// {"layer1", "layer1.0", "conv1"} (the last segment names the node itself).
// Names are split on any character of `separators`; empty segments are dropped.
std::vector<std::string> scopeOf(std::string_view node_name, std::string_view separators = "/");

// Main-graph nodes grouped by the first `depth` scope segments of their names
// (depth <= 0: one group for the whole model), in order of first appearance.
std::vector<GroupRow> groupTotals(const ir::Model& model, const Metrics& metrics, int depth,
                                  std::string_view separators = "/");

}  // namespace nf::shapes

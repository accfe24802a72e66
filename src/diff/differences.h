// diff/differences.h - what changed between two models, from their matching.
//
//   compareModels(a, b)
//     matchModels                 pairs (match.h)
//     inferShapes + metrics       both sides, for input/output types and group deltas
//     per node pair               op, attributes old -> new, input/output types, rewired inputs,
//                                 initializers read that changed
//     per initializer pair        dtype, shape, values (tensor_compare.h, bounded)
//     graph                       inputs, outputs, opsets, IR version, producer, metadata
//     rewrites                    unpaired regions seen as one edit: Conv+BatchNormalization
//                                 fused, LayerNorm decomposed, QDQ wrappers, op replaced
//     groups                      top-level name scopes: node count, params, MACs, A vs B
// A pair whose list of changes is empty is "same": names alone never count (a model
// whose every name was scrambled compares equal).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diff/match.h"
#include "diff/tensor_compare.h"
#include "ir/model.h"

namespace nf::diff {

struct Change {
  std::string what;  // "op_type", "attribute kernel_shape", "input 0 type", "input 1 source", ...
  std::string a, b;  // old and new, as text ("" = absent)
};

struct NodeDiff {
  NodePair pair;
  std::vector<Change> changes;
  bool same() const { return changes.empty(); }
};

struct InitializerDiff {
  InitializerPair pair;
  std::vector<Change> changes;
  ValueComparison values;  // compared when contents differ and shapes agree
  bool same() const { return changes.empty(); }
};

struct Rewrite {
  std::string kind;         // "conv_bn_fused", "conv_bn_unfused", "layernorm_fused", "layernorm_decomposed",
                            // "qdq_added", "qdq_removed", "replaced"
  std::string description;  // "Conv+BatchNormalization fused into Conv"
  std::vector<uint32_t> a_nodes, b_nodes;  // node indices (unpaired on their side, or the fused node)
};

struct GroupDelta {
  std::string scope;  // top-level name scope ("" = nodes outside any)
  int nodes_a = 0, nodes_b = 0;
  int64_t params_a = 0, params_b = 0;
  int64_t macs_a = 0, macs_b = 0;
};

struct CompareOptions {
  MatchOptions match;
  int64_t max_value_elements = 1 << 20;  // per tensor, for value statistics
  bool group_deltas = true;
};

struct Report {
  Matching matching;
  std::vector<NodeDiff> nodes;         // one per pair, ordered by a's index
  std::vector<uint32_t> removed;       // A nodes without a pair, in order
  std::vector<uint32_t> added;         // B nodes without a pair
  std::vector<InitializerDiff> initializers;
  std::vector<int32_t> initializers_removed, initializers_added;
  std::vector<Change> graph;           // inputs/outputs/opset/metadata
  std::vector<Rewrite> rewrites;
  std::vector<GroupDelta> groups;      // only groups that differ
  bool equal() const;
  int changedNodes() const;
};

// compareModels in slices, for the app (the web build has one thread): step(budget_ms)
// works for about that long (<= 0: to the end) and resumes where it stopped; each unit
// of work (a matching stage, one side's shape inference, a batch of pairs) is short on
// a 30k-node model. The models must outlive the job; dropping it cancels.
class CompareJob {
 public:
  CompareJob(const ir::Model& a, const ir::Model& b, const CompareOptions& options = {});
  ~CompareJob();
  CompareJob(const CompareJob&) = delete;
  CompareJob& operator=(const CompareJob&) = delete;
  bool step(double budget_ms);  // true once done
  bool done() const;
  const char* label() const;    // what it does now ("matching names", "comparing nodes")
  float progress() const;       // 0..1, roughly
  double longestUnitMs() const; // the longest unit so far (a step overruns by at most this)
  Report take();                // once done()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Report compareModels(const ir::Model& a, const ir::Model& b, const CompareOptions& options = {});

// "name" or "#index" for a node without a name (how reports refer to nodes).
std::string nodeLabel(const ir::Graph& g, uint32_t index);

}  // namespace nf::diff

// hierarchy/topology.h - the tensor edges of one graph as flat arrays.
//
// Built once per graph; everything that runs on every expand/collapse (the visible
// graph) and the repeated-structure search read these arrays instead of chasing
// ir::Value consumer lists.
//
// Terminals: every edge runs between two terminals, numbered in one space so a
// plain uint32_t names any endpoint:
//   [0, node_count)                         nodes (the NodeId index)
//   [node_count, node_count + inputs)        graph inputs that are not initializers
//   [.., + outputs)                          graph outputs
// Initializers, constants folded into attributes and outer-scope values are not
// terminals: an edge needs a producer a user can see.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/model.h"

namespace nf::hierarchy {


// One tensor connection. `src` produces `value` through its output `src_slot`,
// `dst` consumes it through its input `dst_slot` (0 for graph inputs/outputs).
struct TensorEdge {
  uint32_t src = kNoIndex;
  uint32_t dst = kNoIndex;
  ir::ValueId value;
  uint16_t src_slot = 0;
  uint16_t dst_slot = 0;
};

struct Topology {
  uint32_t node_count = 0;
  std::vector<ir::ValueId> inputs;   // terminals node_count + i: real graph inputs, file order
  std::vector<ir::ValueId> outputs;  // terminals node_count + inputs.size() + i, file order

  // Every edge, sorted by (value, dst, dst_slot): edges of one tensor are adjacent.
  std::vector<TensorEdge> edges;

  // Node-to-node adjacency (CSR). in_edges of node n are edges[in_index[k]] for k in
  // [in_begin[n], in_begin[n+1]), sorted by dst_slot; out_edges likewise, sorted by
  // (src_slot, dst, dst_slot). Only edges whose both ends are nodes appear here.
  std::vector<uint32_t> in_begin, in_index;
  std::vector<uint32_t> out_begin, out_index;

  // Per node: the terminal producing its input 0 (a node or a graph input), kNoIndex
  // when that input is omitted, an initializer or from an outer scope. The data input
  // of Identity/Cast, which the visible graph follows to bypass them.
  std::vector<uint32_t> first_input_src;

  // Structural label of each node: equal labels mean equal domain, op type and
  // non-tensor attributes. Dense ids in [0, label_count), numbered in order of the
  // sorted label keys so they do not depend on node order.
  std::vector<uint32_t> label;
  uint32_t label_count = 0;

  uint32_t terminalCount() const {
    return node_count + static_cast<uint32_t>(inputs.size() + outputs.size());
  }
  bool isNode(uint32_t t) const { return t < node_count; }
  bool isInput(uint32_t t) const { return t >= node_count && t < node_count + inputs.size(); }
  bool isOutput(uint32_t t) const { return t >= node_count + inputs.size() && t < terminalCount(); }
  uint32_t inputTerminal(size_t i) const { return node_count + static_cast<uint32_t>(i); }
  uint32_t outputTerminal(size_t i) const {
    return node_count + static_cast<uint32_t>(inputs.size() + i);
  }
};

// Builds the arrays for `g`. Values consumed but produced by nobody a user can see
// (initializers, outer scope, dangling names) give no edge.
Topology buildTopology(const ir::Graph& g);

// buildTopology in parts, each one call of step(): the tensor edges, their order, the
// adjacency, the labels (a 200k-node graph's arrays take tens of ms in one piece,
// which would block the page: HierarchyJob gives each part a call). buildTopology
// runs every part; the graph must outlive the builder.
class TopologyBuilder {
 public:
  explicit TopologyBuilder(const ir::Graph& g);
  bool step();      // does the next part; true once all are done
  Topology take();  // once step() returned true (moves the result out)

 private:
  const ir::Graph& g_;
  uint32_t part_ = 0;
  Topology t_;
  std::vector<uint32_t> producer_;       // per value: producing node or input terminal (edges part)
  std::vector<uint16_t> producer_slot_;  // per value: the producer's output slot
};

}  // namespace nf::hierarchy

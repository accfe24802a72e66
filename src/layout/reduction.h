// layout/reduction.h - exact shrinking of a layering problem before network simplex.
//
// Minimising sum(weight * length) subject to length >= minlen keeps its optimum when
//   - a pendant node (one incident edge) is removed: it is placed at exactly minlen
//     from its neighbour afterwards, repeatedly, so whole hanging trees go (constants,
//     graph inputs, output heads);
//   - a directed chain u -> v1 -> ... -> vk -> w (each vi with one edge in and one out)
//     becomes one edge u -> w with minlen = the sum and weight = the minimum: at the
//     optimum every chain edge is tight except the lightest, which takes the slack;
//   - parallel edges merge (weights add, minlens take the maximum).
// ONNX graphs are mostly such chains and pendant constants: transformer and DenseNet
// exports shrink 3-6x, and network simplex gets both fewer nodes and fewer pivots.
//
// Usage: build() once per round (a round can expose new pendants/chains, so the
// layering applies up to a few rounds), solve the reduced problem, then expand()
// each round in reverse order.
#pragma once
#include <cstdint>
#include <vector>

#include "layout/network_simplex.h"

namespace nf::layout {

class Reduction {
 public:
  // Precondition: `edges` is a simple DAG on n nodes (no parallel edges, no loops).
  void build(uint32_t n, const std::vector<SimplexEdge>& edges);
  uint32_t reducedCount() const { return static_cast<uint32_t>(kept_.size()); }
  const std::vector<SimplexEdge>& reducedEdges() const { return reduced_; }  // simple DAG over reduced ids
  // Ranks for all n original nodes from ranks of the reduced nodes.
  void expand(const std::vector<int32_t>& reduced_rank, std::vector<int32_t>& rank) const;

 private:
  struct Placement {
    uint32_t node;    // original id placed by this record
    uint32_t anchor;  // original id already placed
    int32_t offset;   // rank[node] = rank[anchor] + offset
  };
  uint32_t n_ = 0;
  std::vector<uint32_t> kept_;        // reduced id -> original id
  std::vector<SimplexEdge> reduced_;
  std::vector<Placement> chains_;     // applied first (anchors are kept nodes)
  std::vector<Placement> peeled_;     // applied last to first (anchors placed earlier)
};

}  // namespace nf::layout

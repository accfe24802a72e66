// layout/layering.h - phase 2: assign ranks (layers).
//
//   Weights    edge weights for the total-length objective: kWeightScale, divided by
//              the size of the edge's fan-out when bundling (splitting.h) is on and
//              the fan-out has at least kBundleWeightMinEdges edges. k edges sharing one trunk cost about their longest span, not the
//              sum, so stretching one of them is nearly free; this moves side chains
//              (Shape -> Gather -> Concat -> Reshape) next to their consumer instead of
//              next to a far-away shared producer
//   Merge      parallel edges become one weighted edge (a simple DAG)
//   Reduce     exact shrinking, up to kReduceRounds rounds (layout/reduction.h):
//              pendant trees and directed chains leave the problem
//   Initial    on the reduced graph: longest path (respecting minimum lengths), then
//              greedy passes that move a node towards its heavier side as far as its
//              neighbours allow (never lengthening the total). This alone is the fast
//              strategy for huge graphs
//   Simplex    network simplex from there (layout/network_simplex.h), capped in
//              iterations and work
//   Expand     chains and pendant trees placed optimally around the reduced solution
//   Normalize  every weakly connected component starts at rank 0
//
// Strategy (Options::layering): Auto uses Simplex when the reduced problem has at most
// Options::simplex_max_nodes nodes (ONNX graphs shrink several-fold and converge in
// few pivots; graphs that do not reduce, e.g. random ones, would pay O(V) pivots).
// Precondition: AcyclicGraph postcondition. Postcondition: Ranking (phase_data.h).
#pragma once
#include <memory>
#include <vector>

#include "layout/budget.h"
#include "layout/network_simplex.h"
#include "layout/phase_data.h"
#include "layout/reduction.h"
#include "layout/types.h"

namespace nf::layout {

class Layering {
 public:
  static constexpr int32_t kWeightScale = 8;
  // Fan-outs of at least this many edges count as bundles in the objective. Spans are
  // unknown here, so this guesses which fan-outs splitting will bundle; small ones
  // mostly stay separate edges (Options::bundle_min_saving) and keep full weight.
  static constexpr int32_t kBundleWeightMinEdges = 16;
  static constexpr int kReduceRounds = 3;

  Layering(const Graph& input, const AcyclicGraph& graph, const Options& options);
  ~Layering();
  bool run(Budget& budget);
  float progress() const;
  Ranking& result() { return out_; }
  // Nodes left for network simplex after the reduction (for statistics and tests).
  uint32_t reducedNodeCount() const { return reduced_nodes_; }

 private:
  enum class Stage : uint8_t { Weights, Merge, Reduce, Initial, SimplexSetup, Simplex, Expand, Normalize, Done };

  const Graph& input_;
  const AcyclicGraph& g_;
  Options options_;
  bool use_simplex_ = false;
  Ranking out_;
  Stage stage_ = Stage::Weights;
  std::vector<int32_t> weight_;       // [input edge]
  std::vector<std::pair<uint32_t, uint32_t>> group_;  // scratch: (slot or head, edge or weight)
  uint32_t cursor_ = 0;
  std::vector<SimplexEdge> edges_;    // the current (reduced) problem
  uint32_t nodes_ = 0;                // its node count
  std::vector<Reduction> rounds_;
  std::vector<int32_t> rank_;         // ranks of the current problem's nodes
  uint32_t reduced_nodes_ = 0;
  std::unique_ptr<NetworkSimplex> simplex_;
};

}  // namespace nf::layout

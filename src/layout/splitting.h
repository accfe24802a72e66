// layout/splitting.h - phase 3: long-edge splitting into the proper layered graph.
//
// An edge spanning k > 1 ranks becomes a chain through k - 1 dummy nodes, one per
// rank in between, so every segment joins adjacent ranks. With
// Options::bundle_fanout, the long edges leaving one output port (same tail, same
// port slot, not reversed) share one trunk of dummies reaching down to the deepest
// target; each edge leaves the trunk at the dummy just above its target. Dummies are
// then O(sum over ports of the longest span) instead of O(sum of all spans), which
// keeps DenseNet-style concatenations and a transformer's encoder-to-every-decoder
// edges small. A fan-out is bundled only when sharing saves at least
// Options::bundle_min_saving dummies: separate edges can each pass on their own side
// of an obstacle, so small fan-outs cross less unbundled (measured: a transformer
// went from 50 crossings bundled to 0).
//
// Port slots: an edge end on a side with fixed ports gets its port index as slot
// (kFreePort and reversed edges get the middle port); on a free side the slot is 0.
// Internal widths/heights are the input's, swapped for LeftToRight.
//
// Preconditions: AcyclicGraph and Ranking postconditions; the graph passed
// validateGraph(). Postcondition: ProperGraph (phase_data.h).
#pragma once
#include <cstdint>
#include <vector>

#include "layout/budget.h"
#include "layout/csr.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class Splitting {
 public:
  Splitting(const Graph& graph, const AcyclicGraph& acyclic, const Ranking& ranking, const Options& options)
      : graph_(graph), acyclic_(acyclic), ranking_(ranking), options_(options) {}
  bool run(Budget& budget);
  float progress() const;
  ProperGraph& result() { return out_; }

 private:
  enum class Stage : uint8_t { Nodes, Edges, DownLists, UpLists, Done };
  uint32_t upperSlot(uint32_t e) const;
  uint32_t lowerSlot(uint32_t e) const;
  uint32_t addDummy(int32_t rank);
  uint32_t addSegment(uint32_t upper, uint32_t lower, uint32_t upper_slot, uint32_t lower_slot, uint32_t weight);
  void splitFrom(uint32_t v);  // all non-self-loop edges with internal tail v
  void splitAlone(uint32_t e);

  const Graph& graph_;
  const AcyclicGraph& acyclic_;
  const Ranking& ranking_;
  Options options_;
  ProperGraph out_;
  Stage stage_ = Stage::Nodes;
  uint32_t cursor_ = 0;
  CsrBuild csr_;
  std::vector<uint32_t> group_;        // scratch: edge ids of one bundle
  std::vector<uint32_t> span_counts_;  // scratch: edges per span within a bundle
};

}  // namespace nf::layout

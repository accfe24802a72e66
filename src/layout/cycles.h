// layout/cycles.h - phase 1: make the graph acyclic by reversing a feedback edge set.
//
// Strategy: depth-first search from the sources (in node order), then from any node
// not yet reached (in node order); an edge to a node still on the DFS stack closes a
// cycle and is reversed. O(V + E), deterministic. On a DAG nothing is reversed.
// Self-loops are flagged and left out of the orientation (routing draws them apart).
//
// Precondition: the graph passed validateGraph() (endpoints in range).
// Postcondition: AcyclicGraph as documented in layout/phase_data.h.
#pragma once
#include <cstdint>
#include <vector>

#include "layout/budget.h"
#include "layout/csr.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class CycleBreaking {
 public:
  explicit CycleBreaking(const Graph& graph) : graph_(graph) {}
  // Resumable: true when finished; false when the budget stopped it (call again).
  bool run(Budget& budget);
  float progress() const;
  AcyclicGraph& result() { return out_; }

 private:
  enum class Stage : uint8_t { Adjacency, Roots, Search, Orient, OutLists, InLists, Done };
  struct Frame {
    uint32_t node;
    uint32_t next;  // cursor into the node's out-edge list
  };

  const Graph& graph_;
  AcyclicGraph out_;
  Stage stage_ = Stage::Adjacency;
  std::vector<uint32_t> begin_, list_;  // input out-edges by `from`, self-loops excluded
  std::vector<uint8_t> state_;          // 0 unvisited, 1 on stack, 2 finished
  std::vector<Frame> stack_;
  std::vector<uint32_t> roots_;
  uint32_t root_cursor_ = 0;
  uint32_t visited_ = 0;
  uint32_t cursor_ = 0;
  CsrBuild csr_;
};

}  // namespace nf::layout

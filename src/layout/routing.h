// layout/routing.h - phase 6: edge routes and the final Layout.
//
// Each edge runs through the bend points of its path: its port on the tail's bottom
// side, straight down through every dummy's layer band (a vertical line at the dummy's
// x, top to bottom of the band), and its port on the head's top side. Between two bend
// points the curve is a cubic with vertical tangents at both ends (control points
// halfway in y), so the whole route is smooth (G1) and leaves and enters nodes
// vertically; where two bend points share x the cubic is a straight line and runs of
// them are merged. Reversed edges are emitted from their input `from` to their `to`.
// Self-loops leave the bottom, go round the right side and enter the top.
//
// Then the internal top-to-bottom frame is transposed for LeftToRight (x <-> y), the
// bounds are computed and everything is shifted so the bounds start at (0, 0).
//
// Preconditions: Placement postcondition. Postcondition: Layout (types.h): every route
// starts and ends on the border of its nodes; bounds contain all boxes and points.
#pragma once
#include <cstdint>
#include <vector>

#include "layout/budget.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class Routing {
 public:
  Routing(const Graph& graph, const AcyclicGraph& acyclic, const ProperGraph& proper, const Placement& placement,
          const Options& options)
      : graph_(graph), acyclic_(acyclic), g_(proper), p_(placement), options_(options) {}
  bool run(Budget& budget);
  float progress() const;
  Layout& result() { return out_; }

 private:
  enum class Stage : uint8_t { Nodes, Edges, Finish, Done };
  struct P {
    double x, y;
  };
  void addBend(double x, double y);
  void buildTrunk(uint32_t first_segment);
  void routeEdge(uint32_t e);
  void routeSelfLoop(uint32_t e);
  void emit(uint32_t e, bool reversed);

  const Graph& graph_;
  const AcyclicGraph& acyclic_;
  const ProperGraph& g_;
  const Placement& p_;
  Options options_;
  Layout out_;
  Stage stage_ = Stage::Nodes;
  uint32_t cursor_ = 0;
  std::vector<P> bends_;
  double edge_length_ = 0.0;
  // Shared trunks, built once: the compressed bends of the whole trunk starting at a
  // segment, each with the trunk dummy index its y belongs to. An edge leaving after
  // k dummies takes the bends up to index k - 1 (binary search), so routing costs
  // O(bends) per edge, not O(span): a transformer's encoder output feeds every decoder
  // layer through one trunk thousands of layers long.
  struct TrunkBend {
    double x, y;
    uint32_t dummy;
  };
  std::vector<uint32_t> trunk_at_;        // [segment] -> index into trunk_begin_, or kNoIndex
  std::vector<uint32_t> trunk_begin_;     // offsets into trunk_bends_ (one extra at the end)
  std::vector<TrunkBend> trunk_bends_;
};

}  // namespace nf::layout

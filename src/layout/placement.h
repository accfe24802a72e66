// layout/placement.h - phase 5: coordinates.
//
//   Ports       attach offsets of every segment end: fixed ports at (i + 0.5) / N of
//               the side; a free side spreads its ends evenly, ordered by the
//               positions of their other ends (so they never cross there)
//   Conflicts   Brandes-Koepf type-1 conflicts: a segment crossing an inner segment
//               (dummy to dummy) may not be aligned, so long edges stay straight
//   Align x4    vertical alignment to the upper/lower medians, scanning left/right:
//               blocks of nodes that share one x. Real nodes of a block share their
//               centre x; dummies get an offset ("inner shift") so a long edge hangs
//               exactly below (or above) the port it attaches to. Shifting real nodes
//               by port offsets too would make chains of multi-input nodes drift
//               sideways by a quarter node per step
//   Compact x4  blocks placed by a longest-path pass over the block graph, then pulled
//               towards their successors (no slack left)
//   Balance     the four layouts aligned to the narrowest; each node takes the mean
//               of its two median x values (order statistics keep separations valid).
//               Then the straightest of these five candidates wins (least total
//               horizontal offset along segments): on repetitive models one scan
//               direction can drift sideways layer after layer and the balanced mean
//               inherits half the drift (ELK likewise defaults to a single direction)
//   Vertical    layer r is as tall as its tallest node; Options::rank_sep between
//
// Brandes & Koepf, "Fast and Simple Horizontal Coordinate Assignment" (2001), with
// the fixes of Brandes, Walter & Zink (2020) for the balanced combination.
// Separation of neighbours a, b: (width_a + width_b) / 2 + gap, where gap is
// node_sep between real nodes, edge_sep between dummies and their mean otherwise.
//
// Preconditions: Ordering postcondition. Postcondition: Placement (phase_data.h).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "layout/budget.h"
#include "layout/csr.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class Positioning {
 public:
  Positioning(const ProperGraph& graph, const Ordering& ordering, const Options& options)
      : g_(graph), o_(ordering), options_(options) {}
  bool run(Budget& budget);
  float progress() const;
  Placement& result() { return out_; }

  // Minimum centre distance of neighbours a (left) and b (right) in a layer.
  static double separation(const ProperGraph& g, const Options& options, uint32_t a, uint32_t b);

 private:
  enum class Stage : uint8_t { Ports, Conflicts, Align, Compact, Balance, Vertical, Done };
  struct Nb {
    uint64_t key;
    uint32_t seg;
    uint32_t node;
  };

  void portsOf(uint32_t v);
  void markConflicts(int32_t r);
  void alignLayer(int32_t r);
  bool continuesTrunk(uint32_t d, bool up) const;
  bool compact(Budget& budget);  // resumable; true when xs_[dir_] is placed
  bool balance(Budget& budget);  // resumable; true when out_.x is final

  const ProperGraph& g_;
  const Ordering& o_;
  Options options_;
  Placement out_;
  Stage stage_ = Stage::Ports;
  uint32_t cursor_ = 0;
  int dir_ = 0;  // 0 up-left, 1 up-right, 2 down-left, 3 down-right

  std::vector<uint8_t> conflict_;  // [segment]
  std::vector<uint32_t> root_, align_;
  std::vector<double> shift_;   // x offset from the block root
  std::vector<double> anchor_;  // shift of the nearest real node at or above (in the scan) in the block
  std::array<std::vector<double>, 4> xs_;
  std::vector<Nb> nbs_;

  // Compaction state (one direction at a time).
  struct BlockEdge {
    uint32_t from, to;
    double weight;
  };
  int compact_stage_ = 0;
  uint32_t sub_ = 0;
  std::vector<BlockEdge> block_edges_;
  std::vector<uint32_t> block_begin_, block_list_, indegree_, topo_;
  std::vector<double> block_x_;
  CsrBuild csr_;
  // Balancing state.
  int balance_stage_ = 0;
  std::array<double, 4> lo_{}, hi_{};
  int narrowest_ = 0;
  int best_ = -1;
  double best_cost_ = 0.0, best_width_ = 0.0, best_left_ = 0.0;
  double cand_cost_ = 0.0, cand_lo_ = 0.0, cand_hi_ = 0.0;
};

}  // namespace nf::layout

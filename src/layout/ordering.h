// layout/ordering.h - phase 4: order every layer to minimise edge crossings.
//
// The schedule follows Graphviz dot's mincross, which sets the quality bar:
//   starts  initial orders by breadth-first search, each polished by transposition
//           and followed by up to 4 iterations: from the sources following both
//           edge directions (neighbours of a node land next to it, so constants sit
//           beside their consumers), from the sinks likewise, and (graphs up to
//           kFourStartsSize) from the sources following out-edges only and from the
//           sinks following in-edges only, as dot does. Which start wins is chaotic
//           on irregular graphs (measured spread up to +-20% on 100-node random
//           DAGs), so small graphs try all four, huge ones only the first
//   final   from the best order so far, up to `max iterations`, stopping after
//           8 iterations without a 0.5% gain
//   polish  on small graphs, sifting of the best order: each node moves to the
//           position in its layer with the fewest crossings against both
//           neighbouring layers (Matuszewski et al.), a stronger local search than
//           adjacent swaps, bounded by kSiftWork pair evaluations; then transposition
// One iteration = a sweep (down on even iterations, up on odd) that sorts each layer
// by the weighted median (see kUseMedian) of its neighbours in the previous layer,
// then transposition: adjacent swaps that strictly reduce crossings, repeated (up to
// kMaxTransposeRounds rounds) over the layers whose neighbours changed. Positions
// include port slots, so the order also untangles edges at fixed ports. Ties
// alternate direction every two iterations (as dot does) to leave plateaus. The best
// order seen wins.
//
// Iterations scale with the graph: 24 up to ~60k proper nodes + segments, then
// proportionally fewer (at least 4), so huge graphs stay fast. Options::ordering_sweeps
// overrides the final cap; Options::transpose = false turns off transposition and sifting.
//
// Preconditions: ProperGraph postcondition. Postcondition: Ordering (phase_data.h).
#pragma once
#include <cstdint>
#include <vector>

#include "layout/budget.h"
#include "layout/crossings.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class CrossingMinimization {
 public:
  CrossingMinimization(const ProperGraph& graph, const Options& options);
  bool run(Budget& budget);
  float progress() const;
  Ordering& result() { return out_; }

 private:
  enum class Stage : uint8_t { Setup, InitOrder, Sweep, Transpose, Sift, Count, Done };
  // What the next crossing count is for: a fresh initial order, an iteration, or the
  // final polish of the best order.
  enum class CountFor : uint8_t { Init, Iteration, Final };
  struct Neighbor {
    uint64_t key;  // position << 24 | port slot, in the adjacent layer
    uint32_t weight;
  };

  bool initOrder(Budget& budget);  // resumable BFS; from the sinks when from_sinks_
  void sortLayer(int32_t r, bool use_upper, bool reverse_ties);
  // Crossings among the segments of u and v (adjacent in one layer) towards one side:
  // with u left of v (first) and with v left of u (second).
  void pairCrossings(uint32_t u, uint32_t v, bool upper_side, uint64_t& uv, uint64_t& vu);
  // v's neighbour keys towards one side, sorted; cached until a neighbour moves.
  const Neighbor* sortedNeighbors(uint32_t v, bool upper_side, uint32_t& count);
  void invalidateAround(uint32_t v);
  uint64_t transposeLayer(int32_t r, bool reverse);  // returns the strict gain
  uint64_t siftLayer(int32_t r);                     // returns the strict gain
  void startIteration();
  void startTranspose(bool reverse, uint32_t round_cap);
  void startCount(CountFor what);
  void onCounted();
  void saveBest();
  void restoreBest();

  const ProperGraph& g_;
  Options options_;
  Ordering out_;
  Stage stage_ = Stage::Setup;

  uint32_t max_iterations_ = 24;
  uint32_t starts_ = 1;  // initial orders to try
  uint32_t start_ = 0;
  bool init_both_ways_ = true;
  int pass_ = 0;
  uint32_t iter_ = 0;       // iteration within the pass
  uint32_t max_this_pass_ = 0;
  uint32_t trying_ = 0;     // iterations since the last real improvement
  uint32_t iterations_done_ = 0;
  uint32_t planned_ = 1;
  CountFor count_for_ = CountFor::Init;
  bool counting_init_ = true;
  bool transpose_reverse_ = false;
  uint32_t transpose_cap_ = 0;
  uint64_t cur_cross_ = 0;
  uint64_t best_cross_ = ~uint64_t{0};
  std::vector<uint32_t> best_;
  // Initial-order state.
  bool from_sinks_ = false;
  int init_stage_ = 0;
  uint32_t init_head_ = 0, init_cursor_ = 0;
  int init_side_ = 0;  // the next side of init_queue_[init_head_] to enqueue from
  std::vector<uint32_t> init_fill_, init_queue_;
  std::vector<uint8_t> init_seen_;

  int32_t cursor_ = 0;      // layer cursor within Sweep / Transpose / Count
  uint64_t count_acc_ = 0;
  uint64_t round_gain_ = 0;
  uint32_t rounds_ = 0;
  std::vector<uint8_t> candidate_;

  CrossingScratch scratch_;
  struct SortEntry {
    double value;
    uint32_t pos;
    uint32_t node;
  };
  std::vector<SortEntry> sort_;
  std::vector<double> values_;
  std::vector<uint32_t> slots_;
  // Transposition cache: sorted neighbour keys, laid out like up_segs / down_segs.
  std::vector<Neighbor> up_nb_, down_nb_;
  std::vector<uint8_t> up_dirty_, down_dirty_;
  // Sifting state.
  uint64_t sift_budget_ = 0;  // pair evaluations left
  uint32_t sift_rounds_ = 0;
  uint64_t sift_gain_ = 0;
  std::vector<uint32_t> sift_nodes_;
  std::vector<int64_t> sift_delta_;
};

}  // namespace nf::layout

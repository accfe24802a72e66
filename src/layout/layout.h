// layout/layout.h - the layered (Sugiyama) layout engine: one call, or a job in slices.
//
// Call flow
//   layoutGraph(graph, options, hooks)        synchronous (CLI, tests, a worker):
//     = LayoutJob stepped until finished, reporting progress between slices
//   LayoutJob job(graph, options)             sliced (the single-threaded wasm app):
//     job.step(8.0) once per frame            ~8 ms of work, then it returns
//       validateGraph
//       CycleBreaking          layout/cycles.h         -> AcyclicGraph
//       Layering               layout/layering.h       -> Ranking
//       Splitting              layout/splitting.h      -> ProperGraph
//       CrossingMinimization   layout/ordering.h       -> Ordering
//       Positioning            layout/placement.h      -> Placement
//       Routing                layout/routing.h        -> Layout
//
// Defaults (every phase is one class; Options picks and tunes):
//   phase      default strategy                                   knobs
//   cycles     DFS from the sources, back edges reversed          -
//   layering   network simplex on the exactly reduced graph;      layering, simplex_max_nodes,
//              longest path + greedy compaction when huge          simplex_max_iterations
//   splitting  a dummy per rank crossed; big fan-outs share a     bundle_fanout,
//              trunk (small graphs: both variants are ordered      bundle_min_saving
//              and the one with fewer crossings is kept)
//   ordering   dot's mincross schedule: weighted-median sweeps    ordering_sweeps, transpose
//              + transposition, ports as sub-positions
//   placement  Brandes-Koepf, straightest of the 4 + balanced     node_sep, edge_sep, rank_sep
//   routing    cubic pieces with vertical tangents, at ports      direction
//
// Why slices rather than a thread: the web build is single-threaded (no
// SharedArrayBuffer on a static site), so the app runs step(budget) every frame and
// keeps drawing; every phase is a resumable state machine that polls a Budget in its
// inner loops. A slice overruns its budget by at most one atomic unit: the largest
// measured is ~4.5 ms of CPU natively (one reduction round of a 115k-node
// transformer; a 385k-node proper graph's CSR/compaction chunks stay below that),
// roughly 2-3x that in WebAssembly. The same code serves a synchronous caller with an
// unlimited budget, and cancellation in both (the cancel flag is read at every budget
// check, so cancelling takes effect within one unit).
//
// A watchdog guards the slicing: the work units the phases tick are the job's progress
// counter, and a job whose counter stays still for LayoutJob::kStallSlices steps fails
// with a message naming the phase (a bug, never expected; better than a page that
// says "laying out" forever).
//
// Deterministic: the same Graph and Options give a byte-identical Layout (no
// unordered containers, stable tie-breaking by index, no clocks reaching the output
// other than Stats::phase_ms).
#pragma once
#include <atomic>
#include <functional>
#include <memory>

#include "base/result.h"
#include "layout/budget.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

// Checks endpoints, ports and sizes; the message names the first offending item.
Status validateGraph(const Graph& graph);

struct Hooks {
  // Called between slices (about every slice_ms) and once at the end; `fraction` is
  // the progress of the whole layout in [0, 1].
  std::function<void(Phase phase, float fraction)> progress;
  const std::atomic<bool>* cancel = nullptr;  // set to true to stop; polled in inner loops
  double slice_ms = 50.0;
};

// Lays out `graph`; fails on invalid input or cancellation. With Options::stop_after
// before Routing the Layout holds only the Stats of the phases that ran.
Result<Layout> layoutGraph(const Graph& graph, const Options& options = {}, const Hooks& hooks = {});

class CycleBreaking;
class Layering;
class Splitting;
class CrossingMinimization;
class Positioning;
class Routing;

// A layout in progress. Owns a copy of the input; not copyable or movable (phases
// keep references into it), so hold it by unique_ptr if it must move.
class LayoutJob {
 public:
  // The watchdog: a job whose phases do no work for this many step() calls in a row
  // fails ("layout made no progress in phase ...") instead of spinning.
  static constexpr uint32_t kStallSlices = 64;

  explicit LayoutJob(Graph graph, Options options = {}, const std::atomic<bool>* cancel = nullptr);
  ~LayoutJob();
  LayoutJob(const LayoutJob&) = delete;
  LayoutJob& operator=(const LayoutJob&) = delete;

  // Works for about budget_ms (<= 0: until finished). Returns finished().
  bool step(double budget_ms);
  void cancel() { cancelled_flag_.store(true); }

  bool finished() const { return finished_; }
  bool succeeded() const { return finished_ && status_.ok(); }
  const Status& status() const { return status_; }  // the error after a failure or cancel
  Phase phase() const { return phase_; }             // the phase running (or last run)
  float progress() const;                            // whole layout, 0..1
  uint64_t workDone() const { return work_done_; }   // units of work so far; grows while the job advances

  const Graph& graph() const { return graph_; }
  const Options& options() const { return options_; }
  const Stats& stats() const { return stats_; }

  // Typed results of the phases that finished (null otherwise): for the invariant
  // tests and an in-app layout debugger.
  const AcyclicGraph* acyclic() const;
  const Ranking* ranking() const;
  const ProperGraph* proper() const;
  const Ordering* ordering() const;
  const Placement* placement() const;
  const Layout* layout() const;  // after Routing; its stats are final
  Layout takeLayout();           // moves the result out (stats included)

 private:
  bool phaseDone(Phase p) const { return static_cast<int>(done_through_) >= static_cast<int>(p) && any_done_; }
  bool runPhase(Budget& budget);

  Graph graph_;
  Options options_;
  const std::atomic<bool>* external_cancel_ = nullptr;
  std::atomic<bool> cancelled_flag_{false};
  Status status_;
  Stats stats_;
  Phase phase_ = Phase::Cycles;
  Phase done_through_ = Phase::Cycles;
  bool any_done_ = false;
  bool validated_ = false;
  bool finished_ = false;
  uint64_t work_done_ = 0;
  StallWatch stall_{kStallSlices};
  std::unique_ptr<CycleBreaking> cycles_;
  std::unique_ptr<Layering> layering_;
  std::unique_ptr<Splitting> splitting_;
  std::unique_ptr<CrossingMinimization> ordering_;
  // Small graphs: the unbundled alternative, ordered too; the one with fewer crossings
  // is kept (see runPhase).
  bool ordering_done_ = false;
  bool try_unbundled_ = false;
  Options unbundled_options_;
  std::unique_ptr<Splitting> alt_splitting_;
  std::unique_ptr<CrossingMinimization> alt_ordering_;
  std::unique_ptr<Positioning> placement_;
  std::unique_ptr<Routing> routing_;
  Layout layout_;
  bool layout_ready_ = false;
};

}  // namespace nf::layout

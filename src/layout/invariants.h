// layout/invariants.h - checks of every phase's postcondition (phase_data.h, types.h).
//
// Used by the tests after each phase over generated graph families and the ONNX
// corpus, and available to a layout debugger. Each check returns the first violation
// as a sentence; cost is about linear except where noted.
#pragma once
#include "base/result.h"
#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

class LayoutJob;

// Orientation matches the input (flipped iff reversed), self-loops flagged, the
// oriented graph is acyclic, adjacency lists complete and ascending.
Status checkAcyclic(const Graph& graph, const AcyclicGraph& acyclic);
// Every oriented edge goes down at least one rank; ranks in [0, rank_count); every
// weakly connected component touches rank 0.
Status checkRanking(const AcyclicGraph& acyclic, const Ranking& ranking);
// Proper layering: segments join adjacent ranks; dummies have one upper segment and
// at least one lower one and serve some edge; each edge's path runs tail to head;
// segment weights equal the number of paths through them; slots within port counts.
Status checkProper(const AcyclicGraph& acyclic, const Ranking& ranking, const ProperGraph& proper);
// Layers are permutations of their ranks' nodes; pos matches; the reported crossing
// count equals a fresh count (and, when brute_force, the O(E^2) definition).
Status checkOrdering(const ProperGraph& proper, const Ordering& ordering, bool brute_force = false);
// Finite coordinates; neighbours at least their separation apart; layers stacked
// without overlap and tall enough for their nodes.
Status checkPlacement(const ProperGraph& proper, const Ordering& ordering, const Placement& placement,
                      const Options& options);
// Final output: one centre per node and one route per edge; no two node boxes overlap;
// every route is 3k+1 finite points, starts on `from`'s border and ends on `to`'s (on
// the output/input side at the right port for non-reversed edges); bounds start at
// (0, 0) and contain every box and point.
Status checkLayout(const Graph& graph, const Options& options, const Layout& layout);
// All of the above for the phases `job` has finished.
Status checkJob(const LayoutJob& job, bool brute_force_crossings = false);

}  // namespace nf::layout

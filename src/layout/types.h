// layout/types.h - plain data in and out of the layered (Sugiyama) layout engine.
//
// Input: a Graph of sized nodes and directed edges (optionally between numbered
// ports), plus Options. Output: a Layout with node centres, one smooth route per
// edge, bounds and statistics. No UI, no IR: the scene module converts a model into
// a Graph and draws the Layout.
//
// Indices: EdgeSpec::from/to are indices into Graph::nodes, and every output array
// is parallel to the input array it describes (Layout::node_centers[i] is node i),
// so the caller keeps its own typed ids and maps them by position.
//
// Coordinates: screen convention, x grows right, y grows down, float pixels.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "base/id.h"

namespace nf::layout {

// An edge end that does not name a port. On a side with fixed ports it attaches to
// the middle port; on a free side the engine picks its place (see NodeSpec).
inline constexpr uint32_t kFreePort = kNoIndex;  // no fixed port
// Port counts above this are rejected (the ordering packs a port index in 24 bits).
inline constexpr uint32_t kMaxPorts = 1u << 20;

// A node box. Ports sit on the input side (top in TB, left in LR) and the output
// side (bottom in TB, right in LR). With N fixed ports on a side, port i is centred
// at fraction (i + 0.5) / N along that side, left to right (TB) or top to bottom (LR),
// so a renderer can draw port markers where the edges end.
// A free side (count 0) spreads its edge ends evenly along the side in the order of
// the nodes at their other ends, so parallel edges never overlap and never cross there.
struct NodeSpec {
  float width = 0.0f;      // screen extent along x, finite and >= 0
  float height = 0.0f;     // screen extent along y, finite and >= 0
  uint32_t in_ports = 0;   // fixed input ports; 0 = free input side
  uint32_t out_ports = 0;  // fixed output ports; 0 = free output side
};

struct EdgeSpec {
  uint32_t from = 0;               // source node index (the edge leaves its output side)
  uint32_t to = 0;                 // target node index (the edge enters its input side)
  uint32_t from_port = kFreePort;  // < nodes[from].out_ports, or kFreePort
  uint32_t to_port = kFreePort;    // < nodes[to].in_ports, or kFreePort
};

struct Graph {
  std::vector<NodeSpec> nodes;
  std::vector<EdgeSpec> edges;  // self-loops and parallel edges are allowed
};

enum class Direction : uint8_t {
  TopToBottom,  // edges flow down; layers are rows
  LeftToRight,  // edges flow right; layers are columns (laid out TB, then transposed)
};

enum class LayeringStrategy : uint8_t {
  Auto,            // NetworkSimplex if the reduced problem has <= simplex_max_nodes nodes, else LongestPath
  NetworkSimplex,  // minimal total edge length (Gansner et al.), iteration-capped
  LongestPath,     // longest path plus greedy compaction: linear time, for huge graphs
};

// The phases in execution order; Options::stop_after names the last one to run.
enum class Phase : uint8_t {
  Cycles,     // 1. reverse a feedback edge set so the graph is acyclic
  Layering,   // 2. assign every node a rank (layer)
  Splitting,  // 3. split long edges into dummy chains: the proper layered graph
  Ordering,   // 4. order each layer to minimise crossings
  Placement,  // 5. x coordinates (Brandes-Koepf) and layer y coordinates
  Routing,    // 6. edge routes, direction transform, bounds and statistics
};
inline constexpr int kPhaseCount = 6;
const char* phaseName(Phase phase);  // "cycles", "layering", ...

// A default-constructed Options is the recommended setting; for the counts below,
// 0 means "automatic". Separations are in pixels of the flow-independent frame: in
// LeftToRight, node_sep is vertical and rank_sep horizontal.
struct Options {
  Direction direction = Direction::TopToBottom;
  float node_sep = 20.0f;  // gap between neighbouring nodes of a layer
  float edge_sep = 8.0f;   // gap between neighbouring long-edge lines of a layer
  float rank_sep = 40.0f;  // gap between consecutive layers
  LayeringStrategy layering = LayeringStrategy::Auto;
  uint32_t simplex_max_nodes = 50000;  // Auto: NetworkSimplex up to this many nodes after reduction
  uint32_t simplex_max_iterations = 0; // 0 = automatic cap (scaled to the graph)
  // Cap on the crossing-minimisation iterations of the final pass (each a sweep down
  // or up, followed by transposition); 0 = automatic: 24 on graphs up to ~60k proper
  // nodes + segments, proportionally fewer (at least 4) above.
  uint32_t ordering_sweeps = 0;
  bool transpose = true;  // adjacent-swap refinement after every sweep
  // Edges leaving the same output port share one line of dummies down to their
  // deepest target and branch off at each target's layer (a bus, like `dot`'s
  // concentrate). Keeps dense fan-out (DenseNet concats, a transformer's encoder
  // output feeding every decoder layer) linear in size instead of quadratic. When the
  // unbundled graph is small (<= 32k dummies) both variants are ordered and the one
  // with fewer crossings is kept (Stats report the kept one).
  bool bundle_fanout = true;
  uint32_t bundle_min_saving = 32;  // bundle a fan-out only if sharing saves this many dummies
  Phase stop_after = Phase::Routing;  // run the phases up to and including this one
};

struct Point {
  float x = 0.0f;
  float y = 0.0f;
};

struct Rect {
  float x = 0.0f;
  float y = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
};

// One edge's drawing: a piecewise cubic Bezier curve in Layout::points.
// Points [first_point, first_point + point_count) are P0 C C P1 C C P2 ... (3k+1 points):
// every third point is a bend point on the curve, the two between are control points.
// P0 lies on the source's output side (at its port), the last point on the target's
// input side; self-loops go round the node's right side (bottom side in LR).
struct EdgeRoute {
  uint32_t first_point = 0;
  uint32_t point_count = 0;  // 0 when the edge was not routed (stopped before Routing)
  Point arrow_dir;           // unit direction of travel at the last point (arrow heads point this way)
  bool reversed = false;     // reversed to break a cycle: runs against the flow, ends on the target's far side
};

struct Stats {
  uint32_t rank_count = 0;
  uint32_t dummy_count = 0;        // long-edge dummy nodes in the proper layered graph
  uint32_t reversed_edges = 0;     // edges reversed to break cycles (self-loops not counted)
  uint32_t self_loops = 0;
  uint64_t crossings = 0;          // exact edge-pair crossings between layers (ports included)
  double edge_length = 0.0;        // sum over edges of the length of their bend-point polylines
  bool network_simplex = false;    // the layering used network simplex (else longest path)
  uint32_t simplex_iterations = 0;
  bool simplex_converged = false;  // false when the iteration cap or work cap stopped it
  uint32_t ordering_sweeps = 0;    // sweeps actually run
  std::array<double, kPhaseCount> phase_ms{};  // time spent in each phase (sum of slices)
};

struct Layout {
  std::vector<Point> node_centers;  // [node index]
  std::vector<EdgeRoute> edges;     // [edge index]
  std::vector<Point> points;        // all routes' Bezier points, edge by edge
  Rect bounds;                      // contains every node box and every route point; starts at (0, 0)
  Stats stats;
};

}  // namespace nf::layout

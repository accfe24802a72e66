// layout/phase_data.h - the typed results handed from one layout phase to the next.
//
//   Graph --cycles--> AcyclicGraph --layering--> Ranking --splitting--> ProperGraph
//         --ordering--> Ordering --placement--> Placement --routing--> Layout
//
// Everything here is internal geometry: always top to bottom (a LeftToRight layout
// swaps node width/height on the way in and x/y on the way out). "Upper" means the
// smaller rank. Each struct states the postcondition its phase guarantees; the
// checks in layout/invariants.h test exactly these statements.
#pragma once
#include <cstdint>
#include <vector>

#include "base/id.h"
#include "layout/types.h"

namespace nf::layout {

// [Phase 1] Postcondition: every non-self-loop edge is oriented tail -> head so that
// the orientation graph is acyclic; head/tail are the input's to/from unless reversed.
struct AcyclicGraph {
  uint32_t node_count = 0;
  std::vector<uint32_t> tail;       // [edge] internal source
  std::vector<uint32_t> head;       // [edge] internal target
  std::vector<uint8_t> reversed;    // [edge] 1: tail = input `to`, head = input `from`
  std::vector<uint8_t> self_loop;   // [edge] 1: from == to; excluded from the CSR lists
  uint32_t reversed_count = 0;
  uint32_t self_loop_count = 0;
  // Compressed adjacency of the non-self-loop edges, edge ids ascending per node:
  // out_edges[out_begin[v] .. out_begin[v+1]) have tail v; in_edges likewise head v.
  std::vector<uint32_t> out_begin, out_edges;
  std::vector<uint32_t> in_begin, in_edges;
};

// [Phase 2] Postcondition: rank[head] - rank[tail] >= 1 for every non-self-loop edge;
// every weakly connected component has minimum rank 0; rank_count = max rank + 1.
struct Ranking {
  std::vector<int32_t> rank;  // [node]
  int32_t rank_count = 0;
  bool network_simplex = false;
  uint32_t simplex_iterations = 0;
  bool simplex_converged = false;
};

// [Phase 3] The proper layered graph. Proper nodes [0, real_count) are the input
// nodes (same index); the rest are dummies. Postconditions: every segment joins
// ranks r and r+1; every dummy has exactly one upper segment and at least one lower
// one; each non-self-loop edge's path runs from its tail to its head through one
// segment per rank it spans.
struct ProperGraph {
  struct Segment {
    uint32_t upper = 0;       // proper node at rank r
    uint32_t lower = 0;       // proper node at rank r + 1
    uint32_t upper_slot = 0;  // port slot on upper's bottom side (0 on a free side)
    uint32_t lower_slot = 0;  // port slot on lower's top side
    uint32_t weight = 1;      // how many input edges run through this segment
  };
  // An edge's path: segments trunk_first .. trunk_first + trunk_len - 1 (a chain of
  // consecutive ids, possibly shared with other edges of its bundle), then `last`.
  struct EdgePath {
    uint32_t trunk_first = kNoIndex;
    uint32_t trunk_len = 0;
    uint32_t last = kNoIndex;  // kNoIndex only for self-loops
  };

  uint32_t real_count = 0;
  int32_t rank_count = 0;
  std::vector<int32_t> rank;           // [proper node]
  std::vector<float> width;            // [proper node] internal width (0 for dummies)
  std::vector<float> height;           // [proper node] internal height (0 for dummies)
  std::vector<uint32_t> top_ports;     // [proper node] fixed ports on the top side, 0 = free
  std::vector<uint32_t> bottom_ports;  // [proper node] fixed ports on the bottom side, 0 = free
  std::vector<Segment> segments;
  // Segment ids by node, ascending: down_segs[down_begin[v] .. down_begin[v+1]) have upper v.
  std::vector<uint32_t> down_begin, down_segs;
  std::vector<uint32_t> up_begin, up_segs;
  std::vector<EdgePath> paths;         // [input edge]

  uint32_t nodeCount() const { return static_cast<uint32_t>(rank.size()); }
  uint32_t dummyCount() const { return nodeCount() - real_count; }
  bool isDummy(uint32_t v) const { return v >= real_count; }
  // Port slots on a side: the fixed port count, or 1 for a free side.
  uint32_t topSlots(uint32_t v) const { return top_ports[v] ? top_ports[v] : 1; }
  uint32_t bottomSlots(uint32_t v) const { return bottom_ports[v] ? bottom_ports[v] : 1; }
};

// [Phase 4] Postcondition: layer r lists exactly the proper nodes of rank r, once
// each; pos[v] is v's index in its layer; crossings is the exact weighted crossing
// count of this order (see layout/crossings.h).
struct Ordering {
  std::vector<uint32_t> layer_begin;  // [rank_count + 1]
  std::vector<uint32_t> nodes;        // layer by layer, left to right
  std::vector<uint32_t> pos;          // [proper node]
  uint64_t crossings = 0;
  uint32_t sweeps = 0;

  uint32_t layerSize(int32_t r) const { return layer_begin[r + 1] - layer_begin[r]; }
  const uint32_t* layer(int32_t r) const { return nodes.data() + layer_begin[r]; }
};

// [Phase 5] Postcondition: within each layer, consecutive nodes are at least their
// separation apart (half widths plus the gap); layer r occupies
// [rank_top[r], rank_top[r] + rank_height[r]] and layers do not overlap.
struct Placement {
  std::vector<double> x;            // [proper node] centre x, leftmost border at 0
  std::vector<double> rank_top;     // [rank]
  std::vector<double> rank_height;  // [rank] tallest node of the layer
  std::vector<float> upper_dx;      // [segment] attach point x relative to upper's centre
  std::vector<float> lower_dx;      // [segment] attach point x relative to lower's centre
  double width = 0.0;               // max right border
  double height = 0.0;              // bottom of the last layer
  int candidate = 0;                // 0 balanced, 1..4 up-left, up-right, down-left, down-right
};

}  // namespace nf::layout

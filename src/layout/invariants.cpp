#include "layout/invariants.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "layout/crossings.h"
#include "layout/layout.h"
#include "layout/placement.h"

namespace nf::layout {

namespace {

std::string str(uint64_t v) { return std::to_string(v); }

Error fail(const std::string& what) { return Error{what}; }

// Union-find root with path halving.
uint32_t findRoot(std::vector<uint32_t>& parent, uint32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

}  // namespace

// [SECTION] Phases 1-3 ----------------------------------------------------------------

Status checkAcyclic(const Graph& graph, const AcyclicGraph& a) {
  const uint32_t n = static_cast<uint32_t>(graph.nodes.size());
  const size_t m = graph.edges.size();
  if (a.node_count != n || a.tail.size() != m || a.head.size() != m || a.reversed.size() != m ||
      a.self_loop.size() != m || a.out_begin.size() != n + 1 || a.in_begin.size() != n + 1)
    return fail("acyclic graph arrays have the wrong size");
  uint32_t reversed = 0, loops = 0;
  for (size_t e = 0; e < m; ++e) {
    const EdgeSpec& s = graph.edges[e];
    if ((s.from == s.to) != (a.self_loop[e] != 0)) return fail("edge " + str(e) + ": self-loop flag wrong");
    const uint32_t t = a.reversed[e] ? s.to : s.from, h = a.reversed[e] ? s.from : s.to;
    if (a.tail[e] != t || a.head[e] != h) return fail("edge " + str(e) + ": orientation does not match the input");
    reversed += a.reversed[e] && !a.self_loop[e];
    loops += a.self_loop[e];
  }
  if (reversed != a.reversed_count || loops != a.self_loop_count) return fail("reversed/self-loop counts wrong");
  // Adjacency: every non-loop edge once under its tail and once under its head, ascending.
  std::vector<uint32_t> seen_out(m, 0), seen_in(m, 0);
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t i = a.out_begin[v]; i < a.out_begin[v + 1]; ++i) {
      const uint32_t e = a.out_edges[i];
      if (e >= m || a.tail[e] != v || a.self_loop[e]) return fail("out list of node " + str(v) + " is wrong");
      if (i > a.out_begin[v] && a.out_edges[i - 1] >= e) return fail("out list of node " + str(v) + " not ascending");
      ++seen_out[e];
    }
    for (uint32_t i = a.in_begin[v]; i < a.in_begin[v + 1]; ++i) {
      const uint32_t e = a.in_edges[i];
      if (e >= m || a.head[e] != v || a.self_loop[e]) return fail("in list of node " + str(v) + " is wrong");
      if (i > a.in_begin[v] && a.in_edges[i - 1] >= e) return fail("in list of node " + str(v) + " not ascending");
      ++seen_in[e];
    }
  }
  for (size_t e = 0; e < m; ++e) {
    const uint32_t want = a.self_loop[e] ? 0 : 1;
    if (seen_out[e] != want || seen_in[e] != want) return fail("edge " + str(e) + " missing from the adjacency lists");
  }
  // Acyclic: Kahn's algorithm must reach every node.
  std::vector<uint32_t> indegree(n, 0), queue;
  for (uint32_t v = 0; v < n; ++v) indegree[v] = a.in_begin[v + 1] - a.in_begin[v];
  for (uint32_t v = 0; v < n; ++v)
    if (indegree[v] == 0) queue.push_back(v);
  for (size_t h = 0; h < queue.size(); ++h) {
    const uint32_t v = queue[h];
    for (uint32_t i = a.out_begin[v]; i < a.out_begin[v + 1]; ++i)
      if (--indegree[a.head[a.out_edges[i]]] == 0) queue.push_back(a.head[a.out_edges[i]]);
  }
  if (queue.size() != n) return fail("the oriented graph still has a cycle");
  return {};
}

Status checkRanking(const AcyclicGraph& a, const Ranking& r) {
  const uint32_t n = a.node_count;
  if (r.rank.size() != n) return fail("ranking has the wrong size");
  int32_t max_rank = -1;
  for (uint32_t v = 0; v < n; ++v) {
    if (r.rank[v] < 0 || r.rank[v] >= r.rank_count) return fail("node " + str(v) + " has rank out of range");
    max_rank = std::max(max_rank, r.rank[v]);
  }
  if (max_rank + 1 != r.rank_count) return fail("rank_count is not max rank + 1");
  std::vector<uint32_t> parent(n);
  for (uint32_t v = 0; v < n; ++v) parent[v] = v;
  for (uint32_t e : a.out_edges) {
    if (r.rank[a.head[e]] - r.rank[a.tail[e]] < 1)
      return fail("edge " + str(e) + " does not go down (ranks " + std::to_string(r.rank[a.tail[e]]) + " -> " +
                  std::to_string(r.rank[a.head[e]]) + ")");
    const uint32_t x = findRoot(parent, a.tail[e]), y = findRoot(parent, a.head[e]);
    if (x != y) parent[std::max(x, y)] = std::min(x, y);
  }
  std::vector<uint8_t> touches_zero(n, 0);
  for (uint32_t v = 0; v < n; ++v)
    if (r.rank[v] == 0) touches_zero[findRoot(parent, v)] = 1;
  for (uint32_t v = 0; v < n; ++v)
    if (!touches_zero[findRoot(parent, v)]) return fail("the component of node " + str(v) + " does not start at rank 0");
  return {};
}

Status checkProper(const AcyclicGraph& a, const Ranking& ranking, const ProperGraph& g) {
  const uint32_t n = g.nodeCount();
  if (g.real_count != a.node_count || g.rank_count != ranking.rank_count) return fail("proper graph sizes wrong");
  if (g.width.size() != n || g.height.size() != n || g.top_ports.size() != n || g.bottom_ports.size() != n ||
      g.down_begin.size() != n + 1 || g.up_begin.size() != n + 1 || g.paths.size() != a.tail.size())
    return fail("proper graph arrays have the wrong size");
  for (uint32_t v = 0; v < g.real_count; ++v)
    if (g.rank[v] != ranking.rank[v]) return fail("node " + str(v) + " changed rank");
  for (uint32_t v = 0; v < n; ++v)
    if (g.rank[v] < 0 || g.rank[v] >= g.rank_count) return fail("proper node " + str(v) + " has rank out of range");
  const size_t segs = g.segments.size();
  for (size_t s = 0; s < segs; ++s) {
    const ProperGraph::Segment& seg = g.segments[s];
    if (seg.upper >= n || seg.lower >= n) return fail("segment " + str(s) + " has an invalid end");
    if (g.rank[seg.lower] != g.rank[seg.upper] + 1) return fail("segment " + str(s) + " does not join adjacent ranks");
    if (seg.upper_slot >= g.bottomSlots(seg.upper) || seg.lower_slot >= g.topSlots(seg.lower))
      return fail("segment " + str(s) + " has a port slot out of range");
  }
  std::vector<uint32_t> down_seen(segs, 0), up_seen(segs, 0);
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t k = g.down_begin[v]; k < g.down_begin[v + 1]; ++k) {
      if (g.segments[g.down_segs[k]].upper != v) return fail("down list of " + str(v) + " is wrong");
      ++down_seen[g.down_segs[k]];
    }
    for (uint32_t k = g.up_begin[v]; k < g.up_begin[v + 1]; ++k) {
      if (g.segments[g.up_segs[k]].lower != v) return fail("up list of " + str(v) + " is wrong");
      ++up_seen[g.up_segs[k]];
    }
    if (g.isDummy(v)) {
      if (g.up_begin[v + 1] - g.up_begin[v] != 1) return fail("dummy " + str(v) + " must have one upper segment");
      if (g.down_begin[v + 1] == g.down_begin[v]) return fail("dummy " + str(v) + " has no lower segment");
    }
  }
  for (size_t s = 0; s < segs; ++s)
    if (down_seen[s] != 1 || up_seen[s] != 1) return fail("segment " + str(s) + " missing from the adjacency lists");
  // Paths: tail -> trunk -> last -> head, one segment per rank; count uses per segment.
  std::vector<uint32_t> uses(segs, 0);
  for (size_t e = 0; e < g.paths.size(); ++e) {
    const ProperGraph::EdgePath& p = g.paths[e];
    if (a.self_loop[e]) {
      if (p.last != kNoIndex || p.trunk_len != 0) return fail("self-loop " + str(e) + " has a path");
      continue;
    }
    if (p.last >= segs || (p.trunk_len > 0 && p.trunk_first + uint64_t{p.trunk_len} > segs))
      return fail("edge " + str(e) + " has an invalid path");
    uint32_t at = a.tail[e];
    for (uint32_t k = 0; k <= p.trunk_len; ++k) {
      const uint32_t s = k < p.trunk_len ? p.trunk_first + k : p.last;
      if (g.segments[s].upper != at) return fail("edge " + str(e) + ": path is not connected");
      at = g.segments[s].lower;
      ++uses[s];
      if (k < p.trunk_len && !g.isDummy(at)) return fail("edge " + str(e) + ": trunk passes a real node");
    }
    if (at != a.head[e]) return fail("edge " + str(e) + ": path does not end at its head");
    if (static_cast<int64_t>(p.trunk_len) + 1 != ranking.rank[a.head[e]] - ranking.rank[a.tail[e]])
      return fail("edge " + str(e) + ": path length differs from its span");
  }
  for (size_t s = 0; s < segs; ++s)
    if (uses[s] != g.segments[s].weight)
      return fail("segment " + str(s) + " has weight " + str(g.segments[s].weight) + " but " + str(uses[s]) + " paths");
  return {};
}

// [SECTION] Phases 4-5 ----------------------------------------------------------------

Status checkOrdering(const ProperGraph& g, const Ordering& o, bool brute_force) {
  const uint32_t n = g.nodeCount();
  if (o.layer_begin.size() != static_cast<size_t>(g.rank_count) + 1 || o.nodes.size() != n || o.pos.size() != n)
    return fail("ordering arrays have the wrong size");
  if (o.layer_begin[0] != 0 || o.layer_begin[g.rank_count] != n) return fail("layer offsets wrong");
  std::vector<uint8_t> seen(n, 0);
  for (int32_t r = 0; r < g.rank_count; ++r) {
    if (o.layer_begin[r] > o.layer_begin[r + 1]) return fail("layer offsets decrease");
    for (uint32_t i = o.layer_begin[r]; i < o.layer_begin[r + 1]; ++i) {
      const uint32_t v = o.nodes[i];
      if (v >= n || seen[v]) return fail("layer " + str(r) + " is not a permutation");
      seen[v] = 1;
      if (g.rank[v] != r) return fail("node " + str(v) + " is in layer " + str(r) + " but has another rank");
      if (o.pos[v] != i - o.layer_begin[r]) return fail("pos of node " + str(v) + " is wrong");
    }
  }
  const uint64_t fresh = countAllCrossings(g, o);
  if (fresh != o.crossings)
    return fail("reported " + str(o.crossings) + " crossings but the order has " + str(fresh));
  if (brute_force) {
    uint64_t brute = 0;
    for (int32_t r = 0; r + 1 < g.rank_count; ++r) brute += countLayerCrossingsBrute(g, o, r);
    if (brute != fresh) return fail("accumulator count " + str(fresh) + " differs from brute force " + str(brute));
  }
  return {};
}

Status checkPlacement(const ProperGraph& g, const Ordering& o, const Placement& p, const Options& options) {
  const uint32_t n = g.nodeCount();
  if (p.x.size() != n || p.rank_top.size() != static_cast<size_t>(g.rank_count) ||
      p.rank_height.size() != static_cast<size_t>(g.rank_count) || p.upper_dx.size() != g.segments.size() ||
      p.lower_dx.size() != g.segments.size())
    return fail("placement arrays have the wrong size");
  constexpr double kEps = 1e-6;
  for (uint32_t v = 0; v < n; ++v) {
    if (!std::isfinite(p.x[v])) return fail("node " + str(v) + " has a non-finite x");
    if (p.x[v] - 0.5 * g.width[v] < -kEps) return fail("node " + str(v) + " is left of 0");
  }
  for (int32_t r = 0; r < g.rank_count; ++r) {
    const uint32_t* layer = o.layer(r);
    for (uint32_t i = 0; i + 1 < o.layerSize(r); ++i) {
      const uint32_t a = layer[i], b = layer[i + 1];
      const double need = Positioning::separation(g, options, a, b);
      const double have = p.x[b] - p.x[a];
      if (have < need - 1e-6 * std::max(1.0, std::abs(p.x[b])))
        return fail("nodes " + str(a) + " and " + str(b) + " in layer " + str(r) + " are too close");
    }
    if (r + 1 < g.rank_count && p.rank_top[r + 1] < p.rank_top[r] + p.rank_height[r] - kEps)
      return fail("layer " + str(r + 1) + " overlaps layer " + str(r));
  }
  for (uint32_t v = 0; v < n; ++v)
    if (p.rank_height[g.rank[v]] + kEps < g.height[v]) return fail("layer of node " + str(v) + " is too short");
  for (size_t s = 0; s < g.segments.size(); ++s) {
    const ProperGraph::Segment& seg = g.segments[s];
    if (std::abs(p.upper_dx[s]) > 0.5 * g.width[seg.upper] + kEps || std::abs(p.lower_dx[s]) > 0.5 * g.width[seg.lower] + kEps)
      return fail("segment " + str(s) + " attaches outside its node");
  }
  return {};
}

// [SECTION] Final layout -------------------------------------------------------------

Status checkLayout(const Graph& graph, const Options& options, const Layout& layout) {
  const size_t n = graph.nodes.size(), m = graph.edges.size();
  if (layout.node_centers.size() != n || layout.edges.size() != m) return fail("layout arrays have the wrong size");
  const bool lr = options.direction == Direction::LeftToRight;
  const Rect& b = layout.bounds;
  if (b.x != 0.0f || b.y != 0.0f || !(b.width >= 0.0f) || !(b.height >= 0.0f)) return fail("bounds do not start at 0");
  // Tolerance: coordinates are floats, up to ~1e6 px in huge layouts.
  const double eps = 1e-3 + 1e-6 * std::max<double>(b.width, b.height);
  auto inside = [&](double x, double y) {
    return x >= -eps && y >= -eps && x <= b.width + eps && y <= b.height + eps;
  };
  struct Box {
    double x0, y0, x1, y1;
    uint32_t id;
  };
  std::vector<Box> boxes(n);
  for (uint32_t v = 0; v < n; ++v) {
    const Point& c = layout.node_centers[v];
    if (!std::isfinite(c.x) || !std::isfinite(c.y)) return fail("node " + str(v) + " has a non-finite centre");
    const NodeSpec& s = graph.nodes[v];
    boxes[v] = {c.x - 0.5 * s.width, c.y - 0.5 * s.height, c.x + 0.5 * s.width, c.y + 0.5 * s.height, v};
    if (!inside(boxes[v].x0, boxes[v].y0) || !inside(boxes[v].x1, boxes[v].y1))
      return fail("node " + str(v) + " lies outside the bounds");
  }
  // Overlaps: layers are separated along the flow axis, so sort by it and compare only
  // boxes whose flow extents intersect.
  std::vector<Box> sorted = boxes;
  auto lo = [lr](const Box& x) { return lr ? x.x0 : x.y0; };
  auto hi = [lr](const Box& x) { return lr ? x.x1 : x.y1; };
  std::sort(sorted.begin(), sorted.end(), [&](const Box& x, const Box& y) { return lo(x) != lo(y) ? lo(x) < lo(y) : x.id < y.id; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = i + 1; j < sorted.size() && lo(sorted[j]) < hi(sorted[i]) - eps; ++j) {
      const Box& p = sorted[i];
      const Box& q = sorted[j];
      const double ox = std::min(p.x1, q.x1) - std::max(p.x0, q.x0);
      const double oy = std::min(p.y1, q.y1) - std::max(p.y0, q.y0);
      if (ox > eps && oy > eps) return fail("nodes " + str(p.id) + " and " + str(q.id) + " overlap");
    }
  }
  auto onBorder = [&](const Box& box, const Point& q) {
    const bool in_x = q.x >= box.x0 - eps && q.x <= box.x1 + eps;
    const bool in_y = q.y >= box.y0 - eps && q.y <= box.y1 + eps;
    const bool on_x = std::abs(q.x - box.x0) <= eps || std::abs(q.x - box.x1) <= eps;
    const bool on_y = std::abs(q.y - box.y0) <= eps || std::abs(q.y - box.y1) <= eps;
    return (in_x && on_y) || (in_y && on_x);
  };
  for (uint32_t e = 0; e < m; ++e) {
    const EdgeRoute& r = layout.edges[e];
    if (r.point_count < 4 || (r.point_count - 1) % 3 != 0 ||
        static_cast<uint64_t>(r.first_point) + r.point_count > layout.points.size())
      return fail("edge " + str(e) + " has a malformed route");
    for (uint32_t i = 0; i < r.point_count; ++i) {
      const Point& q = layout.points[r.first_point + i];
      if (!std::isfinite(q.x) || !std::isfinite(q.y) || !inside(q.x, q.y))
        return fail("edge " + str(e) + " has a point outside the bounds");
    }
    const EdgeSpec& s = graph.edges[e];
    const Point& first = layout.points[r.first_point];
    const Point& last = layout.points[r.first_point + r.point_count - 1];
    if (!onBorder(boxes[s.from], first)) return fail("edge " + str(e) + " does not start on its source");
    if (!onBorder(boxes[s.to], last)) return fail("edge " + str(e) + " does not end on its target");
    if (std::abs(std::hypot(r.arrow_dir.x, r.arrow_dir.y) - 1.0) > 1e-4) return fail("edge " + str(e) + " arrow not unit");
    if (r.reversed || s.from == s.to) continue;
    // Output side of the source, input side of the target, at the fixed ports.
    const Box& src = boxes[s.from];
    const Box& dst = boxes[s.to];
    const double out_side = lr ? src.x1 : src.y1, in_side = lr ? dst.x0 : dst.y0;
    if (std::abs((lr ? first.x : first.y) - out_side) > eps) return fail("edge " + str(e) + " leaves the wrong side");
    if (std::abs((lr ? last.x : last.y) - in_side) > eps) return fail("edge " + str(e) + " enters the wrong side");
    const NodeSpec& fs = graph.nodes[s.from];
    const NodeSpec& ts = graph.nodes[s.to];
    if (fs.out_ports > 0) {
      const uint32_t slot = s.from_port == kFreePort ? fs.out_ports / 2 : s.from_port;
      const double along = lr ? src.y0 + (slot + 0.5) * fs.height / fs.out_ports : src.x0 + (slot + 0.5) * fs.width / fs.out_ports;
      if (std::abs((lr ? first.y : first.x) - along) > eps) return fail("edge " + str(e) + " misses its output port");
    }
    if (ts.in_ports > 0) {
      const uint32_t slot = s.to_port == kFreePort ? ts.in_ports / 2 : s.to_port;
      const double along = lr ? dst.y0 + (slot + 0.5) * ts.height / ts.in_ports : dst.x0 + (slot + 0.5) * ts.width / ts.in_ports;
      if (std::abs((lr ? last.y : last.x) - along) > eps) return fail("edge " + str(e) + " misses its input port");
    }
  }
  return {};
}

Status checkJob(const LayoutJob& job, bool brute_force_crossings) {
  const Graph& graph = job.graph();
  if (const AcyclicGraph* a = job.acyclic()) {
    if (Status s = checkAcyclic(graph, *a); !s) return Error{"cycles: " + s.message()};
    if (const Ranking* r = job.ranking()) {
      if (Status s = checkRanking(*a, *r); !s) return Error{"layering: " + s.message()};
      if (const ProperGraph* g = job.proper()) {
        if (Status s = checkProper(*a, *r, *g); !s) return Error{"splitting: " + s.message()};
        if (const Ordering* o = job.ordering()) {
          if (Status s = checkOrdering(*g, *o, brute_force_crossings); !s) return Error{"ordering: " + s.message()};
          if (const Placement* p = job.placement())
            if (Status s = checkPlacement(*g, *o, *p, job.options()); !s) return Error{"placement: " + s.message()};
        }
      }
    }
  }
  if (const Layout* l = job.layout())
    if (Status s = checkLayout(graph, job.options(), *l); !s) return Error{"routing: " + s.message()};
  return {};
}

}  // namespace nf::layout

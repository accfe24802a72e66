// Phases 5 and 6: coordinates, ports, routes, the direction transform.
#include <gtest/gtest.h>

#include <cmath>

#include "graph_families.h"
#include "layout/invariants.h"
#include "layout/layout.h"
#include "layout/placement.h"
#include "layout_test_util.h"

namespace nf::layout {
namespace {

std::unique_ptr<LayoutJob> runAll(const Graph& g, Options o = {}) {
  auto job = std::make_unique<LayoutJob>(g, o);
  job->step(0);
  EXPECT_TRUE(job->succeeded()) << job->status().message();
  Status s = checkJob(*job);
  EXPECT_TRUE(s.ok()) << s.message();
  return job;
}

const Point* routePoints(const Layout& l, uint32_t e) { return l.points.data() + l.edges[e].first_point; }

// [SECTION] Placement -----------------------------------------------------------------

TEST(LayoutPlacement, ChainOfSinglePortNodesIsStraight) {
  auto job = runAll(families::chain(15));
  const Layout& l = *job->layout();
  for (uint32_t v = 1; v < 15; ++v) EXPECT_EQ(l.node_centers[v].x, l.node_centers[0].x) << "node " << v;
  for (uint32_t e = 0; e < l.edges.size(); ++e) EXPECT_EQ(l.edges[e].point_count, 4u) << "one straight piece";
}

TEST(LayoutPlacement, LongEdgeIsOneStraightLineAttachedAtItsPorts) {
  // 0 -> 1 -> ... -> 6 and a skip edge 0 -> 6 from output port 1 of 2; the chain is
  // narrow enough for the skip edge to pass straight beside it.
  families::Builder b(3);
  const uint32_t first = b.node(0, 2, 160, 30);
  uint32_t x = first;
  for (int i = 0; i < 5; ++i) {
    const uint32_t next = b.node(1, 1, 20, 30);
    b.edge(x, 0, next, 0);
    x = next;
  }
  const uint32_t last = b.node(2, 1, 160, 30);
  b.edge(x, 0, last, 0);
  b.edge(first, 1, last, 1);
  const Graph g = b.take();
  auto job = runAll(g);
  const ProperGraph& p = *job->proper();
  const Placement& pl = *job->placement();
  const ProperGraph::EdgePath& path = p.paths[g.edges.size() - 1];
  ASSERT_EQ(path.trunk_len, 5u);
  EXPECT_DOUBLE_EQ(pl.upper_dx[path.trunk_first], 40.0) << "port 1 of 2 on a 160-wide node";
  EXPECT_DOUBLE_EQ(pl.lower_dx[path.last], 40.0);
  const double trunk_x = pl.x[p.segments[path.trunk_first].lower];
  for (uint32_t k = 0; k < path.trunk_len; ++k) EXPECT_DOUBLE_EQ(pl.x[p.segments[path.trunk_first + k].lower], trunk_x);
  // Drawn: port, one curve onto the trunk, one straight run, one curve into the port.
  EXPECT_LE(job->layout()->edges[g.edges.size() - 1].point_count, 10u);
}

TEST(LayoutPlacement, FreeSideSpreadsEndsInTheOrderOfTheirOtherEnds) {
  const Graph g = families::tree(7, 6);  // free ports everywhere
  auto job = runAll(g);
  const ProperGraph& p = *job->proper();
  const Placement& pl = *job->placement();
  const Ordering& o = *job->ordering();
  // Root's bottom side: 6 ends, left to right by child position, evenly spaced.
  std::vector<std::pair<uint32_t, float>> ends;
  for (uint32_t k = p.down_begin[0]; k < p.down_begin[1]; ++k)
    ends.push_back({o.pos[p.segments[p.down_segs[k]].lower], pl.upper_dx[p.down_segs[k]]});
  std::sort(ends.begin(), ends.end());
  ASSERT_EQ(ends.size(), 6u);
  const double w = p.width[0];
  for (size_t i = 0; i < ends.size(); ++i) EXPECT_NEAR(ends[i].second, -0.5 * w + (i + 0.5) * w / 6, 1e-4);
}

TEST(LayoutPlacement, NeighboursKeepTheirSeparation) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Options o;
    o.node_sep = 13;
    o.edge_sep = 5;
    auto job = runAll(families::randomDag(200, 320, seed, true), o);
    const Ordering& ord = *job->ordering();
    const Placement& pl = *job->placement();
    const ProperGraph& p = *job->proper();
    for (int32_t r = 0; r < p.rank_count; ++r)
      for (uint32_t i = 0; i + 1 < ord.layerSize(r); ++i) {
        const uint32_t a = ord.layer(r)[i], b = ord.layer(r)[i + 1];
        EXPECT_GE(pl.x[b] - pl.x[a] + 1e-6, Positioning::separation(p, o, a, b));
      }
  }
}

TEST(LayoutPlacement, CheckerRejectsOverlap) {
  auto job = runAll(families::fanOutIn(5));
  Placement pl = *job->placement();
  const Ordering& o = *job->ordering();
  pl.x[o.layer(1)[1]] = pl.x[o.layer(1)[0]];
  EXPECT_FALSE(checkPlacement(*job->proper(), o, pl, job->options()).ok());
}

// [SECTION] Routing -----------------------------------------------------------------------

TEST(LayoutRouting, RoutesAreSmoothAndLeaveAndEnterVertically) {
  auto job = runAll(families::transformerLike(1, 1));
  const Layout& l = *job->layout();
  for (uint32_t e = 0; e < l.edges.size(); ++e) {
    const Point* q = routePoints(l, e);
    const uint32_t n = l.edges[e].point_count;
    ASSERT_EQ((n - 1) % 3, 0u);
    // Every bend point's neighbouring control points share its x: vertical tangents,
    // so consecutive pieces join smoothly.
    for (uint32_t i = 0; i + 1 < n; i += 3) {
      EXPECT_EQ(q[i + 1].x, q[i].x) << "edge " << e;
      EXPECT_EQ(q[i + 2].x, q[i + 3].x) << "edge " << e;
    }
    EXPECT_EQ(l.edges[e].arrow_dir.x, 0.0f);
    EXPECT_EQ(l.edges[e].arrow_dir.y, 1.0f);
  }
}

TEST(LayoutRouting, FixedPortsAreWhereTheRendererExpectsThem) {
  Graph g;
  g.nodes = {{90, 30, 0, 3}, {60, 30, 4, 0}};
  g.edges = {{0, 1, 2, 3}};
  auto job = runAll(g);
  const Layout& l = *job->layout();
  const Point* q = routePoints(l, 0);
  const Point& last = q[l.edges[0].point_count - 1];
  EXPECT_FLOAT_EQ(q[0].x, l.node_centers[0].x - 45 + 2.5f * 30);  // port 2 of 3
  EXPECT_FLOAT_EQ(q[0].y, l.node_centers[0].y + 15);
  EXPECT_FLOAT_EQ(last.x, l.node_centers[1].x - 30 + 3.5f * 15);  // port 3 of 4
  EXPECT_FLOAT_EQ(last.y, l.node_centers[1].y - 15);
}

TEST(LayoutRouting, LeftToRightIsTheTransposeOfTopToBottom) {
  const Graph g = families::randomDag(60, 100, 4, true);
  Graph swapped = g;
  for (NodeSpec& n : swapped.nodes) std::swap(n.width, n.height);
  Options lr;
  lr.direction = Direction::LeftToRight;
  auto a = runAll(g, lr);
  auto b = runAll(swapped);
  const Layout& x = *a->layout();
  const Layout& y = *b->layout();
  ASSERT_EQ(x.points.size(), y.points.size());
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    EXPECT_EQ(x.node_centers[v].x, y.node_centers[v].y);
    EXPECT_EQ(x.node_centers[v].y, y.node_centers[v].x);
  }
  for (size_t i = 0; i < x.points.size(); ++i) {
    EXPECT_EQ(x.points[i].x, y.points[i].y);
    EXPECT_EQ(x.points[i].y, y.points[i].x);
  }
  EXPECT_EQ(x.bounds.width, y.bounds.height);
  EXPECT_EQ(x.edges[0].arrow_dir.x, 1.0f);
}

TEST(LayoutRouting, SelfLoopsAndReversedEdgesStartAtTheSourceAndEndAtTheTarget) {
  Graph g;
  g.nodes.assign(3, NodeSpec{50, 24, 0, 0});
  g.edges = {{0, 1}, {1, 2}, {2, 0}, {1, 1}};
  auto job = runAll(g);
  const Layout& l = *job->layout();
  ASSERT_EQ(l.stats.reversed_edges, 1u);
  ASSERT_EQ(l.stats.self_loops, 1u);
  for (uint32_t e = 0; e < 4; ++e) {
    const Point* q = routePoints(l, e);
    const uint32_t n = l.edges[e].point_count;
    const Point& from = l.node_centers[g.edges[e].from];
    const Point& to = l.node_centers[g.edges[e].to];
    if (l.edges[e].reversed) {
      // Against the flow: leaves the top of `from`, arrives at the bottom of `to`, upwards.
      EXPECT_FLOAT_EQ(q[0].y, from.y - 12);
      EXPECT_FLOAT_EQ(q[n - 1].y, to.y + 12);
      EXPECT_EQ(l.edges[e].arrow_dir.y, -1.0f);
    } else {
      EXPECT_FLOAT_EQ(q[0].y, from.y + 12);
      EXPECT_FLOAT_EQ(q[n - 1].y, to.y - 12);
    }
  }
  // The loop goes round the right side.
  const Point* loop = routePoints(l, 3);
  float right = -1e9f;
  for (uint32_t i = 0; i < l.edges[3].point_count; ++i) right = std::max(right, loop[i].x);
  EXPECT_GT(right, l.node_centers[1].x + 25);
}

TEST(LayoutRouting, BundledEdgesShareTheirTrunkPoints) {
  families::Builder b(2);
  const uint32_t src = b.node(0, 1);
  uint32_t x = b.op({b.node(0, 1), src});
  for (int i = 0; i < 40; ++i) x = b.op({x, src});
  const Graph g = b.take();
  auto job = runAll(g);
  const Layout& l = *job->layout();
  // Every edge from the source starts at the same point and its route ends on its target.
  const Point* p0 = routePoints(l, 1);
  for (uint32_t e = 0; e < g.edges.size(); ++e) {
    if (g.edges[e].from != src) continue;
    EXPECT_EQ(routePoints(l, e)[0].x, p0[0].x);
    EXPECT_LE(l.edges[e].point_count, 16u) << "a straight trunk needs few points";
  }
}

TEST(LayoutRouting, EdgeLengthAddsUpTheBendPolylines) {
  auto job = runAll(families::diamonds(4));
  const Layout& l = *job->layout();
  double sum = 0;
  for (const EdgeRoute& r : l.edges)
    for (uint32_t i = 3; i < r.point_count; i += 3) {
      const Point& a = l.points[r.first_point + i - 3];
      const Point& c = l.points[r.first_point + i];
      sum += std::hypot(c.x - a.x, c.y - a.y);
    }
  EXPECT_NEAR(l.stats.edge_length, sum, 1e-3 * sum);
}

TEST(LayoutRouting, CheckerRejectsARouteOffItsNode) {
  auto job = runAll(families::chain(3));
  Layout l = *job->layout();
  l.points[l.edges[1].first_point].x += 300;  // start far beside the node
  l.bounds.width += 600;
  EXPECT_FALSE(checkLayout(job->graph(), job->options(), l).ok());
  Layout m = *job->layout();
  m.node_centers[1] = m.node_centers[0];  // two boxes on top of each other
  EXPECT_FALSE(checkLayout(job->graph(), job->options(), m).ok());
}

}  // namespace
}  // namespace nf::layout

// Phases 1 and 2: cycle breaking, layering, network simplex and the exact reduction.
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "graph_families.h"
#include "layout/cycles.h"
#include "layout/invariants.h"
#include "layout/layering.h"
#include "layout/network_simplex.h"
#include "layout/reduction.h"

namespace nf::layout {
namespace {

Graph edgesOnly(uint32_t n, std::initializer_list<std::pair<uint32_t, uint32_t>> edges) {
  Graph g;
  g.nodes.assign(n, NodeSpec{40, 20, 0, 0});
  for (auto [a, b] : edges) g.edges.push_back({a, b, kFreePort, kFreePort});
  return g;
}

AcyclicGraph breakCycles(const Graph& g) {
  CycleBreaking phase(g);
  Budget unlimited(0);
  EXPECT_TRUE(phase.run(unlimited));
  return phase.result();
}

Ranking rank(const Graph& g, const AcyclicGraph& a, LayeringStrategy strategy = LayeringStrategy::NetworkSimplex) {
  Options o;
  o.layering = strategy;
  Layering phase(g, a, o);
  Budget unlimited(0);
  EXPECT_TRUE(phase.run(unlimited));
  return phase.result();
}

// [SECTION] Cycle breaking ------------------------------------------------------

TEST(LayoutCycles, DagIsLeftAlone) {
  const Graph g = families::diamonds(5);
  const AcyclicGraph a = breakCycles(g);
  EXPECT_EQ(a.reversed_count, 0u);
  for (size_t e = 0; e < g.edges.size(); ++e) {
    EXPECT_EQ(a.tail[e], g.edges[e].from);
    EXPECT_EQ(a.head[e], g.edges[e].to);
  }
  EXPECT_TRUE(checkAcyclic(g, a).ok());
}

TEST(LayoutCycles, TriangleLosesExactlyOneEdgeAndSelfLoopsAreSetAside) {
  const Graph g = edgesOnly(3, {{0, 1}, {1, 2}, {2, 0}, {1, 1}});
  const AcyclicGraph a = breakCycles(g);
  EXPECT_EQ(a.reversed_count, 1u);
  EXPECT_EQ(a.self_loop_count, 1u);
  EXPECT_TRUE(a.self_loop[3]);
  EXPECT_FALSE(a.reversed[3]);
  EXPECT_EQ(a.out_begin[2] - a.out_begin[1], 1u) << "the self-loop is not in node 1's out list";
  Status s = checkAcyclic(g, a);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(LayoutCycles, EdgesBetweenTwoNodesEndUpPointingTheSameWay) {
  // Layering merges parallel edges into one weighted edge; that needs this property.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Graph g = families::randomCyclic(25, 80, seed);
    const AcyclicGraph a = breakCycles(g);
    ASSERT_TRUE(checkAcyclic(g, a).ok()) << checkAcyclic(g, a).message();
    for (size_t e = 0; e < g.edges.size(); ++e)
      for (size_t f = e + 1; f < g.edges.size(); ++f)
        if (!a.self_loop[e] && a.tail[e] == a.head[f] && a.head[e] == a.tail[f]) FAIL() << "antiparallel " << e << " " << f;
  }
}

TEST(LayoutCycles, CheckerRejectsACorruptedResult) {
  const Graph g = edgesOnly(3, {{0, 1}, {1, 2}, {2, 0}});
  AcyclicGraph a = breakCycles(g);
  for (size_t e = 0; e < 3; ++e) a.reversed[e] = 0;  // claims nothing was reversed
  EXPECT_FALSE(checkAcyclic(g, a).ok());
  AcyclicGraph b = breakCycles(g);
  std::swap(b.tail[0], b.head[0]);  // orientation no longer matches the flags
  EXPECT_FALSE(checkAcyclic(g, b).ok());
}

// [SECTION] Layering ------------------------------------------------------------

int64_t totalLength(const AcyclicGraph& a, const Ranking& r) {
  int64_t sum = 0;
  for (uint32_t e : a.out_edges) sum += r.rank[a.head[e]] - r.rank[a.tail[e]];
  return sum;
}

TEST(LayoutLayering, ChainGetsConsecutiveRanks) {
  const Graph g = families::chain(12);
  const AcyclicGraph a = breakCycles(g);
  const Ranking r = rank(g, a);
  for (uint32_t v = 0; v < 12; ++v) EXPECT_EQ(r.rank[v], static_cast<int32_t>(v));
  EXPECT_EQ(r.rank_count, 12);
}

TEST(LayoutLayering, SourcesSitRightAboveTheirConsumerInBothStrategies) {
  // 0 -> 1 -> 2 -> 3 -> 4 and a constant 5 -> 4: longest path alone would put 5 at rank 0.
  const Graph g = edgesOnly(6, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {5, 4}});
  const AcyclicGraph a = breakCycles(g);
  for (LayeringStrategy s : {LayeringStrategy::NetworkSimplex, LayeringStrategy::LongestPath}) {
    const Ranking r = rank(g, a, s);
    EXPECT_EQ(r.rank[5], 3);
    EXPECT_TRUE(checkRanking(a, r).ok());
  }
}

TEST(LayoutLayering, EveryComponentStartsAtRankZero) {
  const Graph g = edgesOnly(7, {{0, 1}, {1, 2}, {3, 4}, {5, 6}});
  const AcyclicGraph a = breakCycles(g);
  const Ranking r = rank(g, a);
  EXPECT_EQ(r.rank[0], 0);
  EXPECT_EQ(r.rank[3], 0);
  EXPECT_EQ(r.rank[5], 0);
  EXPECT_EQ(r.rank_count, 3);
}

// Exhaustive optimum of sum(weight * length) over ranks in [0, n) (small graphs only).
int64_t bruteForceOptimum(uint32_t n, const std::vector<SimplexEdge>& edges) {
  std::vector<int32_t> r(n, 0);
  int64_t best = std::numeric_limits<int64_t>::max();
  std::function<void(uint32_t)> go = [&](uint32_t i) {
    if (i == n) {
      int64_t cost = 0;
      for (const SimplexEdge& e : edges) {
        const int32_t len = r[e.head] - r[e.tail];
        if (len < e.minlen) return;
        cost += int64_t{e.weight} * len;
      }
      best = std::min(best, cost);
      return;
    }
    for (int32_t k = 0; k < static_cast<int32_t>(2 * n); ++k) {
      r[i] = k;
      go(i + 1);
    }
  };
  go(0);
  return best;
}

std::vector<SimplexEdge> randomSimpleDag(uint32_t n, uint32_t tries, uint64_t seed, bool minlens) {
  families::Rng rng(seed);
  std::vector<SimplexEdge> edges;
  for (uint32_t k = 0; k < tries; ++k) {
    uint32_t a = rng.below(n), b = rng.below(n);
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    bool dup = false;
    for (const SimplexEdge& e : edges) dup |= e.tail == a && e.head == b;
    if (!dup)
      edges.push_back({a, b, static_cast<int32_t>(1 + rng.below(4)), minlens ? static_cast<int32_t>(1 + rng.below(2)) : 1});
  }
  return edges;
}

std::vector<int32_t> feasibleStart(uint32_t n, const std::vector<SimplexEdge>& edges) {
  std::vector<int32_t> r(n, 0);  // indices are a topological order (tail < head)
  for (uint32_t v = 0; v < n; ++v)
    for (const SimplexEdge& e : edges)
      if (e.head == v) r[v] = std::max(r[v], r[e.tail] + e.minlen);
  return r;
}

TEST(LayoutNetworkSimplex, ReachesTheExhaustiveOptimumWithWeightsAndMinimumLengths) {
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    const uint32_t n = 5;
    const std::vector<SimplexEdge> edges = randomSimpleDag(n, 9, seed, seed % 2 == 0);
    NetworkSimplex ns(n, edges, feasibleStart(n, edges), 1000, 1u << 30);
    Budget unlimited(0);
    ASSERT_TRUE(ns.run(unlimited));
    EXPECT_TRUE(ns.converged());
    int64_t cost = 0;
    for (const SimplexEdge& e : edges) {
      const int32_t len = ns.ranks()[e.head] - ns.ranks()[e.tail];
      ASSERT_GE(len, e.minlen) << "infeasible, seed " << seed;
      cost += int64_t{e.weight} * len;
    }
    EXPECT_EQ(cost, bruteForceOptimum(n, edges)) << "seed " << seed;
  }
}

TEST(LayoutNetworkSimplex, CutValuesMatchTheirDefinitionAtTheEnd) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const uint32_t n = 30;
    const std::vector<SimplexEdge> edges = randomSimpleDag(n, 70, seed, true);
    NetworkSimplex ns(n, edges, feasibleStart(n, edges), 10000, 1u << 30);
    Budget unlimited(0);
    ASSERT_TRUE(ns.run(unlimited));
    ASSERT_TRUE(ns.converged());
    // Tree adjacency from the parent edges; cut value of a tree edge = weight of
    // edges from its tail side to its head side minus the reverse.
    for (uint32_t v = 0; v < n; ++v) {
      const uint32_t pe = ns.parentEdge(v);
      if (pe == kNoIndex) continue;
      ASSERT_TRUE(ns.inTree(pe));
      // Side of v: nodes whose path to the root passes through v.
      std::vector<uint8_t> below(n, 0);
      for (uint32_t x = 0; x < n; ++x) {
        uint32_t y = x;
        while (true) {
          if (y == v) { below[x] = 1; break; }
          const uint32_t e = ns.parentEdge(y);
          if (e == kNoIndex) break;
          y = edges[e].tail == y ? edges[e].head : edges[e].tail;
        }
      }
      const bool v_is_tail = edges[pe].tail == v;
      int64_t cut = 0;
      for (const SimplexEdge& e : edges) {
        const bool t = below[e.tail] == v_is_tail, h = below[e.head] == v_is_tail;  // true = tail side
        if (t && !h) cut += e.weight;
        if (!t && h) cut -= e.weight;
      }
      EXPECT_EQ(ns.cutValueAbove(v), cut) << "seed " << seed << " node " << v;
      EXPECT_GE(ns.cutValueAbove(v), 0) << "optimal trees have no negative cut value";
    }
  }
}

TEST(LayoutNetworkSimplex, StopsAtTheIterationCapWithAFeasibleRanking) {
  const uint32_t n = 60;
  const std::vector<SimplexEdge> edges = randomSimpleDag(n, 200, 3, false);
  NetworkSimplex ns(n, edges, feasibleStart(n, edges), 2, 1u << 30);
  Budget unlimited(0);
  ASSERT_TRUE(ns.run(unlimited));
  EXPECT_LE(ns.iterations(), 2u);
  for (const SimplexEdge& e : edges) EXPECT_GE(ns.ranks()[e.head] - ns.ranks()[e.tail], e.minlen);
}

TEST(LayoutReduction, ShrinksChainsAndPendantsWithoutLosingTheOptimum) {
  for (uint64_t seed = 1; seed <= 15; ++seed) {
    // Sparse graphs: plenty of chains and pendant trees.
    const uint32_t n = 40;
    const std::vector<SimplexEdge> edges = randomSimpleDag(n, 45, seed, seed % 3 == 0);
    NetworkSimplex full(n, edges, feasibleStart(n, edges), 100000, 1u << 30);
    Budget b1(0);
    ASSERT_TRUE(full.run(b1));
    int64_t full_cost = 0;
    for (const SimplexEdge& e : edges) full_cost += int64_t{e.weight} * (full.ranks()[e.head] - full.ranks()[e.tail]);

    Reduction red;
    red.build(n, edges);
    EXPECT_LT(red.reducedCount(), n);
    const std::vector<SimplexEdge>& small = red.reducedEdges();
    // The reduced graph is again a simple DAG; any feasible start works.
    std::vector<int32_t> start(red.reducedCount(), 0);
    for (uint32_t pass = 0; pass < red.reducedCount(); ++pass)
      for (const SimplexEdge& e : small) start[e.head] = std::max(start[e.head], start[e.tail] + e.minlen);
    NetworkSimplex ns(red.reducedCount(), small, start, 100000, 1u << 30);
    Budget b2(0);
    ASSERT_TRUE(ns.run(b2));
    std::vector<int32_t> ranks;
    red.expand(ns.ranks(), ranks);
    int64_t cost = 0;
    for (const SimplexEdge& e : edges) {
      ASSERT_GE(ranks[e.head] - ranks[e.tail], e.minlen) << "seed " << seed;
      cost += int64_t{e.weight} * (ranks[e.head] - ranks[e.tail]);
    }
    EXPECT_EQ(cost, full_cost) << "seed " << seed;
  }
}

TEST(LayoutLayering, SimplexNeverWorseThanLongestPathAndBothValid) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const Graph g = families::randomDag(120, 200, seed, seed % 2 == 1);
    const AcyclicGraph a = breakCycles(g);
    const Ranking ns = rank(g, a, LayeringStrategy::NetworkSimplex);
    const Ranking lp = rank(g, a, LayeringStrategy::LongestPath);
    EXPECT_TRUE(checkRanking(a, ns).ok()) << checkRanking(a, ns).message();
    EXPECT_TRUE(checkRanking(a, lp).ok()) << checkRanking(a, lp).message();
    EXPECT_TRUE(ns.network_simplex);
    EXPECT_FALSE(lp.network_simplex);
    EXPECT_LE(totalLength(a, ns), totalLength(a, lp)) << "seed " << seed;
  }
}

TEST(LayoutLayering, SideChainsOfAFarProducerMoveNextToTheirConsumer) {
  // A producer feeding 20 consumers far below (a bundle) plus, for each consumer, a
  // Shape -> Gather -> Concat side chain from the producer into the consumer's second
  // input. Optimal placement puts each side chain right above its consumer.
  families::Builder b(9);
  const uint32_t producer = b.node(0, 1);
  uint32_t x = b.node(0, 1);
  for (int i = 0; i < 20; ++i) {
    for (int k = 0; k < 3; ++k) x = b.op({x});
    const uint32_t shape = b.op({producer});
    const uint32_t gather = b.op({shape});
    const uint32_t concat = b.op({gather});
    x = b.op({x, concat, producer});
  }
  const Graph g = b.take();
  const AcyclicGraph a = breakCycles(g);
  const Ranking r = rank(g, a);
  for (size_t e = 0; e < g.edges.size(); ++e) {
    const uint32_t t = g.edges[e].from, h = g.edges[e].to;
    if (t != producer) {
      EXPECT_EQ(r.rank[h] - r.rank[t], 1) << "edge " << e << " should be tight";
    }
  }
}

TEST(LayoutLayering, AutoDecidesOnTheReducedSize) {
  Options o;
  o.simplex_max_nodes = 20;
  // 500 nodes that reduce to a handful (a transformer stack): network simplex.
  const Graph model = families::transformerLike(3, 0);
  const AcyclicGraph ma = breakCycles(model);
  Layering lm(model, ma, o);
  Budget b1(0);
  ASSERT_TRUE(lm.run(b1));
  EXPECT_TRUE(lm.result().network_simplex);
  EXPECT_LE(lm.reducedNodeCount(), 20u);
  // 200 random nodes barely reduce: longest path.
  const Graph random = families::randomDag(200, 400, 3);
  const AcyclicGraph ra = breakCycles(random);
  Layering lr(random, ra, o);
  Budget b2(0);
  ASSERT_TRUE(lr.run(b2));
  EXPECT_FALSE(lr.result().network_simplex);
  EXPECT_GT(lr.reducedNodeCount(), 20u);
}

TEST(LayoutLayering, CheckerRejectsAnEdgeThatDoesNotGoDown) {
  const Graph g = families::chain(4);
  const AcyclicGraph a = breakCycles(g);
  Ranking r = rank(g, a);
  r.rank[2] = r.rank[1];
  EXPECT_FALSE(checkRanking(a, r).ok());
  Ranking s = rank(g, a);
  for (int32_t& x : s.rank) x += 1;  // the component no longer touches rank 0
  s.rank_count += 1;
  EXPECT_FALSE(checkRanking(a, s).ok());
}

}  // namespace
}  // namespace nf::layout

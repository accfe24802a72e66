// Invariants after every phase over generated graph families (fixed seeds), in both
// directions, with and without fan-out bundles, with both layering strategies.
#include <gtest/gtest.h>

#include "graph_families.h"
#include "layout_test_util.h"

namespace nf::layout {
namespace {

using families::Rng;

struct Case {
  std::string name;
  Graph graph;
};

std::vector<Case> smallFamilies() {
  std::vector<Case> cases;
  cases.push_back({"chain", families::chain(30)});
  cases.push_back({"tree", families::tree(60, 3)});
  cases.push_back({"diamonds", families::diamonds(12)});
  cases.push_back({"fan", families::fanOutIn(25)});
  cases.push_back({"transformer", families::transformerLike(2, 1)});
  cases.push_back({"densenet", families::denseNetLike({4, 6})});
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    cases.push_back({"dag" + std::to_string(seed), families::randomDag(40, 70, seed, seed % 2 == 0)});
    cases.push_back({"cyclic" + std::to_string(seed), families::randomCyclic(30, 60, seed)});
  }
  cases.push_back({"empty", Graph{}});
  Graph single;
  single.nodes.push_back({50, 20, 0, 0});
  cases.push_back({"single", single});
  return cases;
}

TEST(LayoutFamilies, InvariantsHoldAfterEveryPhaseInEveryConfiguration) {
  for (const Case& c : smallFamilies()) {
    for (Direction dir : {Direction::TopToBottom, Direction::LeftToRight})
      for (bool bundle : {true, false})
        for (LayeringStrategy strategy : {LayeringStrategy::NetworkSimplex, LayeringStrategy::LongestPath}) {
          Options o;
          o.direction = dir;
          o.bundle_fanout = bundle;
          o.layering = strategy;
          SCOPED_TRACE(c.name + (dir == Direction::LeftToRight ? " LR" : " TB") + (bundle ? " bundled" : "") +
                       (strategy == LayeringStrategy::LongestPath ? " longest-path" : " simplex"));
          EXPECT_TRUE(test::layoutAndCheck(c.graph, o, nullptr, /*brute_force=*/true));
        }
  }
}

TEST(LayoutFamilies, StoppingAfterEachPhaseLeavesValidIntermediateResults) {
  const Graph g = families::transformerLike(1, 1);
  for (int p = 0; p < kPhaseCount; ++p) {
    Options o;
    o.stop_after = static_cast<Phase>(p);
    LayoutJob job(g, o);
    ASSERT_TRUE(job.step(0));
    ASSERT_TRUE(job.succeeded());
    EXPECT_TRUE(checkJob(job).ok()) << checkJob(job).message();
    EXPECT_EQ(job.acyclic() != nullptr, p >= 0);
    EXPECT_EQ(job.ranking() != nullptr, p >= 1);
    EXPECT_EQ(job.proper() != nullptr, p >= 2);
    EXPECT_EQ(job.ordering() != nullptr, p >= 3);
    EXPECT_EQ(job.placement() != nullptr, p >= 4);
    EXPECT_EQ(job.layout() != nullptr, p >= 5);
  }
}

TEST(LayoutFamilies, ModelShapedGraphsAtMediumSize) {
  for (const Graph& g : {families::transformerLike(6, 4), families::denseNetLike({6, 12, 24}),
                         families::randomDag(2000, 3000, 77, true)}) {
    Layout layout;
    EXPECT_TRUE(test::layoutAndCheck(g, Options{}, &layout));
    EXPECT_EQ(layout.stats.reversed_edges, 0u);  // DAGs
  }
}

}  // namespace
}  // namespace nf::layout

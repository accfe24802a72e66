// The driver: slices, progress, cancel, validation, determinism.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>

#include "graph_families.h"
#include "layout/layout.h"
#include "layout_test_util.h"

namespace nf::layout {
namespace {

TEST(LayoutJob, TinySlicesGiveTheSameBytesAsOneCall) {
  const Graph g = families::transformerLike(6, 5);
  for (Direction dir : {Direction::TopToBottom, Direction::LeftToRight}) {
    Options o;
    o.direction = dir;
    LayoutJob sliced(g, o);
    int steps = 0;
    float last_progress = 0.0f;
    Phase last_phase = Phase::Cycles;
    while (!sliced.step(0.01)) {
      ++steps;
      EXPECT_GE(sliced.progress(), last_progress) << "progress never goes back";
      EXPECT_GE(static_cast<int>(sliced.phase()), static_cast<int>(last_phase));
      last_progress = sliced.progress();
      last_phase = sliced.phase();
      ASSERT_LT(steps, 1000000);
    }
    EXPECT_GT(steps, 6) << "every phase yields at least once on a graph this size";
    ASSERT_TRUE(sliced.succeeded());
    EXPECT_EQ(sliced.progress(), 1.0f);
    Result<Layout> direct = layoutGraph(g, o);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(test::serialize(*sliced.layout()), test::serialize(*direct));
  }
}

TEST(StallWatch, ReportsACounterThatStaysStillForTheLimit) {
  StallWatch watch(3);
  EXPECT_FALSE(watch.stalled(5));
  EXPECT_FALSE(watch.stalled(5));
  EXPECT_FALSE(watch.stalled(5));
  EXPECT_FALSE(watch.stalled(6)) << "any change restarts the count";
  EXPECT_FALSE(watch.stalled(6));
  EXPECT_FALSE(watch.stalled(6));
  EXPECT_TRUE(watch.stalled(6));
}

TEST(LayoutJob, WorkDoneGrowsWithEverySliceAndTheWatchdogStaysQuiet) {
  const Graph g = families::transformerLike(6, 5);
  LayoutJob job(g);
  uint64_t last = 0;
  int steps = 0;
  while (!job.step(1e-6)) {
    EXPECT_GT(job.workDone(), last) << "slice " << steps << " in phase " << phaseName(job.phase());
    last = job.workDone();
    ASSERT_LT(++steps, 1000000);
  }
  EXPECT_GT(steps, static_cast<int>(LayoutJob::kStallSlices));
  EXPECT_TRUE(job.succeeded()) << job.status().message();
}

// The initial order visits a node's neighbours below, then above. A slice that ends
// between the two (here: right after the 2100 children of X, past Budget::kCheckEvery)
// must resume with the side above, or P, a parent of X, is left for later and the
// first layer's order differs from an unsliced run.
TEST(LayoutJob, ASliceEndingBetweenANodesTwoSidesResumesWithTheSecond) {
  Graph g;
  const uint32_t S = 0, Q = 1, P = 2, X = 3, R = 4, kChildren = 2100;
  for (uint32_t i = 0; i < 5 + kChildren; ++i) g.nodes.push_back({40.0f, 20.0f, 0, 0});
  g.edges.push_back({S, X});
  g.edges.push_back({P, X});
  g.edges.push_back({Q, R});
  for (uint32_t c = 0; c < kChildren; ++c) g.edges.push_back({X, 5 + c});
  Options o;
  o.stop_after = Phase::Ordering;
  o.ordering_sweeps = 1;
  o.transpose = false;
  LayoutJob whole(g, o), sliced(g, o);
  ASSERT_TRUE(whole.step(0));
  int steps = 0;
  while (!sliced.step(1e-6)) ASSERT_LT(++steps, 100000);
  ASSERT_TRUE(whole.succeeded() && sliced.succeeded());
  EXPECT_EQ(sliced.ordering()->nodes, whole.ordering()->nodes);
  EXPECT_EQ(sliced.stats().crossings, whole.stats().crossings);
}

TEST(LayoutJob, CancelStopsWithAnError) {
  const Graph g = families::denseNetLike({12, 24});
  LayoutJob job(g);
  EXPECT_FALSE(job.step(0.01));
  job.cancel();
  EXPECT_TRUE(job.step(100.0));
  EXPECT_FALSE(job.succeeded());
  EXPECT_EQ(job.status().message(), "layout cancelled");
  EXPECT_EQ(job.layout(), nullptr);
}

TEST(LayoutJob, ExternalCancelFlagIsPolledInsideTheWork) {
  std::atomic<bool> cancel{false};
  Hooks hooks;
  hooks.cancel = &cancel;
  hooks.slice_ms = 0.01;
  int calls = 0;
  hooks.progress = [&](Phase, float) {
    if (++calls == 3) cancel.store(true);  // stand-in for another thread or a UI button
  };
  Result<Layout> r = layoutGraph(families::denseNetLike({12, 24}), Options{}, hooks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "layout cancelled");
  EXPECT_EQ(calls, 3);
}

TEST(LayoutJob, ProgressHookSeesPhasesInOrderAndEndsAtOne) {
  Hooks hooks;
  hooks.slice_ms = 0.01;
  std::vector<std::pair<Phase, float>> seen;
  hooks.progress = [&](Phase p, float f) { seen.push_back({p, f}); };
  ASSERT_TRUE(layoutGraph(families::transformerLike(4, 4), Options{}, hooks).ok());
  ASSERT_GT(seen.size(), 3u);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(static_cast<int>(seen[i].first), static_cast<int>(seen[i - 1].first));
    EXPECT_GE(seen[i].second, seen[i - 1].second);
  }
  EXPECT_EQ(seen.back().second, 1.0f);
  EXPECT_EQ(seen.back().first, Phase::Routing);
}

TEST(LayoutJob, PhaseTimesAreRecorded) {
  Result<Layout> r = layoutGraph(families::denseNetLike({6, 12}));
  ASSERT_TRUE(r.ok());
  double total = 0;
  for (double ms : r->stats.phase_ms) {
    EXPECT_GE(ms, 0.0);
    total += ms;
  }
  EXPECT_GT(total, 0.0);
  EXPECT_GT(r->stats.phase_ms[static_cast<int>(Phase::Ordering)], 0.0);
}

TEST(LayoutJob, InvalidInputIsRejectedWithTheOffendingItem) {
  Graph g = families::chain(3);
  g.edges.push_back({0, 7, kFreePort, kFreePort});
  Result<Layout> bad_node = layoutGraph(g);
  ASSERT_FALSE(bad_node.ok());
  EXPECT_NE(bad_node.error().message.find("edge 2"), std::string::npos) << bad_node.error().message;

  Graph h = families::chain(3);  // chain nodes have one output port
  h.edges[1].from_port = 4;
  Result<Layout> bad_port = layoutGraph(h);
  ASSERT_FALSE(bad_port.ok());
  EXPECT_NE(bad_port.error().message.find("output port 4"), std::string::npos) << bad_port.error().message;

  Graph k = families::chain(3);
  k.nodes[1].height = std::numeric_limits<float>::quiet_NaN();
  Result<Layout> bad_size = layoutGraph(k);
  ASSERT_FALSE(bad_size.ok());
  EXPECT_NE(bad_size.error().message.find("node 1"), std::string::npos);

  Graph m = families::chain(3);
  m.nodes[0].width = -5;
  EXPECT_FALSE(validateGraph(m).ok());
  EXPECT_TRUE(validateGraph(families::chain(3)).ok());
}

TEST(LayoutJob, EmptyAndIsolatedNodesWork) {
  Result<Layout> empty = layoutGraph(Graph{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->bounds.width, 0.0f);
  Graph lonely;
  lonely.nodes = {{30, 10, 0, 0}, {50, 20, 0, 0}, {10, 10, 0, 0}};
  Layout l;
  EXPECT_TRUE(test::layoutAndCheck(lonely, Options{}, &l));
  EXPECT_EQ(l.stats.rank_count, 1u);
  EXPECT_EQ(l.node_centers[0].y, l.node_centers[1].y) << "all on one layer, centred";
}

TEST(LayoutDeterminism, SameInputSameBytesEvenAfterOtherWork) {
  const std::vector<Graph> graphs = {families::transformerLike(3, 2), families::denseNetLike({6, 12}),
                                     families::randomCyclic(80, 200, 9), families::randomDag(300, 500, 4, true)};
  for (const Graph& g : graphs) {
    for (Direction dir : {Direction::TopToBottom, Direction::LeftToRight}) {
      Options o;
      o.direction = dir;
      Result<Layout> first = layoutGraph(g, o);
      ASSERT_TRUE(first.ok());
      ASSERT_TRUE(layoutGraph(graphs[0]).ok());  // unrelated work in between: no hidden state
      Result<Layout> second = layoutGraph(g, o);
      ASSERT_TRUE(second.ok());
      EXPECT_EQ(test::serialize(*first), test::serialize(*second));
    }
  }
}

}  // namespace
}  // namespace nf::layout

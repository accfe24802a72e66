// The merged graph (diff/merged.h) of pairs with a known answer: a layer inserted, a
// layer removed, a kernel changed, an input rewired.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "diff/chain_model.h"
#include "diff/merged.h"
#include "shapes/inference.h"
#include "support/model_builder.h"

namespace nf {
namespace {

using diff::NodeStatus;
using test::chain;

// Every input edge of `side` (value -> consumer) is an input of the merged node its
// consumer became, through the merged value its value became.
void expectEveryEdgeOf(const ir::Model& side, const std::vector<uint32_t>& node_to, const std::vector<uint32_t>& value_to,
                       const diff::MergedModel& mg, const char* which) {
  const ir::Graph& g = side.main();
  const ir::Graph& m = mg.model.main();
  for (uint32_t n = 0; n < g.nodes.size(); ++n) {
    const std::vector<ir::ValueId>& ins = m.nodes[node_to[n]].inputs;
    for (ir::ValueId v : g.nodes[n].inputs) {
      if (!v.valid()) continue;
      const ir::ValueId want{value_to[v.index]};
      EXPECT_NE(std::find(ins.begin(), ins.end(), want), ins.end()) << which << " edge " << g.value(v).name << " -> node " << n;
      // And it comes from where it came from: the merged node of its producer.
      if (const ir::NodeId p = g.value(v).producer; p.valid()) {
        const ir::NodeId mp = m.value(want).producer;
        EXPECT_TRUE(mp.valid() && mp.index == node_to[p.index]) << which << " producer of " << g.value(v).name;
      }
    }
  }
}

void expectUnion(const ir::Model& a, const ir::Model& b, const diff::Report& r, const diff::MergedModel& mg) {
  const size_t n = mg.model.main().nodes.size();
  EXPECT_EQ(n, r.nodes.size() + r.removed.size() + r.added.size());
  ASSERT_EQ(mg.status.size(), n);
  ASSERT_EQ(mg.node_a.size(), n);
  ASSERT_EQ(mg.input_side.size(), n);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(mg.input_side[i].size(), mg.model.main().nodes[i].inputs.size());
  for (const diff::NodeDiff& d : r.nodes) {
    const uint32_t m = mg.from_a[d.pair.a.index];
    EXPECT_EQ(m, mg.from_b[d.pair.b.index]) << "a pair is one node";
    EXPECT_EQ(mg.status[m], d.same() ? NodeStatus::Same : NodeStatus::Changed);
  }
  for (uint32_t k : r.removed) EXPECT_EQ(mg.status[mg.from_a[k]], NodeStatus::Removed);
  for (uint32_t k : r.added) EXPECT_EQ(mg.status[mg.from_b[k]], NodeStatus::Added);
  expectEveryEdgeOf(a, mg.from_a, mg.value_from_a, mg, "A");
  expectEveryEdgeOf(b, mg.from_b, mg.value_from_b, mg, "B");
  // The merged model is a model the rest of the app reads: shapes infer on it.
  const shapes::InferenceResult inferred = shapes::inferShapes(mg.model);
  EXPECT_FALSE(inferred.graphs.empty());
}

int count(const diff::MergedModel& mg, NodeStatus s) {
  return static_cast<int>(std::count(mg.status.begin(), mg.status.end(), s));
}

TEST(DiffMerged, InsertedLayerAppearsAsAddedBetweenTheLayersAroundIt) {
  ir::Model a = chain(5, true), b = chain(5, true, 2);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel mg = diff::mergeModels(a, b, r);
  expectUnion(a, b, r, mg);
  EXPECT_EQ(count(mg, NodeStatus::Added), 4);
  EXPECT_EQ(count(mg, NodeStatus::Removed), 0);
  // In place: B's order, so layer 2's four new nodes sit between layers 1 and 3.
  const ir::Graph& m = mg.model.main();
  for (uint32_t i = 8; i < 12; ++i) EXPECT_EQ(mg.status[i], NodeStatus::Added) << m.nodes[i].name;
  // The Add closing layer 1 feeds the new layer in B and layer 3's MatMul in A: that
  // MatMul keeps both edges, one marked A only and one B only.
  EXPECT_GE(mg.rewired_inputs, 1u);
}

TEST(DiffMerged, RemovedLayerStaysInPlaceWithItsEdges) {
  ir::Model a = chain(5, true, 2), b = chain(5, true);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel mg = diff::mergeModels(a, b, r);
  expectUnion(a, b, r, mg);
  EXPECT_EQ(count(mg, NodeStatus::Removed), 4);
  EXPECT_EQ(count(mg, NodeStatus::Added), 0);
  const ir::Graph& m = mg.model.main();
  for (uint32_t i = 8; i < 12; ++i) {
    EXPECT_EQ(mg.status[i], NodeStatus::Removed) << m.nodes[i].name;
    EXPECT_EQ(mg.node_b[i], kNoIndex);
    for (diff::EdgeSide s : mg.input_side[i]) EXPECT_EQ(s, diff::EdgeSide::OnlyA);
  }
  // The removed layer's weight is in the merged graph, readable from A's data.
  const ir::Value& w = m.value(m.nodes[8].inputs[1]);
  ASSERT_GE(w.initializer, 0);
  EXPECT_EQ(m.initializers[static_cast<size_t>(w.initializer)].dims, (std::vector<int64_t>{4, 4}));
}

// x -> Conv(3x3) -> Relu -> Conv(3x3) -> y; B's first Conv is 5x5.
ir::Model convs(int first_kernel) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  std::string x = g.input("x", test::F32, test::shape({1, 3, 8, 8}));
  const int k = first_kernel;
  std::vector<float> w1(static_cast<size_t>(8 * 3 * k * k), 0.01f), w2(8 * 8 * 9, 0.02f);
  std::string w1n = g.initFloats("conv1.weight", {8, 3, k, k}, w1);
  std::string w2n = g.initFloats("conv2.weight", {8, 8, 3, 3}, w2);
  x = g.op("Conv", "/conv1/Conv", {x, w1n}, {test::aInts("kernel_shape", {k, k}), test::aInts("pads", {k / 2, k / 2, k / 2, k / 2})});
  x = g.op("Relu", "/relu/Relu", {x});
  x = g.op("Conv", "/conv2/Conv", {x, w2n}, {test::aInts("kernel_shape", {3, 3}), test::aInts("pads", {1, 1, 1, 1})});
  g.output(x);
  return m;
}

TEST(DiffMerged, ChangedKernelIsOneChangedNodeAndTheRestSame) {
  ir::Model a = convs(3), b = convs(5);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel mg = diff::mergeModels(a, b, r);
  expectUnion(a, b, r, mg);
  ASSERT_EQ(mg.model.main().nodes.size(), 3u);
  EXPECT_EQ(mg.status[0], NodeStatus::Changed);
  EXPECT_EQ(mg.status[1], NodeStatus::Same);
  EXPECT_EQ(mg.status[2], NodeStatus::Same);
  // The merged node is B's (the new kernel); A's side of the change is in the report.
  const ir::Attribute* k = mg.model.main().nodes[0].attr("kernel_shape");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->ints, (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(mg.rewired_inputs, 0u);
}

TEST(DiffMerged, SameModelMergesIntoItself) {
  ir::Model a = chain(3, true), b = chain(3, false);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel mg = diff::mergeModels(a, b, r);
  expectUnion(a, b, r, mg);
  EXPECT_EQ(mg.model.main().nodes.size(), a.main().nodes.size());
  EXPECT_EQ(count(mg, NodeStatus::Same), static_cast<int>(a.main().nodes.size()));
  EXPECT_EQ(mg.model.main().values.size(), a.main().values.size()) << "every value paired: none doubled";
}

TEST(DiffMerged, JobSteppedInTinySlicesGivesTheSameMergedGraph) {
  ir::Model a = chain(40, false), b = chain(40, false, 20, "Relu", 30);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel whole = diff::mergeModels(a, b, r);
  diff::MergeJob job(a, b, r);
  int steps = 0;
  while (!job.step(1e-6)) ++steps;
  const diff::MergedModel sliced = job.take();
  EXPECT_GT(steps, 5) << "resumed, not done in one go";
  EXPECT_EQ(sliced.status, whole.status);
  EXPECT_EQ(sliced.node_a, whole.node_a);
  EXPECT_EQ(sliced.value_from_b, whole.value_from_b);
  ASSERT_EQ(sliced.model.main().nodes.size(), whole.model.main().nodes.size());
  for (size_t i = 0; i < whole.model.main().nodes.size(); ++i)
    EXPECT_EQ(sliced.model.main().nodes[i].inputs, whole.model.main().nodes[i].inputs);
  EXPECT_EQ(sliced.model.main().outputs, whole.model.main().outputs);
}

TEST(DiffMerged, SameInputGivesTheSameMergedGraph) {
  ir::Model a = chain(5, false), b = chain(5, false, 2, "Relu", 4);
  const diff::Report r = diff::compareModels(a, b);
  const diff::MergedModel x = diff::mergeModels(a, b, r), y = diff::mergeModels(a, b, r);
  ASSERT_EQ(x.model.main().nodes.size(), y.model.main().nodes.size());
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.node_a, y.node_a);
  EXPECT_EQ(x.node_b, y.node_b);
  for (size_t i = 0; i < x.model.main().nodes.size(); ++i)
    EXPECT_EQ(x.model.main().nodes[i].inputs, y.model.main().nodes[i].inputs);
}

}  // namespace
}  // namespace nf

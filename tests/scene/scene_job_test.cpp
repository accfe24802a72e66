// The scene job (scene/scene_job.h): run in many tiny slices it draws exactly what one
// unsliced run draws, flat and grouped; its steps advance in the planned order with
// their labels; cancel stops it; shapes handed in replace its own inference; a
// regrouped scene equals one opened that way from the start.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "layout/layout.h"
#include "onnx/reader.h"
#include "scene/exports.h"
#include "scene/scene_job.h"
#include "support/synthetic_models.h"
#include "support/test_support.h"

namespace nf::scene {
namespace {

using Step = SceneJob::Step;

// Everything a user sees of the scene, as bytes: the flat export (boxes, edges,
// routes, labels) or the grouped SVG (frames too), plus what the index finds.
std::string drawn(const SceneJob& job) {
  std::ostringstream out;
  if (job.grouped()) writeSvg(out, job.groupedScene());
  else writeJson(out, job.model(), job.graph(), job.layout());
  if (job.request().spatial_index) {
    std::vector<uint32_t> nodes, edges;
    job.index().queryNodes(job.layout().bounds, nodes);
    job.index().queryEdges(job.layout().bounds, edges);
    out << "\nindex " << nodes.size() << " " << edges.size();
  }
  return out.str();
}

// Steps the job with `budget_ms` until it is over; the step seen before each call.
std::vector<Step> runSliced(SceneJob& job, double budget_ms) {
  std::vector<Step> seen;
  for (int calls = 0; calls < 1000000; ++calls) {
    seen.push_back(job.current());
    if (job.step(budget_ms)) break;
  }
  seen.push_back(job.current());
  return seen;
}

SceneRequest flatRequest() {
  SceneRequest r;
  r.direction = layout::Direction::TopToBottom;
  return r;
}

SceneRequest groupedRequest() {
  SceneRequest r;
  r.grouped = true;
  r.direction = layout::Direction::LeftToRight;
  return r;
}

class SceneJobTest : public ::testing::TestWithParam<bool> {};  // grouped?

TEST_P(SceneJobTest, SlicedEqualsUnsliced) {
  test::StackOptions so;
  so.layers = 6;
  const ir::Model m = test::makeTransformerStack(so);
  const SceneRequest r = GetParam() ? groupedRequest() : flatRequest();

  SceneJob whole(m, r);
  ASSERT_TRUE(whole.step(0));
  ASSERT_EQ(whole.current(), Step::Ready) << whole.error();
  EXPECT_EQ(whole.timings().slices, 1u);
  EXPECT_EQ(whole.grouped(), GetParam());
  EXPECT_GT(whole.graph().nodes.size(), 10u);

  SceneJob sliced(m, r);
  runSliced(sliced, 0.01);
  ASSERT_EQ(sliced.current(), Step::Ready) << sliced.error();
  // A tiny budget: every call runs one step at most, so no call did two steps.
  EXPECT_GE(sliced.timings().slices, sliced.plan().size());
  // Flat: the layout itself is cut into many slices (each stops after one check interval);
  // grouped: the boxes of every op are (a 100k-node graph's would block a frame for 0.5 s).
  if (!GetParam()) EXPECT_GT(sliced.timings().slices, 20u);
  else EXPECT_GT(sliced.timings().slices, sliced.plan().size() + 2);
  EXPECT_EQ(drawn(sliced), drawn(whole));
  EXPECT_NE(sliced.shapes(), nullptr);  // inferred: the edges carry shapes
}

TEST_P(SceneJobTest, StepsAdvanceInPlannedOrderWithTheirLabels) {
  const ir::Model m = test::makeTransformerStack();
  const SceneRequest r = GetParam() ? groupedRequest() : flatRequest();
  SceneJob job(m, r);
  const std::vector<Step> want_plan =
      GetParam() ? std::vector<Step>{Step::Shapes, Step::Hierarchy, Step::Building, Step::Grouping, Step::Indexing}
                 : std::vector<Step>{Step::Shapes, Step::Building, Step::LayingOut, Step::Geometry, Step::Indexing};
  ASSERT_EQ(job.plan(), want_plan);

  std::vector<Step> steps;        // each step once, in the order seen
  std::vector<std::string> labels;  // each label change
  float last_progress = 0;
  for (int calls = 0; calls < 1000000 && job.running(); ++calls) {
    if (steps.empty() || steps.back() != job.current()) steps.push_back(job.current());
    const std::string label = job.label();
    if (labels.empty() || labels.back() != label) labels.push_back(label);
    // Laying out shows its phase, finding groups its pass ("finding groups (scopes)").
    if (job.current() == Step::Hierarchy) EXPECT_EQ(label.rfind(SceneJob::stepName(job.current()), 0), 0u) << label;
    else if (job.current() != Step::LayingOut) EXPECT_EQ(label, SceneJob::stepName(job.current()));
    EXPECT_GE(job.progress(), last_progress) << label;
    last_progress = job.progress();
    job.step(0.01);
  }
  steps.push_back(job.current());
  std::vector<Step> want = want_plan;
  want.push_back(Step::Ready);
  EXPECT_EQ(steps, want);
  EXPECT_STREQ(job.label(), "ready");
  EXPECT_EQ(job.progress(), 1.0f);
  EXPECT_EQ(labels.front(), "inferring shapes");
  EXPECT_EQ(labels.back(), "indexing");
  if (GetParam()) {  // the hierarchy's passes show while they run
    const auto pass_shown = [](const std::string& l) { return l.rfind("finding groups (", 0) == 0; };
    EXPECT_TRUE(std::any_of(labels.begin(), labels.end(), pass_shown)) << testing::PrintToString(labels);
  }
  if (!GetParam()) {  // the layout phases show while laying out, between boxes and routing
    bool phase_seen = false;
    for (int p = 0; p < layout::kPhaseCount; ++p)
      for (const std::string& l : labels) phase_seen |= l == layout::phaseName(static_cast<layout::Phase>(p));
    EXPECT_TRUE(phase_seen);
  }
}

TEST_P(SceneJobTest, CancelStopsIt) {
  const ir::Model m = test::makeTransformerStack();
  SceneJob job(m, GetParam() ? groupedRequest() : flatRequest());
  EXPECT_FALSE(job.step(0.01));  // shapes
  EXPECT_FALSE(job.step(0.01));  // the next step started
  ASSERT_TRUE(job.running());
  const uint32_t slices = job.timings().slices;
  job.cancel();
  EXPECT_EQ(job.current(), Step::Cancelled);
  EXPECT_FALSE(job.running());
  EXPECT_STREQ(job.label(), "cancelled");
  EXPECT_TRUE(job.step(0));  // no more work
  EXPECT_EQ(job.timings().slices, slices);
  const Status s = job.run();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "cancelled");
}

TEST_P(SceneJobTest, ShapesHandedInReplaceItsOwnInference) {
  test::StackOptions so;
  so.layers = 2;
  const ir::Model m = test::makeTransformerStack(so);
  const SceneRequest r = GetParam() ? groupedRequest() : flatRequest();
  const shapes::InferenceResult inferred = shapes::inferShapes(m);
  SceneJob given(m, r, &inferred);
  EXPECT_EQ(given.plan().front(), GetParam() ? Step::Hierarchy : Step::Building);
  ASSERT_TRUE(given.run().ok()) << given.error();
  EXPECT_EQ(given.shapes(), &inferred);
  EXPECT_EQ(given.timings().shapes_ms, 0.0);
  SceneJob own(m, r);
  ASSERT_TRUE(own.run().ok()) << own.error();
  EXPECT_EQ(drawn(given), drawn(own));

  // Declared types only: no shapes, and the labels differ from the inferred ones.
  SceneRequest declared = r;
  declared.infer_shapes = false;
  SceneJob plain(m, declared, &inferred);
  ASSERT_TRUE(plain.run().ok()) << plain.error();
  EXPECT_EQ(plain.shapes(), nullptr);
  EXPECT_NE(drawn(plain), drawn(own));
  // Inferring them afterwards relabels the edges as the job would have from the start.
  plain.inferShapesNow();
  EXPECT_NE(plain.shapes(), nullptr);
  if (!GetParam()) {
    for (size_t e = 0; e < own.graph().edges.size(); ++e)
      EXPECT_EQ(plain.graph().edges[e].label, own.graph().edges[e].label) << "edge " << e;
  } else {
    EXPECT_EQ(drawn(plain), drawn(own));
  }
}

INSTANTIATE_TEST_SUITE_P(FlatAndGrouped, SceneJobTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Grouped" : "Flat"; });

// Real models with the other options: left to right, initializer boxes, names, and a
// Loop body drawn inline.
TEST(SceneJob, SlicedEqualsUnslicedOnCorpusModelsWithEveryOption) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "no corpus";
  for (const char* file : {"light/light_resnet50.onnx", "node/test_loop11.onnx"}) {
    auto m = onnx::readModelFile(test::corpusPath(file));
    ASSERT_TRUE(m) << file;
    SceneRequest r;
    r.direction = layout::Direction::LeftToRight;
    r.initializers_as_nodes = true;
    r.show_names = true;
    r.expand_bodies = true;
    SceneJob whole(*m, r);
    ASSERT_TRUE(whole.run().ok()) << file << ": " << whole.error();
    SceneJob sliced(*m, r);
    runSliced(sliced, 0.01);
    ASSERT_EQ(sliced.current(), Step::Ready) << file << ": " << sliced.error();
    EXPECT_EQ(drawn(sliced), drawn(whole)) << file;
  }
}

TEST(SceneJob, RegroupEqualsOpeningThatWayFromTheStart) {
  test::StackOptions so;
  so.layers = 4;
  const ir::Model m = test::makeTransformerStack(so);
  SceneRequest r = groupedRequest();
  SceneJob job(m, r);
  ASSERT_TRUE(job.run().ok()) << job.error();
  const std::string first_sight = drawn(job);
  ASSERT_TRUE(job.regroup(hierarchy::collapseAll(job.hierarchy())).ok());
  r.opening.kind = GroupOpening::Kind::Collapsed;
  SceneJob collapsed(m, r);
  ASSERT_TRUE(collapsed.run().ok()) << collapsed.error();
  EXPECT_EQ(drawn(job), drawn(collapsed));
  EXPECT_NE(drawn(job), first_sight);

  // A flat job cannot regroup, and says so.
  SceneJob flat(m, flatRequest());
  ASSERT_TRUE(flat.run().ok());
  EXPECT_FALSE(flat.regroup(hierarchy::Expansion{}).ok());
}

TEST(SceneJob, BadGraphFailsWithAMessage) {
  const ir::Model m = test::makeTransformerStack();
  for (bool grouped : {false, true}) {
    SceneRequest r = grouped ? groupedRequest() : flatRequest();
    r.graph = ir::GraphId{7};
    SceneJob job(m, r);
    const Status s = job.run();
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(job.current(), Step::Failed);
    EXPECT_FALSE(job.error().empty());
    EXPECT_STREQ(job.label(), "failed");
  }
}

}  // namespace
}  // namespace nf::scene

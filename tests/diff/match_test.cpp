// Matching stages on small synthetic graphs whose right answer is known.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "diff/chain_model.h"
#include "diff/differences.h"
#include "diff/group_pairs.h"
#include "hierarchy/hierarchy.h"
#include "support/model_builder.h"

namespace nf {
namespace {

using test::chain;

TEST(DiffMatch, RenamedModelIsEqualAndPairsEveryNodeWithItself) {
  ir::Model a = chain(6, true), b = chain(6, false);
  diff::Report r = diff::compareModels(a, b);
  ASSERT_EQ(r.nodes.size(), a.main().nodes.size());
  for (const auto& p : r.nodes) EXPECT_EQ(p.pair.a.index, p.pair.b.index);
  EXPECT_TRUE(r.equal());
  EXPECT_TRUE(r.removed.empty());
  EXPECT_TRUE(r.added.empty());
}

TEST(DiffMatch, InsertedLayerWithoutNamesIsAddedAndTheRestPairsAcrossIt) {
  ir::Model a = chain(5, false), b = chain(5, false, 2);
  diff::Report r = diff::compareModels(a, b);
  EXPECT_EQ(r.added.size(), 4u);
  EXPECT_TRUE(r.removed.empty());
  for (const auto& p : r.nodes) {
    uint32_t expect = p.pair.a.index < 8 ? p.pair.a.index : p.pair.a.index + 4;  // layer 2 in B is new
    EXPECT_EQ(p.pair.b.index, expect) << "A node " << p.pair.a.index;
  }
  EXPECT_EQ(r.nodes.size(), a.main().nodes.size());
}

TEST(DiffMatch, ChangedOpPairsAsChangedWithItsOldAndNewType) {
  ir::Model a = chain(4, false), b = chain(4, false, -1, "Relu", 2);
  diff::Report r = diff::compareModels(a, b);
  ASSERT_EQ(r.nodes.size(), a.main().nodes.size());
  ASSERT_EQ(r.changedNodes(), 1);
  for (const auto& p : r.nodes) {
    EXPECT_EQ(p.pair.a.index, p.pair.b.index);
    if (p.same()) continue;
    ASSERT_FALSE(p.changes.empty());
    EXPECT_EQ(p.changes[0].what, "op_type");
    EXPECT_EQ(p.changes[0].a, "Relu");
    EXPECT_EQ(p.changes[0].b, "Sigmoid");
  }
}

TEST(DiffMatch, ChangedWeightsAreComparedByValue) {
  ir::Model a = chain(2, true), b = chain(2, true);
  b.main().initializers[0].bytes[7] ^= 0x40;  // element 1 of w0 changes (exponent bit)
  diff::Report r = diff::compareModels(a, b);
  EXPECT_FALSE(r.equal());
  int changed = 0;
  for (const auto& d : r.initializers) {
    if (d.same()) continue;
    ++changed;
    EXPECT_TRUE(d.values.compared);
    EXPECT_GT(d.values.max_abs_diff, 0.0);
    EXPECT_LT(d.values.cosine, 1.0);
  }
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(r.changedNodes(), 1);  // the MatMul that reads it
}

TEST(DiffMatch, SameInputGivesSameMatchingEveryRun) {
  ir::Model a = chain(8, false), b = chain(8, false, 5);
  diff::Matching m1 = diff::matchModels(a, b), m2 = diff::matchModels(a, b);
  ASSERT_EQ(m1.nodes.size(), m2.nodes.size());
  for (size_t i = 0; i < m1.nodes.size(); ++i) {
    EXPECT_EQ(m1.nodes[i].b.index, m2.nodes[i].b.index);
    EXPECT_EQ(m1.nodes[i].stage, m2.nodes[i].stage);
  }
}

// The app runs the diff in slices between frames: a job stepped with a tiny budget
// (one unit per call) must give exactly the one-call report, and say what it does.
TEST(DiffMatch, JobSteppedInSlicesGivesTheSameReport) {
  ir::Model a = chain(8, false, -1, "Relu", 3), b = chain(8, true, 5);
  diff::Report whole = diff::compareModels(a, b);
  diff::CompareJob job(a, b);
  int calls = 0;
  float last_progress = -1;
  std::set<std::string> labels;
  while (!job.step(1e-6)) {
    ++calls;
    labels.insert(job.label());
    EXPECT_GE(job.progress(), last_progress);
    last_progress = job.progress();
    ASSERT_LT(calls, 10000);
  }
  EXPECT_GT(calls, 10);  // many slices, not one blocking call
  EXPECT_TRUE(labels.count("matching names"));
  EXPECT_TRUE(labels.count("comparing nodes"));
  EXPECT_FLOAT_EQ(job.progress(), 1.0f);
  diff::Report sliced = job.take();
  ASSERT_EQ(sliced.nodes.size(), whole.nodes.size());
  for (size_t i = 0; i < whole.nodes.size(); ++i) {
    EXPECT_EQ(sliced.nodes[i].pair.b.index, whole.nodes[i].pair.b.index);
    EXPECT_EQ(sliced.nodes[i].changes.size(), whole.nodes[i].changes.size());
  }
  EXPECT_EQ(sliced.added, whole.added);
  EXPECT_EQ(sliced.removed, whole.removed);
  EXPECT_EQ(sliced.changedNodes(), whole.changedNodes());
  EXPECT_EQ(sliced.initializers.size(), whole.initializers.size());
  EXPECT_EQ(sliced.groups.size(), whole.groups.size());
  EXPECT_FALSE(whole.added.empty());
}

// Every stage resumes where the budget stopped it (weights, names, structure rounds,
// alignment tables...): a matching stepped with a budget too small for any batch must
// be exactly the one-call matching, pair for pair, stage and confidence included.
TEST(DiffMatch, MatchJobWithATinyBudgetGivesExactlyTheUnboundedMatching) {
  // Hundreds of nodes (several batches per stage), alike layers, an inserted one and a
  // changed op: structure, neighbours and alignment all have work.
  struct Case { ir::Model a, b; };
  std::vector<Case> cases;
  cases.push_back({chain(120, false, -1, "Relu", 40, true), chain(120, false, 70, "Relu", -1, true)});
  cases.push_back({chain(120, true, -1, "Relu", 40), chain(120, true, 70)});
  std::set<diff::Stage> stages;
  for (const Case& c : cases) {
    diff::Matching whole = diff::matchModels(c.a, c.b);
    diff::MatchJob job(c.a, c.b);
    int calls = 0;
    while (!job.done()) {
      job.step(1e-6);
      ASSERT_LT(++calls, 100000);
    }
    EXPECT_GT(calls, 40);  // the stages really were cut into pieces
    diff::Matching sliced = job.take();
    ASSERT_EQ(sliced.nodes.size(), whole.nodes.size());
    for (size_t i = 0; i < whole.nodes.size(); ++i) {
      EXPECT_EQ(sliced.nodes[i].a.index, whole.nodes[i].a.index);
      EXPECT_EQ(sliced.nodes[i].b.index, whole.nodes[i].b.index);
      EXPECT_EQ(sliced.nodes[i].stage, whole.nodes[i].stage);
      EXPECT_EQ(sliced.nodes[i].confidence, whole.nodes[i].confidence);
      stages.insert(whole.nodes[i].stage);
    }
    EXPECT_EQ(sliced.value_a_to_b, whole.value_a_to_b);
    EXPECT_EQ(sliced.value_b_to_a, whole.value_b_to_a);
    EXPECT_EQ(sliced.init_a_to_b, whole.init_a_to_b);
    ASSERT_EQ(sliced.initializers.size(), whole.initializers.size());
    for (size_t i = 0; i < whole.initializers.size(); ++i) {
      EXPECT_EQ(sliced.initializers[i].b, whole.initializers[i].b);
      EXPECT_EQ(sliced.initializers[i].stage, whole.initializers[i].stage);
    }
  }
  // The cases reach the stages whose work is now cut into batches.
  EXPECT_TRUE(stages.count(diff::Stage::Weights));
  EXPECT_TRUE(stages.count(diff::Stage::Names));
  EXPECT_TRUE(stages.count(diff::Stage::Neighbours));
  EXPECT_TRUE(stages.count(diff::Stage::Structure) || stages.count(diff::Stage::Alignment));
}

// Groups pair through their members, not their paths: after a layer inserted at 2,
// A's layers.2 is B's layers.3 (same weights, same nodes), and B's new layers.2 has no
// partner in A.
TEST(DiffGroups, GroupsPairThroughTheirMembersAcrossAnInsertedLayer) {
  ir::Model a = chain(6, true), b = chain(6, true, 2);
  auto ha = hierarchy::buildHierarchy(a), hb = hierarchy::buildHierarchy(b);
  ASSERT_TRUE(ha && hb);
  diff::GroupPairs gp = diff::pairGroups(*ha, *hb, diff::matchModels(a, b));
  ASSERT_EQ(gp.a_to_b.size(), ha->groupCount());
  ASSERT_EQ(gp.b_to_a.size(), hb->groupCount());
  EXPECT_EQ(gp.a_to_b[0], 0u);
  auto named = [](const hierarchy::Hierarchy& h, const std::string& name) {
    for (uint32_t g = 0; g < h.groupCount(); ++g)
      if (h.groups[g].name == name) return g;
    return kNoIndex;
  };
  for (int l = 0; l < 6; ++l) {
    const uint32_t ga = named(*ha, "layers." + std::to_string(l));
    const uint32_t gb = named(*hb, "layers." + std::to_string(l < 2 ? l : l + 1));
    ASSERT_NE(ga, kNoIndex) << "layers." << l;
    ASSERT_NE(gb, kNoIndex);
    EXPECT_EQ(gp.a_to_b[ga], gb) << "A layers." << l << " pairs with B " << hb->groups[gp.a_to_b[ga]].name;
    EXPECT_EQ(gp.b_to_a[gb], ga);
  }
  EXPECT_EQ(gp.b_to_a[named(*hb, "layers.2")], kNoIndex);  // the inserted layer
}

// The series pair too ("layers ×6" with "layers ×7"), so unfolding a series' folded
// rest on one side unfolds its partner on the other (GraphView::mirrorGroup).
TEST(DiffGroups, ASeriesPairsWithTheSeriesThatHasOneLayerMore) {
  ir::Model a = chain(6, true), b = chain(6, true, 2);
  auto ha = hierarchy::buildHierarchy(a), hb = hierarchy::buildHierarchy(b);
  ASSERT_TRUE(ha && hb);
  auto series = [](const hierarchy::Hierarchy& h) {
    for (uint32_t g = 0; g < h.groupCount(); ++g)
      if (h.groups[g].kind == hierarchy::GroupKind::Series) return g;
    return kNoIndex;
  };
  const uint32_t sa = series(*ha), sb = series(*hb);
  ASSERT_NE(sa, kNoIndex) << "the chain's layers form a series";
  ASSERT_NE(sb, kNoIndex);
  const diff::Matching m = diff::matchModels(a, b);
  EXPECT_EQ(diff::partnerGroup(*ha, *hb, m.a_to_b, sa), sb) << ha->groups[sa].name << " -> " << hb->groups[sb].name;
  EXPECT_EQ(diff::partnerGroup(*hb, *ha, m.b_to_a, sb), sa);
}

TEST(DiffMatch, SameChosenNameWithAnotherOpPairsAsReplacedInPlace) {
  // Weights without data: nothing to hash, so only the names can tell.
  auto build = [](const char* act) {
    ir::Model m = test::model(17);
    test::GraphBuilder g(m);
    std::string x = g.input("x", test::F32, test::shape({1, 4}));
    x = g.op("MatMul", "fc1", {x, g.weight("w1", {4, 4})});
    x = g.op(act, "act1", {x});
    x = g.op("MatMul", "fc2", {x, g.weight("w2", {4, 4})});
    g.output(x);
    return m;
  };
  ir::Model a = build("Relu"), b = build("Sigmoid");
  diff::Report r = diff::compareModels(a, b);
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(r.changedNodes(), 1);
  EXPECT_EQ(r.nodes[1].changes.at(0).what, "op_type");
}

TEST(DiffMatch, ChangedLoopBodyShowsAsAChangedGraphAttribute) {
  auto build = [](const char* inner) {
    ir::Model m = test::model(17);
    test::GraphBuilder g(m);
    std::string x = g.input("x", test::F32, test::shape({4}));
    std::string c = g.input("c", test::BOOL, test::shape({}));
    ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{0}, "body");
    {
      test::GraphBuilder b(m, body);
      b.input("i");
      b.input("cond");
      std::string v = b.input("v");
      b.node("Identity", {"cond"}, {"cond_out"}, {}, "keep");
      b.node(inner, {v}, {"v_out"}, {}, "step");
      b.output("cond_out");
      b.output("v_out");
    }
    g.node("Loop", {"", c, x}, {"y"}, {test::aGraph("body", body)}, "loop");
    g.output("y");
    return m;
  };
  ir::Model a = build("Relu"), b = build("Sigmoid");
  diff::Report same = diff::compareModels(a, build("Relu"));
  EXPECT_TRUE(same.equal());
  diff::Report r = diff::compareModels(a, b);
  ASSERT_EQ(r.nodes.size(), 1u);
  ASSERT_FALSE(r.nodes[0].same());
  EXPECT_EQ(r.nodes[0].changes[0].what, "attribute body");
}

}  // namespace
}  // namespace nf

// Repeat classes and repeated blocks on synthetic transformer stacks, with names,
// with names stripped, with tensors renamed; determinism of the JSON report.
#include <gtest/gtest.h>

#include <random>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/report.h"
#include "support/synthetic_models.h"

namespace nf::hierarchy {
namespace {

Hierarchy build(const ir::Model& m, BuildOptions o = {}) {
  auto h = buildHierarchy(m, ir::GraphId{0}, o);
  EXPECT_TRUE(h.ok());
  test::checkTree(h.value());
  test::checkRepeats(h.value());
  return std::move(h.value());
}

// The repeat class whose members are Block groups, if any.
const RepeatClass* blockClass(const Hierarchy& h) {
  for (const auto& rc : h.repeats)
    if (h.group(rc.members[0]).kind == GroupKind::Block) return &rc;
  return nullptr;
}

TEST(hierarchyRepeats, SyntheticStackHasTheLayerSizeItClaims) {
  for (bool mask : {true, false}) {
    test::StackOptions o;
    o.layers = 3;
    o.mask = mask;
    ir::Model m = test::makeTransformerStack(o);
    EXPECT_EQ(m.main().nodes.size(), 4u + 3u * test::stackLayerNodes(mask));
  }
}

TEST(hierarchyRepeats, NamedStackGivesLayerSeriesAndClasses) {
  test::StackOptions o;
  o.layers = 12;
  Hierarchy h = build(test::makeTransformerStack(o));
  EXPECT_EQ(h.source, NameSource::Names);
  GroupId enc = h.findPath("enc");
  ASSERT_TRUE(enc.valid());
  EXPECT_EQ(h.group(enc).kind, GroupKind::Series);
  EXPECT_EQ(h.group(enc).name, "enc: layers \xC3\x97" "12");
  ASSERT_EQ(h.group(enc).children.size(), 12u);
  const uint32_t per_layer = static_cast<uint32_t>(test::stackLayerNodes(true));
  for (GroupId layer : h.group(enc).children) EXPECT_EQ(h.group(layer).node_count, per_layer);
  // Classes: the layers (12), their attention (12), norm1+norm2 (24), linear1+linear2
  // (24) plus /embed, which is also a MatMul + Add.
  ASSERT_EQ(h.repeats.size(), 4u);
  EXPECT_EQ(h.repeats[0].members.size(), 12u);
  EXPECT_EQ(h.repeats[0].nodes_per_instance, per_layer);
  EXPECT_EQ(h.group(h.repeats[0].members[0]).path, "enc/layers.0");
  EXPECT_EQ(h.group(h.repeats[1].members[0]).path, "enc/layers.0/self_attn");
  EXPECT_EQ(h.repeats[1].members.size(), 12u);
  EXPECT_EQ(h.repeats[2].members.size(), 24u);  // norm1, norm2
  EXPECT_EQ(h.repeats[2].nodes_per_instance, 11u);
  EXPECT_EQ(h.repeats[3].members.size(), 25u);
  EXPECT_EQ(h.group(h.repeats[3].members[0]).path, "embed");
  EXPECT_EQ(h.repeats[3].nodes_per_instance, 2u);
  EXPECT_EQ(blockClass(h), nullptr);  // named scopes are not searched for blocks
}

TEST(hierarchyRepeats, StrippedStackShowsOneBlockPerLayer) {
  for (int layers : {2, 12, 48}) {
    SCOPED_TRACE(layers);
    test::StackOptions o;
    o.layers = layers;
    ir::Model m = test::makeTransformerStack(o);
    test::stripNodeNames(&m);
    Hierarchy h = build(m);
    EXPECT_EQ(h.source, NameSource::None);
    const RepeatClass* rc = blockClass(h);
    ASSERT_NE(rc, nullptr);
    EXPECT_EQ(rc->members.size(), static_cast<size_t>(layers));
    EXPECT_EQ(rc->nodes_per_instance, static_cast<uint32_t>(test::stackLayerNodes(true)));
    // The blocks are the layers: block i holds exactly layer i's nodes.
    const uint32_t first_layer_node = 2, per = rc->nodes_per_instance;
    for (int i = 0; i < layers; ++i) {
      const Group& b = h.group(rc->members[i]);
      EXPECT_EQ(b.series_number, i);
      ASSERT_EQ(b.nodes.size(), per);
      EXPECT_EQ(b.nodes.front().index, first_layer_node + i * per);
      EXPECT_EQ(b.nodes.back().index, first_layer_node + (i + 1) * per - 1);
    }
    const Group& series = h.group(h.group(rc->members[0]).parent);
    EXPECT_EQ(series.kind, GroupKind::Series);
    EXPECT_EQ(series.name, "Block \xC3\x97" + std::to_string(layers));
  }
}

TEST(hierarchyRepeats, NamesOffMatchesStrippedNames) {
  test::StackOptions o;
  o.layers = 6;
  ir::Model named = test::makeTransformerStack(o);
  ir::Model stripped = named;
  test::stripNodeNames(&stripped);
  BuildOptions off;
  off.use_names = false;
  EXPECT_EQ(hierarchyJson(build(named, off)), hierarchyJson(build(stripped)));
}

TEST(hierarchyRepeats, TensorNamesDoNotMatter) {
  test::StackOptions o;
  o.layers = 8;
  ir::Model m = test::makeTransformerStack(o);
  test::stripNodeNames(&m);
  ir::Model renamed = m;
  test::renameTensors(&renamed);
  EXPECT_EQ(renamed.main().values.size(), m.main().values.size());
  EXPECT_EQ(renamed.main().value(renamed.main().nodes[3].outputs[0]).name.substr(0, 1), "t");
  EXPECT_EQ(hierarchyJson(build(m)), hierarchyJson(build(renamed)));
}

TEST(hierarchyRepeats, BlocksOffLeavesTheRootFlat) {
  test::StackOptions o;
  o.layers = 4;
  ir::Model m = test::makeTransformerStack(o);
  test::stripNodeNames(&m);
  BuildOptions no;
  no.detect_blocks = false;
  Hierarchy h = build(m, no);
  EXPECT_EQ(h.groups.size(), 1u);
}

TEST(hierarchyRepeats, NoRepeatsInAChainOfDistinctOps) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  for (int i = 0; i < 150; ++i) x = b.op("Op" + std::to_string(i), "", {x});
  b.output(x);
  Hierarchy h = build(m);
  EXPECT_TRUE(h.repeats.empty());
  EXPECT_EQ(h.groups.size(), 1u);
}

TEST(hierarchyRepeats, TwoKindsOfLayersGiveTwoBlockClasses) {
  // 10 layers of A (Conv, Relu, Add residual) then 10 of B (MatMul, Sigmoid, Mul, Add).
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  for (int i = 0; i < 10; ++i) {
    std::string c = b.op("Conv", "", {x, b.weight("wa" + std::to_string(i))});
    std::string r = b.op("Relu", "", {c});
    x = b.op("Add", "", {r, x});
  }
  for (int i = 0; i < 10; ++i) {
    std::string mm = b.op("MatMul", "", {x, b.weight("wb" + std::to_string(i))});
    std::string s = b.op("Sigmoid", "", {mm});
    std::string g = b.op("Mul", "", {mm, s});
    x = b.op("Add", "", {g, x});
  }
  b.output(x);
  BuildOptions o;
  o.block_search_min = 8;
  Hierarchy h = build(m, o);
  std::vector<std::pair<size_t, uint32_t>> got;  // (instances, nodes per instance) of block classes
  for (const auto& rc : h.repeats)
    if (h.group(rc.members[0]).kind == GroupKind::Block) got.push_back({rc.members.size(), rc.nodes_per_instance});
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<size_t, uint32_t>>{{10, 3}, {10, 4}}));
}

TEST(hierarchyRepeats, RandomGraphsKeepEveryInvariant) {
  std::mt19937 rng(1234);  // seeded: the same graphs every run
  for (int round = 0; round < 20; ++round) {
    ir::Model m = test::model();
    test::GraphBuilder b(m);
    std::vector<std::string> vals = {b.input("x"), b.input("y")};
    const int n = 50 + static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      int ins = 1 + static_cast<int>(rng() % 3);
      std::vector<std::string> in;
      for (int k = 0; k < ins; ++k) in.push_back(vals[vals.size() - 1 - rng() % std::min<size_t>(vals.size(), 8)]);
      std::string op = std::string("Op") + static_cast<char>('A' + rng() % 4);
      std::string name = rng() % 3 ? "" : "/s" + std::to_string(rng() % 5) + "/t" + std::to_string(rng() % 3) + "/n";
      auto outs = b.ops(op, name.empty() ? "" : name + std::to_string(i), in, 1 + static_cast<int>(rng() % 2));
      vals.insert(vals.end(), outs.begin(), outs.end());
    }
    b.output(vals.back());
    BuildOptions o;
    o.block_search_min = 8;
    o.max_direct_items = 20 + static_cast<uint32_t>(rng() % 50);
    SCOPED_TRACE("round " + std::to_string(round));
    Hierarchy h = build(m, o);
    for (const auto& g : h.groups) {
      if (g.kind == GroupKind::Series) continue;  // series fold instead
      size_t shown = g.children.size();
      for (ir::NodeId v : g.nodes) shown += (h.declutter.node_categories[v.index] & kFoldableCategories) == 0;
      EXPECT_LE(shown, o.max_direct_items) << g.name;
    }
    // Blocks of one class really are isomorphic: same labels position by position is
    // what the search verified; here at least the label multisets must agree.
    for (const auto& rc : h.repeats) EXPECT_EQ(test::subtreeLabels(h, rc.members[0]), test::subtreeLabels(h, rc.members[1]));
  }
}

TEST(hierarchyRepeats, SameModelTwiceGivesIdenticalJson) {
  for (bool names : {true, false}) {
    test::StackOptions o;
    o.layers = 20;
    o.names = names;
    ir::Model a = test::makeTransformerStack(o);
    ir::Model b = test::makeTransformerStack(o);
    std::string ja = hierarchyJson(build(a)), jb = hierarchyJson(build(b)), ja2 = hierarchyJson(build(a));
    EXPECT_EQ(ja, jb);
    EXPECT_EQ(ja, ja2);
    EXPECT_NE(ja.find("\"repeats\""), std::string::npos);
  }
}

TEST(hierarchyRepeats, JsonNamesAreEscapedAndValidUtf8) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  x = b.op("Relu", "/we\"ird\\scope\x01/\xFF/A", {x});
  x = b.op("Relu", "/we\"ird\\scope\x01/\xFF/B", {x});
  x = b.op("Relu", "/other/C", {x});
  x = b.op("Relu", "/other/D", {x});
  b.output(x);
  std::string j = hierarchyJson(build(m));
  EXPECT_NE(j.find("we\\\"ird\\\\scope\\u0001"), std::string::npos) << j;
  EXPECT_NE(j.find("\xEF\xBF\xBD"), std::string::npos);  // the lone 0xFF byte
  EXPECT_EQ(j.find('\xFF'), std::string::npos);
}

}  // namespace
}  // namespace nf::hierarchy

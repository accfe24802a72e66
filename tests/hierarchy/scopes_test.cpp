// Name scopes, numbered series, paths: built from small hand-made graphs; the
// sliced build (HierarchyJob) against the one-call build.
#include <gtest/gtest.h>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/report.h"
#include "onnx/reader.h"
#include "support/model_builder.h"
#include "support/synthetic_models.h"
#include "support/test_support.h"

namespace nf::hierarchy {
namespace {

using test::GraphBuilder;

// A chain: each node consumes the previous one's output. names[i] = node name,
// ops[i] (default "Relu") its op type.
ir::Model chain(const std::vector<std::string>& names, const std::vector<std::string>& ops = {}) {
  ir::Model m = test::model();
  GraphBuilder b(m);
  std::string x = b.input("x");
  for (size_t i = 0; i < names.size(); ++i) x = b.op(i < ops.size() ? ops[i] : "Relu", names[i], {x});
  b.output(x);
  return m;
}

Hierarchy build(const ir::Model& m, BuildOptions o = {}) {
  auto h = buildHierarchy(m, ir::GraphId{0}, o);
  EXPECT_TRUE(h.ok());
  test::checkTree(h.value());
  return std::move(h.value());
}

std::vector<std::string> childNames(const Hierarchy& h, GroupId g) {
  std::vector<std::string> out;
  for (GroupId c : h.group(g).children) out.push_back(h.group(c).name);
  return out;
}

TEST(hierarchyScopes, TorchNamesMakeNestedGroups) {
  Hierarchy h = build(chain({"/enc/a/MatMul", "/enc/a/Add", "/enc/b/MatMul", "/enc/b/Add", "/enc/Relu", "/head/MatMul",
                             "/head/Softmax"}));
  EXPECT_EQ(h.source, NameSource::Names);
  EXPECT_EQ(childNames(h, h.root()), (std::vector<std::string>{"enc", "head"}));
  GroupId enc = h.findPath("enc");
  ASSERT_TRUE(enc.valid());
  EXPECT_EQ(h.group(enc).node_count, 5u);
  EXPECT_EQ(h.group(enc).nodes.size(), 1u);  // /enc/Relu
  EXPECT_EQ(childNames(h, enc), (std::vector<std::string>{"a", "b"}));
  GroupId a = h.findPath("enc/a");
  ASSERT_TRUE(a.valid());
  EXPECT_EQ(h.node_group[0], a);
  EXPECT_EQ(h.node_group[1], a);
  EXPECT_EQ(h.group(a).kind, GroupKind::Scope);
  EXPECT_FALSE(h.findPath("enc/zzz").valid());
}

TEST(hierarchyScopes, TensorFlowNamesWithoutLeadingSlash) {
  Hierarchy h = build(chain({"model/conv/Conv2D", "model/conv/BiasAdd", "model/dense/MatMul", "model/dense/BiasAdd"}));
  // "model" wraps everything: not worth a box; its scopes move up with full paths.
  EXPECT_EQ(childNames(h, h.root()), (std::vector<std::string>{"conv", "dense"}));
  EXPECT_TRUE(h.findPath("model/conv").valid());
  EXPECT_EQ(h.group(h.findPath("model/dense")).node_count, 2u);
}

TEST(hierarchyScopes, OneNodeScopesDissolveIntoTheirParent) {
  // torchvision style: /layer/conv1/Conv is alone in its scope.
  Hierarchy h = build(chain({"/layer/conv1/Conv", "/layer/relu/Relu", "/layer/conv2/Conv", "/fc/Gemm"},
                            {"Conv", "Relu", "Conv", "Gemm"}));
  GroupId layer = h.findPath("layer");
  ASSERT_TRUE(layer.valid());
  EXPECT_TRUE(h.group(layer).children.empty());
  EXPECT_EQ(h.group(layer).nodes.size(), 3u);
  EXPECT_FALSE(h.findPath("fc").valid());  // one node: drawn directly in the root
  EXPECT_EQ(h.node_group[3], h.root());
}

TEST(hierarchyScopes, SingleChildChainsMerge) {
  Hierarchy h = build(chain({"/a/b/c/X", "/a/b/c/Y", "/a/b/d/Z", "/a/b/d/W", "/e/Q", "/e/R"}));
  // /a holds only /a/b: one box "a/b".
  GroupId ab = h.findPath("a/b");
  ASSERT_TRUE(ab.valid());
  EXPECT_EQ(h.group(ab).name, "a/b");
  EXPECT_EQ(h.group(ab).parent, h.root());
  EXPECT_EQ(childNames(h, ab), (std::vector<std::string>{"c", "d"}));
  EXPECT_TRUE(h.findPath("a/b/c").valid());
}

TEST(hierarchyScopes, EmptyAndMissingNamesStayInTheRoot) {
  Hierarchy h = build(chain({"", "Conv_0", "/", "//x", "a//"}));
  EXPECT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.source, NameSource::None);
  EXPECT_EQ(h.group(h.root()).nodes.size(), 5u);
}

TEST(hierarchyScopes, MetadataNameScopesWinOverNames) {
  ir::Model m = chain({"node_MatMul_0", "node_Add_1", "node_MatMul_2", "node_Add_3"});
  const char* scopes[] = {"['', 'encoder', 'encoder.layers.0', 'matmul']", "['', 'encoder', 'encoder.layers.0', 'add']",
                          "['', 'encoder', 'encoder.layers.1', 'matmul_1']",
                          "['', 'encoder', \"encoder.layers.1\", 'add_1']"};
  for (int i = 0; i < 4; ++i) m.main().nodes[i].metadata.push_back({"pkg.torch.onnx.name_scopes", scopes[i]});
  Hierarchy h = build(m);
  EXPECT_EQ(h.source, NameSource::Metadata);
  GroupId l1 = h.findPath("encoder/layers.1");
  ASSERT_TRUE(l1.valid());
  EXPECT_EQ(h.group(l1).node_count, 2u);
  EXPECT_EQ(h.group(l1).series_number, 1);
  // Malformed metadata falls back to the name.
  ir::Model bad = chain({"/x/A", "/x/B", "/y/C", "/y/D"});
  bad.main().nodes[0].metadata.push_back({"pkg.torch.onnx.name_scopes", "['', 'unterminated"});
  Hierarchy hb = build(bad);
  EXPECT_EQ(hb.group(hb.node_group[0]).path, "x");
}

TEST(hierarchyScopes, NamesOffIgnoresNames) {
  BuildOptions o;
  o.use_names = false;
  Hierarchy h = build(chain({"/a/X", "/a/Y", "/b/X", "/b/Y"}), o);
  EXPECT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.source, NameSource::None);
}

// [Series] ------------------------------------------------------------------------

std::vector<std::string> layerNames(const std::string& scope, int n, const std::string& sep, int ops_per_layer = 2) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < ops_per_layer; ++k)
      out.push_back("/enc/" + scope + sep + std::to_string(i) + "/Op" + std::to_string(k));
  out.push_back("/out/A");
  out.push_back("/out/B");
  return out;
}

TEST(hierarchyScopes, DottedNumberedSiblingsFormASeriesInNumberOrder) {
  Hierarchy h = build(chain(layerNames("layers.", 12, "")));
  // /enc holds only the twelve layers: it becomes the series itself.
  GroupId enc = h.findPath("enc");
  ASSERT_TRUE(enc.valid());
  const Group& s = h.group(enc);
  EXPECT_EQ(s.kind, GroupKind::Series);
  EXPECT_EQ(s.name, "enc: layers \xC3\x97" "12");
  ASSERT_EQ(s.children.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    const Group& inst = h.group(s.children[i]);
    EXPECT_EQ(inst.name, "layers." + std::to_string(i));  // 10 and 11 after 9
    EXPECT_EQ(inst.series, enc);
    EXPECT_EQ(inst.series_number, i);
    EXPECT_EQ(inst.path, "enc/layers." + std::to_string(i));
  }
}

TEST(hierarchyScopes, SeriesBesideOtherContentGetsItsOwnBox) {
  std::vector<std::string> names = layerNames("layers.", 4, "");
  names.insert(names.begin(), {"/enc/embed/A", "/enc/embed/B"});
  Hierarchy h = build(chain(names));
  GroupId enc = h.findPath("enc");
  EXPECT_EQ(h.group(enc).kind, GroupKind::Scope);
  GroupId s = h.findPath("enc/layers.*");
  ASSERT_TRUE(s.valid());
  EXPECT_EQ(h.group(s).name, "layers \xC3\x97" "4");
  EXPECT_EQ(h.group(s).parent, enc);
  // Instances keep their scope paths: the added box is not part of them.
  EXPECT_TRUE(h.findPath("enc/layers.3").valid());
  EXPECT_EQ(h.group(h.findPath("enc/layers.3")).parent, s);
}

TEST(hierarchyScopes, UndottedSeriesNeedSameOps) {
  // denselayer1..3 do the same ops: a series.
  Hierarchy same = build(chain(layerNames("denselayer", 3, "")));
  EXPECT_EQ(same.group(same.findPath("enc")).kind, GroupKind::Series);
  // layer1..layer3 with different op types: not a series.
  std::vector<std::string> names = layerNames("layer", 3, "");
  std::vector<std::string> ops(names.size(), "Relu");
  ops[2] = "Conv";
  Hierarchy diff = build(chain(names, ops));
  EXPECT_EQ(diff.group(diff.findPath("enc")).kind, GroupKind::Scope);
  EXPECT_EQ(diff.group(diff.findPath("enc")).children.size(), 3u);
}

TEST(hierarchyScopes, KerasBareNameIsNumberZero) {
  Hierarchy h = build(chain({"m/dense/MatMul", "m/dense/Add", "m/dense_1/MatMul", "m/dense_1/Add", "m/dense_2/MatMul",
                             "m/dense_2/Add", "m/out/A", "m/out/B"}));
  GroupId s = h.findPath("m/dense_*");
  ASSERT_TRUE(s.valid());
  ASSERT_EQ(h.group(s).children.size(), 3u);
  EXPECT_EQ(h.group(h.group(s).children[0]).name, "dense");
  EXPECT_EQ(h.group(h.group(s).children[0]).series_number, 0);
  EXPECT_EQ(h.group(h.group(s).children[2]).name, "dense_2");
}

TEST(hierarchyScopes, NumberedSiblingsSeparatedInTheFlowAreNotASeries) {
  // ViT: ln_1, self_attention, ln_2, mlp: a box around ln_1 and ln_2 would have edges
  // leaving and re-entering it.
  Hierarchy h = build(chain({"/l/ln_1/A", "/l/ln_1/B", "/l/attn/A", "/l/attn/B", "/l/ln_2/A", "/l/ln_2/B", "/l/mlp/A",
                             "/l/mlp/B", "/z/A", "/z/B"}));
  EXPECT_FALSE(h.findPath("l/ln_*").valid());
  EXPECT_EQ(h.group(h.findPath("l")).children.size(), 4u);
  // Likewise a direct node between two members.
  Hierarchy h2 = build(chain({"/l/linear1/A", "/l/linear1/B", "/l/Relu", "/l/linear2/A", "/l/linear2/B", "/x/A",
                              "/x/B"}));
  EXPECT_FALSE(h2.findPath("l/linear*").valid());
}

TEST(hierarchyScopes, SeriesOffKeepsPlainScopes) {
  BuildOptions o;
  o.detect_series = false;
  Hierarchy h = build(chain(layerNames("layers.", 5, "")), o);
  for (const auto& g : h.groups) EXPECT_NE(g.kind, GroupKind::Series);
}

TEST(hierarchyScopes, OrphanConstantsJoinTheirConsumersGroup) {
  ir::Model m = test::model();
  GraphBuilder b(m);
  std::string x = b.input("x");
  std::string c = b.op("Constant", "Constant_7", {});  // no scope, as swin_t writes them
  x = b.op("Add", "/blk/inner/Add", {x, c});
  x = b.op("Mul", "/blk/inner/Mul", {x, c});
  std::string c2 = b.op("Constant", "Constant_9", {});
  x = b.op("Add", "/blk/Add", {x, c2});
  x = b.op("Relu", "/blk/Relu", {x});
  x = b.op("Relu", "/tail/A", {x});
  x = b.op("Relu", "/tail/B", {x});
  b.output(x);
  Hierarchy h = build(m);
  EXPECT_EQ(h.group(h.node_group[0]).path, "blk/inner");  // feeds inner/Add and inner/Mul
  EXPECT_EQ(h.group(h.node_group[3]).path, "blk");        // feeds blk/Add
  EXPECT_EQ(h.group(h.root()).nodes.size(), 0u);
}

TEST(hierarchyScopes, BadGraphIdIsAnError) {
  ir::Model m = chain({"a"});
  auto h = buildHierarchy(m, ir::GraphId{5});
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().message.find("graph 5"), std::string::npos);
  auto invalid = buildHierarchy(m, ir::GraphId{});
  EXPECT_FALSE(invalid.ok());
}

TEST(hierarchyScopes, EmptyGraph) {
  ir::Model m = test::model();
  Hierarchy h = build(m);
  EXPECT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.group(h.root()).node_count, 0u);
}

TEST(hierarchyScopes, CrowdedGroupsAreCutIntoSections) {
  // 500 distinct unnamed ops in a chain: nothing repeats, nothing is named.
  std::vector<std::string> names(500), ops(500);
  for (int i = 0; i < 500; ++i) ops[i] = "Op" + std::to_string(i);
  BuildOptions o;
  o.max_direct_items = 200;
  Hierarchy h = build(chain(names, ops), o);
  const Group& root = h.group(h.root());
  EXPECT_TRUE(root.nodes.empty());
  ASSERT_EQ(root.children.size(), 3u);  // 500 -> 3 runs of at most 200
  for (GroupId s : root.children) {
    EXPECT_EQ(h.group(s).kind, GroupKind::Section);
    EXPECT_LE(h.group(s).nodes.size(), 200u);
  }
  EXPECT_EQ(h.group(root.children[0]).name, "nodes 0..166");
}

// Steps a HierarchyJob with a budget too small for any unit of work, so each call
// does exactly one (a pass, or a slice of the block search), and checks that the
// result is the one-call build's, groups, blocks, series and repeats alike. Returns
// the number of calls.
uint32_t expectSlicedBuildIsTheWholeOne(const ir::Model& m, ir::GraphId graph = ir::GraphId{0}) {
  HierarchyJob job(m, graph);
  uint32_t calls = 1;
  uint64_t last = job.workDone();
  while (!job.step(1e-6)) {
    ++calls;
    const uint64_t now = job.workDone();
    EXPECT_EQ(now, last + 1);  // one unit a call: the watchdog sees progress
    if (now == last) break;    // stuck: fail rather than hang
    last = now;
  }
  auto sliced = job.take();
  auto whole = buildHierarchy(m, graph);
  EXPECT_TRUE(sliced.ok() && whole.ok());
  if (!sliced.ok() || !whole.ok()) return calls;
  EXPECT_EQ(hierarchyJson(*sliced), hierarchyJson(*whole));
  // The JSON counts each group's nodes; these are the nodes themselves.
  bool same_nodes = sliced->groups.size() == whole->groups.size();
  for (size_t g = 0; g < whole->groups.size() && same_nodes; ++g) {
    const auto &a = sliced->groups[g].nodes, &b = whole->groups[g].nodes;
    same_nodes = a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](ir::NodeId x, ir::NodeId y) {
                   return x.index == y.index;
                 });
  }
  EXPECT_TRUE(same_nodes);
  return calls;
}

// The app builds the hierarchy over several frames (HierarchyJob): its passes, and
// the block search (the long one) in slices that resume where they stopped.
TEST(HierarchyJob, InPassesBuildsTheSameHierarchy) {
  test::StackOptions so;
  so.layers = 6;
  const ir::Model small = test::makeTransformerStack(so);
  EXPECT_GT(build(small).groups.size(), 6u);
  EXPECT_GE(expectSlicedBuildIsTheWholeOne(small), 5u);

  // 100k nodes without names: one root group of 100k nodes, all found by the block
  // search (layers as blocks), which now takes hundreds of slices instead of one call.
  so.layers = 100000 / test::stackLayerNodes(true) + 1;
  so.names = false;
  const ir::Model big = test::makeTransformerStack(so);
  ASSERT_GE(big.graph(ir::GraphId{0}).nodes.size(), 100000u);
  const Hierarchy h = build(big);
  uint32_t blocks = 0;
  for (const Group& g : h.groups) blocks += g.kind == GroupKind::Block;
  EXPECT_GE(blocks, 1000u);  // the layers
  EXPECT_GT(expectSlicedBuildIsTheWholeOne(big), 100u);
}

// Every main graph of the shared corpus (949 files: resnets, transformers, operator
// tests): the sliced build is the one-call build.
TEST(HierarchyJob, InSlicesBuildsTheSameHierarchyOnTheCorpus) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  size_t models = 0;
  for (const auto& f : test::corpusManifest()["files"]) {
    if (!f.value("parse_ok", false)) continue;
    const std::string path = f["path"];
    auto m = onnx::readModelFile(test::corpusPath(path));
    if (!m.ok() || m->graphs.empty()) continue;
    SCOPED_TRACE(path);
    ++models;
    expectSlicedBuildIsTheWholeOne(*m);
  }
  EXPECT_GT(models, 100u);
}

TEST(HierarchyJob, AGraphThatDoesNotExistFailsWithAMessage) {
  const ir::Model m = chain({"a/x", "a/y"});
  HierarchyJob job(m, ir::GraphId{7});
  EXPECT_TRUE(job.step(0));
  auto h = job.take();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, "graph 7 does not exist in this model");
}

}  // namespace
}  // namespace nf::hierarchy

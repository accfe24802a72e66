// Real exports (torchvision, transformer stacks) from $NETFORGE_BIG_MODELS (default
// ~/.cache/netforge/models, written by shared/peers/export_models.py): expected
// groups and repeat counts with names and with names stripped, first sight, visible
// graph invariants, determinism. Each test skips when its model is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/report.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "support/synthetic_models.h"

namespace nf::hierarchy {
namespace {

std::optional<ir::Model> load(const std::string& name) {
  std::string path = test::bigModelsDir() + "/" + name + ".onnx";
  if (!std::filesystem::exists(path)) return std::nullopt;
  auto m = onnx::readModelFile(path);
  EXPECT_TRUE(m.ok()) << path << ": " << (m.ok() ? "" : m.error().message);
  if (!m.ok()) return std::nullopt;
  return std::move(m.value());
}

#define LOAD_OR_SKIP(var, name)                                                         \
  std::optional<ir::Model> var = load(name);                                            \
  if (!var) GTEST_SKIP() << name << ".onnx not in " << test::bigModelsDir();

Hierarchy build(const ir::Model& m) { return test::buildChecked(m); }

Hierarchy buildStripped(ir::Model m) {
  test::stripNodeNames(&m);
  return build(m);
}

// Instances of the biggest class whose members are `kind` groups, as (count, nodes).
std::pair<size_t, uint32_t> biggestClass(const Hierarchy& h, GroupKind kind) {
  for (const auto& rc : h.repeats)
    if (h.group(rc.members[0]).kind == kind) return {rc.members.size(), rc.nodes_per_instance};
  return {0, 0};
}

bool hasClass(const Hierarchy& h, size_t instances, uint32_t nodes) {
  for (const auto& rc : h.repeats)
    if (rc.members.size() == instances && rc.nodes_per_instance == nodes) return true;
  return false;
}

size_t seriesSize(const Hierarchy& h, const std::string& path) {
  GroupId g = h.findPath(path);
  if (!g.valid() || h.group(g).kind != GroupKind::Series) return 0;
  return h.group(g).children.size();
}

// First sight within budget, and the visible graph right, also after opening the
// biggest box on screen.
void checkFirstSight(const Hierarchy& h) {
  Expansion e = firstSight(h);
  VisibleGraph vg = visibleGraph(h, e);
  EXPECT_LE(vg.items.size(), 200u);
  test::checkVisible(h, e, {}, vg);
  GroupId biggest;
  for (const auto& it : vg.items)
    if (it.kind == ItemKind::Group && (!biggest.valid() || h.groups[it.index].node_count > h.group(biggest).node_count))
      biggest = GroupId{it.index};
  if (!biggest.valid()) return;
  setOpen(&e, biggest, true);
  test::checkVisible(h, e, {}, visibleGraph(h, e));
}

TEST(hierarchyBigModels, ResNet50) {
  LOAD_OR_SKIP(m, "resnet50");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "layer1"), 3u);
  EXPECT_EQ(seriesSize(h, "layer2"), 4u);
  EXPECT_EQ(seriesSize(h, "layer3"), 6u);
  EXPECT_EQ(seriesSize(h, "layer4"), 3u);
  EXPECT_EQ(h.group(h.findPath("layer3/layer3.5")).series_number, 5);
  EXPECT_TRUE(hasClass(h, 12, 7));  // bottlenecks without downsampling
  EXPECT_TRUE(hasClass(h, 3, 8));   // with downsampling and stride 2 (layer2..4 .0)
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  auto [count, nodes] = biggestClass(s, GroupKind::Block);
  EXPECT_GE(count, 12u);
  EXPECT_EQ(nodes, 7u);
  checkFirstSight(s);
}

TEST(hierarchyBigModels, MobileNetV3) {
  LOAD_OR_SKIP(m, "mobilenet_v3_large");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "features"), 17u);
  checkFirstSight(h);
  checkFirstSight(buildStripped(*m));
}

TEST(hierarchyBigModels, DenseNet201) {
  LOAD_OR_SKIP(m, "densenet201");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "features/denseblock1/denselayer*"), 6u);
  EXPECT_EQ(seriesSize(h, "features/denseblock2/denselayer*"), 12u);
  EXPECT_EQ(seriesSize(h, "features/denseblock3/denselayer*"), 48u);
  EXPECT_EQ(seriesSize(h, "features/denseblock4/denselayer*"), 32u);
  EXPECT_TRUE(hasClass(h, 98, 6));  // every dense layer alike
  EXPECT_FALSE(h.findPath("features/transition*").valid());  // transitions sit between blocks
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  EXPECT_EQ(biggestClass(s, GroupKind::Block), (std::pair<size_t, uint32_t>{98, 6}));
  checkFirstSight(s);
}

TEST(hierarchyBigModels, VitB16) {
  LOAD_OR_SKIP(m, "vit_b_16");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "encoder/layers"), 12u);
  EXPECT_EQ(h.group(h.findPath("encoder/layers")).name, "layers: encoder_layer \xC3\x97" "12");
  EXPECT_TRUE(hasClass(h, 12, 77));
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  EXPECT_EQ(biggestClass(s, GroupKind::Block), (std::pair<size_t, uint32_t>{12, 77}));
  checkFirstSight(s);
}

TEST(hierarchyBigModels, ConvNeXtTiny) {
  LOAD_OR_SKIP(m, "convnext_tiny");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "features"), 8u);
  EXPECT_EQ(seriesSize(h, "features/features.1"), 3u);
  EXPECT_EQ(seriesSize(h, "features/features.3"), 3u);
  EXPECT_EQ(seriesSize(h, "features/features.5"), 9u);
  EXPECT_EQ(seriesSize(h, "features/features.7"), 3u);
  EXPECT_TRUE(hasClass(h, 9, 28));  // the CNBlocks of stage 3
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  // Without names: the CNBlocks as the named export has them (28 nodes, opening with
  // their depthwise Conv, whose `group` differs by stage: one class per stage), one
  // series per stage, in flow order.
  EXPECT_EQ(biggestClass(s, GroupKind::Block), (std::pair<size_t, uint32_t>{9, 28}));
  std::vector<size_t> stages;
  for (GroupId c : s.group(s.root()).children)
    if (s.group(c).kind == GroupKind::Series) stages.push_back(s.group(c).children.size());
  EXPECT_EQ(stages, (std::vector<size_t>{3, 3, 9, 3}));
  checkFirstSight(s);
}

TEST(hierarchyBigModels, SwinT) {
  LOAD_OR_SKIP(m, "swin_t");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "features/features.5"), 6u);
  EXPECT_TRUE(hasClass(h, 5, 941));  // shifted-window blocks
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  EXPECT_GE(biggestClass(s, GroupKind::Block).first, 2u);
  checkFirstSight(s);
}

TEST(hierarchyBigModels, TransformerStacks) {
  bool any = false;
  for (int layers : {12, 48, 96}) {
    std::string name = "transformer_enc" + std::to_string(layers);
    std::optional<ir::Model> m = load(name);
    if (!m) continue;
    any = true;
    SCOPED_TRACE(name);
    Hierarchy h = build(*m);
    EXPECT_EQ(seriesSize(h, "enc"), static_cast<size_t>(layers));
    EXPECT_EQ(biggestClass(h, GroupKind::Scope), (std::pair<size_t, uint32_t>{static_cast<size_t>(layers), 70}));
    checkFirstSight(h);
    Hierarchy s = buildStripped(*m);
    EXPECT_EQ(biggestClass(s, GroupKind::Block), (std::pair<size_t, uint32_t>{static_cast<size_t>(layers), 70}));
    checkFirstSight(s);
    // Tensor names do not matter either.
    ir::Model r = *m;
    test::stripNodeNames(&r);
    test::renameTensors(&r);
    EXPECT_EQ(hierarchyJson(build(r)), hierarchyJson(s));
  }
  if (!any) GTEST_SKIP() << "no transformer_enc*.onnx in " << test::bigModelsDir();
}

TEST(hierarchyBigModels, EncoderDecoder96) {
  LOAD_OR_SKIP(m, "transformer_enc96_dec96");
  Hierarchy h = build(*m);
  EXPECT_EQ(seriesSize(h, "enc"), 96u);
  EXPECT_EQ(seriesSize(h, "dec"), 96u);
  EXPECT_TRUE(hasClass(h, 96, 70));   // encoder layers
  EXPECT_TRUE(hasClass(h, 95, 122));  // decoder layers after the first (which has one more node)
  checkFirstSight(h);
  Hierarchy s = buildStripped(*m);
  std::vector<std::pair<size_t, uint32_t>> blocks;
  for (const auto& rc : s.repeats)
    if (s.group(rc.members[0]).kind == GroupKind::Block) blocks.push_back({rc.members.size(), rc.nodes_per_instance});
  ASSERT_GE(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], (std::pair<size_t, uint32_t>{96, 122}));  // decoder layers
  EXPECT_EQ(blocks[1], (std::pair<size_t, uint32_t>{96, 70}));   // encoder layers
  checkFirstSight(s);
}

TEST(hierarchyBigModels, SameFileTwiceGivesIdenticalJson) {
  for (const char* name : {"transformer_enc12", "resnet50", "vit_b_16"}) {
    std::optional<ir::Model> a = load(name);
    if (!a) continue;
    std::optional<ir::Model> b = load(name);
    ASSERT_TRUE(b);
    Hierarchy ha = build(*a), hb = build(*b);
    Expansion ea = firstSight(ha), eb = firstSight(hb);
    VisibleGraph va = visibleGraph(ha, ea), vb = visibleGraph(hb, eb);
    EXPECT_EQ(hierarchyJson(ha, &ea, &va), hierarchyJson(hb, &eb, &vb));
    return;
  }
  GTEST_SKIP() << "no exported model in " << test::bigModelsDir();
}

}  // namespace
}  // namespace nf::hierarchy

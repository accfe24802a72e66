// Metrics as colour (scene/overlay.h): per-node values from metrics and from Model
// Explorer node-data files (hostile ones included), group aggregation, the colour
// scale, and the overlay of a grouped scene with its legend in SVG and PNG.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "hierarchy/hierarchy.h"
#include "scene/exports.h"
#include "scene/grouped_scene.h"
#include "scene/overlay.h"
#include "scene/raster.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "support/model_builder.h"
#include "support/synthetic_models.h"

namespace nf::scene {
namespace {

// x[1,8] -> /a/MatMul (W 8x16) -> /a/Relu -> /b/MatMul (W 16x4) -> /b/Relu -> y
ir::Model twoScopes() {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  std::string x = g.input("x", test::F32, test::shape({1, 8}));
  x = g.op("MatMul", "/a/MatMul", {x, g.weight("w1", {8, 16})});
  x = g.op("Relu", "/a/Relu", {x});
  x = g.op("MatMul", "/b/MatMul", {x, g.weight("w2", {16, 4})});
  x = g.op("Relu", "/b/Relu", {x});
  g.output(x);
  return m;
}

shapes::Metrics metricsOf(const ir::Model& m) { return shapes::computeMetrics(m, shapes::inferShapes(m)); }

TEST(sceneOverlay, MetricValuesPerNode) {
  ir::Model m = twoScopes();
  const shapes::Metrics met = metricsOf(m);
  const NodeValues macs = metricValues(m, met, ColorBy::Macs);
  ASSERT_EQ(macs.value.size(), 4u);
  EXPECT_EQ(macs.value[0], 8.0 * 16);
  EXPECT_EQ(macs.value[1], 0.0);
  EXPECT_EQ(macs.value[2], 16.0 * 4);
  const NodeValues params = metricValues(m, met, ColorBy::Params);
  EXPECT_EQ(params.value[0], 128.0);
  EXPECT_EQ(params.value[2], 64.0);
  const NodeValues mem = metricValues(m, met, ColorBy::Memory);
  EXPECT_EQ(mem.value[1], 16.0 * 4);  // 16 floats out of Relu
  const NodeValues share = metricValues(m, met, ColorBy::Flops);
  double sum = 0;
  for (double v : share.value) sum += v;
  EXPECT_NEAR(sum, 100.0, 1e-9);
  EXPECT_EQ(share.unit, NodeValues::Unit::Percent);
}

TEST(sceneOverlay, GroupAggregatesSumMaxMean) {
  ir::Model m = twoScopes();
  auto h = hierarchy::buildHierarchy(m);
  ASSERT_TRUE(h.ok());
  NodeValues v;
  v.value = {2.0, std::nan(""), 6.0, 1.0};  // the first Relu has no value
  const hierarchy::GroupId a = h->findPath("a"), b = h->findPath("b");
  ASSERT_TRUE(a.valid() && b.valid());
  const auto sum = groupValues(*h, v, Aggregate::Sum);
  const auto max = groupValues(*h, v, Aggregate::Max);
  const auto mean = groupValues(*h, v, Aggregate::Mean);
  EXPECT_EQ(sum[a.index], 2.0);  // NaN is skipped, not counted
  EXPECT_EQ(sum[b.index], 7.0);
  EXPECT_EQ(sum[0], 9.0);
  EXPECT_EQ(max[0], 6.0);
  EXPECT_EQ(max[b.index], 6.0);
  EXPECT_EQ(mean[0], 3.0);
  EXPECT_EQ(mean[a.index], 2.0);
  NodeValues none;
  none.value.assign(4, std::nan(""));
  EXPECT_TRUE(std::isnan(groupValues(*h, none, Aggregate::Sum)[0]));
}

TEST(sceneOverlay, RunTimeHookTakesAnyPerNodeArray) {
  ir::Model m = twoScopes();
  const NodeValues t = runTimeValues(m, {0.5, -1.0});  // negative: not a time; missing: not run
  EXPECT_EQ(t.value[0], 0.5);
  EXPECT_TRUE(std::isnan(t.value[1]));
  EXPECT_TRUE(std::isnan(t.value[2]));
  EXPECT_TRUE(std::isnan(t.value[3]));
  EXPECT_EQ(formatValue(0.5, t.unit), "0.5 ms");
}

TEST(sceneOverlay, NodeDataByNodeNameAndTensorName) {
  ir::Model m = twoScopes();
  const std::string json = R"({"results": {"/a/MatMul": {"value": 3}, "/b/MatMul_output_0": {"value": "7.5"},
    "nosuch": {"value": 1}}, "thresholds": [{"value": 5, "bgColor": "#0f0"}, {"value": 10, "bgColor": "red"}]})";
  auto v = parseNodeData(json, m);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->value[0], 3.0);
  EXPECT_TRUE(std::isnan(v->value[1]));
  EXPECT_EQ(v->value[2], 7.5);
  EXPECT_EQ(v->matched, 2u);
  EXPECT_EQ(v->unmatched, 1u);
  ASSERT_EQ(v->thresholds.size(), 2u);
  const ColorScale s = scaleFor(*v, v->value);
  EXPECT_EQ(s.colorOf(3), 0x00FF00u);
  EXPECT_EQ(s.colorOf(7.5), 0xFF0000u);
  EXPECT_EQ(s.colorOf(11), kNoValueColor);  // above the last threshold: uncoloured
  // Model Explorer's per-graph wrapping and a gradient.
  auto w = parseNodeData(R"({"main": {"results": {"/a/Relu": {"value": 1}},
      "gradient": [{"stop": 0, "bgColor": "#000000"}, {"stop": 1, "bgColor": "#ffffff"}]}})", m);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w->value[1], 1.0);
  ColorScale g;
  g.lo = 0, g.hi = 10, g.gradient = w->gradient;
  EXPECT_EQ(g.colorOf(5), 0x808080u);
  EXPECT_EQ(g.colorOf(0), 0x000000u);
}

TEST(sceneOverlay, MalformedAndHostileNodeDataGetAClearError) {
  ir::Model m = twoScopes();
  auto error = [&](const std::string& text) {
    auto r = parseNodeData(text, m);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(error("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error("{\"results\": {").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error("[1, 2]").find("\"results\""), std::string::npos);
  EXPECT_NE(error("{\"nodes\": {}}").find("no \"results\""), std::string::npos);
  EXPECT_NE(error(R"({"results": {"/a/Relu": {"value": [1]}}})").find("not a number"), std::string::npos);
  EXPECT_NE(error(R"({"results": {"/a/Relu": {"value": "12abc"}}})").find("not a number"), std::string::npos);
  EXPECT_NE(error(R"({"results": {"/a/Relu": {"v": 1}}})").find("no \"value\""), std::string::npos);
  EXPECT_NE(error(R"({"results": {"/a/Relu": {"value": 1e999}}})").find("JSON"), std::string::npos);
  EXPECT_NE(error(R"({"results": {}, "thresholds": [{"value": 1, "bgColor": "ultraviolet"}]})").find("colour"),
            std::string::npos);
  EXPECT_NE(error(R"({"results": {}, "thresholds": {}})").find("list"), std::string::npos);
  EXPECT_NE(error(R"({"results": {}, "gradient": [{"stop": 2, "bgColor": "red"}]})").find("[0, 1]"), std::string::npos);
  // Nested a million deep: refused before the parser recurses.
  EXPECT_NE(error(std::string(1000000, '[') + std::string(1000000, ']')).find("nested"), std::string::npos);
  // A hostile key is shortened in the message, and the message is one line.
  const std::string msg = error("{\"results\": {\"" + std::string(5000, 'k') + "\": {\"value\": null}}}");
  EXPECT_LT(msg.size(), 200u);
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

TEST(sceneOverlay, ScaleIsLogForCountsSpanningDecades) {
  NodeValues v;
  v.source = ColorBy::Macs;
  v.unit = NodeValues::Unit::Count;
  const ColorScale s = scaleFor(v, {0.0, 10.0, 1e6, std::nan("")});
  EXPECT_TRUE(s.log);
  EXPECT_EQ(s.lo, 10.0);
  EXPECT_EQ(s.colorOf(0), kNoValueColor);  // zero MACs: uncoloured on a log scale
  EXPECT_NE(s.colorOf(10), s.colorOf(1e6));
  EXPECT_EQ(s.colorOf(1e3), s.colorOf(1e3));
  EXPECT_NE(s.colorOf(1e3), s.colorOf(1e5));
  // Plain values: linear, the full range of the map.
  NodeValues d;
  d.source = ColorBy::NodeData;
  const ColorScale lin = scaleFor(d, {-1.0, 1.0});
  EXPECT_FALSE(lin.log);
  EXPECT_EQ(lin.colorOf(-1), 0x440154u);  // viridis' low end
  EXPECT_EQ(readableTextOn(0x440154), 0xFFFFFFu);
  EXPECT_EQ(readableTextOn(0xFDE725), 0x202020u);
}

TEST(sceneOverlay, GroupedSceneBoxesFramesAndLegend) {
  test::StackOptions so;
  so.layers = 4;
  ir::Model m = test::makeTransformerStack(so);
  auto h = hierarchy::buildHierarchy(m);
  ASSERT_TRUE(h.ok());
  const shapes::Metrics met = metricsOf(m);
  GroupedLayout gl(m, *h);
  hierarchy::Expansion e = hierarchy::expandToDepth(*h, 2);
  auto sc = gl.build(e);
  ASSERT_TRUE(sc.ok());
  const NodeValues params = metricValues(m, met, ColorBy::Params);
  const Overlay o = buildOverlay(*sc, *h, params, Aggregate::Sum);
  ASSERT_EQ(o.node_header.size(), sc->graph.nodes.size());
  ASSERT_EQ(o.frame_color.size(), sc->frames.size());
  // Every group box has its subtree's parameter sum.
  const auto per_group = groupValues(*h, params, Aggregate::Sum);
  int groups = 0;
  for (size_t i = 0; i < sc->graph.nodes.size(); ++i) {
    const auto& item = sc->visible.items[i];
    if (item.kind != hierarchy::ItemKind::Group) continue;
    ++groups;
    EXPECT_EQ(o.node_value[i], per_group[item.index]);
    EXPECT_NE(o.node_header[i], kNoOverlayColor);
  }
  EXPECT_GT(groups, 0);
  EXPECT_TRUE(o.legend.continuous);
  EXPECT_EQ(o.legend.title, "Parameters (sum per group)");
  EXPECT_EQ(o.legend.entries.back().color, kNoValueColor);
  // The SVG carries the legend and the overlay colours; without one it is unchanged.
  SvgOptions with;
  with.overlay = &o;
  std::ostringstream a, b;
  writeSvg(a, *sc, with);
  writeSvg(b, *sc);
  EXPECT_NE(a.str().find("class=\"legend\""), std::string::npos);
  EXPECT_NE(a.str().find("Parameters (sum per group)"), std::string::npos);
  EXPECT_EQ(b.str().find("legend"), std::string::npos);
  for (size_t i = 0; i < o.node_header.size(); ++i)
    if (o.node_header[i] != kNoOverlayColor && o.node_header[i] != kNoValueColor)
      EXPECT_NE(a.str().find("fill=\"" + cssColor(o.node_header[i]) + "\""), std::string::npos);
  // The PNG grows by the legend band and shows the legend's first colour.
  RasterOptions ro;
  const RasterImage plain = rasterizeScene(sc->graph, sc->layout, ro, &sc->frames);
  ro.overlay = &o;
  const RasterImage tinted = rasterizeScene(sc->graph, sc->layout, ro, &sc->frames);
  EXPECT_GT(tinted.height, plain.height);
  const uint32_t want = o.legend.entries.front().color;
  bool found = false;
  for (size_t p = 0; p + 2 < tinted.rgb.size() && !found; p += 3)
    found = ((uint32_t{tinted.rgb[p]} << 16) | (uint32_t{tinted.rgb[p + 1]} << 8) | tinted.rgb[p + 2]) == want;
  EXPECT_TRUE(found);
}

// A comparison's side as colours: every box by its status, a closed group by the
// strongest status inside it (one changed node makes the group "changed"), and a
// legend that names the statuses.
TEST(sceneOverlay, DifferenceColoursGroupsByWhatChangedInside) {
  test::StackOptions so;
  so.layers = 4;
  ir::Model m = test::makeTransformerStack(so);
  auto h = hierarchy::buildHierarchy(m);
  ASSERT_TRUE(h.ok());
  GroupedLayout gl(m, *h);
  auto sc = gl.build(hierarchy::expandToDepth(*h, 1));
  ASSERT_TRUE(sc.ok());
  std::vector<DiffStatus> status(m.main().nodes.size(), DiffStatus::Same);
  const uint32_t changed = static_cast<uint32_t>(status.size() / 2);
  status[changed] = DiffStatus::Changed;
  const Overlay o = buildOverlay(*sc, *h, differenceValues(status, DiffSide::A), Aggregate::Max);
  int changed_boxes = 0, same_boxes = 0;
  for (size_t i = 0; i < sc->graph.nodes.size(); ++i) {
    if (sc->visible.items[i].kind != hierarchy::ItemKind::Group) continue;
    const hierarchy::Group& g = h->groups[sc->visible.items[i].index];
    bool holds = false;
    for (uint32_t gi = sc->visible.items[i].index; gi < g.subtree_end; ++gi)
      for (ir::NodeId n : h->groups[gi].nodes) holds |= n.index == changed;
    EXPECT_EQ(o.node_header[i], diffStatusColor(holds ? DiffStatus::Changed : DiffStatus::Same));
    (holds ? changed_boxes : same_boxes)++;
  }
  EXPECT_EQ(changed_boxes, 1);
  EXPECT_GT(same_boxes, 0);
  ASSERT_EQ(o.legend.entries.size(), 3u);
  EXPECT_EQ(o.legend.entries[0].label, "same");
  EXPECT_EQ(o.legend.entries[1].label, "changed");
  EXPECT_EQ(o.legend.entries[2].label, "removed");
  EXPECT_EQ(o.legend.entries[2].color, diffStatusColor(DiffStatus::Removed));
  EXPECT_EQ(differenceValues(status, DiffSide::B).thresholds.back().label, "added");
  EXPECT_EQ(differenceValues(status, DiffSide::B).thresholds.size(), 3u);
  // The merged graph holds both sides: all four in the legend.
  const NodeValues merged = differenceValues(status, DiffSide::Merged);
  ASSERT_EQ(merged.thresholds.size(), 4u);
  EXPECT_EQ(merged.thresholds[2].label, "removed");
  EXPECT_EQ(merged.thresholds[3].label, "added");
}

TEST(sceneOverlay, ColorByNamesRoundTrip) {
  for (const char* n : {"category", "params", "macs", "flops", "memory", "time"}) {
    ColorBy c;
    ASSERT_TRUE(parseColorBy(n, &c)) << n;
    EXPECT_STREQ(colorByName(c), n);
  }
  ColorBy c;
  EXPECT_FALSE(parseColorBy("MACS", &c));
  EXPECT_FALSE(parseColorBy("", &c));
  Aggregate a;
  EXPECT_TRUE(parseAggregate("mean", &a) && a == Aggregate::Mean);
  EXPECT_FALSE(parseAggregate("median", &a));
}

}  // namespace
}  // namespace nf::scene

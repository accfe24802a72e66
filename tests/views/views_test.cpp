// The layered and neurons views: sizing rules, DAG layout of branches, folding,
// SVG groups, neuron truncation and weights, raster backgrounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "builder/analysis.h"
#include "builder/serialize.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "scene/display_graph.h"
#include "scene/exports.h"
#include "support/model_builder.h"
#include "views/builder_layers.h"
#include "views/drawing.h"
#include "views/layer_graph.h"
#include "views/layered_view.h"
#include "views/neuron_view.h"

namespace nf::views {
namespace {

using test::aInt;
using test::aInts;

// A small ResNet: stem conv, four residual blocks (the first with a downsample conv
// on its skip, the other three identical), pooling and a classifier.
ir::Model residualModel() {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1, 3, 32, 32}));
  const std::vector<ir::Attribute> conv3 = {aInts("kernel_shape", {3, 3}), aInts("pads", {1, 1, 1, 1})};
  std::string h = g.op("Conv", "/stem/Conv", {"x", g.weight("w_stem", {16, 3, 3, 3})}, conv3);
  h = g.op("Relu", "/stem/Relu", {h});
  for (int b = 0; b < 4; ++b) {
    const std::string p = "/layer/layer." + std::to_string(b) + "/";
    std::string c = g.op("Conv", p + "conv1/Conv", {h, g.weight(p + "w1", {16, 16, 3, 3})}, conv3);
    c = g.op("Relu", p + "relu/Relu", {c});
    c = g.op("Conv", p + "conv2/Conv", {c, g.weight(p + "w2", {16, 16, 3, 3})}, conv3);
    std::string skip = h;
    if (b == 0)
      skip = g.op("Conv", p + "downsample/Conv", {h, g.weight(p + "wd", {16, 16, 1, 1})},
                  {aInts("kernel_shape", {1, 1})});
    h = g.op("Add", p + "Add", {c, skip});
    h = g.op("Relu", p + "relu_1/Relu", {h});
  }
  h = g.op("GlobalAveragePool", "/pool/GlobalAveragePool", {h});
  h = g.op("Flatten", "/Flatten", {h});
  h = g.op("Gemm", "/fc/Gemm", {h, g.weight("fc_w", {10, 16})}, {aInt("transB", 1)});
  g.output(h);
  return m;
}

// Input 4 -> Gemm 100 (Relu) -> Gemm 3, with weights w1[j][i] = (j - 50) * 0.01 + i.
ir::Model mlpModel() {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1, 4}));
  std::vector<float> w1(400), w2(300);
  for (int j = 0; j < 100; ++j)
    for (int i = 0; i < 4; ++i) w1[j * 4 + i] = static_cast<float>((j - 50) * 0.01 + i);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 100; ++i) w2[j * 100 + i] = static_cast<float>(i % 2 ? -1 - i : 1 + i);
  std::string h = g.op("Gemm", "/fc1/Gemm", {"x", g.initFloats("w1", {100, 4}, w1)}, {aInt("transB", 1)});
  h = g.op("Relu", "/act/Relu", {h});
  h = g.op("Gemm", "/fc2/Gemm", {h, g.initFloats("w2", {3, 100}, w2)}, {aInt("transB", 1)});
  g.output(h);
  return m;
}

struct Built {
  ir::Model model;
  shapes::InferenceResult inferred;
  shapes::Metrics metrics;
};

LayerGraph layersOf(const Built& b, const LayerGraphOptions& o) {
  auto r = buildLayerGraph(b.model, b.inferred, b.metrics, o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : LayerGraph{};
}

Built build(ir::Model m) {
  Built b{std::move(m), {}, {}};
  b.inferred = shapes::inferShapes(b.model);
  b.metrics = shapes::computeMetrics(b.model, b.inferred);
  return b;
}

size_t countOf(const LayerGraph& g, const std::string& op) {
  return static_cast<size_t>(std::count_if(g.layers.begin(), g.layers.end(), [&](const Layer& l) { return l.op_type == op; }));
}

size_t occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(LayeredSizing, ModesFollowTheirRules) {
  LayeredOptions o;
  o.scale_xy = 2.0f;
  o.sizing = SizingMode::Accurate;
  EXPECT_FLOAT_EQ(sizeDim(100, false, o), 200.0f);
  EXPECT_FLOAT_EQ(sizeDim(1, false, o), o.min_xy);      // never below the min
  EXPECT_FLOAT_EQ(sizeDim(1000, false, o), 2000.0f);    // accurate: no upper cap
  o.sizing = SizingMode::Capped;
  EXPECT_FLOAT_EQ(sizeDim(1000, false, o), o.max_xy);
  EXPECT_FLOAT_EQ(sizeDim(50, false, o), 100.0f);
  o.scale_xy = 1.0f;
  o.sizing = SizingMode::Logarithmic;
  EXPECT_FLOAT_EQ(sizeDim(255, false, o), 12.0f * 8.0f);
  EXPECT_FLOAT_EQ(sizeDim(63, true, o), 4.0f * 6.0f);
  EXPECT_LT(sizeDim(7, false, o), sizeDim(56, false, o));
  EXPECT_LT(sizeDim(56, false, o), sizeDim(224, false, o));
  EXPECT_FLOAT_EQ(sizeDim(-1, false, o), o.min_xy);  // unknown dim
  EXPECT_FLOAT_EQ(sizeDim(-1, true, o), o.min_z);
  o.sizing = SizingMode::Uniform;
  EXPECT_FLOAT_EQ(sizeDim(7, false, o), sizeDim(224, false, o));
  EXPECT_FLOAT_EQ(sizeDim(3, true, o), sizeDim(2048, true, o));
  o.sizing = SizingMode::Accurate;
  EXPECT_LE(sizeDim(int64_t{1} << 60, false, o), 100000.0f);  // hostile dims stay finite
}

TEST(LayeredSizing, HeightByHDepthByWWidthByChannels) {
  LayeredOptions o;
  o.sizing = SizingMode::Capped;
  Layer l;
  l.op_type = "Conv";
  l.shape = test::shape({1, 64, 56, 28});
  const BoxSize s = sizeLayer(l, o);
  EXPECT_FLOAT_EQ(s.width, 64.0f);
  EXPECT_FLOAT_EQ(s.height, 56.0f);
  EXPECT_FLOAT_EQ(s.depth, 28.0f * o.depth_ratio);
  // (batch, tokens, features) of a transformer: height by tokens, width by features.
  l.op_type = "MatMul";
  l.shape = test::shape({1, 197, 80});
  EXPECT_FLOAT_EQ(sizeLayer(l, o).height, 197.0f);
  EXPECT_FLOAT_EQ(sizeLayer(l, o).width, 80.0f);
  // A dense output (batch, features): a tall thin box.
  l.shape = test::shape({"batch", 100});
  EXPECT_FLOAT_EQ(sizeLayer(l, o).height, 100.0f);
  EXPECT_FLOAT_EQ(sizeLayer(l, o).width, o.min_z);
}

TEST(LayerGraph, ActivationsFoldAndRepeatsFoldToOneBlock) {
  const Built b = build(residualModel());
  LayerGraphOptions o;
  o.fold_repeats = false;
  const LayerGraph all = layersOf(b, o);
  // Input, stem, 4 blocks of conv1/conv2/add (+ downsample), pool, flatten, gemm.
  EXPECT_EQ(all.layers.size(), 18u);
  EXPECT_EQ(countOf(all, "Relu"), 0u);
  EXPECT_EQ(all.folded_activations, 9u);
  EXPECT_EQ(all.layers[0].kind, LayerKind::Input);

  o.fold_activations = false;
  EXPECT_EQ(layersOf(b, o).layers.size(), 27u);

  o = {};
  const LayerGraph folded = layersOf(b, o);
  ASSERT_EQ(folded.regions.size(), 1u);
  EXPECT_EQ(folded.regions[0].repeat, 3u);           // layer.1 .. layer.3
  EXPECT_EQ(folded.layers.size(), 18u - 6u);         // two blocks of three layers not drawn
  EXPECT_EQ(folded.repeat_hidden, 6u);
  EXPECT_EQ(folded.regions[0].layers.size(), 3u);
  // The kept block still reaches the classifier: every layer but the last has a successor.
  for (uint32_t i = 0; i + 1 < folded.layers.size(); ++i) EXPECT_FALSE(folded.succs(i).empty()) << folded.layers[i].name;
}

TEST(LayerGraph, ModulesContractEachScopeToOneBox) {
  const Built b = build(residualModel());
  LayerGraphOptions o;
  o.fold_repeats = false;
  o.modules = true;
  const LayerGraph g = layersOf(b, o);
  // Input, stem, four blocks, pool, flatten, classifier.
  ASSERT_EQ(g.layers.size(), 9u);
  for (int k = 2; k < 6; ++k) {
    EXPECT_EQ(g.layers[static_cast<size_t>(k)].op_type, "Conv");
    EXPECT_EQ(g.layers[static_cast<size_t>(k)].name, "layer/layer." + std::to_string(k - 2));
    EXPECT_EQ(g.preds(static_cast<uint32_t>(k)), std::vector<uint32_t>{static_cast<uint32_t>(k - 1)});
  }
  EXPECT_EQ(g.layers[1].folded.size(), 1u);  // stem: Conv + Relu
  // Params add up: block 0 holds conv1, conv2 and the downsample conv.
  EXPECT_EQ(g.layers[2].params, 16 * 16 * 9 * 2 + 16 * 16);
  o.fold_repeats = true;
  const LayerGraph f = layersOf(b, o);
  EXPECT_EQ(f.layers.size(), 7u);  // layer.1 x3 drawn once
  ASSERT_EQ(f.regions.size(), 1u);
  EXPECT_EQ(f.regions[0].repeat, 3u);
}

// Two scoped blocks of MatMul + Add (+ Relu when `relu`), identical in structure.
ir::Model twoBlocks(bool relu) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1, 8}));
  std::string h = "x";
  for (int k = 0; k < 2; ++k) {
    const std::string p = "/mlp/mlp." + std::to_string(k) + "/";
    h = g.op("MatMul", p + "MatMul", {h, g.weight(p + "w", {8, 8})});
    h = g.op("Add", p + "Add", {h, g.weight(p + "b", {8})});
    if (relu) h = g.op("Relu", p + "Relu", {h});
  }
  g.output(h);
  return m;
}

TEST(LayerGraph, OnlyBlocksOfThreeOrMoreOpsFoldAsRepeats) {
  // MatMul + Add: two Linear layers, both drawn.
  const LayerGraph two = layersOf(build(twoBlocks(false)), {});
  EXPECT_TRUE(two.regions.empty());
  EXPECT_EQ(two.layers.size(), 5u);
  // MatMul + Add + Relu: a block, drawn once with ×2.
  const LayerGraph three = layersOf(build(twoBlocks(true)), {});
  ASSERT_EQ(three.regions.size(), 1u);
  EXPECT_EQ(three.regions[0].repeat, 2u);
  EXPECT_EQ(three.layers.size(), 3u);
}

TEST(LayerGraph, TypeIgnoreRemovesLayersAndKeepsTheFlow) {
  const Built b = build(residualModel());
  LayerGraphOptions o;
  o.fold_repeats = false;
  o.type_ignore = {"Add", "Relu"};
  const LayerGraph g = layersOf(b, o);
  EXPECT_EQ(g.layers.size(), 14u);
  EXPECT_EQ(countOf(g, "Add"), 0u);
  EXPECT_EQ(g.ignored_layers, 13u);  // 4 Add + 9 Relu
  o.type_ignore = {"Input", "Flatten"};
  const LayerGraph h = layersOf(b, o);
  EXPECT_EQ(h.layers.size(), 16u);
  EXPECT_EQ(countOf(h, "Input"), 0u);
  // Pool connects straight to the classifier now.
  for (uint32_t i = 0; i < h.layers.size(); ++i)
    if (h.layers[i].op_type == "GlobalAveragePool") {
      ASSERT_EQ(h.succs(i).size(), 1u);
      EXPECT_EQ(h.layers[h.succs(i)[0]].op_type, "Gemm");
    }
}

TEST(LayeredLayout, BranchesSitSideBySideAndNeverOverlap) {
  const Built b = build(residualModel());
  LayerGraphOptions go;
  go.fold_repeats = false;
  const LayerGraph g = layersOf(b, go);
  for (auto dir : {layout::Direction::LeftToRight, layout::Direction::TopToBottom}) {
    LayeredOptions o;
    o.direction = dir;
    o.label_shape = true;
    auto sc = layoutLayered(g, o);
    ASSERT_TRUE(sc);
    for (size_t i = 0; i < g.layers.size(); ++i)
      for (size_t j = i + 1; j < g.layers.size(); ++j) {
        const Rect& a = sc->boxes[i].footprint;
        const Rect& c = sc->boxes[j].footprint;
        const bool apart = a.x + a.width <= c.x + 0.01f || c.x + c.width <= a.x + 0.01f ||
                           a.y + a.height <= c.y + 0.01f || c.y + c.height <= a.y + 0.01f;
        EXPECT_TRUE(apart) << g.layers[i].name << " overlaps " << g.layers[j].name;
      }
    // A DAG, not a line: the downsample conv sits beside block 0's main path.
    uint32_t down = 0, conv1 = 0;
    for (uint32_t i = 0; i < g.layers.size(); ++i) {
      if (g.layers[i].name == "/layer/layer.0/downsample/Conv") down = i;
      if (g.layers[i].name == "/layer/layer.0/conv1/Conv") conv1 = i;
    }
    const Point pd = sc->layout.node_centers[down], pc = sc->layout.node_centers[conv1];
    if (dir == layout::Direction::LeftToRight) EXPECT_NE(pd.y, pc.y);
    else EXPECT_NE(pd.x, pc.x);
  }
}

TEST(LayeredDrawing, SvgHoldsOneGroupPerBoxAndSaysItsView) {
  const Built b = build(residualModel());
  const LayerGraph g = layersOf(b, {});
  LayeredOptions o;
  auto sc = layoutLayered(g, o);
  ASSERT_TRUE(sc);
  const Drawing d = drawLayered(g, *sc, o);
  EXPECT_EQ(d.groupCount("layer"), g.layers.size());
  const std::string svg = toSvg(d);
  EXPECT_NE(svg.find("data-netforge-view=\"layered\""), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<g class=\"layer\""), g.layers.size());
  EXPECT_EQ(occurrences(svg, "<g class=\"repeat\""), 1u);
  EXPECT_NE(svg.find("×3"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<g "), occurrences(svg, "</g>"));
  // Legend: one entry per category present, naming the op types.
  EXPECT_NE(svg.find(">Conv</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Gemm</text>"), std::string::npos);
}

TEST(LayeredDrawing, RegionsFrameTheScopesAndTextCanGoOver) {
  const Built b = build(residualModel());
  LayerGraphOptions go;
  go.fold_repeats = false;
  const LayerGraph g = layersOf(b, go);
  LayeredOptions o;
  o.group_depth = 1;
  o.label_shape = true;
  auto sc = layoutLayered(g, o);
  ASSERT_TRUE(sc);
  const Drawing d = drawLayered(g, *sc, o);
  // Top-level scopes: "stem" and the series of the four blocks.
  std::set<uint32_t> top;
  for (uint32_t i = 0; i < g.layers.size(); ++i)
    if (uint32_t grp = g.groupAtDepth(i, 1)) top.insert(grp);
  EXPECT_EQ(top.size(), 2u);
  EXPECT_EQ(d.groupCount("region"), top.size());
  // Every box of a region lies inside its frame (the frame's rectangle follows its group marker).
  for (size_t k = 0; k + 1 < d.shapes.size(); ++k) {
    if (d.shapes[k].kind != ShapeKind::GroupBegin || d.shapes[k].group_class != "region") continue;
    const Shape& frame = d.shapes[k + 1];
    const std::string name = d.shapes[k].data[0].second;
    for (uint32_t i = 0; i < g.layers.size(); ++i) {
      const uint32_t grp = g.groupAtDepth(i, 1);
      if (!grp || g.groups[grp].name != name) continue;
      const Rect& f = sc->boxes[i].footprint;
      EXPECT_GE(f.x, frame.points[0].x);
      EXPECT_LE(f.x + f.width, frame.points[2].x);
      EXPECT_GE(f.y, frame.points[0].y);
      EXPECT_LE(f.y + f.height, frame.points[2].y);
    }
  }
  // Text over the box: the shape label's baseline is above the solid.
  o.label_above = true;
  o.group_depth = 0;
  auto over = layoutLayered(g, o);
  ASSERT_TRUE(over);
  const Drawing d2 = drawLayered(g, *over, o);
  size_t checked = 0;
  for (size_t k = 0; k < d2.shapes.size(); ++k)
    if (d2.shapes[k].kind == ShapeKind::GroupBegin && d2.shapes[k].group_class == "layer") {
      const uint32_t i = static_cast<uint32_t>(std::stoul(d2.shapes[k].data[0].second));
      for (size_t j = k + 1; j < d2.shapes.size() && d2.shapes[j].kind != ShapeKind::GroupEnd; ++j)
        if (d2.shapes[j].kind == ShapeKind::Text) {
          EXPECT_LT(d2.shapes[j].points[0].y, over->boxes[i].front.y);
          ++checked;
        }
    }
  EXPECT_EQ(checked, g.layers.size());
}

TEST(Neurons, TruncatesBigLayersAndReadsTheDrawnWeights) {
  const Built b = build(mlpModel());
  const LayerGraph g = layersOf(b, {});
  const DensePart part = findDensePart(b.model, g);
  ASSERT_EQ(part.columns.size(), 3u);
  EXPECT_EQ(part.dense_layers, 2u);
  EXPECT_EQ(part.columns[0].units, 4);
  EXPECT_EQ(part.columns[0].role, NeuronRole::Input);
  const NeuronColumn& hidden = part.columns[1];
  EXPECT_EQ(hidden.units, 100);
  EXPECT_EQ(hidden.shown.size(), 11u);
  EXPECT_EQ(hidden.hidden(), 89);
  EXPECT_EQ(hidden.shown.front(), 0);
  EXPECT_EQ(hidden.shown.back(), 99);
  EXPECT_EQ(part.columns[2].role, NeuronRole::Output);
  EXPECT_NE(part.columns[1].title.find("Relu"), std::string::npos);
  ASSERT_TRUE(part.weights_read);
  // w1[j][i] = (j - 50) * 0.01 + i, for the drawn j.
  ASSERT_EQ(hidden.weights.size(), 11u);
  for (size_t k = 0; k < hidden.shown.size(); ++k)
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(hidden.weights[k][static_cast<size_t>(i)], (hidden.shown[k] - 50) * 0.01 + i, 1e-5);
  // w2[j][i] for the last drawn hidden unit (99): odd, so negative.
  EXPECT_FLOAT_EQ(part.columns[2].weights[0].back(), -100.0f);
  EXPECT_NE(part.caption.find("the whole model"), std::string::npos);

  const Drawing d = drawNeurons(part);
  const std::string svg = toSvg(d);
  EXPECT_NE(svg.find("data-netforge-view=\"neurons\""), std::string::npos);
  EXPECT_NE(svg.find(">+89</text>"), std::string::npos);
  EXPECT_EQ(d.groupCount("neuron-layer"), 3u);
  EXPECT_EQ(occurrences(svg, "<circle"), 4u + 11u + 3u + 0u);
  // Without weights: the same picture, connections in grey, and it says so.
  NeuronOptions no;
  no.weights = false;
  const DensePart plain = findDensePart(b.model, g, no);
  EXPECT_FALSE(plain.weights_read);
  EXPECT_NE(toSvg(drawNeurons(plain)).find("weights not available"), std::string::npos);
}

TEST(Neurons, NotDenseOnlyShowsTheDensePartAndSaysWhatWasLeftOut) {
  const Built b = build(residualModel());
  LayerGraphOptions go;
  go.fold_repeats = false;
  const DensePart part = findDensePart(b.model, layersOf(b, go));
  ASSERT_EQ(part.columns.size(), 2u);
  EXPECT_EQ(part.columns[0].units, 16);
  EXPECT_EQ(part.columns[1].units, 10);
  EXPECT_FALSE(part.weights_read);  // weights without data
  EXPECT_FALSE(part.boxes.empty());
  EXPECT_EQ(part.boxes.back().title, "Flatten");
  EXPECT_NE(part.caption.find("Left out"), std::string::npos);
  EXPECT_NE(part.caption.find("Conv"), std::string::npos);
}

TEST(LayeredDrawing, HostileNamesAreEscapedInTheSvg) {
  ir::Model m = test::model(13);
  test::GraphBuilder gb(m);
  gb.input("x<\"in\">", test::F32, test::shape({1, 8}));
  std::string h = gb.op("Relu", "a<b>&\"c'\x01/Relu", {"x<\"in\">"});
  h = gb.op("Gemm", "</svg><script>", {h, gb.weight("w", {4, 8})}, {aInt("transB", 1)});
  gb.output(h);
  const Built b = build(std::move(m));
  LayerGraphOptions go;
  go.fold_activations = false;
  const LayerGraph g = layersOf(b, go);
  LayeredOptions o;
  o.label_name = true;
  auto sc = layoutLayered(g, o);
  ASSERT_TRUE(sc);
  const std::string svg = toSvg(drawLayered(g, *sc, o)) + toSvg(drawNeurons(findDensePart(b.model, g)));
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_NE(svg.find("&lt;/svg&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b&gt;&amp;&quot;c&#39;"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<g "), occurrences(svg, "</g>"));
}

TEST(BuilderLayers, ABuilderCnnLooksLikeItsExport) {
  auto doc = builder::loadDocumentFile(std::string(NETFORGE_SOURCE_DIR) + "/tests/builder/docs/cifar10_cnn.json");
  ASSERT_TRUE(doc) << doc.error().message;
  const builder::Analysis a = builder::analyze(*doc, builder::Framework::PyTorch);
  const LayerGraph g = layersFromBuilder(*doc, a);
  std::vector<std::string> ops;
  for (const Layer& l : g.layers) ops.push_back(l.op_type);
  EXPECT_EQ(ops, (std::vector<std::string>{"Input", "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d", "Flatten", "Linear",
                                           "Linear", "Linear"}));
  EXPECT_EQ(g.folded_activations, 4u);  // the ReLUs
  EXPECT_EQ(g.edges.size(), 8u);
  // Batch first, channels first for feature maps: the first conv is 1x6x28x28.
  EXPECT_EQ(scene::shapeLabel(g.layers[1].shape), "1×6×28×28");
  LayeredOptions o;
  o.sizing = SizingMode::Capped;
  const BoxSize s = sizeLayer(g.layers[1], o);
  EXPECT_FLOAT_EQ(s.width, o.min_z);  // 6 channels
  EXPECT_FLOAT_EQ(s.height, 28.0f);
  EXPECT_EQ(sizeLayer(g.layers[6], o).height, 120.0f);  // Linear(400 -> 120)
  auto sc = layoutLayered(g, o);
  ASSERT_TRUE(sc);
  EXPECT_EQ(drawLayered(g, *sc, o).groupCount("layer"), g.layers.size());
}

TEST(Neurons, ShownUnitsKeepFirstAndLast) {
  uint32_t gap = 0;
  EXPECT_EQ(shownUnits(5, 12, &gap).size(), 5u);
  EXPECT_EQ(gap, 0u);
  const auto s = shownUnits(1000, 12, &gap);
  EXPECT_EQ(s.size(), 11u);
  EXPECT_EQ(gap, 6u);
  EXPECT_EQ(s[5], 5);
  EXPECT_EQ(s[6], 995);
  EXPECT_EQ(shownUnits(1000, 0, &gap).size(), 2u);  // at least 3 slots: 2 neurons and "+M"
}

TEST(DrawingRaster, BackgroundAndSlideFit) {
  Drawing d;
  d.view = "layered";
  d.rect(Rect{0, 0, 100, 20}, 0x3366CC);
  d.finish();
  ExportOptions o;
  o.margin = 10.0f;
  RgbaImage solid = rasterize(d, o);
  ASSERT_EQ(solid.width, 120u);
  ASSERT_EQ(solid.height, 40u);
  EXPECT_EQ(solid.rgba[3], 255);  // corner: opaque white
  EXPECT_EQ(solid.rgba[0], 255);
  const size_t mid = (static_cast<size_t>(20) * solid.width + 60) * 4;
  EXPECT_EQ(solid.rgba[mid], 0x33);
  EXPECT_EQ(solid.rgba[mid + 2], 0xCC);
  o.transparent = true;
  RgbaImage clear = rasterize(d, o);
  EXPECT_EQ(clear.rgba[3], 0);
  EXPECT_EQ(clear.rgba[mid + 3], 255);
  o.fit_16_9 = true;
  RgbaImage slide = rasterize(d, o);
  EXPECT_NEAR(static_cast<double>(slide.width) / slide.height, 16.0 / 9.0, 0.03);
}

// A builder document from tests/builder/docs, analysed for PyTorch.
struct BuilderDoc {
  builder::Document doc;
  builder::Analysis analysis;
  LayerGraph layers;
};
BuilderDoc builderDoc(const std::string& file) {
  auto doc = builder::loadDocumentFile(std::string(NETFORGE_SOURCE_DIR) + "/tests/builder/docs/" + file);
  EXPECT_TRUE(doc) << doc.error().message;
  BuilderDoc b{std::move(*doc), {}, {}};
  b.analysis = builder::analyze(b.doc, builder::Framework::PyTorch);
  b.layers = layersFromBuilder(b.doc, b.analysis);
  return b;
}

TEST(BuilderNeurons, AnMlpIsNeuronsPerLinearLayerWithTruncation) {
  const BuilderDoc b = builderDoc("mlp.json");  // Input 784, Linear 256, BN, ReLU, Dropout, Linear 128, SiLU, Linear 10
  const DensePart part = builderDensePart(b.doc, b.analysis, b.layers);
  ASSERT_EQ(part.columns.size(), 4u);
  EXPECT_TRUE(part.boxes.empty());
  EXPECT_EQ(part.dense_layers, 3u);
  const std::vector<int64_t> units{784, 256, 128, 10};
  for (size_t c = 0; c < 4; ++c) EXPECT_EQ(part.columns[c].units, units[c]) << c;
  EXPECT_EQ(part.columns[0].role, NeuronRole::Input);
  EXPECT_EQ(part.columns[3].role, NeuronRole::Output);
  EXPECT_EQ(part.columns[1].hidden(), 256 - 11);
  EXPECT_EQ(part.columns[2].title, "Linear · SiLU");
  // Every column names the layer it draws (the input column: the Input node), and that
  // layer's first source is the document node.
  EXPECT_EQ(b.layers.layers[static_cast<size_t>(part.columns[0].layer)].kind, LayerKind::Input);
  for (size_t c = 1; c < 4; ++c) {
    const Layer& l = b.layers.layers[static_cast<size_t>(part.columns[c].layer)];
    EXPECT_EQ(b.doc.nodes()[l.sources.at(0)].type, "Linear");
  }
  EXPECT_NE(part.caption.find("the whole model"), std::string::npos) << part.caption;
  const std::string svg = toSvg(drawNeurons(part));
  EXPECT_NE(svg.find("data-netforge-view=\"neurons\""), std::string::npos);
  EXPECT_NE(svg.find(">+773</text>"), std::string::npos);  // 784 inputs, 11 drawn
  EXPECT_NE(svg.find("no trained weights"), std::string::npos);
}

TEST(BuilderNeurons, ACnnShowsItsFeatureLayersAsBoxesThenTheDenseNeurons) {
  const BuilderDoc b = builderDoc("cifar10_cnn.json");
  const DensePart part = builderDensePart(b.doc, b.analysis, b.layers);
  std::vector<std::string> boxes;
  for (const NeuronBox& box : part.boxes) boxes.push_back(box.title);
  EXPECT_EQ(boxes, (std::vector<std::string>{"Conv2d · ReLU", "MaxPool2d", "Conv2d · ReLU", "MaxPool2d", "Flatten"}));
  ASSERT_EQ(part.columns.size(), 4u);  // 400 features, 120, 84, 10
  EXPECT_EQ(part.columns[0].units, 400);
  EXPECT_EQ(part.columns[0].title, "Input features");
  EXPECT_EQ(part.columns[3].units, 10);
  const Drawing d = drawNeurons(part);
  EXPECT_EQ(d.groupCount("box"), 5u);
  EXPECT_EQ(d.groupCount("neuron-layer"), 4u);
  // Not dense only: the caption says what was left out.
  EXPECT_NE(part.caption.find("3 dense layers"), std::string::npos) << part.caption;
}

TEST(BuilderNeurons, WithoutLinearLayersThePictureSaysSo) {
  const BuilderDoc b = builderDoc("unet_like.json");  // convolutions only
  const DensePart part = builderDensePart(b.doc, b.analysis, b.layers);
  EXPECT_TRUE(part.columns.empty());
  EXPECT_NE(part.caption.find("No Linear (Dense) layers"), std::string::npos) << part.caption;
  EXPECT_NE(toSvg(drawNeurons(part)).find("No Linear (Dense) layers"), std::string::npos);
}

TEST(PictureHotspots, EachDrawnLayerCanBeFoundUnderThePointer) {
  const BuilderDoc b = builderDoc("cifar10_cnn.json");
  const DensePart part = builderDensePart(b.doc, b.analysis, b.layers);
  const Drawing d = drawNeurons(part);
  const std::vector<Hotspot> spots = layerHotspots(d);
  ASSERT_EQ(spots.size(), part.boxes.size() + part.columns.size());
  for (const Hotspot& h : spots) {
    EXPECT_GT(h.rect.width, 0.0f);
    EXPECT_LT(h.layer, b.layers.layers.size());
    const Point centre{h.rect.x + h.rect.width / 2, h.rect.y + h.rect.height / 2};
    const Hotspot* at = hotspotAt(spots, centre);
    ASSERT_NE(at, nullptr);
    EXPECT_EQ(at->layer, h.layer);
  }
  // The last Linear's column, by the layer it names.
  EXPECT_EQ(spots.back().layer, static_cast<uint32_t>(part.columns.back().layer));
  EXPECT_EQ(hotspotAt(spots, Point{d.bounds.x - 50, d.bounds.y - 50}), nullptr);

  // The layered picture: one hotspot per box, in layer order.
  LayeredOptions o;
  auto sc = layoutLayered(b.layers, o);
  ASSERT_TRUE(sc);
  const std::vector<Hotspot> boxes = layerHotspots(drawLayered(b.layers, *sc, o));
  ASSERT_EQ(boxes.size(), b.layers.layers.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_EQ(boxes[i].layer, i);
    EXPECT_EQ(boxes[i].group_class, "layer");
    const Point front{sc->boxes[i].front.x + 1, sc->boxes[i].front.y + 1};
    const Hotspot* at = hotspotAt(boxes, front);
    ASSERT_NE(at, nullptr);
    EXPECT_EQ(at->layer, i);
  }
}

TEST(LayeredDrawing, LegendWithDimsNamesEachTypeAndShape) {
  const BuilderDoc b = builderDoc("cifar10_cnn.json");
  LayeredOptions o;
  o.legend_dims = true;
  auto sc = layoutLayered(b.layers, o);
  ASSERT_TRUE(sc);
  const Drawing d = drawLayered(b.layers, *sc, o);
  const std::string svg = toSvg(d);
  // Conv2d 1×6×28×28 and 1×16×10×10 are two entries; the three Linear layers three more.
  EXPECT_EQ(d.groupCount("legend-entry"), b.layers.layers.size());
  EXPECT_NE(svg.find(">1×6×28×28</text>"), std::string::npos);
  EXPECT_NE(svg.find("data-dims=\"1×16×10×10\""), std::string::npos);
  EXPECT_NE(svg.find(">1×120</text>"), std::string::npos);
  // Without dims: one entry per colour, no shapes in the legend.
  o.legend_dims = false;
  const Drawing plain = drawLayered(b.layers, *sc, o);
  EXPECT_EQ(plain.groupCount("legend-entry"), 0u);
  EXPECT_EQ(toSvg(plain).find(">1×6×28×28</text>"), std::string::npos);
}

TEST(DrawingRaster, DarkPaperInTheSvgAndThePng) {
  const BuilderDoc b = builderDoc("mlp.json");
  LayeredOptions o;
  o.dark = true;
  auto sc = layoutLayered(b.layers, o);
  ASSERT_TRUE(sc);
  const uint32_t night = pictureLook(true).background;
  ASSERT_NE(night, pictureLook(false).background);
  const DensePart part = builderDensePart(b.doc, b.analysis, b.layers);
  for (const Drawing& d : {drawLayered(b.layers, *sc, o), drawNeurons(part, true)}) {
    EXPECT_EQ(d.background, night) << d.view;
    const std::string svg = toSvg(d);
    EXPECT_NE(svg.find("fill=\"" + scene::cssColor(night) + "\""), std::string::npos) << d.view;
    const RgbaImage img = rasterize(d);
    ASSERT_GT(img.width, 0u);
    EXPECT_EQ(img.rgba[0], (night >> 16) & 0xFF) << d.view;  // the corner: dark paper
    EXPECT_EQ(img.rgba[1], (night >> 8) & 0xFF);
    EXPECT_EQ(img.rgba[2], night & 0xFF);
    EXPECT_EQ(img.rgba[3], 255);
    // Text is light on it (the caption / legend), not the light look's dark grey.
    bool light_text = false;
    for (const Shape& s : d.shapes)
      if (s.kind == ShapeKind::Text && s.fill == pictureLook(true).text) light_text = true;
    EXPECT_TRUE(light_text) << d.view;
  }
  // The light look stays white paper.
  EXPECT_EQ(drawNeurons(part).background, 0xFFFFFFu);
}

}  // namespace
}  // namespace nf::views


// The display graph: what boxes and edges a model becomes, over the whole corpus and
// on small hand-built graphs.
#include <gtest/gtest.h>

#include <map>

#include "onnx/reader.h"
#include "scene/categories.h"
#include "scene/display_graph.h"
#include "scene/op_summary.h"
#include "scene/text_metrics.h"
#include "support/model_builder.h"
#include "support/test_support.h"

namespace nf::scene {
namespace {

// Independent count of what the display graph must contain.
struct Expected {
  size_t edges = 0;        // tensor connections with a box as source, plus outputs with a source
  size_t tensor_rows = 0;  // input slots with no box as source
};

Expected expectedFor(const ir::Graph& g, bool initializers_as_nodes) {
  Expected e;
  auto hasSource = [&](const ir::Value& v) {
    if (v.producer.valid()) return true;
    if (v.initializer >= 0) return initializers_as_nodes;
    return v.graph_input;
  };
  for (const ir::Node& n : g.nodes)
    for (ir::ValueId v : n.inputs) {
      if (!v.valid()) continue;
      if (hasSource(g.value(v))) ++e.edges;
      else ++e.tensor_rows;
    }
  for (ir::ValueId v : g.outputs) {
    const ir::Value& value = g.value(v);
    if (value.producer.valid() || value.graph_input || value.initializer >= 0) ++e.edges;
  }
  return e;
}

void checkGraph(const ir::Model& m, ir::GraphId gid, bool as_nodes) {
  const ir::Graph& g = m.graph(gid);
  BuildOptions o;
  o.initializers_as_nodes = as_nodes;
  auto r = buildDisplayGraph(m, gid, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const DisplayGraph& d = *r;

  // Every op once, in order, with its op type as the header.
  std::vector<int> seen(g.nodes.size(), 0);
  size_t inputs = 0, outputs = 0, initializer_boxes = 0, tensor_rows = 0;
  for (const DisplayNode& n : d.nodes) {
    EXPECT_GT(n.width, 0.0f);
    EXPECT_GE(n.height, boxStyle().header_height);
    switch (n.kind) {
      case NodeKind::Op:
        ASSERT_LT(n.op.index, g.nodes.size());
        ++seen[n.op.index];
        EXPECT_EQ(n.category, categoryOf(g.node(n.op).domain, g.node(n.op).op_type));
        break;
      case NodeKind::Input:
        ++inputs;
        EXPECT_TRUE(g.value(n.value).graph_input);
        EXPECT_EQ(n.category, OpCategory::InputOutput);
        break;
      case NodeKind::Output:
        ++outputs;
        EXPECT_TRUE(g.value(n.value).graph_output);
        break;
      case NodeKind::Initializer:
        ++initializer_boxes;
        EXPECT_GE(g.value(n.value).initializer, 0);
        break;
    }
    for (const BoxRow& row : n.rows)
      if (row.kind == RowKind::Tensor) {
        ++tensor_rows;
        if (as_nodes) EXPECT_LT(g.value(row.value).initializer, 0) << "initializer folded despite initializers_as_nodes";
      }
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "op " << i;
  EXPECT_EQ(inputs, g.realInputs().size());
  EXPECT_EQ(outputs, g.outputs.size());
  EXPECT_EQ(d.node_of_op.size(), g.nodes.size());

  const Expected want = expectedFor(g, as_nodes);
  EXPECT_EQ(d.edges.size(), want.edges);
  EXPECT_EQ(tensor_rows, want.tensor_rows);
  EXPECT_EQ(d.folded_tensors, want.tensor_rows);
  if (!as_nodes) {
    EXPECT_EQ(initializer_boxes, 0u + [&] {
      size_t k = 0;  // only initializers that are graph outputs get a box when folding
      for (ir::ValueId v : g.outputs)
        if (g.value(v).initializer >= 0 && !g.value(v).producer.valid()) ++k;
      return k;
    }());
  }
  // Edges join the right boxes: the consumer holds the value in that slot.
  for (const DisplayEdge& e : d.edges) {
    ASSERT_LT(e.from, d.nodes.size());
    ASSERT_LT(e.to, d.nodes.size());
    const DisplayNode& to = d.nodes[e.to];
    if (to.kind == NodeKind::Op) {
      ASSERT_LT(e.slot, g.node(to.op).inputs.size());
      EXPECT_EQ(g.node(to.op).inputs[e.slot], e.value);
    } else {
      EXPECT_EQ(to.kind, NodeKind::Output);
      EXPECT_EQ(to.value, e.value);
    }
    const DisplayNode& from = d.nodes[e.from];
    if (from.kind == NodeKind::Op) {
      const auto& outs = g.node(from.op).outputs;
      EXPECT_NE(std::find(outs.begin(), outs.end(), e.value), outs.end());
    } else {
      EXPECT_EQ(from.value, e.value);
    }
  }
}

TEST(DisplayGraphCorpus, EveryNodeInputAndOutputIsDrawnAndEdgesMatchConnections) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  int models = 0, graphs = 0;
  for (const auto& f : nf::test::corpusManifest()["files"]) {
    if (!f.value("parse_ok", false)) continue;
    const std::string path = f["path"];
    SCOPED_TRACE(path);
    auto m = onnx::readModelFile(nf::test::corpusPath(path));
    ASSERT_TRUE(m.ok()) << m.error().message;
    for (ir::GraphId gid : m->mainGraphTree()) {
      checkGraph(*m, gid, false);
      checkGraph(*m, gid, true);
      ++graphs;
    }
    ++models;
  }
  EXPECT_GT(models, 900);
  EXPECT_GT(graphs, models);  // the corpus has If/Loop/Scan bodies too
}

TEST(DisplayGraph, ConvFoldsWeightsAndSummarisesAttributes) {
  ir::Model m = nf::test::model();
  nf::test::GraphBuilder b(m);
  b.input("x", nf::test::F32, nf::test::shape({1, 3, 224, 224}));
  b.weight("w", {64, 3, 7, 7});
  b.weight("bias", {64});
  ir::NodeId conv = b.node("Conv", {"x", "w", "bias"}, {"y"}, {}, "conv1");
  ir::Attribute strides;
  strides.name = "strides";
  strides.type = ir::AttrType::Ints;
  strides.ints = {2, 2};
  ir::Attribute pads = strides;
  pads.name = "pads";
  pads.ints = {3, 3, 3, 3};
  m.main().node(conv).attributes = {strides, pads};
  b.node("Relu", {"y"}, {"z"}, {}, "relu");
  b.output("z");

  auto d = buildDisplayGraph(m, ir::GraphId{0});
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->nodes.size(), 4u);  // input, conv, relu, output
  const DisplayNode& c = d->nodes[d->node_of_op[0]];
  EXPECT_EQ(c.title, "Conv");
  EXPECT_EQ(c.category, OpCategory::Conv);
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.rows[0].kind, RowKind::Attributes);
  EXPECT_EQ(c.rows[0].text, "7\xC3\x97" "7 /2  pads 3");
  EXPECT_EQ(c.rows[1].text, "W");
  EXPECT_EQ(c.rows[1].detail, "\xE2\x9F\xA8" "64\xC3\x97" "3\xC3\x97" "7\xC3\x97" "7\xE2\x9F\xA9");
  EXPECT_EQ(c.rows[2].text, "B");
  ASSERT_EQ(d->edges.size(), 3u);  // x -> conv, y -> relu, z -> output
  EXPECT_EQ(d->edges[0].label, "1\xC3\x97" "3\xC3\x97" "224\xC3\x97" "224");

  BuildOptions o;
  o.initializers_as_nodes = true;
  o.show_names = true;
  auto d2 = buildDisplayGraph(m, ir::GraphId{0}, o);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->nodes.size(), 6u);
  EXPECT_EQ(d2->edges.size(), 5u);
  const DisplayNode& c2 = d2->nodes[d2->node_of_op[0]];
  ASSERT_EQ(c2.rows.size(), 2u);  // attributes, name
  EXPECT_EQ(c2.rows[1].kind, RowKind::Name);
  EXPECT_EQ(c2.rows[1].text, "conv1");
  EXPECT_GT(c2.height, c.height - boxStyle().row_height * 2);
}

TEST(DisplayGraph, BodiesAreRowsOrInlineExpanded) {
  ir::Model m = nf::test::model();
  nf::test::GraphBuilder outer(m);
  outer.input("cond", nf::test::F32, nf::test::shape({}));
  outer.input("a", nf::test::F32, nf::test::shape({4}));
  ir::NodeId iff = outer.node("If", {"cond"}, {"r"}, {}, "branch");
  outer.output("r");
  ir::Attribute then_branch;
  then_branch.name = "then_branch";
  then_branch.type = ir::AttrType::Graph;
  then_branch.graphs = {nf::test::GraphBuilder::addBody(m, ir::GraphId{0}, "")};
  m.graphs[0].node(iff).attributes = {then_branch};
  m.graphs[1].parent_node = iff;
  nf::test::GraphBuilder inner(m, ir::GraphId{1});
  inner.outer("a");
  inner.node("Neg", {"a"}, {"b"}, {}, "neg");
  inner.output("b");

  auto closed = buildDisplayGraph(m, ir::GraphId{0});
  ASSERT_TRUE(closed.ok());
  const DisplayNode& n = closed->nodes[closed->node_of_op[0]];
  ASSERT_EQ(n.rows.size(), 1u);
  EXPECT_EQ(n.rows[0].kind, RowKind::Body);
  EXPECT_EQ(n.rows[0].body.index, 1u);
  EXPECT_EQ(n.rows[0].text, "then_branch");

  // The body on its own: the outer-scope value is a row of the Neg box.
  auto body_graph = buildDisplayGraph(m, ir::GraphId{1});
  ASSERT_TRUE(body_graph.ok());
  ASSERT_EQ(body_graph->nodes.size(), 2u);
  ASSERT_EQ(body_graph->nodes[0].rows.size(), 1u);
  EXPECT_EQ(body_graph->nodes[0].rows[0].detail, "\xE2\x9F\xA8outer\xE2\x9F\xA9");

  BuildOptions o;
  o.expand_bodies = true;
  auto open = buildDisplayGraph(m, ir::GraphId{0}, o);
  ASSERT_TRUE(open.ok());
  // outer: 2 inputs, If, output; body: Neg, output.
  ASSERT_EQ(open->nodes.size(), 6u);
  const DisplayNode& neg = open->nodes[4];
  EXPECT_EQ(neg.title, "Neg");
  EXPECT_EQ(neg.depth, 1);
  EXPECT_EQ(neg.owner, open->node_of_op[0]);
  // `a` now comes from the outer graph's input box.
  bool wired = false;
  for (const DisplayEdge& e : open->edges)
    if (e.to == 4 && open->nodes[e.from].kind == NodeKind::Input && open->nodes[e.from].title == "a") wired = true;
  EXPECT_TRUE(wired);
}

TEST(DisplayGraph, InvalidGraphIdFails) {
  ir::Model m;
  m.graphs.emplace_back();
  EXPECT_FALSE(buildDisplayGraph(m, ir::GraphId{3}).ok());
  EXPECT_FALSE(buildDisplayGraph(m, ir::GraphId{}).ok());
}

TEST(DisplayGraph, HostileNamesAreCleanedAndCut) {
  ir::Model m = nf::test::model();
  nf::test::GraphBuilder b(m);
  const std::string evil = std::string("<x>&\"'\x01\x7F\xFF\xC3") + std::string(2000, 'A');
  b.input(evil, nf::test::F32, nf::test::shape({1}));
  b.node(evil, {evil}, {"y"}, {}, evil);
  b.output("y");
  BuildOptions o;
  o.show_names = true;
  auto d = buildDisplayGraph(m, ir::GraphId{0}, o);
  ASSERT_TRUE(d.ok());
  for (const DisplayNode& n : d->nodes) {
    for (const std::string* s : {&n.title, &n.name}) {
      size_t pos = 0;
      while (pos < s->size()) {
        const uint32_t cp = decodeUtf8(*s, &pos);
        EXPECT_GE(cp, 0x20u);
        EXPECT_NE(cp, 0x7Fu);
      }
    }
    EXPECT_LE(n.width, boxStyle().max_text_width + 2 * boxStyle().pad_x + 1);
  }
  EXPECT_NE(d->nodes[0].title.find("\\x01"), std::string::npos);
}

TEST(Categories, TableIsSortedAndCoversTheCommonOps) {
  EXPECT_EQ(categoryOf("", "Conv"), OpCategory::Conv);
  EXPECT_EQ(categoryOf("", "MaxPool"), OpCategory::Pooling);
  EXPECT_EQ(categoryOf("", "BatchNormalization"), OpCategory::Normalization);
  EXPECT_EQ(categoryOf("", "Relu"), OpCategory::Activation);
  EXPECT_EQ(categoryOf("", "Gemm"), OpCategory::MatMul);
  EXPECT_EQ(categoryOf("", "Reshape"), OpCategory::Tensor);
  EXPECT_EQ(categoryOf("", "Add"), OpCategory::Math);
  EXPECT_EQ(categoryOf("", "Loop"), OpCategory::Control);
  EXPECT_EQ(categoryOf("", "QuantizeLinear"), OpCategory::Quantization);
  EXPECT_EQ(categoryOf("", "Constant"), OpCategory::Constant);
  EXPECT_EQ(categoryOf("com.example", "MyOp"), OpCategory::Other);
  EXPECT_STREQ(categoryName(OpCategory::InputOutput), "io");
}

// Text has to be readable on its box and on the canvas in both palettes: the dark one
// is light text on dark boxes, the light one the other way round.
TEST(Categories, PalettesKeepTextReadableOnTheirBoxes) {
  auto luminance = [](uint32_t rgb) {
    return 0.2126 * ((rgb >> 16) & 0xFF) + 0.7152 * ((rgb >> 8) & 0xFF) + 0.0722 * (rgb & 0xFF);
  };
  const Palette& light = lightPalette();
  const Palette& dark = darkPalette();
  for (uint32_t text : {light.body_text, light.dim_text}) EXPECT_GT(luminance(light.node_body) - luminance(text), 80.0);
  for (uint32_t text : {dark.body_text, dark.dim_text}) EXPECT_GT(luminance(text) - luminance(dark.node_body), 80.0);
  EXPECT_GT(luminance(dark.edge_label) - luminance(dark.background), 80.0);
  EXPECT_GT(luminance(light.background) - luminance(light.edge_label), 80.0);
  EXPECT_LT(luminance(dark.node_body), luminance(light.node_body));
}

TEST(TextMetrics, MatchesDejaVuAdvances) {
  const TextMetrics& m = defaultMetrics();
  // 'A' is 1401 units of 2048 in DejaVu Sans, 1585 in the bold face.
  EXPECT_FLOAT_EQ(m.width("A", 20.48f, FontStyle::Regular), 14.01f);
  EXPECT_FLOAT_EQ(m.width("A", 20.48f, FontStyle::Bold), 15.85f);
  EXPECT_FLOAT_EQ(m.width("AA", 10.0f, FontStyle::Regular), 2 * m.width("A", 10.0f, FontStyle::Regular));
  EXPECT_GT(m.width("\xC3\x97", 10.0f, FontStyle::Regular), 5.0f);  // × is in the table
  EXPECT_FLOAT_EQ(m.width("\xE4\xB8\xAD", 10.0f, FontStyle::Regular), 10.0f);  // CJK: 1 em
}

TEST(TextMetrics, Utf8DecodingAndCleaning) {
  size_t pos = 0;
  EXPECT_EQ(decodeUtf8("\xE2\x9F\xA8", &pos), 0x27E8u);
  EXPECT_EQ(pos, 3u);
  pos = 0;
  EXPECT_EQ(decodeUtf8("\xC0\xAF", &pos), 0xFFFDu);  // overlong '/'
  EXPECT_EQ(pos, 1u);
  pos = 0;
  EXPECT_EQ(decodeUtf8("\xED\xA0\x80", &pos), 0xFFFDu);  // surrogate
  EXPECT_EQ(cleanText("a\nb\x7F"), "a\\x0Ab\\x7F");
  EXPECT_EQ(cleanText("\xFF"), "\xEF\xBF\xBD");
  const std::string cut = fitText(defaultMetrics(), std::string(500, 'm'), 10.0f, FontStyle::Regular, 100.0f);
  EXPECT_LE(defaultMetrics().width(cut, 10.0f, FontStyle::Regular), 100.0f);
  EXPECT_EQ(cut.substr(cut.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(fitText(defaultMetrics(), "short", 10.0f, FontStyle::Regular, 100.0f), "short");
}

TEST(OpSummary, InputLabelsAndShapes) {
  EXPECT_EQ(inputLabel("Conv", 1), "W");
  EXPECT_EQ(inputLabel("BatchNormalization", 4), "var");
  EXPECT_EQ(inputLabel("Conv", 7), "");
  EXPECT_EQ(inputLabel("NoSuchOp", 0), "");
  EXPECT_EQ(shapeLabel(ir::Shape::unknownRank()), "");
  EXPECT_EQ(shapeLabel(ir::Shape::ofKnown({})), "scalar");
  EXPECT_EQ(shapeLabel(ir::Shape::of({ir::Dim::symbolic("batch"), ir::Dim::unknown(), ir::Dim::known(3)})),
            "batch\xC3\x97?\xC3\x97" "3");
}

TEST(OpSummary, SmallTensorValues) {
  ir::Model m;
  ir::Tensor t;
  t.elem = ir::ElemType::Int64;
  t.dims = {2};
  t.storage = ir::Tensor::Storage::Inline;
  const int64_t v[2] = {1, -1};
  t.bytes.assign(reinterpret_cast<const uint8_t*>(v), reinterpret_cast<const uint8_t*>(v) + sizeof v);
  EXPECT_EQ(tensorValueText(m, t), "= [1, -1]");
  t.dims = {1, 2, 3, 4};  // 24 elements: too many to show
  EXPECT_EQ(tensorValueText(m, t), "");
  ir::Tensor s;
  s.elem = ir::ElemType::Float;
  s.storage = ir::Tensor::Storage::Inline;
  const float half = 0.5f;
  s.bytes.assign(reinterpret_cast<const uint8_t*>(&half), reinterpret_cast<const uint8_t*>(&half) + 4);
  EXPECT_EQ(tensorValueText(m, s), "= 0.5");
}

}  // namespace
}  // namespace nf::scene

namespace nf::scene {
namespace {

TEST(DisplayGraphJob, SlicedBuildEqualsOneShotBuild) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  auto m = onnx::readModelFile(nf::test::corpusPath("light/light_inception_v1.onnx"));
  ASSERT_TRUE(m.ok());
  for (bool as_nodes : {false, true}) {
    BuildOptions o;
    o.initializers_as_nodes = as_nodes;
    o.show_names = true;
    auto whole = buildDisplayGraph(*m, ir::GraphId{0}, o);
    ASSERT_TRUE(whole.ok());
    DisplayGraphJob job(*m, ir::GraphId{0}, o);
    int steps = 0;
    float last = 0.0f;
    while (!job.step(1e-6)) {
      ++steps;
      EXPECT_GE(job.progress(), last);
      last = job.progress();
      ASSERT_LT(steps, 100000);
    }
    EXPECT_GT(steps, 1) << "a tiny budget must take several slices";
    auto sliced = job.take();
    ASSERT_TRUE(sliced.ok());
    ASSERT_EQ(sliced->nodes.size(), whole->nodes.size());
    ASSERT_EQ(sliced->edges.size(), whole->edges.size());
    for (size_t i = 0; i < whole->nodes.size(); ++i) {
      EXPECT_EQ(sliced->nodes[i].title, whole->nodes[i].title);
      EXPECT_EQ(sliced->nodes[i].rows.size(), whole->nodes[i].rows.size());
      EXPECT_EQ(sliced->nodes[i].width, whole->nodes[i].width);
    }
    for (size_t i = 0; i < whole->edges.size(); ++i) {
      EXPECT_EQ(sliced->edges[i].from, whole->edges[i].from);
      EXPECT_EQ(sliced->edges[i].to, whole->edges[i].to);
    }
    EXPECT_FALSE(job.take().ok()) << "the result is taken once";
  }
}

}  // namespace
}  // namespace nf::scene

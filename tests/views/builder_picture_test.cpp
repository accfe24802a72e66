// The builder diagram (views/builder_picture.h): boxes coloured by category or by the
// user, sized to their text, notes, labels, frames and legend in the SVG and the PNG,
// selection export, and the dark look.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "builder/analysis.h"
#include "builder/editor.h"
#include "builder/templates.h"
#include "views/builder_look.h"
#include "views/builder_picture.h"

namespace nf::views {
namespace {

namespace b = nf::builder;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

b::Editor decoratedCnn() {
  b::Editor ed(b::findTemplate("CIFAR-10 CNN")->build());
  const b::NodeId first_conv = [&] {
    for (const b::Node& n : ed.document().nodes())
      if (n.type == "Conv2d") return n.id;
    return b::NodeId{};
  }();
  EXPECT_TRUE(ed.setNodeColor(first_conv, 0xFFD700).ok());
  EXPECT_TRUE(ed.setNote(first_conv, "learns edges & colours").ok());
  b::Annotation frame;
  frame.kind = b::Annotation::Kind::Frame;
  frame.text = "Feature extractor";
  frame.pos = {-40, -40};
  frame.size = {400, 500};
  EXPECT_TRUE(ed.addAnnotation(frame).ok());
  b::Annotation label;
  label.text = "CIFAR-10 classifier";
  label.pos = {400, 0};
  EXPECT_TRUE(ed.addAnnotation(label).ok());
  return ed;
}

TEST(BuilderPicture, SvgHoldsEveryBoxTheNoteTheFrameAndALegend) {
  const b::Editor ed = decoratedCnn();
  const b::Document& doc = ed.document();
  const b::Analysis a = b::analyze(doc, b::Framework::PyTorch);
  const Drawing d = builderPicture(doc, a);
  EXPECT_EQ(d.groupCount("node"), doc.nodes().size());
  EXPECT_EQ(d.groupCount("edge"), doc.edges().size());
  EXPECT_EQ(d.groupCount("frame"), 1u);
  EXPECT_EQ(d.groupCount("label"), 1u);
  EXPECT_EQ(d.groupCount("legend"), 1u);
  const std::string svg = toSvg(d);
  EXPECT_NE(svg.find("learns edges &amp; colours"), std::string::npos);
  EXPECT_NE(svg.find("Feature extractor"), std::string::npos);
  EXPECT_NE(svg.find("CIFAR-10 classifier"), std::string::npos);
  EXPECT_NE(svg.find("data-category=\"convolution\""), std::string::npos);
  // The legend names the categories the uncoloured layers use.
  for (const char* entry : {">Convolution<", ">Pooling<", ">Linear<", ">Activation<"})
    EXPECT_NE(svg.find(entry), std::string::npos) << entry;
  EXPECT_EQ(svg.find(">Attention<"), std::string::npos);
  // The user's colour fills that box; the other convolutions keep the category's.
  EXPECT_NE(svg.find("#ffd700"), std::string::npos);
  char conv_fill[8];
  std::snprintf(conv_fill, sizeof conv_fill, "#%06x", categoryColor(b::LayerCategory::Convolution, false));
  EXPECT_NE(svg.find(conv_fill), std::string::npos) << conv_fill;
  // Without notes and shapes: no note, no frame, no shape text.
  BuilderPictureOptions plain;
  plain.notes = plain.shapes = plain.params = false;
  const std::string bare = toSvg(builderPicture(doc, a, plain));
  EXPECT_EQ(bare.find("learns edges"), std::string::npos);
  EXPECT_EQ(bare.find("Feature extractor"), std::string::npos);
  EXPECT_EQ(bare.find("Nx"), std::string::npos);
  EXPECT_NE(svg.find("Nx"), std::string::npos);
  EXPECT_NE(svg.find(" params<"), std::string::npos);
}

TEST(BuilderPicture, BoxesAreAsWideAsTheirTextNeverClipped) {
  const b::Document doc = b::findTemplate("Transformer encoder classifier")->build();
  const b::Analysis a = b::analyze(doc, b::Framework::PyTorch);
  const Drawing d = builderPicture(doc, a);
  // Within each node group: every text line fits inside the box polygon (the first shape).
  int boxes = 0;
  for (size_t i = 0; i < d.shapes.size(); ++i) {
    if (d.shapes[i].kind != ShapeKind::GroupBegin || d.shapes[i].group_class != "node") continue;
    ++boxes;
    const Shape& box = d.shapes[i + 1];
    float x0 = 1e30f, x1 = -1e30f;
    for (const Point& p : box.points) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    float title_end = x0;  // the name ends before the right-aligned parameter count begins
    for (size_t k = i + 2; k < d.shapes.size() && d.shapes[k].kind == ShapeKind::Text; ++k) {
      const Shape& t = d.shapes[k];
      const float w = textWidth(t.text, t.font_size, t.bold);
      const float left = t.anchor == TextAnchor::End ? t.points[0].x - w : t.points[0].x;
      EXPECT_GE(left, x0) << t.text;
      EXPECT_LE(left + w, x1 + 0.5f) << t.text;
      if (t.bold) title_end = left + w;
      if (t.anchor == TextAnchor::End) EXPECT_GT(left, title_end + 4.0f) << t.text;
    }
  }
  EXPECT_EQ(boxes, static_cast<int>(doc.nodes().size()));
}

TEST(BuilderPicture, SelectionExportsOnlyThoseNodesAndRasterises) {
  const b::Editor ed = decoratedCnn();
  const b::Document& doc = ed.document();
  const b::Analysis a = b::analyze(doc, b::Framework::PyTorch);
  BuilderPictureOptions o;
  o.only = {doc.nodes()[0].id, doc.nodes()[1].id};
  o.dark = true;
  const Drawing d = builderPicture(doc, a, o);
  EXPECT_EQ(d.groupCount("node"), 2u);
  EXPECT_EQ(d.groupCount("edge"), 1u);
  EXPECT_EQ(d.background, scene::darkPalette().background);
  ExportOptions eo;
  eo.scale = 2.0f;
  eo.fit_16_9 = true;
  const RgbaImage img = rasterize(d, eo);
  ASSERT_GT(img.width, 0u);
  EXPECT_NEAR(static_cast<double>(img.width) / img.height, 16.0 / 9.0, 0.02);
  // The dark background fills the corners.
  EXPECT_EQ(img.rgba[0], (scene::darkPalette().background >> 16) & 0xFF);
  EXPECT_EQ(img.rgba[3], 255);
  eo.transparent = true;
  EXPECT_EQ(rasterize(d, eo).rgba[3], 0);
}

TEST(BuilderPicture, EveryCategoryHasItsOwnColourInBothLooks) {
  for (bool dark : {false, true}) {
    std::vector<uint32_t> seen;
    for (int c = 0; c < b::kLayerCategoryCount; ++c) {
      const uint32_t col = categoryColor(static_cast<b::LayerCategory>(c), dark);
      EXPECT_EQ(std::count(seen.begin(), seen.end(), col), 0) << b::layerCategoryName(static_cast<b::LayerCategory>(c));
      seen.push_back(col);
    }
  }
  // Every catalog layer says what it is; a handful as the issue lists them.
  EXPECT_EQ(b::catalog().find("LSTM")->diagram, b::LayerCategory::Recurrent);
  EXPECT_EQ(b::catalog().find("MultiheadAttention")->diagram, b::LayerCategory::Attention);
  EXPECT_EQ(b::catalog().find("Concatenate")->diagram, b::LayerCategory::Merge);
  EXPECT_EQ(b::catalog().find("Flatten")->diagram, b::LayerCategory::Reshape);
  EXPECT_EQ(b::catalog().find("Input")->diagram, b::LayerCategory::InputOutput);
  EXPECT_EQ(b::catalog().find("BatchNorm2d")->diagram, b::LayerCategory::Normalization);
}

// As a slide shows ResNet-18: the boxes of a column equally wide, so the edges of the
// main path run straight down; each residual connection goes round the layers of its
// block (right of them) instead of behind them.
TEST(BuilderPicture, ColumnsAreEquallyWideAndResidualsGoRoundTheirBlock) {
  const b::Document doc = b::findTemplate("ResNet-18")->build();
  const Drawing d = builderPicture(doc, b::analyze(doc, b::Framework::PyTorch));
  std::map<float, std::set<float>> widths;  // by left edge
  std::vector<std::pair<float, float>> boxes_x;  // x0, x1
  std::vector<std::pair<float, float>> boxes_y;
  for (size_t i = 0; i + 1 < d.shapes.size(); ++i) {
    if (d.shapes[i].kind != ShapeKind::GroupBegin || d.shapes[i].group_class != "node") continue;
    float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
    for (const Point& p : d.shapes[i + 1].points)
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    widths[std::round(x0)].insert(std::round(x1 - x0));
    boxes_x.push_back({x0, x1});
    boxes_y.push_back({y0, y1});
  }
  ASSERT_EQ(boxes_x.size(), doc.nodes().size());
  for (const auto& [x, w] : widths) EXPECT_EQ(w.size(), 1u) << "the column at x " << x << " has boxes of " << w.size() << " widths";
  // No edge line runs through a box (its ends excepted: they touch their own boxes).
  int straight = 0, detours = 0;
  for (size_t i = 0; i < d.shapes.size(); ++i) {
    if (d.shapes[i].kind != ShapeKind::GroupBegin || d.shapes[i].group_class != "edge") continue;
    const std::vector<Point>& line = d.shapes[i + 1].points;
    bool all_same_x = true;
    for (const Point& p : line) all_same_x = all_same_x && std::fabs(p.x - line.front().x) < 0.01f;
    straight += all_same_x;
    float right = line.front().x;
    for (const Point& p : line) right = std::max(right, p.x);
    detours += right > line.front().x + 60 && right > line.back().x + 60;
    for (size_t k = 2; k + 2 < line.size(); ++k)
      for (size_t bi = 0; bi < boxes_x.size(); ++bi)
        EXPECT_FALSE(line[k].x > boxes_x[bi].first + 1 && line[k].x < boxes_x[bi].second - 1 &&
                     line[k].y > boxes_y[bi].first + 1 && line[k].y < boxes_y[bi].second - 1)
            << "an edge line runs through box " << bi << " at " << line[k].x << "," << line[k].y;
  }
  EXPECT_GT(straight, 40);  // the main path: one input, one output, one column
  EXPECT_EQ(detours, 8);    // one round each of the eight basic blocks
}

TEST(BuilderPicture, ASlideSetsALongModelInColumnsThatFillIt) {
  const b::Document doc = b::findTemplate("ResNet-18")->build();
  const b::Analysis analysis = b::analyze(doc, b::Framework::PyTorch);
  auto bounds = [](const Drawing& d) {
    float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
    std::set<float> lefts;
    for (size_t i = 0; i + 1 < d.shapes.size(); ++i) {
      if (d.shapes[i].kind != ShapeKind::GroupBegin || d.shapes[i].group_class != "node") continue;
      float left = 1e30f;
      for (const Point& p : d.shapes[i + 1].points)
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y), left = std::min(left, p.x);
      lefts.insert(std::round(left));
    }
    return std::make_pair((x1 - x0) / (y1 - y0), lefts.size());
  };
  const auto [tall_aspect, tall_lefts] = bounds(builderPicture(doc, analysis));
  const std::optional<b::Document> slide = builderSlideColumns(doc, analysis);
  ASSERT_TRUE(slide.has_value());
  ASSERT_EQ(slide->nodes().size(), doc.nodes().size());
  const auto [slide_aspect, slide_lefts] = bounds(builderPicture(*slide, b::analyze(*slide, b::Framework::PyTorch)));
  EXPECT_LT(tall_aspect, 0.3f);  // one tall column: useless on a slide
  EXPECT_GT(slide_aspect, 4 * tall_aspect) << "columns side by side make it far wider than tall";
  EXPECT_GT(slide_lefts, tall_lefts);
  // Labels and frames are placed by the user: such a document keeps its arrangement.
  b::Editor ed{b::Document(doc)};
  b::Annotation label;
  label.text = "ResNet-18";
  ASSERT_TRUE(ed.addAnnotation(label).ok());
  EXPECT_FALSE(builderSlideColumns(ed.document(), b::analyze(ed.document(), b::Framework::PyTorch)).has_value());
  // A short model fits one column.
  const b::Document mlp = b::findTemplate("MLP")->build();
  EXPECT_FALSE(builderSlideColumns(mlp, b::analyze(mlp, b::Framework::PyTorch)).has_value());
}

}  // namespace
}  // namespace nf::views

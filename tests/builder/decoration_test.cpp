// Diagram decoration and arranging: node colours and notes, labels and frames (saved,
// shared, undoable; version 1 documents still load), align/distribute, and the layered
// auto-arrange from the layout engine.
#include <nlohmann/json.hpp>

#include "builder/editor.h"
#include "builder/limits.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

Editor decoratedEditor(NodeId* conv_out = nullptr) {
  Editor ed;
  const NodeId in = *ed.addNode("Input", {0, 0});
  const NodeId conv = *ed.appendAfter(in, "Conv2d");
  EXPECT_TRUE(ed.setNodeColor(conv, 0x12abef).ok());
  EXPECT_TRUE(ed.setNote(conv, "feature extractor: 3\xC3\x97" "3 kernels").ok());
  Annotation frame;
  frame.kind = Annotation::Kind::Frame;
  frame.text = "Backbone";
  frame.pos = {-20, -30};
  frame.size = {260, 220};
  frame.color = 0x336699;
  EXPECT_TRUE(ed.addAnnotation(frame).ok());
  Annotation label;
  label.text = "CIFAR-10 \"small\" CNN";
  label.pos = {300.4, -10};
  EXPECT_TRUE(ed.addAnnotation(label).ok());
  if (conv_out) *conv_out = conv;
  return ed;
}

TEST(BuilderDecoration, ColoursNotesLabelsAndFramesUndoAndRedoExactly) {
  Editor ed;
  std::vector<Document> states = {ed.document()};
  const NodeId in = *ed.addNode("Input", {0, 0});
  states.push_back(ed.document());
  ASSERT_TRUE(ed.setNodeColor(in, 0xff8800).ok());
  states.push_back(ed.document());
  ASSERT_TRUE(ed.setNote(in, "32x32 RGB images").ok());
  states.push_back(ed.document());
  Annotation a;
  a.kind = Annotation::Kind::Frame;
  a.text = "Stem";
  a.size = {200, 100};
  const uint32_t frame = *ed.addAnnotation(a);
  states.push_back(ed.document());
  Annotation edited = *ed.document().annotation(frame);
  edited.text = "Stem (conv + pool)";
  ASSERT_TRUE(ed.updateAnnotation(edited).ok());
  states.push_back(ed.document());
  ASSERT_TRUE(ed.moveAnnotations({frame}, {10, 5}).ok());
  ASSERT_TRUE(ed.moveAnnotations({frame}, {10, 5}, true).ok());  // one drag, one step
  states.push_back(ed.document());
  EXPECT_EQ(ed.document().annotation(frame)->pos, (Vec2{20, 10}));
  Annotation resized = *ed.document().annotation(frame);
  resized.size = {220, 110};
  ASSERT_TRUE(ed.updateAnnotation(resized, true).ok());
  resized.size = {240, 130};
  ASSERT_TRUE(ed.updateAnnotation(resized, true).ok());  // a corner drag: one step
  states.push_back(ed.document());
  ASSERT_TRUE(ed.setNodeColor(in, std::nullopt).ok());
  states.push_back(ed.document());
  ASSERT_TRUE(ed.removeAnnotations({frame}).ok());
  states.push_back(ed.document());
  EXPECT_TRUE(ed.document().annotations().empty());
  for (size_t i = states.size() - 1; i > 0; --i) {
    ASSERT_TRUE(ed.undo());
    EXPECT_EQ(ed.document(), states[i - 1]) << "after undoing step " << i;
  }
  for (size_t i = 1; i < states.size(); ++i) {
    ASSERT_TRUE(ed.redo());
    EXPECT_EQ(ed.document(), states[i]) << "after redoing step " << i;
  }
  // Unchanged values add no step; oversized notes are refused.
  const std::string label = ed.undoLabel();
  EXPECT_TRUE(ed.setNote(in, "32x32 RGB images").ok());
  EXPECT_EQ(ed.undoLabel(), label);
  EXPECT_FALSE(ed.setNote(in, std::string(kMaxNoteBytes + 1, 'x')).ok());
  EXPECT_FALSE(ed.updateAnnotation(Annotation{}).ok());
}

TEST(BuilderDecoration, SavedAndCompactFormsKeepEverythingAsVersion2) {
  Editor ed = decoratedEditor();
  const Document& d = ed.document();
  const std::string text = saveJson(d);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["nodes"][1]["color"], "#12abef");
  EXPECT_EQ(j["annotations"][0]["kind"], "frame");
  EXPECT_EQ(j["annotations"][0]["size"], nlohmann::json::array({260, 220}));
  EXPECT_EQ(j["annotations"][1]["pos"], nlohmann::json::array({300, -10}));
  LoadReport report;
  auto back = loadJson(text, &report);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
  EXPECT_TRUE(report.notes.empty());
  EXPECT_EQ(back->nextAnnotationId(), d.nextAnnotationId());
  EXPECT_EQ(saveJson(*back), text);
  const std::string compact = saveCompact(d);
  EXPECT_EQ(nlohmann::json::parse(compact)["v"], 2);
  auto shared = loadCompact(compact);
  ASSERT_TRUE(shared.ok()) << shared.error().message;
  EXPECT_EQ(*shared, d);
  // Undo of the whole template swap brings labels and frames back too.
  ASSERT_TRUE(ed.replaceDocument(Document{}, "New").ok());
  EXPECT_TRUE(ed.document().annotations().empty());
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document(), d);
}

TEST(BuilderDecoration, UndecoratedDocumentsStayVersion1AndOldOnesLoadSilently) {
  Document d;
  NodeId x = input(d, {8});
  add(d, "Linear", {{"out_features", I(4)}}, {x});
  EXPECT_EQ(nlohmann::json::parse(saveJson(d))["version"], 1);
  EXPECT_EQ(nlohmann::json::parse(saveCompact(d))["v"], 1);
  LoadReport report;
  auto back = loadDocument(saveJson(d), &report);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(report.source_version, 1);
  EXPECT_TRUE(report.notes.empty());
  EXPECT_EQ(*back, d);
}

TEST(BuilderDecoration, BrokenDecorationIsDroppedWithNotes) {
  const std::string text = R"({"format": "netforge-builder", "version": 2, "nodes": [
    {"id": 1, "type": "Input", "color": "red", "note": 5}],
    "annotations": [{"kind": "frame", "text": "ok", "pos": [1, 2], "size": [-5, 3]},
                    {"kind": "arrow"}, 7, {"id": 1, "kind": "label"}]})";
  LoadReport report;
  auto d = loadJson(text, &report);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(d->nodes()[0].color.has_value());
  ASSERT_EQ(d->annotations().size(), 1u);
  EXPECT_EQ(d->annotations()[0].size, (Vec2{0, 3}));
  EXPECT_EQ(report.notes.size(), 5u);  // colour, note, kind, not an object, reused id
}

TEST(BuilderArrange, AlignAndDistributeMoveBoxesByEdgesAndCentres) {
  const std::vector<std::pair<Vec2, Vec2>> rects = {{{0, 0}, {100, 40}}, {{50, 100}, {200, 40}}, {{400, 300}, {100, 60}}};
  auto at = [&](AlignMode m) { return alignedPositions(rects, m); };
  EXPECT_EQ(at(AlignMode::Left)[1].x, 0);
  EXPECT_EQ(at(AlignMode::Right)[1].x, 300);  // right edges at 500
  EXPECT_EQ(at(AlignMode::CenterX)[0].x, 200);
  EXPECT_EQ(at(AlignMode::Top)[2].y, 0);
  EXPECT_EQ(at(AlignMode::Bottom)[0].y, 320);
  EXPECT_EQ(at(AlignMode::CenterY)[2].y, 150);
  // Distribute: the outer boxes stay, the gaps become equal (500 - 400 of boxes = 2 gaps of 50).
  const auto dx = at(AlignMode::DistributeX);
  EXPECT_EQ(dx[0].x, 0);
  EXPECT_EQ(dx[1].x, 150);
  EXPECT_EQ(dx[2].x, 400);
  EXPECT_EQ(alignedPositions({rects[0]}, AlignMode::Left)[0], rects[0].first);
  // Through the editor: one undo step.
  Editor ed;
  const NodeId a = *ed.addNode("Input", {0, 0});
  const NodeId b = *ed.addNode("ReLU", {37, 90});
  ASSERT_TRUE(ed.placeNodes({{a, {0, 0}}, {b, {0, 90}}}, "Align left").ok());
  EXPECT_EQ(ed.undoLabel(), "Align left");
  EXPECT_EQ(ed.document().node(b)->pos, (Vec2{0, 90}));
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().node(b)->pos, (Vec2{37, 90}));
}

TEST(BuilderArrange, AutoArrangeFlowsDownOrRightWithoutOverlaps) {
  Editor ed;
  const NodeId in = *ed.addNode("Input", {500, 500});
  const NodeId a = *ed.appendAfter(in, "Conv2d");
  const NodeId b = *ed.addNode("Conv2d", {-300, 20});
  ASSERT_TRUE(ed.connect(in, b).ok());
  const NodeId sum = *ed.addNode("Add", {7, 7});
  ASSERT_TRUE(ed.connect(a, sum).ok());
  ASSERT_TRUE(ed.connect(b, sum).ok());
  const std::vector<Vec2> sizes(4, Vec2{170, 46});
  auto overlap = [&](NodeId p, NodeId q) {
    const Vec2 u = ed.document().node(p)->pos, v = ed.document().node(q)->pos;
    return std::abs(u.x - v.x) < 170 && std::abs(u.y - v.y) < 46;
  };
  ASSERT_TRUE(ed.autoArrange(ArrangeDirection::TopToBottom, sizes).ok());
  const Document& d = ed.document();
  EXPECT_EQ(ed.undoLabel(), "Arrange top to bottom");
  EXPECT_LT(d.node(in)->pos.y, d.node(a)->pos.y);
  EXPECT_EQ(d.node(a)->pos.y, d.node(b)->pos.y);
  EXPECT_LT(d.node(a)->pos.y, d.node(sum)->pos.y);
  EXPECT_FALSE(overlap(a, b));
  // The arranged picture starts where the old one did (its top-left corner).
  EXPECT_EQ(std::min({d.node(in)->pos.x, d.node(a)->pos.x, d.node(b)->pos.x, d.node(sum)->pos.x}), -300);
  EXPECT_EQ(std::min({d.node(in)->pos.y, d.node(a)->pos.y, d.node(b)->pos.y, d.node(sum)->pos.y}), 7);
  // Arranging an arranged document adds no step.
  const size_t before = d.nodes().size();
  ASSERT_TRUE(ed.autoArrange(ArrangeDirection::TopToBottom, sizes).ok());
  EXPECT_EQ(ed.undoLabel(), "Arrange top to bottom");
  EXPECT_EQ(d.nodes().size(), before);
  ASSERT_TRUE(ed.undo());
  ASSERT_TRUE(ed.autoArrange(ArrangeDirection::LeftToRight, sizes).ok());
  EXPECT_LT(d.node(in)->pos.x, d.node(a)->pos.x);
  EXPECT_EQ(d.node(a)->pos.x, d.node(b)->pos.x);
  EXPECT_LT(d.node(a)->pos.x + 170, d.node(sum)->pos.x);
  EXPECT_FALSE(overlap(a, b));
}

TEST(BuilderArrange, AFrameFollowsTheLayersItHeld) {
  Editor ed;
  const NodeId in = *ed.addNode("Input", {0, 0});
  const NodeId a = *ed.appendAfter(in, "Conv2d");
  const NodeId c = *ed.appendAfter(a, "ReLU");
  const Document& d = ed.document();
  const Vec2 pa = d.node(a)->pos;
  Annotation frame;  // round `a` alone: 24 left and right, 40 above, 24 below
  frame.kind = Annotation::Kind::Frame;
  frame.text = "Block";
  frame.pos = {pa.x - 24, pa.y - 40};
  frame.size = {170 + 48, 46 + 64};
  const uint32_t held = *ed.addAnnotation(frame);
  Annotation empty = frame;  // far from every layer: stays put
  empty.text = "Empty";
  empty.pos = {5000, 5000};
  const uint32_t lone = *ed.addAnnotation(empty);
  const std::vector<Vec2> sizes(3, Vec2{170, 46});
  ASSERT_TRUE(ed.autoArrange(ArrangeDirection::LeftToRight, sizes).ok());
  const Vec2 moved = d.node(a)->pos;
  ASSERT_FALSE(moved == pa);
  const Annotation* f = d.annotation(held);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->pos.x, moved.x - 24);
  EXPECT_EQ(f->pos.y, moved.y - 40);
  EXPECT_EQ(f->size.x, 170 + 48);
  EXPECT_EQ(f->size.y, 46 + 64);
  EXPECT_EQ(d.annotation(lone)->pos.x, 5000);
  (void)c;
  // One undo step puts layers and frame back.
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(d.node(a)->pos.x, pa.x);
  EXPECT_EQ(d.annotation(held)->pos.x, pa.x - 24);
}

}  // namespace
}  // namespace nf::builder

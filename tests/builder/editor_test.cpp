// The editor: every edit is undoable and undo/redo restore the exact document.
#include "builder/editor.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

TEST(BuilderEditor, EveryEditUndoesAndRedoesExactly) {
  Editor ed;
  std::vector<Document> states = {ed.document()};
  auto step = [&](bool ok) {
    ASSERT_TRUE(ok);
    states.push_back(ed.document());
  };
  NodeId in = *ed.addNode("Input", {0.4, 0.6});
  states.push_back(ed.document());
  NodeId conv = *ed.appendAfter(in, "Conv2d");
  states.push_back(ed.document());
  NodeId relu = *ed.appendAfter(conv, "ReLU");
  states.push_back(ed.document());
  step(ed.setParam(conv, "kernel_size", I(5)).ok());
  step(ed.setParam(conv, "filters", I(6)).ok());  // Keras spelling accepted
  step(ed.rename(relu, "act").ok());
  step(ed.moveNodes({conv, relu}, {10, -5}).ok());
  step(ed.setType(relu, "GELU").ok());
  step(ed.disconnect(Edge{conv, relu, 0}).ok());
  step(ed.connect(in, relu).ok());
  step(ed.setModelName("Tiny").ok());
  step(ed.removeNodes({conv}).ok());
  step(ed.autoArrange().ok());
  EXPECT_LT(ed.document().node(in)->pos.y, ed.document().node(relu)->pos.y);
  for (size_t i = states.size() - 1; i > 0; --i) {
    ASSERT_TRUE(ed.undo());
    EXPECT_EQ(ed.document(), states[i - 1]) << "after undoing step " << i;
  }
  EXPECT_FALSE(ed.undo());
  for (size_t i = 1; i < states.size(); ++i) {
    ASSERT_TRUE(ed.redo());
    EXPECT_EQ(ed.document(), states[i]) << "after redoing step " << i;
  }
  EXPECT_FALSE(ed.redo());
  // Positions are whole units; the Input was placed at (0.4, 0.6) -> (0, 1).
  EXPECT_EQ(states[1].node(in)->pos, (Vec2{0, 1}));
  EXPECT_EQ(std::get<IntList>(states[4].node(conv)->params.at("kernel_size")), (IntList{5, 5}));
}

TEST(BuilderEditor, IdsAreNeverReusedAndUndoRestoresTheSameIds) {
  Editor ed;
  NodeId a = *ed.addNode("ReLU", {});
  ASSERT_TRUE(ed.undo());
  NodeId b = *ed.addNode("ReLU", {});
  EXPECT_NE(a, b);
  ASSERT_TRUE(ed.removeNodes({b}).ok());
  ASSERT_TRUE(ed.undo());
  EXPECT_TRUE(ed.document().contains(b));
  EXPECT_TRUE(ed.canRedo());
}

TEST(BuilderEditor, FailedEditsChangeNothing) {
  Editor ed;
  NodeId in = *ed.addNode("Input", {});
  NodeId fc = *ed.appendAfter(in, "Linear");
  const Document before = ed.document();
  const uint64_t rev = ed.revision();
  EXPECT_EQ(ed.setParam(fc, "out_features", I(-3)).message(), "out_features must be between 1 and 1048576 (got -3)");
  EXPECT_EQ(ed.setParam(fc, "kernel_size", I(3)).message(), "Linear has no parameter 'kernel_size'");
  EXPECT_EQ(ed.setParam(fc, "bias", S("yes")).message(), "bias must be a bool");
  EXPECT_EQ(ed.connect(fc, in).message(), "input_1 has no free input (Input takes no inputs)");
  EXPECT_EQ(ed.connect(fc, fc).message(), "connecting linear_1 to linear_1 would create a cycle");
  EXPECT_EQ(ed.connect(in, fc, 1).message(), "Linear has no input 2");
  EXPECT_EQ(ed.addNode("Teleporter", {}).error().message, "unknown layer type 'Teleporter'");
  EXPECT_EQ(ed.rename(fc, "").message(), "a layer needs a name");
  EXPECT_FALSE(ed.removeNodes({NodeId{99}}).ok());
  EXPECT_FALSE(ed.paste("not json", {}).ok());
  EXPECT_EQ(ed.document(), before);
  EXPECT_EQ(ed.revision(), rev);
  EXPECT_EQ(ed.undoLabel(), "Add Linear");
}

TEST(BuilderEditor, CycleIsRefusedAcrossSeveralNodes) {
  Editor ed;
  NodeId a = *ed.addNode("Input", {});
  NodeId b = *ed.appendAfter(a, "Linear");
  NodeId c = *ed.appendAfter(b, "ReLU");
  NodeId d = *ed.appendAfter(c, "Add");
  EXPECT_EQ(ed.connect(d, b).message(), "connecting add_1 to linear_1 would create a cycle");
  EXPECT_TRUE(ed.connect(b, d).ok());  // diamond: fine
  EXPECT_EQ(ed.document().inputEdges(d).size(), 2u);
}

TEST(BuilderEditor, ShiftClickTogglesAndConnectingAnOccupiedPortReplacesTheEdge) {
  Editor ed;
  NodeId a = *ed.addNode("Input", {});
  NodeId b = *ed.addNode("Input", {0, 50});
  NodeId relu = *ed.addNode("ReLU", {0, 100});
  ASSERT_TRUE(ed.toggleConnection(a, relu).ok());
  EXPECT_EQ(ed.document().edges(), (std::vector<Edge>{{a, relu, 0}}));
  ASSERT_TRUE(ed.connect(b, relu, 0).ok());
  EXPECT_EQ(ed.document().edges(), (std::vector<Edge>{{b, relu, 0}}));
  ASSERT_TRUE(ed.toggleConnection(b, relu).ok());
  EXPECT_TRUE(ed.document().edges().empty());
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().edges(), (std::vector<Edge>{{b, relu, 0}}));
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().edges(), (std::vector<Edge>{{a, relu, 0}}));
  // Merges take the next free port.
  NodeId sum = *ed.addNode("Add", {});
  ASSERT_TRUE(ed.connect(a, sum).ok());
  ASSERT_TRUE(ed.connect(b, sum).ok());
  ASSERT_TRUE(ed.connect(relu, sum).ok());
  EXPECT_EQ(ed.document().inputEdges(sum).back(), (Edge{relu, sum, 2}));
}

TEST(BuilderEditor, ADragIsOneUndoStep) {
  Editor ed;
  NodeId a = *ed.addNode("ReLU", {0, 0});
  NodeId b = *ed.addNode("ReLU", {100, 0});
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(ed.moveNodes({b, a}, {1.0, 2.0}, i > 0).ok());
  EXPECT_EQ(ed.document().node(a)->pos, (Vec2{30, 60}));
  EXPECT_EQ(ed.undoLabel(), "Move 2 nodes");
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().node(a)->pos, (Vec2{0, 0}));
  EXPECT_EQ(ed.document().node(b)->pos, (Vec2{100, 0}));
  EXPECT_EQ(ed.undoLabel(), "Add ReLU");
  // A new drag after an undo starts a new step.
  ASSERT_TRUE(ed.redo());
  ASSERT_TRUE(ed.moveNodes({a, b}, {5, 0}, true).ok());
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().node(a)->pos, (Vec2{30, 60}));
}

TEST(BuilderEditor, CopyPasteAndDuplicateKeepInnerEdgesAndRenameClashes) {
  Editor ed;
  NodeId in = *ed.addNode("Input", {});
  NodeId c = *ed.appendAfter(in, "Conv2d");
  NodeId r = *ed.appendAfter(c, "ReLU");
  ASSERT_TRUE(ed.setParam(c, "out_channels", I(7)).ok());
  const std::string clip = ed.copy({c, r});
  auto pasted = ed.paste(clip, {300, 0});
  ASSERT_TRUE(pasted.ok());
  ASSERT_EQ(pasted->size(), 2u);
  const Node* pc = ed.document().node((*pasted)[0]);
  EXPECT_EQ(pc->name, "conv2d_1_2");
  EXPECT_EQ(std::get<int64_t>(pc->params.at("out_channels")), 7);
  EXPECT_EQ(pc->pos, (Vec2{300, 100}));
  EXPECT_EQ(ed.document().inputEdges((*pasted)[1]), (std::vector<Edge>{{(*pasted)[0], (*pasted)[1], 0}}));
  EXPECT_TRUE(ed.document().inputEdges((*pasted)[0]).empty());  // the edge from outside is not copied
  EXPECT_EQ(ed.undoLabel(), "Paste 2 nodes");
  auto dup = ed.duplicate({r});
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(ed.document().node((*dup)[0])->name, "relu_1_3");
  EXPECT_EQ(ed.copy({}), "");
  ASSERT_TRUE(ed.undo());
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().nodes().size(), 3u);
}

// Box-select on the canvas: a node counts when its centre is inside the box, whatever
// corner the box was started from; an edit selected this way is one undo step.
TEST(BuilderEditor, BoxSelectTakesNodesByCentreAndDeletesAsOneStep) {
  Editor ed;
  const NodeId a = ed.addNode("Input", {0, 0}).value();
  const NodeId b = ed.addNode("ReLU", {0, 100}).value();
  const NodeId c = ed.addNode("ReLU", {400, 100}).value();
  ASSERT_TRUE(ed.connect(a, b).ok());
  const Vec2 size{170, 46};
  // Covers a's and b's centres (85, 23) and (85, 123) but only c's left edge.
  EXPECT_EQ(ed.nodesCenteredIn({450, 150}, {50, 10}, size), (std::vector<NodeId>{a, b}));
  EXPECT_EQ(ed.nodesCenteredIn({50, 10}, {450, 150}, size), (std::vector<NodeId>{a, b}));
  // The anchor query sees only c, whose top-left corner is the one inside.
  EXPECT_EQ(ed.nodesInRect({50, 10}, {450, 150}), std::vector<NodeId>{c});
  ASSERT_TRUE(ed.removeNodes(ed.nodesCenteredIn({50, 10}, {450, 150}, size)).ok());
  EXPECT_EQ(ed.document().nodes().size(), 1u);
  EXPECT_TRUE(ed.document().edges().empty());
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().nodes().size(), 3u);
  EXPECT_EQ(ed.document().edges().size(), 1u);
}

TEST(BuilderEditor, LoadResetsHistoryAndSavedState) {
  Editor ed;
  (void)ed.addNode("ReLU", {});
  EXPECT_FALSE(ed.isSaved());
  ed.markSaved();
  EXPECT_TRUE(ed.isSaved());
  (void)ed.addNode("ReLU", {});
  EXPECT_FALSE(ed.isSaved());
  ed.load(Document{});
  EXPECT_TRUE(ed.isSaved());
  EXPECT_FALSE(ed.canUndo());
  EXPECT_TRUE(ed.document().nodes().empty());
}

}  // namespace
}  // namespace nf::builder

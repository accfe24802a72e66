// Folded runs on the canvas (folds.h): a folded run is one box at its top row, the layers
// below move up by the rows it spanned, and edges join what is drawn.
#include "builder/folds.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

// An input and nine Linear layers in one column, a row (80 units) each.
struct Column {
  Document doc;
  std::vector<NodeId> ids;
  Column() {
    ids.push_back(input(doc, {8}));
    for (int k = 1; k < 10; ++k) ids.push_back(add(doc, "Linear", {{"out_features", I(8)}}, {ids.back()}));
  }
};

TEST(Folds, AFoldedRunIsOneBoxAndTheRowsBelowMoveUp) {
  Column c;
  const Fold fold{"enc.layers", 3, {c.ids[2], c.ids[3], c.ids[4], c.ids[5], c.ids[6]}};
  EXPECT_EQ(foldTitle(fold), "enc.layers \xC3\x97" "3");
  const FoldedView v = foldView(c.doc, {fold}, {true});
  ASSERT_EQ(v.boxes.size(), 1u);
  EXPECT_EQ(v.boxes[0].layers, 5u);
  EXPECT_TRUE(v.boxes[0].folded);
  EXPECT_EQ(v.boxes[0].pos.y, 160.0);  // the top member's row
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(v.hidden_by[i], i >= 2 && i <= 6 ? 0 : -1) << i;
  EXPECT_EQ(v.pos[1].y, 80.0);   // above: where it was
  EXPECT_EQ(v.pos[7].y, 240.0);  // the row after the box
  EXPECT_EQ(v.pos[9].y, 400.0);
  // input -> 1 -> box -> 7 -> 8 -> 9: the four edges inside the box are gone.
  ASSERT_EQ(v.edges.size(), 5u);
  const size_t box = c.doc.nodes().size();
  EXPECT_EQ(v.edges[1].from, 1u);
  EXPECT_EQ(v.edges[1].to, box);
  EXPECT_EQ(v.edges[2].from, box);
  EXPECT_EQ(v.edges[2].to, 7u);
  EXPECT_TRUE(v.isBox(box));
  EXPECT_EQ(v.foldOf(box), 0u);
}

TEST(Folds, UnfoldedEverythingIsWhereTheDocumentHasIt) {
  Column c;
  const Fold fold{"enc.layers", 3, {c.ids[2], c.ids[3], c.ids[4]}};
  for (const std::vector<bool>& folded : {std::vector<bool>{false}, std::vector<bool>{}}) {
    const FoldedView v = foldView(c.doc, {fold}, folded);
    EXPECT_EQ(v.boxes[0].layers, 3u);
    EXPECT_FALSE(v.boxes[0].folded);
    EXPECT_EQ(v.boxes[0].pos, (Vec2{0, 160}));  // its layers' top-left: where the tab that folds it goes
    for (size_t i = 0; i < c.doc.nodes().size(); ++i) {
      EXPECT_EQ(v.pos[i], c.doc.nodes()[i].pos);
      EXPECT_EQ(v.hidden_by[i], -1);
    }
    EXPECT_EQ(v.edges.size(), c.doc.edges().size());
  }
}

// Two runs fed by one layer (an encoder's output read by every decoder layer): one edge
// into each box; members the document lacks (a deleted layer, an undone import) are skipped.
TEST(Folds, EdgesIntoABoxAreDrawnOnceAndMissingMembersAreSkipped) {
  Column c;
  NodeId side = add(c.doc, "Linear", {{"out_features", I(8)}}, {c.ids[1]});
  c.doc.mutableNode(side)->pos = {300, 400};
  for (int k : {6, 7, 8}) {  // side feeds layers 6..8 as a second input: Add layers
    NodeId sum = add(c.doc, "Add", {}, {c.ids[static_cast<size_t>(k)], side});
    c.doc.mutableNode(sum)->pos = {0, 80.0 * (k + 0.5)};
  }
  const Fold fold{"dec", 3, {c.ids[6], c.ids[7], c.ids[8], NodeId{999}}};
  const FoldedView v = foldView(c.doc, {fold}, {true});
  const size_t box = c.doc.nodes().size();
  EXPECT_EQ(v.boxes[0].layers, 3u);
  int into_box = 0, from_side = 0;
  for (const FoldedView::Edge& e : v.edges) {
    into_box += e.to == box;
    const size_t side_index = static_cast<size_t>(c.doc.node(side) - c.doc.nodes().data());
    from_side += e.from == side_index;
  }
  EXPECT_EQ(into_box, 1);   // 5 -> box (the chain); 6..8 feed the Adds, which are not members
  EXPECT_EQ(from_side, 3);  // side -> each Add (drawn), not into the box
  // Adds inside the run's rows (520, 600) are drawn on the box's row; the one below it
  // (680) moves up by the two rows the run spanned.
  std::vector<double> adds;
  for (const Node& n : c.doc.nodes())
    if (n.type == "Add") adds.push_back(v.pos[static_cast<size_t>(&n - c.doc.nodes().data())].y);
  EXPECT_EQ(adds, (std::vector<double>{480.0, 480.0, 520.0}));
}

}  // namespace
}  // namespace nf::builder

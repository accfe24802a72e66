// Long templates set in side-by-side columns (builder/columns.h): the whole model fits a
// laptop-sized canvas larger than as one column, no boxes overlap, each column keeps
// its rows in order, and a model that already fits is left in one column.
#include <algorithm>
#include <map>

#include "builder/columns.h"
#include "builder/templates.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

constexpr double kW = 170, kH = 46;

bool overlap(Vec2 a, Vec2 b) { return a.x < b.x + kW && b.x < a.x + kW && a.y < b.y + kH && b.y < a.y + kH; }

TEST(BuilderColumns, TheCifarColumnWrapsIntoColumnsThatFitTheCanvasLarger) {
  const Document doc = findTemplate("CIFAR-10 CNN")->build();
  const Vec2 canvas{480, 500};  // the builder's canvas at 1280 x 800, less its margins
  double top = 1e300, bottom = -1e300;
  for (const Node& n : doc.nodes()) top = std::min(top, n.pos.y), bottom = std::max(bottom, n.pos.y + kH);
  const double column_scale = canvas.y / (bottom - top);  // the template as it is built: one column
  const ColumnWrap wrap = wrapInColumns(doc, {}, canvas);
  EXPECT_GE(wrap.columns, 2);
  EXPECT_GT(wrap.scale, 0.8);  // 15 px text stays above 12 px
  EXPECT_GT(wrap.scale, 1.5 * column_scale);
  ASSERT_EQ(wrap.positions.size(), doc.nodes().size());
  for (size_t i = 0; i < wrap.positions.size(); ++i)
    for (size_t j = i + 1; j < wrap.positions.size(); ++j)
      EXPECT_FALSE(overlap(wrap.positions[i].second, wrap.positions[j].second)) << i << " " << j;
  // Within a column every edge still points down; from one column into the next it goes right.
  std::map<NodeId, Vec2> at(wrap.positions.begin(), wrap.positions.end());
  int across = 0;
  for (const Edge& e : doc.edges()) {
    const Vec2 a = at[e.from], b = at[e.to];
    if (a.x == b.x) {
      EXPECT_LT(a.y, b.y);
    } else {
      ++across;
      EXPECT_LT(a.x, b.x);
    }
  }
  EXPECT_EQ(across, wrap.columns - 1);  // a chain is cut between two layers, once per column
}

TEST(BuilderColumns, AModelThatFitsStaysInOneColumnAndEmptyInputIsHarmless) {
  const Document doc = findTemplate("MLP")->build();
  const ColumnWrap wrap = wrapInColumns(doc, {}, Vec2{2000, 2000});
  EXPECT_EQ(wrap.columns, 1);
  EXPECT_EQ(wrap.scale, 1.0);
  for (size_t i = 0; i < doc.nodes().size(); ++i) EXPECT_EQ(wrap.positions[i].second, doc.nodes()[i].pos);
  EXPECT_TRUE(wrapInColumns(Document{}, {}, Vec2{100, 100}).positions.empty());
  EXPECT_TRUE(wrapInColumns(doc, {}, Vec2{0, 100}).positions.empty());
}

}  // namespace
}  // namespace nf::builder

// The first picture of a graph and arrow-key moves along edges (scene/first_view.h),
// on hand-made scenes whose geometry is known.
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "scene/first_view.h"

namespace nf::scene {
namespace {

// A column of n boxes (160 x 60, 100 apart), each feeding the next, plus `side`
// extra consumers of box 0 placed to its right.
struct Column {
  DisplayGraph g;
  SceneLayout layout;
};

Column column(uint32_t n, uint32_t side = 0) {
  Column c;
  for (uint32_t i = 0; i < n; ++i) {
    c.g.nodes.emplace_back();
    c.layout.nodes.push_back(Rect{0, 100.0f * i, 160, 60});
    if (i) c.g.edges.push_back(DisplayEdge{i - 1, i});
  }
  for (uint32_t s = 0; s < side; ++s) {
    c.g.nodes.emplace_back();
    c.layout.nodes.push_back(Rect{200.0f * (s + 1), 100, 160, 60});
    c.g.edges.push_back(DisplayEdge{0, n + s});
  }
  c.layout.bounds = Rect{0, 0, 160 + 200.0f * side, 100.0f * n};
  return c;
}

TEST(sceneFirstView, ReadableZoomMatchesTheTitleFont) {
  EXPECT_FLOAT_EQ(titlePxAt(readableZoom()), kReadableTitlePx);
  EXPECT_FLOAT_EQ(titlePxAt(1.0f), boxStyle().header_font);
}

TEST(sceneFirstView, BudgetGrowsWithTheCanvasWithinLimits) {
  const uint32_t small = firstSightItemBudget(400, 300), laptop = firstSightItemBudget(1000, 700),
                 big = firstSightItemBudget(2500, 1400);
  EXPECT_EQ(small, 8u);  // never fewer than a handful of boxes
  EXPECT_GT(laptop, small);
  EXPECT_LT(laptop, 60u);  // a 1280x800 window shows tens of readable boxes, not 200
  EXPECT_GT(big, laptop);
  EXPECT_EQ(firstSightItemBudget(1e9f, 1e9f), 200u);
  EXPECT_EQ(firstSightItemBudget(-5, 0), 8u);
}

TEST(sceneFirstView, SmallGraphIsFittedWhole) {
  Column c = column(3);
  ViewPlacement v = firstView(c.layout, 1000, 700, 60);
  EXPECT_TRUE(v.whole);
  EXPECT_GE(titlePxAt(v.zoom), kReadableTitlePx);
  EXPECT_LE(v.zoom, 2.0f);
  // Everything on screen below the toolbar.
  EXPECT_LE((0 - v.origin_x) * v.zoom, 1000.0f);
  EXPECT_GE((0 - v.origin_y) * v.zoom, 60.0f - 0.5f);
  EXPECT_LE((300 - v.origin_y) * v.zoom, 700.0f + 0.5f);
}

TEST(sceneFirstView, TallGraphOpensReadableAtItsInputs) {
  Column c = column(500);  // 50,000 units tall: fitted, titles would be a fraction of a pixel
  ViewPlacement v = firstView(c.layout, 1000, 700, 60);
  EXPECT_FALSE(v.whole);
  EXPECT_GE(titlePxAt(v.zoom), kReadableTitlePx);
  // The first box is on screen just below the toolbar, centred across.
  const float top = (c.layout.nodes[0].y - v.origin_y) * v.zoom;
  EXPECT_GE(top, 60.0f);
  EXPECT_LE(top, 120.0f);
  const float centre = (80 - v.origin_x) * v.zoom;
  EXPECT_NEAR(centre, 500.0f, 1.0f);
}

TEST(sceneFirstView, WideStartShowsTheFirstRankFromItsLeft) {
  Column c = column(400, 40);  // box 0 feeds 40 boxes side by side: 8,000 units wide
  ViewPlacement v = firstView(c.layout, 1000, 700, 0);
  EXPECT_FALSE(v.whole);
  const float left = (0 - v.origin_x) * v.zoom;  // the input box is on screen
  EXPECT_GE(left, 0.0f);
  EXPECT_LE(left + 160 * v.zoom, 1000.0f);
}

TEST(sceneFirstView, LeftToRightStartsAtTheLeft) {
  Column c = column(300);
  for (Rect& r : c.layout.nodes) std::swap(r.x, r.y);
  std::swap(c.layout.bounds.width, c.layout.bounds.height);
  c.layout.direction = layout::Direction::LeftToRight;
  ViewPlacement v = firstView(c.layout, 1000, 700, 0);
  EXPECT_FALSE(v.whole);
  const float left = (0 - v.origin_x) * v.zoom;
  EXPECT_GE(left, 0.0f);
  EXPECT_LE(left, 60.0f);
}

TEST(sceneFirstView, EmptySceneDoesNotBreak) {
  SceneLayout empty;
  ViewPlacement v = firstView(empty, 0, 0, 0);
  EXPECT_TRUE(std::isfinite(v.zoom) && std::isfinite(v.origin_x) && std::isfinite(v.origin_y));
  DisplayGraph g;
  EXPECT_EQ(neighbourAlong(g, empty, 0, Along::Forward), kNoIndex);
}

TEST(sceneFirstView, ArrowsFollowEdges) {
  Column c = column(4, 2);  // 0 -> 1 -> 2 -> 3, and 0 -> 4, 0 -> 5 to the right of 1
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 1, Along::Forward), 2u);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 1, Along::Back), 0u);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 0, Along::Back), kNoIndex);  // an input: nothing above
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 3, Along::Forward), kNoIndex);
  // Box 0 has three consumers: Forward picks the one straight below it.
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 0, Along::Forward), 1u);
  // Siblings of 1 (consumers of 0), left to right: 1, 4, 5.
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 1, Along::Next), 4u);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 4, Along::Next), 5u);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 5, Along::Next), kNoIndex);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 5, Along::Previous), 4u);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 1, Along::Previous), kNoIndex);
  EXPECT_EQ(neighbourAlong(c.g, c.layout, 99, Along::Next), kNoIndex);
}

}  // namespace
}  // namespace nf::scene

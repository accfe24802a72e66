// The grouped scene (scene/grouped_scene.h): nested frames, items inside their
// frames, edges chained through frame borders, the per-level layout cache, both
// directions, on synthetic transformer stacks (named and name-stripped) and on real
// models of the shared corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <tuple>
#include <filesystem>
#include <sstream>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "scene/exports.h"
#include "scene/grouped_scene.h"
#include "scene_test_util.h"
#include "support/synthetic_models.h"
#include "support/test_support.h"

namespace nf::scene {
namespace {

using hierarchy::Expansion;
using hierarchy::GroupId;
using hierarchy::Hierarchy;

constexpr float kEps = 0.6f;

bool inside(const Rect& in, const Rect& out, float eps = kEps) {
  return in.x >= out.x - eps && in.y >= out.y - eps && in.x + in.width <= out.x + out.width + eps &&
         in.y + in.height <= out.y + out.height + eps;
}
bool overlap(const Rect& a, const Rect& b) {
  const float e = 0.5f;  // touching is fine
  return a.x + e < b.x + b.width && b.x + e < a.x + a.width && a.y + e < b.y + b.height && b.y + e < a.y + a.height;
}
bool onBorder(Point p, const Rect& r, float eps = 1.0f) {
  const bool in_x = p.x >= r.x - eps && p.x <= r.x + r.width + eps;
  const bool in_y = p.y >= r.y - eps && p.y <= r.y + r.height + eps;
  if (!in_x || !in_y) return false;
  return std::abs(p.x - r.x) <= eps || std::abs(p.x - r.x - r.width) <= eps || std::abs(p.y - r.y) <= eps ||
         std::abs(p.y - r.y - r.height) <= eps;
}
// The area of a frame its contents may use: below the title band.
Rect contentArea(const GroupFrame& f) {
  return Rect{f.rect.x, f.rect.y + f.title_height, f.rect.width, f.rect.height - f.title_height};
}

// Every structural and geometric promise of grouped_scene.h.
void checkScene(const Hierarchy& h, const GroupedScene& s) {
  const size_t n = s.visible.items.size();
  ASSERT_EQ(s.graph.nodes.size(), n);
  ASSERT_EQ(s.layout.nodes.size(), n);
  ASSERT_EQ(s.keys.size(), n);
  ASSERT_EQ(s.frame_of_node.size(), n);
  ASSERT_EQ(s.graph.edges.size(), s.visible.edges.size());
  ASSERT_EQ(s.layout.edges.size(), s.visible.edges.size());
  ASSERT_EQ(s.frames.size(), s.visible.open_groups.size());
  const Rect& b = s.layout.bounds;
  EXPECT_EQ(b.x, 0.0f);
  EXPECT_EQ(b.y, 0.0f);

  // Frames: one per open group, nested strictly inside their parent's content area.
  std::vector<uint32_t> frame_of_group(h.groups.size(), kNoIndex);
  for (uint32_t f = 0; f < s.frames.size(); ++f) frame_of_group[s.visible.open_groups[f].index] = f;
  for (uint32_t f = 0; f < s.frames.size(); ++f) {
    const GroupFrame& fr = s.frames[f];
    ASSERT_EQ(fr.group, s.visible.open_groups[f]);
    EXPECT_EQ(fr.depth, h.group(fr.group).depth);
    const GroupId p = h.group(fr.group).parent;
    EXPECT_EQ(fr.parent, p.index == 0 ? kNoIndex : frame_of_group[p.index]) << fr.title;
    EXPECT_TRUE(inside(fr.rect, b)) << fr.title;
    if (fr.parent != kNoIndex) {
      EXPECT_TRUE(inside(fr.rect, contentArea(s.frames[fr.parent]))) << fr.title << " in " << s.frames[fr.parent].title;
    }
    EXPECT_GT(fr.rect.height, fr.title_height);
  }
  // Items: keys, their frame, inside its content area and inside the bounds.
  for (uint32_t i = 0; i < n; ++i) {
    const hierarchy::VisibleItem& it = s.visible.items[i];
    EXPECT_EQ(s.keys[i], it.key());
    const uint32_t want = it.parent.index == 0 ? kNoIndex : frame_of_group[it.parent.index];
    EXPECT_EQ(s.frame_of_node[i], want) << "item " << i;
    const Rect& r = s.layout.nodes[i];
    EXPECT_EQ(r.width, s.graph.nodes[i].width);
    EXPECT_EQ(r.height, s.graph.nodes[i].height);
    EXPECT_TRUE(inside(r, b)) << "item " << i;
    if (want != kNoIndex) {
      EXPECT_TRUE(inside(r, contentArea(s.frames[want]))) << "item " << i << " " << s.graph.nodes[i].title;
    }
    const bool group_item = it.kind == hierarchy::ItemKind::Group || it.kind == hierarchy::ItemKind::SeriesRest;
    EXPECT_EQ(s.graph.nodes[i].kind == NodeKind::Group, group_item);
  }
  // Siblings (items and frames directly in one container) never overlap.
  std::vector<std::vector<Rect>> boxes(s.frames.size() + 1);
  for (uint32_t i = 0; i < n; ++i)
    boxes[s.frame_of_node[i] == kNoIndex ? 0 : s.frame_of_node[i] + 1].push_back(s.layout.nodes[i]);
  for (const GroupFrame& fr : s.frames) boxes[fr.parent == kNoIndex ? 0 : fr.parent + 1].push_back(fr.rect);
  for (const auto& c : boxes)
    for (size_t x = 0; x < c.size(); ++x)
      for (size_t y = x + 1; y < c.size(); ++y)
        EXPECT_FALSE(overlap(c[x], c[y])) << "siblings overlap: " << c[x].x << "," << c[x].y << " and " << c[y].x
                                          << "," << c[y].y;
  // No two labels drawn at one place (edges sharing their first route show one).
  {
    std::vector<std::tuple<float, float, uint32_t>> at;
    for (uint32_t j = 0; j < s.layout.edges.size(); ++j)
      if (s.layout.edges[j].label_shown) at.emplace_back(s.layout.edges[j].label.x, s.layout.edges[j].label.y, j);
    std::sort(at.begin(), at.end());
    for (size_t k = 1; k < at.size(); ++k) {
      const uint32_t a = std::get<2>(at[k - 1]), c = std::get<2>(at[k]);
      EXPECT_FALSE(std::get<0>(at[k - 1]) == std::get<0>(at[k]) && std::get<1>(at[k - 1]) == std::get<1>(at[k]))
          << "edges " << a << " and " << c << " label at one place: " << s.graph.edges[a].label << " / "
          << s.graph.edges[c].label << " from " << s.visible.edges[a].from << "," << s.visible.edges[c].from << " to "
          << s.visible.edges[a].to << "," << s.visible.edges[c].to;
    }
  }
  // Edges: routed, from the source's border to the target's, arrow tip on the target.
  for (uint32_t j = 0; j < s.layout.edges.size(); ++j) {
    const EdgeGeometry& e = s.layout.edges[j];
    const hierarchy::VisibleEdge& ve = s.visible.edges[j];
    EXPECT_EQ(s.graph.edges[j].from, ve.from);
    EXPECT_EQ(s.graph.edges[j].to, ve.to);
    ASSERT_GE(e.point_count, 4u) << "edge " << j;
    ASSERT_EQ(e.point_count % 3, 1u);
    ASSERT_LE(e.first_point + e.point_count, s.layout.points.size());
    const Point first = s.layout.points[e.first_point], last = s.layout.points[e.first_point + e.point_count - 1];
    const Rect& to = s.layout.nodes[ve.to];
    EXPECT_TRUE(onBorder(last, to)) << "edge " << j << " ends at " << last.x << "," << last.y;
    EXPECT_TRUE(onBorder(e.arrow[0], to)) << "edge " << j;
    if (!ve.stub) {
      EXPECT_TRUE(onBorder(first, s.layout.nodes[ve.from])) << "edge " << j << " starts at " << first.x << "," << first.y;
    } else {
      EXPECT_EQ(s.graph.edges[j].label, s.graph.nodes[ve.from].title);
    }
    for (uint32_t k = 0; k < e.point_count; ++k) {
      const Point p = s.layout.points[e.first_point + k];
      EXPECT_TRUE(p.x >= -kEps && p.y >= -kEps && p.x <= b.width + kEps && p.y <= b.height + kEps);
    }
    for (const Point& p : e.arrow) EXPECT_TRUE(p.x >= -kEps && p.y >= -kEps && p.x <= b.width + kEps && p.y <= b.height + kEps);
    if (e.label_shown) {
      EXPECT_TRUE(inside(e.label, b));
    }
    if (ve.tensor_count > 1 && !ve.stub) {
      EXPECT_EQ(s.graph.edges[j].label.rfind(std::to_string(ve.tensor_count) + " tensors", 0), 0u);
    }
  }
}

Hierarchy makeHierarchy(const ir::Model& m) {
  auto h = hierarchy::buildHierarchy(m);
  EXPECT_TRUE(h.ok());
  return std::move(h.value());
}

ir::Model stackModel(int layers, bool names) {
  nf::test::StackOptions o;
  o.layers = layers;
  o.names = names;
  return nf::test::makeTransformerStack(o);
}

// The deepest closed group shown: its expansion relays the most levels.
GroupId deepestClosedGroup(const Hierarchy& h, const hierarchy::VisibleGraph& vg) {
  GroupId best;
  for (const auto& it : vg.items)
    if (it.kind == hierarchy::ItemKind::Group && (!best.valid() || h.groups[it.index].depth > h.group(best).depth))
      best = GroupId{it.index};
  return best;
}

struct Case {
  const char* name;
  int layers;
  bool names;
};

class GroupedStack : public ::testing::TestWithParam<Case> {};

TEST_P(GroupedStack, EveryExpansionGivesAConsistentScene) {
  const Case c = GetParam();
  const ir::Model m = stackModel(c.layers, c.names);
  const Hierarchy h = makeHierarchy(m);
  ASSERT_GT(h.groups.size(), 3u);
  for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) {
    GroupedOptions o;
    o.direction = dir;
    GroupedLayout gl(m, h, o);
    for (const Expansion& e : {hierarchy::firstSight(h), hierarchy::collapseAll(h), hierarchy::expandAll(h),
                               hierarchy::expandToDepth(h, 2)}) {
      auto s = gl.build(e);
      ASSERT_TRUE(s.ok()) << s.error().message;
      SCOPED_TRACE(std::string(c.name) + (dir == layout::Direction::TopToBottom ? " TB" : " LR"));
      checkScene(h, *s);
    }
  }
}

TEST_P(GroupedStack, ExpandAllShowsEveryUnfoldedNodeOnceAndCollapseAllOnlyTheRoot) {
  const Case c = GetParam();
  const ir::Model m = stackModel(c.layers, c.names);
  const Hierarchy h = makeHierarchy(m);
  GroupedLayout gl(m, h);
  auto all = gl.build(hierarchy::expandAll(h));
  ASSERT_TRUE(all.ok());
  uint32_t ops = 0;
  std::vector<int> seen(m.graphs[0].nodes.size(), 0);
  for (const DisplayNode& n : all->graph.nodes) {
    EXPECT_NE(n.kind, NodeKind::Group);
    if (n.kind == NodeKind::Op) {
      ++ops;
      ASSERT_TRUE(n.op.valid());
      ++seen[n.op.index];
      EXPECT_EQ(n.title, m.graphs[0].nodes[n.op.index].op_type);
    }
  }
  EXPECT_EQ(ops, m.graphs[0].nodes.size() - all->visible.folded_nodes);
  for (uint32_t v = 0; v < seen.size(); ++v)
    EXPECT_EQ(seen[v], (h.declutter.node_categories[v] & hierarchy::kFoldableCategories) ? 0 : 1) << v;
  EXPECT_EQ(all->frames.size(), h.groups.size() - 1);

  auto none = gl.build(hierarchy::collapseAll(h));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->frames.empty());
  for (uint32_t i = 0; i < none->visible.items.size(); ++i) {
    EXPECT_EQ(none->visible.items[i].parent, h.root());
    EXPECT_EQ(none->frame_of_node[i], kNoIndex);
  }
  uint32_t groups = 0;
  for (const DisplayNode& n : none->graph.nodes)
    if (n.kind == NodeKind::Group) {
      ++groups;
      EXPECT_NE(n.group, kNoIndex);
      EXPECT_EQ(n.repeat_class, h.groups[n.group].repeat_class);
      ASSERT_FALSE(n.rows.empty());
      EXPECT_EQ(n.rows[0].text, std::to_string(h.groups[n.group].node_count) + " nodes");
    }
  EXPECT_EQ(groups, h.groups[0].children.size());
}

// Opens the deepest closed group shown at first sight (unfolding a folded series
// first when that hides every closed group), then closes it again, checking the
// cache guarantee and that everything outside the group's path stays in place.
void checkExpandOne(const ir::Model& m, const Hierarchy& h, layout::Direction dir) {
  GroupedOptions o;
  o.direction = dir;
  GroupedLayout gl(m, h, o);
  Expansion e = hierarchy::firstSight(h);
  {
    const auto vg = hierarchy::visibleGraph(h, e);
    if (!deepestClosedGroup(h, vg).valid())
      for (const auto& it : vg.items)
        if (it.kind == hierarchy::ItemKind::SeriesRest) hierarchy::setFolded(&e, GroupId{it.index}, false);
  }
  auto before = gl.build(e);
  ASSERT_TRUE(before.ok());
  checkScene(h, *before);
  // Every level is laid out or taken from the cache; identical layers share one layout.
  EXPECT_EQ(gl.lastStats().levels_reused + gl.lastStats().levels_laid_out, before->frames.size() + 1);
  EXPECT_GE(gl.lastStats().levels_laid_out, 1u);
  const GroupId g = deepestClosedGroup(h, before->visible);
  if (!g.valid()) return;  // nothing closed to open
  hierarchy::setOpen(&e, g, true);
  auto after = gl.build(e);
  ASSERT_TRUE(after.ok());
  checkScene(h, *after);
  // At most the new group and each of its ancestors (root included); fewer when one
  // of them equals a level laid out before (identical layers share their layout).
  EXPECT_LE(gl.lastStats().levels_laid_out, h.group(g).depth + 1);
  EXPECT_GE(gl.lastStats().levels_laid_out, 1u);
  EXPECT_EQ(gl.lastStats().levels_reused + gl.lastStats().levels_laid_out, after->frames.size() + 1);

  // Items outside g's path keep their place in their frame.
  auto onPath = [&](uint32_t frame, const GroupedScene& s) {
    return frame == kNoIndex || h.contains(s.frames[frame].group, g);
  };
  std::map<uint64_t, uint32_t> old_index;
  for (uint32_t i = 0; i < before->keys.size(); ++i) old_index[before->keys[i]] = i;
  uint32_t compared = 0, off_path_frames = 0;
  for (uint32_t f = 0; f < after->frames.size(); ++f) off_path_frames += !onPath(f, *after);
  for (uint32_t i = 0; i < after->keys.size(); ++i) {
    auto it = old_index.find(after->keys[i]);
    if (it == old_index.end()) continue;
    const uint32_t fa = after->frame_of_node[i], fb = before->frame_of_node[it->second];
    ASSERT_EQ(fa == kNoIndex, fb == kNoIndex);
    if (onPath(fa, *after)) continue;
    ASSERT_EQ(after->frames[fa].group, before->frames[fb].group);
    const Rect ra = after->layout.nodes[i], rb = before->layout.nodes[it->second];
    const Rect fra = after->frames[fa].rect, frb = before->frames[fb].rect;
    EXPECT_NEAR(ra.x - fra.x, rb.x - frb.x, 1e-3);
    EXPECT_NEAR(ra.y - fra.y, rb.y - frb.y, 1e-3);
    ++compared;
  }
  if (off_path_frames > 0) {
    EXPECT_GT(compared, 0u);
  }

  // Closing it again: every level graph is one seen before, and the scene is the same.
  hierarchy::setOpen(&e, g, false);
  auto again = gl.build(e);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(gl.lastStats().levels_laid_out, 0u);
  ASSERT_EQ(again->layout.nodes.size(), before->layout.nodes.size());
  for (size_t i = 0; i < again->layout.nodes.size(); ++i) {
    EXPECT_EQ(again->layout.nodes[i].x, before->layout.nodes[i].x);
    EXPECT_EQ(again->layout.nodes[i].y, before->layout.nodes[i].y);
  }
  EXPECT_EQ(again->layout.points.size(), before->layout.points.size());
}

TEST_P(GroupedStack, ExpandingOneGroupRelaysOnlyItsPathAndKeepsTheRest) {
  const Case c = GetParam();
  const ir::Model m = stackModel(c.layers, c.names);
  const Hierarchy h = makeHierarchy(m);
  for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) checkExpandOne(m, h, dir);
}

TEST_P(GroupedStack, BuildsAreDeterministic) {
  const Case c = GetParam();
  const ir::Model m = stackModel(c.layers, c.names);
  const Hierarchy h = makeHierarchy(m);
  GroupedLayout a(m, h), b(m, h);
  const Expansion e = hierarchy::expandToDepth(h, 3);
  // b goes through another expansion first: its cache must not change the result.
  ASSERT_TRUE(b.build(hierarchy::expandAll(h)).ok());
  auto sa = a.build(e), sb = b.build(e);
  ASSERT_TRUE(sa.ok() && sb.ok());
  ASSERT_EQ(sa->layout.points.size(), sb->layout.points.size());
  EXPECT_EQ(std::memcmp(sa->layout.points.data(), sb->layout.points.data(), sa->layout.points.size() * sizeof(Point)), 0);
  ASSERT_EQ(sa->layout.nodes.size(), sb->layout.nodes.size());
  EXPECT_EQ(std::memcmp(sa->layout.nodes.data(), sb->layout.nodes.data(), sa->layout.nodes.size() * sizeof(Rect)), 0);
  ASSERT_EQ(sa->frames.size(), sb->frames.size());
  for (size_t f = 0; f < sa->frames.size(); ++f)
    EXPECT_EQ(std::memcmp(&sa->frames[f].rect, &sb->frames[f].rect, sizeof(Rect)), 0);
  std::ostringstream xa, xb;
  writeSvg(xa, *sa);
  writeSvg(xb, *sb);
  EXPECT_EQ(xa.str(), xb.str());
}

// Random expansions (seeded) through one GroupedLayout: every scene keeps every
// promise, and equals the scene a fresh GroupedLayout (empty cache) builds.
TEST_P(GroupedStack, RandomExpansionsMatchAFreshBuild) {
  const Case c = GetParam();
  const ir::Model m = stackModel(c.layers, c.names);
  const Hierarchy h = makeHierarchy(m);
  std::mt19937 rng(1234);
  GroupedLayout gl(m, h);
  for (int round = 0; round < 25; ++round) {
    Expansion e = hierarchy::collapseAll(h);
    for (uint32_t g = 1; g < h.groups.size(); ++g) {
      hierarchy::setOpen(&e, GroupId{g}, rng() % 3 != 0);
      if (h.groups[g].kind == hierarchy::GroupKind::Series) hierarchy::setFolded(&e, GroupId{g}, rng() % 3 == 0);
    }
    auto s = gl.build(e);
    ASSERT_TRUE(s.ok());
    SCOPED_TRACE("round " + std::to_string(round));
    checkScene(h, *s);
    GroupedLayout fresh(m, h);
    auto f = fresh.build(e);
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(s->layout.points.size(), f->layout.points.size());
    EXPECT_EQ(std::memcmp(s->layout.points.data(), f->layout.points.data(), s->layout.points.size() * sizeof(Point)), 0);
    ASSERT_EQ(s->layout.nodes.size(), f->layout.nodes.size());
    EXPECT_EQ(std::memcmp(s->layout.nodes.data(), f->layout.nodes.data(), s->layout.nodes.size() * sizeof(Rect)), 0);
    if (::testing::Test::HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Stacks, GroupedStack,
                         ::testing::Values(Case{"named", 6, true}, Case{"unnamed", 6, false},
                                           Case{"named_long", 20, true}),
                         [](const auto& info) { return std::string(info.param.name); });

// The mask input feeds every layer: with the layers shown as boxes its edges are
// stubs, short, labelled "mask", each ending on its layer; the mask itself still
// sits above the layers (a stub source's first edge anchors it in the layout).
TEST(GroupedScene, StubsAreShortAndTheirSourceStaysAbove) {
  const ir::Model m = stackModel(16, true);
  const Hierarchy h = makeHierarchy(m);
  for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) {
    GroupedOptions o;
    o.direction = dir;
    GroupedLayout gl(m, h, o);
    auto s = gl.build(hierarchy::expandToDepth(h, 2));
    ASSERT_TRUE(s.ok());
    checkScene(h, *s);
    uint32_t stubs = 0;
    for (uint32_t j = 0; j < s->visible.edges.size(); ++j) {
      const hierarchy::VisibleEdge& ve = s->visible.edges[j];
      if (!ve.stub) continue;
      ++stubs;
      EXPECT_EQ(s->graph.edges[j].label, "mask");
      EXPECT_TRUE(s->layout.edges[j].label_shown);
      const EdgeGeometry& e = s->layout.edges[j];
      const Point a = s->layout.points[e.first_point], b = s->layout.points[e.first_point + e.point_count - 1];
      EXPECT_LE(std::hypot(a.x - b.x, a.y - b.y), 40.0f);
      const Rect src = s->layout.nodes[ve.from], dst = s->layout.nodes[ve.to];
      if (dir == layout::Direction::TopToBottom) EXPECT_LE(src.y + src.height, dst.y);
      else EXPECT_LE(src.x + src.width, dst.x);
    }
    EXPECT_EQ(stubs, 16u);
  }
}

// Inside a group, a node whose edges are all stubs (it feeds 14 nodes) and that is
// fed from outside: its stub anchor keeps it above what it feeds instead of
// anywhere between the group's IN and OUT bridges (regression: the first decoder
// layer of a 96+96 transformer was drawn below the 95 others).
TEST(GroupedScene, StubSourceInsideAGroupStaysAboveItsTargets) {
  ir::Model m = nf::test::model();
  nf::test::GraphBuilder b(m);
  const std::string x = b.input("x");
  const std::string a = b.op("Relu", "/blk/A", {x});
  std::string c = x;
  std::vector<std::string> adds;
  for (int i = 0; i < 14; ++i) {
    c = b.op("Sigmoid", "/blk/C" + std::to_string(i), {c});
    c = b.op("Add", "/blk/B" + std::to_string(i), {c, a});
    adds.push_back(c);
  }
  c = b.op("Relu", "/head/R", {c});
  b.node("Softmax", {c}, {"y"}, {}, "/head/S");
  b.output("y");
  const Hierarchy h = makeHierarchy(m);
  for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) {
    GroupedOptions o;
    o.direction = dir;
    GroupedLayout gl(m, h, o);
    auto s = gl.build(hierarchy::expandAll(h));
    ASSERT_TRUE(s.ok());
    checkScene(h, *s);
    ASSERT_EQ(s->frames.size(), 2u);
    const uint32_t item_a = s->graph.node_of_op[0];
    ASSERT_NE(item_a, kNoIndex);
    EXPECT_EQ(s->graph.nodes[item_a].title, "Relu");
    uint32_t stubs = 0;
    for (const auto& ve : s->visible.edges) {
      if (ve.from != item_a) continue;
      EXPECT_TRUE(ve.stub);
      ++stubs;
      const Rect ra = s->layout.nodes[item_a], rt = s->layout.nodes[ve.to];
      if (dir == layout::Direction::TopToBottom) EXPECT_LE(ra.y + ra.height, rt.y);
      else EXPECT_LE(ra.x + ra.width, rt.x);
    }
    EXPECT_EQ(stubs, 14u);
  }
}

// The SVG of a grouped scene: well-formed, one frame group per open group, drawn
// before (under) the boxes, with the frame titles.
TEST(GroupedScene, SvgDrawsFramesUnderTheBoxes) {
  const ir::Model m = stackModel(4, true);
  const Hierarchy h = makeHierarchy(m);
  GroupedLayout gl(m, h);
  auto s = gl.build(hierarchy::expandToDepth(h, 3));
  ASSERT_TRUE(s.ok());
  ASSERT_GT(s->frames.size(), 2u);
  const std::string svg = [&] {
    std::ostringstream o;
    writeSvg(o, *s);
    return o.str();
  }();
  EXPECT_EQ(scene::test::xmlProblem(svg), "");
  size_t frames = 0;
  for (size_t p = svg.find("class=\"frame\""); p != std::string::npos; p = svg.find("class=\"frame\"", p + 1)) ++frames;
  EXPECT_EQ(frames, s->frames.size());
  EXPECT_LT(svg.rfind("class=\"frame\""), svg.find("class=\"nodes\""));
  for (const GroupFrame& f : s->frames) EXPECT_NE(svg.find(">" + escapeXml(f.title) + "</text>"), std::string::npos) << f.title;
  size_t boxes = 0;
  for (size_t p = svg.find("<g id=\"n"); p != std::string::npos; p = svg.find("<g id=\"n", p + 1)) ++boxes;
  EXPECT_EQ(boxes, s->graph.nodes.size());
}

// A synthetic stack of ~20k nodes: first sight, one expand/collapse, determinism.
TEST(GroupedScene, BigSyntheticStack) {
  const ir::Model m = nf::test::makeTransformerStack(nf::test::bigStack(true));
  const Hierarchy h = makeHierarchy(m);
  checkExpandOne(m, h, layout::Direction::TopToBottom);
  ir::Model stripped = m;
  nf::test::stripNodeNames(&stripped);
  const Hierarchy hs = makeHierarchy(stripped);
  checkExpandOne(stripped, hs, layout::Direction::TopToBottom);
}

// Real exports (torchvision, transformer stacks), named and stripped: every promise
// at first sight, collapsed and fully expanded, both directions, and one expand.
TEST(GroupedScene, RealModels) {
  size_t found = 0;
  for (const char* name : {"transformer_enc48", "vit_b_16", "swin_t", "densenet201", "resnet50"}) {
    const std::string path = nf::test::bigModelsDir() + "/" + name + ".onnx";
    if (!std::filesystem::exists(path)) continue;
    auto model = onnx::readModelFile(path);
    ASSERT_TRUE(model.ok()) << path;
    ++found;
    for (bool strip : {false, true}) {
      ir::Model m = model.value();
      if (strip) nf::test::stripNodeNames(&m);
      SCOPED_TRACE(std::string(name) + (strip ? " stripped" : " named"));
      const Hierarchy h = makeHierarchy(m);
      for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) {
        GroupedOptions o;
        o.direction = dir;
        GroupedLayout gl(m, h, o);
        for (const Expansion& e : {hierarchy::firstSight(h), hierarchy::collapseAll(h), hierarchy::expandAll(h)}) {
          auto s = gl.build(e);
          ASSERT_TRUE(s.ok()) << s.error().message;
          checkScene(h, *s);
          if (::testing::Test::HasFailure()) return;
        }
        checkExpandOne(m, h, dir);
        if (::testing::Test::HasFailure()) return;
        // A few random expansions through the same (warm) cache.
        std::mt19937 rng(99);
        for (int round = 0; round < 4; ++round) {
          Expansion e = hierarchy::collapseAll(h);
          for (uint32_t g = 1; g < h.groups.size(); ++g) {
            hierarchy::setOpen(&e, GroupId{g}, rng() % 2 == 0);
            hierarchy::setFolded(&e, GroupId{g}, rng() % 4 == 0);
          }
          auto s = gl.build(e);
          ASSERT_TRUE(s.ok());
          checkScene(h, *s);
          if (::testing::Test::HasFailure()) return;
        }
      }
    }
  }
  if (found == 0) GTEST_SKIP() << "no exported models in " << nf::test::bigModelsDir();
}

// Every graph of every corpus model: the scene at first sight and fully expanded.
TEST(GroupedScene, Corpus) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  size_t models = 0;
  for (const auto& f : nf::test::corpusManifest()["files"]) {
    if (!f.value("parse_ok", false)) continue;
    const std::string path = f["path"];
    auto m = onnx::readModelFile(nf::test::corpusPath(path));
    if (!m.ok()) continue;
    ++models;
    for (ir::GraphId gid : m->mainGraphTree()) {
      SCOPED_TRACE(path + " graph " + std::to_string(gid.index));
      auto h = hierarchy::buildHierarchy(m.value(), gid);
      ASSERT_TRUE(h.ok());
      GroupedLayout gl(m.value(), h.value());
      for (const Expansion& e : {hierarchy::firstSight(h.value()), hierarchy::expandAll(h.value())}) {
        auto s = gl.build(e);
        ASSERT_TRUE(s.ok()) << s.error().message;
        checkScene(h.value(), *s);
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(models, 100u);
}

}  // namespace
}  // namespace nf::scene

// The visible graph under expand/collapse, decluttering, stubs, and first sight.
#include <gtest/gtest.h>

#include <random>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "support/synthetic_models.h"

namespace nf::hierarchy {
namespace {

Hierarchy stack(int layers, bool names = true, bool mask = true) {
  test::StackOptions o;
  o.layers = layers;
  o.names = names;
  o.mask = mask;
  auto h = buildHierarchy(test::makeTransformerStack(o));
  EXPECT_TRUE(h.ok());
  return std::move(h.value());
}

VisibleGraph check(const Hierarchy& h, const Expansion& e, const VisibleOptions& o = {}) {
  VisibleGraph vg = visibleGraph(h, e, o);
  test::checkVisible(h, e, o, vg);
  EXPECT_EQ(countVisibleItems(h, e, o), vg.items.size());
  return vg;
}

uint32_t itemOfGroup(const VisibleGraph& vg, GroupId g) {
  for (uint32_t i = 0; i < vg.items.size(); ++i)
    if (vg.items[i].kind == ItemKind::Group && vg.items[i].index == g.index) return i;
  return kNoIndex;
}

const VisibleEdge* edgeBetween(const VisibleGraph& vg, uint32_t a, uint32_t b) {
  for (const auto& e : vg.edges)
    if (e.from == a && e.to == b) return &e;
  return nullptr;
}

TEST(hierarchyVisible, CollapsedShowsTheTopLevelBoxes) {
  Hierarchy h = stack(4);
  VisibleGraph vg = check(h, collapseAll(h));
  // src, mask, embed, enc (the layer series), head, output.
  ASSERT_EQ(vg.items.size(), 6u);
  EXPECT_EQ(vg.items[0].kind, ItemKind::Input);
  EXPECT_EQ(vg.items[1].kind, ItemKind::Input);
  EXPECT_EQ(vg.items[5].kind, ItemKind::Output);
  uint32_t embed = itemOfGroup(vg, h.findPath("embed"));
  uint32_t enc = itemOfGroup(vg, h.findPath("enc"));
  uint32_t head = itemOfGroup(vg, h.findPath("head"));
  ASSERT_NE(enc, kNoIndex);
  const VisibleEdge* e = edgeBetween(vg, embed, enc);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->tensor_count, 1u);
  EXPECT_NE(edgeBetween(vg, enc, head), nullptr);
  EXPECT_NE(edgeBetween(vg, 1, enc), nullptr);  // mask
  EXPECT_EQ(vg.edges.size(), 5u);
  EXPECT_TRUE(vg.open_groups.empty());
}

TEST(hierarchyVisible, EverythingOpenAndNothingFoldedIsTheFlatGraph) {
  Hierarchy h = stack(3);
  VisibleOptions all;
  all.fold = 0;
  all.stub_fan_out = 0;
  VisibleGraph vg = check(h, expandAll(h), all);
  EXPECT_EQ(vg.items.size(), h.topology.node_count + 3u);
  EXPECT_EQ(vg.folded_nodes, 0u);
  EXPECT_TRUE(vg.annotations.empty());
  std::set<std::pair<uint32_t, uint32_t>> pairs;
  for (const auto& te : h.topology.edges) pairs.insert({te.src, te.dst});
  EXPECT_EQ(vg.edges.size(), pairs.size());
}

TEST(hierarchyVisible, FoldedNodesBecomeAnnotationsAndIdentityIsBypassed) {
  Hierarchy h = stack(2);
  VisibleGraph vg = check(h, expandAll(h));
  EXPECT_EQ(vg.folded_nodes, h.declutter.constant_count + h.declutter.shape_count + h.declutter.pass_through_count);
  // The Reshapes of layer 0's attention carry the folded shape chain (Concat) as a note.
  ir::Model m = [] {
    test::StackOptions o;
    o.layers = 2;
    return test::makeTransformerStack(o);
  }();
  auto nodeNamed = [&](const std::string& name) {
    for (uint32_t i = 0; i < m.main().nodes.size(); ++i)
      if (m.main().nodes[i].name == name) return i;
    ADD_FAILURE() << name;
    return 0u;
  };
  uint32_t reshape = vg.terminal_item[nodeNamed("/enc/layers.0/self_attn/Reshape")];
  uint32_t concat = nodeNamed("/enc/layers.0/self_attn/Concat");
  bool noted = false;
  for (const auto& a : vg.annotations) noted = noted || (a.host == reshape && a.node.index == concat);
  EXPECT_TRUE(noted);
  // Layer 0 ends in Identity (folded): its input connects straight to layer 1.
  uint32_t last_add = vg.terminal_item[nodeNamed("/enc/layers.0/norm2/Add_1")];
  uint32_t next_q = vg.terminal_item[nodeNamed("/enc/layers.1/self_attn/MatMul")];
  ASSERT_NE(last_add, kNoIndex);
  EXPECT_NE(edgeBetween(vg, last_add, next_q), nullptr);
  EXPECT_EQ(vg.terminal_item[nodeNamed("/enc/layers.0/Identity")], kNoIndex);
}

TEST(hierarchyVisible, HighFanOutSourcesGetStubs) {
  Hierarchy h = stack(12);
  Expansion e = collapseAll(h);
  setOpen(&e, h.findPath("enc"), true);  // 12 closed layers in a row
  VisibleOptions o;
  o.stub_fan_out = 12;
  VisibleGraph vg = check(h, e, o);
  size_t mask_edges = 0;
  for (const auto& ed : vg.edges)
    if (vg.items[ed.from].kind == ItemKind::Input && vg.items[ed.from].index == 1) {
      ++mask_edges;
      EXPECT_TRUE(ed.stub);
    }
  EXPECT_EQ(mask_edges, 12u);
  for (const auto& ed : vg.edges)
    if (vg.items[ed.from].kind != ItemKind::Input || vg.items[ed.from].index != 1) EXPECT_FALSE(ed.stub);
  o.stub_fan_out = 0;
  VisibleGraph plain = check(h, e, o);
  for (const auto& ed : plain.edges) EXPECT_FALSE(ed.stub);
}

TEST(hierarchyVisible, ClosedLayerBundlesItsConnections) {
  Hierarchy h = stack(6);
  Expansion e = expandAll(h);
  GroupId l3 = h.findPath("enc/layers.3");
  setOpen(&e, l3, false);
  VisibleGraph vg = check(h, e);
  uint32_t item = itemOfGroup(vg, l3);
  ASSERT_NE(item, kNoIndex);
  // Out of layer 3: one tensor (its output) to each consumer in layer 4.
  std::set<uint32_t> out_tensors;
  for (const auto& ed : vg.edges) {
    if (ed.from != item) continue;
    EXPECT_EQ(ed.tensor_count, 1u);
    out_tensors.insert(vg.values(ed)[0].index);
  }
  EXPECT_EQ(out_tensors.size(), 1u);
  // In: layer 2's output and the mask.
  size_t in_edges = 0;
  for (const auto& ed : vg.edges) in_edges += ed.to == item;
  EXPECT_EQ(in_edges, 2u);
}

TEST(hierarchyVisible, RandomExpandCollapseKeepsEveryInvariant) {
  for (bool names : {true, false}) {
    Hierarchy h = stack(8, names);
    std::mt19937 rng(names ? 7 : 8);
    Expansion e = collapseAll(h);
    VisibleOptions o;
    for (int step = 0; step < 60; ++step) {
      GroupId g{static_cast<uint32_t>(rng() % h.groups.size())};
      setOpen(&e, g, !e.isOpen(g));
      if (rng() % 4 == 0) {
        GroupId f{static_cast<uint32_t>(rng() % h.groups.size())};
        setFolded(&e, f, !e.isFolded(f));
      }
      o.fold = static_cast<uint8_t>(rng() % 8);
      o.stub_fan_out = rng() % 2 ? 0 : 3 + rng() % 6;
      SCOPED_TRACE("step " + std::to_string(step));
      VisibleGraph before = visibleGraph(h, e, o);
      check(h, e, o);
      // Items outside the toggled group keep their identity when it toggles back.
      setOpen(&e, g, !e.isOpen(g));
      VisibleGraph toggled = check(h, e, o);
      setOpen(&e, g, !e.isOpen(g));
      VisibleGraph again = visibleGraph(h, e, o);
      ASSERT_EQ(before.items.size(), again.items.size());
      for (size_t i = 0; i < before.items.size(); ++i) EXPECT_EQ(before.items[i].key(), again.items[i].key());
      std::set<uint64_t> inside_before, inside_after;
      auto outside = [&](const VisibleGraph& vg) {
        std::set<uint64_t> keys;
        for (const auto& it : vg.items) {
          GroupId owner = it.kind == ItemKind::Group ? GroupId{it.index} : it.parent;
          if (!h.contains(g, owner)) keys.insert(it.key());
        }
        return keys;
      };
      EXPECT_EQ(outside(before), outside(toggled));
    }
  }
}

TEST(hierarchyVisible, FoldedSeriesShowsItsFirstInstanceAndOneItemForTheRest) {
  Hierarchy h = stack(12);
  GroupId enc = h.findPath("enc"), l0 = h.findPath("enc/layers.0"), l5 = h.findPath("enc/layers.5");
  Expansion e = collapseAll(h);
  setOpen(&e, enc, true);
  setFolded(&e, enc, true);
  VisibleGraph vg = check(h, e);
  // src, mask, embed, layers.0, layers.1..11, head, output
  ASSERT_EQ(vg.items.size(), 7u);
  uint32_t first = itemOfGroup(vg, l0), rest = kNoIndex;
  for (uint32_t i = 0; i < vg.items.size(); ++i)
    if (vg.items[i].kind == ItemKind::SeriesRest) rest = i;
  ASSERT_NE(first, kNoIndex);
  ASSERT_NE(rest, kNoIndex);
  EXPECT_EQ(vg.items[rest].index, enc.index);
  EXPECT_EQ(vg.items[rest].parent, enc);
  EXPECT_EQ(seriesRestName(h, enc), "layers.1..layers.11 \xC3\x97" "11");
  const VisibleEdge* chain = edgeBetween(vg, first, rest);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->tensor_count, 1u);
  EXPECT_NE(edgeBetween(vg, rest, itemOfGroup(vg, h.findPath("head"))), nullptr);
  EXPECT_FALSE(isShown(h, e, l5));
  // The first instance opens like any group; the others stay in the rest item.
  setOpen(&e, l0, true);
  VisibleGraph open = check(h, e);
  EXPECT_EQ(open.items.size(), 14u);  // layers.0: 3 nodes (Identity folded) and 5 scopes
  // Revealing a hidden instance unfolds the series.
  reveal(h, &e, l5);
  EXPECT_FALSE(e.isFolded(enc));
  EXPECT_TRUE(isShown(h, e, l5));
  check(h, e);
  // Folding a group that is not a series changes nothing.
  Expansion plain = collapseAll(h);
  setOpen(&plain, h.findPath("embed"), true);
  Expansion folded = plain;
  setFolded(&folded, h.findPath("embed"), true);
  EXPECT_EQ(visibleGraph(h, plain).items.size(), visibleGraph(h, folded).items.size());
}

TEST(hierarchyVisible, ExpansionHelpers) {
  Hierarchy h = stack(3);
  Expansion d1 = expandToDepth(h, 1);
  for (uint32_t g = 1; g < h.groups.size(); ++g) EXPECT_FALSE(d1.isOpen(GroupId{g}));
  Expansion d2 = expandToDepth(h, 2);
  EXPECT_TRUE(d2.isOpen(h.findPath("enc")));
  EXPECT_FALSE(d2.isOpen(h.findPath("enc/layers.0")));
  Expansion e = collapseAll(h);
  setOpen(&e, h.root(), false);
  EXPECT_TRUE(e.isOpen(h.root()));
  GroupId attn = h.findPath("enc/layers.1/self_attn");
  EXPECT_FALSE(isShown(h, e, attn));
  reveal(h, &e, attn);
  EXPECT_TRUE(isShown(h, e, attn));
  EXPECT_FALSE(e.isOpen(attn));
  VisibleGraph vg = check(h, e);
  EXPECT_NE(itemOfGroup(vg, attn), kNoIndex);
}

TEST(hierarchyVisible, FirstSightStaysWithinTheBudget) {
  for (int layers : {2, 12, 48, 333}) {
    for (bool names : {true, false}) {
      SCOPED_TRACE(std::to_string(layers) + (names ? " named" : " stripped"));
      Hierarchy h = stack(layers, names);
      Expansion e = firstSight(h);
      VisibleGraph vg = check(h, e);
      EXPECT_LE(vg.items.size(), 200u);
      // Series instances open together (a folded series shows only its first).
      for (uint32_t gi = 0; gi < h.groups.size(); ++gi) {
        const Group& g = h.groups[gi];
        if (g.kind != GroupKind::Series || e.isFolded(GroupId{gi})) continue;
        std::set<bool> states;
        for (GroupId c : g.children) states.insert(e.isOpen(c));
        EXPECT_EQ(states.size(), 1u) << g.name;
      }
      if (layers == 2) {
        // Small: everything fits, everything opens.
        for (uint32_t g = 0; g < h.groups.size(); ++g) EXPECT_TRUE(e.isOpen(GroupId{g})) << h.groups[g].name;
      }
    }
  }
  // A series too long to show opens folded, its first instance in full.
  Hierarchy big = stack(333);
  Expansion fs = firstSight(big);
  GroupId enc = big.findPath("enc");
  EXPECT_TRUE(fs.isOpen(enc));
  EXPECT_TRUE(fs.isFolded(enc));
  GroupId first = big.group(enc).children[0];
  EXPECT_TRUE(fs.isOpen(first));
  Hierarchy h = stack(4);
  FirstSightOptions tiny;
  tiny.max_items = 1;
  Expansion e = firstSight(h, {}, tiny);
  for (uint32_t g = 1; g < h.groups.size(); ++g) EXPECT_FALSE(e.isOpen(GroupId{g}));
}

// The app's first sight: a long series stays one closed box with its count (input ->
// "layers ×48" -> output), while a short one still opens with its instances.
TEST(hierarchyVisible, FirstSightKeepsLongSeriesClosed) {
  FirstSightOptions app;
  app.max_items = 28;  // what a 1280x800 canvas shows readably (scene::firstSightItemBudget)
  app.max_series_opened = 4;
  Hierarchy big = stack(48);
  Expansion e = firstSight(big, {}, app);
  GroupId enc = big.findPath("enc");
  ASSERT_TRUE(enc.valid());
  EXPECT_FALSE(e.isOpen(enc));
  EXPECT_FALSE(e.isFolded(enc));
  VisibleGraph vg = check(big, e);
  EXPECT_LE(vg.items.size(), 28u);
  EXPECT_NE(itemOfGroup(vg, enc), kNoIndex);  // the series is one item on screen
  Hierarchy small = stack(3);
  Expansion s = firstSight(small, {}, app);
  EXPECT_TRUE(s.isOpen(small.findPath("enc")));
}

}  // namespace
}  // namespace nf::hierarchy

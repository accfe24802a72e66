// Invariant checks shared by the hierarchy tests: the group tree, repeat classes and
// the visible graph (against a deliberately naive reference implementation).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"

namespace nf::test {

using hierarchy::GroupId;
using hierarchy::GroupKind;
using hierarchy::Hierarchy;

// The tree: pre-order ids, ranges, counts, every node in exactly one group, paths.
inline void checkTree(const Hierarchy& h) {
  const uint32_t n = h.topology.node_count;
  ASSERT_FALSE(h.groups.empty());
  ASSERT_EQ(h.node_group.size(), n);
  EXPECT_EQ(h.groups[0].kind, GroupKind::Root);
  EXPECT_EQ(h.groups[0].node_count, n);
  std::vector<int> seen(n, 0);
  std::set<std::string> paths;
  for (uint32_t g = 0; g < h.groups.size(); ++g) {
    const auto& grp = h.groups[g];
    SCOPED_TRACE("group " + std::to_string(g) + " '" + grp.name + "'");
    EXPECT_TRUE(paths.insert(grp.path).second) << "duplicate path " << grp.path;
    EXPECT_EQ(h.findPath(grp.path), GroupId{g});
    if (g > 0) {
      ASSERT_TRUE(grp.parent.valid());
      EXPECT_LT(grp.parent.index, g);
      EXPECT_EQ(grp.depth, h.group(grp.parent).depth + 1);
      const auto& siblings = h.group(grp.parent).children;
      EXPECT_EQ(std::count(siblings.begin(), siblings.end(), GroupId{g}), 1);
      EXPECT_GE(grp.node_count, 1u) << "empty group";
      EXPECT_NE(grp.kind, GroupKind::Root);
    }
    uint32_t count = static_cast<uint32_t>(grp.nodes.size());
    uint32_t end = g + 1;
    for (GroupId c : grp.children) {
      EXPECT_EQ(h.group(c).parent, GroupId{g});
      count += h.group(c).node_count;
      end = std::max(end, h.group(c).subtree_end);
    }
    EXPECT_EQ(grp.node_count, count);
    EXPECT_EQ(grp.subtree_end, end);
    EXPECT_TRUE(std::is_sorted(grp.nodes.begin(), grp.nodes.end()));
    for (ir::NodeId v : grp.nodes) {
      ASSERT_LT(v.index, n);
      ++seen[v.index];
      EXPECT_EQ(h.node_group[v.index], GroupId{g});
    }
    // Series instances point at their series.
    if (grp.kind == GroupKind::Series) {
      EXPECT_GE(grp.children.size(), 2u);
      for (GroupId c : grp.children) {
        EXPECT_EQ(h.group(c).series, GroupId{g});
        EXPECT_GE(h.group(c).series_number, 0);
      }
    }
  }
  for (uint32_t v = 0; v < n; ++v) EXPECT_EQ(seen[v], 1) << "node " << v;
}

// Sorted labels of a group's nodes: equal for isomorphic groups.
inline std::vector<uint32_t> subtreeLabels(const Hierarchy& h, GroupId g) {
  std::vector<uint32_t> out;
  for (uint32_t v = 0; v < h.topology.node_count; ++v)
    if (h.contains(g, h.node_group[v])) out.push_back(h.topology.label[v]);
  std::sort(out.begin(), out.end());
  return out;
}

inline void checkRepeats(const Hierarchy& h) {
  for (size_t c = 0; c < h.repeats.size(); ++c) {
    const auto& rc = h.repeats[c];
    SCOPED_TRACE("class " + std::to_string(c));
    ASSERT_GE(rc.members.size(), 2u);
    EXPECT_TRUE(std::is_sorted(rc.members.begin(), rc.members.end()));
    std::vector<uint32_t> labels = subtreeLabels(h, rc.members[0]);
    for (size_t i = 0; i < rc.members.size(); ++i) {
      GroupId m = rc.members[i];
      EXPECT_EQ(h.group(m).repeat_class, static_cast<int32_t>(c));
      EXPECT_EQ(h.group(m).node_count, rc.nodes_per_instance);
      if (i > 0) {
        EXPECT_FALSE(h.contains(rc.members[i - 1], m)) << "nested members";
        EXPECT_EQ(subtreeLabels(h, m), labels) << "members do different ops";
      }
    }
    if (c > 0) {
      const auto& prev = h.repeats[c - 1];
      EXPECT_GE(uint64_t{prev.nodes_per_instance} * prev.members.size(),
                uint64_t{rc.nodes_per_instance} * rc.members.size());
    }
  }
}

// Naive reference of what visibleGraph must produce, then a comparison.
inline void checkVisible(const Hierarchy& h, const hierarchy::Expansion& e, const hierarchy::VisibleOptions& o,
                         const hierarchy::VisibleGraph& vg) {
  using hierarchy::ItemKind;
  const auto& t = h.topology;
  const uint8_t fold = o.fold & hierarchy::kFoldableCategories;
  // The item key that shows node v: walk down from the root to its group; the first
  // closed group, or the rest item of a folded series hiding the way, stands for it.
  auto nodeKey = [&](uint32_t v, bool* folded) -> uint64_t {
    *folded = false;
    std::vector<GroupId> chain;
    for (GroupId g = h.node_group[v]; g.valid() && g.index != 0; g = h.group(g).parent) chain.push_back(g);
    for (size_t i = chain.size(); i-- > 0;) {
      GroupId g = chain[i], p = h.group(g).parent;
      const auto& pg = h.group(p);
      if (pg.kind == GroupKind::Series && e.isFolded(p) && pg.children[0] != g)
        return hierarchy::VisibleItem{ItemKind::SeriesRest, p.index, {}}.key();
      if (!e.isOpen(g)) return hierarchy::VisibleItem{ItemKind::Group, g.index, {}}.key();
    }
    if (h.declutter.node_categories[v] & fold) *folded = true;
    return hierarchy::VisibleItem{ItemKind::Node, v, {}}.key();
  };
  auto termKey = [&](uint32_t term, bool* folded) -> uint64_t {
    *folded = false;
    if (term < t.node_count) return nodeKey(term, folded);
    if (t.isInput(term)) return hierarchy::VisibleItem{ItemKind::Input, term - t.node_count, {}}.key();
    return hierarchy::VisibleItem{ItemKind::Output, static_cast<uint32_t>(term - t.node_count - t.inputs.size()), {}}
        .key();
  };
  // Items.
  std::set<uint64_t> want_items;
  for (uint32_t term = 0; term < t.terminalCount(); ++term) {
    bool folded = false;
    uint64_t k = termKey(term, &folded);
    if (!folded) want_items.insert(k);
  }
  std::map<uint64_t, uint32_t> index_of;
  for (uint32_t i = 0; i < vg.items.size(); ++i) {
    EXPECT_TRUE(index_of.emplace(vg.items[i].key(), i).second) << "duplicate item";
    const auto& it = vg.items[i];
    EXPECT_TRUE(e.isOpen(it.parent) && hierarchy::isShown(h, e, it.parent)) << "item inside a closed box";
    if (it.kind == ItemKind::SeriesRest) {
      EXPECT_EQ(GroupId{it.index}, it.parent);
      EXPECT_EQ(h.group(it.parent).kind, GroupKind::Series);
    } else if (it.kind == ItemKind::Group) {
      EXPECT_EQ(h.group(GroupId{it.index}).parent, it.parent);
    } else if (it.kind == ItemKind::Node) {
      EXPECT_EQ(h.node_group[it.index], it.parent);
    }
  }
  std::set<uint64_t> got_items;
  for (const auto& [k, i] : index_of) got_items.insert(k);
  EXPECT_EQ(got_items, want_items);
  for (uint32_t term = 0; term < t.terminalCount(); ++term) {
    bool folded = false;
    uint64_t k = termKey(term, &folded);
    if (folded) EXPECT_EQ(vg.terminal_item[term], nf::kNoIndex);
    else if (vg.terminal_item[term] != nf::kNoIndex) EXPECT_EQ(vg.items[vg.terminal_item[term]].key(), k);
    else ADD_FAILURE() << "terminal " << term << " has no item";
  }
  // Edges: (from key, to key) -> tensors.
  auto foldedNode = [&](uint32_t v) {
    bool f = false;
    nodeKey(v, &f);
    return f;
  };
  std::map<std::pair<uint64_t, uint64_t>, std::set<uint32_t>> want;
  for (const auto& te : t.edges) {
    if (te.dst < t.node_count && foldedNode(te.dst)) continue;
    uint32_t src = te.src;
    int guard = 0;
    while (src != nf::kNoIndex && src < t.node_count && foldedNode(src) && guard++ < 100000) {
      if (!(h.declutter.node_categories[src] & hierarchy::kCategoryPassThrough)) {
        src = nf::kNoIndex;
        break;
      }
      src = t.first_input_src[src];
    }
    if (src == nf::kNoIndex) continue;
    bool f1 = false, f2 = false;
    uint64_t a = termKey(src, &f1), b = termKey(te.dst, &f2);
    if (a == b) continue;
    want[{a, b}].insert(te.value.index);
  }
  std::map<std::pair<uint64_t, uint64_t>, std::set<uint32_t>> got;
  for (size_t i = 0; i < vg.edges.size(); ++i) {
    const auto& ed = vg.edges[i];
    EXPECT_NE(ed.from, ed.to);
    if (i > 0) EXPECT_TRUE(std::make_pair(vg.edges[i - 1].from, vg.edges[i - 1].to) < std::make_pair(ed.from, ed.to));
    auto vals = vg.values(ed);
    EXPECT_EQ(vals.size(), ed.tensor_count);
    std::set<uint32_t> s;
    for (size_t k = 0; k < vals.size(); ++k) {
      if (k > 0) EXPECT_LT(vals[k - 1].index, vals[k].index);
      s.insert(vals[k].index);
    }
    got[{vg.items[ed.from].key(), vg.items[ed.to].key()}] = s;
  }
  EXPECT_EQ(got, want);
  // Open boxes.
  std::vector<GroupId> open;
  for (uint32_t g = 1; g < h.groups.size(); ++g)
    if (e.isOpen(GroupId{g}) && hierarchy::isShown(h, e, GroupId{g})) open.push_back(GroupId{g});
  EXPECT_EQ(vg.open_groups, open);
  // Stubs: exactly the edges of sources with fan-out >= threshold.
  std::map<uint32_t, uint32_t> out_degree;
  for (const auto& ed : vg.edges) ++out_degree[ed.from];
  for (const auto& ed : vg.edges)
    EXPECT_EQ(ed.stub, o.stub_fan_out > 0 && out_degree[ed.from] >= o.stub_fan_out);
  // Annotations sit on node items.
  for (const auto& a : vg.annotations) {
    ASSERT_LT(a.host, vg.items.size());
    EXPECT_EQ(vg.items[a.host].kind, ItemKind::Node);
    EXPECT_EQ(vg.terminal_item[a.node.index], nf::kNoIndex) << "annotation for a node that is shown";
  }
}

// buildHierarchy with the tree and repeat-class invariants checked.
inline Hierarchy buildChecked(const ir::Model& m) {
  auto h = hierarchy::buildHierarchy(m);
  EXPECT_TRUE(h.ok());
  checkTree(h.value());
  checkRepeats(h.value());
  return std::move(h.value());
}

}  // namespace nf::test

// The display graph and the expansion helpers.
//
// Index of this file
//   [SECTION] Expansion helpers
//   [SECTION] Representatives: which item shows each group and node
//   [SECTION] Bundling edges
//   [SECTION] First sight
#include "hierarchy/visible.h"

#include <algorithm>
#include <map>

namespace nf::hierarchy {

// [SECTION] Expansion helpers ---------------------------------------------------------

Expansion collapseAll(const Hierarchy& h) {
  Expansion e;
  e.open.assign(h.groups.size(), 0);
  if (!e.open.empty()) e.open[0] = 1;
  return e;
}

Expansion expandAll(const Hierarchy& h) {
  Expansion e;
  e.open.assign(h.groups.size(), 1);
  return e;
}

Expansion expandToDepth(const Hierarchy& h, uint32_t depth) {
  Expansion e = collapseAll(h);
  for (size_t g = 1; g < h.groups.size(); ++g) e.open[g] = h.groups[g].depth < depth ? 1 : 0;
  return e;
}

void setOpen(Expansion* e, GroupId g, bool open) {
  if (!g.valid() || g.index == 0) return;
  if (e->open.size() <= g.index) e->open.resize(g.index + 1, 0);
  e->open[g.index] = open ? 1 : 0;
}

void setFolded(Expansion* e, GroupId g, bool folded) {
  if (!g.valid()) return;
  if (e->folded.size() <= g.index) e->folded.resize(g.index + 1, 0);
  e->folded[g.index] = folded ? 1 : 0;
}

namespace {
// True if the folded series p hides its child c in the rest item.
bool hiddenByFold(const Hierarchy& h, const Expansion& e, GroupId p, GroupId c) {
  const Group& pg = h.group(p);
  return pg.kind == GroupKind::Series && e.isFolded(p) && !pg.children.empty() && pg.children[0] != c;
}
}  // namespace

void reveal(const Hierarchy& h, Expansion* e, GroupId g) {
  for (GroupId c = g, p = h.group(g).parent; p.valid(); c = p, p = h.group(p).parent) {
    setOpen(e, p, true);
    if (hiddenByFold(h, *e, p, c)) setFolded(e, p, false);
  }
}

bool isShown(const Hierarchy& h, const Expansion& e, GroupId g) {
  for (GroupId c = g, p = h.group(g).parent; p.valid(); c = p, p = h.group(p).parent)
    if (!e.isOpen(p) || hiddenByFold(h, e, p, c)) return false;
  return true;
}

// [SECTION] Representatives: which item shows each group and node ---------------------

namespace {

// Marks a representative that is the rest item of a folded series (index below).
constexpr uint32_t kRestFlag = 0x80000000u;

// rep[g] == kNoIndex: g is open and shown (its contents are items); otherwise the item
// that stands for g: the closed group's id, or kRestFlag | series for the rest item
// of a folded series. Ids are pre-order, so parents come first.
std::vector<uint32_t> groupRepresentatives(const Hierarchy& h, const Expansion& e) {
  std::vector<uint32_t> rep(h.groups.size(), kNoIndex);
  for (uint32_t g = 1; g < h.groups.size(); ++g) {
    const GroupId p = h.groups[g].parent;
    if (rep[p.index] != kNoIndex) rep[g] = rep[p.index];
    else if (hiddenByFold(h, e, p, GroupId{g})) rep[g] = kRestFlag | p.index;
    else rep[g] = e.isOpen(GroupId{g}) ? kNoIndex : g;
  }
  return rep;
}

bool foldedNode(const Hierarchy& h, const std::vector<uint32_t>& rep, uint32_t n, uint8_t fold) {
  return rep[h.node_group[n].index] == kNoIndex && (h.declutter.node_categories[n] & fold & kFoldableCategories) != 0;
}

// Open-addressing map (from item, to item) -> bundle index; lookups and inserts only.
class PairTable {
 public:
  explicit PairTable(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    keys_.assign(cap, kEmpty);
    vals_.resize(cap);
    mask_ = cap - 1;
  }
  // The bundle for key, inserting `fresh` if absent; sets *inserted.
  uint32_t findOrInsert(uint64_t key, uint32_t fresh, bool* inserted) {
    size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & mask_;
    while (true) {
      if (keys_[i] == key) {
        *inserted = false;
        return vals_[i];
      }
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        vals_[i] = fresh;
        *inserted = true;
        return fresh;
      }
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> vals_;
  size_t mask_ = 0;
};

}  // namespace

// [SECTION] Bundling edges ---------------------------------------------------------------

VisibleGraph visibleGraph(const Hierarchy& h, const Expansion& e, const VisibleOptions& options) {
  const Topology& t = h.topology;
  const uint32_t n = t.node_count;
  const uint8_t fold = options.fold & kFoldableCategories;
  VisibleGraph vg;
  std::vector<uint32_t> rep = groupRepresentatives(h, e);

  // Items, in a stable order: inputs, nodes/closed groups by first node, outputs.
  vg.terminal_item.assign(t.terminalCount(), kNoIndex);
  std::vector<uint32_t> group_item(h.groups.size(), kNoIndex), rest_item(h.groups.size(), kNoIndex);
  auto addItem = [&](ItemKind kind, uint32_t index, GroupId parent) {
    vg.items.push_back({kind, index, parent});
    return static_cast<uint32_t>(vg.items.size() - 1);
  };
  for (uint32_t i = 0; i < t.inputs.size(); ++i) vg.terminal_item[t.inputTerminal(i)] = addItem(ItemKind::Input, i, h.root());
  for (uint32_t v = 0; v < n; ++v) {
    const GroupId g = h.node_group[v];
    const uint32_t r = rep[g.index];
    if (r == kNoIndex) {
      if (h.declutter.node_categories[v] & fold) {
        ++vg.folded_nodes;
        continue;
      }
      vg.terminal_item[v] = addItem(ItemKind::Node, v, g);
    } else {
      if (r & kRestFlag) {
        const uint32_t s = r & ~kRestFlag;
        if (rest_item[s] == kNoIndex) rest_item[s] = addItem(ItemKind::SeriesRest, s, GroupId{s});
        vg.terminal_item[v] = rest_item[s];
        continue;
      }
      if (group_item[r] == kNoIndex) group_item[r] = addItem(ItemKind::Group, r, h.groups[r].parent);
      vg.terminal_item[v] = group_item[r];
    }
  }
  for (uint32_t i = 0; i < t.outputs.size(); ++i)
    vg.terminal_item[t.outputTerminal(i)] = addItem(ItemKind::Output, i, h.root());
  // Closed groups without nodes of their own cannot exist (every group holds nodes),
  // so every shown closed group now has an item.

  for (uint32_t g = 1; g < h.groups.size(); ++g)
    if (rep[g] == kNoIndex) vg.open_groups.push_back(GroupId{g});

  // Where a folded Identity/Cast really gets its data from.
  auto bypass = [&](uint32_t src) {
    for (uint32_t steps = 0; steps <= n && src != kNoIndex && src < n; ++steps) {
      if (!foldedNode(h, rep, src, fold)) return src;
      if (!(h.declutter.node_categories[src] & kCategoryPassThrough)) return kNoIndex;
      src = t.first_input_src[src];
    }
    return src < n ? kNoIndex : src;  // graph inputs end a chain; a cycle gives kNoIndex
  };

  struct Bundle {
    uint32_t from, to, count;
    ir::ValueId last;
    bool stub;
  };
  std::vector<Bundle> bundles;
  std::vector<std::pair<uint32_t, ir::ValueId>> carried;  // (bundle, tensor), in edge order
  PairTable table(t.edges.size() + 16);  // never fuller than half: bundles <= edges
  for (const TensorEdge& te : t.edges) {
    if (te.dst < n && foldedNode(h, rep, te.dst, fold)) continue;
    uint32_t src = te.src;
    if (src < n && foldedNode(h, rep, src, fold)) {
      const uint8_t cat = h.declutter.node_categories[src] & kFoldableCategories;
      const uint32_t host = vg.terminal_item[te.dst];
      if (host != kNoIndex && vg.items[host].kind == ItemKind::Node)
        vg.annotations.push_back({host, ir::NodeId{src}, static_cast<Category>(cat)});
      if (!(cat & kCategoryPassThrough)) continue;
      src = bypass(src);
      if (src == kNoIndex) continue;
    }
    const uint32_t a = vg.terminal_item[src], b = vg.terminal_item[te.dst];
    if (a == kNoIndex || b == kNoIndex || a == b) continue;
    bool inserted = false;
    const uint32_t k = table.findOrInsert((static_cast<uint64_t>(a) << 32) | b,
                                          static_cast<uint32_t>(bundles.size()), &inserted);
    if (inserted) bundles.push_back({a, b, 0, ir::ValueId{}, false});
    Bundle& bu = bundles[k];
    if (bu.last == te.value) continue;  // edges of one tensor are adjacent
    bu.last = te.value;
    ++bu.count;
    carried.push_back({k, te.value});
  }

  // Stubs: sources with edges to many items.
  if (options.stub_fan_out > 0) {
    std::vector<uint32_t> out_degree(vg.items.size(), 0);
    for (const Bundle& b : bundles) ++out_degree[b.from];
    for (Bundle& b : bundles) b.stub = out_degree[b.from] >= options.stub_fan_out;
  }

  // Sort bundles by (from, to); tensors per bundle stay in ascending id order because
  // edges are visited by ascending tensor id.
  std::vector<uint32_t> order(bundles.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return bundles[x].from != bundles[y].from ? bundles[x].from < bundles[y].from : bundles[x].to < bundles[y].to;
  });
  std::vector<uint32_t> rank(bundles.size());
  vg.edges.resize(bundles.size());
  uint32_t offset = 0;
  for (uint32_t i = 0; i < order.size(); ++i) {
    const Bundle& b = bundles[order[i]];
    rank[order[i]] = i;
    vg.edges[i] = {b.from, b.to, b.count, offset, b.stub};
    offset += b.count;
  }
  vg.edge_values.resize(offset);
  std::vector<uint32_t> fill(vg.edges.size());
  for (uint32_t i = 0; i < vg.edges.size(); ++i) fill[i] = vg.edges[i].values_begin;
  for (const auto& [k, v] : carried) vg.edge_values[fill[rank[k]]++] = v;

  std::sort(vg.annotations.begin(), vg.annotations.end(), [](const Annotation& x, const Annotation& y) {
    return x.host != y.host ? x.host < y.host : x.node.index < y.node.index;
  });
  vg.annotations.erase(std::unique(vg.annotations.begin(), vg.annotations.end(),
                                   [](const Annotation& x, const Annotation& y) {
                                     return x.host == y.host && x.node == y.node;
                                   }),
                       vg.annotations.end());
  return vg;
}

std::string seriesRestName(const Hierarchy& h, GroupId series) {
  const auto& kids = h.group(series).children;
  if (kids.size() < 2) return std::string();
  std::string first = h.group(kids[1]).name, last = h.group(kids.back()).name;
  std::string span = kids.size() == 2 ? first : first + ".." + last;
  return span + " \xC3\x97" + std::to_string(kids.size() - 1);
}

uint32_t countVisibleItems(const Hierarchy& h, const Expansion& e, const VisibleOptions& options) {
  const uint8_t fold = options.fold & kFoldableCategories;
  std::vector<uint32_t> rep = groupRepresentatives(h, e);
  uint32_t count = static_cast<uint32_t>(h.topology.inputs.size() + h.topology.outputs.size());
  std::vector<uint8_t> rest_seen(h.groups.size(), 0);
  for (uint32_t g = 1; g < h.groups.size(); ++g) {
    if (rep[g] == g) ++count;
    if (rep[g] != kNoIndex && (rep[g] & kRestFlag) && !rest_seen[rep[g] & ~kRestFlag]) {
      rest_seen[rep[g] & ~kRestFlag] = 1;
      ++count;
    }
  }
  for (uint32_t v = 0; v < h.topology.node_count; ++v)
    if (rep[h.node_group[v].index] == kNoIndex && !(h.declutter.node_categories[v] & fold)) ++count;
  return count;
}

// [SECTION] First sight ---------------------------------------------------------------------

Expansion firstSight(const Hierarchy& h, const VisibleOptions& visible, const FirstSightOptions& options) {
  Expansion e = collapseAll(h);
  const uint8_t fold = visible.fold & kFoldableCategories;
  const uint32_t gcount = static_cast<uint32_t>(h.groups.size());
  // Items a group shows when opened: its unfolded direct nodes and its children.
  std::vector<uint32_t> shows(gcount, 0);
  for (uint32_t g = 0; g < gcount; ++g) {
    shows[g] = static_cast<uint32_t>(h.groups[g].children.size());
    for (ir::NodeId v : h.groups[g].nodes)
      if (!(h.declutter.node_categories[v.index] & fold)) ++shows[g];
  }
  uint64_t count = h.topology.inputs.size() + h.topology.outputs.size() + shows[0];
  if (count > options.max_items) return e;

  std::vector<GroupId> level = h.groups[0].children;
  while (!level.empty()) {
    // Units: one group, or all instances of one series.
    std::vector<std::vector<GroupId>> units;
    std::map<uint32_t, size_t> series_unit;  // series id -> unit (ordered: deterministic)
    for (GroupId g : level) {
      const Group& grp = h.group(g);
      if (grp.series.valid() && grp.parent == grp.series) {
        auto [it, fresh] = series_unit.emplace(grp.series.index, units.size());
        if (fresh) units.emplace_back();
        units[it->second].push_back(g);
      } else {
        units.push_back({g});
      }
    }
    auto weight = [&](const std::vector<GroupId>& u) {
      uint64_t w = 0;
      for (GroupId g : u) w += h.group(g).node_count;
      return w;
    };
    std::stable_sort(units.begin(), units.end(), [&](const auto& a, const auto& b) {
      uint64_t wa = weight(a), wb = weight(b);
      return wa != wb ? wa > wb : a[0] < b[0];
    });
    std::vector<GroupId> next;
    for (const auto& u : units) {
      const Group& head = h.group(u[0]);
      const bool series = u.size() > 1 || (head.series.valid() && head.parent == head.series);
      const size_t instances = u.size() == 1 && head.kind == GroupKind::Series ? head.children.size() : u.size();
      if ((series || head.kind == GroupKind::Series) && instances > options.max_series_opened) continue;
      uint64_t delta = 0;
      for (GroupId g : u) delta += shows[g.index] - 1;  // the group's own item goes away
      if (count + delta <= options.max_items) {
        count += delta;
        for (GroupId g : u) {
          setOpen(&e, g, true);
          next.insert(next.end(), h.group(g).children.begin(), h.group(g).children.end());
        }
        continue;
      }
      // A series too long to show: fold it (first instance + the rest as one item).
      const Group& only = h.group(u[0]);
      if (u.size() == 1 && only.kind == GroupKind::Series && only.nodes.empty() && only.children.size() >= 2 &&
          count + 1 <= options.max_items) {
        count += 1;
        setOpen(&e, u[0], true);
        setFolded(&e, u[0], true);
        next.push_back(only.children[0]);
      }
    }
    std::sort(next.begin(), next.end());
    level = std::move(next);
  }
  return e;
}

}  // namespace nf::hierarchy

// The grouped scene: one layout per open group, bottom-up, cached; then absolute
// placement top-down and every drawn edge chained through the frames.
//
// Index of this file
//   [SECTION] Levels: what is directly inside each open group
//   [SECTION] Pieces: which level edges a drawn edge is made of
//   [SECTION] Level layouts, bottom-up, through the cache
//   [SECTION] Placement, top-down
//   [SECTION] Edge chains, stubs, arrowheads, labels, bounds
//   [SECTION] GroupedLayout
//
// Call flow of build(expansion)
//   visibleGraph                  items, bundled edges, open groups
//   makeItemNodes / makeItemEdges the boxes (grouped_scene_nodes.cpp)
//   collectLevels                 per level: its entries (items, child frames) in a stable order
//   collectPieces                 per drawn edge: level edges from its source up and down to its target
//   layoutLevels                  deepest first: level graph -> cache hit or layoutGraph;
//                                 the frame size and bridge ports for the parent's level
//   place                         frames and items in absolute coordinates, root first
//   chainEdges                    route pieces joined by straight connectors
//   finish                        stubs, arrowheads, labels, bounds shifted to (0, 0)
#include "scene/grouped_scene.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "base/timing.h"
#include "layout/layout.h"
#include "scene/grouped_scene_internal.h"

namespace nf::scene {

namespace {

using hierarchy::GroupId;
using hierarchy::ItemKind;
using grouped::CachedLevel;
using Stats = GroupedLayout::Stats;

// Pseudo entries of a level: the bridges to the outside.
constexpr uint32_t kInBridge = 0xFFFFFFF0u;
constexpr uint32_t kOutBridge = 0xFFFFFFF1u;
// Bridge nodes are this thin (their long side spans nothing: every edge of a bridge
// meets in one point, which bundles them where they cross the frame border).
constexpr float kBridgeSize = 2.0f;
// Fixed ports on a frame's sides are this far apart, so an edge reaches the frame
// within half of this of where the bridge inside it sits.
constexpr float kPortSpacing = 1.0f;
// The bridges' ranks are pulled this close to the contents (the engine leaves a whole
// rank gap). No label sits between IN and the contents; labels of the edges into OUT
// sit just after their source, so OUT keeps room for one (LR: a label's width).
constexpr float kInGap = 18.0f;
constexpr float kOutGapTB = 28.0f;
// Stub edges: length and spacing at their target.
constexpr float kStubLength = 26.0f;
constexpr float kStubSpacing = 10.0f;

// [SECTION] Levels: what is directly inside each open group -------------------------------

struct Entry {
  bool frame = false;
  uint32_t index = 0;     // item index, or frame index
  uint32_t order_class = 1;  // 0 inputs, 1 nodes and groups, 2 outputs
  uint32_t first_node = 0;
  uint64_t key = 0;
};

// One open group (or the root) and its layout.
struct Level {
  GroupId group;
  uint32_t frame = kNoIndex;         // frame index; kNoIndex for the root
  uint32_t parent_level = kNoIndex;
  uint32_t entry_in_parent = kNoIndex;
  uint32_t depth = 0;                // hierarchy depth of the group (root 0)
  std::vector<Entry> entries;
  std::vector<uint64_t> pairs;       // level edges (from << 32 | to), sorted, unique after collectPieces
  // After layoutLevels:
  const CachedLevel* cached = nullptr;
  uint32_t in_node = kNoIndex, out_node = kNoIndex;  // bridge node indices in the level graph
  float frame_w = 0, frame_h = 0;    // frame size (levels with a frame)
  float content_dx = 0;              // content left inset beyond frame_padding (title wider than contents)
  uint32_t ports = 0;                // fixed ports per side of the frame in the parent's level (0 = free)
  uint32_t in_port = layout::kFreePort, out_port = layout::kFreePort;
  Point offset;                      // absolute position of the level's (0, 0)
  std::string title;                 // frame title, cut to BoxStyle::max_text_width
};

struct Piece {
  uint32_t level;
  uint64_t pair;
  uint32_t edge = 0;  // level edge index, resolved after sorting
};

struct Work {
  std::vector<Level> levels;             // [0] root, [f + 1] frame f
  std::vector<uint32_t> level_of_group;  // per group id: level index, kNoIndex if not open
  std::vector<uint32_t> item_level;      // per item
  std::vector<uint32_t> item_entry;      // per item: entry index in its level
  std::vector<Piece> pieces;             // drawn edges' pieces, edge by edge
  std::vector<uint32_t> piece_begin;     // per drawn edge (+1 sentinel)
};

uint32_t itemFirstNode(const hierarchy::Hierarchy& h, const hierarchy::VisibleItem& it) {
  switch (it.kind) {
    case ItemKind::Node: return it.index;
    case ItemKind::Group: return h.groups[it.index].first_node;
    case ItemKind::SeriesRest: {
      const auto& kids = h.groups[it.index].children;
      return kids.size() >= 2 ? h.group(kids[1]).first_node : h.groups[it.index].first_node;
    }
    default: return it.index;
  }
}

void collectLevels(const hierarchy::Hierarchy& h, const hierarchy::VisibleGraph& vg, Work& w) {
  const uint32_t frames = static_cast<uint32_t>(vg.open_groups.size());
  w.levels.assign(frames + 1, Level{});
  w.level_of_group.assign(h.groups.size(), kNoIndex);
  w.level_of_group[0] = 0;
  w.levels[0].group = h.root();
  for (uint32_t f = 0; f < frames; ++f) {
    const GroupId g = vg.open_groups[f];
    Level& L = w.levels[f + 1];
    L.group = g;
    L.frame = f;
    L.depth = h.group(g).depth;
    w.level_of_group[g.index] = f + 1;
  }
  for (uint32_t f = 0; f < frames; ++f) {
    Level& L = w.levels[f + 1];
    const GroupId p = h.group(L.group).parent;
    L.parent_level = p.valid() ? w.level_of_group[p.index] : 0;
    if (L.parent_level == kNoIndex) L.parent_level = 0;  // cannot happen: an open group's parent is open
    Entry e;
    e.frame = true;
    e.index = f;
    e.first_node = h.group(L.group).first_node;
    e.key = (uint64_t{0xFF} << 32) | L.group.index;
    w.levels[L.parent_level].entries.push_back(e);
  }
  w.item_level.assign(vg.items.size(), 0);
  for (uint32_t i = 0; i < vg.items.size(); ++i) {
    const hierarchy::VisibleItem& it = vg.items[i];
    uint32_t lv = it.parent.valid() && it.parent.index < w.level_of_group.size() ? w.level_of_group[it.parent.index] : 0;
    if (lv == kNoIndex) lv = 0;
    w.item_level[i] = lv;
    Entry e;
    e.index = i;
    e.order_class = it.kind == ItemKind::Input ? 0 : it.kind == ItemKind::Output ? 2 : 1;
    e.first_node = itemFirstNode(h, it);
    e.key = it.key();
    w.levels[lv].entries.push_back(e);
  }
  // A stable order that does not depend on what is open elsewhere: inputs, then by
  // first node, then outputs.
  w.item_entry.assign(vg.items.size(), 0);
  for (Level& L : w.levels) {
    std::sort(L.entries.begin(), L.entries.end(), [](const Entry& a, const Entry& b) {
      if (a.order_class != b.order_class) return a.order_class < b.order_class;
      if (a.first_node != b.first_node) return a.first_node < b.first_node;
      return a.key < b.key;
    });
    for (uint32_t k = 0; k < L.entries.size(); ++k) {
      const Entry& e = L.entries[k];
      if (e.frame) w.levels[e.index + 1].entry_in_parent = k;
      else w.item_entry[e.index] = k;
    }
  }
}

// [SECTION] Pieces: which level edges a drawn edge is made of -----------------------------

uint64_t pairKey(uint32_t from, uint32_t to) { return (static_cast<uint64_t>(from) << 32) | to; }

void collectPieces(const hierarchy::VisibleGraph& vg, Work& w) {
  w.pieces.clear();
  w.piece_begin.assign(vg.edges.size() + 1, 0);
  std::vector<Piece> down, anchors;
  for (uint32_t j = 0; j < vg.edges.size(); ++j) {
    w.piece_begin[j] = static_cast<uint32_t>(w.pieces.size());
    const hierarchy::VisibleEdge& ve = vg.edges[j];
    // A stub source's first edge still anchors it above its first target, at the
    // level holding both (not drawn: without it a source whose edges are all stubs
    // would float to wherever the layout likes, e.g. below everything it feeds).
    const bool anchor = ve.stub && (j == 0 || vg.edges[j - 1].from != ve.from);
    if (ve.stub && !anchor) continue;
    uint32_t la = w.item_level[ve.from], lb = w.item_level[ve.to];
    uint32_t ea = w.item_entry[ve.from], eb = w.item_entry[ve.to];
    down.clear();
    const size_t mark = w.pieces.size();
    while (la != lb) {
      if (w.levels[la].depth >= w.levels[lb].depth && la != 0) {
        w.pieces.push_back({la, pairKey(ea, kOutBridge)});
        ea = w.levels[la].entry_in_parent;
        la = w.levels[la].parent_level;
      } else {
        down.push_back({lb, pairKey(kInBridge, eb)});
        eb = w.levels[lb].entry_in_parent;
        lb = w.levels[lb].parent_level;
      }
    }
    if (anchor) {
      w.pieces.resize(mark);
      anchors.push_back({la, pairKey(ea, eb)});
      continue;
    }
    w.pieces.push_back({la, pairKey(ea, eb)});
    w.pieces.insert(w.pieces.end(), down.rbegin(), down.rend());
  }
  w.piece_begin[vg.edges.size()] = static_cast<uint32_t>(w.pieces.size());
  for (const Piece& p : w.pieces) w.levels[p.level].pairs.push_back(p.pair);
  for (const Piece& p : anchors) w.levels[p.level].pairs.push_back(p.pair);
  for (Level& L : w.levels) {
    std::sort(L.pairs.begin(), L.pairs.end());
    L.pairs.erase(std::unique(L.pairs.begin(), L.pairs.end()), L.pairs.end());
  }
  for (Piece& p : w.pieces) {
    const auto& pairs = w.levels[p.level].pairs;
    p.edge = static_cast<uint32_t>(std::lower_bound(pairs.begin(), pairs.end(), p.pair) - pairs.begin());
  }
}

// [SECTION] Level layouts, bottom-up, through the cache -------------------------------------

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDull;
}
uint64_t floatBits(float f) {
  uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

uint64_t hashGraph(const layout::Graph& g) {
  uint64_t h = mix(g.nodes.size(), g.edges.size());
  for (const layout::NodeSpec& n : g.nodes)
    h = mix(mix(h, floatBits(n.width) << 32 | floatBits(n.height)), static_cast<uint64_t>(n.in_ports) << 32 | n.out_ports);
  for (const layout::EdgeSpec& e : g.edges)
    h = mix(mix(h, static_cast<uint64_t>(e.from) << 32 | e.to), static_cast<uint64_t>(e.from_port) << 32 | e.to_port);
  return h;
}

bool sameGraph(const layout::Graph& a, const layout::Graph& b) {
  if (a.nodes.size() != b.nodes.size() || a.edges.size() != b.edges.size()) return false;
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const auto &x = a.nodes[i], &y = b.nodes[i];
    if (x.width != y.width || x.height != y.height || x.in_ports != y.in_ports || x.out_ports != y.out_ports)
      return false;
  }
  for (size_t i = 0; i < a.edges.size(); ++i) {
    const auto &x = a.edges[i], &y = b.edges[i];
    if (x.from != y.from || x.to != y.to || x.from_port != y.from_port || x.to_port != y.to_port) return false;
  }
  return true;
}

// The level graph of L: entries, then the bridges that are used; its real edges in
// the order of L.pairs, then edges that only keep IN above and OUT below everything
// (IN -> every entry nothing enters, every entry nothing leaves -> OUT), so the
// edges through the bridges enter and leave the frame without crossing its contents.
layout::Graph levelGraph(Level& L, const std::vector<Level>& levels, const DisplayGraph& dg) {
  layout::Graph g;
  const uint32_t n = static_cast<uint32_t>(L.entries.size());
  g.nodes.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    const Entry& e = L.entries[k];
    layout::NodeSpec& s = g.nodes[k];
    if (e.frame) {
      const Level& c = levels[e.index + 1];
      s.width = c.frame_w;
      s.height = c.frame_h;
      s.in_ports = c.in_port != layout::kFreePort ? c.ports : 0;
      s.out_ports = c.out_port != layout::kFreePort ? c.ports : 0;
    } else {
      s.width = dg.nodes[e.index].width;
      s.height = dg.nodes[e.index].height;
    }
  }
  bool has_in = false, has_out = false;
  for (uint64_t p : L.pairs) {
    has_in |= static_cast<uint32_t>(p >> 32) == kInBridge;
    has_out |= static_cast<uint32_t>(p) == kOutBridge;
  }
  const uint32_t in_node = has_in ? static_cast<uint32_t>(g.nodes.size()) : kNoIndex;
  if (has_in) g.nodes.push_back(layout::NodeSpec{kBridgeSize, kBridgeSize, 0, 0});
  const uint32_t out_node = has_out ? static_cast<uint32_t>(g.nodes.size()) : kNoIndex;
  if (has_out) g.nodes.push_back(layout::NodeSpec{kBridgeSize, kBridgeSize, 0, 0});
  L.in_node = in_node;
  L.out_node = out_node;
  std::vector<uint8_t> has_pred(n, 0), has_succ(n, 0);
  auto port = [&](uint32_t entry, bool out) {
    if (entry >= n || !L.entries[entry].frame) return layout::kFreePort;
    const Level& c = levels[L.entries[entry].index + 1];
    return out ? c.out_port : c.in_port;
  };
  g.edges.reserve(L.pairs.size() + n);
  for (uint64_t p : L.pairs) {
    uint32_t a = static_cast<uint32_t>(p >> 32), b = static_cast<uint32_t>(p);
    layout::EdgeSpec e;
    e.from_port = port(a, true);
    e.to_port = port(b, false);
    if (a < n) has_succ[a] = 1;
    if (b < n) has_pred[b] = 1;
    e.from = a == kInBridge ? in_node : a;
    e.to = b == kOutBridge ? out_node : b;
    g.edges.push_back(e);
  }
  for (uint32_t k = 0; k < n; ++k) {
    if (has_in && !has_pred[k]) g.edges.push_back(layout::EdgeSpec{in_node, k, layout::kFreePort, port(k, false)});
    if (has_out && !has_succ[k]) g.edges.push_back(layout::EdgeSpec{k, out_node, port(k, true), layout::kFreePort});
  }
  return g;
}

// Moves the bridge ranks of a finished level layout close to the contents: along
// the flow axis, coordinates before the first box (after the last) are scaled
// towards it, so routes keep their shape; then the bounds start at (0, 0) again.
void tightenBridges(layout::Layout& r, const layout::Graph& g, uint32_t in_node, uint32_t out_node, bool tb) {
  if (in_node == kNoIndex && out_node == kNoIndex) return;
  auto axis = [&](Point& p) -> float& { return tb ? p.y : p.x; };
  float lo = 1e30f, hi = -1e30f;
  for (uint32_t k = 0; k < g.nodes.size(); ++k) {
    if (k == in_node || k == out_node) continue;
    const float c = tb ? r.node_centers[k].y : r.node_centers[k].x;
    const float half = (tb ? g.nodes[k].height : g.nodes[k].width) * 0.5f;
    lo = std::min(lo, c - half);
    hi = std::max(hi, c + half);
  }
  if (lo > hi) return;
  float s_in = 1.0f, s_out = 1.0f;
  if (in_node != kNoIndex) {
    const float gap = lo - axis(r.node_centers[in_node]);
    if (gap > kInGap) s_in = kInGap / gap;
  }
  if (out_node != kNoIndex && tb) {
    const float gap = axis(r.node_centers[out_node]) - hi;
    if (gap > kOutGapTB) s_out = kOutGapTB / gap;
  }
  auto map = [&](Point& p) {
    float& v = axis(p);
    if (v < lo) v = lo - (lo - v) * s_in;
    else if (v > hi) v = hi + (v - hi) * s_out;
  };
  for (Point& p : r.node_centers) map(p);
  for (Point& p : r.points) map(p);
  float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
  for (uint32_t k = 0; k < g.nodes.size(); ++k) {
    const Point c = r.node_centers[k];
    x0 = std::min(x0, c.x - g.nodes[k].width * 0.5f);
    x1 = std::max(x1, c.x + g.nodes[k].width * 0.5f);
    y0 = std::min(y0, c.y - g.nodes[k].height * 0.5f);
    y1 = std::max(y1, c.y + g.nodes[k].height * 0.5f);
  }
  for (const Point& p : r.points) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  for (Point& p : r.node_centers) p.x -= x0, p.y -= y0;
  for (Point& p : r.points) p.x -= x0, p.y -= y0;
  r.bounds = layout::Rect{0, 0, x1 - x0, y1 - y0};
}

// A bridge with one drawn edge to (from) an entry of the next (previous) rank: moves
// the bridge across the flow to that edge's far end and makes the edge straight, so
// an edge passing through a frame does not wiggle where it enters (leaves) it. Only
// single-segment routes (adjacent ranks: nothing lies between) and only the level's
// drawn edges count (the first `drawn` edges; the rest only shape the layout).
void alignBridges(layout::Layout& r, const layout::Graph& g, uint32_t in_node, uint32_t out_node, size_t drawn,
                  bool tb) {
  for (uint32_t bridge : {in_node, out_node}) {
    if (bridge == kNoIndex) continue;
    uint32_t only = kNoIndex, count = 0;
    for (uint32_t e = 0; e < drawn && e < g.edges.size(); ++e)
      if (g.edges[e].from == bridge || g.edges[e].to == bridge) {
        only = e;
        ++count;
      }
    if (count != 1 || r.edges[only].point_count != 4 || r.edges[only].reversed) continue;
    Point* p = &r.points[r.edges[only].first_point];
    const Point far = bridge == in_node ? p[3] : p[0];
    const float v = tb ? far.x : far.y;
    for (int k = 0; k < 4; ++k) (tb ? p[k].x : p[k].y) = v;
    (tb ? r.node_centers[bridge].x : r.node_centers[bridge].y) = v;
  }
}

// Lays out every level, deepest first (levels after their parents in pre-order, so
// reverse index order visits children before parents).
Status layoutLevels(grouped::LevelCache& cache, Work& w, const DisplayGraph& dg, const GroupedOptions& o,
                           const hierarchy::Hierarchy& h, Stats& stats) {
  const bool tb = o.direction == layout::Direction::TopToBottom;
  const layout::Options lopts = defaultLayoutOptions(o.direction);
  const TextMetrics& m = o.build.metrics ? *o.build.metrics : defaultMetrics();
  const BoxStyle& st = boxStyle();
  for (size_t li = w.levels.size(); li-- > 0;) {
    Level& L = w.levels[li];
    layout::Graph g = levelGraph(L, w.levels, dg);
    const uint64_t key = hashGraph(g);
    auto& bucket = cache.levels[key];
    const CachedLevel* hit = nullptr;
    for (const auto& c : bucket)
      if (sameGraph(c->graph, g)) {
        hit = c.get();
        c->last_used = cache.generation;
        break;
      }
    if (hit) {
      ++stats.levels_reused;
    } else {
      auto c = std::make_unique<CachedLevel>();
      if (!g.nodes.empty()) {
        auto r = layout::layoutGraph(g, lopts);
        if (!r) return Error{"layout of group level failed: " + r.error().message};
        c->result = std::move(r.value());
        tightenBridges(c->result, g, L.in_node, L.out_node, tb);
        alignBridges(c->result, g, L.in_node, L.out_node, L.pairs.size(), tb);
      }
      c->graph = std::move(g);
      c->last_used = cache.generation;
      hit = c.get();
      bucket.push_back(std::move(c));
      ++cache.level_count;
      ++stats.levels_laid_out;
    }
    L.cached = hit;
    if (L.frame == kNoIndex) continue;
    // The frame around the level's contents, and where its bridges meet its border.
    const layout::Rect b = hit->result.bounds;
    L.title = fitText(m, cleanText(h.group(L.group).name, 512), st.body_font, FontStyle::Bold, st.max_text_width);
    const float title_w = m.width(L.title, st.body_font, FontStyle::Bold) + 2 * st.pad_x;
    L.frame_w = std::ceil(std::max(b.width + 2 * o.frame_padding, title_w));
    L.frame_h = std::ceil(b.height + 2 * o.frame_padding + o.frame_title);
    L.content_dx = std::floor((L.frame_w - 2 * o.frame_padding - b.width) * 0.5f);
    const float side = tb ? L.frame_w : L.frame_h;
    L.ports = std::clamp<uint32_t>(static_cast<uint32_t>(side / kPortSpacing), 1, layout::kMaxPorts);
    auto portAt = [&](uint32_t node) {
      if (node == kNoIndex) return layout::kFreePort;
      const Point c = hit->result.node_centers[node];
      const float along = tb ? o.frame_padding + L.content_dx + c.x : o.frame_title + o.frame_padding + c.y;
      const float frac = along / side;
      const auto k = static_cast<int64_t>(std::floor(frac * static_cast<float>(L.ports)));
      return static_cast<uint32_t>(std::clamp<int64_t>(k, 0, L.ports - 1));
    };
    L.in_port = portAt(L.in_node);
    L.out_port = portAt(L.out_node);
  }
  return Status{};
}

// [SECTION] Placement, top-down ----------------------------------------------------------

void place(Work& w, const GroupedOptions& o, const hierarchy::Hierarchy& h, GroupedScene& s) {
  s.frames.assign(w.levels.size() - 1, GroupFrame{});
  s.layout.nodes.assign(s.graph.nodes.size(), Rect{});
  s.frame_of_node.assign(s.graph.nodes.size(), kNoIndex);
  w.levels[0].offset = Point{0, 0};
  for (uint32_t li = 0; li < w.levels.size(); ++li) {
    Level& L = w.levels[li];
    const layout::Layout& r = L.cached->result;
    if (L.frame != kNoIndex) {
      const Level& P = w.levels[L.parent_level];
      const Point c = P.cached->result.node_centers[L.entry_in_parent];
      GroupFrame& f = s.frames[L.frame];
      f.group = L.group;
      f.rect = Rect{P.offset.x + c.x - L.frame_w * 0.5f, P.offset.y + c.y - L.frame_h * 0.5f, L.frame_w, L.frame_h};
      f.title_height = o.frame_title;
      f.parent = P.frame;
      f.depth = static_cast<uint16_t>(h.group(L.group).depth);
      f.repeat_class = h.group(L.group).repeat_class;
      f.title = L.title;
      L.offset = Point{f.rect.x + o.frame_padding + L.content_dx - r.bounds.x,
                       f.rect.y + o.frame_title + o.frame_padding - r.bounds.y};
    }
    for (uint32_t k = 0; k < L.entries.size(); ++k) {
      const Entry& e = L.entries[k];
      if (e.frame) continue;
      const DisplayNode& n = s.graph.nodes[e.index];
      const Point c = r.node_centers[k];
      s.layout.nodes[e.index] = Rect{L.offset.x + c.x - n.width * 0.5f, L.offset.y + c.y - n.height * 0.5f, n.width, n.height};
      s.frame_of_node[e.index] = L.frame;
    }
  }
}

// [SECTION] Edge chains, stubs, arrowheads, labels, bounds ----------------------------------

// Appends a straight cubic from the last point to p (skipped when they meet).
void lineTo(std::vector<Point>& pts, Point p) {
  const Point a = pts.back();
  if (std::abs(a.x - p.x) < 0.01f && std::abs(a.y - p.y) < 0.01f) return;
  pts.push_back(Point{a.x + (p.x - a.x) / 3.0f, a.y + (p.y - a.y) / 3.0f});
  pts.push_back(Point{a.x + (p.x - a.x) * 2.0f / 3.0f, a.y + (p.y - a.y) * 2.0f / 3.0f});
  pts.push_back(p);
}

// The detour of a drawn edge whose route at the parent level is reversed (a cycle
// between the parent's entries), so it meets frame F on the wrong side: leaving F,
// the route starts on F's input side while the edge comes from F's OUT bridge;
// entering F, it ends on F's output side while the edge goes on from F's IN bridge.
// Rather than a straight line across F's contents, the edge runs along the inside
// of F's padding: its output-side strip, then the strip on the right (TB) / bottom
// (LR), then just inside the input side, to `to`. Straight pieces.
void aroundFrame(std::vector<Point>& pts, const Rect& f, Point to, const GroupedOptions& o, bool leaving) {
  const bool tb = o.direction == layout::Direction::TopToBottom;
  // Flow coordinates: u along the flow, v across it.
  auto at = [&](float u, float v) { return tb ? Point{v, u} : Point{u, v}; };
  const float u0 = tb ? f.y : f.x, u1 = tb ? f.y + f.height : f.x + f.width;
  const float v1 = tb ? f.x + f.width : f.y + f.height;
  const float strip = o.frame_padding * 0.5f;
  const float title_u = tb ? o.frame_title : 0.0f;  // the title band lies across the input side in TB
  const Point a = pts.back();
  const float va = tb ? a.x : a.y, vt = tb ? to.x : to.y;
  // Leaving: `to` is on F's input border, reached from just inside it (the title
  // band's middle in TB); entering: `to` is the IN bridge, reached from above it.
  const float u_last = leaving ? u0 + (tb ? o.frame_title * 0.5f : strip * 0.5f) : u0 + title_u + strip * 0.8f;
  lineTo(pts, at(u1 - strip, va));
  lineTo(pts, at(u1 - strip, v1 - strip));
  lineTo(pts, at(u_last, v1 - strip));
  lineTo(pts, at(u_last, vt));
}

void chainEdges(const Work& w, const GroupedOptions& o, const hierarchy::VisibleGraph& vg, GroupedScene& s) {
  const bool tb = o.direction == layout::Direction::TopToBottom;
  std::vector<Point>& pts = s.layout.points;
  pts.clear();
  s.layout.edges.assign(vg.edges.size(), EdgeGeometry{});
  std::vector<uint32_t> stubs_at(vg.items.size(), 0), stubs_to(vg.items.size(), 0);
  for (const hierarchy::VisibleEdge& ve : vg.edges) stubs_to[ve.to] += ve.stub;
  for (uint32_t j = 0; j < vg.edges.size(); ++j) {
    EdgeGeometry& e = s.layout.edges[j];
    e.first_point = static_cast<uint32_t>(pts.size());
    if (vg.edges[j].stub) {
      // A short edge into the target's input side; several spread along it, closer
      // together when many must fit.
      const Rect t = s.layout.nodes[vg.edges[j].to];
      const float k = static_cast<float>(stubs_at[vg.edges[j].to]++);
      const float n = static_cast<float>(stubs_to[vg.edges[j].to]);
      const float room = (tb ? t.width - 12.0f : t.height - 10.0f);
      const float step = n > 1 ? std::max(0.0f, std::min(kStubSpacing, room / (n - 1))) : 0.0f;
      if (tb) {
        const float x = t.x + 8.0f + step * k;
        pts.push_back(Point{x, t.y - kStubLength});
        lineTo(pts, Point{x, t.y});
        setArrowhead(e, Point{x, t.y}, Point{0, 1}, o.direction);
      } else {
        const float y = t.y + t.height - 6.0f - step * k;
        pts.push_back(Point{t.x - kStubLength, y});
        lineTo(pts, Point{t.x, y});
        setArrowhead(e, Point{t.x, y}, Point{1, 0}, o.direction);
      }
      e.point_count = static_cast<uint32_t>(pts.size()) - e.first_point;
      continue;
    }
    Point dir{0, 0};
    bool any = false;
    uint32_t prev_level = kNoIndex;
    bool prev_reversed = false;
    for (uint32_t k = w.piece_begin[j]; k < w.piece_begin[j + 1]; ++k) {
      const Piece& p = w.pieces[k];
      const Level& L = w.levels[p.level];
      const layout::Layout& r = L.cached->result;
      if (p.edge >= r.edges.size()) continue;
      const layout::EdgeRoute& route = r.edges[p.edge];
      if (route.point_count < 4) continue;
      const Point* rp = &r.points[route.first_point];
      const Point first{rp[0].x + L.offset.x, rp[0].y + L.offset.y};
      if (any) {
        // A reversed route meets a frame on its far side: go round the contents.
        const Level& P = w.levels[prev_level];
        if (P.parent_level == p.level && route.reversed) aroundFrame(pts, s.frames[P.frame].rect, first, o, true);
        else if (L.parent_level == prev_level && prev_reversed) aroundFrame(pts, s.frames[L.frame].rect, first, o, false);
      }
      if (!any) pts.push_back(first);
      else lineTo(pts, first);
      prev_level = p.level;
      prev_reversed = route.reversed;
      for (uint32_t q = 1; q < route.point_count; ++q) pts.push_back(Point{rp[q].x + L.offset.x, rp[q].y + L.offset.y});
      dir = route.arrow_dir;
      e.reversed |= route.reversed;
      any = true;
    }
    e.point_count = static_cast<uint32_t>(pts.size()) - e.first_point;
    if (any) setArrowhead(e, pts.back(), dir, o.direction);
  }
}

void grow(Rect& r, bool& empty, float x0, float y0, float x1, float y1) {
  if (empty) {
    r = Rect{x0, y0, x1 - x0, y1 - y0};
    empty = false;
    return;
  }
  const float rx1 = std::max(r.x + r.width, x1), ry1 = std::max(r.y + r.height, y1);
  r.x = std::min(r.x, x0);
  r.y = std::min(r.y, y0);
  r.width = rx1 - r.x;
  r.height = ry1 - r.y;
}

void finish(const Work& w, const GroupedOptions& o, const hierarchy::VisibleGraph& vg, GroupedScene& s) {
  const BoxStyle& st = boxStyle();
  const TextMetrics& m = o.build.metrics ? *o.build.metrics : defaultMetrics();
  SceneLayout& sl = s.layout;
  placeEdgeLabels(s.graph, sl, m);
  // Drawn edges whose first piece is one shared route (several edges of one source
  // leaving its frame through OUT) would stack their labels in one place: the first
  // edge keeps its label.
  {
    std::vector<uint64_t> claimed;
    for (uint32_t j = 0; j < vg.edges.size(); ++j) {
      if (vg.edges[j].stub || !sl.edges[j].label_shown || w.piece_begin[j] == w.piece_begin[j + 1]) continue;
      const Piece& p = w.pieces[w.piece_begin[j]];
      claimed.push_back((static_cast<uint64_t>(p.level) << 32) | p.edge);
    }
    std::vector<uint64_t> keys = claimed;
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<uint8_t> taken(keys.size(), 0);
    size_t c = 0;  // claimed[] follows the same edges in the same order
    for (uint32_t j = 0; j < vg.edges.size(); ++j) {
      if (vg.edges[j].stub || !sl.edges[j].label_shown || w.piece_begin[j] == w.piece_begin[j + 1]) continue;
      const size_t k = static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), claimed[c++]) - keys.begin());
      if (taken[k]) sl.edges[j].label_shown = false;
      taken[k] = 1;
    }
  }
  // Stub labels: each stub is its own line, so each gets its label (placeEdgeLabels
  // keeps one per source and tensor), just beside the stub's start, unless it would
  // cover the label of an earlier stub into the same target. TB: with several stubs
  // into one target, only the outer two are labelled, the first on the left of its
  // line and the last on the right, so no label is crossed by the other stubs.
  std::vector<uint32_t> stubs_to(vg.items.size(), 0), stubs_seen(vg.items.size(), 0);
  for (const hierarchy::VisibleEdge& ve : vg.edges) stubs_to[ve.to] += ve.stub;
  // Per target: the last stub label shown (stubs into one target are placed in a
  // monotonic order, so the last one is the only one a new label can meet).
  std::vector<Rect> last_label(vg.items.size());
  std::vector<uint8_t> has_label(vg.items.size(), 0);
  for (uint32_t j = 0; j < vg.edges.size(); ++j) {
    if (!vg.edges[j].stub) continue;
    EdgeGeometry& e = sl.edges[j];
    e.label_shown = false;
    const std::string& text = s.graph.edges[j].label;
    if (text.empty() || e.point_count < 4) continue;
    const Point p0 = sl.points[e.first_point];
    const float lw = m.width(text, st.label_font, FontStyle::Regular), lh = st.label_font * 1.25f;
    const uint32_t to = vg.edges[j].to;
    const uint32_t k = stubs_seen[to]++, n = stubs_to[to];
    if (o.direction == layout::Direction::TopToBottom) {
      if (n > 1 && k > 0 && k + 1 < n) continue;
      e.label = n > 1 && k == 0 ? Rect{p0.x - 3.0f - lw, p0.y, lw, lh} : Rect{p0.x + 3.0f, p0.y, lw, lh};
    } else {
      e.label = Rect{p0.x, p0.y - lh - 1.0f, lw, lh};
    }
    const Rect& r = last_label[to];
    const bool free = !has_label[to] || e.label.x >= r.x + r.width + 2.0f || r.x >= e.label.x + e.label.width + 2.0f ||
                      e.label.y >= r.y + r.height || r.y >= e.label.y + e.label.height;
    if (!free) continue;
    e.label_shown = true;
    last_label[to] = e.label;
    has_label[to] = 1;
  }
  Rect b;
  bool empty = true;
  for (const Rect& r : sl.nodes) grow(b, empty, r.x, r.y, r.x + r.width, r.y + r.height);
  for (const GroupFrame& f : s.frames) grow(b, empty, f.rect.x, f.rect.y, f.rect.x + f.rect.width, f.rect.y + f.rect.height);
  for (const Point& p : sl.points) grow(b, empty, p.x, p.y, p.x, p.y);
  for (const EdgeGeometry& e : sl.edges) {
    if (e.point_count >= 4)
      for (const Point& p : e.arrow) grow(b, empty, p.x, p.y, p.x, p.y);
    if (e.label_shown) grow(b, empty, e.label.x, e.label.y, e.label.x + e.label.width, e.label.y + e.label.height);
  }
  if (empty) b = Rect{};
  const float dx = -b.x, dy = -b.y;
  for (Rect& r : sl.nodes) r.x += dx, r.y += dy;
  for (GroupFrame& f : s.frames) f.rect.x += dx, f.rect.y += dy;
  for (Point& p : sl.points) p.x += dx, p.y += dy;
  for (EdgeGeometry& e : sl.edges) {
    for (Point& p : e.arrow) p.x += dx, p.y += dy;
    if (e.label_shown) e.label.x += dx, e.label.y += dy;
  }
  sl.bounds = Rect{0, 0, b.width, b.height};
}

}  // namespace

// [SECTION] GroupedLayout ---------------------------------------------------------------------

GroupedLayout::GroupedLayout(const ir::Model& model, const hierarchy::Hierarchy& h, GroupedOptions options)
    : model_(model), h_(h), options_(std::move(options)), cache_(std::make_unique<Cache>()) {
  grouped::initNodeSource(cache_->nodes, model_, h_, buildDisplayGraph(model_, h_.graph, options_.build));
}

GroupedLayout::GroupedLayout(const ir::Model& model, const hierarchy::Hierarchy& h, GroupedOptions options,
                             Result<DisplayGraph> base)
    : model_(model), h_(h), options_(std::move(options)), cache_(std::make_unique<Cache>()) {
  grouped::initNodeSource(cache_->nodes, model_, h_, std::move(base));
}

GroupedLayout::~GroupedLayout() = default;

Result<GroupedScene> GroupedLayout::build(const hierarchy::Expansion& expansion) {
  using Clock = std::chrono::steady_clock;
  stats_ = Stats{};
  if (!cache_->nodes.base_ok) return Error{cache_->nodes.base_error};
  grouped::LevelCache& lc = cache_->levels;
  ++lc.generation;
  GroupedScene s;
  auto t0 = Clock::now();
  s.visible = hierarchy::visibleGraph(h_, expansion, options_.visible);
  stats_.visible_ms = msSince(t0);

  t0 = Clock::now();
  grouped::makeItemNodes(cache_->nodes, model_, h_, options_, s.visible, s.graph);
  grouped::makeItemEdges(cache_->nodes, model_, h_, options_, s.visible, s.graph);
  s.keys.resize(s.visible.items.size());
  for (size_t i = 0; i < s.visible.items.size(); ++i) s.keys[i] = s.visible.items[i].key();
  stats_.nodes_ms = msSince(t0);

  t0 = Clock::now();
  Work w;
  collectLevels(h_, s.visible, w);
  collectPieces(s.visible, w);
  if (Status st = layoutLevels(lc, w, s.graph, options_, h_, stats_); !st.ok()) return Error{st.message()};
  stats_.layout_ms = msSince(t0);

  t0 = Clock::now();
  s.layout.direction = options_.direction;
  s.layout.stats = w.levels[0].cached->result.stats;
  place(w, options_, h_, s);
  chainEdges(w, options_, s.visible, s);
  finish(w, options_, s.visible, s);
  stats_.geometry_ms = msSince(t0);

  // Forget level layouts no build has used for a while once the cache is big.
  const size_t keep = 4 * w.levels.size() + 256;
  if (lc.level_count > keep) {
    for (auto it = lc.levels.begin(); it != lc.levels.end();) {
      auto& bucket = it->second;
      const size_t before = bucket.size();
      bucket.erase(std::remove_if(bucket.begin(), bucket.end(),
                                  [&](const auto& c) { return c->last_used + 8 < lc.generation; }),
                   bucket.end());
      lc.level_count -= before - bucket.size();
      it = bucket.empty() ? lc.levels.erase(it) : std::next(it);
    }
  }
  return s;
}

}  // namespace nf::scene

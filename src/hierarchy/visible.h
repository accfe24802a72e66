// hierarchy/visible.h - the display graph for one choice of expanded groups.
//
// The app keeps an Expansion (which groups are open), and on every expand/collapse
// calls visibleGraph() and lays out what changed. Items are identified by key(),
// which does not change when other groups open or close, so a layout can keep the
// positions of unchanged items and animate the rest.
//
// What is visible
//   - An open group shows its direct nodes and its child groups; a closed group whose
//     parent is open is one item; anything inside a closed group is represented by it.
//     The root is always open. Graph inputs and outputs are items of the root. An
//     open, folded series shows its first instance and one SeriesRest item.
//   - Nodes of a folded category (VisibleOptions::fold) that would be visible on their
//     own are not items: constants and shape chains become annotations on the nodes they
//     feed; Identity/Cast are bypassed (their producer connects straight to their
//     consumers, and the consumer gets an annotation).
//   - One edge per ordered pair of items, bundling every tensor between them (each
//     tensor once, however many consumers it has inside the target).
//   - An item with edges to at least stub_fan_out items (a mask feeding 96 layers) gets
//     its edges marked as stubs: drawn short at the consumer, ignored by the layout.
//
// Cost: O(nodes + edges + groups) plus sorting the bundles; no allocation per edge.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hierarchy/declutter.h"
#include "hierarchy/hierarchy.h"

namespace nf::hierarchy {

// [SECTION] Which groups are open ---------------------------------------------------

// One byte per group id (1 = open). The root is open whatever its byte says.
// An open Series can also be folded: it then shows only its first instance (open
// or closed as its own byte says) and one item, kind SeriesRest, for all the others:
// "layers.0" in full next to "layers.1..47". Folding a closed or non-series group
// changes nothing.
struct Expansion {
  std::vector<uint8_t> open;
  std::vector<uint8_t> folded;  // per group id: 1 = folded (series only); may be shorter
  bool isOpen(GroupId g) const { return g.index == 0 || (g.index < open.size() && open[g.index] != 0); }
  bool isFolded(GroupId g) const { return g.index < folded.size() && folded[g.index] != 0; }
};

Expansion collapseAll(const Hierarchy& h);  // only the root open
Expansion expandAll(const Hierarchy& h);    // every group open: the flat graph
// Groups of depth < `depth` open: depth 1 shows the root's children as closed boxes,
// depth 2 opens them, and so on.
Expansion expandToDepth(const Hierarchy& h, uint32_t depth);
// Opens or closes one group (closing the root is ignored).
void setOpen(Expansion* e, GroupId g, bool open);
// Folds or unfolds a series (see Expansion).
void setFolded(Expansion* e, GroupId g, bool folded);
// Opens every ancestor of g, and unfolds those whose fold hides it, so that g itself
// is an item or an open box.
void reveal(const Hierarchy& h, Expansion* e, GroupId g);
// True if g is drawn as an item or as a box: every ancestor open, and no folded
// ancestor hides it in its rest item.
bool isShown(const Hierarchy& h, const Expansion& e, GroupId g);

// [SECTION] The display graph -------------------------------------------------------

enum class ItemKind : uint8_t {
  Node,        // index: NodeId
  Group,       // index: GroupId of a closed group
  Input,       // index: position in Topology::inputs
  Output,      // index: position in Topology::outputs
  SeriesRest,  // index: GroupId of a folded series; stands for all its instances but the first
};

struct VisibleItem {
  ItemKind kind = ItemKind::Node;
  uint32_t index = 0;  // see ItemKind
  GroupId parent;      // the open group drawn around it (the root for top-level items)
  // Stable identity across expand/collapse: equal keys = the same thing on screen.
  uint64_t key() const { return (static_cast<uint64_t>(kind) << 32) | index; }
};

struct VisibleEdge {
  uint32_t from = 0;          // item index
  uint32_t to = 0;            // item index
  uint32_t tensor_count = 0;  // distinct tensors carried (the bundle label)
  uint32_t values_begin = 0;  // VisibleGraph::edge_values[values_begin, +tensor_count), ascending
  bool stub = false;          // high fan-out source: draw a short stub at `to`, do not lay out
};

// A folded node drawn as a small note on a node it feeds.
struct Annotation {
  uint32_t host = 0;  // item index of a Node item
  ir::NodeId node;    // the folded node (the last one before the host, for chains)
  Category category = kCategoryNone;
};

struct VisibleOptions {
  uint8_t fold = kFoldableCategories;  // Category bits to fold away (0 = show every node)
  uint32_t stub_fan_out = 12;          // 0 = never stub
};

struct VisibleGraph {
  std::vector<VisibleItem> items;        // inputs, then by first node in graph order, then outputs
  std::vector<VisibleEdge> edges;        // sorted by (from, to)
  std::vector<ir::ValueId> edge_values;  // tensors of all edges, see VisibleEdge
  std::vector<GroupId> open_groups;      // open groups except the root, pre-order: the boxes
  std::vector<Annotation> annotations;   // sorted by (host, node)
  // Per Topology terminal (node, input, output): the item showing it, kNoIndex if folded.
  std::vector<uint32_t> terminal_item;
  uint32_t folded_nodes = 0;  // nodes hidden by VisibleOptions::fold

  uint32_t itemOfNode(ir::NodeId n) const { return terminal_item[n.index]; }
  std::span<const ir::ValueId> values(const VisibleEdge& e) const {
    return {edge_values.data() + e.values_begin, e.tensor_count};
  }
};

VisibleGraph visibleGraph(const Hierarchy& h, const Expansion& e, const VisibleOptions& options = {});

// Label of a SeriesRest item: "layers.1..layers.47 ×47" (the instances it stands for).
std::string seriesRestName(const Hierarchy& h, GroupId series);

// Items visibleGraph would return, without building edges (O(groups + nodes)).
uint32_t countVisibleItems(const Hierarchy& h, const Expansion& e, const VisibleOptions& options = {});

// [SECTION] First sight ------------------------------------------------------------

struct FirstSightOptions {
  uint32_t max_items = 200;  // the opened view shows at most this many items (when possible)
  // A series of more instances than this stays one closed box ("layers ×24") instead
  // of opening or folding: a stack of 24 alike boxes is taller than any canvas and
  // says less than the one box with its count. The app sets it; the default keeps
  // the older behaviour (open if it fits, else fold).
  uint32_t max_series_opened = 0xFFFFFFFFu;
};

// Which groups to open so that a model first appears with at most max_items items:
// level by level, bigger groups first, open a group if the total stays within the
// budget. The instances of one series open together or not at all, so 48 layers look
// alike; when they do not fit, the series is folded instead (first instance + one
// item for the rest) and its first instance competes at the next level. A graph
// whose root alone exceeds the budget (impossible after sections unless it has more
// inputs/outputs than the budget) opens with only the root. A series longer than
// max_series_opened stays closed.
Expansion firstSight(const Hierarchy& h, const VisibleOptions& visible = {}, const FirstSightOptions& options = {});

}  // namespace nf::hierarchy

// scene/grouped_scene.h - the graph drawn as nested group boxes: a hierarchy with some
// groups open (hierarchy/visible.h) laid out and turned into a drawable scene.
//
// How it is laid out (as in the TensorBoard graph paper): every open group is laid
// out on its own, bottom-up. A group's "level graph" has one node per thing directly
// inside it (its visible items, and its open child groups as boxes of their laid-out
// size) plus two bridge nodes, IN and OUT, standing for the world outside the group:
// IN -> each child that receives a tensor from outside, each child that sends one
// outside -> OUT. Its edges are the visible edges mapped to the pair of children of
// the group that hold their ends, bundled per pair. The root is laid out last.
//
// Why per group: expanding or collapsing group G changes only G's level graph and the
// size of G (and so the level graphs of G's ancestors); every other open group keeps
// its level graph, so its cached layout is reused and its contents keep their
// relative positions. The level graphs are small (a group holds at most ~200 entries,
// see hierarchy.h), so relaying out one path from G to the root is cheap.
//
// A drawn edge (one per VisibleEdge) is the chain of level routes from its source item
// up through the frames around it (each ending at that frame's OUT bridge, moved onto
// the frame border), across the level of the lowest open group holding both ends, and
// down through the frames around the target (each starting at the IN bridge). Routes
// of one level are shared by every drawn edge through that pair, which bundles them.
//
// Stub edges (VisibleEdge::stub, a mask feeding 96 layers) are not laid out: each is
// drawn as a short edge entering its target from the source side, labelled with the
// source's title.
//
// Details (grouped_scene.cpp)
//   - Level graphs: entries in a stable order (inputs, then by first node, then
//     outputs), so a level whose contents did not change gives an equal graph. The
//     cache is keyed by the level graph itself (sizes, edges, ports), so identical
//     levels (48 equal layers) share one layout, and closing a group again finds
//     every level it had before: levels_laid_out is then 0. After opening one group
//     G, levels_laid_out <= depth(G) + 1 (G and its ancestors, root included).
//   - Bridges: IN is kept above every entry and OUT below (layout-only edges from IN
//     to the entries nothing enters, and to OUT from those nothing leaves), then
//     both are pulled close to the contents. A child frame's edges in its parent's
//     level attach at fixed ports right above its IN / below its OUT (1 px apart),
//     so the chain crosses the border straight; the pieces are joined by straight
//     cubics. A level route reversed by a cycle meets a frame on its far side: the
//     chain then runs round the contents inside the frame's padding.
//   - A stub source's first edge still constrains the layout (not drawn), so a node
//     whose edges are all stubs stays above what it feeds. Several stubs into one
//     box are spread along its input side; in TB only the outer two show a label.
//   - Frame titles are drawn in BoxStyle::body_font bold, pad_x from the left,
//     centred in the title band; frames are at least as wide as their title (cut to
//     BoxStyle::max_text_width).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "ir/model.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"
#include "scene/text_metrics.h"

namespace nf::scene {

// An open group drawn as a frame around its contents (the root has no frame).
struct GroupFrame {
  hierarchy::GroupId group;
  Rect rect;                         // the whole frame, title band included (scene units)
  float title_height = 0;            // band at the top holding the title
  uint32_t parent = kNoIndex;        // enclosing frame (index into GroupedScene::frames)
  uint16_t depth = 1;                // 1 = directly inside the root
  int32_t repeat_class = -1;         // Hierarchy::repeats index, -1 when unique
  std::string title;                 // group name, clean ("layers.3", "encoder: layers ×48")
};

struct GroupedScene {
  hierarchy::VisibleGraph visible;
  // Display node i shows visible.items[i]:
  //   Node item        an Op box as buildDisplayGraph makes it (rows, attributes,
  //                    folded initializers), plus a dim row per folded annotation
  //                    category ("+3 shape ops", "+1 constant")
  //   Group item       NodeKind::Group: title = group name, rows = "<n> nodes" and
  //                    the most common op types ("MatMul ×4  Add ×3")
  //   SeriesRest item  NodeKind::Group: title = seriesRestName(), rows likewise
  //   Input/Output     as buildDisplayGraph makes them
  // DisplayNode::repeat_class is set for Group items of a repeat class.
  // Display edge j shows visible.edges[j]; its value is the bundle's first tensor and
  // its label the shape for one tensor, else "<n> tensors" followed by the distinct
  // shapes ("3 tensors 1×64×56×56, 1×64") cut to the label width.
  DisplayGraph graph;
  SceneLayout layout;                  // absolute coordinates, bounds cover every frame
  std::vector<GroupFrame> frames;      // one per visible.open_groups entry, same order (pre-order)
  std::vector<uint32_t> frame_of_node; // per display node: the innermost frame around it, kNoIndex at root level
  std::vector<uint64_t> keys;          // per display node: visible.items[i].key()
};

struct GroupedOptions {
  layout::Direction direction = layout::Direction::TopToBottom;
  hierarchy::VisibleOptions visible;
  BuildOptions build;        // show_names, value_type (inferred shapes), metrics
  float frame_padding = 14;  // inside a frame, around its contents
  float frame_title = 20;    // title band height
};

// Keeps the layout of every open group between calls, keyed by its level graph, so a
// call after one expand/collapse lays out only the groups whose level graph changed.
// The model and hierarchy must outlive this object. Not thread-safe.
class GroupedLayout {
 public:
  GroupedLayout(const ir::Model& model, const hierarchy::Hierarchy& h, GroupedOptions options = {});
  // With the whole graph's display graph already built (buildDisplayGraph or a
  // DisplayGraphJob over h.graph with options.build), e.g. in slices by SceneJob.
  GroupedLayout(const ir::Model& model, const hierarchy::Hierarchy& h, GroupedOptions options,
                Result<DisplayGraph> base);
  ~GroupedLayout();
  GroupedLayout(const GroupedLayout&) = delete;
  GroupedLayout& operator=(const GroupedLayout&) = delete;

  // The scene for this expansion. Fails only if the layout engine fails.
  Result<GroupedScene> build(const hierarchy::Expansion& expansion);

  struct Stats {
    uint32_t levels_laid_out = 0;  // level graphs laid out by the last build()
    uint32_t levels_reused = 0;    // level graphs taken from the cache
    double visible_ms = 0;         // hierarchy::visibleGraph
    double nodes_ms = 0;           // display nodes (rows, measuring)
    double layout_ms = 0;          // level layouts
    double geometry_ms = 0;        // absolute placement, edge chains, labels
  };
  const Stats& lastStats() const { return stats_; }
  const GroupedOptions& options() const { return options_; }

 private:
  struct Cache;
  const ir::Model& model_;
  const hierarchy::Hierarchy& h_;
  GroupedOptions options_;
  std::unique_ptr<Cache> cache_;
  Stats stats_;
};

}  // namespace nf::scene

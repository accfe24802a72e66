// scene/grouped_scene_internal.h - shared by grouped_scene.cpp (levels, geometry) and
// grouped_scene_nodes.cpp (the boxes and labels of the items). Not a public header.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "ir/model.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/grouped_scene.h"

namespace nf::scene::grouped {

// One laid-out level graph, kept while some build may use it again.
struct CachedLevel {
  layout::Graph graph;
  layout::Layout result;
  uint32_t last_used = 0;  // generation (build count) that last used it
};

// What the boxes of the items are made from: the whole graph's display graph, built
// once, plus group boxes made on first use.
struct NodeSource {
  DisplayGraph base;
  bool base_ok = false;
  std::string base_error;
  std::vector<uint32_t> input_node;        // per Topology input: base display node, kNoIndex if none
  std::vector<uint32_t> output_node;       // per Topology output: base display node, kNoIndex if none
  std::vector<uint32_t> value_edge;        // per value of the root graph: a base edge carrying it, or kNoIndex
  std::vector<std::unique_ptr<DisplayNode>> group_box;  // per group id: its closed box (lazy)
  std::vector<std::unique_ptr<DisplayNode>> rest_box;   // per series id: its rest item (lazy)
};

// base: buildDisplayGraph(model, h.graph, options.build), made by the caller.
void initNodeSource(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                    Result<DisplayGraph> base);

// Display node i for visible.items[i] (see GroupedScene::graph).
void makeItemNodes(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                   const GroupedOptions& options, const hierarchy::VisibleGraph& vg, DisplayGraph& out);

// Display edge j for visible.edges[j]: ends, first tensor, label.
void makeItemEdges(const NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                   const GroupedOptions& options, const hierarchy::VisibleGraph& vg, DisplayGraph& out);

// Level layouts by hash of their layout::Graph; equal graphs give equal layouts, so
// a hit is any cached graph equal to the one asked for. (Only looked up and pruned:
// the unordered iteration never reaches any output.)
struct LevelCache {
  std::unordered_map<uint64_t, std::vector<std::unique_ptr<CachedLevel>>> levels;
  size_t level_count = 0;
  uint32_t generation = 0;
};

}  // namespace nf::scene::grouped

namespace nf::scene {

struct GroupedLayout::Cache {
  grouped::NodeSource nodes;
  grouped::LevelCache levels;
};

}  // namespace nf::scene

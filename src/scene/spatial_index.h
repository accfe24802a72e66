// scene/spatial_index.h - which boxes and edges are where: viewport culling and
// hit testing for scenes of 100k nodes.
//
// A uniform grid over the scene bounds (about one cell per node, cells no smaller
// than a typical box) holds, per cell, the boxes overlapping it and the edges whose
// flattened route passes through it (CSR arrays: two flat vectors, no per-cell
// allocation). Queries visit only the cells under the rectangle and deduplicate with
// an epoch stamp, so their cost is proportional to what is found.
//
// Not thread-safe: queries reuse internal scratch (the app queries from one thread).
#pragma once
#include <cstdint>
#include <vector>

#include "scene/scene_layout.h"

namespace nf::scene {

class SpatialIndex {
 public:
  SpatialIndex() = default;
  explicit SpatialIndex(const SceneLayout& scene) { build(scene); }
  void build(const SceneLayout& scene);

  // Boxes overlapping `view`, ascending index (= drawing order), appended to out.
  void queryNodes(const Rect& view, std::vector<uint32_t>& out) const;
  // Edges whose route (or arrowhead) may pass through `view`, ascending, appended.
  // Conservative: an edge is listed when a flattened piece's bounding box overlaps.
  void queryEdges(const Rect& view, std::vector<uint32_t>& out) const;
  // The box containing p (the last drawn on overlap), or kNoIndex.
  uint32_t nodeAt(Point p) const;
  // The edge whose route passes within `tolerance` of p (the nearest), or kNoIndex.
  uint32_t edgeAt(const SceneLayout& scene, Point p, float tolerance) const;

  float cellSize() const { return cell_; }
  uint32_t cellCount() const { return cols_ * rows_; }

 private:
  template <class F>
  void forCells(float x0, float y0, float x1, float y1, F&& f) const;
  bool fresh(uint32_t id, std::vector<uint32_t>& stamp) const;

  const SceneLayout* scene_ = nullptr;
  float cell_ = 1.0f;
  uint32_t cols_ = 0, rows_ = 0;
  std::vector<uint32_t> node_begin_, node_items_;
  std::vector<uint32_t> edge_begin_, edge_items_;
  mutable std::vector<uint32_t> node_stamp_, edge_stamp_;
  mutable uint32_t epoch_ = 0;
};

// Flattens edge e's route into a polyline (the Bezier sampled with `pieces_per_segment`
// chords per cubic), appended to out.
void flattenRoute(const SceneLayout& scene, uint32_t edge, uint32_t pieces_per_segment, std::vector<Point>& out);

}  // namespace nf::scene

// scene/scene_layout.h - where everything of a display graph is drawn.
//
//   DisplayGraph --layoutInput--> layout::Graph --layout engine--> layout::Layout
//                --makeSceneLayout--> SceneLayout (boxes, curves, arrows, labels)
//
// layoutScene() does the three steps synchronously (tests, tools). scene::SceneJob
// (scene_job.h) runs a layout::LayoutJob in slices (layoutInput, then job.step per
// call) and calls makeSceneLayout with the result, so both paths give the same geometry.
//
// Coordinates: pixels at zoom 1, x right, y down; bounds start at (0, 0) and contain
// every box, route point, arrowhead and label.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "layout/layout.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/text_metrics.h"

namespace nf::scene {

using layout::Point;
using layout::Rect;

struct EdgeGeometry {
  uint32_t first_point = 0;  // Bezier points P0 C C P1 ... in SceneLayout::points
  uint32_t point_count = 0;  // 3k+1, or 0 when not routed
  Point arrow[3];            // arrowhead triangle: tip (on the target border), left, right
  Rect label;                // text box of the edge label (zero size when none)
  bool label_shown = false;  // false for an empty label, or a repeat of the same tensor from the same box
  bool reversed = false;     // drawn against the flow (cycle)
};

struct SceneLayout {
  layout::Direction direction = layout::Direction::TopToBottom;
  std::vector<Rect> nodes;          // [display node] box, top-left corner and size
  std::vector<EdgeGeometry> edges;  // [display edge]
  std::vector<Point> points;        // every route's Bezier points
  Rect bounds;                      // everything drawn, starting at (0, 0)
  layout::Stats stats;              // from the engine

  Point nodeCenter(uint32_t n) const {
    return Point{nodes[n].x + nodes[n].width * 0.5f, nodes[n].y + nodes[n].height * 0.5f};
  }
};

// The options the scene uses by default: spacing suited to its boxes and labels.
layout::Options defaultLayoutOptions(layout::Direction direction = layout::Direction::TopToBottom);

// The layout engine's input for a display graph: node i is display node i, edge j is
// display edge j (free ports: the engine spreads edge ends along each side).
layout::Graph layoutInput(const DisplayGraph& graph);

// Geometry from a finished layout of layoutInput(graph).
SceneLayout makeSceneLayout(const DisplayGraph& graph, const layout::Layout& result, layout::Direction direction,
                            const TextMetrics& metrics = defaultMetrics());

// Places the edge labels (EdgeGeometry::label, label_shown) from graph.edges[].label:
// beside each route just after it leaves its source, one label per (source box,
// tensor). makeSceneLayout calls it; call it again after relabelling the edges (e.g.
// once shapes are inferred), which grows the bounds if a label reaches past them.
void placeEdgeLabels(const DisplayGraph& graph, SceneLayout& scene, const TextMetrics& metrics = defaultMetrics());

// Sets e.arrow: a BoxStyle arrowhead with its tip at `tip`, pointing along `dir` (any
// length; zero means the flow direction).
void setArrowhead(EdgeGeometry& e, Point tip, Point dir, layout::Direction direction);

// Synchronous: lays out and builds the geometry.
Result<SceneLayout> layoutScene(const DisplayGraph& graph, const layout::Options& options,
                                const layout::Hooks& hooks = {}, const TextMetrics& metrics = defaultMetrics());

// The point of edge e's route at Bezier segment `segment` and parameter t.
Point routePoint(const SceneLayout& scene, uint32_t edge, uint32_t segment, float t);

}  // namespace nf::scene

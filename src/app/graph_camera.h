// app/graph_camera.h - where the graph canvas looks: pan, zoom, fit, animated moves.
//
// The camera maps scene units (the layout's pixels at zoom 1) to canvas pixels (CSS
// pixels, ImGui's unit): canvas = (scene - origin) * zoom. Every change goes through
// the functions here, so the zoom limits and "zoom at the cursor" (the scene point
// under the cursor stays under it) hold everywhere.
#pragma once
#include "scene/scene_layout.h"

namespace nf::app {

struct GraphCamera {
  float origin_x = 0.0f;  // scene point at the canvas's top-left corner
  float origin_y = 0.0f;
  float zoom = 1.0f;      // canvas pixels per scene unit

  static constexpr float kMaxZoom = 6.0f;

  scene::Point toCanvas(scene::Point p) const { return {(p.x - origin_x) * zoom, (p.y - origin_y) * zoom}; }
  scene::Point toScene(scene::Point c) const { return {c.x / zoom + origin_x, c.y / zoom + origin_y}; }
  // The scene rectangle a canvas of this size shows.
  scene::Rect visible(float canvas_w, float canvas_h) const {
    return {origin_x, origin_y, canvas_w / zoom, canvas_h / zoom};
  }
};

// The smallest zoom allowed: a quarter of what fits the whole graph, and never more
// than 1 (small graphs can still be zoomed out a little).
float minZoom(const scene::Rect& bounds, float canvas_w, float canvas_h);
// Shows `r` (scene) centred in the canvas with `margin` canvas pixels around it,
// at most at max_zoom (so a single small node is not blown up).
GraphCamera fitRect(const scene::Rect& r, float canvas_w, float canvas_h, float margin, float max_zoom);
// Multiplies the zoom by `factor` keeping the scene point under canvas point `at` fixed.
GraphCamera zoomAt(const GraphCamera& c, scene::Point at, float factor, float min_zoom);
// Moves by a canvas-pixel delta.
GraphCamera panBy(const GraphCamera& c, float dx, float dy);
// Puts scene point p at the canvas centre, zoom unchanged.
GraphCamera centerOn(const GraphCamera& c, scene::Point p, float canvas_w, float canvas_h);
// Keeps at least part of the graph on screen (pan limits).
GraphCamera clampToBounds(const GraphCamera& c, const scene::Rect& bounds, float canvas_w, float canvas_h);
// Interpolates two cameras (t in [0, 1]), zoom geometrically so the motion feels even.
GraphCamera blend(const GraphCamera& a, const GraphCamera& b, float t, float canvas_w, float canvas_h);

}  // namespace nf::app

#include "app/graph_camera.h"

#include <algorithm>
#include <cmath>

namespace nf::app {

float minZoom(const scene::Rect& bounds, float canvas_w, float canvas_h) {
  const float fit = std::min(canvas_w / std::max(1.0f, bounds.width), canvas_h / std::max(1.0f, bounds.height));
  return std::min(1.0f, fit * 0.25f);
}

GraphCamera fitRect(const scene::Rect& r, float canvas_w, float canvas_h, float margin, float max_zoom) {
  const float w = std::max(1.0f, canvas_w - 2 * margin), h = std::max(1.0f, canvas_h - 2 * margin);
  GraphCamera c;
  c.zoom = std::min({w / std::max(1.0f, r.width), h / std::max(1.0f, r.height), max_zoom});
  c.origin_x = r.x + r.width * 0.5f - canvas_w * 0.5f / c.zoom;
  c.origin_y = r.y + r.height * 0.5f - canvas_h * 0.5f / c.zoom;
  return c;
}

GraphCamera zoomAt(const GraphCamera& c, scene::Point at, float factor, float min_zoom) {
  const scene::Point fixed = c.toScene(at);
  GraphCamera out = c;
  out.zoom = std::clamp(c.zoom * factor, min_zoom, GraphCamera::kMaxZoom);
  out.origin_x = fixed.x - at.x / out.zoom;
  out.origin_y = fixed.y - at.y / out.zoom;
  return out;
}

GraphCamera panBy(const GraphCamera& c, float dx, float dy) {
  GraphCamera out = c;
  out.origin_x -= dx / c.zoom;
  out.origin_y -= dy / c.zoom;
  return out;
}

GraphCamera centerOn(const GraphCamera& c, scene::Point p, float canvas_w, float canvas_h) {
  GraphCamera out = c;
  out.origin_x = p.x - canvas_w * 0.5f / c.zoom;
  out.origin_y = p.y - canvas_h * 0.5f / c.zoom;
  return out;
}

GraphCamera clampToBounds(const GraphCamera& c, const scene::Rect& b, float canvas_w, float canvas_h) {
  // The view may leave the graph, but a quarter of the canvas always overlaps it.
  GraphCamera out = c;
  const float vw = canvas_w / c.zoom, vh = canvas_h / c.zoom;
  out.origin_x = std::clamp(out.origin_x, b.x - vw * 0.75f, b.x + b.width - vw * 0.25f);
  out.origin_y = std::clamp(out.origin_y, b.y - vh * 0.75f, b.y + b.height - vh * 0.25f);
  return out;
}

GraphCamera blend(const GraphCamera& a, const GraphCamera& b, float t, float canvas_w, float canvas_h) {
  t = std::clamp(t, 0.0f, 1.0f);
  // Interpolate the scene point at the canvas centre and the log of the zoom.
  const scene::Point ca = a.toScene({canvas_w * 0.5f, canvas_h * 0.5f});
  const scene::Point cb = b.toScene({canvas_w * 0.5f, canvas_h * 0.5f});
  GraphCamera out;
  out.zoom = std::exp(std::log(a.zoom) + (std::log(b.zoom) - std::log(a.zoom)) * t);
  const scene::Point c{ca.x + (cb.x - ca.x) * t, ca.y + (cb.y - ca.y) * t};
  out.origin_x = c.x - canvas_w * 0.5f / out.zoom;
  out.origin_y = c.y - canvas_h * 0.5f / out.zoom;
  return out;
}

}  // namespace nf::app

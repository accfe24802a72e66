#include "scene/first_view.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nf::scene {

namespace {

// Canvas pixels left free around a fitted graph (as the app's Fit).
constexpr float kMargin = 24.0f;
// A typical box with its share of the layout's gaps, in scene units (measured on the
// corpus: grouped boxes are about 170 x 60, ranks 40 apart, columns 40 apart).
constexpr float kItemPitchX = 220.0f, kItemPitchY = 100.0f;

bool acrossIsX(const SceneLayout& layout) { return layout.direction == layout::Direction::TopToBottom; }

float across(const SceneLayout& layout, uint32_t n) {
  const Point c = layout.nodeCenter(n);
  return acrossIsX(layout) ? c.x : c.y;
}

}  // namespace

float readableZoom(float title_px) { return title_px / boxStyle().header_font; }
float titlePxAt(float zoom) { return boxStyle().header_font * zoom; }

uint32_t firstSightItemBudget(float canvas_w, float canvas_h) {
  const float z = readableZoom();
  const float cols = std::floor(std::max(0.0f, canvas_w) / (kItemPitchX * z));
  const float rows = std::floor(std::max(0.0f, canvas_h) / (kItemPitchY * z));
  const float items = std::isfinite(cols * rows) ? cols * rows : 200.0f;
  return static_cast<uint32_t>(std::clamp(items, 8.0f, 200.0f));
}

ViewPlacement firstView(const SceneLayout& layout, float canvas_w, float canvas_h, float top_pad, float max_zoom) {
  const Rect& b = layout.bounds;
  const float w = std::max(1.0f, canvas_w), h = std::max(1.0f, canvas_h - top_pad);
  ViewPlacement v;
  v.zoom = std::min({std::max(1.0f, w - 2 * kMargin) / std::max(1.0f, b.width),
                     std::max(1.0f, h - 2 * kMargin) / std::max(1.0f, b.height), max_zoom});
  if (titlePxAt(v.zoom) >= kReadableTitlePx || layout.nodes.empty()) {
    v.origin_x = b.x + b.width * 0.5f - w * 0.5f / v.zoom;
    v.origin_y = b.y + b.height * 0.5f - h * 0.5f / v.zoom - top_pad / v.zoom;
    return v;
  }
  // Too big to read whole: zoom 1 (titles at their design size) at the start.
  v.whole = false;
  v.zoom = std::max(1.0f, readableZoom());
  const bool tb = acrossIsX(layout);
  const float along_view = (tb ? h : w) / v.zoom;    // scene units visible along the flow
  const float across_view = (tb ? w : h) / v.zoom;  // and across it
  const float start = tb ? b.y : b.x;
  const float band_end = start + along_view;
  // Boxes on screen at the start; if they are wider than the canvas, the first rank.
  float lo = std::numeric_limits<float>::max(), hi = -lo, first = lo;
  for (const Rect& r : layout.nodes) first = std::min(first, tb ? r.y : r.x);
  auto extent = [&](float limit) {
    lo = std::numeric_limits<float>::max(), hi = -lo;
    for (const Rect& r : layout.nodes) {
      if ((tb ? r.y : r.x) > limit) continue;
      lo = std::min(lo, tb ? r.x : r.y);
      hi = std::max(hi, tb ? r.x + r.width : r.y + r.height);
    }
  };
  extent(band_end);
  if (hi - lo > across_view) extent(first + 1.0f);
  const float margin = kMargin / v.zoom;
  float across_origin = hi - lo + 2 * margin <= across_view ? (lo + hi) * 0.5f - across_view * 0.5f : lo - margin;
  const float along_origin = start - margin;
  if (tb) {
    v.origin_x = across_origin;
    v.origin_y = along_origin - top_pad / v.zoom;
  } else {
    v.origin_x = along_origin;
    v.origin_y = across_origin - top_pad / v.zoom;
  }
  return v;
}

uint32_t neighbourAlong(const DisplayGraph& g, const SceneLayout& layout, uint32_t from, Along along) {
  const uint32_t n = static_cast<uint32_t>(std::min(g.nodes.size(), layout.nodes.size()));
  if (from >= n) return kNoIndex;
  auto producers = [&](uint32_t v, std::vector<uint32_t>& out) {
    for (const DisplayEdge& e : g.edges)
      if (e.to == v && e.from != v && e.from < n) out.push_back(e.from);
  };
  auto consumers = [&](uint32_t v, std::vector<uint32_t>& out) {
    for (const DisplayEdge& e : g.edges)
      if (e.from == v && e.to != v && e.to < n) out.push_back(e.to);
  };
  const float here = across(layout, from);
  auto closest = [&](const std::vector<uint32_t>& c) {
    uint32_t best = kNoIndex;
    float best_d = std::numeric_limits<float>::max();
    for (uint32_t v : c) {
      const float d = std::abs(across(layout, v) - here);
      if (d < best_d || (d == best_d && v < best)) best = v, best_d = d;
    }
    return best;
  };
  std::vector<uint32_t> c;
  if (along == Along::Back) {
    producers(from, c);
    return closest(c);
  }
  if (along == Along::Forward) {
    consumers(from, c);
    return closest(c);
  }
  // Siblings: the other consumers of this box's producers (or, for a box without
  // producers such as a graph input, the other producers of its consumers).
  std::vector<uint32_t> parents;
  producers(from, parents);
  if (!parents.empty()) {
    for (uint32_t p : parents) consumers(p, c);
  } else {
    consumers(from, parents);
    for (uint32_t p : parents) producers(p, c);
  }
  c.push_back(from);
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  std::stable_sort(c.begin(), c.end(), [&](uint32_t a, uint32_t b) { return across(layout, a) < across(layout, b); });
  const auto it = std::find(c.begin(), c.end(), from);
  const size_t k = static_cast<size_t>(it - c.begin());
  if (along == Along::Previous) return k > 0 ? c[k - 1] : kNoIndex;
  return k + 1 < c.size() ? c[k + 1] : kNoIndex;
}

}  // namespace nf::scene

#include "scene/scene_layout.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>
#include <utility>

namespace nf::scene {

namespace {

Point bezier(const Point* p, float t) {
  const float u = 1.0f - t;
  const float a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
  return Point{a * p[0].x + b * p[1].x + c * p[2].x + d * p[3].x, a * p[0].y + b * p[1].y + c * p[2].y + d * p[3].y};
}

void grow(Rect& r, float x0, float y0, float x1, float y1) {
  const float rx1 = std::max(r.x + r.width, x1), ry1 = std::max(r.y + r.height, y1);
  r.x = std::min(r.x, x0);
  r.y = std::min(r.y, y0);
  r.width = rx1 - r.x;
  r.height = ry1 - r.y;
}

// How far along the route (from the source border) an edge label is centred.
constexpr float kLabelOffset = 14.0f;

}  // namespace

layout::Options defaultLayoutOptions(layout::Direction direction) {
  layout::Options o;
  o.direction = direction;
  o.node_sep = 24.0f;
  o.edge_sep = 10.0f;
  // Labels sit in the gap below the source box: room for one line of label_font.
  o.rank_sep = direction == layout::Direction::TopToBottom ? 40.0f : 56.0f;
  return o;
}

layout::Graph layoutInput(const DisplayGraph& graph) {
  layout::Graph g;
  g.nodes.resize(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    g.nodes[i].width = graph.nodes[i].width;
    g.nodes[i].height = graph.nodes[i].height;
  }
  g.edges.resize(graph.edges.size());
  for (size_t i = 0; i < graph.edges.size(); ++i) {
    g.edges[i].from = graph.edges[i].from;
    g.edges[i].to = graph.edges[i].to;
  }
  return g;
}

Point routePoint(const SceneLayout& scene, uint32_t edge, uint32_t segment, float t) {
  const EdgeGeometry& e = scene.edges[edge];
  return bezier(&scene.points[e.first_point + 3 * segment], t);
}

void setArrowhead(EdgeGeometry& e, Point tip, Point dir, layout::Direction direction) {
  const BoxStyle& st = boxStyle();
  const float len = std::hypot(dir.x, dir.y);
  if (len > 1e-6f) {
    dir.x /= len;
    dir.y /= len;
  } else {
    dir = direction == layout::Direction::TopToBottom ? Point{0, 1} : Point{1, 0};
  }
  const Point base{tip.x - dir.x * st.arrow_length, tip.y - dir.y * st.arrow_length};
  e.arrow[0] = tip;
  e.arrow[1] = Point{base.x - dir.y * st.arrow_half_width, base.y + dir.x * st.arrow_half_width};
  e.arrow[2] = Point{base.x + dir.y * st.arrow_half_width, base.y - dir.x * st.arrow_half_width};
}

SceneLayout makeSceneLayout(const DisplayGraph& graph, const layout::Layout& result, layout::Direction direction,
                            const TextMetrics& metrics) {
  SceneLayout s;
  s.direction = direction;
  s.stats = result.stats;
  s.points = result.points;
  s.nodes.resize(graph.nodes.size());
  Rect bounds = result.bounds;
  for (size_t i = 0; i < graph.nodes.size() && i < result.node_centers.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    const Point c = result.node_centers[i];
    s.nodes[i] = Rect{c.x - n.width * 0.5f, c.y - n.height * 0.5f, n.width, n.height};
  }

  s.edges.resize(graph.edges.size());
  for (size_t i = 0; i < graph.edges.size() && i < result.edges.size(); ++i) {
    const layout::EdgeRoute& r = result.edges[i];
    EdgeGeometry& e = s.edges[i];
    e.first_point = r.first_point;
    e.point_count = r.point_count;
    e.reversed = r.reversed;
    if (r.point_count < 4) continue;
    const Point* p = &s.points[r.first_point];
    // Arrowhead: its tip on the last point, pointing along arrow_dir.
    setArrowhead(e, p[r.point_count - 1], r.arrow_dir, direction);
    grow(bounds, std::min({e.arrow[1].x, e.arrow[2].x}), std::min({e.arrow[1].y, e.arrow[2].y}),
         std::max({e.arrow[1].x, e.arrow[2].x}), std::max({e.arrow[1].y, e.arrow[2].y}));
  }
  s.bounds = bounds;
  placeEdgeLabels(graph, s, metrics);
  bounds = s.bounds;

  // Shift so the bounds start at (0, 0) again (labels and arrows may reach past them).
  const float dx = -bounds.x, dy = -bounds.y;
  if (dx != 0.0f || dy != 0.0f) {
    for (Rect& r : s.nodes) r.x += dx, r.y += dy;
    for (Point& p : s.points) p.x += dx, p.y += dy;
    for (EdgeGeometry& e : s.edges) {
      for (Point& p : e.arrow) p.x += dx, p.y += dy;
      if (e.label_shown) e.label.x += dx, e.label.y += dy;
    }
  }
  s.bounds = Rect{0, 0, bounds.width, bounds.height};
  return s;
}

void placeEdgeLabels(const DisplayGraph& graph, SceneLayout& s, const TextMetrics& metrics) {
  const BoxStyle& st = boxStyle();
  // One label per (source box, tensor): bundled edges of one tensor share their
  // first segment, so their labels would be drawn on top of each other. The first
  // edge (lowest index) of each key keeps the label: sort keys, keep the first.
  struct Key {
    uint32_t from, graph, value, edge;
  };
  std::vector<Key> keys;
  keys.reserve(graph.edges.size());
  for (uint32_t i = 0; i < graph.edges.size() && i < s.edges.size(); ++i) {
    s.edges[i].label_shown = false;
    s.edges[i].label = Rect{};
    const DisplayEdge& de = graph.edges[i];
    if (!de.label.empty() && s.edges[i].point_count >= 4) keys.push_back(Key{de.from, de.graph.index, de.value.index, i});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.from, a.graph, a.value, a.edge) < std::tie(b.from, b.graph, b.value, b.edge);
  });
  Rect bounds = s.bounds;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k > 0 && keys[k].from == keys[k - 1].from && keys[k].graph == keys[k - 1].graph &&
        keys[k].value == keys[k - 1].value)
      continue;
    const uint32_t i = keys[k].edge;
    EdgeGeometry& e = s.edges[i];
    const Point* p = &s.points[e.first_point];
    // Beside the route just after it leaves the source (edges leave their box
    // straight, so labels of neighbouring sources never meet, as they would where
    // converging edges meet near their target).
    Point m = p[3];
    for (int j = 1; j <= 16; ++j) {
      const Point q = bezier(p, j / 16.0f);
      if (std::hypot(q.x - p[0].x, q.y - p[0].y) >= kLabelOffset) {
        m = q;
        break;
      }
    }
    const float w = metrics.width(graph.edges[i].label, st.label_font, FontStyle::Regular);
    const float h = st.label_font * 1.25f;
    if (s.direction == layout::Direction::TopToBottom) {
      e.label = Rect{m.x + 4.0f, m.y - h * 0.5f, w, h};
    } else {
      e.label = Rect{m.x - w * 0.5f, m.y - h - 2.0f, w, h};
    }
    e.label_shown = true;
    grow(bounds, e.label.x, e.label.y, e.label.x + e.label.width, e.label.y + e.label.height);
  }
  s.bounds = bounds;
}

Result<SceneLayout> layoutScene(const DisplayGraph& graph, const layout::Options& options, const layout::Hooks& hooks,
                                const TextMetrics& metrics) {
  auto result = layout::layoutGraph(layoutInput(graph), options, hooks);
  if (!result) return result.error();
  return makeSceneLayout(graph, *result, options.direction, metrics);
}

}  // namespace nf::scene

#include "scene/spatial_index.h"

#include <algorithm>
#include <cmath>

#include "layout/csr.h"

namespace nf::scene {

namespace {

constexpr uint32_t kMaxCells = 1u << 22;

float distanceToSegment(Point p, Point a, Point b) {
  const float vx = b.x - a.x, vy = b.y - a.y;
  const float len2 = vx * vx + vy * vy;
  float t = len2 > 0 ? ((p.x - a.x) * vx + (p.y - a.y) * vy) / len2 : 0.0f;
  t = std::clamp(t, 0.0f, 1.0f);
  return std::hypot(p.x - (a.x + t * vx), p.y - (a.y + t * vy));
}

}  // namespace

void flattenRoute(const SceneLayout& scene, uint32_t edge, uint32_t pieces, std::vector<Point>& out) {
  const EdgeGeometry& e = scene.edges[edge];
  if (e.point_count < 4) return;
  const uint32_t segments = (e.point_count - 1) / 3;
  out.push_back(scene.points[e.first_point]);
  for (uint32_t s = 0; s < segments; ++s) {
    const Point* p = &scene.points[e.first_point + 3 * s];
    // Straight segments (controls on the chord, as the engine emits for vertical runs)
    // need one piece only.
    const bool straight = distanceToSegment(p[1], p[0], p[3]) < 0.01f && distanceToSegment(p[2], p[0], p[3]) < 0.01f;
    const uint32_t k = straight ? 1 : pieces;
    for (uint32_t i = 1; i <= k; ++i) out.push_back(routePoint(scene, edge, s, static_cast<float>(i) / k));
  }
}

template <class F>
void SpatialIndex::forCells(float x0, float y0, float x1, float y1, F&& f) const {
  if (cols_ == 0) return;
  const auto clampCol = [&](float x) {
    return static_cast<uint32_t>(std::clamp(std::floor(x / cell_), 0.0f, static_cast<float>(cols_ - 1)));
  };
  const auto clampRow = [&](float y) {
    return static_cast<uint32_t>(std::clamp(std::floor(y / cell_), 0.0f, static_cast<float>(rows_ - 1)));
  };
  if (x1 < 0 || y1 < 0 || x0 > cell_ * cols_ || y0 > cell_ * rows_) return;
  const uint32_t c0 = clampCol(x0), c1 = clampCol(x1), r0 = clampRow(y0), r1 = clampRow(y1);
  for (uint32_t r = r0; r <= r1; ++r)
    for (uint32_t c = c0; c <= c1; ++c) f(r * cols_ + c);
}

bool SpatialIndex::fresh(uint32_t id, std::vector<uint32_t>& stamp) const {
  if (stamp[id] == epoch_) return false;
  stamp[id] = epoch_;
  return true;
}

void SpatialIndex::build(const SceneLayout& scene) {
  scene_ = &scene;
  const size_t n = scene.nodes.size();
  // Cell size: about one node per cell, never smaller than the mean box.
  double mean_w = 0, mean_h = 0;
  for (const Rect& r : scene.nodes) mean_w += r.width, mean_h += r.height;
  if (n) mean_w /= n, mean_h /= n;
  const double area = std::max(1.0, static_cast<double>(scene.bounds.width) * scene.bounds.height);
  double cell = std::sqrt(area / std::max<size_t>(1, n));
  cell = std::max({cell, mean_w, mean_h, 16.0});
  while ((std::ceil(scene.bounds.width / cell) + 1) * (std::ceil(scene.bounds.height / cell) + 1) > kMaxCells) cell *= 1.5;
  cell_ = static_cast<float>(cell);
  cols_ = static_cast<uint32_t>(std::ceil(scene.bounds.width / cell)) + 1;
  rows_ = static_cast<uint32_t>(std::ceil(scene.bounds.height / cell)) + 1;
  const uint32_t cells = cols_ * rows_;

  // Nodes: (cell, node) pairs, grouped by cell with a counting sort.
  std::vector<uint32_t> pair_cell, pair_item;
  for (uint32_t i = 0; i < n; ++i) {
    const Rect& r = scene.nodes[i];
    forCells(r.x, r.y, r.x + r.width, r.y + r.height, [&](uint32_t c) {
      pair_cell.push_back(c);
      pair_item.push_back(i);
    });
  }
  std::vector<uint32_t> order;
  layout::buildCsr(cells, static_cast<uint32_t>(pair_cell.size()), [&](uint32_t k) { return pair_cell[k]; },
                   node_begin_, order);
  node_items_.resize(order.size());
  for (size_t k = 0; k < order.size(); ++k) node_items_[k] = pair_item[order[k]];

  // Edges: every flattened piece (chord) inserted by its bounding box.
  pair_cell.clear();
  pair_item.clear();
  std::vector<Point> line;
  for (uint32_t e = 0; e < scene.edges.size(); ++e) {
    line.clear();
    flattenRoute(scene, e, 8, line);
    uint32_t last_cell = 0xFFFFFFFFu;
    for (size_t k = 1; k < line.size(); ++k) {
      const Point a = line[k - 1], b = line[k];
      forCells(std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y), [&](uint32_t c) {
        if (c == last_cell) return;  // consecutive pieces in one cell: listed once
        last_cell = c;
        pair_cell.push_back(c);
        pair_item.push_back(e);
      });
    }
    const EdgeGeometry& g = scene.edges[e];
    if (g.point_count >= 4) {
      const Point t = g.arrow[0];
      forCells(t.x - 8, t.y - 8, t.x + 8, t.y + 8, [&](uint32_t c) {
        pair_cell.push_back(c);
        pair_item.push_back(e);
      });
    }
  }
  layout::buildCsr(cells, static_cast<uint32_t>(pair_cell.size()), [&](uint32_t k) { return pair_cell[k]; },
                   edge_begin_, order);
  edge_items_.resize(order.size());
  for (size_t k = 0; k < order.size(); ++k) edge_items_[k] = pair_item[order[k]];

  node_stamp_.assign(n, 0);
  edge_stamp_.assign(scene.edges.size(), 0);
  epoch_ = 0;
}

void SpatialIndex::queryNodes(const Rect& v, std::vector<uint32_t>& out) const {
  if (!scene_) return;
  if (++epoch_ == 0) std::fill(node_stamp_.begin(), node_stamp_.end(), 0), epoch_ = 1;
  const size_t first = out.size();
  forCells(v.x, v.y, v.x + v.width, v.y + v.height, [&](uint32_t c) {
    for (uint32_t k = node_begin_[c]; k < node_begin_[c + 1]; ++k) {
      const uint32_t id = node_items_[k];
      const Rect& r = scene_->nodes[id];
      if (r.x > v.x + v.width || r.x + r.width < v.x || r.y > v.y + v.height || r.y + r.height < v.y) continue;
      if (fresh(id, node_stamp_)) out.push_back(id);
    }
  });
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

void SpatialIndex::queryEdges(const Rect& v, std::vector<uint32_t>& out) const {
  if (!scene_) return;
  if (++epoch_ == 0) std::fill(edge_stamp_.begin(), edge_stamp_.end(), 0), epoch_ = 1;
  const size_t first = out.size();
  forCells(v.x, v.y, v.x + v.width, v.y + v.height, [&](uint32_t c) {
    for (uint32_t k = edge_begin_[c]; k < edge_begin_[c + 1]; ++k)
      if (fresh(edge_items_[k], edge_stamp_)) out.push_back(edge_items_[k]);
  });
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

uint32_t SpatialIndex::nodeAt(Point p) const {
  if (!scene_ || cols_ == 0) return kNoIndex;
  if (p.x < 0 || p.y < 0 || p.x > cell_ * cols_ || p.y > cell_ * rows_) return kNoIndex;
  uint32_t best = kNoIndex;
  forCells(p.x, p.y, p.x, p.y, [&](uint32_t c) {
    for (uint32_t k = node_begin_[c]; k < node_begin_[c + 1]; ++k) {
      const uint32_t id = node_items_[k];
      const Rect& r = scene_->nodes[id];
      if (p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height)
        if (best == kNoIndex || id > best) best = id;
    }
  });
  return best;
}

uint32_t SpatialIndex::edgeAt(const SceneLayout& scene, Point p, float tolerance) const {
  std::vector<uint32_t> candidates;
  queryEdges(Rect{p.x - tolerance, p.y - tolerance, 2 * tolerance, 2 * tolerance}, candidates);
  uint32_t best = kNoIndex;
  float best_d = tolerance;
  std::vector<Point> line;
  for (uint32_t e : candidates) {
    line.clear();
    flattenRoute(scene, e, 16, line);
    for (size_t k = 1; k < line.size(); ++k) {
      const float d = distanceToSegment(p, line[k - 1], line[k]);
      if (d <= best_d) best_d = d, best = e;
    }
  }
  return best;
}

}  // namespace nf::scene

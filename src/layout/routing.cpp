#include "layout/routing.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nf::layout {

float Routing::progress() const {
  switch (stage_) {
    case Stage::Nodes: return 0.0f;
    case Stage::Edges: return graph_.edges.empty() ? 0.9f : 0.05f + 0.85f * cursor_ / graph_.edges.size();
    case Stage::Finish: return 0.9f;
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

// Appends a bend point, dropping duplicates and merging vertical runs (a straight
// piece between two points with equal x stays straight when its middle point goes).
void Routing::addBend(double x, double y) {
  const size_t n = bends_.size();
  if (n > 0 && bends_[n - 1].x == x && bends_[n - 1].y == y) return;
  if (n > 1 && bends_[n - 1].x == x && bends_[n - 2].x == x) {
    bends_[n - 1].y = y;
    return;
  }
  bends_.push_back({x, y});
}

// Compressed bends of the maximal trunk starting at `first` (consecutive segment ids
// running through dummies), in trunk_bends_ with merged vertical runs.
void Routing::buildTrunk(uint32_t first) {
  trunk_at_[first] = static_cast<uint32_t>(trunk_begin_.size() - 1);
  const size_t start = trunk_bends_.size();
  auto add = [&](double x, double y, uint32_t k) {
    const size_t n = trunk_bends_.size() - start;
    if (n > 0 && trunk_bends_.back().x == x && trunk_bends_.back().y == y) return;
    if (n > 1 && trunk_bends_.back().x == x && trunk_bends_[trunk_bends_.size() - 2].x == x) {
      trunk_bends_.back().y = y;
      trunk_bends_.back().dummy = k;
      return;
    }
    trunk_bends_.push_back({x, y, k});
  };
  uint32_t s = first;
  for (uint32_t k = 0;; ++k, ++s) {
    const uint32_t d = g_.segments[s].lower;
    const int32_t r = g_.rank[d];
    add(p_.x[d], p_.rank_top[r], k);
    add(p_.x[d], p_.rank_top[r] + p_.rank_height[r], k);
    const uint32_t next = s + 1;
    if (next >= g_.segments.size() || g_.segments[next].upper != d || !g_.isDummy(g_.segments[next].lower)) break;
  }
  trunk_begin_.push_back(static_cast<uint32_t>(trunk_bends_.size()));
}

void Routing::routeEdge(uint32_t e) {
  const ProperGraph::EdgePath& path = g_.paths[e];
  bends_.clear();
  const uint32_t first = path.trunk_len > 0 ? path.trunk_first : path.last;
  const ProperGraph::Segment& s0 = g_.segments[first];
  const uint32_t u = s0.upper;
  const int32_t ru = g_.rank[u];
  const double band_bottom_u = p_.rank_top[ru] + p_.rank_height[ru];
  const double xu = p_.x[u] + p_.upper_dx[first];
  addBend(xu, band_bottom_u - 0.5 * (p_.rank_height[ru] - g_.height[u]));  // u's bottom border
  addBend(xu, band_bottom_u);
  if (path.trunk_len > 0) {
    if (trunk_at_[path.trunk_first] == kNoIndex) buildTrunk(path.trunk_first);
    const uint32_t t = trunk_at_[path.trunk_first];
    const TrunkBend* begin = trunk_bends_.data() + trunk_begin_[t];
    const TrunkBend* end = trunk_bends_.data() + trunk_begin_[t + 1];
    const uint32_t last_dummy = path.trunk_len - 1;
    const TrunkBend* stop = std::upper_bound(begin, end, last_dummy,
                                             [](uint32_t k, const TrunkBend& b) { return k < b.dummy; });
    for (const TrunkBend* b = begin; b != stop; ++b) addBend(b->x, b->y);
    // The run containing the exit dummy may continue below it: end it at that dummy.
    const uint32_t d = g_.segments[path.trunk_first + last_dummy].lower;
    const int32_t r = g_.rank[d];
    addBend(p_.x[d], p_.rank_top[r]);
    addBend(p_.x[d], p_.rank_top[r] + p_.rank_height[r]);
  }
  const uint32_t h = g_.segments[path.last].lower;
  const int32_t rh = g_.rank[h];
  const double xh = p_.x[h] + p_.lower_dx[path.last];
  addBend(xh, p_.rank_top[rh]);
  addBend(xh, p_.rank_top[rh] + 0.5 * (p_.rank_height[rh] - g_.height[h]));  // h's top border
  if (bends_.size() == 1) bends_.push_back(bends_[0]);  // zero-height nodes, adjacent: keep 2 points
  emit(e, acyclic_.reversed[e] != 0);
}

void Routing::routeSelfLoop(uint32_t e) {
  const uint32_t v = graph_.edges[e].from;
  const int32_t r = g_.rank[v];
  const double w = g_.width[v], h = g_.height[v];
  const double cx = p_.x[v], cy = p_.rank_top[r] + 0.5 * p_.rank_height[r];
  const double clearance = 0.5 * std::min<double>(options_.node_sep, options_.rank_sep);
  const uint32_t out_ports = g_.bottom_ports[v], in_ports = g_.top_ports[v];
  const EdgeSpec& s = graph_.edges[e];
  auto portX = [&](uint32_t ports, uint32_t port) {
    if (ports == 0) return cx + 0.25 * w;
    const uint32_t slot = port == kFreePort ? ports / 2 : port;
    return cx - 0.5 * w + (slot + 0.5) * w / ports;
  };
  const double x0 = portX(out_ports, s.from_port), x1 = portX(in_ports, s.to_port);
  const double right = cx + 0.5 * w + clearance;
  const double bottom = cy + 0.5 * h, top = cy - 0.5 * h;
  const P pts[7] = {{x0, bottom},       {x0, bottom + clearance}, {right, bottom + clearance}, {right, cy},
                    {right, top - clearance}, {x1, top - clearance}, {x1, top}};
  EdgeRoute& route = out_.edges[e];
  route.first_point = static_cast<uint32_t>(out_.points.size());
  route.point_count = 7;
  route.reversed = false;
  const bool lr = options_.direction == Direction::LeftToRight;
  for (const P& q : pts)
    out_.points.push_back(lr ? Point{static_cast<float>(q.y), static_cast<float>(q.x)}
                             : Point{static_cast<float>(q.x), static_cast<float>(q.y)});
  route.arrow_dir = lr ? Point{1.0f, 0.0f} : Point{0.0f, 1.0f};
  edge_length_ += (bottom - top) + 2 * (right - x0) + 2 * clearance;  // rough: the bend polyline
}

// Writes bends_ as Bezier points (reversed when the edge was reversed).
void Routing::emit(uint32_t e, bool reversed) {
  if (reversed) std::reverse(bends_.begin(), bends_.end());
  const bool lr = options_.direction == Direction::LeftToRight;
  auto push = [&](double x, double y) {
    out_.points.push_back(lr ? Point{static_cast<float>(y), static_cast<float>(x)}
                             : Point{static_cast<float>(x), static_cast<float>(y)});
  };
  EdgeRoute& route = out_.edges[e];
  route.first_point = static_cast<uint32_t>(out_.points.size());
  route.reversed = reversed;
  push(bends_[0].x, bends_[0].y);
  for (size_t i = 1; i < bends_.size(); ++i) {
    const P& a = bends_[i - 1];
    const P& b = bends_[i];
    const double half = 0.5 * (b.y - a.y);
    push(a.x, a.y + half);
    push(b.x, b.y - half);
    push(b.x, b.y);
    edge_length_ += std::hypot(b.x - a.x, b.y - a.y);
  }
  route.point_count = static_cast<uint32_t>(out_.points.size()) - route.first_point;
  const P& last = bends_.back();
  const P& prev = bends_[bends_.size() - 2];
  const double dy = last.y - prev.y;
  const float dir = dy < 0 ? -1.0f : 1.0f;  // tangents are vertical at every bend point
  route.arrow_dir = lr ? Point{dir, 0.0f} : Point{0.0f, dir};
}

bool Routing::run(Budget& budget) {
  const uint32_t n = g_.real_count;
  const uint32_t m = static_cast<uint32_t>(graph_.edges.size());
  const bool lr = options_.direction == Direction::LeftToRight;
  switch (stage_) {
    case Stage::Nodes: {
      out_.node_centers.resize(n);
      for (uint32_t v = 0; v < n; ++v) {
        const int32_t r = g_.rank[v];
        const double x = p_.x[v], y = p_.rank_top[r] + 0.5 * p_.rank_height[r];
        out_.node_centers[v] = lr ? Point{static_cast<float>(y), static_cast<float>(x)}
                                  : Point{static_cast<float>(x), static_cast<float>(y)};
      }
      out_.edges.assign(m, EdgeRoute{});
      trunk_at_.assign(g_.segments.size(), kNoIndex);
      trunk_begin_.assign(1, 0);
      out_.points.reserve(static_cast<size_t>(m) * 7);
      stage_ = Stage::Edges;
      if (budget.tick(n + m)) return false;
      [[fallthrough]];
    }
    case Stage::Edges: {
      while (cursor_ < m) {
        const uint32_t e = cursor_++;
        if (acyclic_.self_loop[e]) routeSelfLoop(e);
        else routeEdge(e);
        if (budget.tick(8)) return false;
      }
      stage_ = Stage::Finish;
      [[fallthrough]];
    }
    case Stage::Finish: {
      double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
      for (uint32_t v = 0; v < n; ++v) {
        const NodeSpec& s = graph_.nodes[v];
        const Point& c = out_.node_centers[v];
        x0 = std::min<double>(x0, c.x - 0.5 * s.width);
        x1 = std::max<double>(x1, c.x + 0.5 * s.width);
        y0 = std::min<double>(y0, c.y - 0.5 * s.height);
        y1 = std::max<double>(y1, c.y + 0.5 * s.height);
      }
      for (const Point& q : out_.points) {
        x0 = std::min<double>(x0, q.x);
        x1 = std::max<double>(x1, q.x);
        y0 = std::min<double>(y0, q.y);
        y1 = std::max<double>(y1, q.y);
      }
      if (n == 0) x0 = y0 = x1 = y1 = 0.0;
      const float dx = static_cast<float>(-x0), dy = static_cast<float>(-y0);
      if (dx != 0.0f || dy != 0.0f) {
        for (Point& c : out_.node_centers) c = {c.x + dx, c.y + dy};
        for (Point& q : out_.points) q = {q.x + dx, q.y + dy};
      }
      out_.bounds = {0.0f, 0.0f, static_cast<float>(x1 - x0), static_cast<float>(y1 - y0)};
      out_.stats.edge_length = edge_length_;
      bends_ = {};
      trunk_at_ = {};
      trunk_begin_ = {};
      trunk_bends_ = {};
      stage_ = Stage::Done;
      budget.tick(n + static_cast<uint32_t>(out_.points.size()));
      return true;
    }
    case Stage::Done: return true;
  }
  return true;
}

}  // namespace nf::layout

#include "views/space_view.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "layout/layout.h"

namespace nf::views {

namespace {

int64_t knownDim(const ir::Shape& s, size_t i) {
  if (!s.rank_known || i >= s.dims.size() || !s.dims[i].isKnown()) return 1;
  return std::max<int64_t>(1, s.dims[i].value);
}

float logSide(int64_t v, float unit, float min, float max) {
  return std::clamp(unit * static_cast<float>(std::log2(1.0 + static_cast<double>(std::max<int64_t>(v, 1)))), min,
                    std::max(min, max));
}

// ceil(a / b) for a >= 0, b > 0, clamped to uint32.
uint32_t ceilDiv(int64_t a, int64_t b) {
  const int64_t q = a / b + (a % b ? 1 : 0);
  return static_cast<uint32_t>(std::min<int64_t>(q, std::numeric_limits<uint32_t>::max()));
}


// A square-ish grid of `count` cells: columns, rows.
void gridOf(uint32_t count, uint32_t* cols, uint32_t* rows) {
  const uint32_t c = std::max(1u, static_cast<uint32_t>(std::ceil(std::sqrt(static_cast<double>(std::max(count, 1u))))));
  *cols = c;
  *rows = std::max(1u, (count + c - 1) / c);
}

}  // namespace

SpaceLayer spaceLayer(const Layer& layer, uint32_t index, const SpaceOptions& o, const SpaceState& state) {
  SpaceLayer s;
  s.layer = index;
  const ir::Shape& sh = layer.shape;
  const size_t rank = sh.rank_known ? sh.rank() : 0;
  if (rank == 2 || rank == 1) {
    s.kind = SpaceLayerKind::Dense;
    s.c = knownDim(sh, rank - 1);
  } else if (rank == 3) {
    // (N, H, W): one map, as the Run panel shows it (channelImages' heat map).
    s.c = 1;
    s.h = knownDim(sh, 1);
    s.w = knownDim(sh, 2);
  } else if (rank >= 4) {
    s.c = knownDim(sh, 1);
    s.h = knownDim(sh, rank - 2);
    s.w = knownDim(sh, rank - 1);
    if (s.h == 1 && s.w == 1) s.kind = SpaceLayerKind::Dense;  // after global pooling
  }
  const uint32_t page_size = std::max(1u, o.page_size);
  const uint32_t saved_page = index < state.page.size() ? state.page[index] : 0;
  if (s.kind == SpaceLayerKind::Dense) {
    s.pages = ceilDiv(s.c, page_size);
    s.page = std::min(saved_page, s.pages - 1);
    s.first = s.page * page_size;
    s.count = static_cast<uint32_t>(std::min<int64_t>(s.c - s.first, page_size));
    // Rows about twice as long as the block is deep: 256 units are 8 rows of 32.
    const uint32_t cols = std::clamp(static_cast<uint32_t>(std::ceil(std::sqrt(2.0 * s.count))), 1u, std::max(s.count, 1u));
    const uint32_t rows = std::max(1u, (s.count + cols - 1) / cols);
    const float pitch = o.unit_side * 1.5f;
    s.size = Vec3{cols * pitch, o.unit_side, rows * pitch};
    return s;
  }
  s.side_w = logSide(s.w, o.unit, o.min_side, o.max_side);
  s.side_h = logSide(s.h, o.unit, o.min_side, o.max_side);
  s.open = state.open.count(index) > 0 && s.c > 1;
  if (!s.open) {
    s.count = static_cast<uint32_t>(std::min<int64_t>(s.c, page_size));
    s.size = Vec3{s.side_w, logSide(s.c, o.channel_unit, o.min_thickness, o.max_thickness), s.side_h};
    return s;
  }
  s.pages = ceilDiv(s.c, page_size);
  s.page = std::min(saved_page, s.pages - 1);
  s.first = s.page * page_size;
  s.count = static_cast<uint32_t>(std::min<int64_t>(s.c - s.first, page_size));
  uint32_t cols = 0, rows = 0;
  gridOf(s.count, &cols, &rows);
  s.size = Vec3{cols * s.side_w * (1 + o.plane_gap), o.plane_thickness, rows * s.side_h * (1 + o.plane_gap)};
  // The grid takes room along the flow too, so its neighbours do not crowd it.
  s.size.y = std::max(o.plane_thickness, o.open_height * std::max(s.size.x, s.size.z));
  return s;
}

Result<SpaceScene> layoutSpace(const LayerGraph& graph, const SpaceOptions& o, const SpaceState& state) {
  SpaceScene scene;
  const uint32_t n = static_cast<uint32_t>(graph.layers.size());
  layout::Graph lg;
  for (uint32_t i = 0; i < n; ++i) {
    scene.layers.push_back(spaceLayer(graph.layers[i], i, o, state));
    lg.nodes.push_back({scene.layers.back().size.x, scene.layers.back().size.y});
  }
  for (const LayerEdge& e : graph.edges) {
    lg.edges.push_back({e.from, e.to});
    scene.links.push_back({e.from, e.to});
  }
  layout::Options lo;
  lo.direction = layout::Direction::TopToBottom;
  lo.node_sep = o.branch_gap;
  lo.rank_sep = o.layer_gap;
  auto placed = layout::layoutGraph(lg, lo);
  if (!placed) return placed.error();
  const float cx = placed->bounds.width * 0.5f;
  for (uint32_t i = 0; i < n; ++i) {
    SpaceLayer& l = scene.layers[i];
    l.center = Vec3{placed->node_centers[i].x - cx, -placed->node_centers[i].y, 0.0f};
    const Vec3 lo3{l.center.x - l.size.x * 0.5f, l.center.y - l.size.y * 0.5f, l.center.z - l.size.z * 0.5f};
    if (l.kind == SpaceLayerKind::Dense) {
      const float pitch = o.unit_side * 1.5f;
      const uint32_t cols = std::max(1u, static_cast<uint32_t>(std::lround(l.size.x / pitch)));
      for (uint32_t k = 0; k < l.count; ++k)
        scene.boxes.push_back({i, l.first + k,
                               Vec3{lo3.x + pitch * (k % cols + 0.5f), l.center.y, lo3.z + pitch * (k / cols + 0.5f)},
                               Vec3{o.unit_side, o.unit_side, o.unit_side}});
    } else if (!l.open) {
      scene.boxes.push_back({i, kNoIndex, l.center, l.size});
    } else {
      const float pw = l.side_w * (1 + o.plane_gap), ph = l.side_h * (1 + o.plane_gap);
      const uint32_t cols = std::max(1u, static_cast<uint32_t>(std::lround(l.size.x / pw)));
      for (uint32_t k = 0; k < l.count; ++k)
        scene.planes.push_back({i, l.first + k,
                                Vec3{lo3.x + pw * (k % cols + 0.5f), l.center.y, lo3.z + ph * (k / cols + 0.5f)},
                                Vec3{l.side_w, o.plane_thickness, l.side_h}});
    }
  }
  if (n == 0) return scene;
  scene.min = Vec3{std::numeric_limits<float>::max(), std::numeric_limits<float>::max(), std::numeric_limits<float>::max()};
  scene.max = Vec3{-scene.min.x, -scene.min.y, -scene.min.z};
  for (const SpaceLayer& l : scene.layers) {
    scene.min = Vec3{std::min(scene.min.x, l.center.x - l.size.x * 0.5f), std::min(scene.min.y, l.center.y - l.size.y * 0.5f),
                     std::min(scene.min.z, l.center.z - l.size.z * 0.5f)};
    scene.max = Vec3{std::max(scene.max.x, l.center.x + l.size.x * 0.5f), std::max(scene.max.y, l.center.y + l.size.y * 0.5f),
                     std::max(scene.max.z, l.center.z + l.size.z * 0.5f)};
  }
  return scene;
}

namespace {
// Ray against an axis-aligned box (slab method): entry distance, or < 0 for a miss.
float rayBox(Vec3 o, Vec3 d, Vec3 c, Vec3 s) {
  float t0 = 0.0f, t1 = std::numeric_limits<float>::max();
  const float oc[3] = {o.x, o.y, o.z}, dc[3] = {d.x, d.y, d.z}, cc[3] = {c.x, c.y, c.z}, sc[3] = {s.x, s.y, s.z};
  for (int a = 0; a < 3; ++a) {
    const float lo = cc[a] - sc[a] * 0.5f, hi = cc[a] + sc[a] * 0.5f;
    if (std::fabs(dc[a]) < 1e-12f) {
      if (oc[a] < lo || oc[a] > hi) return -1.0f;
      continue;
    }
    float ta = (lo - oc[a]) / dc[a], tb = (hi - oc[a]) / dc[a];
    if (ta > tb) std::swap(ta, tb);
    t0 = std::max(t0, ta);
    t1 = std::min(t1, tb);
    if (t0 > t1) return -1.0f;
  }
  return t0;
}
}  // namespace

SpaceHit pickSpace(const SpaceScene& scene, Vec3 origin, Vec3 dir) {
  SpaceHit best;
  auto consider = [&](bool plane, uint32_t index, uint32_t layer, Vec3 c, Vec3 s) {
    const float t = rayBox(origin, dir, c, s);
    if (t < 0 || (best.hit && t >= best.t)) return;
    best = SpaceHit{true, plane, index, layer, t, Vec3{origin.x + dir.x * t, origin.y + dir.y * t, origin.z + dir.z * t}};
    best.u = std::clamp((best.point.x - (c.x - s.x * 0.5f)) / std::max(s.x, 1e-6f), 0.0f, 0.9999f);
    best.v = std::clamp((best.point.z - (c.z - s.z * 0.5f)) / std::max(s.z, 1e-6f), 0.0f, 0.9999f);
  };
  for (uint32_t i = 0; i < scene.boxes.size(); ++i)
    consider(false, i, scene.boxes[i].layer, scene.boxes[i].center, scene.boxes[i].size);
  for (uint32_t i = 0; i < scene.planes.size(); ++i)
    consider(true, i, scene.planes[i].layer, scene.planes[i].center, scene.planes[i].size);
  return best;
}

CellRect receptiveField(const SpaceLayer& from, const SpaceLayer& to, int64_t row, int64_t col, int64_t reach) {
  const double sr = static_cast<double>(from.h) / static_cast<double>(std::max<int64_t>(to.h, 1));
  const double sc = static_cast<double>(from.w) / static_cast<double>(std::max<int64_t>(to.w, 1));
  CellRect r;
  r.row0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(row * sr)) - reach, 0, from.h - 1);
  r.row1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((row + 1) * sr)) + reach, r.row0 + 1, from.h);
  r.col0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(col * sc)) - reach, 0, from.w - 1);
  r.col1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((col + 1) * sc)) + reach, r.col0 + 1, from.w);
  return r;
}

}  // namespace nf::views

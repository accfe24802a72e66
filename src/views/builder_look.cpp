#include "views/builder_look.h"

#include <algorithm>
#include <cmath>

namespace nf::views {

scene::OpCategory sceneCategory(builder::LayerCategory c) {
  using B = builder::LayerCategory;
  using C = scene::OpCategory;
  switch (c) {
    case B::InputOutput: return C::InputOutput;
    case B::Convolution: return C::Conv;
    case B::Pooling: return C::Pooling;
    case B::Normalization: return C::Normalization;
    case B::Activation: return C::Activation;
    case B::Linear: return C::MatMul;
    case B::Recurrent: return C::Recurrent;
    case B::Attention: return C::Attention;
    case B::Merge: return C::Merge;
    case B::Reshape: return C::Tensor;
  }
  return C::Other;
}

uint32_t categoryColor(builder::LayerCategory c, bool dark) { return scene::categoryFill(sceneCategory(c), dark); }

BuilderNodeColors builderNodeColors(const builder::Node& n, const builder::LayerSpec* spec, bool dark) {
  const scene::OpCategory cat = spec ? sceneCategory(spec->diagram) : scene::OpCategory::Other;
  BuilderNodeColors c{};
  if (n.color) {
    c.fill = *n.color & 0xFFFFFF;
    c.border = scene::shadeColor(c.fill, 0.6f);
  } else {
    c.fill = scene::categoryFill(cat, dark);
    c.border = dark ? scene::mixColor(scene::categoryStyle(cat).header, 0xFFFFFF, 0.35f)
                    : scene::categoryStyle(cat).header;
  }
  c.title = scene::readableTextColor(c.fill);
  c.sub = scene::mixColor(c.title, c.fill, 0.3f);
  return c;
}

std::vector<builder::LayerCategory> categoriesUsed(const builder::Document& doc) {
  bool seen[builder::kLayerCategoryCount] = {};
  for (const builder::Node& n : doc.nodes())
    if (const builder::LayerSpec* spec = builder::catalog().find(n.type)) seen[static_cast<int>(spec->diagram)] = true;
  std::vector<builder::LayerCategory> out;
  for (int i = 0; i < builder::kLayerCategoryCount; ++i)
    if (seen[i]) out.push_back(static_cast<builder::LayerCategory>(i));
  return out;
}

BuilderEdgeRoute builderEdgeRoute(layout::Point out, layout::Point in, float from_left, float from_right,
                                  float to_left, float to_right, float bend, int segments, float detour_x) {
  using layout::Point;
  BuilderEdgeRoute route;
  segments = std::max(segments, 1);
  const bool below = in.y > out.y + bend * 0.5f;
  if (below && !std::isfinite(detour_x)) {
    const float dy = std::max(bend, (in.y - out.y) * 0.5f);
    const Point c0{out.x, out.y + dy}, c1{in.x, in.y - dy};
    for (int k = 0; k <= segments; ++k) {
      const float t = static_cast<float>(k) / static_cast<float>(segments), u = 1 - t;
      route.line.push_back({u * u * u * out.x + 3 * u * u * t * c0.x + 3 * u * t * t * c1.x + t * t * t * in.x,
                            u * u * u * out.y + 3 * u * u * t * c0.y + 3 * u * t * t * c1.y + t * t * t * in.y});
    }
    route.label = {(out.x + in.x) * 0.5f, (out.y + in.y) * 0.5f};  // the S curve's middle
    return route;
  }
  const float leave = bend * 0.6f, side = bend * 1.4f;
  float gap_x;
  if (below) gap_x = detour_x;
  else if (to_left >= from_right + bend) gap_x = to_left - std::min((to_left - from_right) * 0.5f, side);
  else if (to_right <= from_left - bend) gap_x = to_right + std::min((from_left - to_right) * 0.5f, side);
  else gap_x = std::max(from_right, to_right) + side;
  // A detour turns close to the boxes, clear of the shape labels midway between rows.
  const float turn = below ? bend * 0.2f : leave;
  const Point corners[] = {out, {out.x, out.y + turn}, {gap_x, out.y + turn}, {gap_x, in.y - turn}, {in.x, in.y - turn}, in};
  // Each inner corner as a quadratic curve of radius r (at most half of either leg).
  route.line.push_back(out);
  for (size_t i = 1; i + 1 < std::size(corners); ++i) {
    const Point a = corners[i - 1], c = corners[i], b = corners[i + 1];
    const float la = std::hypot(c.x - a.x, c.y - a.y), lb = std::hypot(b.x - c.x, b.y - c.y);
    const float r = std::min({bend * 0.3f, la * 0.5f, lb * 0.5f});
    if (r <= 0.0f || la <= 0.0f || lb <= 0.0f) {
      route.line.push_back(c);
      continue;
    }
    const Point p{c.x + (a.x - c.x) * r / la, c.y + (a.y - c.y) * r / la};
    const Point q{c.x + (b.x - c.x) * r / lb, c.y + (b.y - c.y) * r / lb};
    for (int k = 0; k <= 4; ++k) {
      const float t = static_cast<float>(k) / 4.0f, u = 1 - t;
      route.line.push_back({u * u * p.x + 2 * u * t * c.x + t * t * q.x, u * u * p.y + 2 * u * t * c.y + t * t * q.y});
    }
  }
  route.line.push_back(in);
  // A detour's label on its long leg, in the clear; a line up into the next column's
  // beside its last leg, above the target.
  route.label = below ? Point{gap_x, (out.y + in.y) * 0.5f} : Point{in.x, in.y - leave * 0.5f};
  return route;
}

std::vector<float> builderEdgeDetours(const std::vector<layout::Rect>& boxes,
                                      const std::vector<std::pair<size_t, size_t>>& edges, float clearance) {
  std::vector<float> detours(edges.size(), NAN);
  // Boxes by top edge, so each edge looks only at those starting above its target.
  std::vector<size_t> by_top(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) by_top[i] = i;
  std::sort(by_top.begin(), by_top.end(), [&](size_t a, size_t b) { return boxes[a].y < boxes[b].y; });
  float tallest = 0;
  for (const layout::Rect& r : boxes) tallest = std::max(tallest, r.height);
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto [f, t] = edges[e];
    if (f >= boxes.size() || t >= boxes.size()) continue;
    const layout::Rect& a = boxes[f];
    const layout::Rect& b = boxes[t];
    const float top = a.y + a.height, bottom = b.y;  // the stretch the line runs down
    if (bottom <= top) continue;
    const float x0 = std::min(a.x + a.width * 0.5f, b.x) - 4.0f, x1 = std::max(a.x + a.width * 0.5f, b.x + b.width) + 4.0f;
    float right = -INFINITY;
    auto it = std::lower_bound(by_top.begin(), by_top.end(), top - tallest,
                               [&](size_t i, float y) { return boxes[i].y < y; });
    for (; it != by_top.end() && boxes[*it].y < bottom; ++it) {
      const layout::Rect& r = boxes[*it];
      if (*it == f || *it == t || r.y + r.height <= top || r.x >= x1 || r.x + r.width <= x0) continue;
      right = std::max(right, r.x + r.width);
    }
    if (!std::isfinite(right)) continue;
    // Down the gap left of a target that stands clear of the boxes passed (a side
    // branch in the next column), else right of everything.
    detours[e] = b.x >= right + 2 * clearance ? (right + b.x) * 0.5f
                                               : std::max({right, a.x + a.width, b.x + b.width}) + clearance;
  }
  return detours;
}

}  // namespace nf::views

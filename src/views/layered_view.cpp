#include "views/layered_view.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/strings.h"
#include "layout/layout.h"
#include "scene/categories.h"
#include "scene/display_graph.h"
#include "scene/text_metrics.h"

namespace nf::views {

namespace {

constexpr float kLabelFont = 9.0f;
constexpr float kLabelLine = 11.5f;
constexpr float kLabelWidth = 130.0f;   // text under a box is cut to this
constexpr float kHugeExtent = 100000.0f;  // accurate mode: no box grows past this (hostile dims)
constexpr float kSin45 = 0.70710678f;

std::vector<std::string> labelLines(const Layer& l, const LayeredOptions& o) {
  std::vector<std::string> lines;
  const scene::TextMetrics& m = scene::defaultMetrics();
  if (o.label_name) {
    // Long scoped names keep their end ("…layer_1/self_attention"): that is what differs.
    std::string name = l.name.size() > 1 && l.name[0] == '/' ? l.name.substr(1) : l.name;
    size_t cut = 0;
    while (cut < name.size() && textWidth((cut ? "…" : "") + name.substr(cut), kLabelFont) > kLabelWidth) {
      ++cut;
      while (cut < name.size() && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) ++cut;
    }
    lines.push_back((cut ? "…" : "") + name.substr(cut));
  }
  if (o.label_shape && l.shape.rank_known)
    lines.push_back(scene::fitText(m, scene::shapeLabel(l.shape), kLabelFont, scene::FontStyle::Regular, kLabelWidth));
  if (o.label_params && l.params > 0) lines.push_back(humanCount(static_cast<double>(l.params)) + " params");
  return lines;
}

float labelWidth(const std::vector<std::string>& lines) {
  float w = 0;
  for (const auto& s : lines) w = std::max(w, textWidth(s, kLabelFont));
  return w;
}

}  // namespace

const char* sizingModeName(SizingMode m) {
  switch (m) {
    case SizingMode::Accurate: return "accurate";
    case SizingMode::Logarithmic: return "logarithmic";
    case SizingMode::Capped: return "capped";
    case SizingMode::Uniform: return "uniform";
  }
  return "logarithmic";
}

bool parseSizingMode(std::string_view s, SizingMode* out) {
  for (SizingMode m : {SizingMode::Accurate, SizingMode::Logarithmic, SizingMode::Capped, SizingMode::Uniform})
    if (s == sizingModeName(m)) {
      *out = m;
      return true;
    }
  return false;
}

float sizeDim(int64_t v, bool z, const LayeredOptions& o) {
  const float scale = z ? o.scale_z : o.scale_xy;
  const float lo = z ? o.min_z : o.min_xy, hi = std::max(lo, z ? o.max_z : o.max_xy);
  if (o.sizing == SizingMode::Uniform) return std::clamp((z ? 16.0f : 56.0f) * scale, lo, hi);
  if (v <= 0) return lo;
  const float fv = static_cast<float>(v);
  switch (o.sizing) {
    case SizingMode::Accurate: return std::clamp(fv * scale, lo, std::max(lo, kHugeExtent));
    case SizingMode::Capped: return std::clamp(fv * scale, lo, hi);
    case SizingMode::Logarithmic:
    default: return std::clamp((z ? 4.0f : 12.0f) * scale * std::log2(1.0f + fv), lo, hi);
  }
}

BoxSize sizeLayer(const Layer& layer, const LayeredOptions& o) {
  const BoxDims d = boxDims(layer.shape, layer.op_type, layer.channels_first);
  BoxSize s;
  s.width = sizeDim(d.c, true, o);
  s.height = sizeDim(d.h, false, o);
  s.depth = sizeDim(d.w, false, o) * o.depth_ratio;
  return s;
}

layout::Graph layeredLayoutInput(const LayerGraph& g, const LayeredOptions& o) {
  layout::Graph lg;
  for (const Layer& layer : g.layers) {
    const BoxSize size = sizeLayer(layer, o);
    const float off = size.depth * kSin45;
    const std::vector<std::string> lines = labelLines(layer, o);
    const float text_h = lines.empty() ? 0.0f : 4.0f + kLabelLine * static_cast<float>(lines.size());
    const float w = std::max(size.width + off, labelWidth(lines));
    lg.nodes.push_back(layout::NodeSpec{w, size.height + off + text_h});
  }
  for (const LayerEdge& e : g.edges) lg.edges.push_back(layout::EdgeSpec{e.from, e.to});
  return lg;
}

layout::Options layeredLayoutOptions(const LayeredOptions& o) {
  layout::Options lo;
  lo.direction = o.direction;
  lo.node_sep = o.spacing;
  lo.rank_sep = o.spacing;
  lo.edge_sep = 6.0f;
  return lo;
}

LayeredScene placeLayered(const LayerGraph& g, const LayeredOptions& o, layout::Layout result) {
  LayeredScene sc;
  sc.layout = std::move(result);
  sc.boxes.resize(g.layers.size());
  const layout::Graph lg = layeredLayoutInput(g, o);
  for (size_t i = 0; i < g.layers.size() && i < sc.layout.node_centers.size(); ++i) {
    LayerBox& b = sc.boxes[i];
    b.size = sizeLayer(g.layers[i], o);
    const Point c = sc.layout.node_centers[i];
    const float w = lg.nodes[i].width, h = lg.nodes[i].height;
    b.footprint = Rect{c.x - w * 0.5f, c.y - h * 0.5f, w, h};
    const float off = b.size.depth * kSin45;
    const float solid_w = b.size.width + off;
    // The text (under or over the solid) is part of the footprint.
    const float text_h = b.footprint.height - (b.size.height + off);
    b.front = Point{c.x - solid_w * 0.5f, b.footprint.y + off + (o.label_above ? text_h : 0.0f)};
  }
  return sc;
}

Result<LayeredScene> layoutLayered(const LayerGraph& g, const LayeredOptions& o) {
  auto result = layout::layoutGraph(layeredLayoutInput(g, o), layeredLayoutOptions(o));
  if (!result) return result.error();
  return placeLayered(g, o, std::move(*result));
}

namespace {

void drawSolid(Drawing& d, Point f, const BoxSize& s, uint32_t fill) {
  const scene::SolidShades sh = scene::solidShades(fill);
  const float off = s.depth * kSin45, w = s.width, h = s.height, x = f.x, y = f.y;
  const float line = 0.6f;
  if (off > 0.01f) {
    d.polygon({{x, y}, {x + off, y - off}, {x + w + off, y - off}, {x + w, y}}, sh.top, sh.edge, line);
    d.polygon({{x + w, y}, {x + w + off, y - off}, {x + w + off, y + h - off}, {x + w, y + h}}, sh.side, sh.edge, line);
  }
  d.polygon({{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}, sh.front, sh.edge, line);
}

// A cubic route flattened into a polyline.
std::vector<Point> flatten(const layout::Layout& l, const layout::EdgeRoute& r) {
  std::vector<Point> pts;
  if (r.point_count < 4) return pts;
  const Point* q0 = &l.points[r.first_point];
  pts.push_back(q0[0]);
  for (uint32_t k = 0; k + 3 < r.point_count; k += 3) {
    const Point* q = q0 + k;
    for (int i = 1; i <= 12; ++i) {
      const float t = static_cast<float>(i) / 12.0f, u = 1 - t;
      pts.push_back(Point{u * u * u * q[0].x + 3 * u * u * t * q[1].x + 3 * u * t * t * q[2].x + t * t * t * q[3].x,
                          u * u * u * q[0].y + 3 * u * u * t * q[1].y + 3 * u * t * t * q[2].y + t * t * t * q[3].y});
    }
  }
  return pts;
}

}  // namespace

Drawing drawLayered(const LayerGraph& g, const LayeredScene& sc, const LayeredOptions& o) {
  Drawing d;
  d.view = "layered";
  const PictureLook& paper = pictureLook(o.dark);
  d.background = paper.background;
  const uint32_t connector = paper.connector, text_c = paper.text, dim_c = paper.dim_text;
  const size_t n = g.layers.size();
  std::vector<uint32_t> indeg(n, 0), outdeg(n, 0);
  for (const LayerEdge& e : g.edges) ++outdeg[e.from], ++indeg[e.to];

  // Regions of the hierarchy's groups at group_depth, under everything.
  if (o.group_depth > 0) {
    std::map<uint32_t, std::vector<uint32_t>> members;
    for (uint32_t i = 0; i < n; ++i)
      if (const uint32_t grp = g.groupAtDepth(i, o.group_depth); grp != 0) members[grp].push_back(i);
    uint32_t k = 0;
    for (const auto& [grp, ls] : members) {
      float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
      for (uint32_t l : ls) {
        const Rect& f = sc.boxes[l].footprint;
        x0 = std::min(x0, f.x), y0 = std::min(y0, f.y), x1 = std::max(x1, f.x + f.width),
        y1 = std::max(y1, f.y + f.height);
      }
      const float pad = 11.0f, band = 16.0f;
      const uint32_t hue = scene::repeatClassColor(static_cast<int32_t>(k++) + 1);
      d.beginGroup("region", {{"name", g.groups[grp].name}, {"layers", std::to_string(ls.size())}});
      d.rect(Rect{x0 - pad, y0 - pad - band, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad + band}, hue,
             scene::shadeColor(hue, 0.62f), 0.8f, 0.22f);
      d.text(Point{x0 - pad + 5.0f, y0 - pad - 4.5f}, g.groups[grp].name, 10.5f, text_c, TextAnchor::Start, true);
      d.endGroup();
    }
  }

  // Frames of folded repeats, under the boxes.
  for (const Region& r : g.regions) {
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (uint32_t l : r.layers) {
      const Rect& f = sc.boxes[l].footprint;
      x0 = std::min(x0, f.x), y0 = std::min(y0, f.y), x1 = std::max(x1, f.x + f.width),
      y1 = std::max(y1, f.y + f.height);
    }
    const float pad = 7.0f, band = 15.0f;
    const uint32_t hue = scene::repeatClassColor(0);
    d.beginGroup("repeat", {{"name", r.name}, {"repeat", std::to_string(r.repeat)}});
    d.rect(Rect{x0 - pad, y0 - pad - band, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad + band}, hue,
           scene::shadeColor(hue, 0.62f), 0.8f, 0.16f);
    d.text(Point{x0 - pad + 5.0f, y0 - pad - 4.0f}, "×" + std::to_string(r.repeat) + "  " + r.name, 10.0f, text_c,
           TextAnchor::Start, true);
    d.endGroup();
  }

  // Connectors: a funnel between consecutive boxes of a chain (left to right), the
  // engine's route elsewhere (branches, merges, top to bottom).
  const bool lr = o.direction == layout::Direction::LeftToRight;
  for (size_t j = 0; j < g.edges.size(); ++j) {
    const LayerEdge& e = g.edges[j];
    const LayerBox& a = sc.boxes[e.from];
    const LayerBox& b = sc.boxes[e.to];
    const float ao = a.size.depth * kSin45, bo = b.size.depth * kSin45;
    const bool chain = outdeg[e.from] == 1 && indeg[e.to] == 1;
    if (lr && chain && b.front.x > a.front.x + a.size.width + ao) {
      const float ax = a.front.x + a.size.width, ay = a.front.y, ah = a.size.height;
      const float bx = b.front.x, by = b.front.y, bh = b.size.height;
      d.line({ax, ay}, {bx, by}, connector, 0.7f);
      d.line({ax, ay + ah}, {bx, by + bh}, connector, 0.7f);
      d.line({ax + ao, ay - ao}, {bx + bo, by - bo}, connector, 0.7f);
      d.line({ax + ao, ay + ah - ao}, {bx + bo, by + bh - bo}, connector, 0.7f);
      continue;
    }
    if (j >= sc.layout.edges.size()) continue;
    std::vector<Point> pts = flatten(sc.layout, sc.layout.edges[j]);
    if (pts.size() < 2) continue;
    d.polyline(pts, connector, 1.1f);
    const Point tip = pts.back(), dir = sc.layout.edges[j].arrow_dir;
    const Point nrm{-dir.y, dir.x};
    d.polygon({tip, {tip.x - dir.x * 6 + nrm.x * 3, tip.y - dir.y * 6 + nrm.y * 3},
               {tip.x - dir.x * 6 - nrm.x * 3, tip.y - dir.y * 6 - nrm.y * 3}},
              connector);
  }

  // Boxes, one group each, and the text under them.
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = g.layers[i];
    const LayerBox& b = sc.boxes[i];
    std::vector<std::pair<std::string, std::string>> data = {
        {"index", std::to_string(i)}, {"layer", std::to_string(i)}, {"op", l.op_type},
        {"category", scene::categoryName(l.category)}, {"name", l.name}};
    if (l.shape.rank_known) data.push_back({"shape", scene::shapeLabel(l.shape)});
    if (l.region >= 0) data.push_back({"repeat", std::to_string(g.regions[static_cast<size_t>(l.region)].repeat)});
    d.beginGroup("layer", std::move(data));
    drawSolid(d, b.front, b.size, scene::categoryFill(l.category));
    const std::vector<std::string> lines = labelLines(l, o);
    const float off = b.size.depth * kSin45;
    float y = o.label_above ? b.front.y - off - 4.0f - kLabelLine * static_cast<float>(lines.size()) + kLabelFont
                            : b.front.y + b.size.height + 4.0f + kLabelFont;
    const float cx = b.front.x + b.size.width * 0.5f + b.size.depth * kSin45 * 0.5f;
    for (size_t k = 0; k < lines.size(); ++k, y += kLabelLine)
      d.text(Point{cx, y}, lines[k], kLabelFont, k == 0 && o.label_name ? text_c : dim_c, TextAnchor::Middle);
    d.endGroup();
  }

  if (o.legend) {
    d.finish();
    // One entry per category present, in order of first appearance, naming its op types;
    // with dims, one per (op type, output shape) in order of first appearance.
    struct Entry {
      scene::OpCategory category;
      std::string label, dims;
    };
    std::vector<Entry> entries;
    if (o.legend_dims) {
      std::set<std::pair<std::string, std::string>> seen;
      for (const Layer& l : g.layers) {
        const std::string dims = l.shape.rank_known ? scene::shapeLabel(l.shape) : "?";
        if (seen.insert({l.op_type, dims}).second) entries.push_back({l.category, l.op_type, dims});
      }
    } else {
      std::vector<scene::OpCategory> order;
      std::map<scene::OpCategory, std::vector<std::string>> types;
      for (const Layer& l : g.layers) {
        auto& t = types[l.category];
        if (t.empty()) order.push_back(l.category);
        if (std::find(t.begin(), t.end(), l.op_type) == t.end()) t.push_back(l.op_type);
      }
      for (scene::OpCategory c : order) {
        std::string label;
        for (const auto& t : types[c]) label += (label.empty() ? "" : ", ") + t;
        entries.push_back({c, label, ""});
      }
    }
    const float x_start = d.bounds.x, wrap = std::max(480.0f, d.bounds.width);
    float x = x_start, y = d.bounds.y + d.bounds.height + 26.0f;
    d.beginGroup("legend");
    for (const Entry& e : entries) {
      const std::string label = scene::fitText(scene::defaultMetrics(), e.label, 10.0f, scene::FontStyle::Regular, 260.0f);
      const float dims_w = e.dims.empty() ? 0.0f : 6.0f + textWidth(e.dims, 10.0f);
      const float w = 22.0f + textWidth(label, 10.0f) + dims_w + 18.0f;
      if (x > x_start && x + w > x_start + wrap) x = x_start, y += 22.0f;
      if (!e.dims.empty()) d.beginGroup("legend-entry", {{"op", e.label}, {"dims", e.dims}});
      drawSolid(d, Point{x, y - 8.0f}, BoxSize{10.0f, 10.0f, 6.0f}, scene::categoryFill(e.category));
      d.text(Point{x + 20.0f, y + 1.0f}, label, 10.0f, text_c);
      if (!e.dims.empty()) {
        d.text(Point{x + 20.0f + textWidth(label, 10.0f) + 6.0f, y + 1.0f}, e.dims, 10.0f, dim_c);
        d.endGroup();
      }
      x += w;
    }
    std::string note;
    if (g.folded_activations > 0) note += "activations and reshapes drawn inside their layer: " + std::to_string(g.folded_activations);
    if (g.repeat_hidden > 0)
      note += std::string(note.empty() ? "" : " · ") + "×N: N blocks of the same structure drawn once (" +
              std::to_string(g.repeat_hidden) + " layers not drawn)";
    if (g.ignored_layers > 0)
      note += std::string(note.empty() ? "" : " · ") + "hidden by type: " + std::to_string(g.ignored_layers);
    if (!note.empty()) d.text(Point{x_start, y + 20.0f}, note, 9.0f, dim_c);
    d.endGroup();
  }
  d.finish();
  return d;
}

}  // namespace nf::views

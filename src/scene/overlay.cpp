// scene/overlay.cpp - per-node values, group aggregates, the colour scale and the
// legend of a metrics overlay (see overlay.h).
#include "scene/overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/color_map.h"
#include "base/strings.h"
#include "scene/grouped_scene.h"

namespace nf::scene {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxJsonDepth = 32;   // node data is three levels deep; deeper is not ours
constexpr size_t kMaxThresholds = 64;

uint32_t toRgb(Rgb8 c) { return (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b; }

// Deeply nested JSON is refused before parsing (the parser and the value's
// destructor would recurse once per level).
bool nestingWithin(std::string_view s, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "#rgb", "#rrggbb" or a CSS basic colour name.
bool parseCssColor(std::string_view s, uint32_t* out) {
  if (!s.empty() && s[0] == '#' && (s.size() == 4 || s.size() == 7)) {
    uint32_t v = 0;
    for (size_t i = 1; i < s.size(); ++i) {
      const int d = hexDigit(s[i]);
      if (d < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(d);
      if (s.size() == 4) v = (v << 4) | static_cast<uint32_t>(d);
    }
    *out = v;
    return true;
  }
  static const std::pair<const char*, uint32_t> kNames[] = {
      {"black", 0x000000},  {"white", 0xFFFFFF}, {"red", 0xFF0000},    {"green", 0x008000}, {"blue", 0x0000FF},
      {"yellow", 0xFFFF00}, {"orange", 0xFFA500}, {"purple", 0x800080}, {"gray", 0x808080},  {"grey", 0x808080},
      {"silver", 0xC0C0C0}, {"maroon", 0x800000}, {"lime", 0x00FF00},   {"navy", 0x000080},  {"teal", 0x008080},
      {"aqua", 0x00FFFF},   {"fuchsia", 0xFF00FF}, {"olive", 0x808000}, {"cyan", 0x00FFFF},  {"magenta", 0xFF00FF},
  };
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [name, rgb] : kNames)
    if (lower == name) {
      *out = rgb;
      return true;
    }
  return false;
}

// A stop list ("thresholds" with "value", "gradient" with "stop"), sorted by value.
Result<std::vector<ScaleStop>> parseStops(const nlohmann::json& j, const char* what, const char* key) {
  if (!j.is_array()) return Error{std::string("node data: \"") + what + "\" must be a list"};
  if (j.empty() || j.size() > kMaxThresholds)
    return Error{std::string("node data: \"") + what + "\" must have 1 to " + std::to_string(kMaxThresholds) + " entries"};
  std::vector<ScaleStop> stops;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains(key) || !e[key].is_number() || !e.contains("bgColor") || !e["bgColor"].is_string())
      return Error{std::string("node data: every \"") + what + "\" entry needs a numeric \"" + key +
                   "\" and a \"bgColor\" string"};
    ScaleStop s;
    s.value = e[key].get<double>();
    if (!std::isfinite(s.value)) return Error{std::string("node data: a \"") + what + "\" entry is not finite"};
    const std::string c = e["bgColor"].get<std::string>();
    if (!parseCssColor(c, &s.color))
      return Error{"node data: unknown colour \"" + displayName(c, 40) + "\" (use #rrggbb or a basic colour name)"};
    stops.push_back(s);
  }
  std::stable_sort(stops.begin(), stops.end(), [](const ScaleStop& a, const ScaleStop& b) { return a.value < b.value; });
  return stops;
}

void appendValue(std::vector<double>& shown, double v) {
  if (!std::isnan(v)) shown.push_back(v);
}

}  // namespace

const char* colorByName(ColorBy c) {
  switch (c) {
    case ColorBy::Category: return "category";
    case ColorBy::Params: return "params";
    case ColorBy::Macs: return "macs";
    case ColorBy::Flops: return "flops";
    case ColorBy::Memory: return "memory";
    case ColorBy::RunTime: return "time";
    case ColorBy::NodeData: return "data";
    case ColorBy::Difference: return "diff";
  }
  return "category";
}

bool parseColorBy(std::string_view name, ColorBy* out) {
  for (ColorBy c : {ColorBy::Category, ColorBy::Params, ColorBy::Macs, ColorBy::Flops, ColorBy::Memory, ColorBy::RunTime})
    if (name == colorByName(c)) {
      *out = c;
      return true;
    }
  return false;
}

uint32_t diffStatusColor(DiffStatus s) {
  switch (s) {
    case DiffStatus::Same: return 0xB8C4CC;     // quiet: what did not change recedes
    case DiffStatus::Changed: return 0xF2A52B;  // amber
    case DiffStatus::Removed: return 0xE0524A;  // red
    case DiffStatus::Added: return 0x3DB86B;    // green
  }
  return kNoValueColor;
}

const char* diffStatusName(DiffStatus s) {
  switch (s) {
    case DiffStatus::Same: return "same";
    case DiffStatus::Changed: return "changed";
    case DiffStatus::Removed: return "removed";
    case DiffStatus::Added: return "added";
  }
  return "";
}

NodeValues differenceValues(const std::vector<DiffStatus>& status, DiffSide side) {
  NodeValues v;
  v.source = ColorBy::Difference;
  v.title = side == DiffSide::A ? "Compared (A)" : side == DiffSide::B ? "Compared (B)" : "Merged (A + B)";
  v.value.reserve(status.size());
  for (DiffStatus s : status) v.value.push_back(static_cast<double>(s));
  for (DiffStatus s : {DiffStatus::Same, DiffStatus::Changed, DiffStatus::Removed, DiffStatus::Added}) {
    if ((s == DiffStatus::Removed && side == DiffSide::B) || (s == DiffStatus::Added && side == DiffSide::A)) continue;
    v.thresholds.push_back({static_cast<double>(s), diffStatusColor(s), diffStatusName(s)});
  }
  return v;
}

const char* aggregateName(Aggregate a) {
  switch (a) {
    case Aggregate::Sum: return "sum";
    case Aggregate::Max: return "max";
    case Aggregate::Mean: return "mean";
  }
  return "sum";
}

bool parseAggregate(std::string_view name, Aggregate* out) {
  for (Aggregate a : {Aggregate::Sum, Aggregate::Max, Aggregate::Mean})
    if (name == aggregateName(a)) {
      *out = a;
      return true;
    }
  return false;
}

NodeValues metricValues(const ir::Model& model, const shapes::Metrics& metrics, ColorBy by) {
  NodeValues v;
  v.source = by;
  const size_t n = model.graphs.empty() ? 0 : model.graphs[0].nodes.size();
  v.value.assign(n, kNaN);
  const double total_flops = static_cast<double>(metrics.totals.flops);
  switch (by) {
    case ColorBy::Params: v.title = "Parameters", v.unit = NodeValues::Unit::Count; break;
    case ColorBy::Macs: v.title = "MACs", v.unit = NodeValues::Unit::Count; break;
    case ColorBy::Flops: v.title = "FLOPs share", v.unit = NodeValues::Unit::Percent; break;
    case ColorBy::Memory: v.title = "Output bytes", v.unit = NodeValues::Unit::Bytes; break;
    default: return v;
  }
  if (metrics.graphs.empty()) return v;
  for (size_t i = 0; i < n && i < metrics.graphs[0].size(); ++i) {
    const shapes::NodeMetrics& m = metrics.graphs[0][i];
    switch (by) {
      case ColorBy::Params: v.value[i] = static_cast<double>(m.params); break;
      case ColorBy::Macs: v.value[i] = m.macs_known || m.macs > 0 ? static_cast<double>(m.macs) : kNaN; break;
      case ColorBy::Flops:
        v.value[i] = total_flops > 0 && (m.macs_known || m.flops > 0) ? 100.0 * static_cast<double>(m.flops) / total_flops
                                                                    : kNaN;
        break;
      case ColorBy::Memory:
        v.value[i] = m.constant ? kNaN : (m.output_known || m.output_bytes > 0 ? static_cast<double>(m.output_bytes) : kNaN);
        break;
      default: break;
    }
  }
  return v;
}

NodeValues runTimeValues(const ir::Model& model, const std::vector<double>& ms_per_node) {
  NodeValues v;
  v.source = ColorBy::RunTime;
  v.title = "Run time";
  v.unit = NodeValues::Unit::Milliseconds;
  const size_t n = model.graphs.empty() ? 0 : model.graphs[0].nodes.size();
  v.value.assign(n, kNaN);
  for (size_t i = 0; i < n && i < ms_per_node.size(); ++i)
    if (std::isfinite(ms_per_node[i]) && ms_per_node[i] >= 0) v.value[i] = ms_per_node[i];
  return v;
}

Result<NodeValues> parseNodeData(std::string_view text, const ir::Model& model, std::string title) {
  if (text.size() > kMaxNodeDataBytes) return Error{"node data: the file is larger than 64 MB"};
  if (!nestingWithin(text, kMaxJsonDepth)) return Error{"node data: nested too deeply to be node data"};
  const nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"node data: not valid JSON"};
  if (!doc.is_object()) return Error{"node data: expected a JSON object with \"results\""};
  const nlohmann::json* g = &doc;
  if (!doc.contains("results")) {
    // {GRAPH_ID: {"results": ...}}: Model Explorer's form for a model of several graphs.
    g = nullptr;
    for (const auto& [key, val] : doc.items())
      if (val.is_object() && val.contains("results")) {
        g = &val;
        break;
      }
    if (!g) return Error{"node data: no \"results\" object (Model Explorer's node-data format)"};
  }
  const nlohmann::json& results = (*g)["results"];
  if (!results.is_object()) return Error{"node data: \"results\" must be an object keyed by node or tensor name"};

  NodeValues v;
  v.source = ColorBy::NodeData;
  v.title = std::move(title);
  v.unit = NodeValues::Unit::Plain;
  if (model.graphs.empty()) return v;
  const ir::Graph& graph = model.graphs[0];
  v.value.assign(graph.nodes.size(), kNaN);
  std::unordered_map<std::string_view, uint32_t> by_name;
  by_name.reserve(graph.nodes.size() * 2);
  for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    if (!graph.nodes[i].name.empty()) by_name.emplace(graph.nodes[i].name, i);
  // Output tensor names come second: a node name wins where both exist.
  for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    for (ir::ValueId out : graph.nodes[i].outputs)
      if (out.valid() && !graph.value(out).name.empty()) by_name.emplace(graph.value(out).name, i);

  for (const auto& [key, entry] : results.items()) {
    double x = kNaN;
    const nlohmann::json* val = &entry;
    if (entry.is_object()) {
      if (!entry.contains("value"))
        return Error{"node data: the result for \"" + displayName(key, 60) + "\" has no \"value\""};
      val = &entry["value"];
    }
    if (val->is_number()) x = val->get<double>();
    else if (val->is_string()) {
      const std::string s = val->get<std::string>();
      char* end = nullptr;
      x = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != 0) return Error{"node data: the value for \"" + displayName(key, 60) + "\" is not a number"};
    } else {
      return Error{"node data: the value for \"" + displayName(key, 60) + "\" is not a number"};
    }
    if (!std::isfinite(x)) return Error{"node data: the value for \"" + displayName(key, 60) + "\" is not finite"};
    auto it = by_name.find(key);
    if (it == by_name.end()) {
      ++v.unmatched;
      continue;
    }
    v.value[it->second] = x;
    ++v.matched;
  }
  if (g->contains("thresholds") && g->contains("gradient"))
    return Error{"node data: give either \"thresholds\" or \"gradient\", not both"};
  if (g->contains("thresholds")) {
    auto s = parseStops((*g)["thresholds"], "thresholds", "value");
    if (!s) return s.error();
    v.thresholds = std::move(*s);
  } else if (g->contains("gradient")) {
    auto s = parseStops((*g)["gradient"], "gradient", "stop");
    if (!s) return s.error();
    for (const ScaleStop& st : *s)
      if (st.value < 0 || st.value > 1) return Error{"node data: gradient stops must lie in [0, 1]"};
    v.gradient = std::move(*s);
  }
  return v;
}

double aggregateOf(const NodeValues& values, const std::vector<ir::NodeId>& nodes, Aggregate aggregate) {
  double acc = aggregate == Aggregate::Max ? -std::numeric_limits<double>::infinity() : 0.0;
  size_t count = 0;
  for (ir::NodeId n : nodes) {
    if (n.index >= values.value.size()) continue;
    const double x = values.value[n.index];
    if (std::isnan(x)) continue;
    ++count;
    acc = aggregate == Aggregate::Max ? std::max(acc, x) : acc + x;
  }
  if (count == 0) return kNaN;
  return aggregate == Aggregate::Mean ? acc / static_cast<double>(count) : acc;
}

std::vector<double> groupValues(const hierarchy::Hierarchy& h, const NodeValues& values, Aggregate aggregate) {
  // Bottom-up over pre-order ids: a child's id is larger than its parent's.
  const size_t g = h.groups.size();
  std::vector<double> sum(g, 0.0), max(g, -std::numeric_limits<double>::infinity());
  std::vector<uint64_t> count(g, 0);
  for (size_t i = 0; i < g; ++i)
    for (ir::NodeId n : h.groups[i].nodes) {
      if (n.index >= values.value.size()) continue;
      const double x = values.value[n.index];
      if (std::isnan(x)) continue;
      sum[i] += x;
      max[i] = std::max(max[i], x);
      ++count[i];
    }
  for (size_t i = g; i-- > 1;) {
    const hierarchy::GroupId p = h.groups[i].parent;
    if (!p.valid()) continue;
    sum[p.index] += sum[i];
    max[p.index] = std::max(max[p.index], max[i]);
    count[p.index] += count[i];
  }
  std::vector<double> out(g, kNaN);
  for (size_t i = 0; i < g; ++i) {
    if (count[i] == 0) continue;
    out[i] = aggregate == Aggregate::Sum ? sum[i]
             : aggregate == Aggregate::Max ? max[i]
                                           : sum[i] / static_cast<double>(count[i]);
  }
  return out;
}

uint32_t ColorScale::colorOf(double v) const {
  if (std::isnan(v)) return kNoValueColor;
  if (!thresholds.empty()) {
    for (const ScaleStop& t : thresholds)
      if (v <= t.value) return t.color;
    return kNoValueColor;
  }
  double t = 0;
  if (log) {
    if (v <= 0) return kNoValueColor;
    t = hi > lo ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : 1.0;
  } else {
    t = hi > lo ? (v - lo) / (hi - lo) : 1.0;
  }
  t = std::clamp(t, 0.0, 1.0);
  if (gradient.empty()) return toRgb(colorMapAt(ColorMap::Viridis, t));
  if (t <= gradient.front().value) return gradient.front().color;
  for (size_t i = 1; i < gradient.size(); ++i) {
    const ScaleStop& a = gradient[i - 1];
    const ScaleStop& b = gradient[i];
    if (t > b.value) continue;
    const double f = b.value > a.value ? (t - a.value) / (b.value - a.value) : 1.0;
    auto mix = [f](uint32_t x, uint32_t y, int shift) {
      const double cx = (x >> shift) & 0xFF, cy = (y >> shift) & 0xFF;
      return static_cast<uint32_t>(std::lround(cx + (cy - cx) * f)) << shift;
    };
    return mix(a.color, b.color, 16) | mix(a.color, b.color, 8) | mix(a.color, b.color, 0);
  }
  return gradient.back().color;
}

ColorScale scaleFor(const NodeValues& values, const std::vector<double>& shown) {
  ColorScale s;
  s.thresholds = values.thresholds;
  s.gradient = values.gradient;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, lo_pos = lo;
  for (double v : shown) {
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (v > 0) lo_pos = std::min(lo_pos, v);
  }
  if (!(hi >= lo)) return s;  // nothing shown has a value
  // Counts and sizes span decades (a Conv's MACs next to a bias Add): a log scale
  // keeps both visible. Zero then means "none" (grey), which for a metric it is.
  const bool metric = values.source != ColorBy::NodeData && values.source != ColorBy::RunTime;
  if (metric && lo >= 0 && std::isfinite(lo_pos) && hi / lo_pos > 100.0) {
    s.log = true;
    s.lo = lo_pos;
  } else {
    s.lo = lo;
  }
  s.hi = hi;
  return s;
}

std::string formatValue(double v, NodeValues::Unit unit) {
  if (std::isnan(v)) return "no value";
  char buf[64];
  switch (unit) {
    case NodeValues::Unit::Count: return humanCount(v);
    case NodeValues::Unit::Bytes: return v >= 0 && v < 1.8e19 ? humanBytes(static_cast<uint64_t>(v)) : humanCount(v);
    case NodeValues::Unit::Percent: std::snprintf(buf, sizeof buf, "%.3g%%", v); return buf;
    case NodeValues::Unit::Milliseconds: std::snprintf(buf, sizeof buf, "%.3g ms", v); return buf;
    case NodeValues::Unit::Plain: std::snprintf(buf, sizeof buf, "%.4g", v); return buf;
  }
  return "";
}

uint32_t readableTextOn(uint32_t fill) {
  const double r = (fill >> 16) & 0xFF, g = (fill >> 8) & 0xFF, b = fill & 0xFF;
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? 0x202020 : 0xFFFFFF;
}

namespace {

Legend legendFor(const NodeValues& values, const ColorScale& scale, const char* aggregate) {
  Legend l;
  l.title = values.title;
  if (aggregate) l.title += std::string(" (") + aggregate + " per group)";
  if (!scale.thresholds.empty() && !scale.thresholds.front().label.empty()) {
    for (const ScaleStop& t : scale.thresholds) l.entries.push_back({t.color, t.label});
    return l;  // categories: every box has one
  }
  if (!scale.thresholds.empty()) {
    for (const ScaleStop& t : scale.thresholds)
      l.entries.push_back({t.color, "\xE2\x89\xA4 " + formatValue(t.value, values.unit)});
  } else if (scale.hi >= scale.lo) {
    l.continuous = true;
    constexpr int kStops = 5;
    for (int i = 0; i < kStops; ++i) {
      const double f = static_cast<double>(i) / (kStops - 1);
      const double v = scale.log ? std::pow(10.0, std::log10(scale.lo) + f * (std::log10(scale.hi) - std::log10(scale.lo)))
                                 : scale.lo + f * (scale.hi - scale.lo);
      l.entries.push_back({scale.colorOf(v), formatValue(v, values.unit)});
    }
  }
  l.entries.push_back({kNoValueColor, scale.log ? "0 / no value" : "no value"});
  return l;
}

void colourNodes(Overlay& o, const ColorScale& scale) {
  o.node_header.assign(o.node_value.size(), kNoOverlayColor);
  o.node_text.assign(o.node_value.size(), kNoOverlayColor);
  for (size_t i = 0; i < o.node_value.size(); ++i) {
    const uint32_t c = scale.colorOf(o.node_value[i]);
    o.node_header[i] = c;
    o.node_text[i] = readableTextOn(c);
  }
}

// The node value of an op box of the main graph; NaN for io boxes and bodies.
double opValue(const DisplayGraph& graph, const DisplayNode& n, const NodeValues& values) {
  if (n.kind != NodeKind::Op || n.graph != graph.graph || graph.graph.index != 0) return kNaN;
  return n.op.index < values.value.size() ? values.value[n.op.index] : kNaN;
}

}  // namespace

LegendGeometry legendGeometry(const Legend& legend, float x, float y) {
  constexpr float kPad = 8, kSlot = 96, kSwatchW = 22, kSwatchH = 11;
  LegendGeometry g;
  g.title = Point{x + kPad, y + 14};
  float cx = x + kPad;
  for (size_t i = 0; i < legend.entries.size(); ++i) {
    // The "no value" entry (last) stands apart from the scale.
    if (i + 1 == legend.entries.size()) cx += 12;
    g.items.push_back({Rect{cx, y + 20, kSwatchW, kSwatchH}, Point{cx + kSwatchW + 4, y + 20 + kSwatchH - 1.5f}});
    cx += kSlot;
  }
  g.bounds = Rect{x, y, std::max(cx - x, 160.0f) + kPad, kLegendHeight};
  return g;
}

Overlay buildOverlay(const DisplayGraph& graph, const NodeValues& values) {
  Overlay o;
  o.node_value.assign(graph.nodes.size(), kNaN);
  for (size_t i = 0; i < graph.nodes.size(); ++i) o.node_value[i] = opValue(graph, graph.nodes[i], values);
  const ColorScale scale = scaleFor(values, o.node_value);
  colourNodes(o, scale);
  // Input and output boxes keep their look: they are not nodes and have no value.
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (graph.nodes[i].kind != NodeKind::Op) o.node_header[i] = o.node_text[i] = kNoOverlayColor;
  o.legend = legendFor(values, scale, nullptr);
  return o;
}

Overlay buildOverlay(const GroupedScene& scene, const hierarchy::Hierarchy& h, const NodeValues& values,
                     Aggregate aggregate) {
  Overlay o;
  const std::vector<double> per_group = groupValues(h, values, aggregate);
  const DisplayGraph& graph = scene.graph;
  o.node_value.assign(graph.nodes.size(), kNaN);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    if (i < scene.visible.items.size()) {
      const hierarchy::VisibleItem& item = scene.visible.items[i];
      if (item.kind == hierarchy::ItemKind::Group && item.index < per_group.size()) {
        o.node_value[i] = per_group[item.index];
        continue;
      }
      if (item.kind == hierarchy::ItemKind::SeriesRest && item.index < h.groups.size()) {
        // All instances but the first: aggregate their nodes.
        std::vector<ir::NodeId> nodes;
        const hierarchy::Group& series = h.groups[item.index];
        for (size_t c = 1; c < series.children.size(); ++c) {
          const hierarchy::Group& inst = h.group(series.children[c]);
          for (uint32_t gi = series.children[c].index; gi < inst.subtree_end; ++gi)
            nodes.insert(nodes.end(), h.groups[gi].nodes.begin(), h.groups[gi].nodes.end());
        }
        o.node_value[i] = aggregateOf(values, nodes, aggregate);
        continue;
      }
    }
    o.node_value[i] = opValue(graph, n, values);
  }
  std::vector<double> shown = o.node_value;
  std::vector<double> frame_values(scene.frames.size(), kNaN);
  for (size_t f = 0; f < scene.frames.size(); ++f) {
    const uint32_t g = scene.frames[f].group.index;
    if (g < per_group.size()) frame_values[f] = per_group[g];
    appendValue(shown, frame_values[f]);
  }
  const ColorScale scale = scaleFor(values, shown);
  colourNodes(o, scale);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeKind k = graph.nodes[i].kind;
    if (k != NodeKind::Op && k != NodeKind::Group) o.node_header[i] = o.node_text[i] = kNoOverlayColor;
  }
  o.frame_color.resize(scene.frames.size());
  for (size_t f = 0; f < scene.frames.size(); ++f) o.frame_color[f] = scale.colorOf(frame_values[f]);
  o.legend = legendFor(values, scale, aggregateName(aggregate));
  return o;
}

}  // namespace nf::scene

// scene/overlay.h - metrics as colour: node and group boxes coloured by a per-node
// value (parameters, MACs, FLOPs share, output bytes, run time, or any values from a
// Model Explorer node-data JSON file) instead of by op category, with a legend.
//
// The flow, the same for the app, the SVG/PNG exports and `netforge render --color-by`:
//   NodeValues      one double per main-graph node (NaN: no value), from
//                   metricValues() (shapes/metrics.h), runTimeValues() (the runtime's
//                   per-node times, any per-node array) or parseNodeData() (a file)
//   groupValues     per hierarchy group: sum, max or mean of its nodes' values
//   buildOverlay    the colour of every box and frame of a scene, and the legend;
//                   the scale spans the values shown (log for counts spanning more
//                   than two decades), or the file's own thresholds / gradient.
// Category colouring (the default look) is no overlay at all: renderers draw as
// before when they get none, so default exports stay byte-identical.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "hierarchy/hierarchy.h"
#include "ir/model.h"
#include "shapes/metrics.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"

namespace nf::scene {

struct GroupedScene;  // scene/grouped_scene.h

enum class ColorBy : uint8_t {
  Category,  // op category (the default look; no overlay)
  Params,    // parameter elements
  Macs,      // multiply-accumulates
  Flops,     // share of the model's FLOPs, in percent
  Memory,    // output activation bytes
  RunTime,   // milliseconds per node from a run
  NodeData,  // values from a node-data file
  Difference,  // one side of a comparison of two models (differenceValues)
};
// "category", "params", "macs", "flops", "memory", "time", "data", "diff".
const char* colorByName(ColorBy c);
// Parses the names above except "data" (a file is named by its path instead) and
// "diff" (needs a second model);
// false for anything else.
bool parseColorBy(std::string_view name, ColorBy* out);

enum class Aggregate : uint8_t { Sum, Max, Mean };
const char* aggregateName(Aggregate a);  // "sum", "max", "mean"
bool parseAggregate(std::string_view name, Aggregate* out);

// A user-given colour scale (Model Explorer's node-data format).
struct ScaleStop {
  double value = 0;     // thresholds: upper bound of the band; gradient: stop in [0,1]
  uint32_t color = 0;   // 0xRRGGBB
  std::string label;    // thresholds of categories: the legend says this, not "<= value"
};

struct NodeValues {
  ColorBy source = ColorBy::Category;
  std::string title;           // legend title: "MACs", "Output bytes", the file's name
  enum class Unit : uint8_t { Count, Bytes, Percent, Milliseconds, Plain } unit = Unit::Plain;
  std::vector<double> value;   // per main-graph node index; NaN = no value
  // From a file: at most one of these is non-empty. Thresholds are sorted by value:
  // a value takes the colour of the first threshold it does not exceed (none above
  // the last). A gradient's stops are sorted in [0,1] over the shown values' range.
  std::vector<ScaleStop> thresholds;
  std::vector<ScaleStop> gradient;
  uint32_t matched = 0;        // file: result keys that named a node or tensor
  uint32_t unmatched = 0;      // file: keys that named nothing in the graph
};

// Values of a metric for every main-graph node. `by` must be Params, Macs, Flops or
// Memory (anything else gives all-NaN values).
NodeValues metricValues(const ir::Model& model, const shapes::Metrics& metrics, ColorBy by);

// The hook for run results: milliseconds per main-graph node (index = node index,
// NaN or missing = not run), e.g. from runtime::Executor::nodeTimes().
NodeValues runTimeValues(const ir::Model& model, const std::vector<double>& ms_per_node);

// Model Explorer's node-data JSON: {"results": {KEY: {"value": NUMBER}, ...},
// "thresholds": [{"value": V, "bgColor": C}, ...] | "gradient": [{"stop": S, "bgColor": C}, ...]},
// optionally wrapped as {GRAPH_ID: {...}} (the first graph is taken). KEY is a node
// name or an output tensor name of the main graph. Colours are "#rgb", "#rrggbb" or
// a CSS basic colour name. Fails with a one-line message for anything else: not JSON,
// no results, a non-numeric value, a bad colour, more than kMaxNodeDataBytes.
inline constexpr size_t kMaxNodeDataBytes = 64u << 20;
Result<NodeValues> parseNodeData(std::string_view json, const ir::Model& model, std::string title = "node data");

// One side of a comparison: what became of each main-graph node. The colours of the
// four live here (one place); a group takes the strongest status inside it (Max), so a
// closed group shows whether anything in it changed. Numbered as diff::NodeStatus
// (diff/merged.h), which the diff module, without scene, uses.
enum class DiffStatus : uint8_t { Same = 0, Changed = 1, Removed = 2, Added = 3 };
// Which graph is coloured: one side (its legend names "removed" for A, "added" for
// B) or the two merged into one graph (diff/merged.h; the legend names all four).
enum class DiffSide : uint8_t { A, B, Merged };
// `status` per main-graph node of that graph.
NodeValues differenceValues(const std::vector<DiffStatus>& status, DiffSide side);
uint32_t diffStatusColor(DiffStatus s);
const char* diffStatusName(DiffStatus s);  // "same", "changed", "removed", "added"

// Per hierarchy group (index = GroupId): the aggregate of the values of the nodes in
// its subtree that have one; NaN when none has.
std::vector<double> groupValues(const hierarchy::Hierarchy& h, const NodeValues& values, Aggregate aggregate);
// The aggregate of the values of `nodes` (NaN when none has a value).
double aggregateOf(const NodeValues& values, const std::vector<ir::NodeId>& nodes, Aggregate aggregate);

struct LegendEntry {
  uint32_t color = 0;
  std::string label;  // "1.2 G", "≤ 10", "no value"
};
struct Legend {
  std::string title;                 // "MACs (sum per group)"
  bool continuous = false;           // entries are gradient stops (drawn as one bar)
  std::vector<LegendEntry> entries;  // low to high, then "no value" last
};

inline constexpr uint32_t kNoOverlayColor = 0xFFFFFFFFu;

struct Overlay {
  std::vector<uint32_t> node_header;  // per display node: header fill, kNoOverlayColor = draw as usual
  std::vector<uint32_t> node_text;    // per display node: header text colour (readable on the fill)
  std::vector<double> node_value;     // per display node: the value coloured (NaN: none)
  std::vector<uint32_t> frame_color;  // per frame of a grouped scene: replaces its repeat-class hue
  Legend legend;
};

// The colour of a value on the scale of [lo, hi] (log when `log`), or the file's
// thresholds / gradient. Values <= 0 on a log scale and NaN get the "no value" grey.
struct ColorScale {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<ScaleStop> thresholds, gradient;
  uint32_t colorOf(double v) const;
};
inline constexpr uint32_t kNoValueColor = 0xD9D9D9;
// The scale for these shown values (NaN skipped) and the values' own thresholds or gradient.
ColorScale scaleFor(const NodeValues& values, const std::vector<double>& shown);
// "1.2 G", "3.4 MB", "12.5%", "0.84 ms" as the unit says.
std::string formatValue(double v, NodeValues::Unit unit);
// Black or white, whichever reads better on `fill`.
uint32_t readableTextOn(uint32_t fill);

// Where every exporter draws the legend (scene units): a band of height
// kLegendHeight whose top-left corner is (x, y): the title, then one swatch and label
// per entry, left to right.
inline constexpr float kLegendHeight = 40.0f;
struct LegendItemBox {
  Rect swatch;
  Point label;  // text baseline start
};
struct LegendGeometry {
  Rect bounds;
  Point title;  // baseline start
  std::vector<LegendItemBox> items;
};
LegendGeometry legendGeometry(const Legend& legend, float x, float y);

// A flat display graph: op boxes of the main graph by their node's value.
Overlay buildOverlay(const DisplayGraph& graph, const NodeValues& values);
// A grouped scene: op boxes by value, closed groups and open frames by their
// group's aggregate, a folded series' rest by the aggregate of its instances.
Overlay buildOverlay(const GroupedScene& scene, const hierarchy::Hierarchy& h, const NodeValues& values,
                     Aggregate aggregate);

}  // namespace nf::scene

// scene/display_graph.h - the graph as it is drawn, built from one ir::Graph.
//
// The IR graph and the display graph are separate types (as in Model Explorer): the
// display graph has one box per op node, one box per graph input and output, and,
// by default, initializers folded into their consumer's box as rows
// ("W ⟨64×3×7×7⟩"), as Netron does. Each box carries its rows of text and its size,
// measured with a TextMetrics, so the layout engine and every renderer agree on it.
//
// Edges: one per tensor connection, i.e. per (value, consumer input slot) whose value
// has a box as its source (a producer op, a graph-input box, an initializer box), plus
// one per graph output into its output box. Values with no box as source (folded
// initializers, outer-scope values of a body, dangling names) become rows instead.
//
// Subgraphs: the display graph of an If/Loop/Scan body is built the same way by
// passing the body's GraphId; BuildOptions::expand_bodies instead inlines every body
// below its owner (recursively), wiring outer-scope references to their producers.
//
// Everything here is plain data, deterministic: the same model and options give the
// same nodes, rows and edges in the same order.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"
#include "scene/categories.h"
#include "scene/text_metrics.h"

namespace nf::scene {


// The look of a box, shared by every renderer (pixels at zoom 1).
struct BoxStyle {
  float header_font = 12.0f;  // op type, bold
  float body_font = 10.5f;    // attribute, tensor and name rows
  float label_font = 9.0f;    // edge labels (tensor shapes)
  float header_height = 22.0f;
  float row_height = 15.0f;
  float pad_x = 8.0f;         // text inset from the box's left and right borders
  float pad_bottom = 4.0f;    // below the last row
  float min_width = 40.0f;
  float max_text_width = 280.0f;  // longer rows are cut with an ellipsis
  float corner_radius = 5.0f;
  float arrow_length = 7.0f;
  float arrow_half_width = 3.5f;

  // Offset from the box top to the vertical centre of row k (rows follow the header,
  // with half of pad_bottom above the first row and half below the last).
  float rowCenter(size_t k) const { return header_height + pad_bottom * 0.5f + row_height * (static_cast<float>(k) + 0.5f); }
  // Baseline offset below a line's vertical centre for DejaVu Sans at `font` px.
  static float baselineBelowCenter(float font) { return font * 0.36f; }
};
const BoxStyle& boxStyle();

enum class NodeKind : uint8_t {
  Op,           // an ir::Node
  Input,        // a graph input (not an initializer)
  Output,       // a graph output
  Initializer,  // an initializer shown as its own box (BuildOptions::initializers_as_nodes)
  Group,        // a closed group of the hierarchy (grouped_scene.h): `group` says which
};
const char* nodeKindName(NodeKind k);  // "op", "input", "output", "initializer", "group"

enum class RowKind : uint8_t {
  Attributes,  // key attributes: "3×3 /2  pads 1  g 32"
  Tensor,      // a folded input: text = parameter name ("W"), detail = "⟨64×3×7×7⟩" or "= 0.5"
  Body,        // a subgraph: text = attribute name ("then_branch"), detail = "⟨12 nodes⟩"
  Name,        // the node's name (BuildOptions::show_names)
};

// One line of text below the header. Text is clean (valid UTF-8, no control
// characters) and already cut to fit BoxStyle::max_text_width.
struct BoxRow {
  RowKind kind = RowKind::Attributes;
  std::string text;
  std::string detail;  // drawn after text, dimmer; may be empty
  ir::ValueId value;   // Tensor rows: the folded value
  ir::GraphId body;    // Body rows: the subgraph
};

struct DisplayNode {
  NodeKind kind = NodeKind::Op;
  OpCategory category = OpCategory::Other;
  ir::GraphId graph;  // the IR graph this box belongs to (differs from the root when expanded)
  ir::NodeId op;      // Op boxes
  ir::ValueId value;  // Input/Output/Initializer boxes
  std::string title;  // header: op type, or the value name for io/initializer boxes
  std::string name;   // clean full node name (Op) or value name; for search and details
  std::vector<BoxRow> rows;
  uint32_t owner = kNoIndex;  // expanded bodies: the display node of the owning If/Loop/Scan
  uint16_t depth = 0;         // expanded bodies: nesting depth (0 = the root graph)
  uint32_t group = kNoIndex;  // Group boxes: the hierarchy GroupId (a folded series' rest too)
  int32_t repeat_class = -1;  // Group boxes: hierarchy repeat class (one colour per class), -1 none
  float width = 0.0f;
  float height = 0.0f;
};

struct DisplayEdge {
  uint32_t from = 0;  // display node index
  uint32_t to = 0;
  ir::GraphId graph;  // the graph `value` belongs to
  ir::ValueId value;
  uint32_t slot = kNoIndex;  // input slot at the consumer; kNoIndex for edges into output boxes
  std::string label;         // tensor shape ("1×64×56×56"), "" when unknown
};

struct DisplayGraph {
  ir::GraphId graph;  // the root graph shown
  std::vector<DisplayNode> nodes;
  std::vector<DisplayEdge> edges;
  // Display node of an op of the root graph ([ir node index]; kNoIndex if none).
  std::vector<uint32_t> node_of_op;
  uint32_t folded_tensors = 0;  // Tensor rows in all boxes

  uint32_t nodeCount() const { return static_cast<uint32_t>(nodes.size()); }
  uint32_t edgeCount() const { return static_cast<uint32_t>(edges.size()); }
};

struct BuildOptions {
  bool initializers_as_nodes = false;  // a box per initializer instead of rows
  bool show_names = false;             // a Name row in every op box
  bool expand_bodies = false;          // inline If/Loop/Scan bodies (recursively)
  const TextMetrics* metrics = nullptr;  // null: defaultMetrics()
  // The type shown on edges and tensor rows; null or returning null: the declared
  // type (Value::type, initializer dims). The CLI and app pass inferred shapes here.
  std::function<const ir::Type*(ir::GraphId, ir::ValueId)> value_type;
};

// Builds the display graph of model.graphs[graph]. Fails only for an invalid graph id.
Result<DisplayGraph> buildDisplayGraph(const ir::Model& model, ir::GraphId graph, const BuildOptions& options = {});

// The same build in slices, for the single-threaded app: step() works for about
// budget_ms and returns true once finished. The model and options.metrics must
// outlive the job. buildDisplayGraph() is this job run with no budget.
class DisplayGraphJob {
 public:
  DisplayGraphJob(const ir::Model& model, ir::GraphId graph, BuildOptions options);
  ~DisplayGraphJob();
  DisplayGraphJob(const DisplayGraphJob&) = delete;
  DisplayGraphJob& operator=(const DisplayGraphJob&) = delete;

  bool step(double budget_ms);  // <= 0: until finished
  bool finished() const;
  float progress() const;       // 0..1, by boxes made and measured
  // The result once finished (moves it out; call once).
  Result<DisplayGraph> take();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Header band fill and header text colour of a box (0xRRGGBB): the category's, or for
// Group boxes the repeat class colour (identical groups look alike). Every renderer
// uses these.
uint32_t headerColor(const DisplayNode& node);
uint32_t headerTextColor(const DisplayNode& node);

// "1×64×56×56"; symbolic dims by name; "?" for unknown dims; "" for an unknown rank.
// Scalars (rank 0) are "scalar".
std::string shapeLabel(const ir::Shape& shape);
// The box of a node measured from its rows (what buildDisplayGraph sets).
void measureNode(DisplayNode& node, const TextMetrics& metrics);

}  // namespace nf::scene

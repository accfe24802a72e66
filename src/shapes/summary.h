// shapes/summary.h - the per-layer summary table (like Keras summary() and
// torchinfo) and its text, Markdown, CSV and JSON forms.
//
// The table is plain data built from the model, the inference result and the
// metrics; the CLI prints it and the app's summary view shows and copies it
// (sorting, filtering and grouping are options here so both agree).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/model.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::shapes {

struct SummaryOptions {
  // 0: one row per node; d > 0: one row per name-scope prefix of d segments.
  int group_depth = 0;
  std::string separators = "/";
  // Case-insensitive substring of the row's name or op type; empty keeps all rows.
  std::string filter;
  enum class Sort : uint8_t {
    Execution,  // node order (groups: order of first appearance)
    Name,
    Type,
    Params,
    Macs,
  };
  Sort sort = Sort::Execution;
  bool descending = false;
  // Nodes computing constants (Constant, shape arithmetic on initializers) are
  // hidden unless this is set; their parameters still count in the totals.
  bool show_constant_nodes = false;
};

struct SummaryRow {
  ir::NodeId node;      // the main-graph node; invalid for a group row
  std::string name;     // node name ("<op>#<index>" when unnamed), or the scope of a group
  std::string op_type;  // op type ("" for a group row)
  std::vector<ir::Type> output_types;  // node rows: one per output (kind None when absent/unknown)
  std::string output_shape;            // node rows: "[1, 64, 112, 112]"; outputs joined by "; "
  int64_t params = 0;
  int64_t macs = 0;
  int64_t flops = 0;
  uint64_t output_bytes = 0;
  double macs_percent = 0;  // of the model's total MACs
  bool macs_known = true;
  int nodes = 1;  // nodes the row stands for
  // Module tables (hierarchy/module_summary.h):
  int depth = 0;           // nesting level, 0 = top (text formats indent by it)
  uint32_t instances = 1;  // a folded run of identical modules: how many (> 1 only then)
  int64_t group = -1;      // the hierarchy group of a module row, -1 for an op row
  bool expandable = false; // has rows below it that are not shown
};

struct SummaryTable {
  std::vector<SummaryRow> rows;
  Totals totals;  // always the whole model, whatever the filter
  std::vector<DtypeParams> params_by_dtype;
  bool grouped = false;
  // One row per module (name scope), nested, repeats folded: the columns are
  // Module (indented by depth), Type, Nodes, Params, MACs, % MACs; JSON "modules".
  bool modules = false;
  int hidden_constant_nodes = 0;
};

SummaryTable buildSummary(const ir::Model& model, const InferenceResult& inference, const Metrics& metrics,
                          const SummaryOptions& options = {});

// Keras-like fixed-width table with totals underneath.
std::string formatText(const SummaryTable& t);
// A GitHub-flavoured Markdown table, then the totals as a short list.
std::string formatMarkdown(const SummaryTable& t);
// RFC 4180 CSV: a header, one line per row, then a "(total)" line.
std::string formatCsv(const SummaryTable& t);
// {"totals": {params, param_bytes, macs, flops, activation_bytes,
//  peak_activation_bytes}, "params_by_dtype": [...], "nodes": [{name, op_type,
//  output_shapes, params, macs, flops, output_bytes}]} ("groups" instead of
// "nodes" for a grouped table). Shapes are arrays of ints/strings, null for an
// unknown dim; a whole shape is null when its rank is unknown. A module table has
// "modules": [{name, type, depth, instances, nodes, params, macs, flops, output_bytes}].
std::string formatJson(const SummaryTable& t);

// JSON for one type's shape: [1, "batch", null] or null.
std::string shapeJson(const ir::Type& t);

}  // namespace nf::shapes

// Summary table: rows from metrics, sorting/filtering/grouping, and the four
// output formats.
#include "shapes/summary.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/strings.h"

namespace nf::shapes {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  return buf;
}

std::string rowName(const ir::Node& n, ir::NodeId id) {
  return n.name.empty() ? n.op_type + "#" + std::to_string(id.index) : n.name;
}

std::string shapeText(const ir::Type& t) {
  if (t.kind == ir::Type::Kind::Tensor) return ir::shapeToString(t.shape);
  return ir::typeToString(t);
}

}  // namespace

std::string shapeJson(const ir::Type& t) {
  if (t.kind != ir::Type::Kind::Tensor || !t.shape.rank_known) return "null";
  std::string out = "[";
  for (size_t k = 0; k < t.shape.rank(); ++k) {
    if (k) out += ", ";
    const ir::Dim& d = t.shape.dims[k];
    if (d.isKnown()) out += std::to_string(d.value);
    else if (d.isSymbolic()) out += "\"" + escapeJson(d.symbol) + "\"";
    else out += "null";
  }
  return out + "]";
}

SummaryTable buildSummary(const ir::Model& model, const InferenceResult& inf, const Metrics& met,
                          const SummaryOptions& opt) {
  SummaryTable t;
  t.totals = met.totals;
  t.params_by_dtype = met.params_by_dtype;
  if (model.graphs.empty()) return t;
  const ir::Graph& G = model.main();
  double total_macs = static_cast<double>(met.totals.macs);
  auto pct = [&](int64_t macs) { return total_macs > 0 ? 100.0 * static_cast<double>(macs) / total_macs : 0.0; };

  if (opt.group_depth > 0) {
    t.grouped = true;
    for (const GroupRow& g : groupTotals(model, met, opt.group_depth, opt.separators)) {
      SummaryRow r;
      r.name = g.scope.empty() ? "(root)" : g.scope;
      r.params = g.totals.params;
      r.macs = g.totals.macs;
      r.flops = g.totals.flops;
      r.output_bytes = g.totals.activation_bytes;
      r.macs_percent = pct(r.macs);
      r.macs_known = g.totals.nodes_cost_unknown == 0;
      r.nodes = g.totals.nodes;
      // A group of one node reads like that node.
      if (g.nodes.size() == 1) {
        r.node = g.nodes[0];
        r.op_type = G.node(g.nodes[0]).op_type;
      }
      t.rows.push_back(std::move(r));
    }
  } else {
    for (ir::NodeId id : met.order) {
      const ir::Node& n = G.node(id);
      const NodeMetrics& nm = met.node(id);
      if (nm.constant && !opt.show_constant_nodes) {
        ++t.hidden_constant_nodes;
        continue;
      }
      SummaryRow r;
      r.node = id;
      r.name = rowName(n, id);
      r.op_type = n.domain.empty() || n.domain == "ai.onnx" ? n.op_type : n.domain + "::" + n.op_type;
      for (ir::ValueId o : n.outputs) {
        r.output_types.push_back(o.valid() ? inf.type(ir::GraphId{0}, o) : ir::Type{});
        if (!o.valid()) continue;
        if (!r.output_shape.empty()) r.output_shape += "; ";
        r.output_shape += shapeText(r.output_types.back());
      }
      r.params = nm.params;
      r.macs = nm.macs;
      r.flops = nm.flops;
      r.output_bytes = nm.output_bytes;
      r.macs_percent = pct(nm.macs);
      r.macs_known = nm.macs_known;
      t.rows.push_back(std::move(r));
    }
  }

  if (!opt.filter.empty()) {
    std::string f = lower(opt.filter);
    t.rows.erase(std::remove_if(t.rows.begin(), t.rows.end(),
                                [&](const SummaryRow& r) {
                                  return lower(r.name).find(f) == std::string::npos &&
                                         lower(r.op_type).find(f) == std::string::npos;
                                }),
                 t.rows.end());
  }
  using S = SummaryOptions::Sort;
  if (opt.sort != S::Execution) {
    std::stable_sort(t.rows.begin(), t.rows.end(), [&](const SummaryRow& a, const SummaryRow& b) {
      switch (opt.sort) {
        case S::Name: return opt.descending ? a.name > b.name : a.name < b.name;
        case S::Type: return opt.descending ? a.op_type > b.op_type : a.op_type < b.op_type;
        case S::Params: return opt.descending ? a.params > b.params : a.params < b.params;
        case S::Macs: return opt.descending ? a.macs > b.macs : a.macs < b.macs;
        default: return false;
      }
    });
  } else if (opt.descending) {
    std::reverse(t.rows.begin(), t.rows.end());
  }
  return t;
}

// [Text] -------------------------------------------------------------------------------------

namespace {

// A module row's name indented by its depth, with a mark when it folds more below.
std::string moduleName(const SummaryRow& r) {
  return std::string(static_cast<size_t>(std::clamp(r.depth, 0, 16)) * 2, ' ') + displayName(r.name, 60);
}

std::string macsCell(const SummaryRow& r) { return withThousands(r.macs) + (r.macs_known ? "" : "+"); }

std::string totalsText(const SummaryTable& t, const char* bullet) {
  std::string out;
  out += std::string(bullet) + "Total params: " + withThousands(t.totals.params) + " (" +
         humanBytes(t.totals.param_bytes) + ")\n";
  for (const auto& d : t.params_by_dtype)
    out += std::string(bullet) + "  " + std::string(ir::elemTypeName(d.elem)) + ": " + withThousands(d.count) + " (" +
           humanBytes(d.bytes) + ")\n";
  std::string lb = t.totals.nodes_cost_unknown ? " (lower bound: " + std::to_string(t.totals.nodes_cost_unknown) +
                                                     " nodes with unknown shapes)"
                                               : "";
  out += std::string(bullet) + "Total MACs: " + withThousands(t.totals.macs) + " (" +
         humanCount(static_cast<double>(t.totals.macs)) + ")" + lb + "\n";
  out += std::string(bullet) + "Total FLOPs: " + withThousands(t.totals.flops) + " (" +
         humanCount(static_cast<double>(t.totals.flops)) + ")\n";
  out += std::string(bullet) + "Activation memory (all outputs): " + humanBytes(t.totals.activation_bytes) + "\n";
  out += std::string(bullet) + "Peak activation memory (estimate): " + humanBytes(t.totals.peak_activation_bytes) + "\n";
  return out;
}

}  // namespace

std::string formatText(const SummaryTable& t) {
  struct Col {
    std::string title;
    bool right;
    size_t width;
  };
  // Group rows have no single output shape: that column is left out.
  std::vector<Col> cols = t.modules ? std::vector<Col>{{"Module", false, 0},
                                                       {"Type", false, 0},
                                                       {"Nodes", true, 0},
                                                       {"Params", true, 0},
                                                       {"MACs", true, 0},
                                                       {"% MACs", true, 0}}
                         : t.grouped ? std::vector<Col>{{"Scope", false, 0},
                                                       {"Nodes", true, 0},
                                                       {"Params", true, 0},
                                                       {"MACs", true, 0},
                                                       {"% MACs", true, 0}}
                                    : std::vector<Col>{{"Layer (name)", false, 0},
                                                       {"Type", false, 0},
                                                       {"Output shape", false, 0},
                                                       {"Params", true, 0},
                                                       {"MACs", true, 0},
                                                       {"% MACs", true, 0}};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : t.rows) {
    if (t.modules)
      cells.push_back({moduleName(r), displayName(r.op_type, 50), std::to_string(r.nodes), withThousands(r.params),
                       macsCell(r), percent(r.macs_percent)});
    else if (t.grouped)
      cells.push_back({displayName(r.name, 60), std::to_string(r.nodes), withThousands(r.params), macsCell(r),
                       percent(r.macs_percent)});
    else
      cells.push_back({displayName(r.name, 60), r.op_type, displayName(r.output_shape, 40), withThousands(r.params),
                       macsCell(r), percent(r.macs_percent)});
  }
  for (size_t c = 0; c < cols.size(); ++c) {
    cols[c].width = cols[c].title.size();
    for (const auto& row : cells) cols[c].width = std::max(cols[c].width, row[c].size());
  }
  auto line = [&](const std::vector<std::string>& v) {
    std::string out;
    for (size_t c = 0; c < cols.size(); ++c) {
      const std::string& s = v[c];
      std::string pad(cols[c].width > s.size() ? cols[c].width - s.size() : 0, ' ');
      out += cols[c].right ? pad + s : s + pad;
      if (c + 1 < cols.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  size_t total_w = 0;
  for (const auto& c : cols) total_w += c.width + 2;
  std::string rule(total_w - 2, '=');
  std::vector<std::string> titles;
  for (const auto& c : cols) titles.push_back(c.title);
  std::string out = line(titles);
  out += rule + "\n";
  for (const auto& row : cells) out += line(row);
  out += rule + "\n";
  out += totalsText(t, "");
  if (t.hidden_constant_nodes)
    out += std::to_string(t.hidden_constant_nodes) + " constant-computing nodes not listed\n";
  return out;
}

std::string formatMarkdown(const SummaryTable& t) {
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (c == '|') o += "\\|";
      else if (c == '\n' || c == '\r') o += ' ';
      else o += c;
    }
    return o;
  };
  std::string out = t.modules ? "| Module | Type | Nodes | Params | MACs | % MACs |\n|---|---|---:|---:|---:|---:|\n"
                   : t.grouped ? "| Scope | Nodes | Params | MACs | % MACs |\n|---|---:|---:|---:|---:|\n"
                              : "| Layer (name) | Type | Output shape | Params | MACs | % MACs |\n"
                                "|---|---|---|---:|---:|---:|\n";
  for (const auto& r : t.rows) {
    if (t.modules)
      out += "| " + std::string(static_cast<size_t>(std::clamp(r.depth, 0, 16)) * 2, '.') + esc(r.name) + " | " +
             esc(r.op_type) + " | " + std::to_string(r.nodes) + " | " + withThousands(r.params) + " | " + macsCell(r) +
             " | " + percent(r.macs_percent) + " |\n";
    else if (t.grouped)
      out += "| " + esc(r.name) + " | " + std::to_string(r.nodes) + " | " + withThousands(r.params) + " | " +
             macsCell(r) + " | " + percent(r.macs_percent) + " |\n";
    else
      out += "| " + esc(r.name) + " | " + esc(r.op_type) + " | " + esc(r.output_shape) + " | " +
             withThousands(r.params) + " | " + macsCell(r) + " | " + percent(r.macs_percent) + " |\n";
  }
  out += "\n" + totalsText(t, "- ");
  return out;
}

std::string formatCsv(const SummaryTable& t) {
  auto q = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) {
      if (c == '"') o += '"';
      o += c;
    }
    return o + "\"";
  };
  std::string out = t.modules ? "module,type,depth,instances,nodes,params,macs,flops,macs_percent\n"
                   : t.grouped ? "scope,nodes,params,macs,flops,macs_percent\n"
                              : "name,op_type,output_shape,params,macs,flops,macs_percent\n";
  for (const auto& r : t.rows) {
    if (t.modules)
      out += q(r.name) + "," + q(r.op_type) + "," + std::to_string(r.depth) + "," + std::to_string(r.instances) + "," +
             std::to_string(r.nodes) + "," + std::to_string(r.params) + "," + std::to_string(r.macs) + "," +
             std::to_string(r.flops) + "," + percent(r.macs_percent) + "\n";
    else if (t.grouped)
      out += q(r.name) + "," + std::to_string(r.nodes) + "," + std::to_string(r.params) + "," + std::to_string(r.macs) +
             "," + std::to_string(r.flops) + "," + percent(r.macs_percent) + "\n";
    else
      out += q(r.name) + "," + q(r.op_type) + "," + q(r.output_shape) + "," + std::to_string(r.params) + "," +
             std::to_string(r.macs) + "," + std::to_string(r.flops) + "," + percent(r.macs_percent) + "\n";
  }
  if (t.modules)
    out += "(total),,0,1," + std::to_string(t.totals.nodes) + "," + std::to_string(t.totals.params) + "," +
           std::to_string(t.totals.macs) + "," + std::to_string(t.totals.flops) + ",100.00\n";
  else if (t.grouped)
    out += "(total)," + std::to_string(t.totals.nodes) + "," + std::to_string(t.totals.params) + "," +
           std::to_string(t.totals.macs) + "," + std::to_string(t.totals.flops) + ",100.00\n";
  else
    out += "(total),,," + std::to_string(t.totals.params) + "," + std::to_string(t.totals.macs) + "," +
           std::to_string(t.totals.flops) + ",100.00\n";
  return out;
}

std::string formatJson(const SummaryTable& t) {
  std::string out = "{\n  \"totals\": {";
  out += "\"params\": " + std::to_string(t.totals.params);
  out += ", \"param_bytes\": " + std::to_string(t.totals.param_bytes);
  out += ", \"macs\": " + std::to_string(t.totals.macs);
  out += ", \"flops\": " + std::to_string(t.totals.flops);
  out += ", \"activation_bytes\": " + std::to_string(t.totals.activation_bytes);
  out += ", \"peak_activation_bytes\": " + std::to_string(t.totals.peak_activation_bytes);
  out += ", \"nodes\": " + std::to_string(t.totals.nodes);
  out += ", \"nodes_cost_unknown\": " + std::to_string(t.totals.nodes_cost_unknown);
  out += "},\n  \"params_by_dtype\": [";
  for (size_t i = 0; i < t.params_by_dtype.size(); ++i) {
    const auto& d = t.params_by_dtype[i];
    out += std::string(i ? ", " : "") + "{\"elem_type\": \"" + std::string(ir::elemTypeName(d.elem)) +
           "\", \"count\": " + std::to_string(d.count) + ", \"bytes\": " + std::to_string(d.bytes) + "}";
  }
  out += t.modules ? "],\n  \"modules\": [" : t.grouped ? "],\n  \"groups\": [" : "],\n  \"nodes\": [";
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const SummaryRow& r = t.rows[i];
    out += i ? ",\n    {" : "\n    {";
    if (t.modules) {
      out += "\"name\": \"" + escapeJson(r.name) + "\", \"type\": \"" + escapeJson(r.op_type) +
             "\", \"depth\": " + std::to_string(r.depth) + ", \"instances\": " + std::to_string(r.instances) +
             ", \"nodes\": " + std::to_string(r.nodes);
    } else if (t.grouped) {
      out += "\"scope\": \"" + escapeJson(r.name) + "\", \"nodes\": " + std::to_string(r.nodes);
    } else {
      out += "\"name\": \"" + escapeJson(r.name) + "\", \"op_type\": \"" + escapeJson(r.op_type) +
             "\", \"output_shapes\": [";
      for (size_t k = 0; k < r.output_types.size(); ++k) out += (k ? ", " : "") + shapeJson(r.output_types[k]);
      out += "]";
    }
    out += ", \"params\": " + std::to_string(r.params) + ", \"macs\": " + std::to_string(r.macs) +
           ", \"flops\": " + std::to_string(r.flops) + ", \"output_bytes\": " + std::to_string(r.output_bytes) +
           ", \"macs_known\": " + (r.macs_known ? "true" : "false") + "}";
  }
  out += t.rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

}  // namespace nf::shapes

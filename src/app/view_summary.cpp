// SummaryView: the Keras-summary / torchinfo table of the open model (views_inspect.h).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/selection.h"
#include "app/session.h"
#include "app/views_inspect.h"
#include "base/strings.h"

namespace nf::app {

namespace {

std::string countText(int64_t v, bool known = true) { return known ? withThousands(v) : "?"; }

// Columns 1-5 of a row (type, output shape, params, MACs, % MACs), the same in both tables.
void rowCells(const shapes::SummaryRow& row, size_t type_chars) {
  ImGui::TableSetColumnIndex(1);
  ImGui::TextUnformatted(displayName(row.op_type, type_chars).c_str());
  ImGui::TableSetColumnIndex(2);
  ImGui::TextUnformatted(row.output_shape.c_str());
  ImGui::TableSetColumnIndex(3);
  ImGui::TextUnformatted(countText(row.params).c_str());
  ImGui::TableSetColumnIndex(4);
  ImGui::TextUnformatted(row.macs_known ? humanCount(static_cast<double>(row.macs)).c_str() : "?");
  ImGui::TableSetColumnIndex(5);
  ImGui::Text("%.1f", row.macs_percent);
}

}  // namespace

void SummaryView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 60, area.pos.y + 60), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(std::min(900.0f, area.size.x - 120), std::max(240.0f, area.size.y * 0.7f)),
                           ImGuiCond_FirstUseEver);
}

// Module rows when the model has scopes and the table is in graph order, unfiltered
// (a tree has no one order to sort by); else one row per op.
void SummaryView::rebuild(const ir::Model& m, const shapes::InferenceResult& inf, const shapes::Metrics& met) {
  const bool tree = modules_ && hierarchy_ && hierarchy::hasModules(*hierarchy_) && options_.filter.empty() &&
                    options_.sort == shapes::SummaryOptions::Sort::Execution && !options_.descending;
  table_ = tree ? hierarchy::buildModuleSummary(m, *hierarchy_, met, module_options_)
                : shapes::buildSummary(m, inf, met, options_);
}

void SummaryView::drawContent(AppContext& ctx) {
  document::ModelDocument& doc = ctx.session.document();
  const OpenedModel* opened = doc.current();
  const document::ModelAnalysis* a = doc.analysis();
  if (!a) {
    ImGui::TextDisabled("No model open.");
    return;
  }
  const ir::Model& m = opened->model;

  if (built_for_ != doc.generation()) {
    // The module tree comes from the hierarchy of the main graph, built once per model.
    hierarchy_.reset();
    if (auto h = hierarchy::buildHierarchy(m); h.ok()) hierarchy_ = std::make_unique<hierarchy::Hierarchy>(std::move(*h));
    module_options_.expanded.clear();
  }
  const bool scoped = hierarchy_ && hierarchy::hasModules(*hierarchy_);

  // Controls: filter, modules (depth, ops) or per-op rows, constant nodes; copy buttons.
  ImGui::SetNextItemWidth(200);
  bool changed = ImGui::InputTextWithHint("##filter", "Filter layers", &options_.filter);
  if (scoped) {
    ImGui::SameLine();
    changed |= ImGui::Checkbox("modules", &modules_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One row per module (name scope), repeated layers folded");
    if (modules_) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(90);
      changed |= ImGui::SliderInt("depth", &module_options_.depth, 1, 8);
      ImGui::SameLine();
      changed |= ImGui::Checkbox("ops", &module_options_.ops);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every module open down to its ops");
    }
  }
  ImGui::SameLine();
  changed |= ImGui::Checkbox("constants", &options_.show_constant_nodes);
  if (changed || built_for_ != doc.generation()) {
    rebuild(m, a->inference, a->metrics);
    built_for_ = doc.generation();
  }
  ImGui::SameLine();
  if (ImGui::Button("Copy Markdown")) ImGui::SetClipboardText(shapes::formatMarkdown(table_).c_str());
  ImGui::SameLine();
  if (ImGui::Button("Copy CSV")) ImGui::SetClipboardText(shapes::formatCsv(table_).c_str());

  const shapes::Totals& t = table_.totals;
  ImGui::Text("Params %s (%s)   MACs %s   FLOPs %s   peak activations %s", countText(t.params).c_str(),
              humanBytes(t.param_bytes).c_str(), humanCount(static_cast<double>(t.macs)).c_str(),
              humanCount(static_cast<double>(t.flops)).c_str(), humanBytes(t.peak_activation_bytes).c_str());
  if (t.nodes_cost_unknown)
    ImGui::TextDisabled("%d nodes need shapes that are unknown; their cost is not counted", t.nodes_cost_unknown);
  ImGui::TextDisabled("computed in %.1f ms; %zu rows", a->ms, table_.rows.size());

  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                          ImGuiTableFlags_Sortable | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("##summary", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(table_.modules ? "Module" : "Layer",
                          ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_DefaultSort);
  ImGui::TableSetupColumn("Type", ImGuiTableColumnFlags_WidthFixed, table_.modules ? 230.0f : 110.0f);
  ImGui::TableSetupColumn("Output shape", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoSort, 180);
  ImGui::TableSetupColumn("Params", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending, 100);
  ImGui::TableSetupColumn("MACs", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending, 100);
  ImGui::TableSetupColumn("%", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoSort, 55);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    using S = shapes::SummaryOptions::Sort;
    static const S kByColumn[] = {S::Execution, S::Type, S::Execution, S::Params, S::Macs, S::Macs};
    if (specs->SpecsCount > 0) {
      options_.sort = kByColumn[specs->Specs[0].ColumnIndex];
      options_.descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    }
    rebuild(m, a->inference, a->metrics);
    specs->SpecsDirty = false;
  }
  int64_t toggle = -1;  // a module row clicked: open or close it
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(table_.rows.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const shapes::SummaryRow& row = table_.rows[static_cast<size_t>(r)];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(r);
      bool selected = row.node.valid() && ctx.selection.node == row.node && ctx.selection.graph.index == 0;
      std::string label = displayName(row.name, 120);
      if (row.nodes > 1) label += "  (" + std::to_string(row.nodes) + " nodes)";
      if (table_.modules) {
        // Indented by depth; a module row opens (+) or closes (-) on a click.
        const hierarchy::GroupId g{static_cast<uint32_t>(row.group)};
        auto& open = module_options_.expanded;
        const auto at = std::find(open.begin(), open.end(), g);
        const char* mark = row.group < 0 ? "  " : at != open.end() ? "- " : row.expandable ? "+ " : "  ";
        label = std::string(static_cast<size_t>(std::clamp(row.depth, 0, 16)) * 2, ' ') + mark + label;
        if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
          if (row.group >= 0) toggle = row.group;  // applied after the table: rows are in use
          else if (row.node.valid()) ctx.selection.selectNode(ir::GraphId{0}, row.node, true);
        }
        ImGui::PopID();
        rowCells(row, 60);
        continue;
      }
      // A click selects the node in the graph (group rows select their first node).
      if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
        ir::NodeId target = row.node;
        if (!target.valid() && table_.grouped) {
          for (const auto& g : shapes::groupTotals(m, a->metrics, options_.group_depth))
            if (g.scope == row.name && !g.nodes.empty()) target = g.nodes.front();
        }
        if (target.valid()) ctx.selection.selectNode(ir::GraphId{0}, target, true);
      }
      ImGui::PopID();
      rowCells(row, 40);
    }
  }
  ImGui::EndTable();
  if (toggle >= 0) {
    auto& open = module_options_.expanded;
    const hierarchy::GroupId g{static_cast<uint32_t>(toggle)};
    if (auto at = std::find(open.begin(), open.end(), g); at != open.end()) open.erase(at);
    else open.push_back(g);
    rebuild(m, a->inference, a->metrics);
  }
}

}  // namespace nf::app

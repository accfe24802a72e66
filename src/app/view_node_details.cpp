// NodeDetailsView: everything about the selected node.
#include <algorithm>

#include "app/comparison.h"
#include "app/selection.h"
#include "app/session.h"
#include "app/views_inspect.h"
#include "base/strings.h"
#include "ir/format.h"

namespace nf::app {

namespace {

// One input or output slot: its name, declared type, and where it comes from/goes.
void valueRow(AppContext& ctx, const ir::Graph& g, ir::GraphId gid, const char* slot, ir::ValueId id,
              const document::ModelAnalysis* analysis) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", slot);
  ImGui::TableSetColumnIndex(1);
  if (!id.valid()) {
    ImGui::TextDisabled("(omitted)");
    return;
  }
  const ir::Value& v = g.value(id);
  std::string label = displayName(v.name, 120);
  if (v.initializer >= 0) {
    ImGui::PushID(static_cast<int>(id.index));
    if (ImGui::SmallButton(label.c_str())) ctx.selection.selectValue(gid, id);
    ImGui::PopID();
    ImGui::SameLine();
    ImGui::TextDisabled("%s", ir::tensorTypeText(g.initializers[static_cast<size_t>(v.initializer)]).c_str());
    return;
  }
  ImGui::TextUnformatted(label.c_str());
  // The inferred type (which already honours the declared one); the declared one otherwise.
  const ir::Type* type = &v.type;
  if (analysis && gid.index < analysis->inference.graphs.size() && analysis->inference.type(gid, id).known())
    type = &analysis->inference.type(gid, id);
  if (type->known()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", displayName(ir::typeToString(*type), 80).c_str());
  }
  if (v.graph_input) {
    ImGui::SameLine();
    ImGui::TextDisabled("(graph input)");
  } else if (v.outer_scope) {
    ImGui::SameLine();
    ImGui::TextDisabled("(outer scope)");
  }
}

}  // namespace

void NodeDetailsView::placeWindow(const WorkArea& area) {
  float w = std::min(420.0f, area.size.x * 0.4f);
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + area.size.x - w - 10, area.pos.y + 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(w, std::max(200.0f, area.size.y * 0.55f)), ImGuiCond_FirstUseEver);
}

namespace {

// What became of the node in a comparison's merged view: its status, and for a changed
// pair each change as old -> new (A -> B).
void mergedNodeStatus(const Comparison& cmp, uint32_t node) {
  if (node >= cmp.statusMerged().size()) return;
  const scene::DiffStatus st = cmp.statusMerged()[node];
  const uint32_t c = scene::diffStatusColor(st);
  const ImVec4 colour(((c >> 16) & 0xFF) / 255.0f, ((c >> 8) & 0xFF) / 255.0f, (c & 0xFF) / 255.0f, 1.0f);
  static constexpr const char* kWhat[] = {"same in A and B", "changed from A to B", "removed: only in A", "added: only in B"};
  ImGui::TextColored(colour, "%s", kWhat[static_cast<int>(st)]);
  const diff::NodeDiff* d = cmp.pairDiffOfMerged(node);
  if (!d || d->same()) return;
  for (const diff::Change& ch : d->changes)
    ImGui::TextWrapped("%s: %s -> %s", displayName(ch.what, 80).c_str(), ch.a.empty() ? "(none)" : displayName(ch.a, 200).c_str(),
                       ch.b.empty() ? "(none)" : displayName(ch.b, 200).c_str());
}

}  // namespace

bool NodeDetailsView::dockShown(const AppContext& ctx) const {
  return inspectedContext(ctx).selection.node.valid();
}

void NodeDetailsView::drawContent(AppContext& panel_ctx) {
  AppContext& ctx = inspectedContext(panel_ctx);
  const Comparison* merged = &ctx != &panel_ctx ? panel_ctx.comparison : nullptr;
  const OpenedModel* opened = ctx.session.document().current();
  const Selection& sel = ctx.selection;
  if (!opened || sel.graph.index >= opened->model.graphs.size() || !sel.node.valid() ||
      sel.node.index >= opened->model.graph(sel.graph).nodes.size()) {
    ImGui::TextWrapped("Select a node in the graph or in the node list (Ctrl+Shift+F) to see its details.");
    return;
  }
  const ir::Model& m = opened->model;
  const ir::Graph& g = m.graph(sel.graph);
  const ir::Node& n = g.node(sel.node);

  ImGui::Text("%s", displayName(n.op_type, 80).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%s", n.domain.empty() ? "ai.onnx" : displayName(n.domain, 60).c_str());
  ImGui::TextWrapped("%s", n.name.empty() ? "(unnamed node)" : displayName(n.name, 400).c_str());
  const document::ModelAnalysis* analysis = ctx.session.document().analysis();
  if (analysis && sel.graph.index == 0) {
    const auto& nm = analysis->metrics.node(sel.node);
    ImGui::TextDisabled("params %s   MACs %s   FLOPs %s   output %s", withThousands(nm.params).c_str(),
                        nm.macs_known ? humanCount(static_cast<double>(nm.macs)).c_str() : "?",
                        nm.macs_known ? humanCount(static_cast<double>(nm.flops)).c_str() : "?",
                        nm.output_known ? humanBytes(nm.output_bytes).c_str() : "?");
  }
  if (merged && sel.graph.index == 0) mergedNodeStatus(*merged, sel.node.index);
  ImGui::Separator();

  auto table = [](const char* id) {
    bool open = ImGui::BeginTable(id, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp);
    if (open) {
      ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    }
    return open;
  };
  if (ImGui::CollapsingHeader("Attributes", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (n.attributes.empty()) ImGui::TextDisabled("(none)");
    if (!n.attributes.empty() && table("##attrs")) {
      for (const auto& a : n.attributes) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(displayName(a.name, 60).c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextWrapped("%s", ir::attributeValueText(m, a).c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s", std::string(ir::attrTypeName(a.type)).c_str());
      }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader("Inputs", ImGuiTreeNodeFlags_DefaultOpen) && table("##inputs")) {
    // Merged: a pair's input fed differently on the two sides shows both edges, marked.
    const std::vector<diff::EdgeSide>* sides = merged && sel.graph.index == 0 ? merged->inputSidesOfMerged(sel.node.index) : nullptr;
    const bool paired = merged && merged->statusMerged().size() > sel.node.index &&
                        merged->statusMerged()[sel.node.index] <= scene::DiffStatus::Changed;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      std::string slot = std::to_string(i);
      if (paired && sides && i < sides->size() && (*sides)[i] != diff::EdgeSide::Both)
        slot += (*sides)[i] == diff::EdgeSide::OnlyA ? " (A only)" : " (B only)";
      valueRow(ctx, g, sel.graph, slot.c_str(), n.inputs[i], analysis);
    }
    ImGui::EndTable();
  }
  if (ImGui::CollapsingHeader("Outputs", ImGuiTreeNodeFlags_DefaultOpen) && table("##outputs")) {
    for (size_t i = 0; i < n.outputs.size(); ++i)
      valueRow(ctx, g, sel.graph, std::to_string(i).c_str(), n.outputs[i], analysis);
    ImGui::EndTable();
  }
  if (!n.doc.empty() && ImGui::CollapsingHeader("Documentation"))
    ImGui::TextWrapped("%s", displayName(n.doc, 4000).c_str());
}

}  // namespace nf::app

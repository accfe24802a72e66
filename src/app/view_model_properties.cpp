#include <algorithm>
#include <string>

#include "app/session.h"
#include "app/views.h"
#include "base/strings.h"
#include "ir/model.h"

namespace nf::app {

namespace {

// One "label | value" row of the facts table.
void row(const char* label, const std::string& value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", label);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextWrapped("%s", value.c_str());
}

std::string opsetsText(const ir::Model& m) {
  std::string text;
  for (const auto& o : m.opsets) {
    if (!text.empty()) text += ", ";
    text += (o.domain.empty() ? std::string("ai.onnx") : displayName(o.domain, 60)) + " " + std::to_string(o.version);
  }
  return text.empty() ? "(none)" : text;
}

// Inputs or outputs of the main graph as "name: type" lines.
void valueList(const char* title, const ir::Graph& g, const std::vector<ir::ValueId>& ids) {
  if (!ImGui::TreeNodeEx(title, ImGuiTreeNodeFlags_DefaultOpen, "%s (%zu)", title, ids.size())) return;
  constexpr size_t kShown = 200;  // a model can have thousands; the graph view lists them all
  for (size_t i = 0; i < ids.size() && i < kShown; ++i) {
    const ir::Value& v = g.value(ids[i]);
    ImGui::BulletText("%s", displayName(v.name, 80).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", displayName(ir::typeToString(v.type), 80).c_str());
  }
  if (ids.size() > kShown) ImGui::TextDisabled("... and %zu more", ids.size() - kShown);
  ImGui::TreePop();
}

}  // namespace

void ModelPropertiesView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 10, area.pos.y + 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(std::min(380.0f, area.size.x - 20), std::max(200.0f, area.size.y - 20)),
                           ImGuiCond_FirstUseEver);
}

void ModelPropertiesView::drawContent(AppContext& ctx) {
  const OpenedModel* opened = ctx.session.document().current();
  if (!opened) {
    ImGui::TextWrapped("No model open. Drop an .onnx file anywhere on the page, or use File > Open model...");
    return;
  }
  const ir::Model& m = opened->model;
  const ir::Graph* g = m.graphs.empty() ? nullptr : &m.main();

  // Weights shared separately are the usual case, not an error: say so plainly.
  if (!opened->missing_data.empty()) {
    ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "Note: %s", ctx.session.document().missingDataNotice().c_str());
    for (const auto& location : opened->missing_data)
      ImGui::TextDisabled("  %s not given", displayName(location, 60).c_str());
    ImGui::TextDisabled("Drop it with the model to see those weights.");
    ImGui::Separator();
  }

  if (ImGui::BeginTable("##facts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    row("File", displayName(opened->file_name, 120));
    row("Size", humanBytes(opened->file_size));
    row("Format", m.format + (m.ir_version ? " (IR version " + std::to_string(m.ir_version) + ")" : ""));
    row("Opsets", opsetsText(m));
    std::string producer = displayName(m.producer_name, 80);
    if (!m.producer_version.empty()) producer += " " + displayName(m.producer_version, 40);
    row("Producer", producer.empty() ? "(not recorded)" : producer);
    if (!m.domain.empty()) row("Domain", displayName(m.domain, 80));
    if (m.model_version) row("Model version", std::to_string(m.model_version));
    if (g) {
      if (!g->name.empty()) row("Graph", displayName(g->name, 80));
      row("Nodes", withThousands(static_cast<int64_t>(opened->nodeCount())) +
                       (m.graphs.size() > 1 ? " (subgraphs included)" : ""));
      row("Initializers", withThousands(static_cast<int64_t>(g->initializers.size())));
      row("Operator types", std::to_string(opened->opTypeCount()));
    }
    if (!m.functions.empty()) row("Functions", std::to_string(m.functions.size()));
    if (!opened->data_files.empty()) {
      std::string files;
      for (const auto& f : opened->data_files) files += (files.empty() ? "" : ", ") + displayName(f, 60);
      row("Data files", files);
    }
    ImGui::EndTable();
  }
  if (g) {
    ImGui::Spacing();
    valueList("Inputs", *g, g->realInputs());
    valueList("Outputs", *g, g->outputs);
  }
  if (!m.metadata.empty() && ImGui::TreeNode("Metadata")) {
    for (const auto& [key, value] : m.metadata)
      ImGui::BulletText("%s: %s", displayName(key, 60).c_str(), displayName(value, 200).c_str());
    ImGui::TreePop();
  }
  if (!m.doc.empty() && ImGui::TreeNode("Documentation")) {
    ImGui::TextWrapped("%s", displayName(m.doc, 2000).c_str());
    ImGui::TreePop();
  }
}

}  // namespace nf::app

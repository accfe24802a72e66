// NodeListView: a searchable list of every node of the graph on screen. Uses a
// list clipper, so 100k nodes cost only the visible rows per frame.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>

#include "app/selection.h"
#include "app/session.h"
#include "app/views_inspect.h"
#include "base/strings.h"

namespace nf::app {

namespace {

bool containsNoCase(const std::string& hay, const std::string& needle_lower) {
  if (needle_lower.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle_lower.begin(), needle_lower.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != hay.end();
}

// A node matches when its name, op type or any of its tensor names contains the text.
bool nodeMatches(const ir::Graph& g, const ir::Node& n, const std::string& needle) {
  if (containsNoCase(n.name, needle) || containsNoCase(n.op_type, needle)) return true;
  for (auto v : n.inputs)
    if (v.valid() && containsNoCase(g.value(v).name, needle)) return true;
  for (auto v : n.outputs)
    if (v.valid() && containsNoCase(g.value(v).name, needle)) return true;
  return false;
}

}  // namespace

void NodeListView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 400, area.pos.y + 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(420, std::max(200.0f, area.size.y * 0.6f)), ImGuiCond_FirstUseEver);
}

void NodeListView::refilter(const ir::Graph& g, uint64_t generation, uint32_t graph) {
  std::string needle = filter_;
  std::transform(needle.begin(), needle.end(), needle.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  rows_.clear();
  for (uint32_t i = 0; i < g.nodes.size(); ++i)
    if (nodeMatches(g, g.nodes[i], needle)) rows_.push_back(i);
  applied_filter_ = filter_;
  filtered_generation_ = generation;
  filtered_graph_ = graph;
}

void NodeListView::drawContent(AppContext& ctx) {
  const OpenedModel* opened = ctx.session.document().current();
  if (!opened || opened->model.graphs.empty()) {
    ImGui::TextDisabled("No model open.");
    return;
  }
  const ir::Model& m = opened->model;
  Selection& sel = ctx.selection;
  const ir::GraphId gid = sel.graph.index < m.graphs.size() ? sel.graph : ir::GraphId{0};
  const ir::Graph& g = m.graph(gid);
  const uint64_t generation = ctx.session.document().generation();

  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##filter", "Search names, op types, tensors", &filter_);
  if (filter_ != applied_filter_ || filtered_generation_ != generation || filtered_graph_ != gid.index)
    refilter(g, generation, gid.index);
  ImGui::TextDisabled("%s of %s nodes", withThousands(static_cast<int64_t>(rows_.size())).c_str(),
                      withThousands(static_cast<int64_t>(g.nodes.size())).c_str());

  if (!ImGui::BeginTable("##nodes", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Op type", ImGuiTableColumnFlags_WidthFixed, 120);
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows_.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      uint32_t idx = rows_[static_cast<size_t>(r)];
      const ir::Node& n = g.nodes[idx];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(static_cast<int>(idx));
      bool selected = sel.node.index == idx;
      std::string op = displayName(n.op_type, 40);
      if (ImGui::Selectable(op.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns))
        sel.selectNode(sel.graph, ir::NodeId{idx}, true);
      ImGui::PopID();
      ImGui::TableSetColumnIndex(1);
      if (n.name.empty())
        ImGui::TextDisabled("(node %u)", idx);
      else
        ImGui::TextUnformatted(displayName(n.name, 160).c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace nf::app

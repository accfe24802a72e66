#include <string>

#include "app/commands.h"
#include "app/views.h"

namespace nf::app {

void ShortcutsView::drawContent(AppContext& ctx) {
  if (!ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
  ImGui::TableSetupColumn("Keys");
  ImGui::TableSetupColumn("Action");
  ImGui::TableHeadersRow();
  auto row = [](const std::string& keys, const std::string& action) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(keys.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(action.c_str());
  };
  for (const Command& c : commandTable()) {
    const std::string keys = ::nf::app::shortcutText(c.shortcut);
    if (!keys.empty()) row(keys, c.help);
  }
  for (const auto& view : ctx.views.all()) {
    if (view->shortcutText()[0]) row(view->shortcutText(), "Show or hide " + view->title());
  }
  // Keys of the graph canvas (graph_view.cpp handleKeys, graph_view_groups.cpp groupKeys).
  static const char* const kGraphKeys[][2] = {
      {"Ctrl+F / Cmd+F", "Graph: search nodes, op types and tensors"},
      {"Enter / Shift+Enter", "Search: next / previous match"},
      {"0", "Graph: fit the whole graph"},
      {"F", "Graph: focus the selection"},
      {"Up / Down", "Graph: select the producer / a consumer of the selection (no selection: pan)"},
      {"Left / Right", "Graph: select the previous / next sibling (no selection: pan)"},
      {"+ / -, Shift+arrows", "Graph: zoom, pan"},
      {"Click a group box, Enter", "Graph: open the group (selected with Enter)"},
      {"Click a frame title, Backspace", "Graph: close the group (around the selection with Backspace)"},
      {"Esc", "Graph: close the search (clearing it), clear the selection"},
      {"? or F1", "Show this list"},
      {"F9", "Run the open model in the Run panel (again: cancel)"},
  };
  for (const auto& k : kGraphKeys) row(k[0], k[1]);
  ImGui::EndTable();
  ImGui::Spacing();
  ImGui::TextDisabled("Drop files anywhere on the page to open them.");
}

}  // namespace nf::app

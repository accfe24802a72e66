#include <algorithm>
#include <string>

#include "app/platform.h"
#include "app/session.h"
#include "app/views.h"
#include "base/strings.h"

namespace nf::app {

void ErrorPanelView::update(AppContext& ctx) {
  if (ctx.session.document().errorsReported() > seen_) {
    seen_ = ctx.session.document().errorsReported();
    setOpen(true);
  }
}

void ErrorPanelView::placeWindow(const WorkArea& area) {
  const ImVec2 size(std::min(520.0f, area.size.x - 20), 220);
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + area.size.x - 10, area.pos.y + area.size.y - 10),
                          ImGuiCond_FirstUseEver, ImVec2(1, 1));
  ImGui::SetNextWindowSize(size, ImGuiCond_FirstUseEver);
}

void ErrorPanelView::drawContent(AppContext& ctx) {
  document::ModelDocument& s = ctx.session.document();
  if (s.errors().empty()) {
    ImGui::TextDisabled("No problems so far.");
    return;
  }
  if (ImGui::Button("Clear")) {
    s.clearErrors();
    return;
  }
  ImGui::SameLine();
  if (ImGui::Button("Copy all")) {
    std::string text;
    for (const auto& e : s.errors()) text += e.message + "\n";
    ImGui::SetClipboardText(text.c_str());
  }
  ImGui::Separator();
  ImGui::BeginChild("##errors", ImVec2(0, 0), false);
  const double now = platform::nowMs();
  // Newest first: the problem the user just caused is at the top.
  for (auto it = s.errors().rbegin(); it != s.errors().rend(); ++it) {
    ImGui::PushID(static_cast<int>(it - s.errors().rbegin()));
    ImGui::TextDisabled("%.0f s ago", (now - it->at_ms) / 1000.0);
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.45f, 0.40f, 1.0f));
    ImGui::TextWrapped("%s", displayName(it->message, 2000).c_str());  // names may hold control characters
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
  ImGui::EndChild();
}

}  // namespace nf::app

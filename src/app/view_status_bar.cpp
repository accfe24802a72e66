#include <string>

#include "app/session.h"
#include "app/views.h"
#include "base/strings.h"

namespace nf::app {

float StatusBarView::height() { return ImGui::GetFrameHeight() + 6.0f; }

void StatusBarView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x, area.pos.y + area.size.y));
  ImGui::SetNextWindowSize(ImVec2(area.size.x, height()));
}

ImGuiWindowFlags StatusBarView::windowFlags() const {
  return ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav;
}

void StatusBarView::drawContent(AppContext& ctx) {
  const document::ModelDocument& s = ctx.session.document();
  ImGui::AlignTextToFramePadding();
  if (const OpenedModel* m = s.current()) {
    ImGui::TextUnformatted(displayName(m->file_name, 80).c_str());
    ImGui::SameLine(0, 16);
    ImGui::TextDisabled("%s", humanBytes(m->file_size).c_str());
    ImGui::SameLine(0, 16);
    ImGui::TextDisabled("%s nodes", withThousands(static_cast<int64_t>(m->nodeCount())).c_str());
  } else {
    ImGui::TextDisabled("No model open");
  }
  if (s.busy()) {
    ImGui::SameLine(0, 16);
    ImGui::TextUnformatted(("Opening " + displayName(s.loadingLabel(), 60) + "...").c_str());
  } else if (!s.lastOperation().empty()) {
    ImGui::SameLine(0, 16);
    ImGui::TextDisabled("%s", displayName(s.lastOperation(), 120).c_str());
  }

  // Right-aligned: the error count, a button that opens the error panel.
  if (!s.errors().empty()) {
    const std::string label = std::to_string(s.errors().size()) + (s.errors().size() == 1 ? " error" : " errors");
    const float w = ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.40f, 0.35f, 1.0f));
    if (ImGui::SmallButton(label.c_str())) {
      if (auto* panel = ctx.views.find<ErrorPanelView>()) panel->setOpen(true);
    }
    ImGui::PopStyleColor();
  }
}

}  // namespace nf::app

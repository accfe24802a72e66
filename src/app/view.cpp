#include "app/view.h"

#include <algorithm>

namespace nf::app {

View::View(std::string title, bool open_at_start) : title_(std::move(title)), open_(open_at_start) {}

WorkArea workArea() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float menu = ImGui::GetFrameHeight();        // BeginMainMenuBar's height
  const float status = ImGui::GetFrameHeight() + 6;  // StatusBarView::height()
  WorkArea a;
  a.pos = ImVec2(vp->Pos.x, vp->Pos.y + menu);
  a.size = ImVec2(vp->Size.x, std::max(0.0f, vp->Size.y - menu - status));
  return a;
}

void View::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(area.center(), ImGuiCond_FirstUseEver, ImVec2(0.5f, 0.5f));
}

void View::draw(AppContext& ctx) {
  if (!open_) return;
  placeWindow(workArea());
  const ImVec2 padding = windowPadding();
  if (padding.x >= 0) ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
  const bool visible = ImGui::Begin(title_.c_str(), closable() ? &open_ : nullptr, windowFlags());
  if (padding.x >= 0) ImGui::PopStyleVar();
  if (visible) drawContent(ctx);
  ImGui::End();  // always paired with Begin, even when collapsed
}

}  // namespace nf::app

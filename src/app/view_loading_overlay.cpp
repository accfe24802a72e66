#include <imgui_internal.h>  // BringWindowToDisplayFront: 1.86 has no "always on top" flag

#include <cmath>
#include <string>

#include "app/session.h"
#include "app/views.h"
#include "base/strings.h"

namespace nf::app {

namespace {

// An indeterminate spinner: an arc that turns with time (ImGui has none built in).
void spinner(float radius, float thickness) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 centre(pos.x + radius, pos.y + radius);
  const float t = static_cast<float>(ImGui::GetTime());
  const int segments = 24;
  const float start = t * 6.0f;
  dl->PathClear();
  for (int i = 0; i <= segments; ++i) {
    const float a = start + static_cast<float>(i) / segments * 4.2f;
    dl->PathLineTo(ImVec2(centre.x + std::cos(a) * radius, centre.y + std::sin(a) * radius));
  }
  dl->PathStroke(ImGui::GetColorU32(ImGuiCol_ButtonActive), false, thickness);
  ImGui::Dummy(ImVec2(radius * 2, radius * 2));
}

}  // namespace

void LoadingOverlayView::update(AppContext& ctx) { setOpen(ctx.session.busy() || !ctx.session.document().current()); }

void LoadingOverlayView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(area.center(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.92f);
}

ImGuiWindowFlags LoadingOverlayView::windowFlags() const {
  return ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;
}

void LoadingOverlayView::drawContent(AppContext& ctx) {
  const document::ModelDocument& s = ctx.session.document();
  // The progress spinner stays on top; the idle hint must never cover a window
  // the user opened (the builder, say).
  if (s.busy())
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
  else
    ImGui::BringWindowToDisplayBack(ImGui::GetCurrentWindow());
  if (s.busy()) {
    spinner(10.0f, 3.0f);
    ImGui::SameLine();
    const char* what = (s.state() == document::LoadState::Reading || s.state() == document::LoadState::Parsing) ? "Opening" : "Laying out";
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s %s ...", what, displayName(s.loadingLabel(), 80).c_str());
  } else {
    ImGui::TextUnformatted("Drop an ONNX model anywhere on this page");
    ImGui::TextDisabled("or use File > Open model... (Ctrl+O). Several files at once: a model and its data files.");
  }
}

}  // namespace nf::app

#include "app/view.h"

#include "app/context.h"

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

namespace {

// Width of one side's column: the widest panel docked there (0 = none).
float columnWidth(const AppContext& ctx, Dock side) {
  float w = 0;
  for (const auto& v : ctx.views.all())
    if (v->dock() == side && v->docked(ctx)) w = std::max(w, v->columnWidth());
  return w;
}

}  // namespace

WorkArea canvasArea(const AppContext& ctx) {
  WorkArea a = workArea();
  const float left = columnWidth(ctx, Dock::Left), right = columnWidth(ctx, Dock::Right);
  a.pos.x += left;
  a.size.x = std::max(1.0f, a.size.x - left - right);
  return a;
}

// A docked panel: its share of its side's column (panels on one side stack).
void View::drawDocked(AppContext& ctx) {
  if (!dockShown(ctx)) return;
  const WorkArea area = workArea();
  size_t index = 0, count = 0;
  bool all_collapsed = true;
  for (const auto& v : ctx.views.all()) {
    if (v->dock() != dock() || !v->docked(ctx)) continue;
    if (v.get() == this) index = count;
    ++count;
    all_collapsed = all_collapsed && v->collapsed();
  }
  // A collapsed panel next to an expanded one takes a bar's height only; the
  // expanded ones share the rest.
  const float width = all_collapsed ? kDockBarWidth : ::nf::app::columnWidth(ctx, dock());
  float y = area.pos.y, h = area.size.y / static_cast<float>(std::max<size_t>(count, 1));
  if (!all_collapsed) {
    const float bar = ImGui::GetFrameHeight() + 8;
    size_t expanded = 0;
    float weights = 0;
    for (const auto& v : ctx.views.all())
      if (v->dock() == dock() && v->docked(ctx) && !v->collapsed()) {
        ++expanded;
        weights += v->dockWeight();
      }
    // The expanded panels divide the rest by their weights (the Run panel's feature maps need room).
    const float unit = (area.size.y - bar * static_cast<float>(count - expanded)) / std::max(weights, 1e-3f);
    size_t k = 0;
    for (const auto& v : ctx.views.all()) {
      if (v->dock() != dock() || !v->docked(ctx)) continue;
      if (k++ == index) break;
      y += v->collapsed() ? bar : unit * v->dockWeight();
    }
    h = collapsed_ ? bar : unit * dockWeight();
  }
  const float x = dock() == Dock::Left ? area.pos.x : area.pos.x + area.size.x - width;
  ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(width, h), ImGuiCond_Always);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;
  if (collapsed_) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(2, 4));
    if (ImGui::Begin(title().c_str(), nullptr, fixed | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar))
      drawCollapsedBar();
    ImGui::End();
    ImGui::PopStyleVar();
    return;
  }
  const bool visible = ImGui::Begin(title().c_str(), closable() ? &open_ : nullptr, windowFlags() | fixed);
  if (visible) {
    const char* arrow = dock() == Dock::Left ? "<<##collapse" : ">>##collapse";
    if (ImGui::SmallButton(arrow)) collapsed_ = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Collapse %s to a bar", title().c_str());
    ImGui::Separator();
    drawContent(ctx);
  }
  ImGui::End();
}

// The bar: an arrow button and the panel's name, one letter per line (a bar across
// a column, stacked above an open panel, says it in one line).
void View::drawCollapsedBar() {
  const bool across = ImGui::GetWindowWidth() > ImGui::GetWindowHeight();
  const std::string arrow = std::string(dock() == Dock::Left ? ">>" : "<<") +
                            (across ? "  " + title() : std::string()) + "##expand";
  if (ImGui::Button(arrow.c_str(), ImVec2(-1, 0))) collapsed_ = false;
  if (across) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show %s", title().c_str());
    return;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show %s", title().c_str());
  for (char c : title()) {
    const char s[2] = {c, 0};
    ImGui::TextDisabled("%s", s);
    if (ImGui::IsItemClicked()) collapsed_ = false;
  }
}

void View::draw(AppContext& ctx) {
  if (!open_) return;
  if (dock() != Dock::Floating) {
    drawDocked(ctx);
    return;
  }
  placeWindow(fillsCanvas() ? canvasArea(ctx) : workArea());
  const ImVec2 padding = windowPadding();
  if (padding.x >= 0) ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
  const bool visible = ImGui::Begin(title_.c_str(), closable() ? &open_ : nullptr, windowFlags());
  if (padding.x >= 0) ImGui::PopStyleVar();
  if (visible) drawContent(ctx);
  ImGui::End();  // always paired with Begin, even when collapsed
}

}  // namespace nf::app

#include "app/theme.h"

#include <string>

#include "app/context.h"
#include "app/platform.h"

namespace nf::app {

namespace {
constexpr const char* kThemeKey = "netforge.theme";

// Shapes shared by both themes: a little rounder and roomier than ImGui's defaults.
void applyShapes(ImGuiStyle& style) {
  style.WindowRounding = 6.0f;
  style.ChildRounding = 4.0f;
  style.FrameRounding = 4.0f;
  style.PopupRounding = 4.0f;
  style.GrabRounding = 3.0f;
  style.ScrollbarRounding = 6.0f;
  style.TabRounding = 4.0f;
  style.WindowPadding = ImVec2(10, 10);
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.WindowBorderSize = 1.0f;
  style.PopupBorderSize = 1.0f;
  style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
}
}  // namespace

void applyTheme(Theme theme) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  applyShapes(style);
  ImVec4* c = style.Colors;
  if (theme == Theme::Dark) {
    ImGui::StyleColorsDark(&style);
    c[ImGuiCol_WindowBg] = ImVec4(0.11f, 0.12f, 0.14f, 0.97f);
    c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.16f, 0.98f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.15f, 0.16f, 0.19f, 1.00f);
    c[ImGuiCol_TitleBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.00f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.18f, 0.22f, 0.30f, 1.00f);
    c[ImGuiCol_Header] = ImVec4(0.24f, 0.34f, 0.50f, 0.55f);
  } else {
    ImGui::StyleColorsLight(&style);
    c[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.99f, 0.98f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.90f, 0.91f, 0.93f, 1.00f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.78f, 0.84f, 0.94f, 1.00f);
  }
}

ImVec4 canvasColor(Theme theme) {
  return theme == Theme::Dark ? ImVec4(0.07f, 0.08f, 0.09f, 1.0f) : ImVec4(0.93f, 0.94f, 0.95f, 1.0f);
}

const char* themeName(Theme theme) { return theme == Theme::Light ? "light" : "dark"; }

void Settings::load() {
  theme = platform::storageGet(kThemeKey) == "light" ? Theme::Light : Theme::Dark;
}

void Settings::save() const { platform::storageSet(kThemeKey, themeName(theme)); }

}  // namespace nf::app

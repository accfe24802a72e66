// app/theme.cpp - the looks (see theme.h) and the Settings persistence.
#include "app/theme.h"

#include <string>

#include "app/context.h"
#include "app/platform.h"

namespace nf::app {

namespace {
constexpr const char* kThemeKey = "netforge.theme";
constexpr const char* kAccentKey = "netforge.accent";

// The one accent in use: part of the look ImGui's style already holds globally, so it
// is kept beside it rather than threaded through every view.
Accent g_accent = Accent::Blue;

struct AccentInfo {
  const char* name;
  const char* label;
  uint32_t dark, light;  // 0xRRGGBB for each theme
};
constexpr AccentInfo kAccents[kAccentCount] = {
    {"blue", "Blue", 0x4A90E2, 0x2F6FC0},   {"green", "Green", 0x3FB36B, 0x23884A},
    {"orange", "Orange", 0xE8890C, 0xC66F00}, {"purple", "Purple", 0x9D6FE0, 0x7446C0},
    {"red", "Red", 0xE0565B, 0xBE3A40},     {"teal", "Teal", 0x26A6A6, 0x13807F},
};

const AccentInfo& info(Accent a) {
  const int i = static_cast<int>(a);
  return kAccents[i >= 0 && i < kAccentCount ? i : 0];
}

ImVec4 rgba(uint32_t rgb, float alpha) {
  return ImVec4(((rgb >> 16) & 0xFF) / 255.0f, ((rgb >> 8) & 0xFF) / 255.0f, (rgb & 0xFF) / 255.0f, alpha);
}

// Mixes `rgb` towards white (t > 0) or black (t < 0).
uint32_t shade(uint32_t rgb, float t) {
  uint32_t out = 0;
  for (int shift = 16; shift >= 0; shift -= 8) {
    const float c = static_cast<float>((rgb >> shift) & 0xFF);
    const float v = t >= 0 ? c + (255.0f - c) * t : c * (1.0f + t);
    out |= static_cast<uint32_t>(v + 0.5f) << shift;
  }
  return out;
}

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

// Every colour ImGui derives from its blue, re-derived from the accent.
void applyAccent(ImVec4* c, Theme theme) {
  const uint32_t a = accentRgb(theme);
  const bool dark = theme == Theme::Dark;
  c[ImGuiCol_CheckMark] = rgba(a, 1.0f);
  c[ImGuiCol_SliderGrab] = rgba(a, 0.9f);
  c[ImGuiCol_SliderGrabActive] = rgba(shade(a, dark ? 0.2f : -0.2f), 1.0f);
  c[ImGuiCol_Button] = rgba(a, dark ? 0.35f : 0.25f);
  c[ImGuiCol_ButtonHovered] = rgba(a, dark ? 0.75f : 0.55f);
  c[ImGuiCol_ButtonActive] = rgba(a, 1.0f);
  c[ImGuiCol_Header] = rgba(a, dark ? 0.35f : 0.30f);
  c[ImGuiCol_HeaderHovered] = rgba(a, 0.70f);
  c[ImGuiCol_HeaderActive] = rgba(a, 0.90f);
  c[ImGuiCol_FrameBgHovered] = rgba(a, 0.30f);
  c[ImGuiCol_FrameBgActive] = rgba(a, 0.50f);
  c[ImGuiCol_SeparatorHovered] = rgba(a, 0.70f);
  c[ImGuiCol_SeparatorActive] = rgba(a, 1.0f);
  c[ImGuiCol_ResizeGrip] = rgba(a, 0.25f);
  c[ImGuiCol_ResizeGripHovered] = rgba(a, 0.65f);
  c[ImGuiCol_ResizeGripActive] = rgba(a, 0.95f);
  c[ImGuiCol_Tab] = rgba(a, dark ? 0.30f : 0.20f);
  c[ImGuiCol_TabHovered] = rgba(a, 0.80f);
  c[ImGuiCol_TabActive] = rgba(a, dark ? 0.60f : 0.50f);
  c[ImGuiCol_TextSelectedBg] = rgba(a, 0.35f);
  c[ImGuiCol_NavHighlight] = rgba(a, 1.0f);
  c[ImGuiCol_DragDropTarget] = rgba(a, 0.9f);
  c[ImGuiCol_TitleBgActive] = dark ? rgba(shade(a, -0.65f), 1.0f) : rgba(shade(a, 0.70f), 1.0f);
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
  } else {
    ImGui::StyleColorsLight(&style);
    c[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.99f, 0.98f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.90f, 0.91f, 0.93f, 1.00f);
  }
  applyAccent(c, theme);
}

ImVec4 canvasColor(Theme theme) {
  return theme == Theme::Dark ? ImVec4(0.07f, 0.08f, 0.09f, 1.0f) : ImVec4(0.93f, 0.94f, 0.95f, 1.0f);
}

const scene::Palette& graphPalette(Theme theme) {
  return theme == Theme::Dark ? scene::darkPalette() : scene::lightPalette();
}

const char* themeName(Theme theme) { return theme == Theme::Light ? "light" : "dark"; }

namespace {
bool lightBackground() {
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  return 0.2126f * bg.x + 0.7152f * bg.y + 0.0722f * bg.z > 0.5f;
}
}  // namespace

ImVec4 errorTextColor() { return lightBackground() ? ImVec4(0.75f, 0.12f, 0.10f, 1) : ImVec4(1, 0.5f, 0.45f, 1); }
ImVec4 warningTextColor() { return lightBackground() ? ImVec4(0.62f, 0.42f, 0.0f, 1) : ImVec4(1, 0.85f, 0.4f, 1); }

Accent accent() { return g_accent; }
void setAccent(Accent a) { g_accent = a; }
const char* accentName(Accent a) { return info(a).name; }
const char* accentLabel(Accent a) { return info(a).label; }
uint32_t accentRgb(Theme theme) { return theme == Theme::Dark ? info(g_accent).dark : info(g_accent).light; }
uint32_t accentSoftRgb(Theme theme) { return shade(accentRgb(theme), 0.35f); }

bool drawThemeMenuItems(Settings& settings) {
  bool changed = false;
  if (ImGui::MenuItem("Dark", nullptr, settings.theme == Theme::Dark) && settings.theme != Theme::Dark) {
    settings.theme = Theme::Dark;
    changed = true;
  }
  if (ImGui::MenuItem("Light", nullptr, settings.theme == Theme::Light) && settings.theme != Theme::Light) {
    settings.theme = Theme::Light;
    changed = true;
  }
  ImGui::Separator();
  for (int i = 0; i < kAccentCount; ++i) {
    const Accent a = static_cast<Accent>(i);
    const uint32_t swatch = settings.theme == Theme::Dark ? info(a).dark : info(a).light;
    ImGui::ColorButton(accentLabel(a), rgba(swatch, 1.0f), ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                       ImVec2(ImGui::GetFontSize(), ImGui::GetFontSize()));
    ImGui::SameLine();
    if (ImGui::MenuItem(accentLabel(a), nullptr, g_accent == a) && g_accent != a) {
      g_accent = a;
      changed = true;
    }
  }
  if (changed) {
    applyTheme(settings.theme);
    settings.save();
  }
  return changed;
}

void Settings::load() {
  theme = platform::storageGet(kThemeKey) == "light" ? Theme::Light : Theme::Dark;
  const std::string saved = platform::storageGet(kAccentKey);
  for (int i = 0; i < kAccentCount; ++i)
    if (saved == kAccents[i].name) g_accent = static_cast<Accent>(i);
}

void Settings::save() const {
  platform::storageSet(kThemeKey, themeName(theme));
  platform::storageSet(kAccentKey, accentName(g_accent));
}

}  // namespace nf::app

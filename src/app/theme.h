// app/theme.h - the dark and light looks of the app, each with an accent colour.
//
// The theme lives in Settings (context.h); the accent is kept here, next to the code
// that applies it, with the same persistence (page storage) - see accent().
#pragma once
#include <imgui.h>

#include <cstdint>

#include "scene/categories.h"

namespace nf::app {

struct Settings;

enum class Theme { Dark, Light };

// The colour of selection, active buttons, checks and the builder's highlights.
enum class Accent { Blue, Green, Orange, Purple, Red, Teal };
constexpr int kAccentCount = 6;

// Sets ImGui's colours and shapes for `theme` with the current accent() (sizes are in
// CSS pixels). Call again after setAccent().
void applyTheme(Theme theme);
// Colour the canvas is cleared to behind all windows.
ImVec4 canvasColor(Theme theme);
const char* themeName(Theme theme);  // "dark" | "light"

// Message colours readable on the current style's window background (error: red,
// warning: amber), whichever theme is applied.
ImVec4 errorTextColor();
ImVec4 warningTextColor();

// [accent] The accent chosen by the user (Blue until one is chosen); Settings::load()
// restores it from page storage and setAccent() stores it there.
Accent accent();
void setAccent(Accent accent);
const char* accentName(Accent accent);   // "blue", "green", ...
const char* accentLabel(Accent accent);  // "Blue", "Green", ... (menus)
// The accent as 0xRRGGBB for `theme` (a little darker on light backgrounds), and a
// softer variant (neighbours, hover): for the graph view's RenderStyle highlight colours.
uint32_t accentRgb(Theme theme);
uint32_t accentSoftRgb(Theme theme);

// The graph's colours (boxes, edges, text) for `theme`: scene's light or dark palette.
const scene::Palette& graphPalette(Theme theme);

// Menu items "Dark", "Light", then one per accent (radio style), for a "Theme" menu:
// applies and saves the choice. Returns true when something changed.
bool drawThemeMenuItems(Settings& settings);

}  // namespace nf::app

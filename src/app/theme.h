// app/theme.h - the dark and light looks of the app.
#pragma once
#include <imgui.h>

namespace nf::app {

enum class Theme { Dark, Light };

// Sets ImGui's colours and shapes for `theme` (sizes are in CSS pixels).
void applyTheme(Theme theme);
// Colour the canvas is cleared to behind all windows.
ImVec4 canvasColor(Theme theme);
const char* themeName(Theme theme);  // "dark" | "light"

}  // namespace nf::app

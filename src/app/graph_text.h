// app/graph_text.h - the graph's text: op types, attribute and tensor rows, edge
// labels, drawn with ImGui draw lists over the GL boxes.
//
// Sharp at every zoom: a private font atlas holds DejaVu Sans (regular and bold) at
// several pixel sizes a factor sqrt(2) apart; each string is drawn with the smallest
// size at least as large as it appears on screen (in framebuffer pixels), so glyphs
// are only ever slightly minified, never magnified (up to the largest size). Text
// smaller than a few pixels is not drawn at all (far zoom: boxes only).
//
// Sizes: the scene measures text in em units (scene/text_metrics.h), ImGui sizes fonts
// by ascent - descent; for DejaVu Sans that is 2384/2048 em, converted here.
#pragma once
#include <imgui.h>

#include <GLES3/gl3.h>

#include <cstdint>
#include <vector>

#include "app/graph_camera.h"
#include "scene/categories.h"
#include "scene/display_graph.h"
#include "scene/grouped_scene.h"
#include "scene/scene_layout.h"

namespace nf::app {

class GraphFonts {
 public:
  GraphFonts();
  ~GraphFonts();
  GraphFonts(const GraphFonts&) = delete;
  GraphFonts& operator=(const GraphFonts&) = delete;

  // Builds the atlas and its texture once (the sizes cover pixel ratios 1 to 4).
  bool ensureBuilt();
  bool built() const { return texture_ != 0; }
  // The font to draw text whose em is `em_fb_px` framebuffer pixels tall.
  ImFont* pick(float em_fb_px, bool bold) const;
  ImTextureID texture() const { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture_)); }
  static float imguiSize(float em) { return em * (2384.0f / 2048.0f); }

 private:
  ImFontAtlas atlas_;
  std::vector<ImFont*> regular_, bold_;  // ascending sizes
  std::vector<float> sizes_;             // ImGui pixel sizes of the entries
  GLuint texture_ = 0;
};

// Text colours; the default is the light palette's (scene/categories.h).
struct TextStyle {
  ImU32 body;   // attribute/tensor rows
  ImU32 dim;    // details, names
  ImU32 label;  // edge labels
  TextStyle() : TextStyle(fromPalette(scene::lightPalette())) {}
  static TextStyle fromPalette(const scene::Palette& p);

 private:
  TextStyle(ImU32 b, ImU32 d, ImU32 l) : body(b), dim(d), label(l) {}
};

struct TextFrame {
  ImDrawList* draw_list = nullptr;
  ImVec2 canvas_pos;        // canvas top-left in ImGui coordinates
  GraphCamera camera;
  float pixel_ratio = 1.0f;
};

// Draws the text of `nodes` and the labels of `edges` (already culled to the view).
// `header_text` (per display node, scene::kNoOverlayColor = usual) is a metrics
// overlay's header text colour. Returns the number of strings drawn.
uint32_t drawGraphText(const TextFrame& frame, const GraphFonts& fonts, const scene::DisplayGraph& graph,
                       const scene::SceneLayout& layout, const std::vector<uint32_t>& nodes,
                       const std::vector<uint32_t>& edges, const TextStyle& style,
                       const std::vector<uint32_t>* header_text = nullptr);

// The frames of a grouped scene that meet `view` (scene units): tinted fill in the
// repeat class colour, title band, border and title (as the scene sized the frame for
// it: body font, bold, pad_x in). `rects` replaces frames[i].rect when given (frames
// in motion). Parents come before children, so nested tints add up. Indices of the
// frames drawn go to `drawn` when given; `frame_colors` (per frame) replaces the
// repeat class hue (a metrics overlay). Used by the canvas and the PNG export.
void drawGroupFrames(const TextFrame& frame, const GraphFonts& fonts, const std::vector<scene::GroupFrame>& frames,
                     const std::vector<scene::Rect>* rects, const scene::Rect& view, bool dark,
                     std::vector<uint32_t>* drawn, const std::vector<uint32_t>* frame_colors = nullptr);

// Whether text is drawn at all at this zoom (header em >= 4 framebuffer pixels).
bool textVisibleAt(float zoom, float pixel_ratio);

}  // namespace nf::app

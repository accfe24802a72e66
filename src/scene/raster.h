// scene/raster.h - the scene drawn into an RGB image by our own small rasterizer
// (for `netforge render -o out.png`; the app renders with WebGL instead).
//
// What the picture contains: the same look as the SVG at the chosen scale:
// anti-aliased rounded boxes with category-coloured headers and a border, edges as
// flattened Bezier curves with filled arrowheads, and text (op types, attribute and
// tensor rows, edge labels) drawn from DejaVu Sans glyph bitmaps built into the
// binary (ASCII plus × ⟨ ⟩ … → α β; other characters show as a replacement box).
// Text is skipped when it would be smaller than 5 pixels: at that scale it is not
// readable anyway, and the boxes and edges still show the structure.
#pragma once
#include <cstdint>
#include <vector>

#include "scene/display_graph.h"
#include "scene/grouped_scene.h"
#include "scene/scene_layout.h"

namespace nf::scene {

struct Overlay;  // scene/overlay.h
struct Legend;   // scene/overlay.h

struct RasterOptions {
  float scale = 1.0f;              // pixels per scene unit (before the max_pixels cap)
  uint64_t max_pixels = 24000000;  // the scale is reduced so width*height stays below this
  float margin = 8.0f;             // scene units of background around the graph
  // Metrics as colour (scene/overlay.h): headers and frames in the overlay's colours,
  // its legend in a band below the graph, as the SVG. Null: category colours.
  const Overlay* overlay = nullptr;
};

struct RasterImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, rows top to bottom
  float scale = 1.0f;        // the scale actually used
  bool text = false;         // whether text was drawn
};

// `frames` (a grouped scene's, may be null) are drawn first, under everything else:
// tinted fill in the repeat class colour, title band, border and title, as the SVG.
RasterImage rasterizeScene(const DisplayGraph& graph, const SceneLayout& scene, const RasterOptions& options = {},
                           const std::vector<GroupFrame>* frames = nullptr);

// The built-in glyph bitmaps, for other rasterizers (views/drawing.h): one glyph of
// DejaVu Sans (bold or regular) at glyphBitmapEm() pixels per em. `pixels` holds
// w*h coverage digits '0'..'f' (hex, 15 = full), rows top to bottom; (x, y) is the
// bitmap's top-left relative to the pen on the baseline. Unknown code points give
// the replacement glyph; false only if even that is missing.
struct GlyphBitmap {
  int16_t x = 0, y = 0, w = 0, h = 0;
  float advance = 0.0f;  // at glyphBitmapEm()
  const char* pixels = nullptr;
};
float glyphBitmapEm();

// Anti-aliased coverage (0..1) of the pixel centred at (px, py) by the segment a-b
// drawn `width` wide, for every rasterizer here and in views/. *at_end: the nearest
// point is an end of the segment (polyline joints give those half coverage each, so
// they do not darken).
float segmentCoverage(float px, float py, layout::Point a, layout::Point b, float width, bool* at_end);
bool glyphBitmap(uint32_t cp, bool bold, GlyphBitmap* out);
// The legend band alone (legendGeometry at the origin), for renderers that draw the
// graph themselves and append the legend below it (the app's PNG export).
RasterImage rasterizeLegend(const Legend& legend, float scale = 1.0f);

}  // namespace nf::scene

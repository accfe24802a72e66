// views/drawing.h - a flat list of 2-D shapes: what the layered and neurons views
// draw, and what every renderer of them reads.
//
//   layered_view / neuron_view --> Drawing --> toSvg        (CLI, downloads)
//                                          --> rasterize    (CLI PNG, RGBA)
//                                          --> the app's draw list (src/app)
//
// One geometry, several renderers, so the picture in the page and the exported file
// agree. Shapes are drawn in list order (painter's algorithm); Group markers nest and
// become <g> elements in SVG (one per box or neuron layer, with data-* attributes
// for tests and tools). Polygons must be convex (box faces, parallelograms, quads):
// the rasterizer fills them by their edge distances. Text is clean UTF-8
// (scene::cleanText) and drawn with DejaVu Sans.
//
// Coordinates: scene units (pixels at scale 1), x right, y down.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "layout/types.h"

namespace nf::views {

using layout::Point;
using layout::Rect;

enum class ShapeKind : uint8_t { Polygon, Polyline, Circle, Text, GroupBegin, GroupEnd };
enum class TextAnchor : uint8_t { Start, Middle, End };

struct Shape {
  ShapeKind kind = ShapeKind::Polygon;
  std::vector<Point> points;  // Polygon/Polyline vertices; Circle: points[0] is the centre; Text: the anchor on the baseline
  float radius = 0.0f;        // Circle
  uint32_t fill = 0;          // 0xRRGGBB
  float fill_opacity = 0.0f;  // 0 = not filled
  uint32_t stroke = 0;
  float stroke_width = 0.0f;  // 0 = no outline
  float stroke_opacity = 1.0f;
  // Text
  std::string text;
  float font_size = 10.0f;
  bool bold = false;
  TextAnchor anchor = TextAnchor::Start;
  // GroupBegin: the SVG group's class and data-* attributes ({"layer", "Conv"} -> data-layer="Conv")
  std::string group_class;
  std::vector<std::pair<std::string, std::string>> data;
};

struct Drawing {
  std::string view;  // "layered" or "neurons": the SVG root's data-netforge-view
  std::vector<Shape> shapes;
  Rect bounds;       // everything drawn (computed by finish())
  uint32_t background = 0xFFFFFF;

  void polygon(std::vector<Point> pts, uint32_t fill, uint32_t stroke = 0, float stroke_width = 0.0f,
               float fill_opacity = 1.0f);
  void polyline(std::vector<Point> pts, uint32_t stroke, float width, float opacity = 1.0f);
  void line(Point a, Point b, uint32_t stroke, float width, float opacity = 1.0f) { polyline({a, b}, stroke, width, opacity); }
  void rect(const Rect& r, uint32_t fill, uint32_t stroke = 0, float stroke_width = 0.0f, float fill_opacity = 1.0f);
  void circle(Point c, float r, uint32_t fill, uint32_t stroke = 0, float stroke_width = 0.0f);
  void text(Point baseline, std::string s, float size, uint32_t color, TextAnchor anchor = TextAnchor::Start,
            bool bold = false);
  void beginGroup(std::string cls, std::vector<std::pair<std::string, std::string>> data = {});
  void endGroup();
  // Computes bounds over every shape (text measured with DejaVu metrics), from the
  // top-left of the content; call once all shapes are in.
  void finish();
  // Number of GroupBegin shapes of a class.
  size_t groupCount(const std::string& cls) const;
};

// The colours of a picture's paper, text and lines: light (white paper, as the
// exports have always been) or dark (the dark palette's near-black paper). Box and
// neuron fills keep their category colours on both.
struct PictureLook {
  uint32_t background, text, dim_text, connector, pill, pill_border;
};
const PictureLook& pictureLook(bool dark);

// Where a drawn layer is: the bounds of each group whose data names a "layer" (an
// index into the LayerGraph the picture was drawn from), in drawing order, for hover
// and clicks. hotspotAt gives the topmost one under a point, or nullptr.
struct Hotspot {
  Rect rect;
  uint32_t layer = 0;
  std::string group_class;  // "layer", "box", "neuron-layer"
};
std::vector<Hotspot> layerHotspots(const Drawing& d);
const Hotspot* hotspotAt(const std::vector<Hotspot>& spots, Point p);

// Text width in scene units (DejaVu Sans, as the renderers draw it).
float textWidth(const std::string& s, float size, bool bold = false);

struct ExportOptions {
  float scale = 1.0f;              // PNG pixels per scene unit; SVG width/height multiplier
  bool transparent = false;        // no background fill
  bool fit_16_9 = false;           // pad the canvas to a 16:9 frame, content centred (slides)
  float margin = 16.0f;            // scene units around the content
  uint64_t max_pixels = 24000000;  // PNG: the scale shrinks so width*height stays below this
};

// The canvas a drawing is placed on: content bounds plus margin, padded to 16:9 when asked.
Rect canvasRect(const Drawing& d, const ExportOptions& options);

// SVG 1.1 text; the root <svg> carries data-netforge-view.
std::string toSvg(const Drawing& d, const ExportOptions& options = {});

struct RgbaImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4, straight alpha, rows top to bottom
  float scale = 1.0f;         // the scale actually used
};
// Anti-aliased rasterisation of the drawing (text below 4 px is left out).
RgbaImage rasterize(const Drawing& d, const ExportOptions& options = {});

}  // namespace nf::views

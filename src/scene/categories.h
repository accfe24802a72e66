// scene/categories.h - op categories: what colour a node's header gets.
//
// Each op's category comes from its entry in the op registry (shapes/op_registry.h);
// here one palette gives each category its colour. The SVG exporter, the PNG rasterizer and the app's
// renderer all read the palette from here so every output has the same look.
#pragma once
#include <cstdint>
#include <string_view>

#include "shapes/op_registry.h"

namespace nf::scene {

// The category enum lives with the op registry (shapes/op_registry.h); scene keeps
// what it looks like.
using shapes::OpCategory;
using shapes::kCategoryCount;

// The category of an op: its registry entry's, where an op of an unknown domain
// takes the category of the op of the same type in a known one (com.example::Relu is
// an activation); unknown ops are Other.
OpCategory categoryOf(std::string_view domain, std::string_view op_type);
// "conv", "pooling", ... (stable, used as CSS class names and in JSON).
const char* categoryName(OpCategory c);

// Colours as 0xRRGGBB.
struct CategoryStyle {
  uint32_t header;       // header band fill
  uint32_t header_text;  // op-type text on the header
};
const CategoryStyle& categoryStyle(OpCategory c);

// The rest of the look, shared by every renderer (0xRRGGBB). The defaults are the
// light look (exports, the light theme); darkPalette() is the app's dark theme.
struct Palette {
  uint32_t background = 0xFFFFFF;
  uint32_t node_body = 0xFBFBFB;      // box below the header
  uint32_t node_border = 0x6B6B6B;
  uint32_t body_text = 0x202020;      // attribute and tensor rows
  uint32_t dim_text = 0x707070;       // node names, tensor shapes inside boxes
  uint32_t edge = 0x6A6A6A;
  uint32_t edge_label = 0x505050;
  uint32_t highlight = 0xE8890C;      // hover / selection outline and edges
};
const Palette& lightPalette();
const Palette& darkPalette();

// Colour of a hierarchy repeat class (identical groups share it): closed group
// headers and open group frames. Cycles through a fixed set of distinct hues; -1
// (no repeat class) gets the neutral group colour.
uint32_t repeatClassColor(int32_t repeat_class);

// How an open group's frame is drawn over its repeat class colour, by every renderer
// (the app's canvas and PNG export, the SVG writer, the CLI's rasterizer): a tinted
// fill, a stronger title band, a border in a darker shade.
struct FrameLook {
  float fill_opacity;    // the whole frame
  float band_opacity;    // the title band on top
  float border_shade;    // border colour = shadeColor(hue, border_shade)
  float border_opacity;
  float corner_radius;   // scene units
};
const FrameLook& frameLook(bool dark_background = false);
// Every channel multiplied by `factor` (< 1 darkens).
uint32_t shadeColor(uint32_t rgb, float factor);
// a + (b - a) * t per channel (t in [0, 1]).
uint32_t mixColor(uint32_t a, uint32_t b, float t);

// The layered and neurons views (views/): a layer box's front face is its category's
// header hue lightened (categoryFill); the top face lighter and the side darker
// still, so the boxes read as solids under light from the top left.
uint32_t categoryFill(OpCategory c);
// The builder's boxes: categoryFill on light backgrounds, a deep shade of the header
// hue on dark ones.
uint32_t categoryFill(OpCategory c, bool dark_background);
// Near-black or near-white, whichever reads on `fill` (user-chosen box colours).
uint32_t readableTextColor(uint32_t fill);
struct SolidShades {
  uint32_t front, top, side, edge;  // edge: the outline of every face
};
SolidShades solidShades(uint32_t fill);

// Neurons view: circle fills by role, connection colours by weight sign.
struct NeuronLook {
  uint32_t input = 0x7FBF7F;     // green, as ANN Visualizer
  uint32_t hidden = 0x6F9FD8;    // blue
  uint32_t output = 0xE88A6A;    // orange-red
  uint32_t outline = 0x404040;
  uint32_t positive = 0x2F6FC0;  // weight > 0
  uint32_t negative = 0xD0453A;  // weight < 0
  uint32_t unknown = 0x9A9A9A;   // no weights available
};
const NeuronLook& neuronLook();

}  // namespace nf::scene

// views/builder_look.h - what a builder layer looks like: its diagram category's colour
// from the scene palette (scene/categories.h), or the colour the user gave the node,
// in the light or the dark look. The builder canvas (app), the exported pictures
// (builder_picture.h) and the layered view all read their colours here, and the line
// an edge is drawn along (builderEdgeRoute).
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "builder/document.h"
#include "layout/types.h"
#include "scene/categories.h"

namespace nf::views {

// The scene palette entry of a builder diagram category.
scene::OpCategory sceneCategory(builder::LayerCategory c);

struct BuilderNodeColors {
  uint32_t fill;       // 0xRRGGBB
  uint32_t border;     // the category's header hue (or a shade of the user's colour)
  uint32_t title;      // the node name
  uint32_t sub;        // type and shape line, notes
};
// `spec` may be null (a type this catalog does not know: neutral grey).
BuilderNodeColors builderNodeColors(const builder::Node& n, const builder::LayerSpec* spec, bool dark);
// The legend swatch of a category (the fill its boxes get).
uint32_t categoryColor(builder::LayerCategory c, bool dark);
// The categories of the document's known layers, in legend order (enum order), each once.
std::vector<builder::LayerCategory> categoriesUsed(const builder::Document& doc);

// The line of an edge from output port `out` (bottom middle of the source box, whose
// sides are at from_left and from_right) to input port `in` on top of the target box
// (to_left, to_right). A target below: one S curve, leaving and entering vertically
// (`bend`: how far at least; 30 at scale 1; `segments` samples). A target not below
// (the next column of a wrapped diagram, the next box of a left-to-right row) would
// make that curve loop back over the boxes: the line leaves downwards, runs up the gap
// beside the target (left of it when it lies to the right of the source, else right)
// and comes down onto the port, corners rounded. `label`: the point of the line the
// edge's shape label is drawn beside (to its right).
struct BuilderEdgeRoute {
  std::vector<layout::Point> line;
  layout::Point label;
};
// `detour_x` (finite: see builderEdgeDetours): a target below whose curve would pass
// behind other boxes takes the same kind of line round them, down the right of detour_x.
BuilderEdgeRoute builderEdgeRoute(layout::Point out, layout::Point in, float from_left, float from_right, float to_left,
                                  float to_right, float bend, int segments, float detour_x = NAN);

// For each edge (indices of its source and target in `boxes`), the x a line from the
// source's bottom to a target below must keep to the right of so as to pass no other
// box (a residual connection past the layers of its block), or NaN where the direct
// curve passes none. `clearance` is added past the boxes' right sides.
std::vector<float> builderEdgeDetours(const std::vector<layout::Rect>& boxes,
                                      const std::vector<std::pair<size_t, size_t>>& edges, float clearance);

}  // namespace nf::views

// views/builder_look.h - what a builder layer looks like: its diagram category's colour
// from the scene palette (scene/categories.h), or the colour the user gave the node,
// in the light or the dark look. The builder canvas (app), the exported pictures
// (builder_picture.h) and the layered view all read their colours here.
#pragma once
#include <cstdint>
#include <vector>

#include "builder/document.h"
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

}  // namespace nf::views

#include "views/builder_look.h"

namespace nf::views {

scene::OpCategory sceneCategory(builder::LayerCategory c) {
  using B = builder::LayerCategory;
  using C = scene::OpCategory;
  switch (c) {
    case B::InputOutput: return C::InputOutput;
    case B::Convolution: return C::Conv;
    case B::Pooling: return C::Pooling;
    case B::Normalization: return C::Normalization;
    case B::Activation: return C::Activation;
    case B::Linear: return C::MatMul;
    case B::Recurrent: return C::Recurrent;
    case B::Attention: return C::Attention;
    case B::Merge: return C::Merge;
    case B::Reshape: return C::Tensor;
  }
  return C::Other;
}

uint32_t categoryColor(builder::LayerCategory c, bool dark) { return scene::categoryFill(sceneCategory(c), dark); }

BuilderNodeColors builderNodeColors(const builder::Node& n, const builder::LayerSpec* spec, bool dark) {
  const scene::OpCategory cat = spec ? sceneCategory(spec->diagram) : scene::OpCategory::Other;
  BuilderNodeColors c{};
  if (n.color) {
    c.fill = *n.color & 0xFFFFFF;
    c.border = scene::shadeColor(c.fill, 0.6f);
  } else {
    c.fill = scene::categoryFill(cat, dark);
    c.border = dark ? scene::mixColor(scene::categoryStyle(cat).header, 0xFFFFFF, 0.35f)
                    : scene::categoryStyle(cat).header;
  }
  c.title = scene::readableTextColor(c.fill);
  c.sub = scene::mixColor(c.title, c.fill, 0.3f);
  return c;
}

std::vector<builder::LayerCategory> categoriesUsed(const builder::Document& doc) {
  bool seen[builder::kLayerCategoryCount] = {};
  for (const builder::Node& n : doc.nodes())
    if (const builder::LayerSpec* spec = builder::catalog().find(n.type)) seen[static_cast<int>(spec->diagram)] = true;
  std::vector<builder::LayerCategory> out;
  for (int i = 0; i < builder::kLayerCategoryCount; ++i)
    if (seen[i]) out.push_back(static_cast<builder::LayerCategory>(i));
  return out;
}

}  // namespace nf::views

#include "scene/categories.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace nf::scene {

namespace {

// Header colours: dark enough for white text, distinct in hue between neighbours
// that often sit next to each other (conv/normalization/activation).
constexpr std::array<CategoryStyle, kCategoryCount> kStyles = {{
    {0x335588, 0xFFFFFF},  // Conv: blue
    {0x335533, 0xFFFFFF},  // Pooling: green
    {0x2F6B5E, 0xFFFFFF},  // Normalization: teal
    {0x702921, 0xFFFFFF},  // Activation: dark red
    {0x4B3F8C, 0xFFFFFF},  // MatMul: indigo
    {0x6C4F47, 0xFFFFFF},  // Tensor: brown
    {0x555555, 0xFFFFFF},  // Math: grey
    {0x8A5A00, 0xFFFFFF},  // Control: amber
    {0x7A2E6B, 0xFFFFFF},  // Quantization: plum
    {0x4A5A6A, 0xFFFFFF},  // Constant: slate
    {0x1F1F1F, 0xFFFFFF},  // InputOutput: near black
    {0x808080, 0xFFFFFF},  // Other: mid grey
    {0x9C4A16, 0xFFFFFF},  // Recurrent: rust
    {0x8E2F63, 0xFFFFFF},  // Attention: magenta
    {0x5C6B16, 0xFFFFFF},  // Merge: olive
}};

}  // namespace

OpCategory categoryOf(std::string_view domain, std::string_view op_type) {
  const shapes::OpSpec* op = shapes::findOpByType(domain, op_type);
  return op ? op->category : OpCategory::Other;
}

const char* categoryName(OpCategory c) {
  switch (c) {
    case OpCategory::Conv: return "conv";
    case OpCategory::Pooling: return "pooling";
    case OpCategory::Normalization: return "normalization";
    case OpCategory::Activation: return "activation";
    case OpCategory::MatMul: return "matmul";
    case OpCategory::Tensor: return "tensor";
    case OpCategory::Math: return "math";
    case OpCategory::Control: return "control";
    case OpCategory::Quantization: return "quantization";
    case OpCategory::Constant: return "constant";
    case OpCategory::InputOutput: return "io";
    case OpCategory::Other: return "other";
    case OpCategory::Recurrent: return "recurrent";
    case OpCategory::Attention: return "attention";
    case OpCategory::Merge: return "merge";
  }
  return "other";
}

const CategoryStyle& categoryStyle(OpCategory c) {
  auto i = static_cast<size_t>(c);
  return kStyles[i < kStyles.size() ? i : kStyles.size() - 1];
}

const Palette& lightPalette() {
  static const Palette p{};
  return p;
}

const Palette& darkPalette() {
  // Light text on grey boxes over a near-black canvas; the category headers stay.
  static const Palette p{.background = 0x121417,
                         .node_body = 0x2A2D33,
                         .node_border = 0x5C6270,
                         .body_text = 0xDEE0E4,
                         .dim_text = 0x969BA5,
                         .edge = 0x8A909C,
                         .edge_label = 0xA0A5AF,
                         .highlight = 0xE8890C};
  return p;
}

uint32_t repeatClassColor(int32_t repeat_class) {
  // Mid-light hues that keep dark header text readable, ordered so neighbours differ.
  static constexpr uint32_t kHues[] = {0x8EC5E8, 0xF2B880, 0xA8D8A0, 0xD9A6E0, 0xF0D878,
                                       0x9CD6CF, 0xF2A0A8, 0xB8B8EC, 0xC8DC8C, 0xE0BC9C};
  constexpr int32_t kCount = static_cast<int32_t>(sizeof(kHues) / sizeof(kHues[0]));
  if (repeat_class < 0) return 0xC9CED6;
  return kHues[repeat_class % kCount];
}

const FrameLook& frameLook(bool dark_background) {
  // On a dark background the hue itself outlines the frame (a darker shade would vanish).
  static const FrameLook kLight{0.14f, 0.45f, 0.62f, 0.9f, 7.5f};
  static const FrameLook kDark{0.12f, 0.45f, 1.0f, 0.7f, 7.5f};
  return dark_background ? kDark : kLight;
}

uint32_t shadeColor(uint32_t rgb, float factor) {
  auto ch = [&](int shift) {
    return std::min<uint32_t>(255, static_cast<uint32_t>(static_cast<float>((rgb >> shift) & 0xFF) * factor)) << shift;
  };
  return ch(16) | ch(8) | ch(0);
}

uint32_t mixColor(uint32_t a, uint32_t b, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  auto ch = [&](int shift) {
    const float x = static_cast<float>((a >> shift) & 0xFF), y = static_cast<float>((b >> shift) & 0xFF);
    return static_cast<uint32_t>(std::lround(x + (y - x) * t)) << shift;
  };
  return ch(16) | ch(8) | ch(0);
}

uint32_t categoryFill(OpCategory c) {
  // Half-way to white: the hue stays recognisable next to the graph view's headers,
  // light enough for three shades and dark text beside it.
  return mixColor(categoryStyle(c).header, 0xFFFFFF, 0.5f);
}

uint32_t categoryFill(OpCategory c, bool dark_background) {
  // Dark theme: mostly the header hue over the dark body, so light text stays readable.
  return dark_background ? mixColor(categoryStyle(c).header, darkPalette().node_body, 0.3f) : categoryFill(c);
}

uint32_t readableTextColor(uint32_t fill) {
  const float r = static_cast<float>((fill >> 16) & 0xFF), g = static_cast<float>((fill >> 8) & 0xFF),
              b = static_cast<float>(fill & 0xFF);
  return (0.2126f * r + 0.7152f * g + 0.0722f * b) / 255.0f > 0.55f ? 0x1A1D23 : 0xF4F5F7;
}

SolidShades solidShades(uint32_t fill) {
  return SolidShades{fill, mixColor(fill, 0xFFFFFF, 0.35f), shadeColor(fill, 0.72f), shadeColor(fill, 0.45f)};
}

const NeuronLook& neuronLook() {
  static const NeuronLook look{};
  return look;
}

}  // namespace nf::scene

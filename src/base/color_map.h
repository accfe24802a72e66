// base/color_map.h - the one colour map of the app: a scalar in [0,1] to a colour.
// Used for feature maps and heat maps of run results (and any overlay that shades
// by a value), so every view agrees on what "high" looks like.
#pragma once
#include <cstdint>

namespace nf {

struct Rgb8 {
  uint8_t r = 0, g = 0, b = 0;
};

enum class ColorMap : uint8_t { Viridis, Gray };

// t outside [0,1] is clamped; NaN maps to the low end.
Rgb8 colorMapAt(ColorMap map, double t);

}  // namespace nf

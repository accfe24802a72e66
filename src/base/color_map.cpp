#include "base/color_map.h"

#include <cmath>

namespace nf {

namespace {
// Anchor colours of a perceptually ordered blue-green-yellow ramp (viridis-like),
// evenly spaced in t; colours between anchors are interpolated linearly.
constexpr uint8_t kAnchors[9][3] = {
    {68, 1, 84},    {71, 44, 122},  {59, 81, 139},  {44, 113, 142}, {33, 144, 141},
    {39, 173, 129}, {92, 200, 99},  {170, 220, 50}, {253, 231, 37},
};
}  // namespace

Rgb8 colorMapAt(ColorMap map, double t) {
  if (!(t >= 0)) t = 0;  // NaN and negatives
  if (t > 1) t = 1;
  if (map == ColorMap::Gray) {
    auto v = static_cast<uint8_t>(std::lround(t * 255));
    return {v, v, v};
  }
  double x = t * 8;
  int i = static_cast<int>(x);
  if (i >= 8) i = 7;
  double f = x - i;
  auto mix = [&](int c) {
    return static_cast<uint8_t>(std::lround(kAnchors[i][c] + (kAnchors[i + 1][c] - kAnchors[i][c]) * f));
  };
  return {mix(0), mix(1), mix(2)};
}

}  // namespace nf

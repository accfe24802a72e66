// base/float16.h - the one place that converts IEEE float16 and bfloat16 bit patterns
// to and from float32 (weights decoding, constant folding in shape inference, the runtime).
#pragma once
#include <cstdint>

namespace nf {

float halfToFloat(uint16_t h);       // exact (every float16 is a float32)
float bfloat16ToFloat(uint16_t b);   // exact
uint16_t floatToHalf(float f);       // round to nearest even; overflow to infinity; NaN kept
uint16_t floatToBFloat16(float f);   // round to nearest even; NaN kept quiet

}  // namespace nf

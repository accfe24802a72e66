// runtime/input_prep.h - turning what a user hands over into a model input tensor:
// an image (RGBA pixels, decoded by the caller) resized and normalised with a preset,
// random normal or zero tensors, and lists of token ids. Pure functions; the page
// only decodes the image file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/tensor.h"

namespace nf::runtime {

// How 8-bit pixel values become numbers.
enum class PixelScale : uint8_t {
  ImageNet,   // x/255, minus mean (0.485, 0.456, 0.406), divided by std (0.229, 0.224, 0.225)
  Unit,       // x/255 in [0, 1]
  Symmetric,  // x/127.5 - 1 in [-1, 1]
  Raw,        // x in [0, 255]
};
const char* pixelScaleName(PixelScale s);

struct ImagePrep {
  PixelScale scale = PixelScale::ImageNet;
  bool bgr = false;  // channel order of the tensor (RGB unless the model wants BGR)
};

struct RgbaImage {
  int64_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width*height*4 bytes, rows top to bottom
};

// Where the image goes in the input tensor.
struct ImageLayout {
  bool nhwc = false;  // channels last
  int64_t batch = 1, channels = 3, height = 224, width = 224;
  std::vector<int64_t> shape() const;
};

// Reads the layout from the declared input dims (-1 = unknown): rank 4; channels
// first when dim 1 is 1 or 3 (or unknown while the last is not 1/3), else last.
// Unknown batch becomes 1, unknown spatial dims `default_size`.
Result<ImageLayout> imageLayoutFor(const std::vector<int64_t>& dims, int64_t default_size = 224);

// Resizes (bilinear, half-pixel centres, no antialiasing) to the layout's height x
// width and normalises; every batch item gets the same image. Float output.
Result<Tensor> imageToTensor(const RgbaImage& image, const ImageLayout& layout, const ImagePrep& prep);

// Declared dims with unknown (negative) dims replaced by `unknown_as`.
std::vector<int64_t> concreteShape(const std::vector<int64_t>& dims, int64_t unknown_as = 1);

// Standard normal values from a fixed seed (same seed, same tensor). Numeric types;
// integer types get the values rounded.
Result<Tensor> randomNormalTensor(ir::ElemType type, const std::vector<int64_t>& shape, uint64_t seed);
Result<Tensor> zeroTensor(ir::ElemType type, const std::vector<int64_t>& shape);

// Integers separated by spaces, commas or newlines ("101, 2023 102") into a tensor
// of `type`. The shape is the declared one when its element count matches (unknown
// dims filled from the count); else [1, count] for rank 2 inputs and [count] otherwise.
Result<Tensor> tokenIdsTensor(const std::string& text, ir::ElemType type, const std::vector<int64_t>& dims);

}  // namespace nf::runtime

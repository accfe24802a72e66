#include "runtime/input_prep.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <random>

namespace nf::runtime {

namespace {

constexpr int64_t kMaxImageSide = 16384;  // bigger images and layouts are refused

float normalise(uint8_t v, int channel, PixelScale s) {
  static constexpr float kMean[3] = {0.485f, 0.456f, 0.406f};
  static constexpr float kStd[3] = {0.229f, 0.224f, 0.225f};
  switch (s) {
    case PixelScale::ImageNet: return (v / 255.0f - kMean[channel]) / kStd[channel];
    case PixelScale::Unit: return v / 255.0f;
    case PixelScale::Symmetric: return v / 127.5f - 1.0f;
    case PixelScale::Raw: return static_cast<float>(v);
  }
  return 0;
}

bool isNumeric(ir::ElemType t) { return isSupportedType(t) && t != ir::ElemType::String; }

Result<Tensor> allocate(ir::ElemType type, const std::vector<int64_t>& shape) {
  if (!isNumeric(type)) return Error{"inputs of type " + std::string(ir::elemTypeName(type)) + " cannot be generated"};
  if (shapeCount(shape) < 0) return Error{"input shape " + shapeString(shape) + " is invalid or too large"};
  int64_t bytes = 0;
  if (!checkedSizeMul(shapeCount(shape), static_cast<int64_t>(storedSize(type)), &bytes) || bytes > (int64_t{1} << 31))
    return Error{"input shape " + shapeString(shape) + " needs more than 2 GiB"};
  return makeTensor(type, shape);
}

}  // namespace

const char* pixelScaleName(PixelScale s) {
  switch (s) {
    case PixelScale::ImageNet: return "ImageNet mean/std";
    case PixelScale::Unit: return "[0, 1]";
    case PixelScale::Symmetric: return "[-1, 1]";
    case PixelScale::Raw: return "[0, 255]";
  }
  return "?";
}

std::vector<int64_t> ImageLayout::shape() const {
  return nhwc ? std::vector<int64_t>{batch, height, width, channels} : std::vector<int64_t>{batch, channels, height, width};
}

Result<ImageLayout> imageLayoutFor(const std::vector<int64_t>& dims, int64_t default_size) {
  if (dims.size() != 4)
    return Error{"an image input needs rank 4 (NCHW or NHWC); this input has shape " + shapeString(dims)};
  auto isChannels = [](int64_t d) { return d == 1 || d == 3; };
  ImageLayout l;
  l.nhwc = !isChannels(dims[1]) && (isChannels(dims[3]) || dims[1] > 0);
  if (!isChannels(dims[1]) && !isChannels(dims[3]) && (dims[1] > 0 || dims[3] > 0))
    return Error{"input shape " + shapeString(dims) + " has no channel dimension of 1 or 3"};
  auto orDefault = [&](int64_t d, int64_t def) { return d > 0 ? d : def; };
  l.batch = orDefault(dims[0], 1);
  l.channels = orDefault(l.nhwc ? dims[3] : dims[1], 3);
  l.height = orDefault(l.nhwc ? dims[1] : dims[2], default_size);
  l.width = orDefault(l.nhwc ? dims[2] : dims[3], default_size);
  if (l.height > kMaxImageSide || l.width > kMaxImageSide || l.batch > 1024)
    return Error{"input shape " + shapeString(dims) + " is too large for an image input"};
  return l;
}

Result<Tensor> imageToTensor(const RgbaImage& img, const ImageLayout& l, const ImagePrep& prep) {
  if (img.width <= 0 || img.height <= 0 || img.width > kMaxImageSide || img.height > kMaxImageSide)
    return Error{"image size " + std::to_string(img.width) + "x" + std::to_string(img.height) + " is not supported"};
  if (img.rgba.size() != static_cast<size_t>(img.width * img.height * 4))
    return Error{"image pixel data does not match its size"};
  if (l.channels != 1 && l.channels != 3) return Error{"image inputs need 1 or 3 channels"};
  Result<Tensor> made = allocate(ir::ElemType::Float, l.shape());
  if (!made.ok()) return made.error();
  Tensor t = std::move(made.value());
  float* out = t.data<float>();
  const int64_t H = l.height, W = l.width, C = l.channels;
  const double sy = static_cast<double>(img.height) / H, sx = static_cast<double>(img.width) / W;
  for (int64_t y = 0; y < H; ++y) {
    double fy = std::max(0.0, (y + 0.5) * sy - 0.5);
    int64_t y0 = std::min<int64_t>(static_cast<int64_t>(fy), img.height - 1), y1 = std::min(y0 + 1, img.height - 1);
    double wy = fy - y0;
    for (int64_t x = 0; x < W; ++x) {
      double fx = std::max(0.0, (x + 0.5) * sx - 0.5);
      int64_t x0 = std::min<int64_t>(static_cast<int64_t>(fx), img.width - 1), x1 = std::min(x0 + 1, img.width - 1);
      double wx = fx - x0;
      double rgb[3];
      for (int c = 0; c < 3; ++c) {
        auto px = [&](int64_t yy, int64_t xx) { return img.rgba[static_cast<size_t>((yy * img.width + xx) * 4 + c)]; };
        rgb[c] = (px(y0, x0) * (1 - wx) + px(y0, x1) * wx) * (1 - wy) + (px(y1, x0) * (1 - wx) + px(y1, x1) * wx) * wy;
      }
      for (int64_t c = 0; c < C; ++c) {
        float v;
        if (C == 1) {
          double grey = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
          v = normalise(static_cast<uint8_t>(std::lround(grey)), 0, prep.scale == PixelScale::ImageNet ? PixelScale::Unit : prep.scale);
        } else {
          int src = prep.bgr ? 2 - static_cast<int>(c) : static_cast<int>(c);
          v = normalise(static_cast<uint8_t>(std::lround(rgb[src])), src, prep.scale);
        }
        int64_t idx = l.nhwc ? (y * W + x) * C + c : (c * H + y) * W + x;
        out[idx] = v;
      }
    }
  }
  // Further batch items repeat the first.
  const int64_t per_item = C * H * W;
  for (int64_t b = 1; b < l.batch; ++b) std::copy(out, out + per_item, out + b * per_item);
  return t;
}

std::vector<int64_t> concreteShape(const std::vector<int64_t>& dims, int64_t unknown_as) {
  std::vector<int64_t> s = dims;
  for (auto& d : s)
    if (d < 0) d = unknown_as;
  return s;
}

Result<Tensor> randomNormalTensor(ir::ElemType type, const std::vector<int64_t>& shape, uint64_t seed) {
  Result<Tensor> made = allocate(type, shape);
  if (!made.ok()) return made;
  Tensor t = std::move(made.value());
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const bool integer = !(type == ir::ElemType::Float || type == ir::ElemType::Double || type == ir::ElemType::Float16 ||
                         type == ir::ElemType::BFloat16);
  for (int64_t i = 0, n = t.count(); i < n; ++i) {
    double v = normal(rng);
    setElementFromDouble(t, i, integer ? std::round(v) : v);
  }
  roundToStoredPrecision(t);
  return t;
}

Result<Tensor> zeroTensor(ir::ElemType type, const std::vector<int64_t>& shape) { return allocate(type, shape); }

Result<Tensor> tokenIdsTensor(const std::string& text, ir::ElemType type, const std::vector<int64_t>& dims) {
  std::vector<int64_t> ids;
  const char* p = text.c_str();
  while (*p) {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ',' || *p == '[' || *p == ']') {
      ++p;
      continue;
    }
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(p, &end, 10);
    if (end == p || errno == ERANGE)
      return Error{"token ids must be integers separated by spaces or commas (at '" + std::string(p).substr(0, 12) + "')"};
    ids.push_back(v);
    p = end;
  }
  if (ids.empty()) return Error{"no token ids given"};
  const int64_t n = static_cast<int64_t>(ids.size());
  std::vector<int64_t> shape;
  // Fill unknown dims: all but the last become 1, the last takes what is left.
  int64_t known = 1, unknown = 0;
  bool fits = true;
  for (int64_t d : dims) {
    if (d < 0) ++unknown;
    else fits = fits && checkedSizeMul(known, d, &known);
  }
  if (fits && !dims.empty() && known > 0 && n % known == 0 && (unknown > 0 || known == n)) {
    shape = dims;
    int64_t rest = n / known;
    for (size_t i = shape.size(); i-- > 0;)
      if (shape[i] < 0) shape[i] = rest, rest = 1;
  } else {
    shape = dims.size() == 2 ? std::vector<int64_t>{1, n} : std::vector<int64_t>{n};
  }
  Result<Tensor> made = allocate(type, shape);
  if (!made.ok()) return made;
  Tensor t = std::move(made.value());
  for (int64_t i = 0; i < n; ++i) setElementFromDouble(t, i, static_cast<double>(ids[static_cast<size_t>(i)]));
  return t;
}

}  // namespace nf::runtime

// The Run panel's core: image -> tensor (layout, resize, presets, channel order),
// generated inputs, token ids, feature-map images and top-k.
#include <gtest/gtest.h>

#include <cmath>

#include "base/color_map.h"
#include "runtime/input_prep.h"
#include "runtime/tensor_view.h"

using namespace nf;
using namespace nf::runtime;

namespace {

RgbaImage solid(int64_t w, int64_t h, uint8_t r, uint8_t g, uint8_t b) {
  RgbaImage img{w, h, {}};
  for (int64_t i = 0; i < w * h; ++i) img.rgba.insert(img.rgba.end(), {r, g, b, 255});
  return img;
}

}  // namespace

TEST(InputPrep, LayoutFromDeclaredShape) {
  auto nchw = imageLayoutFor({-1, 3, 224, 224});
  ASSERT_TRUE(nchw.ok());
  EXPECT_FALSE(nchw.value().nhwc);
  EXPECT_EQ(nchw.value().shape(), (std::vector<int64_t>{1, 3, 224, 224}));
  auto nhwc = imageLayoutFor({1, 299, 299, 3});
  ASSERT_TRUE(nhwc.ok());
  EXPECT_TRUE(nhwc.value().nhwc);
  EXPECT_EQ(nhwc.value().shape(), (std::vector<int64_t>{1, 299, 299, 3}));
  auto dynamic = imageLayoutFor({-1, 3, -1, -1}, 128);
  ASSERT_TRUE(dynamic.ok());
  EXPECT_EQ(dynamic.value().height, 128);
  EXPECT_FALSE(imageLayoutFor({1, 10}).ok());
  EXPECT_FALSE(imageLayoutFor({1, 7, 20, 5}).ok());           // no channel axis
  EXPECT_FALSE(imageLayoutFor({1, 3, 1 << 20, 1 << 20}).ok());  // hostile size
}

TEST(InputPrep, ImageNetPresetAndChannelOrder) {
  ImageLayout l;
  l.height = l.width = 2;
  auto t = imageToTensor(solid(4, 4, 255, 0, 128), l, {PixelScale::ImageNet, false});
  ASSERT_TRUE(t.ok()) << t.error().message;
  const float* p = t.value().data<float>();
  EXPECT_NEAR(p[0], (1.0f - 0.485f) / 0.229f, 1e-5);          // R plane
  EXPECT_NEAR(p[4], (0.0f - 0.456f) / 0.224f, 1e-5);          // G plane
  EXPECT_NEAR(p[8], (128 / 255.0f - 0.406f) / 0.225f, 1e-5);  // B plane
  auto bgr = imageToTensor(solid(4, 4, 255, 0, 0), l, {PixelScale::Unit, true});
  ASSERT_TRUE(bgr.ok());
  EXPECT_FLOAT_EQ(bgr.value().data<float>()[0], 0.0f);  // first plane is blue
  EXPECT_FLOAT_EQ(bgr.value().data<float>()[8], 1.0f);  // last plane is red
  auto sym = imageToTensor(solid(1, 1, 0, 255, 0), l, {PixelScale::Symmetric, false});
  ASSERT_TRUE(sym.ok());
  EXPECT_FLOAT_EQ(sym.value().data<float>()[0], -1.0f);
  EXPECT_FLOAT_EQ(sym.value().data<float>()[4], 1.0f);
}

TEST(InputPrep, ResizeKeepsStructureAndNhwc) {
  // Left half black, right half white, 8x4 -> 4x2, NHWC: left columns 0, right 1.
  RgbaImage img{8, 4, {}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 8; ++x) {
      uint8_t v = x < 4 ? 0 : 255;
      img.rgba.insert(img.rgba.end(), {v, v, v, 255});
    }
  ImageLayout l;
  l.nhwc = true;
  l.height = 2, l.width = 4;
  auto t = imageToTensor(img, l, {PixelScale::Unit, false});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().shape, (std::vector<int64_t>{1, 2, 4, 3}));
  const float* p = t.value().data<float>();
  EXPECT_FLOAT_EQ(p[0], 0.0f);           // (0,0) R
  EXPECT_FLOAT_EQ(p[3 * 3 + 1], 1.0f);   // (0,3) G
  EXPECT_FLOAT_EQ(p[(4 + 3) * 3], 1.0f); // (1,3) R
  // Identity size gives the pixels exactly.
  l.height = 4, l.width = 8;
  auto same = imageToTensor(img, l, {PixelScale::Raw, false});
  ASSERT_TRUE(same.ok());
  EXPECT_FLOAT_EQ(same.value().data<float>()[(0 * 8 + 4) * 3], 255.0f);
  EXPECT_FLOAT_EQ(same.value().data<float>()[(0 * 8 + 3) * 3], 0.0f);
}

TEST(InputPrep, BadImagesAreRefused) {
  ImageLayout l;
  RgbaImage img = solid(2, 2, 1, 2, 3);
  img.rgba.pop_back();
  EXPECT_FALSE(imageToTensor(img, l, {}).ok());
  EXPECT_FALSE(imageToTensor(RgbaImage{0, 5, {}}, l, {}).ok());
}

TEST(InputPrep, GeneratedInputs) {
  auto a = randomNormalTensor(ir::ElemType::Float, {2, 1000}, 7);
  auto b = randomNormalTensor(ir::ElemType::Float, {2, 1000}, 7);
  ASSERT_TRUE(a.ok() && b.ok());
  double sum = 0, sq = 0;
  for (int i = 0; i < 2000; ++i) {
    float v = a.value().data<float>()[i];
    EXPECT_EQ(v, b.value().data<float>()[i]);
    sum += v, sq += v * v;
  }
  EXPECT_NEAR(sum / 2000, 0, 0.1);
  EXPECT_NEAR(sq / 2000, 1, 0.15);
  auto z = zeroTensor(ir::ElemType::Int64, {3});
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(toInts(z.value()), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_FALSE(zeroTensor(ir::ElemType::Float, {1 << 20, 1 << 20, 1 << 20}).ok());
  EXPECT_FALSE(zeroTensor(ir::ElemType::String, {2}).ok());
}

TEST(InputPrep, TokenIds) {
  auto t = tokenIdsTensor("101, 2023 102\n7", ir::ElemType::Int64, {-1, -1});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t.value().shape, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(toInts(t.value()), (std::vector<int64_t>{101, 2023, 102, 7}));
  auto fixed = tokenIdsTensor("1 2 3 4 5 6", ir::ElemType::Int32, {2, 3});
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.value().shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(fixed.value().type, ir::ElemType::Int32);
  EXPECT_FALSE(tokenIdsTensor("1 two 3", ir::ElemType::Int64, {-1}).ok());
  EXPECT_FALSE(tokenIdsTensor("  ", ir::ElemType::Int64, {-1}).ok());
  EXPECT_FALSE(tokenIdsTensor("99999999999999999999999", ir::ElemType::Int64, {-1}).ok());
}

TEST(TensorView, ChannelImagesSharedAndPerChannel) {
  // [1,2,2,2]: channel 0 is 0..3, channel 1 is 10..13.
  Tensor t = makeTensor(ir::ElemType::Float, {1, 2, 2, 2});
  for (int i = 0; i < 8; ++i) t.data<float>()[i] = i < 4 ? i : 6 + i;
  auto per = channelImages(t, ColorMap::Gray, MapScale::PerChannel);
  ASSERT_TRUE(per.ok());
  ASSERT_EQ(per.value().rgba.size(), 2u);
  EXPECT_EQ(per.value().width, 2);
  // Each channel spans black..white on its own range.
  EXPECT_EQ(per.value().rgba[0][0], 0);
  EXPECT_EQ(per.value().rgba[0][12], 255);
  EXPECT_EQ(per.value().rgba[1][0], 0);
  EXPECT_EQ(per.value().rgba[1][3], 255);  // alpha
  auto shared = channelImages(t, ColorMap::Gray, MapScale::Shared);
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared.value().lo[1], 0.0f);
  EXPECT_EQ(shared.value().hi[0], 13.0f);
  EXPECT_LT(shared.value().rgba[0][12], 70);   // 3 of 0..13: dark
  EXPECT_GT(shared.value().rgba[1][0], 180);   // 10 of 0..13: bright
  auto limited = channelImages(t, ColorMap::Viridis, MapScale::Shared, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited.value().rgba.size(), 1u);
  EXPECT_EQ(limited.value().channels_total, 2);
  // 2-D: one heat map; 1-D is not an image.
  Tensor m = makeTensor(ir::ElemType::Float, {3, 5});
  auto heat = channelImages(m, ColorMap::Viridis, MapScale::Shared);
  ASSERT_TRUE(heat.ok());
  EXPECT_EQ(heat.value().rgba.size(), 1u);
  EXPECT_EQ(heat.value().height, 3);
  EXPECT_FALSE(channelImages(makeTensor(ir::ElemType::Float, {4}), ColorMap::Gray, MapScale::Shared).ok());
}

TEST(TensorView, ColorMapEnds) {
  Rgb8 lo = colorMapAt(ColorMap::Viridis, 0), hi = colorMapAt(ColorMap::Viridis, 1);
  EXPECT_LT(lo.r + lo.g + lo.b, hi.r + hi.g + hi.b);  // dark to bright
  Rgb8 nan = colorMapAt(ColorMap::Viridis, std::nan(""));
  EXPECT_EQ(nan.r, lo.r);
  EXPECT_EQ(colorMapAt(ColorMap::Gray, 2.0).g, 255);
}

TEST(TensorView, TopK) {
  Tensor t = makeTensor(ir::ElemType::Float, {1, 5});
  float v[5] = {0.5f, 3.0f, -1.0f, 3.0f, 2.0f};
  std::copy(v, v + 5, t.data<float>());
  auto top = topK(t, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].index, 1);  // tie: lower index first
  EXPECT_EQ(top[1].index, 3);
  EXPECT_EQ(top[2].index, 4);
  EXPECT_NEAR(top[0].probability, top[1].probability, 1e-12);
  EXPECT_GT(top[0].probability, top[2].probability);
  Tensor probs = makeTensor(ir::ElemType::Float, {4});
  float p[4] = {0.1f, 0.6f, 0.2f, 0.1f};
  std::copy(p, p + 4, probs.data<float>());
  auto tp = topK(probs, 10);
  ASSERT_EQ(tp.size(), 4u);
  EXPECT_NEAR(tp[0].probability, 0.6, 1e-6);  // already probabilities: kept
}

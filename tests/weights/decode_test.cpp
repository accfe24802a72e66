// Element decoding for every numeric dtype, and statistics over them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "base/float16.h"
#include "weights/decode.h"
#include "weights/stats.h"

namespace nf::weights {
namespace {

ir::Tensor inlineTensor(ir::ElemType t, std::vector<int64_t> dims, std::vector<uint8_t> bytes) {
  ir::Tensor x;
  x.elem = t;
  x.dims = std::move(dims);
  x.bytes = std::move(bytes);
  x.storage = ir::Tensor::Storage::Inline;
  return x;
}

std::vector<double> all(const ir::Tensor& t) {
  ir::Model m;
  auto r = readElements(m, t, 0, t.elementCount());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::vector<double>{};
}

TEST(Decode, Float16AndBFloat16) {
  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0xC000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
  EXPECT_TRUE(std::isinf(halfToFloat(0x7C00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
  EXPECT_FLOAT_EQ(halfToFloat(0x0001), 5.9604645e-8f);  // smallest subnormal
  EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(0xC040), -3.0f);
}

TEST(Decode, IntegerTypesIncludingPackedInt4) {
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Int8, {3}, {0xFF, 0x7F, 0x80})), (std::vector<double>{-1, 127, -128}));
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Uint8, {2}, {0xFF, 0x01})), (std::vector<double>{255, 1}));
  // int4: two per byte, low nibble first; 0xF = -1, 0x8 = -8.
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Int4, {3}, {0x8F, 0x07})), (std::vector<double>{-1, -8, 7}));
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Uint4, {3}, {0x8F, 0x07})), (std::vector<double>{15, 8, 7}));
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Bool, {2}, {0, 1})), (std::vector<double>{0, 1}));
  EXPECT_EQ(all(inlineTensor(ir::ElemType::Int64, {1}, {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})),
            (std::vector<double>{-2}));
}

TEST(Decode, Int4RangeStartingMidByte) {
  ir::Model m;
  auto t = inlineTensor(ir::ElemType::Int4, {4}, {0x21, 0x43});
  auto r = readElements(m, t, 1, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), (std::vector<double>{2, 3}));
}

TEST(Decode, Float8Kinds) {
  // E4M3FN: 0x38 = 1.0, 0x7E = 448 (max), 0x7F = NaN.
  auto e4 = all(inlineTensor(ir::ElemType::Float8E4M3FN, {3}, {0x38, 0x7E, 0x7F}));
  EXPECT_EQ(e4[0], 1.0);
  EXPECT_EQ(e4[1], 448.0);
  EXPECT_TRUE(std::isnan(e4[2]));
  // E5M2: 0x3C = 1.0, 0x7C = +inf.
  auto e5 = all(inlineTensor(ir::ElemType::Float8E5M2, {2}, {0x3C, 0x7C}));
  EXPECT_EQ(e5[0], 1.0);
  EXPECT_TRUE(std::isinf(e5[1]));
}

TEST(Stats, MomentsZerosNanInfAndHistogram) {
  std::vector<float> v = {0, 1, 2, 3, 0, NAN, INFINITY, -1};
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  ir::Model m;
  auto s = computeStats(m, inlineTensor(ir::ElemType::Float, {8}, bytes), StatsOptions{4, 3});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->count, 8);
  EXPECT_EQ(s->finite, 6);
  EXPECT_EQ(s->nan_count, 1);
  EXPECT_EQ(s->inf_count, 1);
  EXPECT_DOUBLE_EQ(s->min, -1);
  EXPECT_DOUBLE_EQ(s->max, 3);
  EXPECT_DOUBLE_EQ(s->mean, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(s->zero_fraction, 2.0 / 8.0);
  EXPECT_EQ(s->histogram, (std::vector<uint64_t>{1, 2, 1, 2}));
  EXPECT_EQ(s->first.size(), 3u);
}

TEST(Stats, StringTensorsSayTheyHaveNoStatistics) {
  ir::Model m;
  ir::Tensor t;
  t.elem = ir::ElemType::String;
  t.dims = {1};
  t.storage = ir::Tensor::Storage::Inline;
  auto s = computeStats(m, t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("STRING"), std::string::npos);
}

TEST(Stats, TruncatedInlineDataIsAnError) {
  ir::Model m;
  auto s = computeStats(m, inlineTensor(ir::ElemType::Float, {4}, {0, 0, 0, 0}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("needs 16"), std::string::npos);
}

}  // namespace
}  // namespace nf::weights

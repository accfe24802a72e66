// DFT (opset 17 attribute axis vs opset 20 input axis; RFFT and IRFFT) and MaxUnpool
// with an explicit output_shape: the two rules that once gave wrong shapes. The
// expected lengths are what torch.fft.rfft / torch.fft.irfft and nn.MaxUnpool2d
// produce (irfft of m bins: 2 * (m - 1) values, or n when given; rfft of n values:
// n // 2 + 1 bins; MaxUnpool2d(2, 2) with output_size=(5, 5): 5 x 5).
#include <gtest/gtest.h>

#include "shapes/inference.h"
#include "shapes/shapes_test_util.h"
#include "support/model_builder.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::I64;
using test::shape;

using test::typeOf;

TEST(ShapesSignal, Dft20InverseOnesidedIsAnIrfft) {
  ir::Model m = test::model(20);
  test::GraphBuilder g(m);
  g.input("spec", F32, shape({2, 5, 2}));  // 5 complex bins
  g.input("real", F32, shape({2, 8, 1}));
  g.initInts("len9", {}, {9});
  g.initInts("len7", {}, {7});
  g.initInts("axis1", {}, {1});
  g.initInts("axis0", {}, {0});
  g.input("axis_dyn", I64, shape({}));
  const auto irfft = std::vector<ir::Attribute>{test::aInt("inverse", 1), test::aInt("onesided", 1)};
  g.node("DFT", {"spec"}, {"irfft_default"}, irfft);              // axis -2, length 2 * (5 - 1)
  g.node("DFT", {"spec", "len9", "axis1"}, {"irfft_len9"}, irfft);  // torch.fft.irfft(n=9)
  g.node("DFT", {"spec", "", "axis_dyn"}, {"irfft_dyn_axis"}, irfft);
  g.node("DFT", {"real"}, {"rfft"}, {test::aInt("onesided", 1)});           // 8 -> 5 bins
  g.node("DFT", {"real", "len7"}, {"rfft_len7"}, {test::aInt("onesided", 1)});  // 7 -> 4 bins
  g.node("DFT", {"spec"}, {"ifft"}, {test::aInt("inverse", 1)});           // two-sided: same length, complex
  g.node("DFT", {"spec", "len9", "axis0"}, {"dft_axis0"});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "irfft_default"), "FLOAT[2, 8, 1]");
  EXPECT_EQ(typeOf(r, m, "irfft_len9"), "FLOAT[2, 9, 1]");
  EXPECT_EQ(typeOf(r, m, "irfft_dyn_axis"), "FLOAT[?, ?, 1]");
  EXPECT_EQ(typeOf(r, m, "rfft"), "FLOAT[2, 5, 2]");
  EXPECT_EQ(typeOf(r, m, "rfft_len7"), "FLOAT[2, 4, 2]");
  EXPECT_EQ(typeOf(r, m, "ifft"), "FLOAT[2, 5, 2]");
  EXPECT_EQ(typeOf(r, m, "dft_axis0"), "FLOAT[9, 5, 2]");
}

TEST(ShapesSignal, Dft17AxisAttributeAndIrfft) {
  ir::Model m = test::model(19);  // DFT-17 is the version in force up to opset 19
  test::GraphBuilder g(m);
  g.input("spec", F32, shape({3, 6, 4, 2}));
  g.initInts("len5", {1}, {5});
  g.node("DFT", {"spec"}, {"irfft"}, {test::aInt("inverse", 1), test::aInt("onesided", 1)});  // axis 1
  g.node("DFT", {"spec", "len5"}, {"irfft_len5"},
         {test::aInt("inverse", 1), test::aInt("onesided", 1), test::aInt("axis", -2)});
  g.node("DFT", {"spec"}, {"dft"}, {test::aInt("axis", 2)});
  g.input("len_dyn", I64, shape({1}));
  g.node("DFT", {"spec", "len_dyn"}, {"dft_len_dyn"});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "irfft"), "FLOAT[3, 10, 4, 1]");
  EXPECT_EQ(typeOf(r, m, "irfft_len5"), "FLOAT[3, 6, 5, 1]");
  EXPECT_EQ(typeOf(r, m, "dft"), "FLOAT[3, 6, 4, 2]");
  EXPECT_EQ(typeOf(r, m, "dft_len_dyn"), "FLOAT[3, ?, 4, 2]");
}

TEST(ShapesSignal, DftRejectsABadAxisOrLength) {
  ir::Model m = test::model(20);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 5, 2}));
  g.initInts("axis2", {}, {2});  // the real/imag axis
  g.initInts("len0", {}, {0});
  g.node("DFT", {"x", "", "axis2"}, {"bad_axis"});
  g.node("DFT", {"x", "len0"}, {"bad_len"});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "bad_axis"), "?");
  EXPECT_EQ(typeOf(r, m, "bad_len"), "?");
}

TEST(ShapesPool, MaxUnpoolOutputShapeInput) {
  ir::Model m = test::model(11);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 1, 2, 2}));
  g.input("idx", I64, shape({1, 1, 2, 2}));
  g.initInts("out55", {4}, {1, 1, 5, 5});
  g.input("out_dyn", I64, shape({4}));
  const auto k2s2 = std::vector<ir::Attribute>{test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2})};
  g.node("MaxUnpool", {"x", "idx", "out55"}, {"given"}, k2s2);
  g.node("MaxUnpool", {"x", "idx", "out_dyn"}, {"dynamic"}, k2s2);
  g.node("MaxUnpool", {"x", "idx"}, {"computed"}, k2s2);
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "given"), "FLOAT[1, 1, 5, 5]");
  EXPECT_EQ(typeOf(r, m, "dynamic"), "FLOAT[1, 1, ?, ?]");  // never the computed 4 x 4
  EXPECT_EQ(typeOf(r, m, "computed"), "FLOAT[1, 1, 4, 4]");
}

}  // namespace
}  // namespace nf::shapes

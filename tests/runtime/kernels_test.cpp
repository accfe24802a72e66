// The fast SGEMM and conv2d paths against the reference loops, on every native back
// end (AVX2+FMA where the CPU has it, and the portable one). The wasm SIMD128 build
// runs the same cases under Node (bench/kernels_check.cpp, ctest runtime.kernels_wasm).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

#include "bench/kernel_cases.h"
#include "runtime/kernels/kernels.h"

namespace {

namespace k = nf::runtime::kernels;
namespace kc = nf::kernel_cases;

// Runs `body` once per SGEMM back end this build and CPU have, restoring the default.
template <class Body>
void on_each_backend(Body body) {
  const auto names = k::gemm_backends();
  ASSERT_FALSE(names.empty());
  for (size_t i = 0; i < names.size(); ++i) {
    k::use_gemm_backend(i);
    ASSERT_STREQ(k::gemm_backend(), names[i]);
    SCOPED_TRACE(names[i]);
    body();
  }
  k::use_gemm_backend(0);
}

TEST(Kernels, SgemmMatchesReferenceOnEdgeAndRandomShapes) {
  on_each_backend([] {
    const auto cases = kc::gemm_cases();
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string err = kc::check_gemm(cases[i], 100 + i);
      ASSERT_EQ(err, "") << "case " << i;
    }
  });
}

TEST(Kernels, SgemmWithPackedBMatchesReference) {
  on_each_backend([] {
    const auto cases = kc::gemm_cases();
    for (size_t i = 0; i < cases.size(); ++i) ASSERT_EQ(kc::check_gemm(cases[i], 300 + i, true), "") << "case " << i;
  });
}

TEST(Kernels, PackedBForOtherSizesIsIgnored) {
  std::vector<float> a(20 * 30), b(30 * 40), want(20 * 40), got(20 * 40);
  kc::Rng rng(5);
  for (auto* v : {&a, &b})
    for (auto& e : *v) e = rng.uniform();
  k::Scratch scratch;
  k::reference::sgemm(false, false, 20, 40, 30, 1.f, a.data(), 30, b.data(), 40, 0.f, want.data(), 40, scratch);
  const auto other = k::pack_sgemm_b(false, 30, 32, b.data(), 40);  // n = 32, not 40
  const auto transposed = k::pack_sgemm_b(true, 30, 40, b.data(), 30);
  for (const auto* p : {&other, &transposed}) {
    std::fill(got.begin(), got.end(), 0.f);
    k::sgemm(false, false, 20, 40, 30, 1.f, a.data(), 30, b.data(), 40, *p, 0.f, got.data(), 40, scratch);
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4f) << i;
  }
}

TEST(Kernels, Conv2dMatchesReferenceOnEveryPath) {
  on_each_backend([] {
    const auto cases = kc::conv_cases();
    int paths[3] = {0, 0, 0};
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string path = k::conv2d_path(cases[i].s);
      paths[path == "pointwise" ? 0 : path == "depthwise" ? 1 : 2]++;
      const std::string err = kc::check_conv(cases[i], 500 + i);
      ASSERT_EQ(err, "") << "case " << i;
    }
    EXPECT_GE(paths[0], 2);
    EXPECT_GE(paths[1], 5);
    EXPECT_GE(paths[2], 10);
  });
}

TEST(Kernels, Conv2dWithPackedWeightsMatchesReference) {
  on_each_backend([] {
    const auto cases = kc::conv_cases();
    for (size_t i = 0; i < cases.size(); ++i) ASSERT_EQ(kc::check_conv(cases[i], 900 + i, true), "") << "case " << i;
  });
}

TEST(Kernels, PackedWeightsForAnotherShapeOrBackendAreIgnored) {
  const kc::ConvCase c = kc::conv_case(1, 8, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  const auto& s = c.s;
  std::vector<float> x(8 * 81), w(12 * 8 * 9), bias(12), want(12 * 81), got(12 * 81);
  kc::Rng rng(3);
  for (auto* v : {&x, &w, &bias})
    for (auto& e : *v) e = rng.uniform();
  k::Scratch scratch;
  k::reference::conv2d(s, x.data(), w.data(), bias.data(), want.data(), scratch);
  auto expect_close = [&] {
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4f) << i;
  };
  // Packed for a shape with another output channel count: ignored.
  kc::ConvCase other = kc::conv_case(1, 8, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  const auto wrong_shape = k::pack_conv2d_weights(other.s, w.data());
  k::conv2d(s, x.data(), w.data(), wrong_shape, bias.data(), got.data(), scratch);
  expect_close();
  // Packed for one back end, run on another: ignored.
  const auto names = k::gemm_backends();
  const auto packed = k::pack_conv2d_weights(s, w.data());
  EXPECT_FALSE(packed.data.empty());
  k::use_gemm_backend(names.size() - 1);
  std::fill(got.begin(), got.end(), 0.f);
  k::conv2d(s, x.data(), w.data(), packed, bias.data(), got.data(), scratch);
  expect_close();
  k::use_gemm_backend(0);
  // Natively with AVX the 7x7-output, 64-channel shapes of kernel_cases.h take the
  // transposed product with packed weights (so the cases above cover that path).
  const std::vector<float> w64(64 * 16 * 9, 0.5f);
  if (std::string(k::gemm_backend()).find("avx") != std::string::npos) {
    EXPECT_TRUE(k::pack_conv2d_weights(kc::conv_case(1, 16, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1).s, w64.data()).transposed);
  }
  EXPECT_FALSE(
      k::pack_conv2d_weights(kc::conv_case(1, 16, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1).s, w64.data()).transposed);
  // Depthwise shapes: the pack is the weights as they are (so the raw copy can go).
  const kc::ConvCase dw = kc::conv_case(1, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8);
  const auto dw_pack = k::pack_conv2d_weights(dw.s, w.data());
  ASSERT_EQ(dw_pack.data.size(), 8u * 9u);
  EXPECT_TRUE(std::equal(dw_pack.data.begin(), dw_pack.data.end(), w.begin()));
  EXPECT_TRUE(k::packed_conv2d_fits(dw_pack, dw.s));
  EXPECT_FALSE(k::packed_conv2d_fits(dw_pack, s));
  EXPECT_FALSE(k::packed_conv2d_fits(wrong_shape, s));
}

TEST(Kernels, Conv2dPathSelection) {
  EXPECT_STREQ(k::conv2d_path(kc::conv_case(1, 64, 56, 56, 256, 1, 1, 1, 1, 0, 0, 0, 0, 1).s), "pointwise");
  EXPECT_STREQ(k::conv2d_path(kc::conv_case(1, 64, 56, 56, 64, 1, 1, 2, 1, 0, 0, 0, 0, 1).s), "im2col");
  EXPECT_STREQ(k::conv2d_path(kc::conv_case(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1).s), "im2col");
  EXPECT_STREQ(k::conv2d_path(kc::conv_case(1, 72, 56, 56, 72, 3, 3, 2, 1, 1, 1, 1, 1, 72).s), "depthwise");
}

TEST(Kernels, ZeroSizesLeaveOutputsUntouched) {
  k::Scratch scratch;
  float c[4] = {1, 2, 3, 4};
  const float a[4] = {1, 1, 1, 1};
  k::sgemm(false, false, 0, 2, 2, 1.f, a, 2, a, 2, 0.f, c, 2, scratch);
  k::sgemm(false, false, 2, 0, 2, 1.f, a, 2, a, 2, 0.f, c, 2, scratch);
  EXPECT_EQ(c[0], 1.f);
  EXPECT_EQ(c[3], 4.f);
  // k == 0: C = beta * C, and beta == 0 writes zeros even over NaN.
  k::sgemm(false, false, 2, 2, 0, 1.f, a, 1, a, 2, 0.5f, c, 2, scratch);
  EXPECT_EQ(c[1], 1.f);
  c[2] = NAN;
  k::sgemm(false, false, 2, 2, 0, 1.f, a, 1, a, 2, 0.f, c, 2, scratch);
  EXPECT_EQ(c[2], 0.f);
  k::Conv2dShape s;
  s.in_channels = s.out_channels = 1, s.in_h = s.in_w = 2;  // out_h == out_w == 0
  float y = 7.f;
  k::conv2d(s, a, a, nullptr, &y, scratch);
  EXPECT_EQ(y, 7.f);
}

TEST(Kernels, ScratchIsReusedAcrossCalls) {
  // A kernel must not need more scratch for a call it already made once: run a big
  // GEMM, then a small one, with the same Scratch, and compare with fresh results.
  k::Scratch shared;
  const kc::GemmCase big{false, true, 150, 300, 300, 1.f, 0.f, 0, 0, 0};
  EXPECT_EQ(kc::check_gemm(big, 1), "");
  std::vector<float> a(64 * 64, 0.5f), b(64 * 64, 0.25f), c1(64 * 64), c2(64 * 64);
  k::sgemm(false, false, 64, 64, 64, 1.f, a.data(), 64, b.data(), 64, 0.f, c1.data(), 64, shared);
  k::sgemm(false, false, 8, 8, 8, 1.f, a.data(), 64, b.data(), 64, 0.f, c2.data(), 64, shared);
  EXPECT_FLOAT_EQ(c1[0], 64 * 0.125f);
  EXPECT_FLOAT_EQ(c2[0], 8 * 0.125f);
}

// softmax_rows (vector exp) against exp in double; the wasm build runs the same check.
TEST(Kernels, SoftmaxRowsMatchDoubleExp) { EXPECT_EQ(kc::check_softmax(), ""); }

}  // namespace

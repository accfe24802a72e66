// Hostile dims: shape rules that would size a vector from a declared dim stop at
// base/limits.h and report "too large to infer"; counts and totals that pass
// 2^63 saturate and read "overflow", never a wrapped (negative) number.
#include <gtest/gtest.h>

#include <climits>

#include "base/checked.h"
#include "base/strings.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/shapes_test_util.h"
#include "shapes/summary.h"
#include "support/model_builder.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::I64;
using test::shape;

constexpr int64_t kHuge = int64_t{1} << 40;  // a dim no rule may allocate per element

using test::typeOf;

bool hasIssue(const InferenceResult& r, const std::string& text) {
  for (const auto& is : r.issues)
    if (is.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(SizeLimits, AffineGridWithHugeDeclaredSizeLength) {
  // `size` has no known values, only a declared length of 2^40: the rule used
  // to allocate an output rank of that many dims (bad_alloc).
  ir::Model m = test::model(20);
  test::GraphBuilder g(m);
  g.input("theta", F32, shape({1, 2, 3}));
  g.input("size", I64, shape({kHuge}));
  g.node("AffineGrid", {"theta", "size"}, {"grid"});
  g.output("grid");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "grid"), "FLOAT?");
  EXPECT_TRUE(hasIssue(r, "too large to infer"));
}

TEST(SizeLimits, SplitToSequenceAlongAHugeDim) {
  // No split input: one element per index of a 2^40-long axis.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({kHuge, 4}));
  g.node("SplitToSequence", {"x"}, {"seq"});
  g.output("seq");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "seq"), "seq(FLOAT[1, 4])");
  EXPECT_EQ(r.value(m.main().find("seq")).elements, nullptr);  // length unknown
  EXPECT_TRUE(hasIssue(r, "too large to infer"));
}

TEST(SizeLimits, SplitToSequenceWithTinyChunksOfAHugeDim) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({kHuge}));
  g.initInts("one", {}, {1});
  g.node("SplitToSequence", {"x", "one"}, {"seq"});
  g.output("seq");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(r.value(m.main().find("seq")).elements, nullptr);
  EXPECT_TRUE(hasIssue(r, "too large to infer"));
}

TEST(SizeLimits, ShapeInputsWithHugeDeclaredLength) {
  // ConstantOfShape / Reshape / Expand take the output rank from the length of
  // a shape input: a declared length of 2^40 leaves the rank unknown.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("s", I64, shape({kHuge}));
  g.input("x", F32, shape({2, 3}));
  g.node("ConstantOfShape", {"s"}, {"c"});
  g.node("Reshape", {"x", "s"}, {"r"});
  g.output("c");
  g.output("r");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "c"), "FLOAT?");
  EXPECT_EQ(typeOf(r, m, "r"), "FLOAT?");
}

TEST(SizeLimits, RangeWhoseLengthOverflows) {
  // limit - start passes INT64_MAX: the length is unknown, not a wrapped 0.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.initInts("start", {}, {INT64_MIN});
  g.initInts("limit", {}, {INT64_MAX});
  g.initInts("delta", {}, {1});
  g.node("Range", {"start", "limit", "delta"}, {"r"});
  g.output("r");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "r"), "INT64[?]");
}

TEST(SizeLimits, WindowAttributesWhoseSpanOverflows) {
  // (kernel - 1) * dilation + 1 passes INT64_MAX: the spatial dim is unknown,
  // not a wrapped (and so arbitrary) number.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 1, 8}));
  g.node("MaxPool", {"x"}, {"y"}, {test::aInts("kernel_shape", {int64_t{1} << 62}), test::aInts("dilations", {4})});
  g.output("y");
  InferenceResult r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[1, 1, ?]");
}

TEST(SizeLimits, ParameterTotalsSaturateInsteadOfWrapping) {
  // Two weights of 2^62 elements each: 2^63 parameters, one past INT64_MAX.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({int64_t{1} << 62}));
  g.weight("w1", {int64_t{1} << 62});
  g.weight("w2", {int64_t{1} << 62});
  g.node("Add", {"x", "w1"}, {"a"});
  g.node("Add", {"a", "w2"}, {"b"});
  g.output("b");
  InferenceResult inf = inferShapes(m);
  Metrics met = computeMetrics(m, inf);
  EXPECT_EQ(met.node(ir::NodeId{0}).params, int64_t{1} << 62);
  EXPECT_TRUE(isOverflow(met.totals.params)) << met.totals.params;
  // 2^62 floats are 2^64 bytes: overflow already for one tensor.
  EXPECT_TRUE(isOverflow(met.node(ir::NodeId{0}).param_bytes));
  EXPECT_TRUE(isOverflow(met.totals.param_bytes));
  EXPECT_TRUE(isOverflow(met.node(ir::NodeId{0}).output_bytes));
  EXPECT_TRUE(isOverflow(met.totals.activation_bytes));
  EXPECT_TRUE(isOverflow(met.totals.peak_activation_bytes));
  ASSERT_EQ(met.params_by_dtype.size(), 1u);
  EXPECT_TRUE(isOverflow(met.params_by_dtype[0].count));
  // The summary says so in words.
  std::string text = formatText(buildSummary(m, inf, met, {}));
  EXPECT_NE(text.find("Total params: overflow"), std::string::npos) << text;
  EXPECT_EQ(text.find("-9"), std::string::npos) << text;
}

TEST(SizeLimits, MacTotalsSaturateInsteadOfWrapping) {
  // Each MatMul alone saturates its MACs; their sum used to wrap negative.
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  int64_t d = int64_t{1} << 31;
  g.input("a", F32, shape({d, d}));
  g.input("b", F32, shape({d, d}));
  g.node("MatMul", {"a", "b"}, {"c"});
  g.node("MatMul", {"c", "b"}, {"e"});
  g.output("e");
  InferenceResult inf = inferShapes(m);
  Metrics met = computeMetrics(m, inf);
  EXPECT_TRUE(isOverflow(met.node(ir::NodeId{0}).macs));
  EXPECT_TRUE(isOverflow(met.totals.macs)) << met.totals.macs;
  EXPECT_TRUE(isOverflow(met.totals.flops)) << met.totals.flops;
  auto rows = groupTotals(m, met, 0);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(isOverflow(rows[0].totals.macs));
  EXPECT_EQ(withThousands(met.totals.macs), "overflow");
}

}  // namespace
}  // namespace nf::shapes

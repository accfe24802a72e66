// Shape inference on hand-built graphs: one test per behaviour a user would see.
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

TEST(ShapesInference, ConvPoolGemmChain) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 3, 224, 224}));
  g.weight("w1", {64, 3, 7, 7});
  g.node("Conv", {"x", "w1"}, {"c1"}, {test::aInts("strides", {2, 2}), test::aInts("pads", {3, 3, 3, 3})});
  g.node("MaxPool", {"c1"}, {"p1"},
         {test::aInts("kernel_shape", {3, 3}), test::aInts("strides", {2, 2}), test::aInts("pads", {1, 1, 1, 1})});
  g.weight("w2", {64, 8, 3, 3});
  g.node("Conv", {"p1", "w2"}, {"c2"}, {test::aInt("group", 8), test::aInts("dilations", {2, 2})});
  g.node("GlobalAveragePool", {"c2"}, {"gap"});
  g.node("Flatten", {"gap"}, {"flat"});
  g.weight("fc", {1000, 64});
  g.node("Gemm", {"flat", "fc"}, {"y"}, {test::aInt("transB", 1)});
  g.output("y");
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "c1"), "FLOAT[1, 64, 112, 112]");
  EXPECT_EQ(typeOf(r, m, "p1"), "FLOAT[1, 64, 56, 56]");
  EXPECT_EQ(typeOf(r, m, "c2"), "FLOAT[1, 64, 52, 52]");
  EXPECT_EQ(typeOf(r, m, "flat"), "FLOAT[1, 64]");
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[1, 1000]");
  EXPECT_TRUE(r.issues.empty());
  EXPECT_TRUE(r.missing.empty());
}

TEST(ShapesInference, PoolCeilModeAndSamePadding) {
  ir::Model m = test::model(19);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 1, 4, 4}));
  g.node("MaxPool", {"x"}, {"a"},
         {test::aInts("kernel_shape", {3, 3}), test::aInts("strides", {2, 2}), test::aInt("ceil_mode", 1)});
  g.node("AveragePool", {"x"}, {"b"},
         {test::aInts("kernel_shape", {3, 3}), test::aInts("strides", {2, 2}), test::aStr("auto_pad", "SAME_UPPER")});
  // ceil mode with padding: the last window would start inside the end padding
  // and is dropped (PyTorch / reference behaviour).
  g.input("z", F32, shape({1, 1, 5, 5}));
  g.node("MaxPool", {"z"}, {"c"},
         {test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2}), test::aInts("pads", {1, 1, 1, 1}),
          test::aInt("ceil_mode", 1)});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "a"), "FLOAT[1, 1, 2, 2]");
  EXPECT_EQ(typeOf(r, m, "b"), "FLOAT[1, 1, 2, 2]");
  EXPECT_EQ(typeOf(r, m, "c"), "FLOAT[1, 1, 3, 3]");
}

// The exported-transformer pattern: target shapes computed from Shape() of the
// input, with symbolic batch and seq, must still resolve.
TEST(ShapesInference, TransformerReshapeChainStaysSymbolic) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({"batch", "seq", 768}));
  g.node("Shape", {"x"}, {"s"});
  g.initInts("i0", {}, {0});
  g.initInts("i1", {}, {1});
  g.initInts("ax0", {1}, {0});
  g.node("Gather", {"s", "i0"}, {"b"});
  g.node("Gather", {"s", "i1"}, {"q"});
  g.node("Unsqueeze", {"b", "ax0"}, {"b1"});
  g.node("Unsqueeze", {"q", "ax0"}, {"q1"});
  g.initInts("heads", {2}, {12, 64});
  g.node("Concat", {"b1", "q1", "heads"}, {"target"}, {test::aInt("axis", 0)});
  g.node("Reshape", {"x", "target"}, {"r"});
  g.node("Transpose", {"r"}, {"t"}, {test::aInts("perm", {0, 2, 1, 3})});
  g.node("MatMul", {"t", "t2"}, {"scores"});
  g.node("Transpose", {"r"}, {"t2"}, {test::aInts("perm", {0, 2, 3, 1})});
  g.initInts("flat", {2}, {-1, 768});
  g.node("Reshape", {"x", "flat"}, {"f"});
  g.output("scores");
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "target"), "INT64[4]");
  const ConstValue* tv = r.value(m.main().find("target")).constant.get();
  ASSERT_NE(tv, nullptr);
  EXPECT_EQ(tv->ints[0].symbol, "batch");
  EXPECT_EQ(typeOf(r, m, "r"), "FLOAT[batch, seq, 12, 64]");
  // Out of file order (t2 defined after its user): nodes are visited topologically.
  EXPECT_EQ(typeOf(r, m, "scores"), "FLOAT[batch, 12, seq, seq]");
  EXPECT_EQ(typeOf(r, m, "f"), "FLOAT[batch*seq, 768]");
}

TEST(ShapesInference, UnknownOpLeavesItsOutputsUnknownAndTheRestGoesOn) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 3}));
  g.node("FancyOp", {"x"}, {"u"}, {}, "", "com.example");
  g.node("Relu", {"u"}, {"after"});
  g.node("Relu", {"x"}, {"other"});
  g.node("FancyOp", {"other"}, {"u2"}, {}, "", "com.example");
  g.output("after");
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "u"), "?");
  EXPECT_EQ(typeOf(r, m, "after"), "?");
  EXPECT_EQ(typeOf(r, m, "other"), "FLOAT[2, 3]");
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0].op_type, "FancyOp");
  EXPECT_EQ(r.missing[0].domain, "com.example");
  EXPECT_EQ(r.missing[0].count, 2);
}

TEST(ShapesInference, DeclaredTypeConflictIsReportedNotOverwritten) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 3, 4}));
  g.node("Transpose", {"x"}, {"y"});
  g.output("y", ir::Type::tensor(F32, shape({2, 3, 4})));  // wrong: really [4, 3, 2]
  g.node("Relu", {"x"}, {"z"});
  g.valueInfo("z", ir::Type::tensor(F32, shape({"n", 3, "?"})));  // compatible, less precise
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[4, 3, 2]");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].value, m.main().find("y"));
  EXPECT_EQ(r.conflicts[0].message, "dim 0: declared 2, inferred 4");
  EXPECT_EQ(r.value(m.main().find("y")).conflict, 0);
  EXPECT_EQ(typeOf(r, m, "z"), "FLOAT[2, 3, 4]");
}

TEST(ShapesInference, DeclaredTypesFillOnlyWhatInferenceLeftOpen) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 3}));
  g.node("Mystery", {"x"}, {"u"}, {}, "", "custom");
  g.valueInfo("u", ir::Type::tensor(F32, shape({2, 5})));
  g.node("Relu", {"u"}, {"v"});
  auto with = inferShapes(m);
  EXPECT_EQ(typeOf(with, m, "u"), "FLOAT[2, 5]");
  EXPECT_EQ(with.value(m.main().find("u")).origin, ValueResult::Origin::Declared);
  EXPECT_EQ(typeOf(with, m, "v"), "FLOAT[2, 5]");
  InferenceOptions pure;
  pure.use_declared = false;
  auto without = inferShapes(m, pure);
  EXPECT_EQ(typeOf(without, m, "u"), "?");
  EXPECT_EQ(typeOf(without, m, "v"), "?");
}

TEST(ShapesInference, InputOverridesReplaceDeclaredShapes) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({"N", 3, 32, 32}));
  g.weight("w", {8, 3, 3, 3});
  g.node("Conv", {"x", "w"}, {"y"}, {test::aInts("pads", {1, 1, 1, 1})});
  auto sym = inferShapes(m);
  EXPECT_EQ(typeOf(sym, m, "y"), "FLOAT[N, 8, 32, 32]");
  InferenceOptions o;
  o.input_overrides["x"] = shape({4, 3, 64, 48});
  auto fixed = inferShapes(m, o);
  EXPECT_EQ(typeOf(fixed, m, "y"), "FLOAT[4, 8, 64, 48]");
  // The model itself is untouched.
  EXPECT_EQ(ir::typeToString(m.main().value(m.main().find("x")).type), "FLOAT[N, 3, 32, 32]");
}

TEST(ShapesInference, OpsetDifferencesForAxesAndSlices) {
  {
    ir::Model m = test::model(11);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({1, 3, 1, 5}));
    g.node("Squeeze", {"x"}, {"a"}, {test::aInts("axes", {0, 2})});
    g.node("Unsqueeze", {"a"}, {"b"}, {test::aInts("axes", {-1})});
    g.node("Slice", {"x", "st", "en"}, {"c"});
    g.initInts("st", {1}, {1});
    g.initInts("en", {1}, {INT64_MAX});
    g.node("ReduceMean", {"x"}, {"d"}, {test::aInts("axes", {1}), test::aInt("keepdims", 0)});
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "a"), "FLOAT[3, 5]");
    EXPECT_EQ(typeOf(r, m, "b"), "FLOAT[3, 5, 1]");
    EXPECT_EQ(typeOf(r, m, "c"), "FLOAT[0, 3, 1, 5]");
    EXPECT_EQ(typeOf(r, m, "d"), "FLOAT[1, 1, 5]");
  }
  {
    ir::Model m = test::model(9);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({6, 10}));
    g.node("Slice", {"x"}, {"c"},
           {test::aInts("starts", {1, -4}), test::aInts("ends", {1000, -1}), test::aInts("axes", {0, 1})});
    g.node("Upsample", {"x", "scales"}, {"u"});
    g.initFloats("scales", {2}, {2.0f, 3.0f});
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "c"), "FLOAT[5, 3]");
    EXPECT_EQ(typeOf(r, m, "u"), "FLOAT[12, 30]");
  }
  {
    ir::Model m = test::model(18);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({"b", 10, 7}));
    g.initInts("axes", {1}, {2});
    g.node("ReduceMax", {"x", "axes"}, {"m"});
    g.node("Split", {"x"}, {"p0", "p1", "p2"}, {test::aInt("axis", 2), test::aInt("num_outputs", 3)});
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "m"), "FLOAT[b, 10, 1]");
    EXPECT_EQ(typeOf(r, m, "p0"), "FLOAT[b, 10, 3]");
    EXPECT_EQ(typeOf(r, m, "p2"), "FLOAT[b, 10, 1]");
  }
}

TEST(ShapesInference, ConstantFoldingThroughArithmeticAndConstantOfShape) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 8, 6}));
  g.node("Shape", {"x"}, {"s"});
  g.initInts("two", {}, {2});
  g.node("Div", {"s", "two"}, {"half"});
  g.node("Cast", {"half"}, {"halff"}, {test::aInt("to", 1)});
  g.node("Cast", {"halff"}, {"halfi"}, {test::aInt("to", 7)});
  g.node("ConstantOfShape", {"halfi"}, {"zeros"});
  g.initInts("start", {}, {0});
  g.initInts("delta", {}, {2});
  g.node("ReduceProd", {"s"}, {"count"}, {test::aInt("keepdims", 0)});
  g.node("Range", {"start", "count", "delta"}, {"rng"});
  g.node("Expand", {"x", "target"}, {"ex"});
  g.initInts("target", {4}, {3, 1, 1, 1});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "zeros"), "FLOAT[1, 4, 3]");
  EXPECT_EQ(typeOf(r, m, "rng"), "INT64[48]");
  EXPECT_EQ(typeOf(r, m, "ex"), "FLOAT[3, 2, 8, 6]");
}

TEST(ShapesInference, IfAndLoopBodies) {
  ir::Model m = test::model(13);
  ir::GraphId then_g = test::GraphBuilder::addBody(m, ir::GraphId{0}, "then");
  ir::GraphId else_g = test::GraphBuilder::addBody(m, ir::GraphId{0}, "else");
  ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{0}, "body");
  {
    test::GraphBuilder t(m, then_g);
    t.outer("x");
    t.node("Relu", {"x"}, {"t_out"});
    t.output("t_out");
    test::GraphBuilder e(m, else_g);
    e.outer("x");
    e.node("Transpose", {"x"}, {"e_out"}, {test::aInts("perm", {0, 1})});
    e.output("e_out");
    test::GraphBuilder b(m, body);
    b.input("i", I64, shape({}));
    b.input("cond", test::BOOL, shape({}));
    b.input("acc", F32, shape({"?", 4}));
    b.node("Identity", {"cond"}, {"cond_out"});
    b.node("Concat", {"acc", "x"}, {"acc_out"}, {test::aInt("axis", 0)});
    b.outer("x");
    b.node("ReduceSum", {"x"}, {"row"}, {test::aInt("keepdims", 0)});
    b.output("cond_out");
    b.output("acc_out");
    b.output("row");
  }
  test::GraphBuilder g(m);
  g.input("x", F32, shape({3, 4}));
  g.input("c", test::BOOL, shape({}));
  g.node("If", {"c"}, {"y"}, {test::aGraph("then_branch", then_g), test::aGraph("else_branch", else_g)});
  g.initInts("trips", {}, {5});
  g.node("Loop", {"trips", "", "x"}, {"final", "rows"}, {test::aGraph("body", body)});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[3, 4]");
  EXPECT_EQ(typeOf(r, m, "t_out", then_g), "FLOAT[3, 4]");
  // acc grows every iteration: its first dim is generalised to unknown.
  EXPECT_EQ(typeOf(r, m, "final"), "FLOAT[?, 4]");
  EXPECT_EQ(typeOf(r, m, "rows"), "FLOAT[5]");
  EXPECT_TRUE(r.issues.empty());
}

TEST(ShapesInference, InconsistentInputsAreIssuesNotCrashes) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("a", F32, shape({2, 3}));
  g.input("b", F32, shape({4, 5}));
  g.node("MatMul", {"a", "b"}, {"c"});
  g.node("Add", {"a", "b"}, {"d"});
  g.initInts("bad", {2}, {7, -1});
  g.node("Reshape", {"a", "bad"}, {"e"});
  auto r = inferShapes(m);
  EXPECT_EQ(r.issues.size(), 3u);
  EXPECT_EQ(typeOf(r, m, "c"), "FLOAT[2, 5]");
  EXPECT_EQ(typeOf(r, m, "d"), "FLOAT?");
}

}  // namespace
}  // namespace nf::shapes

// Op rules whose behaviour the corpus does not pin down on its own: model-local
// functions with attribute references, Scan, sequences of known length, Einsum,
// partial folding of shape vectors, the synthetic transformer, and the op table.
#include <gtest/gtest.h>

#include <set>

#include "shapes/inference.h"
#include "shapes/shapes_test_util.h"
#include "support/model_builder.h"
#include "support/synthetic_models.h"
#include "support/test_support.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::I64;
using test::shape;
using test::typeOf;

TEST(ShapesRules, ModelLocalFunctionWithAttributeReference) {
  ir::Model m = test::model(13);
  m.opsets.push_back({"custom", 1});
  ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{}, "MyBlock");
  {
    test::GraphBuilder b(m, body);
    b.input("X", F32, ir::Shape{});
    ir::Attribute perm;
    perm.name = "perm";
    perm.type = ir::AttrType::Ints;
    perm.ref_attr_name = "order";  // filled from the calling node's "order"
    b.node("Transpose", {"X"}, {"T"}, {perm});
    b.node("Relu", {"T"}, {"Y"});
    b.output("Y");
  }
  m.graph(body).function = 0;
  ir::Function f;
  f.name = "MyBlock";
  f.domain = "custom";
  f.attributes = {"order"};
  f.opsets = {{"", 13}};
  f.body = body;
  m.functions.push_back(f);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 3, 5}));
  g.node("MyBlock", {"x"}, {"y"}, {test::aInts("order", {2, 0, 1})}, "call", "custom");
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[5, 2, 3]");
  EXPECT_TRUE(r.missing.empty());
}

TEST(ShapesRules, ScanStacksPerStepOutputs) {
  ir::Model m = test::model(16);
  ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{0}, "scan_body");
  {
    test::GraphBuilder b(m, body);
    b.input("sum_in", F32, ir::Shape{});
    b.input("row", F32, ir::Shape{});
    b.node("Add", {"sum_in", "row"}, {"sum_out"});
    b.node("Identity", {"sum_out"}, {"scan_out"});
    b.output("sum_out");
    b.output("scan_out");
  }
  test::GraphBuilder g(m);
  g.input("init", F32, shape({4}));
  g.input("xs", F32, shape({7, 4}));
  g.node("Scan", {"init", "xs"}, {"final", "partials"},
         {test::aGraph("body", body), test::aInt("num_scan_inputs", 1), test::aInts("scan_output_axes", {1})});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "row", body), "FLOAT[4]");
  EXPECT_EQ(typeOf(r, m, "final"), "FLOAT[4]");
  EXPECT_EQ(typeOf(r, m, "partials"), "FLOAT[4, 7]");
}

TEST(ShapesRules, SequencesOfKnownLengthAreExact) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("a", F32, shape({2, 3}));
  g.input("b", F32, shape({5, 3}));
  g.node("SequenceConstruct", {"a", "b"}, {"seq"});
  g.initInts("one", {}, {1});
  g.node("SequenceAt", {"seq", "one"}, {"second"});
  g.node("ConcatFromSequence", {"seq"}, {"cat"}, {test::aInt("axis", 0)});
  g.node("SequenceLength", {"seq"}, {"len"});
  g.initInts("chunks", {}, {2});
  g.node("SplitToSequence", {"cat", "chunks"}, {"parts"});
  g.initInts("last", {}, {-1});
  g.node("SequenceAt", {"parts", "last"}, {"tail"});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "seq"), "seq(FLOAT[?, 3])");
  EXPECT_EQ(typeOf(r, m, "second"), "FLOAT[5, 3]");
  EXPECT_EQ(typeOf(r, m, "cat"), "FLOAT[7, 3]");
  ASSERT_NE(r.value(m.main().find("len")).constant, nullptr);
  EXPECT_EQ(r.value(m.main().find("len")).constant->ints[0].value, 2);
  EXPECT_EQ(typeOf(r, m, "tail"), "FLOAT[1, 3]");  // 7 rows in chunks of 2: the last has 1
}

TEST(ShapesRules, EinsumGatherNDAndTopK) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("q", F32, shape({"b", 8, 16, 64}));
  g.input("k", F32, shape({"b", 8, 32, 64}));
  g.node("Einsum", {"q", "k"}, {"s"}, {test::aStr("equation", "bhqd,bhkd->bhqk")});
  g.input("x", F32, shape({3, 4, 5}));
  g.node("Einsum", {"x"}, {"tr"}, {test::aStr("equation", "i...->...i")});
  g.input("idx", I64, shape({6, 2}));
  g.node("GatherND", {"x", "idx"}, {"gnd"});
  g.initInts("k3", {1}, {3});
  g.node("TopK", {"x", "k3"}, {"vals", "inds"}, {test::aInt("axis", 1)});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "s"), "FLOAT[b, 8, 16, 32]");
  EXPECT_EQ(typeOf(r, m, "tr"), "FLOAT[4, 5, 3]");
  EXPECT_EQ(typeOf(r, m, "gnd"), "FLOAT[6, 5]");
  EXPECT_EQ(typeOf(r, m, "vals"), "FLOAT[3, 3, 5]");
  EXPECT_EQ(typeOf(r, m, "inds"), "INT64[3, 3, 5]");
}

// A target shape assembled from a data-dependent piece keeps its other entries.
TEST(ShapesRules, PartiallyKnownShapeVectors) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({4, 6, 8}));
  g.input("n", I64, shape({1}));  // a runtime value: unknown
  g.initInts("tail", {1}, {8});
  g.node("Concat", {"n", "tail"}, {"target"}, {test::aInt("axis", 0)});
  g.node("Reshape", {"x", "target"}, {"r"});
  g.node("Shape", {"r"}, {"rs"});
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "r"), "FLOAT[?, 8]");
  const ConstValue* t = r.value(m.main().find("target")).constant.get();
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->ints[0].isKnown());
  EXPECT_EQ(t->ints[1].value, 8);
}

TEST(ShapesRules, SyntheticTransformerResolvesEveryValue) {
  ir::Model m = test::transformerGraph(3, 64, 4, 128);
  auto r = inferShapes(m);
  EXPECT_TRUE(r.missing.empty());
  EXPECT_TRUE(r.issues.empty());
  for (size_t i = 0; i < m.main().values.size(); ++i) {
    const ir::Type& t = r.type(ir::GraphId{0}, ir::ValueId{static_cast<uint32_t>(i)});
    ASSERT_TRUE(t.kind == ir::Type::Kind::Tensor && t.shape.rank_known) << m.main().values[i].name;
    for (const auto& d : t.shape.dims)
      EXPECT_NE(d.kind, ir::Dim::Kind::Unknown) << m.main().values[i].name << " " << ir::typeToString(t);
  }
  EXPECT_EQ(typeOf(r, m, "/enc/layers.2/scores"), "FLOAT[batch, 4, seq, seq]");
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[batch, seq, 64]");
}

TEST(ShapesRules, OpsetVariantsOfResamplingAndPadding) {
  {
    ir::Model m = test::model(7);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({1, 2, 5, 5}));
    g.node("Upsample", {"x"}, {"u"}, {test::aFloats("scales", {1, 1, 2, 3})});
    g.node("Pad", {"x"}, {"p"}, {test::aInts("pads", {0, 0, 1, 2, 0, 0, 3, 4})});
    g.node("Reshape", {"x"}, {"r"}, {test::aInts("shape", {0, -1})});  // opset 5+ uses an input
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "u"), "FLOAT[1, 2, 10, 15]");
    EXPECT_EQ(typeOf(r, m, "p"), "FLOAT[1, 2, 9, 11]");
    EXPECT_EQ(typeOf(r, m, "r"), "FLOAT?");  // the attribute form ended at opset 5
  }
  {
    ir::Model m = test::model(4);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({1, 2, 5, 5}));
    g.node("Reshape", {"x"}, {"r"}, {test::aInts("shape", {0, -1})});
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "r"), "FLOAT[1, 50]");
  }
  {
    ir::Model m = test::model(18);
    test::GraphBuilder g(m);
    g.input("x", F32, shape({1, 3, 8, 8}));
    g.initInts("pads", {4}, {1, 2, 3, 4});
    g.initInts("axes", {2}, {-2, -1});
    g.node("Pad", {"x", "pads", "", "axes"}, {"p"});
    g.initInts("sizes", {2}, {16, 12});
    g.node("Resize", {"x", "", "", "sizes"}, {"rs"}, {test::aInts("axes", {2, 3})});
    g.initFloats("scales", {4}, {1, 1, 1.5f, 0.5f});
    g.node("Resize", {"x", "", "scales"}, {"rsc"});
    g.weight("wt", {3, 5, 3, 3});
    g.node("ConvTranspose", {"x", "wt"}, {"ct"}, {test::aInts("strides", {2, 2}), test::aInts("output_shape", {17, 18})});
    g.node("ConvTranspose", {"x", "wt"}, {"ct2"},
           {test::aInts("strides", {2, 2}), test::aInts("pads", {1, 1, 1, 1}), test::aInts("output_padding", {1, 1})});
    auto r = inferShapes(m);
    EXPECT_EQ(typeOf(r, m, "p"), "FLOAT[1, 3, 12, 14]");
    EXPECT_EQ(typeOf(r, m, "rs"), "FLOAT[1, 3, 16, 12]");
    EXPECT_EQ(typeOf(r, m, "rsc"), "FLOAT[1, 3, 12, 4]");
    EXPECT_EQ(typeOf(r, m, "ct"), "FLOAT[1, 5, 17, 18]");
    EXPECT_EQ(typeOf(r, m, "ct2"), "FLOAT[1, 5, 16, 16]");
  }
}

TEST(ShapesRules, ContribOpsFromOptimizedExports) {
  ir::Model m = test::model(17);
  m.opsets.push_back({"com.microsoft", 1});
  test::GraphBuilder g(m);
  g.input("a", F32, shape({"b", 4, 64, 32}));
  g.input("w", F32, shape({"b", 4, 48, 32}));
  g.node("FusedMatMul", {"a", "w"}, {"y"}, {test::aInt("transB", 1)}, "", "com.microsoft");
  g.input("h", F32, shape({"b", "s", 768}));
  g.weight("gamma", {768});
  g.node("SkipLayerNormalization", {"h", "h", "gamma"}, {"n", "", "", "sum"}, {}, "", "com.microsoft");
  auto r = inferShapes(m);
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[b, 4, 64, 48]");
  EXPECT_EQ(typeOf(r, m, "n"), "FLOAT[b, s, 768]");
  EXPECT_EQ(typeOf(r, m, "sum"), "FLOAT[b, s, 768]");
  EXPECT_TRUE(r.missing.empty());
}

TEST(ShapesRules, EveryCorpusOpTypeHasARule) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::set<std::string> missing;
  for (const auto& e : test::corpusManifest()["files"])
    for (const auto& op : e["op_types"]) {
      std::string s = op.get<std::string>();
      auto sep = s.find("::");
      std::string domain = sep == std::string::npos ? "" : s.substr(0, sep);
      std::string name = sep == std::string::npos ? s : s.substr(sep + 2);
      if (!hasRule(domain, name)) missing.insert(s);
    }
  EXPECT_TRUE(missing.empty()) << *missing.begin();
  EXPECT_GE(supportedOps().size(), 200u);
}

}  // namespace
}  // namespace nf::shapes

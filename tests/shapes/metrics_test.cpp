// Parameters, MACs, FLOPs and memory: hand-built graphs with numbers worked out
// by hand, the light/ model zoo against independent reference numbers
// (make_light_expected.py), and optionally big torchvision exports against what
// torch and torchvision report.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "onnx/reader.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "support/model_builder.h"
#include "support/test_support.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::I64;
using test::shape;

struct Analysis {
  InferenceResult inf;
  Metrics met;
};
Analysis run(const ir::Model& m) {
  Analysis r;
  r.inf = inferShapes(m);
  r.met = computeMetrics(m, r.inf);
  return r;
}
const NodeMetrics& nodeNamed(const ir::Model& m, const Metrics& met, const std::string& name) {
  for (size_t i = 0; i < m.main().nodes.size(); ++i)
    if (m.main().nodes[i].name == name) return met.node(ir::NodeId{static_cast<uint32_t>(i)});
  ADD_FAILURE() << "no node " << name;
  static NodeMetrics none;
  return none;
}

TEST(ShapesMetrics, ConvWithGroupsDilationsAndTranspose) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({2, 32, 20, 20}));
  g.weight("w", {64, 8, 3, 3});  // groups = 4: each output sees 8 input channels
  g.weight("b", {64});
  g.node("Conv", {"x", "w", "b"}, {"y"}, {test::aInt("group", 4), test::aInts("dilations", {2, 2})}, "conv");
  g.weight("wt", {64, 16, 2, 2});  // ConvTranspose weight [Cin, Cout/group, k, k]
  g.node("ConvTranspose", {"y", "wt"}, {"z"}, {test::aInts("strides", {2, 2})}, "deconv");
  Analysis r = run(m);
  // y: [2, 64, 16, 16]; MACs = out elements * 8 * 3 * 3.
  const NodeMetrics& conv = nodeNamed(m, r.met, "conv");
  EXPECT_EQ(conv.macs, 2LL * 64 * 16 * 16 * 8 * 9);
  EXPECT_EQ(conv.flops, 2 * conv.macs + 2LL * 64 * 16 * 16);  // + bias adds
  EXPECT_EQ(conv.params, 64 * 8 * 9 + 64);
  EXPECT_EQ(conv.output_bytes, 2u * 64 * 16 * 16 * 4);
  // ConvTranspose: every input element times Cout/group * k * k.
  const NodeMetrics& deconv = nodeNamed(m, r.met, "deconv");
  EXPECT_EQ(deconv.macs, 2LL * 64 * 16 * 16 * 16 * 4);
  EXPECT_EQ(r.met.totals.macs, conv.macs + deconv.macs);
  EXPECT_EQ(r.met.totals.params, 64 * 8 * 9 + 64 + 64 * 16 * 4);
}

TEST(ShapesMetrics, GemmBatchedMatMulAndAttention) {
  ir::Model m = test::model(23);
  test::GraphBuilder g(m);
  g.input("a", F32, shape({8, 512}));
  g.weight("w", {1000, 512});
  g.weight("bias", {1000});
  g.node("Gemm", {"a", "w", "bias"}, {"fc"}, {test::aInt("transB", 1)}, "gemm");
  g.input("q", F32, shape({2, 12, 128, 64}));
  g.input("kt", F32, shape({2, 12, 64, 128}));
  g.node("MatMul", {"q", "kt"}, {"scores"}, {}, "qk");
  g.input("k", F32, shape({2, 12, 128, 64}));
  g.input("v", F32, shape({2, 12, 128, 32}));
  g.node("Attention", {"q", "k", "v"}, {"att"}, {}, "attention");
  Analysis r = run(m);
  EXPECT_EQ(nodeNamed(m, r.met, "gemm").macs, 8LL * 1000 * 512);
  EXPECT_EQ(nodeNamed(m, r.met, "gemm").flops, 2LL * 8 * 1000 * 512 + 8 * 1000);
  EXPECT_EQ(nodeNamed(m, r.met, "qk").macs, 2LL * 12 * 128 * 128 * 64);
  EXPECT_EQ(nodeNamed(m, r.met, "attention").macs, 2LL * 12 * 128 * 128 * (64 + 32));
  EXPECT_EQ(ir::typeToString(r.inf.type(ir::GraphId{0}, m.main().find("att"))), "FLOAT[2, 12, 128, 32]");
}

TEST(ShapesMetrics, PoolingNormalisationAndElementwiseHaveFlopsNotMacs) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 16, 8, 8}));
  g.node("MaxPool", {"x"}, {"p"}, {test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2})}, "pool");
  g.weight("s", {16});
  g.weight("b", {16});
  g.weight("mean", {16});
  g.weight("var", {16});
  g.node("BatchNormalization", {"p", "s", "b", "mean", "var"}, {"bn"}, {}, "bn");
  g.node("Relu", {"bn"}, {"r"}, {}, "relu");
  Analysis r = run(m);
  EXPECT_EQ(nodeNamed(m, r.met, "pool").macs, 0);
  EXPECT_EQ(nodeNamed(m, r.met, "pool").flops, 16 * 4 * 4 * 4);
  EXPECT_EQ(nodeNamed(m, r.met, "bn").flops, 2 * 16 * 4 * 4);
  EXPECT_EQ(nodeNamed(m, r.met, "bn").params, 64);
  EXPECT_EQ(nodeNamed(m, r.met, "relu").flops, 16 * 4 * 4);
  EXPECT_EQ(r.met.totals.macs, 0);
}

TEST(ShapesMetrics, WhatCountsAsAParameter) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({4, 10}));
  g.weight("shared", {10, 10});
  g.node("MatMul", {"x", "shared"}, {"h1"}, {}, "first");
  g.node("MatMul", {"h1", "shared"}, {"h2"}, {}, "second");  // tied weight: counted once
  g.initInts("target", {2}, {2, 20});                          // a shape, not a parameter
  g.node("Reshape", {"h2", "target"}, {"r"}, {}, "reshape");
  g.node("Constant", {}, {"eps"}, {test::aTensor("value", test::tensorFloats("eps", {}, {1e-5f}))}, "eps");
  g.node("Add", {"r", "eps"}, {"e"}, {}, "add_eps");  // a Constant scalar: not a parameter
  g.initInts("wshape", {2}, {20, 3});
  g.node("ConstantOfShape", {"wshape"}, {"w2"}, {}, "make_w2");  // a generated weight: counted
  g.node("MatMul", {"e", "w2"}, {"out"}, {}, "third");
  ir::Tensor half = test::tensorNoData("halfw", ir::ElemType::Float16, {3, 3});
  g.init(half);
  g.node("MatMul", {"out", "halfw"}, {"out2"}, {}, "fourth");
  Analysis r = run(m);
  EXPECT_EQ(nodeNamed(m, r.met, "first").params, 100);
  EXPECT_EQ(nodeNamed(m, r.met, "second").params, 0);
  EXPECT_EQ(nodeNamed(m, r.met, "reshape").params, 0);
  EXPECT_EQ(nodeNamed(m, r.met, "add_eps").params, 0);
  EXPECT_EQ(nodeNamed(m, r.met, "third").params, 60);
  EXPECT_TRUE(nodeNamed(m, r.met, "make_w2").constant);
  EXPECT_EQ(nodeNamed(m, r.met, "make_w2").output_bytes, 0u);  // constants are not activations
  EXPECT_EQ(r.met.totals.params, 169);
  ASSERT_EQ(r.met.params_by_dtype.size(), 2u);
  EXPECT_EQ(r.met.params_by_dtype[0].elem, ir::ElemType::Float);
  EXPECT_EQ(r.met.params_by_dtype[0].count, 160);
  EXPECT_EQ(r.met.params_by_dtype[0].bytes, 640u);
  EXPECT_EQ(r.met.params_by_dtype[1].elem, ir::ElemType::Float16);
  EXPECT_EQ(r.met.params_by_dtype[1].bytes, 18u);
  EXPECT_EQ(r.met.totals.param_bytes, 658u);
}

// Integer initializers that only help compute a shape (the [heads, head_dim]
// tail of a runtime Reshape target) are not parameters, even though the Concat
// that reads them is not a constant node.
TEST(ShapesMetrics, ShapeComputationInputsAreNotParameters) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({"b", 16, 64}));
  g.node("Shape", {"x"}, {"s"});
  g.initInts("first2", {2}, {0, 1});
  g.node("Gather", {"s", "first2"}, {"bs"});
  g.initInts("tail", {2}, {4, 16});
  g.node("Concat", {"bs", "tail"}, {"target"}, {test::aInt("axis", 0)}, "concat");
  g.node("Reshape", {"x", "target"}, {"r"});
  g.weight("w", {16, 16});
  g.node("MatMul", {"r", "w"}, {"y"}, {}, "mm");
  Analysis r = run(m);
  EXPECT_EQ(ir::typeToString(r.inf.type(ir::GraphId{0}, m.main().find("r"))), "FLOAT[b, 16, 4, 16]");
  EXPECT_EQ(nodeNamed(m, r.met, "concat").params, 0);
  EXPECT_EQ(r.met.totals.params, 256);
}

TEST(ShapesMetrics, PeakActivationFreesAfterLastConsumer) {
  // x(400 B) -> a(400) -> b(400) -> c(400); a also feeds d at the end.
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({100}));
  g.node("Relu", {"x"}, {"a"});
  g.node("Relu", {"a"}, {"b"});
  g.node("Relu", {"b"}, {"c"});
  g.node("Add", {"a", "c"}, {"d"});
  g.output("d");
  Analysis r = run(m);
  // Live at the last node: a, c, d = 1200 B; at node 2: x freed, a, b, c = 1200 B.
  EXPECT_EQ(r.met.totals.peak_activation_bytes, 1200u);
  EXPECT_EQ(r.met.totals.activation_bytes, 1600u);
}

TEST(ShapesMetrics, GroupsByNameScopeWithDepth) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 8}));
  g.weight("w1", {8, 8});
  g.weight("w2", {8, 8});
  g.weight("w3", {8, 4});
  g.node("MatMul", {"x", "w1"}, {"h1"}, {}, "/encoder/layer.0/fc/MatMul");
  g.node("Relu", {"h1"}, {"r1"}, {}, "/encoder/layer.0/Relu");
  g.node("MatMul", {"r1", "w2"}, {"h2"}, {}, "/encoder/layer.1/fc/MatMul");
  g.node("MatMul", {"h2", "w3"}, {"y"}, {}, "/head/MatMul");
  g.node("Identity", {"y"}, {"out"}, {}, "output");
  Analysis r = run(m);
  EXPECT_EQ(scopeOf("/encoder/layer.0/fc/MatMul"), (std::vector<std::string>{"encoder", "layer.0", "fc"}));
  EXPECT_TRUE(scopeOf("output").empty());
  auto d1 = groupTotals(m, r.met, 1);
  ASSERT_EQ(d1.size(), 3u);
  EXPECT_EQ(d1[0].scope, "encoder");
  EXPECT_EQ(d1[0].totals.nodes, 3);
  EXPECT_EQ(d1[0].totals.params, 128);
  EXPECT_EQ(d1[0].totals.macs, 128);
  EXPECT_EQ(d1[1].scope, "head");
  EXPECT_EQ(d1[2].scope, "");
  auto d2 = groupTotals(m, r.met, 2);
  ASSERT_EQ(d2.size(), 4u);
  EXPECT_EQ(d2[0].scope, "encoder/layer.0");
  EXPECT_EQ(d2[0].totals.nodes, 2);
  EXPECT_EQ(d2[1].scope, "encoder/layer.1");
  auto all = groupTotals(m, r.met, 0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].totals.macs, r.met.totals.macs);
}

TEST(ShapesMetrics, ControlFlowCostsItsBodies) {
  ir::Model m = test::model(13);
  ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{0}, "body");
  {
    test::GraphBuilder b(m, body);
    b.input("i", I64, shape({}));
    b.input("cond", test::BOOL, shape({}));
    b.input("h", F32, shape({1, 16}));
    b.weight("wl", {16, 16});
    b.node("Identity", {"cond"}, {"cond_out"});
    b.node("MatMul", {"h", "wl"}, {"h_out"});
    b.output("cond_out");
    b.output("h_out");
  }
  test::GraphBuilder g(m);
  g.input("x", F32, shape({1, 16}));
  g.initInts("n", {}, {10});
  g.node("Loop", {"n", "", "x"}, {"y"}, {test::aGraph("body", body)}, "loop");
  Analysis r = run(m);
  const NodeMetrics& loop = nodeNamed(m, r.met, "loop");
  EXPECT_EQ(loop.macs, 10 * 256);
  EXPECT_TRUE(loop.macs_known);
  EXPECT_EQ(loop.params, 256);
  EXPECT_EQ(r.met.totals.params, 256);
}

TEST(ShapesMetrics, UnknownShapesMakeLowerBounds) {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", F32, shape({"n", 8}));
  g.weight("w", {8, 4});
  g.node("MatMul", {"x", "w"}, {"y"}, {}, "mm");
  Analysis r = run(m);
  EXPECT_FALSE(nodeNamed(m, r.met, "mm").macs_known);
  EXPECT_EQ(r.met.totals.nodes_cost_unknown, 1);
  EXPECT_EQ(nodeNamed(m, r.met, "mm").params, 32);
}

// [Corpus] --------------------------------------------------------------------------------

TEST(ShapesMetricsCorpus, LightModelZooMatchesIndependentNumbers) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::ifstream f(std::string(NETFORGE_SOURCE_DIR) + "/tests/shapes/data/light_expected.json");
  ASSERT_TRUE(f.good());
  nlohmann::json expected = nlohmann::json::parse(f);
  ASSERT_EQ(expected.size(), 5u);
  for (const auto& [path, want] : expected.items()) {
    auto model = onnx::readModelFile(test::corpusPath(path));
    ASSERT_TRUE(model) << path;
    Analysis r = run(*model);
    EXPECT_EQ(r.met.totals.params, want["params"].get<int64_t>()) << path;
    EXPECT_EQ(r.met.totals.macs, want["macs"].get<int64_t>()) << path;
    EXPECT_EQ(r.met.totals.nodes_cost_unknown, 0) << path;
    EXPECT_GT(r.met.totals.peak_activation_bytes, 0u) << path;
    EXPECT_LE(r.met.totals.peak_activation_bytes, r.met.totals.activation_bytes) << path;
  }
}

// The sliced jobs (the app's model comparison runs them between frames) stepped with a
// budget too small for any batch give what the one-call functions give, value by value
// and node by node, on real models.
TEST(ShapesMetricsCorpus, JobsSteppedInSlicesGiveTheOneCallResults) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::ifstream f(std::string(NETFORGE_SOURCE_DIR) + "/tests/shapes/data/light_expected.json");
  ASSERT_TRUE(f.good());
  nlohmann::json expected = nlohmann::json::parse(f);
  for (const auto& [path, want] : expected.items()) {
    auto model = onnx::readModelFile(test::corpusPath(path));
    ASSERT_TRUE(model) << path;
    Analysis whole = run(*model);
    InferenceJob infer(*model);
    int steps = 0;
    while (!infer.step(1e-6)) ASSERT_LT(++steps, 1000000);
    EXPECT_GT(steps, 2) << path;  // seeded, then nodes in batches
    InferenceResult inf = infer.take();
    ASSERT_EQ(inf.graphs.size(), whole.inf.graphs.size()) << path;
    const auto& vw = whole.inf.graphs[0].values;
    const auto& vs = inf.graphs[0].values;
    ASSERT_EQ(vs.size(), vw.size()) << path;
    for (size_t v = 0; v < vw.size(); ++v) {
      EXPECT_EQ(vs[v].type.kind, vw[v].type.kind) << path << " value " << v;
      EXPECT_EQ(vs[v].type.elem, vw[v].type.elem) << path << " value " << v;
      EXPECT_EQ(vs[v].type.shape, vw[v].type.shape) << path << " value " << v;
      EXPECT_EQ(vs[v].origin, vw[v].origin) << path << " value " << v;
    }
    EXPECT_EQ(inf.conflicts.size(), whole.inf.conflicts.size()) << path;
    EXPECT_EQ(inf.missing.size(), whole.inf.missing.size()) << path;
    EXPECT_EQ(inf.issues.size(), whole.inf.issues.size()) << path;
    MetricsJob count(*model, inf);
    steps = 0;
    while (!count.step(1e-6)) ASSERT_LT(++steps, 1000000);
    Metrics met = count.take();
    EXPECT_EQ(met.totals.params, whole.met.totals.params) << path;
    EXPECT_EQ(met.totals.macs, whole.met.totals.macs) << path;
    EXPECT_EQ(met.totals.flops, whole.met.totals.flops) << path;
    EXPECT_EQ(met.totals.nodes, whole.met.totals.nodes) << path;
    EXPECT_EQ(met.totals.peak_activation_bytes, whole.met.totals.peak_activation_bytes) << path;
    EXPECT_EQ(met.totals.params, want["params"].get<int64_t>()) << path;
    EXPECT_EQ(met.order, whole.met.order) << path;
    for (size_t n = 0; n < model->main().nodes.size(); ++n) {
      const NodeMetrics& a = met.node(ir::NodeId{static_cast<uint32_t>(n)});
      const NodeMetrics& b = whole.met.node(ir::NodeId{static_cast<uint32_t>(n)});
      EXPECT_EQ(a.macs, b.macs) << path << " node " << n;
      EXPECT_EQ(a.params, b.params) << path << " node " << n;
      EXPECT_EQ(a.output_bytes, b.output_bytes) << path << " node " << n;
    }
  }
}

// Big torchvision / transformer exports (scripts: /work/shared/peers/export_models.py),
// looked for in $NETFORGE_BIG_MODELS; skipped when absent.
struct BigModel {
  const char* name;
  // sum(p.numel()) in torch; 0 where the exporter changes the parameters: it folds
  // BatchNorm into the preceding Conv, and swin_t's relative_position_bias_table
  // [169, heads] gathered by a constant index into a [1, heads, 49, 49] initializer.
  // There the count must equal the elements of the weight initializers.
  int64_t torch_params;
  double gmacs;  // torchvision's published GFLOPS (which count MACs); 0 = none
};
const BigModel kBig[] = {
    {"alexnet", 61100840, 0.71},        {"vgg16", 138357544, 15.47},       {"squeezenet1_0", 1248424, 0.82},
    {"resnet50", 0, 4.09},              {"mobilenet_v3_large", 0, 0.22},   {"densenet201", 0, 4.29},
    {"convnext_tiny", 28589128, 4.46},  {"vit_b_16", 86567656, 17.56},     {"swin_t", 0, 4.49},
    {"transformer_enc12", 2379264, 0},  {"transformer_enc48", 9517056, 0},
};

TEST(ShapesBigModels, TorchParamsAndPublishedMacs) {
  const char* dir = std::getenv("NETFORGE_BIG_MODELS");
  if (!dir) GTEST_SKIP() << "set NETFORGE_BIG_MODELS to a folder of exported models";
  int checked = 0;
  for (const BigModel& b : kBig) {
    std::string path = std::string(dir) + "/" + b.name + ".onnx";
    if (!std::filesystem::exists(path)) continue;
    auto model = onnx::readModelFile(path);
    ASSERT_TRUE(model) << path;
    Analysis r = run(*model);
    if (b.torch_params) {
      EXPECT_EQ(r.met.totals.params, b.torch_params) << b.name;
    } else {
      // BatchNorm folded into Conv: the count is the weight initializers' elements.
      int64_t weights = 0;
      for (const auto& t : model->main().initializers)
        if (ir::isFloatType(t.elem)) weights += t.elementCount();
      EXPECT_EQ(r.met.totals.params, weights) << b.name;
    }
    if (b.gmacs > 0) {
      double g = static_cast<double>(r.met.totals.macs) / 1e9;
      EXPECT_LE(std::fabs(g - b.gmacs) / b.gmacs, 0.02) << b.name << ": " << g << " GMACs vs " << b.gmacs;
    }
    EXPECT_TRUE(r.inf.missing.empty()) << b.name;
    EXPECT_TRUE(r.inf.conflicts.empty()) << b.name;
    EXPECT_EQ(r.met.totals.nodes_cost_unknown, 0) << b.name;
    std::printf("%-20s %6zu nodes  params %11lld  GMACs %8.4f (published %.2f)\n", b.name, model->main().nodes.size(),
                static_cast<long long>(r.met.totals.params), static_cast<double>(r.met.totals.macs) / 1e9, b.gmacs);
    ++checked;
  }
  if (!checked) GTEST_SKIP() << "no known model in " << dir;
}

}  // namespace
}  // namespace nf::shapes

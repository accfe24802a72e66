// ONNX -> PyTorch translation: layer patterns, names, errors (the numbers are checked
// by corpus_roundtrip.py and torch_roundtrip.py, which run the generated code).
#include <gtest/gtest.h>

#include "importer/torch_import.h"
#include "support/model_builder.h"

namespace nf::importer {
namespace {

using test::F32;
using test::GraphBuilder;

bool has(const std::string& code, const std::string& part) { return code.find(part) != std::string::npos; }

ir::Node named(const std::string& name, const std::string& op) {
  ir::Node n;
  n.name = name;
  n.op_type = op;
  return n;
}

TEST(ScopeIdentifier, TorchScopesBecomeShortIdentifiers) {
  EXPECT_EQ(scopeIdentifier(named("/layer1/layer1.0/conv1/Conv", "Conv")), "layer1_0_conv1");
  EXPECT_EQ(scopeIdentifier(named("/layer1/0/conv1", "Conv")), "layer1_0_conv1");
  EXPECT_EQ(scopeIdentifier(named("/features/features.3/Relu_1", "Relu")), "features_3");
  EXPECT_EQ(scopeIdentifier(named("Add_7", "Add")), "Add_7");
  EXPECT_EQ(scopeIdentifier(named("", "Add")), "");
}

// A small CNN: Conv(+bias) -> BatchNorm -> Relu -> MaxPool -> Flatten -> Gemm.
ir::Model smallCnn() {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 3, 8, 8}));
  g.weight("conv.weight", {4, 3, 3, 3});
  g.weight("conv.bias", {4});
  for (const char* s : {"bn.weight", "bn.bias", "bn.mean", "bn.var"}) g.weight(s, {4});
  g.weight("fc.weight", {10, 64});
  g.weight("fc.bias", {10});
  std::string h = g.op("Conv", "/features/conv/Conv", {"x", "conv.weight", "conv.bias"},
                       {test::aInts("pads", {1, 1, 1, 1}), test::aInts("strides", {2, 2})});
  h = g.op("BatchNormalization", "/features/bn/BatchNormalization", {h, "bn.weight", "bn.bias", "bn.mean", "bn.var"});
  h = g.op("Relu", "/features/relu/Relu", {h});
  h = g.op("MaxPool", "/features/pool/MaxPool", {h}, {test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2})});
  h = g.op("Flatten", "/Flatten", {h});
  h = g.op("Gemm", "/fc/Gemm", {h, "fc.weight", "fc.bias"}, {test::aInt("transB", 1)});
  g.output(h);
  return m;
}

TEST(OnnxToPyTorch, LayersWithWeightsBecomeNamedModules) {
  ir::Model m = smallCnn();
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  const std::string& code = r->code;
  EXPECT_TRUE(has(code, "self.features_conv = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1)")) << code;
  EXPECT_TRUE(has(code, "self.features_bn = nn.BatchNorm2d(4)")) << code;
  EXPECT_TRUE(has(code, "self.features_pool = nn.MaxPool2d(2)")) << code;
  EXPECT_TRUE(has(code, "self.fc = nn.Linear(64, 10)")) << code;
  EXPECT_TRUE(has(code, "\"fc.weight\": \"fc.weight\",")) << code;
  EXPECT_TRUE(has(code, "\"features_bn.running_var\": \"bn.var\",")) << code;
  EXPECT_TRUE(has(code, "F.relu(")) << code;
  EXPECT_EQ(r->layers.at("nn.Conv2d"), 1);
  EXPECT_EQ(r->loaded_tensors, 8);
}

TEST(OnnxToPyTorch, MatMulWithBiasAddIsOneLinearWithTransposedWeight) {
  ir::Model m = test::model(17);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 5, 16}));
  g.weight("w", {16, 32});
  g.weight("b", {32});
  std::string h = g.op("MatMul", "/proj/MatMul", {"x", "w"});
  h = g.op("Add", "/proj/Add", {h, "b"});
  g.output(h);
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "self.proj = nn.Linear(16, 32)")) << r->code;
  EXPECT_TRUE(has(r->code, "\"proj.weight\": (\"w\", True)")) << r->code;
  EXPECT_FALSE(has(r->code, "nn.Parameter")) << "the bias belongs to the Linear:\n" << r->code;
  EXPECT_TRUE(has(r->code, "        proj = self.proj(x_layer)\n        return proj\n")) << r->code;
}

TEST(OnnxToPyTorch, NoWeightsLeavesOutTheLoader) {
  ir::Model m = smallCnn();
  TorchImportOptions o;
  o.load_weights = false;
  auto r = onnxToPyTorch(m, o);
  ASSERT_TRUE(r);
  EXPECT_FALSE(has(r->code, "load_onnx_weights")) << r->code;
  EXPECT_FALSE(has(r->code, "--onnx")) << r->code;
  EXPECT_TRUE(has(r->code, "def main():"));
}

TEST(OnnxToPyTorch, UnknownOpIsNamedNotGuessed) {
  ir::Model m = test::model(17);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({4}));
  g.output(g.op("FrobnicateTensor", "weird", {"x"}));
  auto r = onnxToPyTorch(m);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message, "FrobnicateTensor")) << r.error().message;
  EXPECT_TRUE(has(r.error().message, "weird")) << r.error().message;
}

// ONNX Gradient: d(y)/d(inputs) through autograd on the forward pass itself; a gradient with
// respect to a computed value is named, not computed wrongly.
ir::Model gradientModel(const std::string& wrt) {
  ir::Model m = test::model(17);
  GraphBuilder g(m);
  g.input("a", F32, test::shape({3}));
  g.input("b", F32, test::shape({3}));
  const std::string c = g.op("Add", "add", {"a", "b"});
  const std::string d = g.op("Mul", "mul", {c, "a"});
  ir::Attribute xs = test::attr("xs", ir::AttrType::Strings);
  xs.strings = {wrt, "b"};
  g.node("Gradient", {wrt, "b"}, {"dd_dx", "dd_db"}, {xs, test::aStr("y", d)}, "grad", "ai.onnx.preview.training");
  g.output(d);
  g.output("dd_dx");
  g.output("dd_db");
  return m;
}

TEST(OnnxToPyTorch, GradientOfGraphInputsRunsAutogradOnTheForwardPass) {
  ir::Model m = gradientModel("a");
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "    @torch.enable_grad()")) << r->code;
  EXPECT_TRUE(has(r->code, "        a = a.detach().requires_grad_()\n")) << r->code;
  EXPECT_TRUE(has(r->code, "        b = b.detach().requires_grad_()\n")) << r->code;
  EXPECT_TRUE(has(r->code, " = onnx_gradient(mul, [a, b])\n")) << r->code;
  EXPECT_TRUE(has(r->code, "def onnx_gradient(y, xs):")) << r->code;
}

TEST(OnnxToPyTorch, GradientOfAComputedValueIsNamed) {
  ir::Model m = gradientModel("add_output_0");
  auto r = onnxToPyTorch(m);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has(r.error().message, "Gradient with respect to 'add_output_0', which is not a graph input")) << r.error().message;
}

TEST(OnnxToPyTorch, HostileNamesBecomeSafeIdentifiers) {
  ir::Model m = test::model(17);
  GraphBuilder g(m);
  g.input("x\"); import os; os.system(\"rm -rf /", F32, test::shape({4}));
  g.output(g.op("Relu", "/__class__/self/return/Relu", {"x\"); import os; os.system(\"rm -rf /"}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  // The name survives only as an escaped string literal (INPUTS) and a sanitised identifier.
  EXPECT_FALSE(has(r->code, "\nimport os")) << r->code;
  EXPECT_TRUE(has(r->code, "(\"x\\\"); import os; os.system(\\\"rm -rf /\", torch.float32, [4])")) << r->code;
  EXPECT_TRUE(has(r->code, "def forward(self, x_import_os_os_system_rm_rf):")) << r->code;
  EXPECT_TRUE(has(r->code, "        class_self_return = F.relu(x_import_os_os_system_rm_rf)\n")) << r->code;
}

TEST(OnnxToPyTorch, IfBranchesBecomeNestedFunctionsReadingTheOuterGraph) {
  ir::Model m = test::model(17);
  GraphBuilder(m).input("c", ir::ElemType::Bool, test::shape({}));
  GraphBuilder(m).input("data", F32, test::shape({4}));
  ir::GraphId then_id = GraphBuilder::addBody(m, ir::GraphId{0}, "then");
  ir::GraphId else_id = GraphBuilder::addBody(m, ir::GraphId{0}, "else");
  {
    GraphBuilder t(m, then_id);
    t.outer("data");
    t.output(t.op("Relu", "", {"data"}));
    GraphBuilder e(m, else_id);
    e.outer("data");
    e.output(e.op("Neg", "", {"data"}));
  }
  GraphBuilder g(m);
  g.output(g.op("If", "branch", {"c"}, {test::aGraph("then_branch", then_id), test::aGraph("else_branch", else_id)}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "        def branch_then():\n            v0 = F.relu(data)\n            return v0\n")) << r->code;
  EXPECT_TRUE(has(r->code, "        def branch_else():\n            v0 = -data\n")) << r->code;
  EXPECT_TRUE(has(r->code, " = branch_then() if bool(c) else branch_else()\n")) << r->code;
}

TEST(OnnxToPyTorch, LoopBodyIsAFunctionTheLoopHelperRuns) {
  ir::Model m = test::model(17);
  GraphBuilder(m).input("n", test::I64, test::shape({}));
  GraphBuilder(m).input("acc", F32, test::shape({2}));
  ir::GraphId body = GraphBuilder::addBody(m, ir::GraphId{0}, "body");
  {
    GraphBuilder b(m, body);
    b.input("i", test::I64, test::shape({}));
    b.input("cond", ir::ElemType::Bool, test::shape({}));
    b.input("acc_in", F32, test::shape({2}));
    b.output(b.op("Identity", "", {"cond"}));
    b.output(b.op("Add", "", {"acc_in", "acc_in"}));
  }
  GraphBuilder g(m);
  g.output(g.op("Loop", "double", {"n", "", "acc"}, {test::aGraph("body", body)}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "def double_body(i, cond, acc_in):")) << r->code;
  EXPECT_TRUE(has(r->code, " = onnx_loop(double_body, n, None, [acc], 0)\n")) << r->code;
  EXPECT_TRUE(has(r->code, "\ndef onnx_loop(")) << r->code;
  EXPECT_FALSE(has(r->code, "\ndef onnx_scan(")) << r->code;  // only the helpers used are written
}

// Element types torch 1.13 lacks are emulated, and the code says so.
TEST(OnnxToPyTorch, SubByteAndFloat8TypesAreEmulated) {
  ir::Model m = test::model(21);
  GraphBuilder g(m);
  g.input("q", ir::ElemType::Uint4, test::shape({4}));
  g.input("data", F32, test::shape({4}));
  g.output(g.op("Cast", "to_float", {"q"}, {test::aInt("to", 1)}));
  g.output(g.op("Cast", "to_int4", {"data"}, {test::aInt("to", static_cast<int64_t>(ir::ElemType::Int4))}));
  g.output(g.op("Cast", "to_e4m3", {"data"}, {test::aInt("to", static_cast<int64_t>(ir::ElemType::Float8E4M3FN)), test::aInt("saturate", 0)}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "(\"q\", torch.uint8, [4])")) << r->code;
  EXPECT_TRUE(has(r->code, "# Emulated element types")) << r->code;
  EXPECT_TRUE(has(r->code, "UINT4 'q'")) << r->code;
  EXPECT_TRUE(has(r->code, "to_float = q.to(torch.float32)")) << r->code;
  EXPECT_TRUE(has(r->code, "to_int4 = onnx_to_small_int(data, \"INT4\")")) << r->code;
  EXPECT_TRUE(has(r->code, "to_e4m3 = onnx_to_small_float(data, \"FLOAT8E4M3FN\", saturate=False)")) << r->code;
  EXPECT_TRUE(has(r->code, "which torch lacks: emulated")) << r->code;  // the helper's docstring

  ir::Model e8 = test::model(24);
  GraphBuilder h(e8);
  h.input("data", F32, test::shape({4}));
  h.output(h.op("Cast", "to_e8m0", {"data"}, {test::aInt("to", static_cast<int64_t>(ir::ElemType::Float8E8M0)),
                                               test::aStr("round_mode", "nearest")}));
  auto e8r = onnxToPyTorch(e8);
  ASSERT_TRUE(e8r) << e8r.error().message;
  EXPECT_TRUE(has(e8r->code, "to_e8m0 = onnx_to_float8e8m0(data, \"nearest\")")) << e8r->code;

  ir::Model c64 = test::model(21);  // a type that is not emulated is named
  GraphBuilder k(c64);
  k.input("data", F32, test::shape({4}));
  k.output(k.op("Cast", "to_complex", {"data"}, {test::aInt("to", static_cast<int64_t>(ir::ElemType::Complex64))}));
  auto refused = onnxToPyTorch(c64);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(has(refused.error().message, "Cast to COMPLEX64, which torch lacks")) << refused.error().message;
}

TEST(OnnxToPyTorch, QuantizedOpsNameTheirTypeAndAxis) {
  ir::Model m = test::model(21);
  GraphBuilder g(m);
  g.input("data", F32, test::shape({2, 3}));
  g.input("q", ir::ElemType::Int8, test::shape({2, 3}));
  g.input("scale", F32, test::shape({2}));
  g.input("zero", ir::ElemType::Int8, test::shape({2}));
  g.output(g.op("QuantizeLinear", "quant", {"data", "scale", "zero"}, {test::aInt("axis", 0)}));
  g.output(g.op("DequantizeLinear", "dequant", {"q", "scale", "zero"}, {test::aInt("axis", 0)}));
  g.output(g.op("DequantizeLinear", "dequant_tensor", {"q", "scale"}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "quant = onnx_quantize(data, scale, zero, \"INT8\", 0)")) << r->code;
  EXPECT_TRUE(has(r->code, "dequant = onnx_dequantize(q, scale, zero, 0)")) << r->code;
  EXPECT_TRUE(has(r->code, "dequant_tensor = onnx_dequantize(q, scale)")) << r->code;
}

// Ops with several results assign each used one and drop the others ("_").
TEST(OnnxToPyTorch, MultiOutputOpsNameEveryUsedResult) {
  ir::Model m = test::model(27);
  GraphBuilder g(m);
  g.input("data", F32, test::shape({1, 4, 8}));
  g.input("kernel", F32, test::shape({4, 1, 3}));
  g.input("image", F32, test::shape({1, 1, 4, 4}));
  auto conv = g.ops("CausalConvWithState", "causal", {"data", "kernel"}, 2, {test::aStr("activation", "silu")});
  g.output(conv[0]);
  auto pool = g.ops("MaxPool", "pool", {"image"}, 2, {test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2})});
  g.output(pool[0]);
  g.output(pool[1]);
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "causal, _ = onnx_causal_conv_with_state(data, kernel, None, None, \"silu\")")) << r->code;
  EXPECT_TRUE(has(r->code, "pool, pool_1 = onnx_max_pool_with_indices(image, [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], 0, 0)")) << r->code;
}

TEST(OnnxToPyTorch, NewOpsAreOneTorchCallWhereTorchHasOne) {
  ir::Model m = test::model(26);
  GraphBuilder g(m);
  g.input("data", F32, test::shape({4}));
  g.output(g.op("BitCast", "bits", {"data"}, {test::aInt("to", static_cast<int64_t>(ir::ElemType::Int32))}));
  g.output(g.op("Swish", "swish", {"data"}));
  g.output(g.op("Swish", "swish_half", {"data"}, {test::aFloat("alpha", 0.5f)}));
  g.input("matrix", F32, test::shape({3, 4}));
  g.output(g.op("EyeLike", "eye", {"matrix"}, {test::aInt("k", 1)}));
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(has(r->code, "bits = data.view(torch.int32)")) << r->code;
  EXPECT_TRUE(has(r->code, "swish = F.silu(data)")) << r->code;
  EXPECT_TRUE(has(r->code, "swish_half = data * torch.sigmoid(0.5 * data)")) << r->code;
  EXPECT_TRUE(has(r->code, "eye = torch.ones(matrix.shape, dtype=matrix.dtype).triu(1).tril(1)")) << r->code;
}

}  // namespace
}  // namespace nf::importer

namespace nf::importer {
namespace {

// A 20,001-node model whose nodes are all unnamed (every identifier comes from the same
// fallbacks): converts into unique names without a quadratic name search (the test's
// timeout would catch one), one Linear per MatMul+Add pair.
// Four numbered blocks (Linear + Relu) that feed one another; the first reads 8 features.
ir::Model stackedBlocks() {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({2, 8}));
  std::string h = "x";
  int64_t in = 8;
  for (int i = 0; i < 4; ++i) {
    const std::string p = "blocks." + std::to_string(i);
    g.weight(p + ".fc.weight", {16, in});
    g.weight(p + ".fc.bias", {16});
    h = g.op("Gemm", "/blocks/" + p + "/fc/Gemm", {h, p + ".fc.weight", p + ".fc.bias"}, {test::aInt("transB", 1)});
    h = g.op("Relu", "/blocks/" + p + "/act/Relu", {h});
    in = 16;
  }
  g.weight("head.weight", {3, 16});
  g.weight("head.bias", {3});
  h = g.op("Gemm", "/head/Gemm", {h, "head.weight", "head.bias"}, {test::aInt("transB", 1)});
  g.output(h);
  return m;
}

TEST(OnnxToPyTorch, RepeatedBlocksBecomeOneClassInASequential) {
  auto r = onnxToPyTorch(stackedBlocks());
  ASSERT_TRUE(r) << r.error().message;
  const std::string& code = r->code;
  EXPECT_TRUE(has(code, "class Block(nn.Module):\n    def __init__(self, fc_in_features):")) << code;
  EXPECT_TRUE(has(code, "        self.fc = nn.Linear(fc_in_features, 16)\n")) << code;
  EXPECT_TRUE(has(code, "    def forward(self, x):\n        fc = self.fc(x)\n        act = F.relu(fc)\n        return act\n"))
      << code;
  EXPECT_TRUE(has(code, "self.blocks = nn.Sequential(\n            Block(8),\n            Block(16),\n")) << code;
  EXPECT_TRUE(has(code, "blocks = self.blocks(x_layer)")) << code;
  // Weights keep their place in the state_dict: blocks.<n>.<layer>.
  EXPECT_TRUE(has(code, "\"blocks.3.fc.weight\": \"blocks.3.fc.weight\",")) << code;
  ASSERT_EQ(r->block_classes.count("Block"), 1u) << code;
  EXPECT_EQ(r->block_classes.at("Block"), 4);
  EXPECT_EQ(r->layers.at("nn.Linear"), 5);
  EXPECT_EQ(r->loaded_tensors, 10);

  TorchImportOptions flat;
  flat.fold_repeats = false;
  auto f = onnxToPyTorch(stackedBlocks(), flat);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_FALSE(has(f->code, "class Block")) << f->code;
  EXPECT_TRUE(has(f->code, "self.blocks_3_fc = nn.Linear(16, 16)")) << f->code;
  EXPECT_EQ(f->layers.at("nn.Linear"), 5);
}

// Three residual blocks (fc1, relu, fc2, add, relu); the first widens 8 -> 16 features, so
// its shortcut has a projection ("downsample.0", as torchvision's ResNet names it) where
// the others add their input as it is.
ir::Model residualBlocks() {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({2, 8}));
  std::string h = "x";
  int64_t in = 8;
  auto gemm = [&](const std::string& scope, const std::string& x, int64_t from) {
    const std::string w = scope + ".weight", b = scope + ".bias";
    g.weight(w, {16, from});
    g.weight(b, {16});
    return g.op("Gemm", "/" + scope + "/Gemm", {x, w, b}, {test::aInt("transB", 1)});
  };
  for (int i = 0; i < 3; ++i) {
    const std::string p = "layer/layer." + std::to_string(i);
    std::string y = g.op("Relu", "/" + p + "/relu/Relu", {gemm(p + "/fc1", h, in)});
    y = gemm(p + "/fc2", y, 16);
    const std::string shortcut = i == 0 ? gemm(p + "/downsample/downsample.0", h, in) : h;
    h = g.op("Relu", "/" + p + "/relu_1/Relu", {g.op("Add", "/" + p + "/Add", {y, shortcut})});
    in = 16;
  }
  g.output(h);
  return m;
}

TEST(OnnxToPyTorch, BlocksWithAnOptionalShortcutBranchAreOneClass) {
  auto r = onnxToPyTorch(residualBlocks());
  ASSERT_TRUE(r) << r.error().message;
  const std::string& code = r->code;
  ASSERT_EQ(r->block_classes.size(), 1u) << code;
  EXPECT_EQ(r->block_classes.begin()->second, 3) << code;
  // The projection is built and run only where the instance has it.
  EXPECT_TRUE(has(code, "downsample=False):\n")) << code;
  EXPECT_TRUE(has(code, "        if downsample:\n            self.downsample_0 = nn.Linear(")) << code;
  EXPECT_TRUE(has(code, "        downsample_0 = x\n        if self.downsample:\n"
                        "            downsample_0 = self.downsample_0(x)\n")) << code;
  EXPECT_TRUE(has(code, "downsample=True),\n")) << code;
  // Only the first instance loads projection weights.
  EXPECT_TRUE(has(code, ".0.downsample_0.weight\": \"layer/layer.0/downsample/downsample.0.weight\"")) << code;
  EXPECT_FALSE(has(code, ".1.downsample_0.weight")) << code;
  EXPECT_EQ(r->layers.at("nn.Linear"), 7);
}

TEST(OnnxToPyTorch, TwentyThousandUnnamedNodesConvert) {
  ir::Model m = test::model(17);
  GraphBuilder g(m);
  std::string h = g.input("x", F32, test::shape({1, 8}));
  const int blocks = 6667;
  for (int i = 0; i < blocks; ++i) {
    h = g.op("MatMul", "", {h, g.weight("w" + std::to_string(i), {8, 8})});
    h = g.op("Add", "", {h, g.weight("b" + std::to_string(i), {8})});
    h = g.op("Relu", "", {h});
  }
  g.output(h);
  auto r = onnxToPyTorch(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->onnx_nodes, 3 * blocks);
  EXPECT_EQ(r->layers.at("nn.Linear"), blocks);
  // Without names the hierarchy finds the repeated structure: one class, one Sequential.
  EXPECT_TRUE(has(r->code, "class Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                           "        self.Linear = nn.Linear(8, 8)\n")) << r->code.substr(0, 2000);
  ASSERT_EQ(r->block_classes.size(), 1u);
  EXPECT_EQ(r->block_classes.begin()->second, blocks);

  TorchImportOptions flat;
  flat.fold_repeats = false;
  auto f = onnxToPyTorch(m, flat);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(has(f->code, "self.Linear_6667 = nn.Linear(8, 8)")) << f->code.substr(0, 2000);
}

}  // namespace
}  // namespace nf::importer

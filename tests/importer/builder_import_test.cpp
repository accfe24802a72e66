// ONNX -> builder document: layers, names, parameters, shapes; unmatched ops become
// generic ONNX op layers, and what those cannot hold is named.
// (builder_roundtrip.py runs the builder's code of imported models with python3-torch.)
#include <gtest/gtest.h>

#include <algorithm>

#include "builder/analysis.h"
#include "builder/codegen.h"
#include "builder/editor.h"
#include "builder/folds.h"
#include "builder/onnx_op.h"
#include "importer/builder_import.h"
#include "importer/onnx_op_torch.h"
#include "support/model_builder.h"

namespace nf::importer {
namespace {

using test::F32;
using test::GraphBuilder;

const builder::Node* byName(const builder::Document& doc, const std::string& name) {
  for (const builder::Node& n : doc.nodes())
    if (n.name == name) return &n;
  return nullptr;
}

// Conv(pad 1) -> BatchNorm -> Relu -> MaxPool 2 -> Flatten -> Gemm, on 3x8x8 images.
ir::Model cnn() {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 3, 8, 8}));
  g.weight("conv.weight", {4, 3, 3, 3});
  g.weight("conv.bias", {4});
  for (const char* s : {"bn.weight", "bn.bias", "bn.mean", "bn.var"}) g.weight(s, {4});
  g.weight("fc.weight", {10, 64});
  g.weight("fc.bias", {10});
  std::string h = g.op("Conv", "/features/conv/Conv", {"x", "conv.weight", "conv.bias"}, {test::aInts("pads", {1, 1, 1, 1})});
  h = g.op("BatchNormalization", "/features/bn/BatchNormalization", {h, "bn.weight", "bn.bias", "bn.mean", "bn.var"});
  h = g.op("Relu", "/features/relu/Relu", {h});
  h = g.op("MaxPool", "/features/pool/MaxPool", {h}, {test::aInts("kernel_shape", {2, 2}), test::aInts("strides", {2, 2})});
  h = g.op("Flatten", "/Flatten", {h});
  h = g.op("Gemm", "/fc/Gemm", {h, "fc.weight", "fc.bias"}, {test::aInt("transB", 1)});
  g.output(h);
  return m;
}

TEST(OnnxToBuilder, CnnBecomesNamedLayersWithTheModelsShapesAndParameters) {
  auto r = onnxToBuilder(cnn());
  ASSERT_TRUE(r) << r.error().message;
  const builder::Document& doc = r->doc;
  EXPECT_EQ(r->onnx_nodes, 6);
  ASSERT_EQ(doc.nodes().size(), 7u);  // the Input and six layers
  const builder::Node* input = byName(doc, "x");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->type, "Input");
  EXPECT_EQ(std::get<builder::IntList>(input->params.at("shape")), (builder::IntList{8, 8, 3}));  // channels last
  const builder::Node* conv = byName(doc, "features_conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->type, "Conv2d");
  EXPECT_EQ(std::get<int64_t>(conv->params.at("out_channels")), 4);
  EXPECT_EQ(std::get<std::string>(conv->params.at("padding")), "custom");
  EXPECT_EQ(std::get<builder::IntList>(conv->params.at("padding_size")), (builder::IntList{1, 1}));
  ASSERT_NE(byName(doc, "features_bn"), nullptr);
  EXPECT_EQ(byName(doc, "features_bn")->type, "BatchNorm2d");
  ASSERT_NE(byName(doc, "fc"), nullptr);
  EXPECT_EQ(std::get<int64_t>(byName(doc, "fc")->params.at("out_features")), 10);
  EXPECT_EQ(doc.edges().size(), 6u);

  const builder::Analysis a = builder::analyze(doc, builder::Framework::PyTorch);
  ASSERT_TRUE(a.ok()) << builder::errorLines(doc, a).front();
  ASSERT_EQ(a.outputs.size(), 1u);
  EXPECT_EQ(a.find(a.outputs[0])->output->dims, (builder::IntList{10}));
  // conv 4*3*3*3+4, batch norm 4+4 (running statistics are not trainable), fc 64*10+10.
  EXPECT_EQ(a.total.trainable, 112 + 8 + 650);
  auto code = builder::generateCode(doc, {});
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_NE(code->find("nn.Conv2d("), std::string::npos);
}

TEST(OnnxToBuilder, LayersRememberTheirOnnxTensorsAndTheCodeLoadsThem) {
  auto r = onnxToBuilder(cnn());
  ASSERT_TRUE(r) << r.error().message;
  using Sources = std::map<std::string, builder::WeightSource>;
  EXPECT_EQ(byName(r->doc, "features_conv")->onnx_weights,
            (Sources{{"weight", {"conv.weight", false}}, {"bias", {"conv.bias", false}}}));
  EXPECT_EQ(byName(r->doc, "features_bn")->onnx_weights,
            (Sources{{"weight", {"bn.weight", false}}, {"bias", {"bn.bias", false}},
                     {"running_mean", {"bn.mean", false}}, {"running_var", {"bn.var", false}}}));
  EXPECT_EQ(byName(r->doc, "fc")->onnx_weights,  // Gemm with transB holds nn.Linear's (out, in)
            (Sources{{"weight", {"fc.weight", false}}, {"bias", {"fc.bias", false}}}));
  EXPECT_TRUE(byName(r->doc, "features_relu")->onnx_weights.empty());
  auto code = builder::generateCode(r->doc, {});
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_NE(code->find("\"features_bn.running_var\": \"bn.var\""), std::string::npos) << *code;
  EXPECT_NE(code->find("def load_onnx_weights(model, onnx_path):"), std::string::npos);
  EXPECT_NE(code->find("parser.add_argument(\"--onnx\""), std::string::npos);
}

TEST(OnnxToBuilder, MatMulWithBiasAddIsOneLinear) {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({2, 16}));
  g.weight("w", {16, 8});
  g.weight("b", {8});
  std::string h = g.op("MatMul", "/proj/MatMul", {"x", "w"});
  h = g.op("Add", "/proj/Add", {h, "b"});
  h = g.op("Relu", "/act/Relu", {h});
  g.output(h);
  auto r = onnxToBuilder(m);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->doc.nodes().size(), 3u);
  const builder::Node* proj = byName(r->doc, "proj");
  ASSERT_NE(proj, nullptr);
  EXPECT_EQ(proj->type, "Linear");
  EXPECT_EQ(std::get<int64_t>(proj->params.at("out_features")), 8);
  EXPECT_TRUE(std::get<bool>(proj->params.at("bias")));
  // MatMul's weight is (in, out): nn.Linear holds its transpose. The bias is the Add's.
  EXPECT_EQ(proj->onnx_weights, (std::map<std::string, builder::WeightSource>{{"weight", {"w", true}},
                                                                              {"bias", {"b", false}}}));
  const builder::Analysis a = builder::analyze(r->doc, builder::Framework::PyTorch);
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.total.trainable, 16 * 8 + 8);
}

// A MobileNet-style block: ReLU6 (Clip between two Constant nodes: a ReLU6 layer), a squeeze-and-
// excitation gate (GlobalAveragePool kept as a map, HardSigmoid, a broadcasting Mul), a
// learned per-channel scale (Mul by a float initializer), a Reshape to (batch, features)
// (a Flatten layer) and, after the classifier, a Reshape by a constant shape of rank 3.
ir::Model mobileBlock() {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 3, 8, 8}));
  g.weight("conv.weight", {4, 3, 3, 3});
  g.weight("scale", {1, 4, 1, 1});
  g.weight("fc.weight", {10, 256});
  g.node("Constant", {}, {"six"}, {test::aTensor("value", test::tensorFloats("six_t", {}, {6.0f}))}, "/Constant");
  g.node("Constant", {}, {"zero"}, {test::aTensor("value", test::tensorFloats("zero_t", {}, {0.0f}))}, "/Constant_1");
  g.initInts("flat", {2}, {1, -1});
  g.initInts("split", {3}, {1, 2, 5});
  std::string h = g.op("Conv", "/conv/Conv", {"x", "conv.weight"}, {test::aInts("pads", {1, 1, 1, 1})});
  h = g.op("Clip", "/act/Clip", {h, "zero", "six"});
  std::string gate = g.op("GlobalAveragePool", "/se/pool/GlobalAveragePool", {h});
  gate = g.op("HardSigmoid", "/se/gate/HardSigmoid", {gate}, {test::aFloat("alpha", 0.25f)});
  h = g.op("Mul", "/se/Mul", {h, gate});
  h = g.op("Mul", "/scale/Mul", {h, "scale"});
  h = g.op("Reshape", "/Reshape", {h, "flat"});
  h = g.op("Gemm", "/fc/Gemm", {h, "fc.weight"}, {test::aInt("transB", 1)});
  h = g.op("Reshape", "/out/Reshape", {h, "split"});
  g.output(h);
  return m;
}

TEST(OnnxToBuilder, OpsThatAreNoBuilderLayerBecomeOnnxOpLayers) {
  auto r = onnxToBuilder(mobileBlock());
  ASSERT_TRUE(r) << r.error().message;
  const builder::Document& doc = r->doc;
  EXPECT_EQ(r->onnx_op_layers, 4);  // HardSigmoid, the two Muls, the last Reshape
  EXPECT_EQ(byName(doc, "act")->type, "ReLU6");  // Clip(0, 6)
  const builder::Node* clip = byName(doc, "se_gate");  // an ONNX op layer titled by its op
  ASSERT_NE(clip, nullptr);
  EXPECT_EQ(clip->type, "OnnxOp");
  EXPECT_EQ(builder::typeLabel(*clip), "HardSigmoid");
  EXPECT_EQ(byName(doc, "Reshape")->type, "Flatten");  // to (batch, features)
  EXPECT_EQ(std::get<std::string>(byName(doc, "out")->params.at("op_type")), "Reshape");
  EXPECT_EQ(std::get<builder::IntList>(byName(doc, "se")->params.at("output_shape")), (builder::IntList{1, 4, 8, 8}));
  auto consts = builder::parseOnnxConsts(std::get<std::string>(byName(doc, "out")->params.at("constants")));
  ASSERT_TRUE(consts) << consts.error().message;
  ASSERT_EQ(consts->size(), 1u);
  EXPECT_EQ((*consts)[0].values, (std::vector<double>{1, 2, 5}));
  auto attrs = builder::parseOnnxAttrs(std::get<std::string>(byName(doc, "se_gate")->params.at("attributes")));
  ASSERT_TRUE(attrs && attrs->size() == 1u);
  EXPECT_EQ((*attrs)[0].name, "alpha");
  EXPECT_FLOAT_EQ(static_cast<float>((*attrs)[0].f), 0.25f);
  // The pooled map feeds a broadcasting Mul, so the pool keeps its 1x1 spatial axes.
  EXPECT_EQ(byName(doc, "se_pool")->type, "AdaptiveAvgPool2d");

  const builder::Analysis a = builder::analyze(doc, builder::Framework::PyTorch);
  ASSERT_TRUE(a.ok()) << builder::errorLines(doc, a).front();
  EXPECT_EQ(a.find(a.outputs[0])->output->dims, (builder::IntList{2, 5}));
  EXPECT_EQ(a.find(byName(doc, "se")->id)->output->dims, (builder::IntList{8, 8, 4}));  // canonical: channels last
  // conv 4*3*3*3, the scale 4 (a float initializer is a parameter; Constant nodes are not), fc 256*10.
  EXPECT_EQ(a.total.trainable, 108 + 4 + 2560);

  builder::CodegenOptions torch;
  torch.onnx_ops = onnxOpTorch;
  auto code = builder::generateCode(doc, torch);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_NE(code->find("self.act = nn.ReLU6()"), std::string::npos) << *code;
  EXPECT_NE(code->find("        se_gate = "), std::string::npos) << *code;
  EXPECT_NE(code->find("nn.Parameter(torch.zeros([1, 4, 1, 1]"), std::string::npos) << *code;
  auto untranslated = builder::generateCode(doc, {});
  ASSERT_FALSE(untranslated);
  EXPECT_NE(untranslated.error().message.find("se_gate: ONNX op layers need the importer's translation"), std::string::npos)
      << untranslated.error().message;
  builder::CodegenOptions keras;
  keras.framework = builder::Framework::Keras;
  auto refused = builder::generateCode(doc, keras);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("se_gate: ONNX op HardSigmoid is not available in Keras"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("act:"), std::string::npos) << refused.error().message;  // ReLU6 is in Keras
}

// What an ONNX op layer cannot hold is named with the node: here an op of an unknown
// domain, whose output shape inference cannot give.
TEST(OnnxToBuilder, AnOpWithoutAnInferredShapeIsNamed) {
  ir::Model m = test::model(13);
  m.opsets.push_back({"com.example", 1});
  GraphBuilder g(m);
  g.input("x", F32, test::shape({2, 16}));
  g.node("Mystery", {"x"}, {"y"}, {}, "/gate/Mystery", "com.example");
  g.output("y");
  auto r = onnxToBuilder(m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/gate/Mystery"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("shape inference"), std::string::npos) << r.error().message;
}

// Invalid JSON in an ONNX op layer is the layer's error, never a crash.
TEST(OnnxToBuilder, OnnxOpLayerWithBadJsonIsReported) {
  auto r = onnxToBuilder(mobileBlock());
  ASSERT_TRUE(r) << r.error().message;
  builder::Node clip = *byName(r->doc, "se_gate");
  clip.params["attributes"] = std::string("{\"alpha\": 3");
  ASSERT_TRUE(r->doc.replaceNode(clip));
  const builder::Analysis a = builder::analyze(r->doc, builder::Framework::PyTorch);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(builder::errorLines(r->doc, a).front().find("not valid JSON"), std::string::npos)
      << builder::errorLines(r->doc, a).front();
}

// ResNet's stem: a padded MaxPool after a ReLU is a ZeroPad layer and an unpadded pool
// (the same function, the input is never negative); the conv weight is shared through an
// Identity as torch writes it. A padded MaxPool of an input that may be negative, or a
// padded average that leaves the padding out, is refused.
TEST(OnnxToBuilder, PaddedPoolingIsZeroPadThenPoolWhereThatIsTheSameFunction) {
  auto stem = [](const char* before, const char* pool, int64_t count_include_pad) {
    ir::Model m = test::model(13);
    GraphBuilder g(m);
    g.input("x", F32, test::shape({1, 3, 16, 16}));
    g.weight("conv.weight", {8, 3, 3, 3});
    std::string w = g.op("Identity", "Identity_0", {"conv.weight"});
    std::string h = g.op("Conv", "/conv1/Conv", {"x", w}, {test::aInts("pads", {1, 1, 1, 1})});
    h = g.op(before, "/act", {h});
    std::vector<ir::Attribute> attrs = {test::aInts("kernel_shape", {3, 3}), test::aInts("strides", {2, 2}),
                                        test::aInts("pads", {1, 1, 1, 1})};
    if (count_include_pad >= 0) attrs.push_back(test::aInt("count_include_pad", count_include_pad));
    g.output(g.op(pool, std::string("/maxpool/") + pool, {h}, attrs));
    return onnxToBuilder(m);
  };
  auto r = stem("Relu", "MaxPool", -1);
  ASSERT_TRUE(r) << r.error().message;
  const builder::Node* pad = byName(r->doc, "maxpool_pad");
  ASSERT_NE(pad, nullptr);
  EXPECT_EQ(pad->type, "ZeroPad2d");
  EXPECT_EQ(std::get<builder::IntList>(pad->params.at("padding")), (builder::IntList{1, 1, 1, 1}));
  ASSERT_NE(byName(r->doc, "maxpool"), nullptr);
  EXPECT_EQ(byName(r->doc, "maxpool")->type, "MaxPool2d");
  const builder::Analysis a = builder::analyze(r->doc, builder::Framework::PyTorch);
  ASSERT_TRUE(a.ok()) << builder::errorLines(r->doc, a).front();
  EXPECT_EQ(a.find(a.outputs[0])->output->dims, (builder::IntList{8, 8, 8}));  // (H, W, C) as in torch

  EXPECT_TRUE(stem("Tanh", "AveragePool", 1));
  // Where a ZeroPad would change the function, the pool stays one ONNX op layer.
  for (auto other : {stem("Tanh", "MaxPool", -1), stem("Relu", "AveragePool", 0)}) {
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_NE(byName(other->doc, "maxpool"), nullptr);
    EXPECT_EQ(byName(other->doc, "maxpool")->type, "OnnxOp");
    EXPECT_EQ(byName(other->doc, "maxpool_pad"), nullptr);
  }
}

// A residual block is laid out with the shortcut on the left and the branch beside it,
// one row per layer, so the skip edge runs under no node.
TEST(OnnxToBuilder, ResidualBranchSitsBesideTheShortcut) {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 4, 8, 8}));
  g.weight("w", {4, 4, 3, 3});
  std::string h = g.op("Relu", "/relu/Relu", {"x"});
  std::string c = g.op("Conv", "/block/conv/Conv", {h, "w"}, {test::aInts("pads", {1, 1, 1, 1})});
  c = g.op("Relu", "/block/relu/Relu", {c});
  g.output(g.op("Add", "/block/Add", {c, h}));
  auto r = onnxToBuilder(m);
  ASSERT_TRUE(r) << r.error().message;
  const builder::Node* fork = byName(r->doc, "relu");
  const builder::Node* conv = byName(r->doc, "block_conv");
  const builder::Node* add = byName(r->doc, "block");
  ASSERT_TRUE(fork && conv && add);
  EXPECT_GT(conv->pos.x, fork->pos.x);
  EXPECT_EQ(byName(r->doc, "block_relu")->pos.x, conv->pos.x);
  EXPECT_EQ(add->pos.x, fork->pos.x);
  EXPECT_GT(add->pos.y, byName(r->doc, "block_relu")->pos.y);
}

// The model zoo's ResNet writes its residual adds as Sum and flattens with a Reshape to
// (batch, features): an Add merge and a Flatten layer, so the model has Keras code.
TEST(OnnxToBuilder, SumOfTwoIsAddAndAReshapeToBatchByFeaturesIsFlatten) {
  ir::Model m = test::model(9);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 4, 8, 8}));
  g.weight("w", {4, 4, 3, 3});
  g.weight("fc.weight", {10, 256});
  g.initInts("flat", {2}, {1, 256});
  std::string h = g.op("Relu", "/relu/Relu", {"x"});
  std::string c = g.op("Conv", "/block/conv/Conv", {h, "w"}, {test::aInts("pads", {1, 1, 1, 1})});
  h = g.op("Sum", "/block/Sum", {c, h});
  h = g.op("Reshape", "/flat/Reshape", {h, "flat"});
  g.output(g.op("Gemm", "/fc/Gemm", {h, "fc.weight"}, {test::aInt("transB", 1)}));
  auto r = onnxToBuilder(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->onnx_op_layers, 0);
  EXPECT_EQ(byName(r->doc, "block")->type, "Add");
  EXPECT_EQ(byName(r->doc, "flat")->type, "Flatten");
  builder::CodegenOptions keras;
  keras.framework = builder::Framework::Keras;
  auto code = builder::generateCode(r->doc, keras);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_NE(code->find("layers.Add("), std::string::npos) << *code;
  EXPECT_NE(code->find("layers.Flatten("), std::string::npos) << *code;
}

// GLU's Split (two used outputs) and TopK (values and indices both used) are ONNX op
// layers with two outputs: each consumer's edge names the output it reads, and the
// PyTorch code binds both (builder_roundtrip.py runs such a model against netforge run).
TEST(OnnxToBuilder, NodesWithSeveralUsedOutputsKeepThem) {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 8, 4, 4}));
  g.initInts("halves", {2}, {4, 4});
  g.initInts("k", {1}, {3});
  const auto halves = g.ops("Split", "/glu/Split", {"x", "halves"}, 2, {test::aInt("axis", 1)});
  const std::string gate = g.op("Sigmoid", "/glu/Sigmoid", {halves[1]});
  std::string h = g.op("Mul", "/glu/Mul", {halves[0], gate});
  h = g.op("Flatten", "/Flatten", {h});
  const auto top = g.ops("TopK", "/top/TopK", {h, "k"}, 2);
  const std::string idx = g.op("Cast", "/top/Cast", {top[1]}, {test::aInt("to", 1)});
  g.output(g.op("Add", "/Add", {top[0], idx}));
  g.output(top[1]);  // the indices are a model output too
  auto r = onnxToBuilder(m);
  ASSERT_TRUE(r) << r.error().message;
  const builder::Document& doc = r->doc;
  const builder::Node* split = byName(doc, "glu");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(builder::typeLabel(*split), "Split");
  EXPECT_EQ(builder::outputCount(*split), 2);
  const builder::Edge* second = doc.edgeInto(byName(doc, "glu_2")->id, 0);  // the Sigmoid
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->from, split->id);
  EXPECT_EQ(second->out, 1);
  EXPECT_EQ(byName(doc, "glu_3")->type, "Multiply");  // two halves of one shape: a builder merge
  const builder::Node* topk = byName(doc, "top");
  ASSERT_NE(topk, nullptr);
  EXPECT_EQ(doc.edgeInto(byName(doc, "top_2")->id, 0)->out, 1);  // the Cast reads the indices

  const builder::Analysis a = builder::analyze(doc, builder::Framework::PyTorch);
  ASSERT_TRUE(a.ok()) << builder::errorLines(doc, a).front();
  EXPECT_EQ(a.find(byName(doc, "glu_3")->id)->output->dims, (builder::IntList{4, 4, 4}));
  EXPECT_EQ(a.find(topk->id)->outputAt(1)->dtype, builder::DType::Int64);
  // The document's outputs: the Add, and an Identity layer reading TopK's output 2 (a
  // layer nothing reads is an output by its first output).
  ASSERT_EQ(a.outputs.size(), 2u);
  const builder::Node* indices = byName(doc, "/top/TopK_output_1");
  ASSERT_NE(indices, nullptr);
  EXPECT_EQ(indices->type, "Identity");
  EXPECT_EQ(doc.edgeInto(indices->id, 0)->out, 1);
  EXPECT_EQ(a.find(indices->id)->output->dtype, builder::DType::Int64);
  EXPECT_EQ(a.find(byName(doc, "Add")->id)->output->dims, (builder::IntList{3}));

  builder::CodegenOptions torch;
  torch.onnx_ops = onnxOpTorch;
  auto code = builder::generateCode(doc, torch);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_NE(code->find("glu, glu_1 = onnx_split(x_layer, "), std::string::npos) << *code;
  EXPECT_NE(code->find("glu_2 = self.glu_2(glu_1)"), std::string::npos) << *code;
  EXPECT_NE(code->find("glu_3 = glu * glu_2"), std::string::npos) << *code;
  EXPECT_NE(code->find("top, top_1 = onnx_topk("), std::string::npos) << *code;
}

// An If / Loop / Scan is refused with the node named (its body graph is not kept).
TEST(OnnxToBuilder, AnOpWithASubgraphIsRefusedByName) {
  ir::Model m = test::model(13);
  ir::GraphId then_g = GraphBuilder::addBody(m, ir::GraphId{0}, "then");
  ir::GraphId else_g = GraphBuilder::addBody(m, ir::GraphId{0}, "else");
  {
    GraphBuilder t(m, then_g);
    t.outer("x");
    t.node("Relu", {"x"}, {"t_out"});
    t.output("t_out");
    GraphBuilder e(m, else_g);
    e.outer("x");
    e.node("Neg", {"x"}, {"e_out"});
    e.output("e_out");
  }
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 4}));
  g.initInts("c", {}, {1});  // a constant condition: the node is still refused for its bodies
  const std::string h = g.op("Relu", "/pre/Relu", {"x"});
  g.node("If", {"c"}, {"y"}, {test::aGraph("then_branch", then_g), test::aGraph("else_branch", else_g)}, "/branch/If");
  g.output(h);
  g.output("y");
  auto r = onnxToBuilder(m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'/branch/If' (If)"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("subgraph"), std::string::npos) << r.error().message;
}

TEST(OnnxToBuilder, InputWithoutAShapeIsRefused) {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 3, "h", 8}));
  g.output(g.op("Relu", "r", {"x"}));
  auto r = onnxToBuilder(m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'x'"), std::string::npos) << r.error().message;
}

// Four numbered encoder layers (MatMul+Add -> Linear, Relu, Erf: an ONNX op layer), then a
// head: the hierarchy's series "layers.0..3".
ir::Model stackedLayers(int layers = 4) {
  ir::Model m = test::model(13);
  GraphBuilder g(m);
  g.input("x", F32, test::shape({1, 16}));
  std::string h = "x";
  for (int k = 0; k < layers; ++k) {
    const std::string scope = "/enc/layers." + std::to_string(k) + "/";
    const std::string w = "enc.layers." + std::to_string(k) + ".w", b = "enc.layers." + std::to_string(k) + ".b";
    g.weight(w, {16, 16});
    g.weight(b, {16});
    h = g.op("MatMul", scope + "fc/MatMul", {h, w});
    h = g.op("Add", scope + "fc/Add", {h, b});
    h = g.op("Relu", scope + "act/Relu", {h});
    h = g.op("Erf", scope + "gate/Erf", {h});
  }
  g.weight("head.weight", {4, 16});
  h = g.op("Gemm", "/head/Gemm", {h, "head.weight"}, {test::aInt("transB", 1)});
  g.output(h);
  return m;
}

TEST(OnnxToBuilder, ARepeatedSeriesComesAsAFoldOfItsLayers) {
  auto r = onnxToBuilder(stackedLayers());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->folds.size(), 1u);
  const builder::Fold& fold = r->folds[0];
  EXPECT_EQ(fold.count, 4);
  EXPECT_EQ(fold.name, "enc.layers");
  EXPECT_EQ(builder::foldTitle(fold), "enc.layers \xC3\x97" "4");
  ASSERT_EQ(fold.members.size(), 12u);  // Linear, ReLU, Erf per layer; not the input, not the head
  for (builder::NodeId id : fold.members) {
    const builder::Node* n = r->doc.node(id);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->name.rfind("enc_layers_", 0), 0u) << n->name;
  }
  // Folded, the canvas is the input, one box and the head, joined by two edges.
  const builder::FoldedView v = builder::foldView(r->doc, r->folds, {true});
  EXPECT_EQ(v.boxes[0].layers, 12u);
  EXPECT_EQ(v.edges.size(), 2u);
  EXPECT_TRUE(std::is_sorted(fold.members.begin(), fold.members.end()));
}

TEST(OnnxToBuilder, AModelWithoutRepeatsHasNoFolds) {
  auto r = onnxToBuilder(cnn());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->folds.empty());
}

// The app regenerates the code after every edit through a CodegenCache: the code must be
// what a fresh generation gives, whatever the edit (parameters, added and removed layers,
// undo), and the ONNX op layers an edit left alone are not translated again.
TEST(OnnxToBuilder, CachedCodeOfAnEditedImportEqualsFreshCode) {
  auto r = onnxToBuilder(stackedLayers());
  ASSERT_TRUE(r) << r.error().message;
  builder::Editor ed(r->doc);
  builder::CodegenOptions fresh;
  fresh.onnx_ops = onnxOpTorch;
  builder::CodegenCache cache;
  int translations = 0;
  builder::CodegenOptions cached = fresh;
  cached.cache = &cache;
  cached.onnx_ops = [&](const builder::OnnxOpRequest& q) {
    ++translations;
    return onnxOpTorch(q);
  };
  auto expectSame = [&](const std::string& step) {
    const auto a = builder::generateCode(ed.document(), fresh);
    const auto b = builder::generateCode(ed.document(), cached);
    ASSERT_EQ(a.ok(), b.ok()) << step;
    EXPECT_EQ(a.ok() ? *a : a.error().message, b.ok() ? *b : b.error().message) << step;
  };
  expectSame("as imported");
  EXPECT_EQ(translations, 4);  // the four Erf layers
  const builder::Node* first = byName(ed.document(), "enc_layers_0_fc");
  ASSERT_NE(first, nullptr);
  const builder::NodeId linear = first->id;
  translations = 0;
  ASSERT_TRUE(ed.setParam(linear, "bias", false));
  expectSame("a parameter that keeps the shapes");
  EXPECT_EQ(translations, 0);
  ASSERT_TRUE(ed.setParam(linear, "out_features", int64_t{8}));
  expectSame("a parameter that changes the shapes downstream");
  ASSERT_TRUE(ed.appendAfter(linear, "ReLU"));
  expectSame("a layer added");
  ASSERT_TRUE(ed.removeNodes({linear}));
  expectSame("a layer removed");
  while (ed.undo()) {}
  translations = 0;
  expectSame("everything undone");
  EXPECT_EQ(translations, 0);  // the imported layers' translations were kept
}

}  // namespace
}  // namespace nf::importer

// Parameter counts against the numbers the frameworks report. The PyTorch numbers were
// measured with python3-torch 1.13 (sum of p.numel() over model.parameters(); buffers
// such as BatchNorm running statistics separately); the Keras numbers are Keras'
// documented formulas (count_params(), which includes non-trainable weights).
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

// The count of a single layer of `type` fed by inputs of the given shapes.
ParamCount countOf(Framework f, const std::string& type, std::vector<std::pair<std::string, ParamValue>> params,
                   std::vector<IntList> inputs) {
  Document d;
  std::vector<NodeId> ins;
  for (const IntList& shape : inputs) ins.push_back(add(d, "Input", {{"shape", ParamValue(shape)}}));
  NodeId id = add(d, type, std::move(params), ins);
  const Analysis a = analyze(d, f);
  EXPECT_TRUE(a.find(id)->output.has_value()) << type << ": " << issuesOf(a, id);
  return a.find(id)->params;
}

int64_t torch(const std::string& type, std::vector<std::pair<std::string, ParamValue>> params, std::vector<IntList> inputs) {
  return countOf(Framework::PyTorch, type, std::move(params), std::move(inputs)).trainable;
}

TEST(BuilderParamCounts, MatchPyTorch) {
  EXPECT_EQ(torch("Conv2d", {{"out_channels", I(64)}}, {{32, 32, 3}}), 1792);
  EXPECT_EQ(torch("Conv2d", {{"out_channels", I(64)}, {"groups", I(4)}, {"bias", B(false)}}, {{8, 8, 32}}), 4608);
  EXPECT_EQ(torch("Conv1d", {{"out_channels", I(8)}, {"kernel_size", I(5)}}, {{20, 16}}), 648);
  EXPECT_EQ(torch("Conv3d", {{"out_channels", I(8)}}, {{6, 6, 6, 4}}), 872);
  EXPECT_EQ(torch("ConvTranspose2d", {{"out_channels", I(8)}, {"kernel_size", I(4)}}, {{5, 5, 16}}), 2056);
  EXPECT_EQ(torch("DepthwiseConv2d", {{"depth_multiplier", I(2)}}, {{8, 8, 16}}), 320);
  EXPECT_EQ(torch("SeparableConv2d", {{"out_channels", I(12)}}, {{8, 8, 32}}), 684);
  EXPECT_EQ(torch("Linear", {{"out_features", I(120)}}, {{400}}), 48120);
  EXPECT_EQ(torch("LayerNorm", {}, {{10, 64}}), 128);
  EXPECT_EQ(torch("GroupNorm", {{"num_groups", I(8)}}, {{4, 4, 32}}), 64);
  EXPECT_EQ(torch("InstanceNorm2d", {{"affine", B(true)}}, {{4, 4, 16}}), 32);
  EXPECT_EQ(torch("PReLU", {{"per_channel", B(true)}}, {{4, 4, 8}}), 8);
  EXPECT_EQ(torch("PReLU", {}, {{4, 4, 8}}), 1);
  EXPECT_EQ(torch("LSTM", {{"hidden_size", I(96)}, {"num_layers", I(2)}, {"bidirectional", B(true)}}, {{50, 64}}), 347136);
  EXPECT_EQ(torch("GRU", {{"hidden_size", I(24)}}, {{18, 32}}), 4176);
  EXPECT_EQ(torch("RNN", {{"hidden_size", I(20)}, {"bias", B(false)}}, {{5, 10}}), 600);
  EXPECT_EQ(torch("MultiheadAttention", {}, {{16, 32}}), 4224);
  EXPECT_EQ(torch("MultiheadAttention", {}, {{16, 32}, {7, 16}, {7, 8}}), 2944);
  EXPECT_EQ(torch("MultiheadAttention", {{"bias", B(false)}}, {{16, 32}}), 4096);
  EXPECT_EQ(torch("TransformerEncoderLayer", {{"dim_feedforward", I(128)}}, {{20, 64}}), 33472);
  EXPECT_EQ(torch("TransformerDecoderLayer", {{"dim_feedforward", I(128)}}, {{20, 64}, {9, 64}}), 50240);
  // BatchNorm: 2C parameters; the 2C running statistics are buffers.
  const ParamCount bn = countOf(Framework::PyTorch, "BatchNorm2d", {}, {{8, 8, 32}});
  EXPECT_EQ(bn.trainable, 64);
  EXPECT_EQ(bn.non_trainable, 64);
  // Embedding counts come from its parameters, not its input.
  Document d;
  NodeId e = add(d, "Embedding", {{"num_embeddings", I(5000)}, {"embedding_dim", I(64)}}, {input(d, {50}, "int64")});
  EXPECT_EQ(analyze(d, Framework::PyTorch).find(e)->params.trainable, 320000);
}

TEST(BuilderParamCounts, KerasDiffersWhereKerasDoes) {
  // LSTM/SimpleRNN keep one bias vector per gate in Keras: 4 * (H * (I + H) + H).
  EXPECT_EQ(countOf(Framework::Keras, "LSTM", {{"hidden_size", I(32)}}, {{10, 16}}).trainable, 4 * (32 * (16 + 32) + 32));
  EXPECT_EQ(countOf(Framework::Keras, "RNN", {{"hidden_size", I(20)}}, {{5, 10}}).trainable, 20 * 30 + 20);
  // GRU with reset_after=True (Keras 2 default) has two, like PyTorch.
  EXPECT_EQ(countOf(Framework::Keras, "GRU", {{"hidden_size", I(24)}}, {{18, 32}}).trainable, 4176);
  // BatchNormalization: count_params() is 4C (gamma, beta, moving mean and variance).
  EXPECT_EQ(countOf(Framework::Keras, "BatchNorm2d", {}, {{8, 8, 32}}).total(), 128);
  // Keras Dense on a rank-3 input acts on the last axis.
  EXPECT_EQ(countOf(Framework::Keras, "Linear", {{"out_features", I(4)}}, {{5, 6, 7}}).trainable, 7 * 4 + 4);
  // MultiHeadAttention with key_dim = E / heads matches PyTorch.
  EXPECT_EQ(countOf(Framework::Keras, "MultiheadAttention", {}, {{16, 32}}).trainable, 4224);
}

TEST(BuilderParamCounts, TotalsSumNodesWithShapes) {
  Document d;
  NodeId x = input(d, {4});
  NodeId a = add(d, "Linear", {{"out_features", I(3)}}, {x});
  add(d, "BatchNorm1d", {}, {a});
  add(d, "Linear", {}, {add(d, "Conv2d", {}, {x})});  // error: rank; its consumer is blocked
  const Analysis r = analyze(d, Framework::PyTorch);
  EXPECT_EQ(r.total.trainable, 15 + 6);
  EXPECT_EQ(r.total.non_trainable, 6);
}

}  // namespace
}  // namespace nf::builder

// Shape propagation: the rules, PyTorch storage tracking, and every kind of error the
// editor marks on a node (with its message).
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

TEST(BuilderShapes, CifarCnnShapesInBothFrameworkViews) {
  Document d;
  NodeId x = input(d, {32, 32, 3});
  NodeId c1 = add(d, "Conv2d", {{"out_channels", I(6)}, {"kernel_size", I(5)}}, {x});
  NodeId p1 = add(d, "MaxPool2d", {}, {c1});
  NodeId c2 = add(d, "Conv2d", {{"out_channels", I(16)}, {"kernel_size", I(5)}}, {p1});
  NodeId p2 = add(d, "MaxPool2d", {}, {c2});
  NodeId fl = add(d, "Flatten", {}, {p2});
  NodeId fc = add(d, "Linear", {{"out_features", I(120)}}, {fl});
  const Analysis a = analyze(d, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(a.find(x)->output->dimsFor(Framework::PyTorch), (IntList{3, 32, 32}));
  EXPECT_EQ(a.find(c1)->output->dimsFor(Framework::PyTorch), (IntList{6, 28, 28}));
  EXPECT_EQ(a.find(c1)->output->dimsFor(Framework::Keras), (IntList{28, 28, 6}));
  EXPECT_EQ(dimsOf(a, p2), (IntList{5, 5, 16}));
  EXPECT_EQ(dimsOf(a, fl), (IntList{400}));
  EXPECT_EQ(dimsOf(a, fc), (IntList{120}));
  EXPECT_EQ(formatShape(*a.find(c2)->output, Framework::PyTorch), "Nx16x10x10");
  EXPECT_EQ(a.total.trainable, 456 + 2416 + 48120);
  // Every edge carries its producer's shape.
  ASSERT_EQ(a.edges.size(), 6u);
  EXPECT_EQ(a.edges[0].tensor->dims, (IntList{32, 32, 3}));
  EXPECT_EQ(a.inputs, std::vector<NodeId>{x});
  EXPECT_EQ(a.outputs, std::vector<NodeId>{fc});
}

TEST(BuilderShapes, ConvolutionPaddingModesStridesAndDilation) {
  Document d;
  NodeId x = input(d, {15, 17, 3});
  auto conv = [&](std::vector<std::pair<std::string, ParamValue>> p) { return add(d, "Conv2d", std::move(p), {x}); };
  NodeId valid = conv({{"kernel_size", I(3)}, {"stride", I(2)}});
  NodeId same = conv({{"kernel_size", T({3, 5})}, {"stride", T({2, 3})}, {"padding", S("same")}});
  NodeId custom = conv({{"kernel_size", I(5)}, {"padding", S("custom")}, {"padding_size", T({2, 1})}});
  NodeId dilated = conv({{"kernel_size", I(3)}, {"dilation", I(3)}});
  NodeId c1d = add(d, "Conv1d", {{"kernel_size", I(4)}}, {input(d, {20, 6})});
  NodeId t2 = add(d, "ConvTranspose2d", {{"kernel_size", I(3)}, {"stride", I(2)}}, {x});
  NodeId t2same = add(d, "ConvTranspose2d", {{"kernel_size", I(4)}, {"stride", I(2)}, {"padding", S("same")}}, {x});
  NodeId t2op = add(d, "ConvTranspose2d", {{"kernel_size", I(3)}, {"stride", I(2)}, {"padding", S("custom")},
                                           {"padding_size", I(1)}, {"output_padding", I(1)}}, {x});
  const Analysis a = analyze(d, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(dimsOf(a, valid), (IntList{7, 8, 32}));
  EXPECT_EQ(dimsOf(a, same), (IntList{8, 6, 32}));   // ceil(15/2), ceil(17/3)
  EXPECT_EQ(dimsOf(a, custom), (IntList{15, 15, 32}));
  EXPECT_EQ(dimsOf(a, dilated), (IntList{9, 11, 32}));
  EXPECT_EQ(dimsOf(a, c1d), (IntList{17, 32}));
  EXPECT_EQ(dimsOf(a, t2), (IntList{31, 35, 32}));    // (in-1)*2 + 3
  EXPECT_EQ(dimsOf(a, t2same), (IntList{30, 34, 32}));
  EXPECT_EQ(dimsOf(a, t2op), (IntList{30, 34, 32}));   // (in-1)*2 - 2 + 3 + 1
}

TEST(BuilderShapes, PoolingRecurrentAttentionAndResampling) {
  Document d;
  NodeId img = input(d, {9, 10, 4});
  NodeId seq = input(d, {12, 16});
  NodeId mp = add(d, "MaxPool2d", {}, {img});
  NodeId mpSame = add(d, "MaxPool2d", {{"kernel_size", I(3)}, {"stride", I(2)}, {"padding", S("same")}}, {img});
  NodeId ap = add(d, "AdaptiveAvgPool2d", {{"output_size", T({2, 3})}}, {img});
  NodeId gp = add(d, "GlobalMaxPool2d", {}, {img});
  NodeId up = add(d, "Upsample2d", {{"scale_factor", T({2, 3})}}, {img});
  NodeId pad = add(d, "ZeroPad2d", {{"padding", T({1, 2, 0, 3})}}, {img});
  NodeId crop = add(d, "Cropping2d", {{"cropping", T({1, 2, 0, 3})}}, {img});
  NodeId lstm = add(d, "LSTM", {{"hidden_size", I(8)}, {"bidirectional", B(true)}}, {seq});
  NodeId gru = add(d, "GRU", {{"hidden_size", I(8)}, {"return_sequences", B(true)}}, {seq});
  NodeId mha = add(d, "MultiheadAttention", {}, {seq, input(d, {7, 16}), input(d, {7, 24})});
  NodeId cat = add(d, "Concatenate", {{"axis", I(1)}}, {seq, input(d, {3, 16})});
  const Analysis a = analyze(d, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(dimsOf(a, mp), (IntList{4, 5, 4}));
  EXPECT_EQ(dimsOf(a, mpSame), (IntList{5, 5, 4}));
  EXPECT_EQ(dimsOf(a, ap), (IntList{2, 3, 4}));
  EXPECT_EQ(dimsOf(a, gp), (IntList{4}));
  EXPECT_EQ(dimsOf(a, up), (IntList{18, 30, 4}));
  EXPECT_EQ(dimsOf(a, pad), (IntList{12, 13, 4}));
  EXPECT_EQ(dimsOf(a, crop), (IntList{6, 7, 4}));
  EXPECT_EQ(dimsOf(a, lstm), (IntList{16}));
  EXPECT_EQ(dimsOf(a, gru), (IntList{12, 8}));
  EXPECT_EQ(dimsOf(a, mha), (IntList{12, 16}));
  EXPECT_EQ(dimsOf(a, cat), (IntList{15, 16}));
}

TEST(BuilderShapes, PyTorchStorageFollowsTheLayersThatNeedIt) {
  Document d;
  NodeId tok = input(d, {20}, "int64");
  NodeId emb = add(d, "Embedding", {}, {tok});
  NodeId conv = add(d, "Conv1d", {}, {emb});
  NodeId relu = add(d, "ReLU", {}, {conv});
  NodeId norm = add(d, "LayerNorm", {}, {relu});
  NodeId gap = add(d, "GlobalAvgPool1d", {}, {norm});
  NodeId img = input(d, {8, 8, 3});
  NodeId plain = add(d, "Input", {{"shape", T({8, 8, 3})}, {"layout", S("plain")}});
  const Analysis a = analyze(d, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0) << issuesOf(a, gap);
  EXPECT_FALSE(a.find(emb)->output->channels_first);
  EXPECT_TRUE(a.find(conv)->output->channels_first);
  EXPECT_TRUE(a.find(relu)->output->channels_first);  // activations keep their input's storage
  EXPECT_FALSE(a.find(norm)->output->channels_first);
  EXPECT_FALSE(a.find(gap)->output->channels_first);  // rank 1
  EXPECT_EQ(a.find(relu)->output->dimsFor(Framework::PyTorch), (IntList{32, 18}));
  EXPECT_EQ(a.find(relu)->output->dimsFor(Framework::Keras), (IntList{18, 32}));
  EXPECT_TRUE(a.find(img)->output->channels_first);
  EXPECT_FALSE(a.find(plain)->output->channels_first);
}

TEST(BuilderShapeErrors, MismatchesAndNegativeSizesAreMarkedOnTheNodeWithAMessage) {
  Document d;
  NodeId x = input(d, {4, 4, 3});
  NodeId big = add(d, "Conv2d", {{"kernel_size", I(5)}}, {x});
  NodeId after = add(d, "ReLU", {}, {big});
  NodeId groups = add(d, "Conv2d", {{"groups", I(2)}}, {x});
  NodeId seq = input(d, {6, 8});
  NodeId addBad = add(d, "Add", {}, {seq, input(d, {6, 9})});
  NodeId catBad = add(d, "Concatenate", {}, {seq, input(d, {5, 9})});
  NodeId reshape = add(d, "Reshape", {{"shape", T({5, -1})}}, {seq});
  NodeId crop = add(d, "Cropping2d", {{"cropping", T({2, 2, 0, 0})}}, {x});
  NodeId rank = add(d, "Conv2d", {}, {seq});
  NodeId heads = add(d, "MultiheadAttention", {{"num_heads", I(3)}}, {seq});
  NodeId dtype = add(d, "Linear", {}, {input(d, {5}, "int64")});
  NodeId emb = add(d, "Embedding", {}, {seq});
  NodeId squeeze = add(d, "Squeeze", {{"dim", I(1)}}, {seq});
  const Analysis a = analyze(d, Framework::PyTorch);
  EXPECT_EQ(issuesOf(a, big), "kernel 5 is larger than the input 4 on axis H: the output would be empty\n");
  EXPECT_TRUE(a.find(after)->blocked);
  EXPECT_TRUE(issuesOf(a, after).empty());  // reported once, at the cause
  EXPECT_EQ(issuesOf(a, groups), "input channels 3 are not divisible by groups 2\n");
  EXPECT_EQ(issuesOf(a, addBad), "Add needs equal shapes: input 2 is 6x9 but input 1 is 6x8\n");
  EXPECT_EQ(issuesOf(a, catBad), "cannot concatenate 6x8 and 5x9 on axis 2: the other axes differ\n");
  EXPECT_EQ(issuesOf(a, reshape), "cannot reshape 6x8 (48 values) to 5x-1: 48 is not a multiple of 5\n");
  EXPECT_EQ(issuesOf(a, crop), "cropping 2+2 removes all 4 positions of axis H\n");
  EXPECT_EQ(issuesOf(a, rank), "Conv2d expects a 3-D input (H x W x C), got 2-D 6x8\n");
  EXPECT_EQ(issuesOf(a, heads), "embedding size 8 is not divisible by num_heads 3\n");
  EXPECT_EQ(issuesOf(a, dtype), "input 1 holds integer ids: Linear needs float values (add an Embedding first)\n");
  EXPECT_EQ(issuesOf(a, emb), "Embedding needs integer ids: set the input's dtype to int64\n");
  EXPECT_EQ(issuesOf(a, squeeze), "axis 1 has size 6, not 1\n");
  EXPECT_EQ(a.errors, 11);
}

TEST(BuilderShapeErrors, UnconnectedInputsCyclesAndBadPortsAreErrors) {
  Document d;
  NodeId x = input(d, {8});
  NodeId lonely = add(d, "Linear");
  NodeId sub = add(d, "Subtract", {}, {x});
  NodeId a1 = add(d, "Linear", {}, {x});
  NodeId a2 = add(d, "ReLU");
  NodeId a3 = add(d, "Add", {}, {a1, a2});
  ASSERT_TRUE(d.insertEdge({a3, a2, 0}).ok());  // a2 -> a3 -> a2
  NodeId downstream = add(d, "Sigmoid", {}, {a3});
  NodeId extra = add(d, "ReLU", {}, {x});
  ASSERT_TRUE(d.insertEdge({x, extra, 1}).ok());
  NodeId unused = input(d, {3});
  const Analysis a = analyze(d, Framework::Keras);
  EXPECT_EQ(issuesOf(a, lonely), "input 1 is not connected\n");
  EXPECT_EQ(issuesOf(a, sub), "input 2 is not connected\n");
  EXPECT_EQ(issuesOf(a, a2), "is part of a cycle (relu_1, add_1)\n");
  EXPECT_EQ(issuesOf(a, a3), "is part of a cycle (relu_1, add_1)\n");
  EXPECT_TRUE(a.find(a2)->on_cycle);
  EXPECT_FALSE(a.find(a1)->on_cycle);
  EXPECT_TRUE(a.find(downstream)->blocked);
  EXPECT_EQ(issuesOf(a, extra), "input port 2 does not exist (ReLU takes at most 1)\n");
  EXPECT_EQ(issuesOf(a, unused), "this input is not connected to any layer\n");
  EXPECT_EQ(a.find(unused)->issues[0].level, Issue::Level::Warning);
  EXPECT_EQ(std::find(a.order.begin(), a.order.end(), a2), a.order.end());
  // A self-loop is a cycle too.
  Document s;
  NodeId r = add(s, "ReLU");
  ASSERT_TRUE(s.insertEdge({r, r, 0}).ok());
  EXPECT_EQ(issuesOf(analyze(s, Framework::PyTorch), r), "is connected to itself (a cycle)\n");
}

TEST(BuilderShapeErrors, FrameworkSpecificLimitsAreReportedOnlyForThatFramework) {
  Document d;
  NodeId x = input(d, {16, 16, 3});
  NodeId strideDil = add(d, "Conv2d", {{"stride", I(2)}, {"dilation", I(2)}}, {x});
  NodeId even = add(d, "ConvTranspose2d", {{"kernel_size", I(2)}, {"padding", S("same")}}, {x});
  NodeId gelu = add(d, "GELU", {{"approximate", S("tanh")}}, {x});
  NodeId sq = add(d, "Squeeze", {{"dim", I(1)}}, {add(d, "Reshape", {{"shape", T({1, 768})}}, {x})});
  const Analysis torch = analyze(d, Framework::PyTorch);
  const Analysis keras = analyze(d, Framework::Keras);
  EXPECT_TRUE(issuesOf(torch, strideDil).empty());
  EXPECT_EQ(issuesOf(keras, strideDil), "Keras does not allow stride > 1 together with dilation > 1\n");
  EXPECT_EQ(issuesOf(torch, even),
            "PyTorch cannot express padding='same' here (kernel 2, stride 1): use 'custom' padding\n");
  EXPECT_TRUE(issuesOf(keras, even).empty());
  EXPECT_TRUE(issuesOf(torch, gelu).empty());
  EXPECT_EQ(issuesOf(keras, gelu), "Keras has no equivalent of approximate = tanh (only none)\n");
  EXPECT_EQ(issuesOf(keras, sq), "Squeeze is not available in Keras (PyTorch only): replace it or generate PyTorch code\n");
  // Shapes are still propagated past a layer the framework lacks, so the rest of
  // the canvas keeps its shapes.
  EXPECT_EQ(dimsOf(keras, sq), (IntList{768}));
}

TEST(BuilderShapeErrors, InvalidAndUnknownParametersAndTypes) {
  Document d;
  NodeId x = input(d, {8});
  NodeId bad = add(d, "Linear", {}, {x});
  d.mutableNode(bad)->params["out_features"] = I(0);
  d.mutableNode(bad)->params["activation"] = S("relu");
  NodeId future = add(d, "Linear", {}, {x});
  d.mutableNode(future)->type = "QuantumLinear";
  NodeId extra = add(d, "ReLU", {}, {x});
  d.mutableNode(extra)->extra_params["inplace"] = "true";
  const Analysis a = analyze(d, Framework::PyTorch);
  EXPECT_EQ(issuesOf(a, bad),
            "out_features must be between 1 and 1048576 (got 0)\n"
            "parameter 'activation' is not known to this NetForge version and is ignored\n");
  EXPECT_EQ(issuesOf(a, future), "unknown layer type 'QuantumLinear' (made with a newer NetForge?)\n");
  EXPECT_EQ(a.find(extra)->issues.at(0).level, Issue::Level::Warning);
  EXPECT_TRUE(a.find(extra)->output.has_value());
  EXPECT_EQ(a.errors, 2);
  EXPECT_EQ(a.warnings, 2);
}

}  // namespace
}  // namespace nf::builder

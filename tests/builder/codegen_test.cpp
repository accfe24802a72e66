// Code generation: structure of both emitters, clear refusals, determinism, and that
// no user-typed name can inject Python. (The Python tests run the generated code.)
#include <regex>
#include <set>
#include <sstream>

#include "builder/codegen.h"
#include "builder/pyident.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> captures(const std::string& code, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(code.begin(), code.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

TEST(BuilderIdentifiers, SanitisingGivesSafeUniqueIdentifiers) {
  EXPECT_EQ(sanitizeIdentifier("conv 1", "x"), "conv_1");
  EXPECT_EQ(sanitizeIdentifier("  weird--name!! ", "x"), "weird_name");
  EXPECT_EQ(sanitizeIdentifier("3x3 conv", "x"), "layer_3x3_conv");
  EXPECT_EQ(sanitizeIdentifier("class", "x"), "class_layer");
  EXPECT_EQ(sanitizeIdentifier("print", "x"), "print_layer");
  EXPECT_EQ(sanitizeIdentifier("training", "x"), "training_layer");  // nn.Module attribute
  EXPECT_EQ(sanitizeIdentifier("__init__", "x"), "init");
  EXPECT_EQ(sanitizeIdentifier("\xF0\x9F\x99\x82", "relu"), "relu");
  EXPECT_EQ(sanitizeIdentifier("", ""), "layer");
  EXPECT_EQ(sanitizeIdentifier(std::string(300, 'a'), "x").size(), 40u);
  EXPECT_EQ(sanitizeClassName("cifar-10 cnn"), "Cifar10Cnn");
  EXPECT_EQ(sanitizeClassName("10 layers"), "Model10Layers");
  EXPECT_EQ(sanitizeClassName("!!"), "Model");
  EXPECT_EQ(commentText("a\nb\r\"c\""), "a?b?\"c\"");
  NameTable t;
  EXPECT_EQ(t.claim("conv"), "conv");
  EXPECT_EQ(t.claim("conv"), "conv_2");
  EXPECT_EQ(t.claim("conv 2"), "conv_2_2");
  EXPECT_EQ(t.claim("self"), "self_layer");
}

TEST(BuilderIdentifiers, StringLiteralsAreTheSameTextInPython) {
  EXPECT_EQ(pyString("conv1.weight"), "\"conv1.weight\"");
  EXPECT_EQ(pyString("a\"b\\c\nd\x7f"), "\"a\\\"b\\\\c\\x0ad\\x7f\"");
  // UTF-8 names (ONNX tensor names) as code points, not as their bytes: "\xc3\xa9" in
  // Python would be two characters.
  EXPECT_EQ(pyString("caf\xC3\xA9"), "\"caf\\u00e9\"");
  EXPECT_EQ(pyString("\xE2\x82\xAC"), "\"\\u20ac\"");
  EXPECT_EQ(pyString("\xF0\x9F\x99\x82.weight"), "\"\\U0001f642.weight\"");
  // Not UTF-8 (a lone continuation byte, a truncated or overlong sequence, a surrogate): bytes.
  EXPECT_EQ(pyString("\x80"), "\"\\x80\"");
  EXPECT_EQ(pyString("\xE2\x82"), "\"\\xe2\\x82\"");
  EXPECT_EQ(pyString("\xC0\xAF"), "\"\\xc0\\xaf\"");
  EXPECT_EQ(pyString("\xED\xA0\x80"), "\"\\xed\\xa0\\x80\"");
}

TEST(BuilderCodegen, HostileNamesCannotInjectPython) {
  Document d;
  d.name = "Evil\"\"\"\nimport os\nos.system('echo pwned') #";
  const char* hostile[] = {"x\"); import os; os.system(\"echo pwned\") #",
                           "line1\nimport os\nos.system('echo pwned')",
                           "class", "self", "forward", "__class__", "torch", "nn", "0day", "", "\xF0\x9F\x99\x82",
                           "a b-c.d", "dup", "dup", "print(1)", "\\", "'''", "Evil"};
  NodeId prev = add(d, "Input", {{"shape", T({4})}}, {}, "input\n__import__('os').system('x')");
  for (const char* name : hostile) {
    prev = add(d, "Linear", {{"out_features", I(4)}}, {prev});
    d.mutableNode(prev)->name = name;
  }
  const std::regex ident("[A-Za-z_][A-Za-z0-9_]*");
  for (Framework f : {Framework::PyTorch, Framework::Keras}) {
    SCOPED_TRACE(frameworkName(f));
    auto code = generateCode(d, {f, true, true});
    ASSERT_TRUE(code.ok()) << code.error().message;
    for (const std::string& l : lines(*code)) {
      // Only the emitters' own imports, and names only ever inside comments or identifiers.
      const std::string t = l.substr(std::min(l.find_first_not_of(' '), l.size()));
      if (t.rfind("import ", 0) == 0 || t.rfind("from ", 0) == 0) {
        EXPECT_TRUE(t == "import torch" || t == "import torch.nn as nn" || t == "import numpy as np" ||
                    t == "import tensorflow as tf" || t == "from tensorflow import keras" ||
                    t == "from tensorflow.keras import layers")
            << t;
      }
      if (t.rfind("#", 0) == 0) continue;  // comments are inert (and single-line: checked above by splitting)
      EXPECT_EQ(l.find("os.system"), std::string::npos) << l;
      EXPECT_EQ(l.find("__import__"), std::string::npos) << l;
    }
    std::vector<std::string> names = f == Framework::PyTorch ? captures(*code, R"(self\.(\S+) = )")
                                                             : captures(*code, "name=\"([^\"]*)\"");
    ASSERT_GE(names.size(), std::size(hostile));
    std::set<std::string> unique;
    for (const std::string& n : names) {
      EXPECT_TRUE(std::regex_match(n, ident)) << n;
      EXPECT_FALSE(isReservedIdentifier(n)) << n;
      EXPECT_TRUE(unique.insert(n).second) << "duplicate " << n;
    }
  }
  // The PyTorch class and forward signature too.
  auto code = generateCode(d, {Framework::PyTorch, false, false});
  EXPECT_TRUE(contains(*code, "class EvilImportOsOsSystemEchoPwned(nn.Module):")) << *code;
  EXPECT_TRUE(contains(*code, "def forward(self, input_import_os_system_x):")) << *code;
  EXPECT_TRUE(contains(*code, "self.dup = nn.Linear(4, 4)"));
  EXPECT_TRUE(contains(*code, "self.dup_2 = nn.Linear(4, 4)"));
  EXPECT_TRUE(contains(*code, "self.class_layer = "));
}

TEST(BuilderCodegen, PyTorchModuleStructure) {
  Document d;
  d.name = "cifar";
  NodeId x = input(d, {32, 32, 3});
  NodeId c = add(d, "Conv2d", {{"out_channels", I(16)}, {"stride", I(2)}, {"padding", S("same")}}, {x}, "conv");
  NodeId fc = add(d, "Linear", {{"out_features", I(5)}}, {c}, "per_pixel");
  NodeId lstm = add(d, "LSTM", {{"hidden_size", I(8)}}, {add(d, "Reshape", {{"shape", T({-1, 5})}}, {fc}, "seq")}, "rnn");
  add(d, "Softmax", {}, {lstm}, "probs");
  auto code = generateCode(d, {Framework::PyTorch, false, false});
  ASSERT_TRUE(code.ok()) << code.error().message;
  const std::string& s = *code;
  EXPECT_TRUE(contains(s, "class Cifar(nn.Module):"));
  EXPECT_TRUE(contains(s, "# output N x 8; 1,013 trainable parameters."));
  // 'same' with stride 2 on an even size pads one more zero at the end, like Keras.
  EXPECT_TRUE(contains(s, "self.conv = nn.Sequential(nn.ConstantPad2d((0, 1, 0, 1), 0.0), nn.Conv2d(3, 16, kernel_size=3, stride=2))"));
  EXPECT_TRUE(contains(s, "per_pixel = self.per_pixel(conv.movedim(1, -1))  # N x 16 x 16 x 5"));
  EXPECT_TRUE(contains(s, "seq = per_pixel.reshape(-1, 256, 5)  # N x 256 x 5"));
  EXPECT_TRUE(contains(s, "self.rnn = nn.LSTM(5, 8, batch_first=True)"));
  EXPECT_TRUE(contains(s, "_, (rnn_h, _) = self.rnn(seq)"));
  EXPECT_TRUE(contains(s, "rnn = rnn_h[-1]"));
  EXPECT_TRUE(contains(s, "self.probs = nn.Softmax(dim=1)"));
  EXPECT_TRUE(contains(s, "return probs"));
  EXPECT_FALSE(contains(s, "__main__"));
  EXPECT_FALSE(contains(s, "def train("));
  auto withExtras = generateCode(d, {Framework::PyTorch, true, true});
  EXPECT_TRUE(contains(*withExtras, "def train(model, steps=10, batch_size=8, lr=1e-3):"));
  EXPECT_TRUE(contains(*withExtras, "nn.CrossEntropyLoss()"));
  EXPECT_TRUE(contains(*withExtras, "    image = torch.randn(2, 3, 32, 32)") ||
              contains(*withExtras, "    input_1 = torch.randn(2, 3, 32, 32)"));
}

// Ceil-mode pooling (SqueezeNet's): a partial last window counts in PyTorch; Keras has no
// such option and says so.
TEST(BuilderCodegen, CeilModePoolingRoundsUpInPyTorchAndIsNamedForKeras) {
  Document d;
  NodeId x = input(d, {54, 54, 8});
  NodeId pool = add(d, "MaxPool2d", {{"kernel_size", I(3)}, {"stride", I(2)}, {"ceil_mode", B(true)}}, {x}, "pool");
  const Analysis a = analyze(d, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(a.find(pool)->output->dims, (IntList{27, 27, 8}));  // floor mode: 26
  auto code = generateCode(d, {Framework::PyTorch, false, false});
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_TRUE(contains(*code, "self.pool = nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)")) << *code;
  auto keras = generateCode(d, {Framework::Keras, false, false});
  ASSERT_FALSE(keras.ok());
  EXPECT_TRUE(contains(keras.error().message, "ceil_mode")) << keras.error().message;
  // A window that would start past the input is not counted (PyTorch's rule): 5 with
  // kernel 1, stride 3 -> 2 windows, not ceil(4 / 3) + 1 = 3.
  Document e;
  NodeId y = input(e, {5, 5, 1});
  NodeId p2 = add(e, "AvgPool2d", {{"kernel_size", I(1)}, {"stride", I(3)}, {"ceil_mode", B(true)}}, {y}, "p");
  EXPECT_EQ(analyze(e, Framework::PyTorch).find(p2)->output->dims, (IntList{2, 2, 1}));
  Node same = *d.node(pool);
  same.params["padding"] = std::string("same");
  ASSERT_TRUE(d.replaceNode(same).ok());
  EXPECT_EQ(analyze(d, Framework::PyTorch).errors, 1);  // ceil_mode applies to 'valid' only
}

TEST(BuilderCodegen, KerasFunctionalStructure) {
  Document d;
  NodeId x = input(d, {28, 28, 1});
  NodeId c = add(d, "Conv2d", {{"out_channels", I(8)}, {"padding", S("custom")}, {"padding_size", I(1)}}, {x}, "conv");
  NodeId bn = add(d, "BatchNorm2d", {}, {c}, "bn");
  NodeId p = add(d, "MaxPool2d", {}, {bn}, "pool");
  NodeId f = add(d, "Flatten", {}, {p}, "flat");
  add(d, "Linear", {{"out_features", I(10)}}, {f}, "logits");
  auto code = generateCode(d, {Framework::Keras, false, false});
  ASSERT_TRUE(code.ok()) << code.error().message;
  const std::string& s = *code;
  EXPECT_TRUE(contains(s, "input_1 = keras.Input(shape=(28, 28, 1), name=\"input_1\")"));
  EXPECT_TRUE(contains(s, "conv_pad = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=\"conv_pad\")(input_1)"));
  EXPECT_TRUE(contains(s, "conv = layers.Conv2D(8, 3, name=\"conv\")(conv_pad)  # N x 28 x 28 x 8"));
  EXPECT_TRUE(contains(s, "bn = layers.BatchNormalization(epsilon=1e-05, momentum=0.9, name=\"bn\")(conv)"));
  EXPECT_TRUE(contains(s, "pool = layers.MaxPooling2D(pool_size=2, name=\"pool\")(bn)"));
  EXPECT_TRUE(contains(s, "logits = layers.Dense(10, name=\"logits\")(flat)  # N x 10"));
  EXPECT_TRUE(contains(s, "return keras.Model(inputs=input_1, outputs=logits, name=\"Model\")"));
  EXPECT_TRUE(contains(s, "non-trainable"));
}

TEST(BuilderCodegen, RefusesWithEveryProblemListedAndIsDeterministic) {
  Document empty;
  EXPECT_EQ(generateCode(empty, {}).error().message, "cannot generate PyTorch code: 1 problem: the model has no Input node");
  Document d;
  NodeId x = input(d, {8, 16});
  NodeId enc = add(d, "Mish", {}, {x}, "enc");
  add(d, "Squeeze", {}, {enc}, "sq");
  add(d, "Linear", {}, {}, "orphan");
  EXPECT_EQ(generateCode(d, {Framework::Keras}).error().message,
            "cannot generate Keras code: 4 problems: enc: Mish is not available in Keras "
            "(PyTorch only): replace it or generate PyTorch code; sq: Squeeze is not available in Keras (PyTorch "
            "only): replace it or generate PyTorch code; sq: axis 2 has size 16, not 1; orphan: input 1 is not "
            "connected");
  Document ok;
  NodeId in = input(ok, {10});
  add(ok, "Linear", {}, {in});
  add(ok, "Linear", {}, {in});
  auto a = generateCode(ok, {Framework::PyTorch, true, true});
  auto b = generateCode(ok, {Framework::PyTorch, true, true});
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(contains(*a, "return linear_1, linear_2"));  // two outputs, by id
  EXPECT_EQ(codeFileName(ok, Framework::Keras), "Model_keras.py");
}

}  // namespace
}  // namespace nf::builder

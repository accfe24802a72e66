// The layer catalog: completeness, integrity of every parameter, framework names,
// search, and that every layer works at its defaults in every framework it claims.
#include <set>

#include "builder/codegen.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

TEST(BuilderCatalog, HasAtLeastSixtyTypesIncludingEveryOneTheIssueNames) {
  EXPECT_GE(catalog().layers().size(), 60u);
  for (const char* type :
       {"Input", "Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "DepthwiseConv2d", "SeparableConv2d",
        "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "GlobalAvgPool2d", "GlobalMaxPool2d", "BatchNorm2d", "LayerNorm",
        "GroupNorm", "InstanceNorm2d", "Dropout", "ReLU", "LeakyReLU", "PReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh",
        "Softmax", "LogSoftmax", "Hardswish", "Flatten", "Reshape", "Permute", "Squeeze", "Unsqueeze", "Embedding", "RNN",
        "LSTM", "GRU", "MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer", "Add", "Subtract",
        "Multiply", "Average", "Maximum", "Concatenate", "Upsample2d", "ZeroPad2d", "Identity"}) {
    EXPECT_NE(catalog().find(type), nullptr) << type;
  }
}

TEST(BuilderCatalog, TypeNamesAndAliasesAreUniqueAndCategoriesKnown) {
  std::set<std::string> names;
  for (const LayerSpec& l : catalog().layers()) {
    EXPECT_TRUE(names.insert(l.type).second) << "duplicate type " << l.type;
    for (const std::string& a : l.aliases) EXPECT_TRUE(names.insert(a).second) << "alias " << a << " of " << l.type << " is taken";
    EXPECT_FALSE(l.label.empty()) << l.type;
    EXPECT_FALSE(l.help.empty()) << l.type;
    EXPECT_NE(std::find(catalog().categories().begin(), catalog().categories().end(), l.category),
              catalog().categories().end());
    std::set<std::string> params;
    for (const ParamSpec& p : l.params) {
      EXPECT_TRUE(params.insert(p.name).second) << l.type << "." << p.name;
      for (const std::string& a : p.aliases) EXPECT_TRUE(params.insert(a).second) << l.type << " alias " << a;
    }
  }
}

TEST(BuilderCatalog, EveryParameterHasAValidDefaultWithinItsRange) {
  for (const LayerSpec& l : catalog().layers()) {
    for (const ParamSpec& p : l.params) {
      SCOPED_TRACE(l.type + "." + p.name);
      EXPECT_EQ(kindOf(p.default_value), p.kind);
      Status s = p.validate(p.default_value);
      EXPECT_TRUE(s.ok()) << s.message();
      EXPECT_FALSE(p.help.empty());
      if (p.kind == ParamKind::Int || p.kind == ParamKind::Float || p.kind == ParamKind::IntTuple) EXPECT_LE(p.min, p.max);
      // Free text and empty tuples only where a layer holds an ONNX node's own data.
      const bool onnx_op = l.family == Family::OnnxOp;
      if (p.kind == ParamKind::IntTuple) {
        EXPECT_GE(p.min_length, onnx_op ? 0 : 1);
        EXPECT_LE(p.min_length, p.max_length);
      }
      if (p.kind == ParamKind::Enum && !(onnx_op && p.choices.empty())) EXPECT_GE(p.choices.size(), 2u);
      for (Framework f : {Framework::PyTorch, Framework::Keras}) {
        if (p.in(f).framework_default) {
          EXPECT_EQ(kindOf(*p.in(f).framework_default), p.kind);
          EXPECT_EQ(p.in(f).how, Mapping::Kwarg);
        }
      }
    }
  }
}

TEST(BuilderCatalog, EveryClaimedFrameworkNamesTheLayerAndEachParameter) {
  for (const LayerSpec& l : catalog().layers()) {
    EXPECT_NE(l.frameworks, 0) << l.type;
    EXPECT_NE(l.shape, nullptr) << l.type;
    for (Framework f : {Framework::PyTorch, Framework::Keras}) {
      SCOPED_TRACE(l.type + " in " + frameworkName(f));
      const std::string& cls = f == Framework::PyTorch ? l.torch_class : l.kerasClass;
      if (!l.has(f)) continue;
      EXPECT_FALSE(cls.empty());
      for (const ParamSpec& p : l.params) {
        if (p.in(f).how == Mapping::Kwarg) {
          EXPECT_FALSE(p.in(f).name.empty()) << p.name;
          // Documents may use the framework's spelling; it must find this parameter.
          EXPECT_EQ(l.param(p.in(f).name), &p) << p.in(f).name;
        }
        else EXPECT_TRUE(p.in(f).name.empty()) << p.name;
      }
    }
    if (l.has(Framework::Keras)) {
      const bool helper = l.kerasClass.size() > 2 && l.kerasClass.substr(l.kerasClass.size() - 2) == "()";
      EXPECT_TRUE(l.kerasClass.rfind("layers.", 0) == 0 || l.kerasClass == "keras.Input" || helper) << l.type;
    }
  }
  // Layers with weights have a count rule.
  for (const char* type : {"Linear", "Conv2d", "ConvTranspose1d", "DepthwiseConv2d", "SeparableConv1d", "Embedding",
                           "BatchNorm3d", "LayerNorm", "GroupNorm", "PReLU", "GRU", "MultiheadAttention",
                           "TransformerDecoderLayer"}) {
    EXPECT_NE(catalog().find(type)->count, nullptr) << type;
  }
}

TEST(BuilderCatalog, FindAcceptsAliasesAndAnyCase) {
  EXPECT_EQ(catalog().find("Dense")->type, "Linear");
  EXPECT_EQ(catalog().find("Conv2D")->type, "Conv2d");
  EXPECT_EQ(catalog().find("conv2d")->type, "Conv2d");
  EXPECT_EQ(catalog().find("MaxPooling2D")->type, "MaxPool2d");
  EXPECT_EQ(catalog().find("Concat")->type, "Concatenate");
  EXPECT_EQ(catalog().find("nope"), nullptr);
  EXPECT_EQ(catalog().find("Conv2d")->param("filters")->name, "out_channels");
  EXPECT_EQ(catalog().find("Linear")->param("units")->name, "out_features");
}

TEST(BuilderCatalog, SearchRanksExactNamesAliasesAndKeywordsAndFiltersByFramework) {
  auto first = [](std::string_view q, std::optional<Framework> f = std::nullopt) {
    auto hits = catalog().search(q, f);
    return hits.empty() ? std::string() : hits[0].spec->type;
  };
  EXPECT_EQ(first("conv2d"), "Conv2d");
  EXPECT_EQ(first("dense"), "Linear");
  EXPECT_EQ(first("LSTM"), "LSTM");
  EXPECT_EQ(first("fully connected"), "Linear");
  EXPECT_EQ(first("swish"), "SiLU");
  EXPECT_TRUE(catalog().search("qqqqq").empty());
  EXPECT_EQ(catalog().search("").size(), catalog().layers().size());
  std::set<std::string> keras;
  for (const SearchHit& h : catalog().search("", Framework::Keras)) keras.insert(h.spec->type);
  EXPECT_FALSE(keras.count("Mish"));
  EXPECT_TRUE(keras.count("TransformerEncoderLayer"));  // via a helper of standard layers
  EXPECT_FALSE(keras.count("Squeeze"));
  EXPECT_TRUE(keras.count("GaussianNoise"));
  std::set<std::string> torch;
  for (const SearchHit& h : catalog().search("", Framework::PyTorch)) torch.insert(h.spec->type);
  EXPECT_TRUE(torch.count("TransformerEncoderLayer"));
  EXPECT_FALSE(torch.count("GaussianNoise"));
}

TEST(BuilderCatalog, ValidationMessagesNameTheParameterAndTheRange) {
  const LayerSpec* conv = catalog().find("Conv2d");
  Status s = conv->param("kernel_size")->validate(T({0, 3}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "kernel_size values must be between 1 and 255 (got 0)");
  s = conv->param("kernel_size")->validate(T({3, 3, 3}));
  EXPECT_EQ(s.message(), "kernel_size needs 2 values (got 3)");
  s = conv->param("padding")->validate(S("full"));
  EXPECT_EQ(s.message(), "padding must be one of valid, same, custom (got 'full')");
  s = catalog().find("Dropout")->param("p")->validate(F(1.5));
  EXPECT_EQ(s.message(), "p must be between 0 and 1 (got 1.5)");
  s = conv->param("out_channels")->validate(S("many"));
  EXPECT_EQ(s.message(), "out_channels must be an int, got enum");
}

TEST(BuilderCatalog, CoercionWidensScalarsToTuplesAndIntsToFloats) {
  const LayerSpec* conv = catalog().find("Conv2d");
  EXPECT_EQ(std::get<IntList>(*conv->param("kernel_size")->coerce(I(5))), (IntList{5, 5}));
  EXPECT_EQ(std::get<double>(*catalog().find("Dropout")->param("p")->coerce(I(0))), 0.0);
  EXPECT_EQ(std::get<int64_t>(*conv->param("out_channels")->coerce(F(8.0))), 8);
  EXPECT_FALSE(conv->param("out_channels")->coerce(F(8.5)).has_value());
  EXPECT_FALSE(conv->param("kernel_size")->coerce(S("3")).has_value());
  // Variable-length tuples (shapes) do not guess a length.
  EXPECT_FALSE(catalog().find("Reshape")->param("shape")->coerce(I(4)).has_value());
}

// An input that suits `spec` at its default parameters.
std::vector<NodeId> inputsFor(Document& doc, const LayerSpec& spec) {
  switch (spec.family) {
    case Family::Input: return {};
    case Family::Conv: case Family::ConvTranspose: case Family::DepthwiseConv: case Family::SeparableConv:
    case Family::Pool: case Family::AdaptivePool: case Family::GlobalPool: case Family::SpatialDropout:
    case Family::Upsample: case Family::ZeroPad: case Family::Cropping: case Family::InstanceNorm:
    case Family::BatchNorm: {
      IntList shape(static_cast<size_t>(std::max(spec.rank, 1)), 16);
      shape.push_back(8);
      return {add(doc, "Input", {{"shape", ParamValue(shape)}})};
    }
    case Family::Recurrent: case Family::MultiHeadAttention: case Family::TransformerEncoder:
      return {input(doc, {10, 16})};
    case Family::TransformerDecoder: return {input(doc, {10, 16}), input(doc, {12, 16})};
    case Family::Embedding: return {input(doc, {10}, "int64")};
    case Family::Merge: case Family::Concatenate: return {input(doc, {4, 6, 8}), input(doc, {4, 6, 8})};
    case Family::Squeeze: return {input(doc, {6, 1})};
    case Family::Permute: return {input(doc, {6, 8})};
    default: return {input(doc, {16, 16, 8})};
  }
}

TEST(BuilderCatalog, EveryLayerPropagatesAndGeneratesCodeAtItsDefaultsInItsFrameworks) {
  for (const LayerSpec& spec : catalog().layers()) {
    SCOPED_TRACE(spec.type);
    Document doc;
    std::vector<NodeId> ins = inputsFor(doc, spec);
    const NodeId id = spec.family == Family::Input ? add(doc, "Input") : add(doc, spec.type, {}, ins);
    if (spec.family == Family::Input) add(doc, "ReLU", {}, {id});
    for (Framework f : {Framework::PyTorch, Framework::Keras}) {
      SCOPED_TRACE(frameworkName(f));
      const Analysis a = analyze(doc, f);
      ASSERT_TRUE(a.find(id)->output.has_value()) << issuesOf(a, id);
      if (spec.has(f) && spec.family == Family::OnnxOp) {
        // Its code is the importer's translation (tests/importer); without it, refused.
        EXPECT_EQ(a.errors, 0) << issuesOf(a, id);
        auto code = generateCode(doc, {f, true, true});
        ASSERT_FALSE(code.ok());
        EXPECT_TRUE(contains(code.error().message, std::string("need the importer's translation"))) << code.error().message;
      } else if (spec.has(f)) {
        EXPECT_EQ(a.errors, 0) << issuesOf(a, id);
        auto code = generateCode(doc, {f, true, true});
        ASSERT_TRUE(code.ok()) << code.error().message;
        EXPECT_TRUE(contains(*code, doc.node(id)->name)) << *code;
      } else {
        EXPECT_TRUE(contains(issuesOf(a, id), std::string("not available in ") + frameworkName(f))) << issuesOf(a, id);
        auto code = generateCode(doc, {f, false, true});
        ASSERT_FALSE(code.ok());
        EXPECT_TRUE(contains(code.error().message, spec.type)) << code.error().message;
      }
    }
  }
}

}  // namespace
}  // namespace nf::builder

namespace nf::builder {
namespace {

using namespace test;

TEST(BuilderCatalog, TypedFieldsParseAndValidateLikeThePropertiesPanel) {
  const LayerSpec& conv = *catalog().find("Conv2d");
  EXPECT_EQ(std::get<IntList>(*conv.param("kernel_size")->parse("3")), (IntList{3, 3}));
  EXPECT_EQ(std::get<IntList>(*conv.param("kernel_size")->parse(" 3x5 ")), (IntList{3, 5}));
  EXPECT_EQ(std::get<IntList>(*conv.param("kernel_size")->parse("(3, 5)")), (IntList{3, 5}));
  EXPECT_EQ(std::get<IntList>(*conv.param("kernel_size")->parse("3\xC3\x97" "5")), (IntList{3, 5}));
  EXPECT_EQ(std::get<IntList>(*catalog().find("Input")->param("shape")->parse("32 x 32 x 3")), (IntList{32, 32, 3}));
  EXPECT_EQ(std::get<IntList>(*catalog().find("Reshape")->param("shape")->parse("[-1, 64]")), (IntList{-1, 64}));
  EXPECT_EQ(std::get<int64_t>(*conv.param("out_channels")->parse("+64")), 64);
  EXPECT_EQ(std::get<bool>(*conv.param("bias")->parse("No")), false);
  EXPECT_EQ(std::get<std::string>(*conv.param("padding")->parse("SAME")), "same");
  EXPECT_EQ(std::get<double>(*catalog().find("Dropout")->param("p")->parse("2.5e-1")), 0.25);
  EXPECT_EQ(conv.param("out_channels")->parse("6.5").error().message, "out_channels: '6.5' is not a whole number");
  EXPECT_EQ(conv.param("out_channels")->parse("0").error().message, "out_channels must be between 1 and 65536 (got 0)");
  EXPECT_EQ(conv.param("kernel_size")->parse("3x4x5").error().message, "kernel_size needs 2 values (got 3)");
  EXPECT_EQ(conv.param("kernel_size")->parse("a,b").error().message, "kernel_size: 'a,b' is not a list of whole numbers");
  EXPECT_EQ(conv.param("padding")->parse("full").error().message, "padding must be one of valid, same, custom (got 'full')");
  EXPECT_EQ(catalog().find("Dropout")->param("p")->parse("nan").error().message, "p: 'nan' is not a number");
  EXPECT_EQ(conv.param("bias")->parse("maybe").error().message, "bias: 'maybe' is not true or false");
}

TEST(BuilderCatalog, DuplicateNamesAreAWarning) {
  Document d;
  NodeId x = input(d, {4});
  NodeId a = add(d, "ReLU", {}, {x}, "same");
  NodeId b = add(d, "ReLU", {}, {a}, "same");
  const Analysis r = analyze(d, Framework::PyTorch);
  EXPECT_EQ(r.errors, 0);
  EXPECT_EQ(issuesOf(r, b), "another layer has the same name (the code will number them)\n");
}

}  // namespace
}  // namespace nf::builder

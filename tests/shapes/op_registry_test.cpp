// The op registry (shapes/op_registry.h): complete entries, no duplicates, lookups
// across domains, corpus coverage, and an op added as one entry (GemmFastGelu).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/op_registry.h"
#include "shapes/shapes_test_util.h"
#include "support/model_builder.h"
#include "support/test_support.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::shape;
using test::typeOf;

void ruleNothing(detail::Ctx&) {}

// Ops whose schema has no inputs at all.
const std::set<std::string> kNoInputs = {"Constant", "RandomNormal", "RandomUniform", "SequenceEmpty"};

// An entry with a shape rule states its category (a positional field before the rule,
// so it cannot be left out), its input and output names and its cost.
TEST(OpRegistry, EveryOpWithARuleHasNamesAndACost) {
  const OpRegistry& reg = opRegistry();
  int with_rule = 0;
  for (const OpSpec& op : reg.ops()) {
    if (!op.hasRule()) continue;
    ++with_rule;
    const std::string key = opKey(op);
    EXPECT_NE(op.cost, CostKind::Unset) << key << " has no cost kind (use Free or Uncounted when it has none)";
    EXPECT_GT(op.outputCount(), 0u) << key << " has no output names";
    if (!kNoInputs.count(key)) {
      EXPECT_GT(op.inputCount(), 0u) << key << " has no input names";
    }
    EXPECT_LT(static_cast<int>(op.category), kCategoryCount) << key;
    EXPECT_NE(op.category, OpCategory::InputOutput) << key << ": io is for graph inputs and outputs";
  }
  EXPECT_EQ(static_cast<size_t>(with_rule), supportedOps().size());
  EXPECT_GE(with_rule, 240);
}

TEST(OpRegistry, HasNoDuplicatesAndIndexesItsEntries) {
  const OpRegistry& reg = opRegistry();
  EXPECT_TRUE(reg.errors().empty()) << reg.errors().front();
  std::set<std::string> keys;
  for (size_t i = 0; i < reg.size(); ++i) {
    EXPECT_TRUE(keys.insert(opKey(reg.at(i))).second) << opKey(reg.at(i));
    EXPECT_EQ(reg.at(i).index, i);
    EXPECT_EQ(reg.find(reg.at(i).domain, reg.at(i).type), &reg.at(i));
  }
}

TEST(OpRegistry, BuildingRejectsADuplicateKey) {
  // Expand twice (once as "ai.onnx", which is the default domain too): one survives.
  const OpSpec a[] = {{"", "Expand", OpCategory::Tensor, ruleNothing, CostKind::Free, "input shape", "output"}};
  const OpSpec b[] = {
      OpSpec{"ai.onnx", "Expand", OpCategory::Math, ruleNothing, CostKind::Free, "x s", "y"}.shapeArgs(0b10),
      {"com.microsoft", "Expand", OpCategory::Other, ruleNothing, CostKind::Free, "x", "y"},
  };
  OpRegistry reg({a, b});
  ASSERT_EQ(reg.errors().size(), 1u);
  EXPECT_NE(reg.errors()[0].find("Expand is registered twice"), std::string::npos) << reg.errors()[0];
  EXPECT_EQ(reg.size(), 2u);
  const OpSpec* kept = reg.find("", "Expand");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->category, OpCategory::Tensor);  // the first registration
  EXPECT_EQ(reg.find("ai.onnx", "Expand"), kept);
  ASSERT_NE(reg.find("com.microsoft", "Expand"), nullptr);
  EXPECT_NE(reg.find("com.microsoft", "Expand"), kept);
}

TEST(OpRegistry, LookupsByDomainAndByType) {
  const OpSpec* conv = findOp("", "Conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(findOp("ai.onnx", "Conv"), conv);
  EXPECT_EQ(conv->category, OpCategory::Conv);
  EXPECT_EQ(conv->inputName(1), "W");
  EXPECT_EQ(conv->inputName(3), "");
  EXPECT_EQ(conv->key_attrs, KeyAttrs::ConvWindow);
  EXPECT_EQ(conv->cost, CostKind::Conv);
  // Same op type, two domains: separate entries.
  const OpSpec* gelu = findOp("", "Gelu");
  const OpSpec* ms_gelu = findOp("com.microsoft", "Gelu");
  ASSERT_TRUE(gelu && ms_gelu);
  EXPECT_NE(gelu, ms_gelu);
  // An unknown domain: no entry, but displayed like the op of the same type.
  EXPECT_EQ(findOp("com.example", "Relu"), nullptr);
  EXPECT_EQ(findOpByType("com.example", "Relu"), findOp("", "Relu"));
  EXPECT_EQ(findOpByType("com.example", "NoSuchOp"), nullptr);
  // Shape arguments: Expand's shape, Reshape's shape, Slice's starts/ends/axes/steps.
  EXPECT_TRUE(findOp("", "Expand")->isShapeInput(1));
  EXPECT_FALSE(findOp("", "Expand")->isShapeInput(0));
  EXPECT_TRUE(findOp("", "Slice")->isShapeInput(4));
  // Declutter classes.
  EXPECT_EQ(findOp("", "Shape")->fold, FoldClass::ShapeOf);
  EXPECT_EQ(findOp("", "Identity")->fold, FoldClass::PassThrough);
  EXPECT_EQ(findOp("", "RandomNormal")->fold, FoldClass::Random);
}

// Every op type used by a corpus model has an entry (with its domain).
TEST(OpRegistry, CoversEveryCorpusOpType) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::set<std::string> used, missing;
  for (const auto& e : test::corpusManifest()["files"])
    for (const auto& op : e["op_types"]) used.insert(op.get<std::string>());
  for (const std::string& s : used) {
    auto sep = s.find("::");
    std::string domain = sep == std::string::npos ? "" : s.substr(0, sep);
    std::string name = sep == std::string::npos ? s : s.substr(sep + 2);
    if (!findOp(domain, name)) missing.insert(s);
  }
  std::string list;
  for (const auto& s : missing) list += " " + s;
  EXPECT_TRUE(missing.empty()) << missing.size() << " corpus op types have no registry entry:" << list;
  EXPECT_GT(used.size(), 150u);
}

// com.microsoft::GemmFastGelu was added as one entry in rules_contrib.cpp: its shape,
// category, names and cost all come from that entry.
TEST(OpRegistry, GemmFastGeluFromOneEntry) {
  const OpSpec* op = findOp("com.microsoft", "GemmFastGelu");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->category, OpCategory::MatMul);
  EXPECT_EQ(op->inputName(2), "bias");
  EXPECT_EQ(op->cost, CostKind::MatMul);

  ir::Model m = test::model(17);
  m.opsets.push_back({"com.microsoft", 1});
  test::GraphBuilder g(m);
  g.input("x", F32, shape({"batch", "seq", 64}));
  g.weight("w", {64, 256});
  g.weight("b", {256});
  g.node("GemmFastGelu", {"x", "w", "b"}, {"y"}, {}, "gelu", "com.microsoft");
  g.weight("b_bad", {100});
  g.node("GemmFastGelu", {"x", "w", "b_bad"}, {"y_bad"}, {}, "bad", "com.microsoft");
  g.input("x2", F32, shape({2, 7, 64}));
  g.node("GemmFastGelu", {"x2", "w"}, {"y2"}, {}, "nobias", "com.microsoft");
  InferenceResult r = inferShapes(m);
  EXPECT_TRUE(r.missing.empty());
  EXPECT_EQ(typeOf(r, m, "y"), "FLOAT[batch, seq, 256]");
  EXPECT_EQ(typeOf(r, m, "y2"), "FLOAT[2, 7, 256]");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("bias [100]"), std::string::npos) << r.issues[0].message;

  // Its cost: 2 x 7 x 256 outputs, each a dot product of 64.
  Metrics met = computeMetrics(m, r);
  const NodeMetrics& nm = met.node(ir::NodeId{2});
  EXPECT_EQ(nm.macs, 2 * 7 * 256 * 64);
  EXPECT_TRUE(nm.macs_known);
  EXPECT_EQ(met.node(ir::NodeId{0}).params, 64 * 256 + 256);
}

}  // namespace
}  // namespace nf::shapes

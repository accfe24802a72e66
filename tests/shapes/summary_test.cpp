// The summary table and its four formats, as the CLI prints them and the app copies them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"
#include "support/model_builder.h"

namespace nf::shapes {
namespace {

using test::F32;
using test::shape;

// A small CNN with name scopes and one shape computation on constants.
ir::Model smallNet() {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("image", F32, shape({"N", 3, 32, 32}));
  g.weight("c1.w", {16, 3, 3, 3});
  g.weight("c1.b", {16});
  g.node("Conv", {"image", "c1.w", "c1.b"}, {"c1"}, {test::aInts("pads", {1, 1, 1, 1})}, "/features/conv1/Conv");
  g.node("Relu", {"c1"}, {"r1"}, {}, "/features/relu1/Relu");
  g.node("GlobalAveragePool", {"r1"}, {"gap"}, {}, "/features/pool/GlobalAveragePool");
  g.initInts("two", {}, {2});
  g.initInts("minus1", {1}, {-1});
  g.node("Mul", {"two", "two"}, {"four"}, {}, "/shape/Mul");  // constant: hidden by default
  g.node("Flatten", {"gap"}, {"flat"}, {}, "/head/Flatten");
  g.weight("fc.w", {10, 16});
  g.node("Gemm", {"flat", "fc.w"}, {"logits"}, {test::aInt("transB", 1)}, "/head/fc/Gemm");
  g.output("logits");
  return m;
}

struct Built {
  ir::Model m;
  InferenceResult inf;
  Metrics met;
};
Built build(InferenceOptions o = {}) {
  Built b{smallNet(), {}, {}};
  b.inf = inferShapes(b.m, o);
  b.met = computeMetrics(b.m, b.inf);
  return b;
}

TEST(ShapesSummary, RowsHideConstantNodesAndKeepNodeIds) {
  Built b = build();
  SummaryTable t = buildSummary(b.m, b.inf, b.met);
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(t.hidden_constant_nodes, 1);
  EXPECT_EQ(t.rows[0].name, "/features/conv1/Conv");
  EXPECT_EQ(t.rows[0].node, ir::NodeId{0});
  EXPECT_EQ(t.rows[0].output_shape, "[N, 16, 32, 32]");
  EXPECT_EQ(t.rows[0].params, 448);
  EXPECT_FALSE(t.rows[0].macs_known);  // N is symbolic
  EXPECT_EQ(t.rows[4].name, "/head/fc/Gemm");
  EXPECT_EQ(t.rows[4].node, ir::NodeId{5});
  EXPECT_EQ(t.totals.params, 448 + 160);
  SummaryOptions all;
  all.show_constant_nodes = true;
  EXPECT_EQ(buildSummary(b.m, b.inf, b.met, all).rows.size(), 6u);
}

TEST(ShapesSummary, SortFilterAndGroup) {
  InferenceOptions o;
  o.input_overrides["image"] = shape({1, 3, 32, 32});
  Built b = build(o);
  SummaryOptions s;
  s.sort = SummaryOptions::Sort::Macs;
  s.descending = true;
  SummaryTable t = buildSummary(b.m, b.inf, b.met, s);
  EXPECT_EQ(t.rows[0].op_type, "Conv");
  EXPECT_EQ(t.rows[0].macs, 16LL * 32 * 32 * 27);
  EXPECT_NEAR(t.rows[0].macs_percent, 100.0 * t.rows[0].macs / (t.rows[0].macs + 160), 1e-9);
  SummaryOptions f;
  f.filter = "GEMM";
  SummaryTable ft = buildSummary(b.m, b.inf, b.met, f);
  ASSERT_EQ(ft.rows.size(), 1u);
  EXPECT_EQ(ft.totals.params, t.totals.params);  // totals never follow the filter
  SummaryOptions g;
  g.group_depth = 1;
  SummaryTable gt = buildSummary(b.m, b.inf, b.met, g);
  ASSERT_EQ(gt.rows.size(), 3u);  // features, shape, head
  EXPECT_EQ(gt.rows[0].name, "features");
  EXPECT_EQ(gt.rows[0].nodes, 3);
  EXPECT_EQ(gt.rows[0].params, 448);
  EXPECT_EQ(gt.rows[2].name, "head");
  EXPECT_EQ(gt.rows[2].macs, 160);
}

TEST(ShapesSummary, TextMarkdownCsvJson) {
  InferenceOptions o;
  o.input_overrides["image"] = shape({1, 3, 32, 32});
  Built b = build(o);
  SummaryTable t = buildSummary(b.m, b.inf, b.met);

  std::string text = formatText(t);
  EXPECT_NE(text.find("Layer (name)"), std::string::npos);
  size_t at = text.find("\n/features/conv1/Conv ");
  ASSERT_NE(at, std::string::npos);
  std::string row = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  EXPECT_NE(row.find(" Conv "), std::string::npos) << row;
  EXPECT_NE(row.find("[1, 16, 32, 32]"), std::string::npos) << row;
  EXPECT_NE(row.find("442,368"), std::string::npos) << row;
  EXPECT_NE(text.find("Total params: 608"), std::string::npos);
  EXPECT_NE(text.find("Total MACs: 442,528"), std::string::npos);

  std::string md = formatMarkdown(t);
  EXPECT_EQ(md.rfind("| Layer (name) | Type | Output shape | Params | MACs | % MACs |\n|---|", 0), 0u);
  EXPECT_NE(md.find("| /head/fc/Gemm | Gemm | [1, 10] | 160 | 160 | 0.04 |"), std::string::npos);

  std::string csv = formatCsv(t);
  EXPECT_EQ(csv.rfind("name,op_type,output_shape,params,macs,flops,macs_percent\n", 0), 0u);
  EXPECT_NE(csv.find("/features/conv1/Conv,Conv,\"[1, 16, 32, 32]\",448,442368,"), std::string::npos);
  EXPECT_NE(csv.find("(total),,,608,442528,"), std::string::npos);

  nlohmann::json j = nlohmann::json::parse(formatJson(t));
  EXPECT_EQ(j["totals"]["params"], 608);
  EXPECT_EQ(j["totals"]["macs"], 442528);
  EXPECT_EQ(j["totals"]["param_bytes"], 608 * 4);
  EXPECT_TRUE(j["totals"].contains("flops"));
  EXPECT_TRUE(j["totals"].contains("activation_bytes"));
  ASSERT_EQ(j["nodes"].size(), 5u);
  EXPECT_EQ(j["nodes"][0]["name"], "/features/conv1/Conv");
  EXPECT_EQ(j["nodes"][0]["op_type"], "Conv");
  EXPECT_EQ(j["nodes"][0]["output_shapes"], nlohmann::json::parse("[[1, 16, 32, 32]]"));
  EXPECT_EQ(j["nodes"][0]["params"], 448);
  EXPECT_EQ(j["params_by_dtype"][0]["elem_type"], "FLOAT");
}

TEST(ShapesSummary, SymbolicShapesInJsonAndCsvQuoting) {
  Built b = build();
  SummaryTable t = buildSummary(b.m, b.inf, b.met);
  nlohmann::json j = nlohmann::json::parse(formatJson(t));
  EXPECT_EQ(j["nodes"][0]["output_shapes"], nlohmann::json::parse("[[\"N\", 16, 32, 32]]"));
  EXPECT_EQ(j["nodes"][0]["macs_known"], false);
  t.rows[0].name = "a,\"b\"";
  EXPECT_NE(formatCsv(t).find("\"a,\"\"b\"\"\""), std::string::npos);
  t.rows[0].name = "a|b";
  EXPECT_NE(formatMarkdown(t).find("a\\|b"), std::string::npos);
}

}  // namespace
}  // namespace nf::shapes

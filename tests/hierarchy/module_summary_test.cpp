// The Keras/torchinfo-like summary (hierarchy/module_summary.h): module rows to a
// depth, a series of identical layers folded into one row, totals unchanged.
#include <gtest/gtest.h>

#include "hierarchy/hierarchy.h"
#include "hierarchy/module_summary.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"
#include "support/synthetic_models.h"

namespace nf::hierarchy {
namespace {

struct Fixture {
  ir::Model m;
  Hierarchy h;
  shapes::Metrics met;
  explicit Fixture(ir::Model model) : m(std::move(model)) {
    auto r = buildHierarchy(m);
    EXPECT_TRUE(r.ok());
    h = std::move(r.value());
    met = shapes::computeMetrics(m, shapes::inferShapes(m));
  }
};

const shapes::SummaryRow* rowNamed(const shapes::SummaryTable& t, const std::string& name) {
  for (const auto& r : t.rows)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(hierarchyModuleSummary, StackOfIdenticalLayersFoldsIntoOneRow) {
  test::StackOptions o;
  o.layers = 24;
  Fixture f(test::makeTransformerStack(o));
  ASSERT_TRUE(hasModules(f.h));
  const shapes::SummaryTable t = buildModuleSummary(f.m, f.h, f.met);
  EXPECT_TRUE(t.modules);
  // A few dozen rows, not one per op (24 x 60 + 4).
  EXPECT_LT(t.rows.size(), 40u);
  const shapes::SummaryRow* layers = rowNamed(t, "layers.0-23");
  ASSERT_NE(layers, nullptr);
  EXPECT_EQ(layers->instances, 24u);
  EXPECT_EQ(layers->op_type.rfind("\xC3\x97" "24 (", 0), 0u) << layers->op_type;
  EXPECT_EQ(layers->nodes, 24 * test::stackLayerNodes(true));
  // The series row has the whole series' parameters; the rows below it are one
  // instance's modules, and together with the instance's own ops they add up to 1/24.
  int64_t below = 0;
  const size_t at = static_cast<size_t>(layers - t.rows.data());
  for (size_t i = at + 1; i < t.rows.size() && t.rows[i].depth > layers->depth; ++i)
    if (t.rows[i].depth == layers->depth + 1) below += t.rows[i].params;
  EXPECT_EQ(below * 24, layers->params);
  EXPECT_NE(rowNamed(t, "self_attn"), nullptr);
  EXPECT_EQ(rowNamed(t, "layers.5"), nullptr);  // folded
  // Totals as the op table has them.
  int64_t top = 0;
  for (const auto& r : t.rows)
    if (r.depth == 0) top += r.params;
  EXPECT_EQ(top, t.totals.params);
  EXPECT_EQ(t.totals.params, f.met.totals.params);
}

TEST(hierarchyModuleSummary, DepthCutsAndExpandingOpens) {
  test::StackOptions o;
  o.layers = 3;
  Fixture f(test::makeTransformerStack(o));
  ModuleSummaryOptions one;
  one.depth = 1;
  const shapes::SummaryTable t1 = buildModuleSummary(f.m, f.h, f.met, one);
  for (const auto& r : t1.rows) EXPECT_EQ(r.depth, 0) << r.name;
  const shapes::SummaryTable t3 = buildModuleSummary(f.m, f.h, f.met);
  EXPECT_GT(t3.rows.size(), t1.rows.size());
  // A module cut by the depth is expandable; expanding it lists its ops.
  const shapes::SummaryRow* attn = rowNamed(t3, "self_attn");
  ASSERT_NE(attn, nullptr);
  EXPECT_TRUE(attn->expandable);
  ModuleSummaryOptions open;
  open.expanded.push_back(GroupId{static_cast<uint32_t>(attn->group)});
  const shapes::SummaryTable t4 = buildModuleSummary(f.m, f.h, f.met, open);
  EXPECT_NE(rowNamed(t4, "/enc/layers.0/self_attn/Softmax"), nullptr);
  // --ops: everything open, down to ops; still far fewer rows than... every op once.
  ModuleSummaryOptions ops;
  ops.ops = true;
  const shapes::SummaryTable all = buildModuleSummary(f.m, f.h, f.met, ops);
  EXPECT_NE(rowNamed(all, "/enc/layers.0/norm1/Sqrt"), nullptr);
  EXPECT_EQ(rowNamed(all, "/enc/layers.1/norm1/Sqrt"), nullptr);  // the fold keeps one instance
  EXPECT_NE(rowNamed(all, "/head/MatMul"), nullptr);
}

TEST(hierarchyModuleSummary, TextFormatIndentsAndKeepsTotals) {
  test::StackOptions o;
  o.layers = 4;
  Fixture f(test::makeTransformerStack(o));
  const std::string text = shapes::formatText(buildModuleSummary(f.m, f.h, f.met));
  EXPECT_EQ(text.rfind("Module", 0), 0u) << text;
  EXPECT_NE(text.find("layers.0-3"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  self_attn"), std::string::npos) << text;
  EXPECT_NE(text.find("Total params: "), std::string::npos);
  const std::string json = shapes::formatJson(buildModuleSummary(f.m, f.h, f.met));
  EXPECT_NE(json.find("\"modules\": ["), std::string::npos);
  EXPECT_NE(json.find("\"instances\": 4"), std::string::npos);
}

TEST(hierarchyModuleSummary, NoNamesNoModules) {
  test::StackOptions o;
  o.layers = 3;
  o.names = false;
  Fixture f(test::makeTransformerStack(o));
  EXPECT_FALSE(hasModules(f.h));
}

}  // namespace
}  // namespace nf::hierarchy

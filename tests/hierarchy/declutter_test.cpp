// Declutter categories: constants, shape chains, Identity/Cast, high fan-out.
#include <gtest/gtest.h>

#include "hierarchy/declutter.h"
#include "hierarchy/topology.h"
#include "support/synthetic_models.h"

namespace nf::hierarchy {
namespace {

struct Classified {
  ir::Model model;
  Topology topo;
  Declutter d;
  uint8_t of(const std::string& name) const {
    const auto& nodes = model.main().nodes;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].name == name) return d.node_categories[i];
    ADD_FAILURE() << "no node " << name;
    return 0xFF;
  }
};

Classified classify(ir::Model m, DeclutterOptions o = {}) {
  Classified c;
  c.model = std::move(m);
  c.topo = buildTopology(c.model.main());
  c.d = classifyNodes(c.model.main(), c.topo, o);
  return c;
}

TEST(hierarchyDeclutter, ShapeChainConstantsAndPassThrough) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  std::string w = b.weight("w");
  // Constant and a constant-only computation (foldable at export time).
  std::string c = b.op("Constant", "c", {});
  std::string cc = b.op("Mul", "c_times_w", {c, w});
  // Shape -> Gather -> Unsqueeze -> Concat -> Reshape(data, shape)
  std::string sh = b.op("Shape", "shape", {x});
  std::string g = b.op("Gather", "gather", {sh, b.op("Constant", "idx", {})});
  std::string u = b.op("Unsqueeze", "unsq", {g, b.op("Constant", "axes", {})});
  std::string cat = b.op("Concat", "concat", {u, cc});
  std::string r = b.op("Reshape", "reshape", {x, cat});
  std::string cs = b.op("Cast", "cast_of_shape", {sh});
  // Identity/Cast on data.
  std::string id = b.op("Identity", "ident", {r});
  std::string ca = b.op("Cast", "cast", {id});
  std::string y = b.op("Add", "add", {ca, cs});
  // Identity of a constant is a constant.
  std::string ic = b.op("Identity", "ident_const", {w});
  std::string rnd = b.op("RandomNormal", "random", {});
  std::string z = b.op("Mul", "mul", {y, ic});
  z = b.op("Add", "add_random", {z, rnd});
  b.output(z);
  Classified k = classify(std::move(m));
  EXPECT_EQ(k.of("c"), kCategoryConstant);
  EXPECT_EQ(k.of("c_times_w"), kCategoryConstant);
  EXPECT_EQ(k.of("idx"), kCategoryConstant);
  EXPECT_EQ(k.of("shape"), kCategoryShape);
  EXPECT_EQ(k.of("gather"), kCategoryShape);
  EXPECT_EQ(k.of("unsq"), kCategoryShape);
  EXPECT_EQ(k.of("concat"), kCategoryShape);
  EXPECT_EQ(k.of("cast_of_shape"), kCategoryShape);  // a Cast, but of a shape: shape wins
  EXPECT_EQ(k.of("reshape"), kCategoryNone);         // consumes data: the chain ends here
  EXPECT_EQ(k.of("ident"), kCategoryPassThrough);
  EXPECT_EQ(k.of("cast"), kCategoryPassThrough);
  EXPECT_EQ(k.of("add"), kCategoryNone);
  EXPECT_EQ(k.of("ident_const"), kCategoryConstant);
  EXPECT_EQ(k.of("random"), kCategoryNone);  // no inputs, but not fixed
  EXPECT_EQ(k.d.constant_count, 5u);
  EXPECT_EQ(k.d.shape_count, 5u);
  EXPECT_EQ(k.d.pass_through_count, 2u);
  EXPECT_STREQ(categoryName(kCategoryShape), "shape");
}

TEST(hierarchyDeclutter, HighFanOutCountsDistinctConsumers) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  std::string mask = b.op("Sigmoid", "mask", {x});
  std::string y = x;
  for (int i = 0; i < 20; ++i) y = b.op("Add", "add" + std::to_string(i), {y, mask});
  std::string twice = b.op("Relu", "twice", {x});
  b.op("Mul", "sq0", {twice, twice});  // one consumer using it twice
  b.output(y);
  DeclutterOptions o;
  o.high_fan_out = 16;
  Classified k = classify(std::move(m), o);
  EXPECT_EQ(k.of("mask"), kCategoryHighFanOut);
  EXPECT_EQ(k.of("twice"), kCategoryNone);
  EXPECT_EQ(k.d.high_fan_out_count, 1u);
  o.high_fan_out = 0;  // off
  Classified off = classify(k.model, o);
  EXPECT_EQ(off.of("mask"), kCategoryNone);
}

TEST(hierarchyDeclutter, NodesOutOfOrderAndCyclesDoNotBreakIt) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  // The consumer comes before its producer in the file; a and b feed each other.
  b.op("Reshape", "reshape", {"x", "shape_out"});
  b.node("Shape", {"x"}, {"shape_out"}, {}, "shape");
  b.node("Add", {"b_out"}, {"a_out"}, {}, "a");
  b.node("Add", {"a_out"}, {"b_out"}, {}, "b");
  b.input("x");
  Classified k = classify(std::move(m));
  EXPECT_EQ(k.of("shape"), kCategoryShape);
  EXPECT_EQ(k.of("reshape"), kCategoryNone);
  EXPECT_EQ(k.of("a"), kCategoryNone);
}

TEST(hierarchyDeclutter, SyntheticLayerCounts) {
  test::StackOptions o;
  o.layers = 3;
  ir::Model m = test::makeTransformerStack(o);
  Classified k = classify(std::move(m));
  // Per layer: 5 Constants in attention (3 in the shape chain, the scale, a reshape
  // target), 2 per LayerNorm; Shape, Gather, Unsqueeze, Concat; one Identity.
  EXPECT_EQ(k.d.constant_count, 3u * 9u);
  EXPECT_EQ(k.d.shape_count, 3u * 4u);
  EXPECT_EQ(k.d.pass_through_count, 3u);
}

}  // namespace
}  // namespace nf::hierarchy

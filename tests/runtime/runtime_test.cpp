// Unit tests of the runtime core: broadcasting, the plan (order, lifetimes,
// buffer reuse), the executor's slicing/cancel/keep/input checks, lazy weights,
// float16 handling and .npy files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "base/float16.h"
#include "runtime/executor.h"
#include "runtime/npy.h"
#include "runtime/ops_common.h"
#include "support/model_builder.h"

using namespace nf;
using namespace nf::runtime;

namespace {

Tensor floats(std::vector<int64_t> shape, std::vector<float> v) {
  Tensor t = makeTensor(ir::ElemType::Float, std::move(shape));
  std::memcpy(t.data<float>(), v.data(), v.size() * 4);
  return t;
}

std::vector<float> values(const Tensor& t) { return {t.data<float>(), t.data<float>() + t.count()}; }

}  // namespace

TEST(Broadcast, ShapesFollowNumpyRules) {
  std::vector<int64_t> out;
  ASSERT_TRUE(broadcastShapes({{2, 1, 3}, {4, 1}}, &out));
  EXPECT_EQ(out, (std::vector<int64_t>{2, 4, 3}));
  ASSERT_TRUE(broadcastShapes({{}, {5}}, &out));
  EXPECT_EQ(out, (std::vector<int64_t>{5}));
  ASSERT_TRUE(broadcastShapes({{0, 1}, {1, 3}}, &out));
  EXPECT_EQ(out, (std::vector<int64_t>{0, 3}));
  EXPECT_FALSE(broadcastShapes({{2, 3}, {4}}, &out));
}

TEST(Broadcast, AddAndWhereBroadcastAllInputs) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("a", test::F32, test::shape({2, 1}));
  g.input("b", test::F32, test::shape({1, 3}));
  g.input("c", test::BOOL, test::shape({3}));
  g.node("Add", {"a", "b"}, {"s"});
  g.node("Where", {"c", "s", "a"}, {"y"});
  g.output("y");
  Tensor c = makeTensor(ir::ElemType::Bool, {3});
  c.data<uint8_t>()[0] = 1;
  c.data<uint8_t>()[2] = 1;
  Executor ex(m);
  ASSERT_TRUE(ex.runAll({{"a", Value::of(floats({2, 1}, {1, 2}))}, {"b", Value::of(floats({1, 3}, {10, 20, 30}))}, {"c", Value::of(c)}}).ok());
  const Tensor& y = ex.outputs()[0].second.tensor;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values(y), (std::vector<float>{11, 1, 31, 12, 2, 32}));
}

TEST(Plan, ReleasesEachValueAfterItsLastConsumer) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({4}));
  g.node("Relu", {"x"}, {"a"});   // step 0
  g.node("Neg", {"a"}, {"b"});    // step 1
  g.node("Add", {"a", "b"}, {"c"});  // step 2: last use of a and b
  g.node("Abs", {"c"}, {"y"});    // step 3: last use of c
  g.output("y");
  auto plan = makePlan(m, ir::GraphId{0});
  ASSERT_TRUE(plan.ok());
  const auto id = [&](const char* n) { return g.id(n).index; };
  EXPECT_EQ(plan->last_use[id("a")], 2);
  EXPECT_EQ(plan->last_use[id("b")], 2);
  EXPECT_EQ(plan->release_after[2], (std::vector<uint32_t>{std::min(id("a"), id("b")), std::max(id("a"), id("b"))}));
  EXPECT_EQ(plan->release_after[3], (std::vector<uint32_t>{id("c")}));
  EXPECT_TRUE(plan->kept[id("y")]);  // graph output
  PlanOptions keep;
  keep.keep = {"b"};
  auto kept = makePlan(m, ir::GraphId{0}, keep);
  EXPECT_TRUE(kept->kept[id("b")]);
  EXPECT_EQ(kept->release_after[2], (std::vector<uint32_t>{id("a")}));
}

TEST(Plan, MissingKernelsAreNamedBeforeTheRun) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1}));
  g.node("NoSuchOp", {"x"}, {"a"});
  g.node("Relu", {"a"}, {"b"});
  g.node("OtherOp", {"b"}, {"y"}, {}, "", "com.example");
  g.output("y");
  Executor ex(m);
  Status s = ex.start({{"x", Value::of(floats({1}, {1}))}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("NoSuchOp (domain ai.onnx, opset 17)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("OtherOp (domain com.example"), std::string::npos) << s.message();
}

TEST(Executor, ReusesBuffersOfDeadValues) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1000}));
  std::string prev = "x";
  for (int i = 0; i < 6; ++i) {
    const std::string out = i == 5 ? "y" : "t" + std::to_string(i);
    g.node("Neg", {prev}, {out});
    prev = out;
  }
  g.output("y");
  Executor ex(m);
  ASSERT_TRUE(ex.runAll({{"x", Value::of(floats({1000}, std::vector<float>(1000, 2.f)))}}).ok());
  EXPECT_EQ(ex.outputs()[0].second.tensor.data<float>()[999], 2.f);  // six negations
  EXPECT_GE(ex.pool().reused(), 3u);
  EXPECT_LE(ex.pool().allocated(), 3u);
}

// Layers that shrink leave buffers no later output can take (more than twice its
// size): the pool keeps at most the largest live set, freeing the largest first.
TEST(Executor, PoolKeepsAtMostTheLargestLiveSet) {
  BufferPool pool;
  for (size_t bytes : {100, 1000, 10000}) pool.give(pool.take(bytes));
  EXPECT_EQ(pool.pooledBytes(), 11100u);
  pool.trim(1500);
  EXPECT_EQ(pool.pooledBytes(), 1100u);
  const size_t allocated = pool.allocated();
  pool.take(1000);  // still pooled
  EXPECT_EQ(pool.allocated(), allocated);
  pool.take(10000);  // freed by the trim
  EXPECT_EQ(pool.allocated(), allocated + 1);

  // 256 KiB -> 16 KiB -> 1 KiB: without the limit the dead buffers (289 KiB) would
  // outgrow the largest live set (the 256 KiB value and its 16 KiB mean).
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({16, 16, 256}));
  g.node("Neg", {"x"}, {"a"});
  g.node("ReduceMean", {"a"}, {"b"}, {test::aInts("axes", {0})});
  g.node("Neg", {"b"}, {"c"});
  g.node("ReduceMean", {"c"}, {"d"}, {test::aInts("axes", {1})});
  g.node("Neg", {"d"}, {"y"});
  g.output("y");
  Executor ex(m);
  for (int run = 0; run < 2; ++run) {
    ASSERT_TRUE(ex.runAll({{"x", Value::of(floats({16, 16, 256}, std::vector<float>(65536, 3.f)))}}).ok());
    EXPECT_EQ(ex.outputs()[0].second.tensor.data<float>()[255], -3.f);  // three negations of means of 3
    EXPECT_EQ(ex.memory().peak_live_bytes, (65536u + 4096u) * 4u);
    EXPECT_LE(ex.pool().pooledBytes(), ex.memory().peak_live_bytes) << "run " << run;
  }
}

TEST(Executor, StepsUnderABudgetAndCancels) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({2}));
  g.node("Relu", {"x"}, {"a"});
  g.node("Relu", {"a"}, {"b"});
  g.node("Relu", {"b"}, {"y"});
  g.output("y");
  Executor ex(m);
  ASSERT_TRUE(ex.start({{"x", Value::of(floats({2}, {-1, 1}))}}).ok());
  Progress p = ex.step(0);  // a zero budget still runs one node
  EXPECT_EQ(p.done, 1u);
  EXPECT_EQ(p.total, 3u);
  EXPECT_FALSE(p.finished);
  ex.cancel();
  p = ex.step(1000);
  EXPECT_TRUE(p.finished);
  EXPECT_TRUE(p.failed);
  EXPECT_EQ(p.error, "cancelled");
  // A new start runs to the end.
  ASSERT_TRUE(ex.runAll({{"x", Value::of(floats({2}, {-1, 1}))}}).ok());
  EXPECT_EQ(values(ex.outputs()[0].second.tensor), (std::vector<float>{0, 1}));
}

// Conv -> activation pairs are folded into the Conv unless the Conv's output is kept;
// the results are those of the unfused graph.
TEST(Plan, FoldsActivationsIntoTheConvBeforeThem) {
  for (const char* act : {"Relu", "HardSwish", "HardSigmoid", "Clip"}) {
    SCOPED_TRACE(act);
    ir::Model m = test::model(17);
    test::GraphBuilder g(m);
    g.input("x", test::F32, test::shape({1, 2, 3, 3}));
    g.initFloats("w", {2, 2, 1, 1}, {1.5f, -2.f, 0.5f, 4.f});
    g.initFloats("lo", {}, {-1.f});
    g.initFloats("hi", {}, {2.5f});
    g.node("Conv", {"x", "w"}, {"c"});
    if (std::string(act) == "Clip") g.node("Clip", {"c", "lo", "hi"}, {"a"});
    else g.node(act, {"c"}, {"a"});
    g.node("Neg", {"a"}, {"y"});
    g.output("y");
    std::vector<float> xs(18);
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i) * 0.7f - 6.f;
    auto run = [&](PlanOptions o) {
      Executor ex(m, o);
      EXPECT_TRUE(ex.runAll({{"x", Value::of(floats({1, 2, 3, 3}, xs))}}).ok());
      return ex.outputs().empty() ? std::vector<float>{} : values(ex.outputs()[0].second.tensor);
    };
    auto plan = makePlan(m, ir::GraphId{0});
    ASSERT_TRUE(plan.ok());
    EXPECT_NE(plan->fused[0].act, Epilogue::None);
    EXPECT_TRUE(plan->folded[1]);
    PlanOptions unfused;
    unfused.fuse = false;
    const std::vector<float> want = run(unfused);
    EXPECT_EQ(run({}), want);
    PlanOptions keep;  // the Conv's output is inspected: nothing folds
    keep.keep = {"c"};
    auto kept = makePlan(m, ir::GraphId{0}, keep);
    EXPECT_EQ(kept->fused[0].act, Epilogue::None);
    EXPECT_FALSE(kept->folded[1]);
    EXPECT_EQ(run(keep), want);
  }
}

// Conv -> Add (residual) -> Relu folds into one step; an Add that broadcasts is only
// found out at run time, and then runs unfused with the same results.
TEST(Plan, FoldsResidualAddsAndUnfoldsWhenTheyBroadcast) {
  for (bool broadcast : {false, true}) {
    SCOPED_TRACE(broadcast ? "broadcast" : "same shape");
    ir::Model m = test::model(17);
    test::GraphBuilder g(m);
    g.input("x", test::F32, test::shape({1, 2, 2, 2}));
    g.input("r", test::F32, broadcast ? test::shape({1, 2, 1, 1}) : test::shape({1, 2, 2, 2}));
    g.initFloats("w", {2, 2, 1, 1}, {1.5f, -2.f, 0.5f, 4.f});
    g.node("Conv", {"x", "w"}, {"c"});
    g.node("Add", {"r", "c"}, {"s"});
    g.node("Relu", {"s"}, {"a"});
    g.node("Neg", {"a"}, {"y"});
    g.output("y");
    auto plan = makePlan(m, ir::GraphId{0});
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->fused[0].act, Epilogue::Relu);
    EXPECT_TRUE(plan->fused[0].residual.valid());
    EXPECT_TRUE(plan->folded[1] && plan->folded[2]);
    std::vector<float> xs(8), rs(broadcast ? 2 : 8);
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i) * 0.9f - 3.f;
    for (size_t i = 0; i < rs.size(); ++i) rs[i] = static_cast<float>(i) - 1.5f;
    auto run = [&](PlanOptions o) {
      Executor ex(m, o);
      EXPECT_TRUE(ex.runAll({{"x", Value::of(floats({1, 2, 2, 2}, xs))},
                             {"r", Value::of(floats(broadcast ? std::vector<int64_t>{1, 2, 1, 1} : std::vector<int64_t>{1, 2, 2, 2}, rs))}})
                      .ok());
      return ex.outputs().empty() ? std::vector<float>{} : values(ex.outputs()[0].second.tensor);
    };
    PlanOptions unfused;
    unfused.fuse = false;
    const std::vector<float> want = run(unfused);
    ASSERT_EQ(want.size(), 8u);
    EXPECT_EQ(run({}), want);
  }
}

// A Conv output read twice, or a non-constant Clip bound, is not folded.
TEST(Plan, DoesNotFoldWhatItCannotProve) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1, 1, 2, 2}));
  g.input("lo", test::F32, test::shape({}));
  g.initFloats("w", {1, 1, 1, 1}, {2.f});
  g.node("Conv", {"x", "w"}, {"c"});
  g.node("Relu", {"c"}, {"r"});
  g.node("Add", {"r", "c"}, {"s"});    // c read again
  g.node("Conv", {"s", "w"}, {"d"});
  g.node("Clip", {"d", "lo"}, {"y"});  // min is a graph input
  g.output("y");
  auto plan = makePlan(m, ir::GraphId{0});
  ASSERT_TRUE(plan.ok());
  for (const FusedActivation& f : plan->fused) EXPECT_FALSE(f.any());
}

TEST(Executor, KeepsIntermediatesOnRequest) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({2}));
  g.node("Neg", {"x"}, {"a"});
  g.node("Relu", {"a"}, {"y"});
  g.output("y");
  PlanOptions o;
  o.keep_all = true;
  Executor ex(m, o);
  ASSERT_TRUE(ex.runAll({{"x", Value::of(floats({2}, {-1, 1}))}}).ok());
  ASSERT_EQ(ex.kept().size(), 1u);
  EXPECT_EQ(ex.kept()[0].first, "a");
  EXPECT_EQ(values(ex.kept()[0].second.tensor), (std::vector<float>{1, -1}));
}

TEST(Executor, RejectsWrongInputs) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({2, "n"}));
  g.node("Relu", {"x"}, {"y"});
  g.output("y");
  Executor ex(m);
  EXPECT_NE(ex.start({}).message().find("input 'x' was not given"), std::string::npos);
  EXPECT_NE(ex.start({{"x", Value::of(makeTensor(ir::ElemType::Int64, {2, 1}))}}).message().find("must be FLOAT"), std::string::npos);
  EXPECT_NE(ex.start({{"x", Value::of(floats({3, 1}, {1, 2, 3}))}}).message().find("must have shape"), std::string::npos);
  EXPECT_NE(ex.start({{"z", Value::of(floats({2, 1}, {1, 2}))}}).message().find("no input 'z'"), std::string::npos);
  EXPECT_TRUE(ex.start({{"x", Value::of(floats({2, 5}, std::vector<float>(10, 1)))}}).ok());  // symbolic dim: any size
}

TEST(Executor, ReadsWeightsLazilyFromTheByteSourceAndDecodesFloat16) {
  ir::Model m = test::model(17);
  // Source 0: four float16 values 1, 2, -0.5, 65504 after 3 junk bytes.
  std::vector<uint8_t> file = {9, 9, 9, 0x00, 0x3C, 0x00, 0x40, 0x00, 0xB8, 0xFF, 0x7B};
  m.sources.push_back({"model.onnx", std::make_shared<MemorySource>(file)});
  test::GraphBuilder g(m);
  ir::Tensor w;
  w.name = "w";
  w.elem = ir::ElemType::Float16;
  w.dims = {4};
  w.storage = ir::Tensor::Storage::Source;
  w.ref = {0, 3, 8};
  g.init(w);
  g.input("x", ir::ElemType::Float16, test::shape({4}));
  g.node("Mul", {"x", "w"}, {"y"});
  g.output("y");
  Tensor x = makeTensor(ir::ElemType::Float16, {4});
  for (int i = 0; i < 4; ++i) x.data<float>()[i] = 1.f;
  x.data<float>()[1] = 0.333f;
  roundToStoredPrecision(x);
  Executor ex(m);
  ASSERT_TRUE(ex.runAll({{"x", Value::of(x)}}).ok());
  const Tensor& y = ex.outputs()[0].second.tensor;
  EXPECT_EQ(y.type, ir::ElemType::Float16);
  EXPECT_EQ(y.data<float>()[0], 1.f);
  EXPECT_EQ(y.data<float>()[1], halfToFloat(floatToHalf(0.333f * 2)));  // rounded to half precision
  EXPECT_EQ(y.data<float>()[3], 65504.f);
  // Missing external data is named.
  m.main().initializers[0].storage = ir::Tensor::Storage::MissingExternal;
  m.main().initializers[0].external_location = "weights.bin";
  Executor ex2(m);
  Status s = ex2.runAll({{"x", Value::of(x)}});
  EXPECT_NE(s.message().find("weights.bin"), std::string::npos) << s.message();
}

TEST(Tensor, CastFollowsOnnxRules) {
  Tensor f = floats({4}, {-1.7f, 2.5f, 0.f, 300.f});
  Tensor i = castTensor(f, ir::ElemType::Int32);
  EXPECT_EQ(i.data<int32_t>()[0], -1);
  EXPECT_EQ(i.data<int32_t>()[1], 2);
  Tensor b = castTensor(f, ir::ElemType::Bool);
  EXPECT_EQ(b.data<uint8_t>()[0], 1);
  EXPECT_EQ(b.data<uint8_t>()[2], 0);
  Tensor h = castTensor(floats({1}, {0.1f}), ir::ElemType::Float16);
  EXPECT_EQ(h.data<float>()[0], halfToFloat(0x2E66));
  int64_t out;
  EXPECT_FALSE(checkedSizeMul(int64_t{1} << 40, int64_t{1} << 40, &out));
  EXPECT_EQ(shapeCount({int64_t{1} << 40, int64_t{1} << 40}), -1);
}

TEST(Npy, RoundTripsAndRejectsBadFiles) {
  Tensor t = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  auto back = readNpy(writeNpy(t));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(values(*back), values(t));
  std::vector<uint8_t> bytes = writeNpy(t);
  bytes.resize(bytes.size() - 4);
  EXPECT_FALSE(readNpy(bytes).ok());
  EXPECT_FALSE(readNpy({1, 2, 3}).ok());
}

TEST(Executor, HostileShapesFailWithAMessage) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1}));
  g.initInts("huge", {3}, {int64_t{1} << 20, int64_t{1} << 20, int64_t{1} << 20});
  g.node("Expand", {"x", "huge"}, {"y"});
  g.output("y");
  Executor ex(m);
  Status s = ex.runAll({{"x", Value::of(floats({1}, {1}))}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("too large"), std::string::npos) << s.message();

  ir::Model m2 = test::model(17);
  test::GraphBuilder g2(m2);
  g2.initInts("neg", {2}, {-3, 4});
  g2.node("ConstantOfShape", {"neg"}, {"y"});
  g2.output("y");
  Executor ex2(m2);
  EXPECT_FALSE(ex2.runAll({}).ok());

  ir::Model m3 = test::model(17);
  test::GraphBuilder g3(m3);
  g3.input("x", test::F32, test::shape({2, 3}));
  g3.initInts("idx", {1}, {7});
  g3.node("Gather", {"x", "idx"}, {"y"});
  g3.output("y");
  Executor ex3(m3);
  Status s3 = ex3.runAll({{"x", Value::of(floats({2, 3}, {1, 2, 3, 4, 5, 6}))}});
  EXPECT_NE(s3.message().find("out of range"), std::string::npos) << s3.message();
  EXPECT_NE(s3.message().find("Gather"), std::string::npos) << s3.message();
}

TEST(Executor, RunsModelLocalFunctionsWithTheirAttributes) {
  ir::Model m = test::model(17);
  m.opsets.push_back({"custom", 1});
  // AddScaled(x, y) = x + alpha * y, alpha an attribute of the call.
  const ir::GraphId body = test::GraphBuilder::addBody(m, ir::GraphId{}, "AddScaled");
  {
    test::GraphBuilder f(m, body);
    f.input("x", ir::Type{});
    f.input("y", ir::Type{});
    ir::Attribute ref;
    ref.name = "value_float";
    ref.type = ir::AttrType::Float;
    ref.ref_attr_name = "alpha";
    f.node("Constant", {}, {"c"}, {ref});
    f.node("Mul", {"y", "c"}, {"t"});
    f.node("Add", {"x", "t"}, {"z"});
    f.output("z");
  }
  ir::Function fn;
  fn.name = "AddScaled";
  fn.domain = "custom";
  fn.attributes = {"alpha"};
  fn.body = body;
  m.graph(body).function = 0;
  m.functions.push_back(fn);
  test::GraphBuilder g(m);
  g.input("a", test::F32, test::shape({2}));
  g.input("b", test::F32, test::shape({2}));
  g.node("AddScaled", {"a", "b"}, {"s"}, {test::aFloat("alpha", 2.f)}, "", "custom");
  g.node("AddScaled", {"s", "b"}, {"y"}, {test::aFloat("alpha", -1.f)}, "", "custom");
  g.output("y");
  Executor ex(m);
  ASSERT_TRUE(ex.runAll({{"a", Value::of(floats({2}, {1, 2}))}, {"b", Value::of(floats({2}, {10, 20}))}}).ok());
  EXPECT_EQ(values(ex.outputs()[0].second.tensor), (std::vector<float>{11, 22}));  // a + 2b - b
}

// Weights read only as Conv/Gemm/MatMul weights are held once, packed: after a run
// their decoded copies are gone, later runs give the same results from the packs,
// and a new input size (the packs no longer fit) decodes them again from the model.
// A weight some other op also reads keeps its decoded copy.
TEST(Executor, KeepsOnePackedCopyOfConvAndGemmWeights) {
  ir::Model m = test::model(17);
  test::GraphBuilder g(m);
  auto ramp = [](size_t n, float scale) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<float>(i) * 0.37f) * scale;
    return v;
  };
  g.input("x", test::F32, test::shape({1, 4, "h", "w"}));
  g.initFloats("w1", {8, 4, 3, 3}, ramp(8 * 4 * 9, 0.3f));
  g.initFloats("b1", {8}, ramp(8, 0.1f));
  g.initFloats("wd", {8, 1, 3, 3}, ramp(8 * 9, 0.5f));  // depthwise
  g.initFloats("wf", {5, 8}, ramp(40, 0.4f));            // Gemm transB
  g.initFloats("wm", {5, 6}, ramp(30, 0.2f));            // MatMul, also read by Mul below
  g.node("Conv", {"x", "w1", "b1"}, {"c1"}, {test::aInts("pads", {1, 1, 1, 1})});
  g.node("Conv", {"c1", "wd"}, {"c2"}, {test::aInt("group", 8), test::aInts("pads", {1, 1, 1, 1})});
  g.node("GlobalAveragePool", {"c2"}, {"p"});
  g.node("Flatten", {"p"}, {"f"});
  g.node("Gemm", {"f", "wf"}, {"gm"}, {test::aInt("transB", 1)});
  g.node("MatMul", {"gm", "wm"}, {"mm"});
  g.node("Mul", {"wm", "wm"}, {"sq"});
  g.output("mm");
  g.output("sq");
  auto input = [&](int64_t h, int64_t w) {
    return std::vector<NamedValue>{{"x", Value::of(floats({1, 4, h, w}, ramp(static_cast<size_t>(4 * h * w), 1.f)))}};
  };
  auto outputsOf = [](const Executor& ex) {
    std::vector<std::vector<float>> r;
    for (const auto& [name, v] : ex.outputs()) r.push_back(values(v.tensor));
    return r;
  };
  auto fresh = [&](int64_t h, int64_t w) {
    Executor ex(m);
    EXPECT_TRUE(ex.runAll(input(h, w)).ok());
    return outputsOf(ex);
  };
  Executor ex(m);
  ASSERT_TRUE(ex.runAll(input(9, 11)).ok());
  const auto first = outputsOf(ex);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(first[0].size(), 6u);
  const MemoryStats mem = ex.memory();
  EXPECT_EQ(mem.weight_bytes, (8u * 36 + 8 + 72 + 40 + 30) * 4);
  EXPECT_EQ(mem.held_weight_bytes, (8u + 30) * 4);  // the bias, and wm (Mul reads it too)
  EXPECT_GE(mem.packed_bytes, (8u * 36 + 72 + 40 + 30) * 4);
  ASSERT_TRUE(ex.runAll(input(9, 11)).ok());  // from the packs alone
  EXPECT_EQ(outputsOf(ex), first);
  ASSERT_TRUE(ex.runAll(input(5, 3)).ok());  // other sizes: repacked from the model
  EXPECT_EQ(outputsOf(ex), fresh(5, 3));
  EXPECT_EQ(ex.memory().held_weight_bytes, (8u + 30) * 4);
  ASSERT_TRUE(ex.runAll(input(9, 11)).ok());
  EXPECT_EQ(outputsOf(ex), first);
  // Another SGEMM back end (natively on x86-64): no pack fits, all are made again
  // from the weights decoded anew.
  if (kernels::gemm_backends().size() > 1) {
    kernels::use_gemm_backend(kernels::gemm_backends().size() - 1);
    const auto want = fresh(9, 11);
    ASSERT_TRUE(ex.runAll(input(9, 11)).ok());
    EXPECT_EQ(outputsOf(ex), want);
    kernels::use_gemm_backend(0);
  }
}

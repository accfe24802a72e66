// Builder document -> ONNX, read back by our reader and run by our runtime: every
// template's outputs have the builder's shapes, its weights the builder's parameter
// count; seeds and --init behave; bad documents are refused with one sentence.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "base/byte_source.h"
#include "builder/analysis.h"
#include "builder/document.h"
#include "builder/templates.h"
#include "onnx/reader.h"
#include "onnxexport/export_onnx.h"
#include "runtime/executor.h"

namespace nf {
namespace {

using builder::Framework;

ir::Model readBack(const std::string& bytes) {
  auto src = std::make_shared<MemorySource>(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  auto model = onnx::readModel(src, "exported.onnx");
  EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.error().message);
  return model.ok() ? std::move(*model) : ir::Model{};
}

// Feeds every graph input with small values (token ids 0/1) at batch 2; returns the outputs.
std::vector<runtime::NamedValue> runModel(const ir::Model& m) {
  std::vector<runtime::NamedValue> inputs;
  const ir::Graph& g = m.main();
  for (ir::ValueId id : g.realInputs()) {
    const ir::Value& v = g.value(id);
    std::vector<int64_t> shape;
    for (const ir::Dim& d : v.type.shape.dims) shape.push_back(d.kind == ir::Dim::Kind::Known ? d.value : 2);
    runtime::Tensor t = runtime::makeTensor(v.type.elem, shape);
    for (int64_t i = 0; i < t.count(); ++i) runtime::setElementFromDouble(t, i, double(i % 2));
    inputs.emplace_back(v.name, runtime::Value::of(std::move(t)));
  }
  runtime::Executor ex(m);
  Status st = ex.runAll(std::move(inputs));
  EXPECT_TRUE(st.ok()) << st.message();
  return st.ok() ? ex.outputs() : std::vector<runtime::NamedValue>{};
}

TEST(ExportOnnx, EveryTemplateRunsWithTheBuildersShapesAndParameterCount) {
  for (const builder::Template& t : builder::templates()) {
    SCOPED_TRACE(t.name);
    const builder::Document doc = t.build();
    const builder::Analysis a = builder::analyze(doc, Framework::PyTorch);
    auto exported = onnxexport::exportOnnx(doc);
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    EXPECT_EQ(exported->parameters, a.total.total());
    const ir::Model m = readBack(exported->bytes);
    ASSERT_EQ(m.main().outputs.size(), a.outputs.size());
    int64_t weights = 0;
    for (const ir::Tensor& w : m.main().initializers) weights += w.elementCount();
    EXPECT_EQ(weights, a.total.total());
    const auto outputs = runModel(m);
    ASSERT_EQ(outputs.size(), a.outputs.size());
    for (size_t k = 0; k < outputs.size(); ++k) {
      std::vector<int64_t> want = {2};
      for (int64_t d : a.find(a.outputs[k])->output->dimsFor(Framework::PyTorch)) want.push_back(d);
      EXPECT_EQ(outputs[k].second.tensor.shape, want) << outputs[k].first;
    }
  }
}

TEST(ExportOnnx, SeedsAndInitModes) {
  const builder::Document doc = builder::findTemplate("LeNet-5")->build();
  auto a = onnxexport::exportOnnx(doc, {onnxexport::Init::Random, 1});
  auto b = onnxexport::exportOnnx(doc, {onnxexport::Init::Random, 1});
  auto c = onnxexport::exportOnnx(doc, {onnxexport::Init::Random, 2});
  auto z = onnxexport::exportOnnx(doc, {onnxexport::Init::Zeros, 1});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && z.ok());
  EXPECT_EQ(a->bytes, b->bytes);  // the same seed gives the same file
  EXPECT_NE(a->bytes, c->bytes);
  EXPECT_EQ(a->bytes.size(), z->bytes.size());
  // Zeros: every output of the model is the last layer's bias, 0.
  for (const auto& [name, v] : runModel(readBack(z->bytes)))
    for (int64_t i = 0; i < v.tensor.count(); ++i) EXPECT_EQ(runtime::elementAsDouble(v.tensor, i), 0.0) << name;
  EXPECT_EQ(onnxexport::parseInit("zeros"), onnxexport::Init::Zeros);
  EXPECT_FALSE(onnxexport::parseInit("ones").has_value());
}

builder::Document chain(std::vector<std::pair<std::string, builder::ParamMap>> layers) {
  builder::Document doc;
  builder::NodeId prev;
  for (auto& [type, params] : layers) {
    auto n = builder::makeNode(doc, type, {});
    EXPECT_TRUE(n.ok());
    for (auto& [k, v] : params) n->params[k] = v;
    const builder::NodeId id = n->id;
    EXPECT_TRUE(doc.insertNode(*n).ok());
    if (prev.valid()) EXPECT_TRUE(doc.insertEdge({prev, id, 0}).ok());
    prev = id;
  }
  return doc;
}

TEST(ExportOnnx, RefusesWhatCannotBeAModel) {
  auto empty = onnxexport::exportOnnx(builder::Document{});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no output"), std::string::npos) << empty.error().message;

  // A Linear with nothing feeding it: the analysis error, named.
  auto broken = onnxexport::exportOnnx(chain({{"Linear", {}}}));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("linear_1"), std::string::npos) << broken.error().message;

  // 1M x 1M weights (4 TiB): refused before anything is allocated.
  auto huge = onnxexport::exportOnnx(chain({{"Input", {{"shape", builder::IntList{1000000}}}},
                                            {"Linear", {{"out_features", int64_t{1000000}}}}}));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;
}

}  // namespace
}  // namespace nf

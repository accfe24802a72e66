// Shape inference against real tensors: for every corpus model with
// test_data_set_0, the graph inputs are fixed to the shapes of input_N.pb and the
// inferred graph outputs are compared with output_N.pb. Coverage is printed as
// exact / unknown / wrong; wrong must be 0.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "onnx/reader.h"
#include "onnx/tensor_file.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"
#include "support/test_support.h"

namespace nf::shapes {
namespace {

enum class Verdict { Exact, Unknown, Wrong };

// Exact: element type and every dim known and equal. Wrong: a known element
// type, rank or dim that differs. Unknown: anything less informative.
Verdict compare(const ir::Type& inf, const ir::Tensor& real, std::string* why) {
  if (inf.kind == ir::Type::Kind::None) {
    *why = "no type";
    return Verdict::Unknown;
  }
  if (inf.kind != ir::Type::Kind::Tensor) {
    *why = "inferred " + ir::typeToString(inf) + " for a tensor";
    return Verdict::Wrong;
  }
  if (inf.elem != ir::ElemType::Undefined && inf.elem != real.elem) {
    *why = "element type " + std::string(ir::elemTypeName(inf.elem)) + " vs real " +
           std::string(ir::elemTypeName(real.elem));
    return Verdict::Wrong;
  }
  if (!inf.shape.rank_known) {
    *why = "rank unknown";
    return Verdict::Unknown;
  }
  if (inf.shape.rank() != real.dims.size()) {
    *why = "rank " + ir::shapeToString(inf.shape) + " vs real " + ir::shapeToString(ir::Shape::ofKnown(real.dims));
    return Verdict::Wrong;
  }
  bool all = inf.elem != ir::ElemType::Undefined;
  for (size_t k = 0; k < real.dims.size(); ++k) {
    const ir::Dim& d = inf.shape.dims[k];
    if (d.isKnown() && d.value != real.dims[k]) {
      *why = ir::shapeToString(inf.shape) + " vs real " + ir::shapeToString(ir::Shape::ofKnown(real.dims));
      return Verdict::Wrong;
    }
    if (!d.isKnown()) all = false;
  }
  if (!all) {
    *why = ir::typeToString(inf) + " vs real " + std::string(ir::elemTypeName(real.elem)) +
           ir::shapeToString(ir::Shape::ofKnown(real.dims));
    return Verdict::Unknown;
  }
  return Verdict::Exact;
}

struct Coverage {
  int exact = 0, unknown = 0, wrong = 0, skipped = 0, models = 0;
  std::vector<std::string> wrong_list, unknown_list, internal_errors;
};

// Files of one test_data_set_0, in numeric order (input_0, input_1, ..., input_10).
std::vector<std::string> dataFiles(const nlohmann::json& entry, const std::string& prefix) {
  std::map<int, std::string> byIndex;
  for (const auto& f : entry["data_files"]) {
    std::string p = f.get<std::string>();
    if (p.find("/test_data_set_0/") == std::string::npos) continue;
    std::string base = p.substr(p.rfind('/') + 1);
    if (base.rfind(prefix, 0) != 0) continue;
    byIndex[std::atoi(base.c_str() + prefix.size())] = p;
  }
  std::vector<std::string> out;
  for (auto& kv : byIndex) out.push_back(kv.second);
  return out;
}

// with_values: also pin the values of small integer/bool inputs (shape, axes,
// sizes, k...), the second coverage figure; the first uses shapes only.
void runModel(const nlohmann::json& entry, bool with_values, Coverage* cov) {
  std::string path = entry["path"].get<std::string>();
  auto model = onnx::readModelFile(test::corpusPath(path));
  if (!model) return;
  const ir::Graph& G = model->main();
  // Inputs: by name when the tensor has one, else by position among the real inputs.
  InferenceOptions opt;
  opt.use_declared = false;
  auto real_inputs = G.realInputs();
  auto inputs = dataFiles(entry, "input_");
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto t = onnx::readTensorFile(test::corpusPath(inputs[i]));
    if (!t) continue;
    std::string name = t->name;
    if (name.empty() || !G.find(name).valid()) {
      if (i >= real_inputs.size()) continue;
      name = G.value(real_inputs[i]).name;
    }
    // A sequence/optional input file is not a TensorProto (even when it happens
    // to decode as one): such inputs keep their declared type.
    if (G.value(G.find(name)).type.kind != ir::Type::Kind::Tensor) continue;
    opt.input_overrides[name] = ir::Shape::ofKnown(t->dims);
    if (with_values && (ir::isIntegerType(t->elem) || t->elem == ir::ElemType::Bool))
      if (auto v = decodeTensor(*model, *t, 64)) opt.input_values[name] = *v;
  }
  InferenceResult r = inferShapes(*model, opt);
  for (const auto& is : r.issues)
    if (is.message.rfind("internal error", 0) == 0) cov->internal_errors.push_back(path + ": " + is.message);
  auto outputs = dataFiles(entry, "output_");
  ++cov->models;
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto t = onnx::readTensorFile(test::corpusPath(outputs[i]));
    ir::ValueId v;
    if (t && !t->name.empty()) v = G.find(t->name);
    if (!v.valid() && i < G.outputs.size()) v = G.outputs[i];
    if (!t || !v.valid() || G.value(v).type.kind != ir::Type::Kind::Tensor) {
      ++cov->skipped;  // sequences, optionals, maps: not a TensorProto
      continue;
    }
    std::string why;
    std::string label = path + " " + G.value(v).name + ": ";
    switch (compare(r.type(ir::GraphId{0}, v), *t, &why)) {
      case Verdict::Exact: ++cov->exact; break;
      case Verdict::Unknown:
        ++cov->unknown;
        cov->unknown_list.push_back(label + why);
        break;
      case Verdict::Wrong:
        ++cov->wrong;
        cov->wrong_list.push_back(label + why);
        break;
    }
  }
}

TEST(ShapesCorpus, GraphOutputsMatchRealTensors) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  for (bool with_values : {false, true}) {
    Coverage cov;
    for (const auto& entry : test::corpusManifest()["files"]) {
      if (!entry.contains("data_files") || entry["data_files"].empty()) continue;
      runModel(entry, with_values, &cov);
    }
    for (const auto& s : cov.wrong_list) ADD_FAILURE() << "wrong: " << s;
    for (const auto& s : cov.internal_errors) ADD_FAILURE() << s;
    if (std::getenv("NETFORGE_SHAPES_VERBOSE"))
      for (const auto& s : cov.unknown_list) std::printf("unknown: %s\n", s.c_str());
    std::printf("shape coverage over %d models (%s): exact %d / unknown %d / wrong %d (%d non-tensor outputs skipped)\n",
                cov.models, with_values ? "shapes + small integer input values" : "input shapes only", cov.exact,
                cov.unknown, cov.wrong, cov.skipped);
    RecordProperty(with_values ? "exact_with_values" : "exact", cov.exact);
    RecordProperty(with_values ? "unknown_with_values" : "unknown", cov.unknown);
    RecordProperty(with_values ? "wrong_with_values" : "wrong", cov.wrong);
    EXPECT_EQ(cov.wrong, 0);
    EXPECT_GT(cov.models, 500);
    // Regression guard (measured when written: 972 and 1,100 of 1,148).
    EXPECT_GE(cov.exact, with_values ? 1090 : 970);
  }
}

// Every intermediate value of the model-zoo graphs gets a fully known shape.
TEST(ShapesCorpus, LightModelZooValuesAllKnown) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  int checked = 0;
  for (const auto& entry : test::corpusManifest()["files"]) {
    if (entry["folder"] != "light") continue;
    std::string path = entry["path"].get<std::string>();
    auto model = onnx::readModelFile(test::corpusPath(path));
    ASSERT_TRUE(model) << path;
    InferenceOptions opt;
    opt.use_declared = false;
    InferenceResult r = inferShapes(*model, opt);
    const ir::Graph& G = model->main();
    int unknown = 0;
    for (size_t v = 0; v < G.values.size(); ++v) {
      const ir::Type& t = r.type(ir::GraphId{0}, ir::ValueId{static_cast<uint32_t>(v)});
      if (t.kind != ir::Type::Kind::Tensor || !t.shape.fullyKnown()) {
        if (++unknown <= 5) ADD_FAILURE() << path << ": " << G.values[v].name << " is " << ir::typeToString(t);
      }
    }
    EXPECT_EQ(unknown, 0) << path;
    EXPECT_TRUE(r.conflicts.empty()) << path << ": " << (r.conflicts.empty() ? "" : r.conflicts[0].message);
    EXPECT_TRUE(r.missing.empty()) << path;
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

// Nonsense input shapes and values (wrong ranks, zeros, negative sizes) must give
// issues or unknowns, never an internal error, for inference, metrics and tables.
TEST(ShapesCorpus, OddInputsNeverBreakTheAnalysis) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::mt19937 rng(7);  // seeded: the same odd inputs every run
  int runs = 0;
  for (const auto& entry : test::corpusManifest()["files"]) {
    std::string path = entry["path"].get<std::string>();
    auto model = onnx::readModelFile(test::corpusPath(path));
    if (!model) continue;
    for (int variant = 0; variant < 2; ++variant) {
      InferenceOptions opt;
      opt.use_declared = variant == 0;
      for (ir::ValueId v : model->main().realInputs()) {
        std::vector<int64_t> dims(rng() % 5);
        for (auto& d : dims) d = static_cast<int64_t>(rng() % 4);
        const std::string& name = model->main().value(v).name;
        opt.input_overrides[name] = ir::Shape::ofKnown(dims);
        if (variant == 1) {
          ConstValue cv;
          cv.elem = ir::ElemType::Int64;
          cv.dims = {static_cast<int64_t>(dims.size())};
          for (int64_t d : dims) cv.ints.push_back(ir::Dim::known(d - 2));
          opt.input_values[name] = cv;
        }
      }
      InferenceResult r = inferShapes(*model, opt);
      Metrics met = computeMetrics(*model, r);
      SummaryTable t = buildSummary(*model, r, met);
      EXPECT_FALSE(formatJson(t).empty());
      for (const auto& is : r.issues) EXPECT_NE(is.message.rfind("internal error", 0), 0u) << path << ": " << is.message;
      ++runs;
    }
  }
  EXPECT_GT(runs, 1000);
}

}  // namespace
}  // namespace nf::shapes

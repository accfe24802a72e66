// Every model of ../shared/corpus/onnx opens, and what we read equals the facts
// manifest.json records (computed independently with Debian's python3-onnx).
#include <gtest/gtest.h>

#include <set>

#include "onnx/reader.h"
#include "support/test_support.h"

namespace nf {
namespace {

nlohmann::json shapeOf(const ir::Shape& s) {
  if (!s.rank_known) return nullptr;
  nlohmann::json dims = nlohmann::json::array();
  for (const auto& d : s.dims) {
    if (d.isKnown()) dims.push_back(d.value);
    else if (d.isSymbolic()) dims.push_back(d.symbol);
    else dims.push_back(nullptr);
  }
  return dims;
}

// Compares one graph input/output against its manifest entry; returns "" if equal.
std::string compareIo(const ir::Value& v, const nlohmann::json& want) {
  if (v.name != want["name"].get<std::string>()) return "name " + v.name + " != " + want["name"].dump();
  std::string kind = want["kind"];
  if (kind == "tensor") {
    if (!v.type.isTensor()) return v.name + ": expected a tensor";
    // onnx 1.12 (which wrote the manifest) predates types 17+ and calls them UNKNOWN_<code>.
    std::string want_elem = want["elem_type"];
    std::string got_elem(ir::elemTypeName(v.type.elem));
    if (want_elem.rfind("UNKNOWN_", 0) == 0) got_elem = "UNKNOWN_" + std::to_string(static_cast<int>(v.type.elem));
    if (got_elem != want_elem)
      return v.name + ": elem_type " + std::string(ir::elemTypeName(v.type.elem)) + " != " + want["elem_type"].dump();
    nlohmann::json shape = shapeOf(v.type.shape);
    if (shape != want["shape"]) return v.name + ": shape " + shape.dump() + " != " + want["shape"].dump();
  } else if (kind == "sequence_type") {
    if (v.type.kind != ir::Type::Kind::Sequence) return v.name + ": expected a sequence";
  } else if (kind == "optional_type") {
    if (v.type.kind != ir::Type::Kind::Optional) return v.name + ": expected an optional";
  }
  return "";
}

class CorpusFolder : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusFolder, EveryModelOpensAndMatchesTheManifest) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found at " << test::corpusPath("");
  int checked = 0;
  for (const auto& f : test::corpusManifest()["files"]) {
    if (f["folder"] != GetParam()) continue;
    std::string path = f["path"];
    SCOPED_TRACE(path);
    auto r = onnx::readModelFile(test::corpusPath(path));
    ASSERT_TRUE(r.ok()) << r.error().message;
    const ir::Model& m = r.value();
    const ir::Graph& g = m.main();
    EXPECT_EQ(m.ir_version, f["ir_version"].get<int64_t>());
    std::string producer = m.producer_name + (m.producer_version.empty() ? "" : " " + m.producer_version);
    EXPECT_EQ(producer, f["producer"].get<std::string>());
    std::map<std::string, int64_t> opsets;
    for (const auto& o : m.opsets) opsets[o.domain.empty() ? "ai.onnx" : o.domain] = o.version;
    EXPECT_EQ(nlohmann::json(opsets), f["opset_imports"]);
    EXPECT_EQ(g.nodes.size(), f["node_count"].get<size_t>());
    EXPECT_EQ(m.nodeCountIncludingSubgraphs(), f["node_count_incl_subgraphs"].get<size_t>());
    EXPECT_EQ(nlohmann::json(m.opTypes()), f["op_types"]);
    EXPECT_EQ(m.functions.size(), f["functions"].get<size_t>());
    EXPECT_EQ(g.initializers.size(), f["initializer_count"].get<size_t>());
    auto inputs = g.realInputs();
    ASSERT_EQ(inputs.size(), f["inputs"].size());
    for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(compareIo(g.value(inputs[i]), f["inputs"][i]), "");
    ASSERT_EQ(g.outputs.size(), f["outputs"].size());
    for (size_t i = 0; i < g.outputs.size(); ++i) EXPECT_EQ(compareIo(g.value(g.outputs[i]), f["outputs"][i]), "");
    // Every node input/output resolves to a value of this graph (or is an omitted optional).
    for (const auto& n : g.nodes) {
      for (ir::ValueId v : n.inputs)
        if (v.valid()) ASSERT_LT(v.index, g.values.size());
      for (ir::ValueId v : n.outputs)
        if (v.valid()) EXPECT_EQ(g.value(v).producer.valid(), true);
    }
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no manifest entries for folder " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Onnx, CorpusFolder,
                         ::testing::Values("node", "simple", "pytorch-converted", "pytorch-operator", "light",
                                           "others"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '-') c = '_';
                           return s;
                         });

}  // namespace
}  // namespace nf

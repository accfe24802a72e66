// Layers with several outputs (an ONNX op layer's more_outputs: a Split, TopK...): an
// edge names the output it reads; analysis, the editor, saved and compact documents
// follow it, and an edge that reads an output the layer lacks is the consumer's error.
#include <nlohmann/json.hpp>

#include "builder/editor.h"
#include "builder/onnx_op.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

// x (8 features) -> split into 3 + 5 (an ONNX Split with two outputs) -> out 1 to a ReLU,
// out 2 to a Sigmoid.
struct SplitDoc {
  Document doc;
  NodeId x, split, relu, sigmoid;
};

SplitDoc splitDocument() {
  SplitDoc s;
  s.x = input(s.doc, {8});
  s.split = add(s.doc, "OnnxOp",
                {{"op_type", S("Split")},
                 {"attributes", S(R"({"axis": {"i": 1}})")},
                 {"constants", S(R"([{"input": 1, "dtype": "INT64", "dims": [2], "values": [3, 5]}])")},
                 {"output_shape", T({1, 3})},
                 {"output_layout", S("plain")},
                 {"more_outputs", S(R"([{"shape": [1, 5], "dtype": "float32"}])")}},
                {s.x}, "split");
  s.relu = add(s.doc, "ReLU", {}, {s.split}, "relu");
  s.sigmoid = add(s.doc, "Sigmoid", {}, {}, "gate");
  EXPECT_TRUE(s.doc.insertEdge({s.split, s.sigmoid, 0, 1}).ok());
  return s;
}

TEST(BuilderMultiOutput, EachEdgeCarriesTheShapeOfTheOutputItReads) {
  SplitDoc s = splitDocument();
  EXPECT_EQ(outputCount(*s.doc.node(s.split)), 2);
  EXPECT_EQ(outputCount(*s.doc.node(s.relu)), 1);
  const Analysis a = analyze(s.doc, Framework::PyTorch);
  ASSERT_TRUE(a.ok()) << errorLines(s.doc, a).front();
  EXPECT_EQ(dimsOf(a, s.relu), (IntList{3}));
  EXPECT_EQ(dimsOf(a, s.sigmoid), (IntList{5}));
  EXPECT_EQ(a.find(s.split)->output_count, 2);
  for (const EdgeReport& e : a.edges)
    if (e.edge.from == s.split) EXPECT_EQ(e.tensor->dims, (IntList{e.edge.out == 0 ? 3 : 5}));
  // The split is consumed, so the model's outputs are the two activations.
  EXPECT_EQ(a.outputs, (std::vector<NodeId>{s.relu, s.sigmoid}));
  EXPECT_EQ(typeLabel(*s.doc.node(s.split)), "Split");  // what the canvas and lists show
}

TEST(BuilderMultiOutput, ReadingAnOutputTheLayerLacksIsTheConsumersError) {
  SplitDoc s = splitDocument();
  const NodeId extra = add(s.doc, "Tanh", {}, {}, "extra");
  ASSERT_TRUE(s.doc.insertEdge({s.split, extra, 0, 2}).ok());  // a third output: Split has two
  const NodeId plain = add(s.doc, "Tanh", {}, {}, "plain");
  ASSERT_TRUE(s.doc.insertEdge({s.relu, plain, 0, 1}).ok());  // a ReLU has one
  const Analysis a = analyze(s.doc, Framework::PyTorch);
  EXPECT_NE(issuesOf(a, extra).find("reads output 3 of split, which has 2 outputs"), std::string::npos) << issuesOf(a, extra);
  EXPECT_NE(issuesOf(a, plain).find("reads output 2 of relu, which has one output"), std::string::npos) << issuesOf(a, plain);
  EXPECT_TRUE(issuesOf(a, s.sigmoid).empty()) << issuesOf(a, s.sigmoid);

  // An output without a shape (unused in the ONNX model) cannot feed a layer.
  Node split = *s.doc.node(s.split);
  split.params["more_outputs"] = std::string("[{}]");
  ASSERT_TRUE(s.doc.replaceNode(split));
  const Analysis b = analyze(s.doc, Framework::PyTorch);
  EXPECT_NE(issuesOf(b, s.sigmoid).find("reads output 2 of split, which has no shape"), std::string::npos)
      << issuesOf(b, s.sigmoid);
  // Malformed JSON is the layer's own error.
  split.params["more_outputs"] = std::string("[{\"shape\": \"4\"}]");
  ASSERT_TRUE(s.doc.replaceNode(split));
  const Analysis c = analyze(s.doc, Framework::PyTorch);
  EXPECT_NE(issuesOf(c, s.split).find("each further output must be"), std::string::npos) << issuesOf(c, s.split);
}

TEST(BuilderMultiOutput, TheEditorConnectsAnyOutputTheLayerHasAndUndoesIt) {
  SplitDoc s = splitDocument();
  Editor ed;
  ed.load(s.doc);
  const NodeId tanh = *ed.addNode("Tanh", {0, 400});
  ASSERT_TRUE(ed.connect(s.split, tanh, 0, 1).ok());
  ASSERT_NE(ed.document().edgeInto(tanh, 0), nullptr);
  EXPECT_EQ(ed.document().edgeInto(tanh, 0)->out, 1);
  const Status refused = ed.connect(s.split, tanh, 0, 2);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message(), "split has no output 3");
  EXPECT_EQ(ed.document().edgeInto(tanh, 0)->out, 1);
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document().edgeInto(tanh, 0), nullptr);
  // Copy and paste keep which output an edge reads.
  const std::string clip = ed.copy({s.split, s.sigmoid});
  const auto pasted = ed.paste(clip, {300, 0});
  ASSERT_TRUE(pasted.ok()) << pasted.error().message;
  ASSERT_EQ(pasted->size(), 2u);
  ASSERT_NE(ed.document().edgeInto((*pasted)[1], 0), nullptr);
  EXPECT_EQ(ed.document().edgeInto((*pasted)[1], 0)->out, 1);
}

TEST(BuilderMultiOutput, SavedAndCompactDocumentsKeepTheOutputAndOldOnesStillLoad) {
  SplitDoc s = splitDocument();
  const std::string text = saveJson(s.doc);
  const nlohmann::json saved = nlohmann::json::parse(text);
  EXPECT_EQ(saved["version"], 3);  // older NetForge versions say the document is newer
  int outs = 0;
  for (const auto& e : saved["edges"]) outs += e.contains("out") ? 1 : 0;
  EXPECT_EQ(outs, 1);  // only the edge that reads output 2 says so
  LoadReport report;
  auto back = loadJson(text, &report);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, s.doc);
  EXPECT_TRUE(report.notes.empty());
  auto compact = loadCompact(saveCompact(s.doc), &report);
  ASSERT_TRUE(compact.ok()) << compact.error().message;
  EXPECT_EQ(compact->edges(), s.doc.edges());

  // A version 2 document (no "out") loads as before: every edge reads output 1, and it
  // is saved again as version 1 (nothing in it needs more).
  auto old = loadJson(R"({"format":"netforge-builder","version":2,"nodes":[
      {"id":1,"type":"Input","params":{"shape":[4]}},{"id":2,"type":"ReLU"}],
      "edges":[{"from":1,"to":2,"port":0}]})", &report);
  ASSERT_TRUE(old.ok()) << old.error().message;
  ASSERT_EQ(old->edges().size(), 1u);
  EXPECT_EQ(old->edges()[0].out, 0);
  EXPECT_EQ(nlohmann::json::parse(saveJson(*old))["version"], 1);
  // A negative output is dropped with a note, never a crash.
  auto bad = loadJson(R"({"format":"netforge-builder","version":3,"nodes":[
      {"id":1,"type":"Input","params":{"shape":[4]}},{"id":2,"type":"ReLU"}],
      "edges":[{"from":1,"to":2,"port":0,"out":-1}]})", &report);
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(bad->edges().empty());
}

}  // namespace
}  // namespace nf::builder

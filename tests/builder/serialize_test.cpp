// Documents: saved JSON and the compact share form round-trip exactly; newer and
// broken documents load with notes instead of crashing; migrations run in order.
#include <nlohmann/json.hpp>

#include "builder/editor.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

Document sampleDocument() {
  Document d;
  d.name = "Résumé net \"v2\"";
  NodeId x = input(d, {32, 32, 3});
  NodeId c = add(d, "Conv2d", {{"out_channels", I(8)}, {"kernel_size", T({3, 5})}, {"padding", S("same")}}, {x});
  NodeId r = add(d, "ReLU", {}, {c}, "relu main");
  NodeId s = add(d, "Conv2d", {{"out_channels", I(8)}, {"kernel_size", I(1)}}, {x});
  NodeId sum = add(d, "Add", {}, {r, s});
  NodeId drop = add(d, "Dropout", {{"p", F(0.125)}}, {sum});
  add(d, "Flatten", {}, {drop});
  d.mutableNode(c)->pos = {-40, 95};
  return d;
}

TEST(BuilderDocument, SavedJsonRoundTripsExactlyAndIsStable) {
  const Document d = sampleDocument();
  const std::string text = saveJson(d);
  LoadReport report;
  auto back = loadJson(text, &report);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
  EXPECT_EQ(back->nextId(), d.nextId());
  EXPECT_TRUE(report.notes.empty());
  EXPECT_EQ(report.source_version, 1);  // nothing of version 2 in it: still written as 1
  EXPECT_EQ(saveJson(*back), text);
  // The format the issue asks for.
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "netforge-builder");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["nodes"][1]["type"], "Conv2d");
  EXPECT_EQ(j["nodes"][1]["params"]["kernel_size"], nlohmann::json::array({3, 5}));
  EXPECT_EQ(j["nodes"][1]["params"]["bias"], true);  // every parameter is stored
  EXPECT_EQ(j["nodes"][1]["pos"], nlohmann::json::array({-40, 95}));
  EXPECT_EQ(j["edges"][0], nlohmann::json({{"from", 1}, {"to", 2}, {"port", 0}}));
}

// Through a SaveJsonCache told the changed layers (as the app saves), the text of an
// edited document is the same as a fresh save, after every kind of edit; untouched
// layers' lines are copied (a false promise shows it).
TEST(BuilderDocument, CachedSaveOfAnEditedDocumentEqualsAFreshSave) {
  Editor ed(sampleDocument());
  SaveJsonCache cache;
  uint64_t saved = ed.revision();
  EXPECT_EQ(saveJson(ed.document(), &cache), saveJson(ed.document()));
  const NodeId conv{2}, relu{3};
  auto check = [&](const char* what) {
    auto changed = ed.changedSince(saved);
    ASSERT_TRUE(changed) << what;
    cache.onlyChanged(*changed);
    saved = ed.revision();
    EXPECT_EQ(saveJson(ed.document(), &cache), saveJson(ed.document())) << what;
  };
  ASSERT_TRUE(ed.setParam(conv, "out_channels", int64_t{16}));
  check("a parameter");
  ASSERT_TRUE(ed.appendAfter(relu, "ReLU"));
  check("a layer added");
  ASSERT_TRUE(ed.rename(relu, "act"));
  ASSERT_TRUE(ed.moveNodes({conv}, {20, 0}));
  check("a rename and a move at once");
  ASSERT_TRUE(ed.removeNodes({relu}));
  check("a layer deleted");
  ASSERT_TRUE(ed.undo());
  check("undo");
  ASSERT_TRUE(ed.rename(relu, "renamed"));
  cache.onlyChanged({});  // false: the old line is copied
  EXPECT_NE(saveJson(ed.document(), &cache).find("\"name\":\"act\""), std::string::npos);
  EXPECT_NE(saveJson(ed.document(), &cache).find("\"name\":\"renamed\""), std::string::npos);  // used once
  // Edge lines are written by hand: the same bytes as dumping the object.
  EXPECT_NE(saveJson(ed.document()).find(nlohmann::ordered_json({{"from", 1}, {"to", 2}, {"port", 0}}).dump()),
            std::string::npos);
}

// An imported layer's ONNX tensor names (the PyTorch code's weight loader reads them)
// survive a save; a malformed entry is dropped with a note.
TEST(BuilderDocument, OnnxWeightSourcesRoundTrip) {
  Document d = sampleDocument();
  Node* conv = d.mutableNode(d.nodes()[1].id);
  conv->onnx_weights["weight"] = {"onnx::Conv_7", false};
  conv->onnx_weights["bias"] = {"fc.w", true};
  const std::string text = saveJson(d);
  EXPECT_EQ(nlohmann::json::parse(text)["nodes"][1]["onnx_weights"],
            nlohmann::json::parse(R"({"bias":["fc.w",true],"weight":"onnx::Conv_7"})"));
  LoadReport report;
  auto back = loadJson(text, &report);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
  EXPECT_TRUE(report.notes.empty());
  auto bad = loadJson(R"({"format":"netforge-builder","version":1,
    "nodes":[{"id":1,"type":"ReLU","onnx_weights":{"weight":7,"bias":"b"}}]})", &report);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->nodes()[0].onnx_weights.size(), 1u);
  EXPECT_EQ(report.notes, std::vector<std::string>{"node #1: ONNX weight 'weight' is not a name or [name, transposed] and was ignored"});
}

TEST(BuilderDocument, CompactFormRoundTripsAndOmitsDefaults) {
  const Document d = sampleDocument();
  const std::string compact = saveCompact(d);
  auto back = loadCompact(compact);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
  EXPECT_EQ(saveCompact(*back), compact);
  auto j = nlohmann::json::parse(compact);
  EXPECT_EQ(j["v"], 1);
  // Defaults are left out, equal tuples shrink to a number, default names to 0 and
  // the common "previous node feeds port 0" to nothing.
  EXPECT_EQ(j["l"][1], nlohmann::json::parse(R"(["Conv2d",0,{"out_channels":8,"kernel_size":[3,5],"padding":"same"},0,-40,95])"));
  EXPECT_EQ(j["l"][2], nlohmann::json::parse(R"(["ReLU","relu main",0,0,40,65])"));
  EXPECT_EQ(j["l"][3][3], nlohmann::json::parse("[0]"));
  EXPECT_EQ(j["l"][4][3], nlohmann::json::parse("[2,3]"));
  EXPECT_EQ(j["l"][5][2], nlohmann::json::parse(R"({"p":0.125})"));
  EXPECT_LT(compact.size(), saveJson(d).size() / 3);
  // loadDocument() tells the forms apart.
  EXPECT_EQ(*loadDocument(compact), d);
  EXPECT_EQ(*loadDocument(saveJson(d)), d);
}

TEST(BuilderDocument, CompactFormRenumbersSparseIdsButKeepsTheGraph) {
  Editor ed;
  NodeId a = *ed.addNode("Input", {0, 0});
  NodeId b = *ed.appendAfter(a, "Linear");
  NodeId c = *ed.appendAfter(b, "ReLU");
  ASSERT_TRUE(ed.removeNodes({b}).ok());
  ASSERT_TRUE(ed.connect(a, c).ok());
  auto back = loadCompact(saveCompact(ed.document()));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->nodes().size(), 2u);
  EXPECT_EQ(back->nodes()[1].name, "relu_1");
  EXPECT_EQ(back->edges(), (std::vector<Edge>{{NodeId{1}, NodeId{2}, 0}}));
}

TEST(BuilderDocument, UnknownTypesAndParametersFromNewerVersionsSurviveASaveCycle) {
  const char* text = R"({"format":"netforge-builder","version":7,"name":"future",
    "nodes":[{"id":1,"type":"Input","name":"x","params":{"shape":[4]},"pos":[0,0]},
             {"id":2,"type":"HyperLinear","name":"h","params":{"rank":4,"mode":{"a":[1,2]}},"pos":[0,80]},
             {"id":3,"type":"Linear","name":"fc","params":{"out_features":2,"sparsity":0.5},"pos":[0,160]}],
    "edges":[{"from":1,"to":2},{"from":2,"to":3,"port":0}]})";
  LoadReport report;
  auto d = loadJson(text, &report);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(report.source_version, 7);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_TRUE(contains(report.notes[0], "newer NetForge (document version 7)"));
  const Node& h = d->nodes()[1];
  EXPECT_EQ(h.type, "HyperLinear");
  EXPECT_EQ(h.extra_params.at("mode"), R"({"a":[1,2]})");
  EXPECT_EQ(d->nodes()[2].extra_params.at("sparsity"), "0.5");
  const Analysis a = analyze(*d, Framework::PyTorch);
  EXPECT_EQ(issuesOf(a, NodeId{2}), "unknown layer type 'HyperLinear' (made with a newer NetForge?)\n");
  EXPECT_TRUE(a.find(NodeId{3})->blocked);
  // Nothing is lost when it is saved again.
  auto again = nlohmann::json::parse(saveJson(*d));
  EXPECT_EQ(again["nodes"][1]["params"]["mode"], nlohmann::json::parse(R"({"a":[1,2]})"));
  EXPECT_EQ(again["nodes"][2]["params"]["sparsity"], 0.5);
  EXPECT_EQ(*loadCompact(saveCompact(*d)), *d);
}

TEST(BuilderDocument, RepairsAreReportedAndBrokenInputGivesAnErrorNotACrash) {
  LoadReport report;
  auto d = loadJson(R"({"format":"netforge-builder","version":1,
    "nodes":[{"id":4,"type":"Dense","params":{"units":3,"use_bias":"yes"}},{"id":9,"type":"ReLU","pos":"left"}],
    "edges":[{"from":4,"to":9},{"from":4,"to":9},{"from":4,"to":77},{"to":9}]})", &report);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->nodes()[0].type, "Linear");
  EXPECT_EQ(d->nodes()[0].name, "linear_1");
  EXPECT_EQ(std::get<int64_t>(d->nodes()[0].params.at("out_features")), 3);
  EXPECT_EQ(d->edges().size(), 1u);
  EXPECT_EQ(d->nextId(), NodeId{10});
  EXPECT_EQ(report.notes.size(), 5u);  // alias, bad pos, duplicate edge, missing node, no from
  // An ill-typed known parameter stays, so the analysis can show it on the node.
  EXPECT_TRUE(contains(issuesOf(analyze(*d, Framework::PyTorch), NodeId{4}), "bias must be a bool, got enum"));

  EXPECT_EQ(loadJson("{").error().message, "not valid JSON (at byte 2)");
  EXPECT_EQ(loadJson("[]").error().message, "a builder document is a JSON object");
  EXPECT_EQ(loadJson(R"({"format":"onnx"})").error().message, "not a NetForge builder document (format is 'onnx')");
  EXPECT_EQ(loadJson(R"({"format":"netforge-builder"})").error().message, "the document has no valid version number");
  EXPECT_EQ(loadJson(R"({"format":"netforge-builder","version":1,"nodes":[{"id":1,"type":"ReLU"},{"id":1,"type":"ReLU"}]})")
                .error().message,
            "node #2 reuses id 1");
  EXPECT_EQ(loadJson(std::string(100000, '[')).error().message, "the document nests deeper than 64 levels");
  EXPECT_EQ(loadCompact(R"({"v":1,"l":[["ReLU"],[3]]})").error().message, "layer #2 has no type");
  EXPECT_FALSE(loadDocument("42").ok());
  // An out-of-range input index is a note, not an error.
  LoadReport r2;
  auto c = loadCompact(R"({"v":1,"l":[["Input",0,0,[]],["ReLU",0,0,[5]]]})", &r2);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->edges().empty());
  EXPECT_EQ(r2.notes, std::vector<std::string>{"layer #2: input 1 names no layer and was dropped"});
}

// Found by fuzz_builder_json: a position delta of 1e76 made saveCompact's whole-unit
// deltas overflow. Positions are kept within +-1e9 by both loaders.
TEST(BuilderDocument, HugePositionsAreClampedSoTheCompactFormStaysExact) {
  auto c = loadCompact(R"({"v":1,"l":[["Input",0,{"shape":[4]},[]],["ReLU",0,0,0,-1e300,8e75],["ReLU",0,0,0,0,80]]})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->nodes()[1].pos.x, -1e9);
  EXPECT_EQ(c->nodes()[1].pos.y, 1e9);
  EXPECT_EQ(c->nodes()[2].pos.y, 1e9);  // still clamped after the next delta
  auto again = loadCompact(saveCompact(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *c);
  auto s = loadJson(R"({"format":"netforge-builder","version":1,"nodes":[{"id":1,"type":"Input","pos":[1e308,-1e308]}],"edges":[]})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->nodes()[0].pos.x, 1e9);
  EXPECT_EQ(s->nodes()[0].pos.y, -1e9);
}

TEST(BuilderDocument, MigrationsRunInOrderAndMissingStepsFail) {
  // The mechanism on a test table: v1 named the dropout rate "rate"; v2 renamed
  // Dense to Linear; v3 is current.
  static const std::vector<Migration> table = {
      {2, "Dense is called Linear",
       [](nlohmann::json& d) {
         for (auto& n : d["nodes"])
           if (n["type"] == "Dense") n["type"] = "Linear";
       }},
      {1, "dropout 'rate' is called 'p'",
       [](nlohmann::json& d) {
         for (auto& n : d["nodes"])
           if (n.contains("params") && n["params"].contains("rate")) {
             n["params"]["p"] = n["params"]["rate"];
             n["params"].erase("rate");
           }
       }},
  };
  auto doc = nlohmann::json::parse(R"({"version":1,"nodes":[{"type":"Dense"},{"type":"Dropout","params":{"rate":0.3}}]})");
  std::vector<std::string> notes;
  ASSERT_TRUE(migrate(doc, 1, 3, table, &notes).ok());
  EXPECT_EQ(doc["version"], 3);
  EXPECT_EQ(doc["nodes"][0]["type"], "Linear");
  EXPECT_EQ(doc["nodes"][1]["params"]["p"], 0.3);
  EXPECT_EQ(notes, (std::vector<std::string>{"migrated from document version 1: dropout 'rate' is called 'p'",
                                             "migrated from document version 2: Dense is called Linear"}));
  auto old = nlohmann::json::parse(R"({"v":0,"l":[]})");
  Status s = migrate(old, 0, 2, table, nullptr);
  EXPECT_EQ(s.message(), "cannot read document version 0: no migration from version 0");
  // The built-in table covers every version below the current one.
  for (int v = 1; v < kDocumentVersion; ++v) {
    EXPECT_NE(std::find_if(migrations().begin(), migrations().end(), [&](const Migration& m) { return m.from == v; }),
              migrations().end());
  }
}

TEST(BuilderDocument, ExampleDocumentsLoadWithoutErrors) {
  for (const char* name : {"cifar10_cnn", "mlp", "residual_add", "unet_like", "lstm_classifier", "transformer_encoder",
                           "attention_block", "layout_conversions", "mixed_image_ops"}) {
    SCOPED_TRACE(name);
    LoadReport report;
    auto d = loadDocumentFile(std::string(NETFORGE_SOURCE_DIR) + "/tests/builder/docs/" + name + ".json", &report);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(report.notes.empty());
    EXPECT_EQ(analyze(*d, Framework::PyTorch).errors, 0);
    EXPECT_EQ(*loadCompact(saveCompact(*d)), *d);
  }
  EXPECT_TRUE(contains(loadDocumentFile("/nonexistent/doc.json").error().message, "cannot open"));
}

}  // namespace
}  // namespace nf::builder

namespace nf::builder {
namespace {

TEST(BuilderDocument, InvalidUtf8InNamesIsReplacedNotFatal) {
  Document d;
  d.name = "cut \xE2\x82";  // a euro sign cut short
  test::add(d, "ReLU", {}, {}, "bad \xFF name");
  const std::string saved = saveJson(d);
  auto back = loadJson(saved);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->nodes()[0].name, "bad \xEF\xBF\xBD name");
  EXPECT_TRUE(loadCompact(saveCompact(d)).ok());
}

}  // namespace
}  // namespace nf::builder

#include <random>

#include "builder/codegen.h"

namespace nf::builder {
namespace {

// Seeded mutations of real documents (flipped, dropped and duplicated bytes, cuts)
// through everything a share link reaches: load, analyze, generate. Any crash, hang
// or sanitizer report fails; every result must be a document or an error.
TEST(BuilderDocument, MutatedDocumentsLoadOrFailCleanly) {
  std::vector<std::string> seeds;
  for (const char* name : {"unet_like", "lstm_classifier", "mixed_image_ops"}) {
    auto d = loadDocumentFile(std::string(NETFORGE_SOURCE_DIR) + "/tests/builder/docs/" + name + ".json");
    ASSERT_TRUE(d.ok());
    seeds.push_back(saveJson(*d));
    seeds.push_back(saveCompact(*d));
  }
  std::mt19937 rng(12345);
  const char alphabet[] = "{}[]\",:0123456789-.eE truefalsnul\\";
  int loaded = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = seeds[iter % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[pos] = alphabet[rng() % (sizeof alphabet - 1)]; break;
        case 1: text.erase(pos, 1 + rng() % 8); break;
        case 2: text.insert(pos, text.substr(rng() % text.size(), 1 + rng() % 16)); break;
        case 3: text.resize(pos); break;
      }
    }
    auto d = loadDocument(text);
    if (!d.ok()) {
      EXPECT_FALSE(d.error().message.empty());
      continue;
    }
    ++loaded;
    for (Framework f : {Framework::PyTorch, Framework::Keras}) {
      const Analysis a = analyze(*d, f);
      auto code = generateCode(*d, {f, true, true});
      EXPECT_EQ(code.ok(), a.errors == 0 && !a.inputs.empty() && !a.outputs.empty() &&
                               std::all_of(a.inputs.begin(), a.inputs.end(),
                                           [&](NodeId id) { return !d->outputEdges(id).empty(); }));
    }
    EXPECT_TRUE(loadCompact(saveCompact(*d)).ok());
  }
  EXPECT_GT(loaded, 150);  // the mutations reach past the parser
}

}  // namespace
}  // namespace nf::builder

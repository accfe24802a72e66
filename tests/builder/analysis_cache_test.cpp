// The analysis cache (analysis.h): after any edit, analyze() through a cache gives what a
// fresh analyze() gives, and it redoes only the layers the edit touched.
#include <cstdint>
#include <utility>

#include "builder/editor.h"
#include "builder/templates.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

void expectSameAnalysis(const Analysis& fresh, const Analysis& cached, const std::string& step) {
  ASSERT_EQ(fresh.nodes.size(), cached.nodes.size()) << step;
  for (size_t i = 0; i < fresh.nodes.size(); ++i) {
    const NodeReport& a = fresh.nodes[i];
    const NodeReport& b = cached.nodes[i];
    EXPECT_EQ(a.id, b.id) << step;
    EXPECT_EQ(a.spec, b.spec) << step;
    EXPECT_EQ(a.output, b.output) << step << " node " << a.id.index;
    EXPECT_EQ(a.params, b.params) << step << " node " << a.id.index;
    EXPECT_EQ(a.issues, b.issues) << step << " node " << a.id.index;
    EXPECT_EQ(a.blocked, b.blocked) << step;
    EXPECT_EQ(a.on_cycle, b.on_cycle) << step;
  }
  ASSERT_EQ(fresh.edges.size(), cached.edges.size()) << step;
  for (size_t e = 0; e < fresh.edges.size(); ++e) {
    EXPECT_EQ(fresh.edges[e].edge, cached.edges[e].edge) << step;
    EXPECT_EQ(fresh.edges[e].tensor, cached.edges[e].tensor) << step;
  }
  EXPECT_EQ(fresh.order, cached.order) << step;
  EXPECT_EQ(fresh.inputs, cached.inputs) << step;
  EXPECT_EQ(fresh.outputs, cached.outputs) << step;
  EXPECT_EQ(fresh.total, cached.total) << step;
  EXPECT_EQ(fresh.errors, cached.errors) << step;
  EXPECT_EQ(fresh.warnings, cached.warnings) << step;
}

// A fixed pseudo-random sequence of every kind of edit on every template, in both
// frameworks: parameters (valid and shape-breaking), added, removed, connected,
// disconnected and retyped layers, duplicate names, undo and redo. One cache compares
// every layer, one is told the changed layers by Editor::changedSince (as the app does),
// sometimes after two edits at once.
TEST(AnalysisCache, EqualsAFreshAnalysisAfterEveryEdit) {
  uint64_t seed = 12345;
  auto next = [&](uint64_t bound) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return bound ? (seed >> 33) % bound : 0;
  };
  for (const Template& t : templates()) {
    Editor ed(t.build());
    AnalysisCache caches[2], told[2];
    uint64_t told_revision[2] = {ed.revision(), ed.revision()};
    for (int step = 0; step < 60; ++step) {
      const auto& nodes = ed.document().nodes();
      const NodeId some = nodes.empty() ? NodeId{} : nodes[next(nodes.size())].id;
      const NodeId other = nodes.empty() ? NodeId{} : nodes[next(nodes.size())].id;
      const Node* n = ed.document().node(some);
      switch (next(9)) {
        case 0:  // an int parameter, sometimes out of what fits
          if (n)
            if (const LayerSpec* spec = catalog().find(n->type))
              for (const ParamSpec& p : spec->params)
                if (kindOf(p.default_value) == ParamKind::Int) {
                  (void)ed.setParam(some, p.name, static_cast<int64_t>(1 + next(40)));
                  break;
                }
          break;
        case 1: (void)ed.appendAfter(some, next(2) ? "ReLU" : "Linear"); break;
        case 2: (void)ed.removeNodes({some}); break;
        case 3: (void)ed.connect(some, other); break;
        case 4:
          if (!ed.document().edges().empty()) (void)ed.disconnect(ed.document().edges()[next(ed.document().edges().size())]);
          break;
        case 5: (void)ed.setType(some, next(2) ? "Identity" : "BatchNorm1d"); break;
        case 6: if (n && ed.document().node(other)) (void)ed.rename(some, ed.document().node(other)->name); break;
        case 7: ed.undo(); break;
        default: ed.redo(); break;
      }
      for (Framework f : {Framework::PyTorch, Framework::Keras}) {
        const std::string where = t.name + " step " + std::to_string(step) + " " + frameworkName(f);
        const Analysis fresh = analyze(ed.document(), f);
        expectSameAnalysis(fresh, analyze(ed.document(), f, &caches[static_cast<int>(f)]), where);
        if (step % 3 == 1) continue;  // this cache sees two edits at once
        auto changed = ed.changedSince(told_revision[static_cast<int>(f)]);
        ASSERT_TRUE(changed) << where;
        told[static_cast<int>(f)].onlyChanged(*changed);
        expectSameAnalysis(fresh, analyze(ed.document(), f, &told[static_cast<int>(f)]), where + " (told)");
        told_revision[static_cast<int>(f)] = ed.revision();
      }
    }
  }
}

// An Input and a chain of 20 Linear layers of 32 features, in an editor.
std::pair<Editor, std::vector<NodeId>> linearChain() {
  Document d;
  NodeId h = input(d, {32});
  std::vector<NodeId> chain;
  for (int k = 0; k < 20; ++k) chain.push_back(h = add(d, "Linear", {{"out_features", I(32)}}, {h}));
  return {Editor(d), chain};
}

// A chain of Linear layers: a parameter edit re-checks that one layer and runs the shape
// rule of the layers whose inputs changed, no others.
TEST(AnalysisCache, AnEditRedoesOnlyTheLayersItTouches) {
  auto [ed, chain] = linearChain();
  AnalysisCache cache;
  (void)analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 21u);
  EXPECT_EQ(cache.size(), 21u);
  (void)analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 0u);
  EXPECT_EQ(cache.propagated(), 0u);
  // The bias keeps every shape: one layer again.
  ASSERT_TRUE(ed.setParam(chain[10], "bias", false));
  Analysis a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 1u);
  EXPECT_EQ(cache.propagated(), 1u);
  EXPECT_EQ(a.total.trainable, 20 * (32 * 32 + 32) - 32);
  // 16 features change the next layer's input; the one after sees 32 again.
  ASSERT_TRUE(ed.setParam(chain[10], "out_features", int64_t{16}));
  a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 1u);
  EXPECT_EQ(cache.propagated(), 2u);
  EXPECT_EQ(*a.find(chain[11])->output, (TensorInfo{{32}, DType::Float32, false}));
  // A deleted layer leaves the cache; its consumer loses its input.
  ASSERT_TRUE(ed.removeNodes({chain[5]}));
  a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.size(), 20u);
  EXPECT_TRUE(a.find(chain[6])->hasError());
  EXPECT_EQ(cache.checked(), 1u);  // chain[6]: its ports changed
}

// Told the changed layers, an edit of one layer in a long chain re-checks that layer only
// and compares no other (a promise that leaves a changed layer out is trusted: the
// skipped layers are not even compared).
TEST(AnalysisCache, ToldTheChangedLayersItComparesNoOthers) {
  auto [ed, chain] = linearChain();
  AnalysisCache cache;
  (void)analyze(ed.document(), Framework::PyTorch, &cache);
  uint64_t seen = ed.revision();
  ASSERT_TRUE(ed.setParam(chain[10], "out_features", int64_t{16}));
  ASSERT_EQ(ed.changedSince(seen), (std::vector<NodeId>{chain[10]}));
  cache.onlyChanged(*ed.changedSince(seen));
  Analysis a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 1u);
  EXPECT_EQ(cache.propagated(), 2u);
  EXPECT_EQ(a.find(chain[10])->output->dims, (IntList{16}));
  seen = ed.revision();
  ASSERT_TRUE(ed.setParam(chain[3], "out_features", int64_t{8}));
  cache.onlyChanged({});  // a false promise: chain[3] is trusted unchanged
  a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 0u);
  EXPECT_EQ(a.find(chain[3])->output->dims, (IntList{32}));
  // The promise is used once: the next analysis compares every layer again.
  a = analyze(ed.document(), Framework::PyTorch, &cache);
  EXPECT_EQ(cache.checked(), 1u);
  EXPECT_EQ(a.find(chain[3])->output->dims, (IntList{8}));
}

// changedSince: the layers each kind of edit touches (an edge touches both ends), over
// several revisions, through undo; unknown before a load.
TEST(Editor, ChangedSinceNamesTheTouchedLayers) {
  Document d;
  NodeId in = input(d, {8});
  NodeId a = add(d, "Linear", {{"out_features", I(8)}}, {in});
  NodeId b = add(d, "ReLU", {}, {a});
  Editor ed(d);
  const uint64_t start = ed.revision();
  EXPECT_EQ(ed.changedSince(start), std::vector<NodeId>{});
  EXPECT_FALSE(ed.changedSince(start + 1));  // the future
  ASSERT_TRUE(ed.rename(b, "act"));
  EXPECT_EQ(ed.changedSince(start), (std::vector<NodeId>{b}));
  const uint64_t renamed = ed.revision();
  auto added = ed.appendAfter(a, "Linear");
  ASSERT_TRUE(added);
  EXPECT_EQ(ed.changedSince(renamed), (std::vector<NodeId>{a, *added}));
  EXPECT_EQ(ed.changedSince(start), (std::vector<NodeId>{a, b, *added}));
  const uint64_t before_delete = ed.revision();
  ASSERT_TRUE(ed.removeNodes({a}));  // its edges: in -> a, a -> b, a -> added
  EXPECT_EQ(ed.changedSince(before_delete), (std::vector<NodeId>{in, a, b, *added}));
  const uint64_t deleted = ed.revision();
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.changedSince(deleted), (std::vector<NodeId>{in, a, b, *added}));
  ASSERT_TRUE(ed.moveNodes({in}, {5, 0}));
  ASSERT_TRUE(ed.moveNodes({in}, {5, 0}, true));  // merged into the same step
  EXPECT_EQ(ed.changedSince(deleted + 1), (std::vector<NodeId>{in}));
  ed.load(d);
  EXPECT_FALSE(ed.changedSince(start));
  EXPECT_EQ(ed.changedSince(ed.revision()), std::vector<NodeId>{});
}

}  // namespace
}  // namespace nf::builder

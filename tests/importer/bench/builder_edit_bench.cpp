// builder_edit_bench - what one edit costs in the builder on an imported model (issue 15:
// the builder stays usable on an 11k-layer transformer).
//
// Opens MODEL.onnx, imports it as a builder document (Edit in builder), then times the
// work an edit triggers, each the median of a few runs: the analysis, the PyTorch code
// and the saved JSON from scratch (what every edit cost before the caches), and the same
// through the caches the app keeps (builder::AnalysisCache, CodegenCache), for three edits:
// a parameter of a middle Linear layer, a layer added after it, the layer deleted (its
// consumer is then unconnected, so that edit's code is the refusal that says so).
// Not a test: timings belong here, not in assertions.
//
// The edit rows split what the app spreads over frames: the edit's frame (analysis told
// the changed layers by Editor::changedSince, box text, folded view, edge labels), the
// code, the saved JSON.
//
// usage: builder_edit_bench MODEL.onnx [runs=5]
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "builder/analysis.h"
#include "builder/codegen.h"
#include "builder/editor.h"
#include "builder/folds.h"
#include "builder/serialize.h"
#include "importer/builder_import.h"
#include "importer/onnx_op_torch.h"
#include "onnx/reader.h"
#include "support/bench_support.h"
#include "views/builder_picture.h"

using namespace nf;
using namespace nf::builder;

namespace {
std::string codeOf(const Result<std::string>& r) { return r.ok() ? r.value() : r.error().message; }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: builder_edit_bench MODEL.onnx [runs]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  auto model = onnx::readModelFile(argv[1]);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  auto t0 = bench::Clock::now();
  auto imported = importer::onnxToBuilder(*model);
  const double import_ms = bench::msSince(t0);
  if (!imported) {
    std::fprintf(stderr, "%s\n", imported.error().message.c_str());
    return 1;
  }
  Editor ed(std::move(imported->doc));
  const Document& doc = ed.document();
  NodeId linear;
  for (size_t i = doc.nodes().size() / 2; i < doc.nodes().size() && !linear.valid(); ++i)
    if (doc.nodes()[i].type == "Linear") linear = doc.nodes()[i].id;
  if (!linear.valid()) linear = doc.nodes()[doc.nodes().size() / 2].id;
  std::printf("%s: %zu layers, %zu edges, %zu folds, import %.0f ms; edits on %s\n", argv[1], doc.nodes().size(),
              doc.edges().size(), imported->folds.size(), import_ms, doc.node(linear)->name.c_str());

  CodegenOptions options;
  options.onnx_ops = importer::onnxOpTorch;
  CodegenCache cache;
  CodegenOptions cached = options;
  cached.cache = &cache;
  std::string code, json;
  auto row = [](const char* what, double ms) { std::printf("  %-52s %9.1f ms\n", what, ms); };
  auto median = [&](auto&& fn) { return bench::timeMs(runs, fn).median; };
  row("analyze (from scratch)", median([&] { (void)analyze(doc, Framework::PyTorch); }));
  row("PyTorch code (from scratch)", median([&] { code = codeOf(generateCode(doc, options)); }));
  row("saveJson", median([&] { json = saveJson(doc); }));
  code = codeOf(generateCode(doc, cached));  // fills the caches
  row("analyze (cached, nothing changed)", median([&] { (void)analyze(doc, Framework::PyTorch, &cache.analysis); }));
  row("analyze (cached, told nothing changed)", median([&] {
        cache.analysis.onlyChanged({});
        (void)analyze(doc, Framework::PyTorch, &cache.analysis);
      }));
  row("PyTorch code (cached, nothing changed)", median([&] { code = codeOf(generateCode(doc, cached)); }));

  // One edit and what follows it, before (everything again) and through the caches,
  // split the way the app spreads it over frames (view_builder.cpp, refresh/settle):
  // the edit's frame (analysis, box text, folded view and edge labels), the code on the
  // next frame, the saved JSON on the one after.
  const std::vector<Fold> folds = imported->folds;
  const std::vector<bool> folded(folds.size(), true);
  // The cached frame tells the cache what changed since its last analysis, as the app does.
  uint64_t analysed = ed.revision();
  auto editFrame = [&](AnalysisCache* analysis_cache) {
    const Document& d = ed.document();
    if (analysis_cache) {
      if (auto changed = ed.changedSince(analysed)) analysis_cache->onlyChanged(std::move(*changed));
      analysed = ed.revision();
    }
    Analysis a = analyze(d, Framework::PyTorch, analysis_cache);
    size_t text = 0;
    for (size_t i = 0; i < d.nodes().size(); ++i)
      text += views::builderBoxSubtitle(d.nodes()[i], &a.nodes[i], true, Framework::PyTorch).size();
    FoldedView view = foldView(d, folds, folded);
    for (const FoldedView::Edge& e : view.edges)
      if (e.edge < a.edges.size() && a.edges[e.edge].tensor) text += formatShape(*a.edges[e.edge].tensor, Framework::PyTorch).size();
    return text;
  };
  SaveJsonCache json_cache;
  (void)saveJson(doc, &json_cache);
  uint64_t json_saved = ed.revision();
  bool flip = false;
  auto setBias = [&] {
    flip = !flip;
    (void)ed.setParam(linear, "bias", !flip);
  };
  auto addLayer = [&] {
    if (!ed.appendAfter(linear, "ReLU")) std::abort();
  };
  auto deleteLayer = [&] { (void)ed.removeNodes({linear}); };
  struct Edit {
    const char* name;
    std::function<void()> apply;
  };
  std::printf("  %-30s %28s | %28s\n", "edit", "from scratch: frame code JSON", "cached: frame code JSON");
  for (const Edit& edit : {Edit{"a parameter (Linear bias)", setBias}, Edit{"a layer added after it", addLayer},
                           Edit{"the layer deleted", deleteLayer}}) {
    std::vector<double> t[6];
    for (int r = 0; r < runs; ++r) {
      edit.apply();
      auto t0 = bench::Clock::now();
      (void)editFrame(nullptr);
      t[0].push_back(bench::msSince(t0));
      t0 = bench::Clock::now();
      code = codeOf(generateCode(ed.document(), options));
      t[1].push_back(bench::msSince(t0));
      t0 = bench::Clock::now();
      json = saveJson(ed.document());
      t[2].push_back(bench::msSince(t0));
      ed.undo();
      (void)editFrame(&cache.analysis);  // the caches see the undo too, as in the app
      cache.analysis.onlyChanged({});
      (void)generateCode(ed.document(), cached);
      edit.apply();
      t0 = bench::Clock::now();
      (void)editFrame(&cache.analysis);
      t[3].push_back(bench::msSince(t0));
      t0 = bench::Clock::now();
      cache.analysis.onlyChanged({});  // the frame before analysed this revision
      code = codeOf(generateCode(ed.document(), cached));
      t[4].push_back(bench::msSince(t0));
      t0 = bench::Clock::now();
      if (auto changed = ed.changedSince(json_saved)) json_cache.onlyChanged(std::move(*changed));
      json_saved = ed.revision();
      json = saveJson(ed.document(), &json_cache);
      t[5].push_back(bench::msSince(t0));
      ed.undo();
      (void)editFrame(&cache.analysis);
      cache.analysis.onlyChanged({});
      (void)generateCode(ed.document(), cached);
    }
    std::printf("  %-30s %8.1f %8.1f %8.1f ms | %8.1f %8.1f %8.1f ms\n", edit.name, bench::median(t[0]),
                bench::median(t[1]), bench::median(t[2]), bench::median(t[3]), bench::median(t[4]),
                bench::median(t[5]));
    edit.apply();
    auto edited = generateCode(ed.document(), options);
    std::printf("  %-30s its code: %s\n", "", edited ? (std::to_string(edited->size()) + " bytes").c_str()
                                                   : ("an error: " + edited.error().message).c_str());
    ed.undo();
  }

  return 0;
}

// builder_edit_bench - what one edit costs in the builder on an imported model (issue 15:
// the builder stays usable on an 11k-layer transformer).
//
// Opens MODEL.onnx, imports it as a builder document (Edit in builder), then times the
// work an edit triggers, each the median of a few runs: the analysis, the PyTorch code
// and the saved JSON from scratch (what every edit cost before the caches), and the same
// through the caches the app keeps (builder::AnalysisCache, CodegenCache), for three edits:
// a parameter of a middle Linear layer, a layer added after it, the layer deleted.
// Not a test: timings belong here, not in assertions.
//
// usage: builder_edit_bench MODEL.onnx [runs=5]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "builder/analysis.h"
#include "builder/codegen.h"
#include "builder/editor.h"
#include "builder/serialize.h"
#include "importer/builder_import.h"
#include "importer/onnx_op_torch.h"
#include "onnx/reader.h"
#include "support/bench_support.h"

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
  row("PyTorch code (cached, nothing changed)", median([&] { code = codeOf(generateCode(doc, cached)); }));

  // One edit and what follows it, before (everything again) and through the caches.
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
  for (const Edit& edit : {Edit{"a parameter (Linear bias)", setBias}, Edit{"a layer added after it", addLayer},
                           Edit{"the layer deleted", deleteLayer}}) {
    const double before = median([&] {
      edit.apply();
      (void)analyze(ed.document(), Framework::PyTorch);
      code = codeOf(generateCode(ed.document(), options));
      ed.undo();
    });
    const double after = median([&] {
      edit.apply();
      (void)analyze(ed.document(), Framework::PyTorch, &cache.analysis);
      code = codeOf(generateCode(ed.document(), cached));
      ed.undo();
    });
    std::printf("  edit: %-30s analysis + code: from scratch %7.1f ms, cached %7.1f ms\n", edit.name, before, after);
  }
  std::printf("  sizes: saved JSON %zu bytes, PyTorch code %zu bytes\n", json.size(), code.size());
  return 0;
}

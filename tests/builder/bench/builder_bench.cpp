// builder_bench - how long the builder's per-edit work takes on a big canvas.
//
// The editor re-runs analyze() after each edit and regenerates the visible code, so
// at 60 fps with 500 nodes these must stay far below the 16.7 ms frame. Builds a
// 500-node residual CNN through the Editor and times (median of many runs) the
// operations an edit triggers. Not a test: timings belong here, not in assertions.
//
// usage: builder_bench [nodes=500]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "builder/analysis.h"
#include "builder/codegen.h"
#include "builder/editor.h"
#include "builder/serialize.h"
#include "support/bench_support.h"

using namespace nf::builder;

namespace {

double medianMs(int runs, const std::function<void()>& fn) { return nf::bench::timeMs(runs, fn).median; }

Editor buildModel(int target) {
  Editor ed;
  NodeId x = *ed.addNode("Input", {0, 0});
  (void)ed.setParam(x, "shape", IntList{16, 16, 16});
  NodeId h = x;
  while (static_cast<int>(ed.document().nodes().size()) + 7 <= target) {
    NodeId a = *ed.appendAfter(h, "Conv2d");
    (void)ed.setParam(a, "out_channels", int64_t{16});
    (void)ed.setParam(a, "padding", std::string("same"));
    a = *ed.appendAfter(a, "BatchNorm2d");
    a = *ed.appendAfter(a, "ReLU");
    a = *ed.appendAfter(a, "Conv2d");
    (void)ed.setParam(a, "out_channels", int64_t{16});
    (void)ed.setParam(a, "padding", std::string("same"));
    a = *ed.appendAfter(a, "BatchNorm2d");
    NodeId sum = *ed.appendAfter(a, "Add");
    (void)ed.connect(h, sum);
    h = *ed.appendAfter(sum, "ReLU");
  }
  while (static_cast<int>(ed.document().nodes().size()) < target) h = *ed.appendAfter(h, "Identity");
  return ed;
}

}  // namespace

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::max(2, std::atoi(argv[1])) : 500;
  Editor ed = buildModel(nodes);
  const Document& doc = ed.document();
  const NodeId middle = doc.nodes()[doc.nodes().size() / 2].id;
  Analysis a = analyze(doc, Framework::PyTorch);
  std::printf("model: %zu nodes, %zu edges, %d errors, %lld parameters\n", doc.nodes().size(), doc.edges().size(),
              a.errors, static_cast<long long>(a.total.trainable));
  std::string code, saved, compact;
  std::printf("%-44s %10s\n", "operation", "median ms");
  auto row = [](const char* what, double ms) { std::printf("%-44s %10.3f\n", what, ms); };
  row("analyze (PyTorch)", medianMs(50, [&] { a = analyze(doc, Framework::PyTorch); }));
  row("analyze (Keras)", medianMs(50, [&] { a = analyze(doc, Framework::Keras); }));
  int64_t flip = 16;
  row("setParam + analyze", medianMs(50, [&] {
        flip = flip == 16 ? 17 : 16;
        (void)ed.setParam(middle, "out_channels", flip);
        a = analyze(ed.document(), Framework::PyTorch);
      }));
  row("drag step (moveNodes, merged) + analyze", medianMs(50, [&] {
        (void)ed.moveNodes({middle}, {1, 0}, true);
        a = analyze(ed.document(), Framework::PyTorch);
      }));
  row("undo + redo", medianMs(50, [&] {
        ed.undo();
        ed.redo();
      }));
  row("generate PyTorch code", medianMs(20, [&] { code = *generateCode(doc, {Framework::PyTorch, true, true}); }));
  row("generate Keras code", medianMs(20, [&] { code = *generateCode(doc, {Framework::Keras, true, true}); }));
  row("saveJson", medianMs(20, [&] { saved = saveJson(doc); }));
  row("loadJson", medianMs(20, [&] { (void)loadJson(saved); }));
  row("saveCompact", medianMs(20, [&] { compact = saveCompact(doc); }));
  row("loadCompact", medianMs(20, [&] { (void)loadCompact(compact); }));
  Editor copy(doc);
  row("autoArrange", medianMs(10, [&] {
        (void)copy.autoArrange();
        copy.undo();
      }));
  std::printf("sizes: saved JSON %zu bytes, compact %zu bytes, PyTorch code %zu bytes\n", saved.size(), compact.size(),
              generateCode(doc, {Framework::PyTorch, false, false})->size());
  return 0;
}

// grouped_bench [--reps N] [--models DIR] [--no-big] [FILE.onnx ...]
//
// Times the grouped scene (scene/grouped_scene.h), what the app pays on open and on
// every expand/collapse, per graph (milliseconds):
//   setup      GroupedLayout's constructor (the whole graph's display graph, once)
//   first      build() for firstSight(), cold cache, then the same again warm
//   expand     build() after opening one closed group (each of the biggest few shown
//              at first sight, one at a time: each a cold level for that group)
//   collapse   build() after closing it again (its ancestors' levels are cached)
//   unfold     build() after unfolding a folded series (if first sight folded one;
//              the expand/collapse below then start from the unfolded view)
//   expanded   build() with every group open, cold (the whole flat graph in frames)
// with the split of the last build (visible graph / boxes / level layouts /
// geometry) and how many level layouts it ran and reused. Shapes are inferred first,
// as the app does, so edge labels carry shapes.
// Models: synthetic ~20k-node transformer stacks (named, and names stripped), the
// exported models of DIR (default $NETFORGE_BIG_MODELS or ~/.cache/netforge/models:
// transformer_enc48, vit_b_16, swin_t, densenet201), the 96+96-layer transformer of
// ~/.cache/netforge/models-big unless --no-big, and any files given.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "scene/grouped_scene.h"
#include "scene/model_scene.h"
#include "shapes/inference.h"
#include "support/bench_support.h"
#include "support/synthetic_models.h"

namespace {

using namespace nf;
using bench::Clock;
using bench::median;
using bench::msSince;

struct Run {
  double ms = 0;
  scene::GroupedLayout::Stats stats;
  size_t items = 0, frames = 0;
};

Run timedBuild(scene::GroupedLayout& gl, const hierarchy::Expansion& e) {
  Run r;
  auto t0 = Clock::now();
  auto s = gl.build(e);
  r.ms = msSince(t0);
  r.stats = gl.lastStats();
  if (s) {
    r.items = s->visible.items.size();
    r.frames = s->frames.size();
  } else {
    std::printf("  build failed: %s\n", s.error().message.c_str());
  }
  return r;
}

void line(const char* what, uint32_t nodes, const Run& r) {
  std::printf("grouped %-22s %6u nodes, %8.2f ms (laid out %u levels, reused %u; visible %.1f, boxes %.1f, layout %.1f, "
              "geometry %.1f; %zu items, %zu frames)\n",
              what, nodes, r.ms, r.stats.levels_laid_out, r.stats.levels_reused, r.stats.visible_ms,
              r.stats.nodes_ms, r.stats.layout_ms, r.stats.geometry_ms, r.items, r.frames);
}

void benchOne(const std::string& name, const ir::Model& m, int reps) {
  std::printf("%s\n", name.c_str());
  auto hr = hierarchy::buildHierarchy(m);
  if (!hr) {
    std::printf("  hierarchy failed: %s\n", hr.error().message.c_str());
    return;
  }
  const hierarchy::Hierarchy& h = *hr;
  const uint32_t nodes = h.topology.node_count;
  const shapes::InferenceResult inferred = shapes::inferShapes(m);
  scene::GroupedOptions o;
  o.build.value_type = scene::inferredTypes(inferred);

  auto t0 = Clock::now();
  scene::GroupedLayout gl(m, h, o);
  std::printf("grouped %-22s %6u nodes, %8.2f ms\n", "setup", nodes, msSince(t0));
  const hierarchy::Expansion first = hierarchy::firstSight(h);
  line("first sight (cold)", nodes, timedBuild(gl, first));
  line("first sight (warm)", nodes, timedBuild(gl, first));

  // Unfolding the first folded series, if first sight folded one.
  auto vg = hierarchy::visibleGraph(h, first);
  hierarchy::Expansion base = first;
  for (const auto& it : vg.items)
    if (it.kind == hierarchy::ItemKind::SeriesRest) {
      hierarchy::setFolded(&base, hierarchy::GroupId{it.index}, false);
      line("unfold a series", nodes, timedBuild(gl, base));
      line("fold it again", nodes, timedBuild(gl, first));
      line("unfold it again", nodes, timedBuild(gl, base));
      break;
    }
  // The biggest closed groups shown (at first sight, else once unfolded), each opened
  // then closed again.
  vg = hierarchy::visibleGraph(h, base);
  std::vector<hierarchy::GroupId> closed;
  for (const auto& it : vg.items)
    if (it.kind == hierarchy::ItemKind::Group) closed.push_back(hierarchy::GroupId{it.index});
  std::stable_sort(closed.begin(), closed.end(), [&](auto a, auto b) { return h.group(a).node_count > h.group(b).node_count; });
  if (closed.size() > static_cast<size_t>(reps)) closed.resize(static_cast<size_t>(reps));
  std::vector<double> ex, co;
  Run last_ex, last_co;
  for (hierarchy::GroupId g : closed) {
    hierarchy::Expansion e = base;
    hierarchy::setOpen(&e, g, true);
    last_ex = timedBuild(gl, e);
    ex.push_back(last_ex.ms);
    last_co = timedBuild(gl, base);
    co.push_back(last_co.ms);
  }
  if (!closed.empty()) {
    last_ex.ms = median(ex);
    last_co.ms = median(co);
    line("expand one group", nodes, last_ex);
    line("collapse it again", nodes, last_co);
  }
  scene::GroupedLayout cold(m, h, o);
  line("expand all (cold)", nodes, timedBuild(cold, hierarchy::expandAll(h)));
  line("expand all (warm)", nodes, timedBuild(cold, hierarchy::expandAll(h)));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  bool big = true;
  std::string dir = nf::test::bigModelsDir();
  std::vector<std::string> files;
  for (nf::bench::Args a(argc, argv); a.more();) {
    if (a.option("--reps", &reps, 1) || a.option("--models", &dir)) continue;
    if (a.flag("--no-big")) big = false;
    else files.push_back(a.next());
  }
  std::printf("grouped_bench: milliseconds (expand/collapse: median over up to %d groups)\n", reps);
  for (bool names : {true, false}) {
    nf::ir::Model m = nf::test::makeTransformerStack(nf::test::bigStack(names));
    benchOne(std::string("synthetic stack ") + (names ? "named" : "stripped"), m, reps);
  }
  if (files.empty()) {
    for (const char* n : {"transformer_enc48", "vit_b_16", "swin_t", "densenet201"}) {
      const std::string f = dir + "/" + n + ".onnx";
      if (std::filesystem::exists(f)) files.push_back(f);
    }
    const std::string huge = std::filesystem::path(dir).parent_path().string() + "/models-big/transformer_enc96_dec96.onnx";
    if (big && std::filesystem::exists(huge)) files.push_back(huge);
  }
  for (const std::string& f : files) {
    auto m = nf::onnx::readModelFile(f);
    if (!m) {
      std::printf("%s: %s\n", f.c_str(), m.error().message.c_str());
      continue;
    }
    benchOne(std::filesystem::path(f).stem().string(), m.value(), reps);
  }
  return 0;
}

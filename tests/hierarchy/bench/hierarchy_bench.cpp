// hierarchy_bench [--reps N] [--models DIR] [FILE.onnx ...]
//
// Times, per graph (median and fastest of N runs, milliseconds):
//   build      buildHierarchy: topology, declutter, scopes, series, block search, classes
//   sliced     HierarchyJob stepped one unit of work a call: the longest call (and the
//              longest in the block search), and calls
//   no-blocks  the same without the repeated-block search (its cost is the difference)
//   first      firstSight: which groups to open
//   visible    visibleGraph for the first-sight expansion
//   expand     open the biggest closed group shown at first sight (or unfold the biggest
//              folded series), recompute the visible graph
//   collapse   close (fold) it again, recompute
//   flat       visibleGraph with every group open (the full flat graph)
// on: synthetic ~20k-node transformer stacks (named, and names stripped), a 100k one
// stripped, the biggest
// model of DIR (manifest.json "nodes", default $NETFORGE_BIG_MODELS or
// ~/.cache/netforge/models) named and stripped, and any files given.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/timing.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "support/bench_support.h"
#include "support/synthetic_models.h"

namespace {

using namespace nf;
using bench::Timing;
using bench::timeMs;

std::string fmt(const Timing& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%7.2f (%.2f)", t.median, t.min);
  return buf;
}

void benchOne(const std::string& name, const ir::Model& m, int reps) {
  hierarchy::BuildOptions opt;
  hierarchy::BuildOptions no_blocks;
  no_blocks.detect_blocks = false;
  hierarchy::Hierarchy h;
  Timing build = timeMs(reps, [&] { h = std::move(hierarchy::buildHierarchy(m, ir::GraphId{0}, opt).value()); });
  Timing build_nb = timeMs(reps, [&] { (void)hierarchy::buildHierarchy(m, ir::GraphId{0}, no_blocks); });
  hierarchy::Expansion first;
  Timing t_first = timeMs(reps, [&] { first = hierarchy::firstSight(h); });
  hierarchy::VisibleGraph vg;
  Timing t_vis = timeMs(reps, [&] { vg = hierarchy::visibleGraph(h, first); });
  // The biggest thing to open on screen: a closed group, or the rest of a folded series.
  hierarchy::GroupId target;
  bool unfold = false;
  for (const auto& it : vg.items) {
    bool group = it.kind == hierarchy::ItemKind::Group, rest = it.kind == hierarchy::ItemKind::SeriesRest;
    if ((group || rest) && (!target.valid() || h.groups[it.index].node_count > h.group(target).node_count)) {
      target = hierarchy::GroupId{it.index};
      unfold = rest;
    }
  }
  Timing t_expand, t_collapse;
  size_t expanded_items = 0;
  if (target.valid()) {
    hierarchy::Expansion e = first;
    auto toggle = [&](bool open) {
      if (unfold) hierarchy::setFolded(&e, target, !open);
      else hierarchy::setOpen(&e, target, open);
    };
    t_expand = timeMs(reps, [&] {
      toggle(true);
      expanded_items = hierarchy::visibleGraph(h, e).items.size();
    });
    t_collapse = timeMs(reps, [&] {
      toggle(false);
      (void)hierarchy::visibleGraph(h, e);
    });
  }
  hierarchy::Expansion all = hierarchy::expandAll(h);
  size_t flat_items = 0;
  Timing t_flat = timeMs(reps, [&] { flat_items = hierarchy::visibleGraph(h, all).items.size(); });
  // The sliced build as the page runs it, one unit of work a call: its longest unit
  // bounds what the hierarchy adds to the page's longest task.
  double longest_unit = 0, longest_search_unit = 0;  // of all passes / of the block search (pass 4)
  size_t units = 0;
  {
    hierarchy::HierarchyJob job(m);
    for (bool done = false; !done; ++units) {
      const bool search = job.passesDone() == 3;
      const auto t0 = SteadyClock::now();
      done = job.step(1e-6);
      longest_unit = std::max(longest_unit, msSince(t0));
      if (search) longest_search_unit = std::max(longest_search_unit, msSince(t0));
    }
  }
  size_t blocks = 0;
  for (const auto& g : h.groups) blocks += g.kind == hierarchy::GroupKind::Block;
  std::printf("%s: %u nodes, %zu groups, %zu blocks, %zu repeat classes\n", name.c_str(), h.topology.node_count,
              h.groups.size(), blocks, h.repeats.size());
  std::printf("  build %s   no-blocks %s   first-sight %s   sliced: longest unit %.2f (block search %.2f) of %zu\n",
              fmt(build).c_str(), fmt(build_nb).c_str(), fmt(t_first).c_str(), longest_unit, longest_search_unit,
              units);
  std::printf("  visible %s [%zu items]   %s %s [%zu items]   %s %s   flat %s [%zu items]\n", fmt(t_vis).c_str(),
              vg.items.size(), unfold ? "unfold" : "expand", fmt(t_expand).c_str(), expanded_items,
              unfold ? "fold" : "collapse", fmt(t_collapse).c_str(), fmt(t_flat).c_str(), flat_items);
  std::fflush(stdout);
}

// The model of `dir` with the most nodes per its manifest.json ("name": {"nodes": N}).
std::string biggestModel(const std::string& dir) {
  std::ifstream f(dir + "/manifest.json");
  if (!f) return {};
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string best;
  long best_nodes = -1;
  // Minimal scan: "<name>": { "nodes": <n>  (the manifest the exporter writes).
  for (size_t pos = text.find("\"nodes\""); pos != std::string::npos; pos = text.find("\"nodes\"", pos + 1)) {
    size_t brace = text.rfind('{', pos);
    size_t q2 = text.rfind('"', brace);
    size_t q1 = q2 == std::string::npos ? std::string::npos : text.rfind('"', q2 - 1);
    if (q1 == std::string::npos) continue;
    std::string name = text.substr(q1 + 1, q2 - q1 - 1);
    long nodes = std::strtol(text.c_str() + text.find(':', pos) + 1, nullptr, 10);
    if (nodes > best_nodes && std::filesystem::exists(dir + "/" + name + ".onnx")) {
      best_nodes = nodes;
      best = dir + "/" + name + ".onnx";
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  std::string dir = nf::test::bigModelsDir();
  std::vector<std::string> files;
  for (nf::bench::Args a(argc, argv); a.more();)
    if (!a.option("--reps", &reps, 1) && !a.option("--models", &dir)) files.push_back(a.next());
  std::printf("hierarchy_bench: milliseconds, median (fastest) of %d runs\n", reps);
  for (bool names : {true, false}) {
    nf::ir::Model m = nf::test::makeTransformerStack(nf::test::bigStack(names));
    benchOne(std::string("synthetic stack ") + (names ? "named" : "stripped"), m, reps);
  }
  {
    nf::test::StackOptions o;  // the 100k-node graph of issue 16 item 5
    o.layers = 100000 / nf::test::stackLayerNodes(true) + 1;
    o.names = false;
    benchOne("synthetic stack stripped 100k", nf::test::makeTransformerStack(o), reps);
  }
  if (std::string big = biggestModel(dir); !big.empty()) files.insert(files.begin(), big);
  else std::printf("(no exported models in %s)\n", dir.c_str());
  for (const std::string& f : files) {
    auto m = nf::onnx::readModelFile(f);
    if (!m) {
      std::printf("%s: %s\n", f.c_str(), m.error().message.c_str());
      continue;
    }
    std::string base = std::filesystem::path(f).stem().string();
    benchOne(base + " named", m.value(), reps);
    nf::test::stripNodeNames(&m.value());
    benchOne(base + " stripped", m.value(), reps);
  }
  return 0;
}

// netforge diff A B [--json] [--only changed] [--time] [--slice-ms MS] [--merged-svg OUT.svg]:
// what changed between two models; --merged-svg also draws both as one graph
// (diff/merged.h), boxes coloured same/changed/removed/added with a legend.
// Exit status like diff(1): 0 equal, 1 different, 2 trouble (a file that cannot be read).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/load_model.h"
#include "base/strings.h"
#include "diff/differences.h"
#include "diff/merged.h"
#include "scene/exports.h"
#include "scene/overlay.h"
#include "scene/scene_job.h"

namespace nf::cli {

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

nlohmann::json changesJson(const std::vector<diff::Change>& cs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cs) out.push_back({{"what", c.what}, {"a", c.a}, {"b", c.b}});
  return out;
}

nlohmann::json numberOrNull(double d) { return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(nullptr); }

nlohmann::json reportJson(const ir::Model& a, const ir::Model& b, const diff::Report& r, bool only_changed) {
  const ir::Graph& ga = a.main();
  const ir::Graph& gb = b.main();
  nlohmann::json j;
  j["equal"] = r.equal();
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& d : r.nodes) {
    if (only_changed && d.same()) continue;
    pairs.push_back({{"a", diff::nodeLabel(ga, d.pair.a.index)},
                     {"b", diff::nodeLabel(gb, d.pair.b.index)},
                     {"op_a", ga.node(d.pair.a).op_type},
                     {"op_b", gb.node(d.pair.b).op_type},
                     {"status", d.same() ? "same" : "changed"},
                     {"stage", diff::stageName(d.pair.stage)},
                     {"confidence", d.pair.confidence},
                     {"changes", changesJson(d.changes)}});
  }
  nlohmann::json removed = nlohmann::json::array(), added = nlohmann::json::array();
  for (uint32_t k : r.removed) removed.push_back(diff::nodeLabel(ga, k));
  for (uint32_t k : r.added) added.push_back(diff::nodeLabel(gb, k));
  j["nodes"] = {{"pairs", pairs}, {"removed", removed}, {"added", added},
                {"counts", {{"a", ga.nodes.size()}, {"b", gb.nodes.size()}, {"paired", r.nodes.size()},
                            {"changed", r.changedNodes()}, {"removed", r.removed.size()}, {"added", r.added.size()}}}};
  nlohmann::json inits = nlohmann::json::array();
  for (const auto& d : r.initializers) {
    if (only_changed && d.same()) continue;
    nlohmann::json x = {{"a", ga.initializers[d.pair.a].name},
                        {"b", gb.initializers[d.pair.b].name},
                        {"status", d.same() ? "same" : "changed"},
                        {"stage", diff::stageName(d.pair.stage)},
                        {"changes", changesJson(d.changes)}};
    if (d.values.compared) {
      x["values"] = {{"max_abs_diff", numberOrNull(d.values.max_abs_diff)},
                     {"rel_l2_diff", numberOrNull(d.values.rel_l2_diff)},
                     {"cosine", numberOrNull(d.values.cosine)},
                     {"elements", d.values.compared_elements},
                     {"sampled", d.values.sampled}};
    } else if (!d.values.error.empty()) {
      x["values"] = {{"error", d.values.error}};
    }
    inits.push_back(x);
  }
  nlohmann::json ir = nlohmann::json::array(), ia = nlohmann::json::array();
  for (int32_t k : r.initializers_removed) ir.push_back(ga.initializers[k].name);
  for (int32_t k : r.initializers_added) ia.push_back(gb.initializers[k].name);
  j["initializers"] = {{"pairs", inits}, {"removed", ir}, {"added", ia}};
  j["graph"] = changesJson(r.graph);
  nlohmann::json rw = nlohmann::json::array();
  for (const auto& x : r.rewrites) {
    nlohmann::json na = nlohmann::json::array(), nb = nlohmann::json::array();
    for (uint32_t k : x.a_nodes) na.push_back(diff::nodeLabel(ga, k));
    for (uint32_t k : x.b_nodes) nb.push_back(diff::nodeLabel(gb, k));
    rw.push_back({{"kind", x.kind}, {"description", x.description}, {"a", na}, {"b", nb}});
  }
  j["rewrites"] = rw;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    groups.push_back({{"scope", g.scope}, {"nodes", {g.nodes_a, g.nodes_b}}, {"params", {g.params_a, g.params_b}},
                      {"macs", {g.macs_a, g.macs_b}}});
  }
  j["groups"] = groups;
  return j;
}

void printText(const ir::Model& a, const ir::Model& b, const diff::Report& r, bool only_changed) {
  const ir::Graph& ga = a.main();
  const ir::Graph& gb = b.main();
  int changed_inits = 0;
  for (const auto& d : r.initializers) changed_inits += !d.same();
  std::printf("nodes: %zu in A, %zu in B; %zu paired (%d changed), %zu removed, %zu added\n", ga.nodes.size(),
              gb.nodes.size(), r.nodes.size(), r.changedNodes(), r.removed.size(), r.added.size());
  std::printf("initializers: %zu paired (%d changed), %zu removed, %zu added\n", r.initializers.size(), changed_inits,
              r.initializers_removed.size(), r.initializers_added.size());
  std::printf("rewrites: %zu; graph changes: %zu\n", r.rewrites.size(), r.graph.size());
  if (r.equal()) {
    std::printf("the models are the same\n");
    return;
  }
  for (const auto& c : r.graph) std::printf("\n~ %s: %s -> %s", c.what.c_str(), c.a.empty() ? "(none)" : c.a.c_str(), c.b.empty() ? "(none)" : c.b.c_str());
  if (!r.graph.empty()) std::printf("\n");
  for (const auto& x : r.rewrites) {
    std::printf("\n= rewritten: %s (%zu node(s) in A, %zu in B)\n", x.description.c_str(), x.a_nodes.size(), x.b_nodes.size());
  }
  for (const auto& d : r.nodes) {
    if (d.same() && only_changed) continue;
    if (d.same()) continue;  // the text report lists differences; --json lists every pair
    std::printf("\n~ %s (%s) <-> %s (%s)  [%s, %.2f]\n", diff::nodeLabel(ga, d.pair.a.index).c_str(),
                ga.node(d.pair.a).op_type.c_str(), diff::nodeLabel(gb, d.pair.b.index).c_str(),
                gb.node(d.pair.b).op_type.c_str(), diff::stageName(d.pair.stage), d.pair.confidence);
    for (const auto& c : d.changes) std::printf("    %s: %s -> %s\n", c.what.c_str(), c.a.c_str(), c.b.c_str());
  }
  for (uint32_t k : r.removed) std::printf("- %s (%s)\n", diff::nodeLabel(ga, k).c_str(), ga.nodes[k].op_type.c_str());
  for (uint32_t k : r.added) std::printf("+ %s (%s)\n", diff::nodeLabel(gb, k).c_str(), gb.nodes[k].op_type.c_str());
  for (const auto& d : r.initializers) {
    if (d.same()) continue;
    std::printf("~ initializer %s <-> %s:", ga.initializers[d.pair.a].name.c_str(), gb.initializers[d.pair.b].name.c_str());
    for (const auto& c : d.changes) {
      if (c.what == "values") continue;
      std::printf(" %s %s -> %s;", c.what.c_str(), c.a.c_str(), c.b.c_str());
    }
    if (d.values.compared) {
      std::printf(" max |diff| %.4g, relative %.4g, cosine %.6f%s", d.values.max_abs_diff, d.values.rel_l2_diff,
                  d.values.cosine, d.values.sampled ? " (first elements only)" : "");
    }
    std::printf("\n");
  }
  for (int32_t k : r.initializers_removed) std::printf("- initializer %s\n", ga.initializers[k].name.c_str());
  for (int32_t k : r.initializers_added) std::printf("+ initializer %s\n", gb.initializers[k].name.c_str());
  if (!r.groups.empty()) {
    std::printf("\n%-32s %15s %23s %27s\n", "group", "nodes A -> B", "params A -> B", "MACs A -> B");
    for (const auto& g : r.groups) {
      std::printf("%-32s %6d -> %-6d %10lld -> %-10lld %12lld -> %-12lld\n", g.scope.empty() ? "(no scope)" : g.scope.c_str(),
                  g.nodes_a, g.nodes_b, static_cast<long long>(g.params_a), static_cast<long long>(g.params_b),
                  static_cast<long long>(g.macs_a), static_cast<long long>(g.macs_b));
    }
  }
}

// A and B as one graph, laid out as `netforge render` lays out a model, coloured by
// what became of each node. False (after saying why) when it cannot be written.
bool writeMergedSvg(const ir::Model& a, const ir::Model& b, const diff::Report& r, const std::string& path) {
  const diff::MergedModel merged = diff::mergeModels(a, b, r);
  scene::SceneRequest request;
  request.spatial_index = false;
  scene::SceneJob job(merged.model, request);
  if (Status s = job.run(); !s) {
    std::fprintf(stderr, "netforge diff: the merged graph: %s\n", s.message().c_str());
    return false;
  }
  std::vector<scene::DiffStatus> status;  // numbered alike (scene/overlay.h)
  for (diff::NodeStatus s : merged.status) status.push_back(static_cast<scene::DiffStatus>(s));
  const scene::Overlay overlay =
      scene::buildOverlay(job.graph(), scene::differenceValues(status, scene::DiffSide::Merged));
  std::ofstream out(path, std::ios::binary);
  scene::SvgOptions so;
  so.overlay = &overlay;
  if (out) scene::writeSvg(out, job.graph(), job.layout(), so);
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
    return false;
  }
  std::fprintf(stderr, "%s: %zu nodes merged (%zu in A, %zu in B), %u rewired input(s)\n", displayName(path).c_str(),
               merged.status.size(), a.main().nodes.size(), b.main().nodes.size(), merged.rewired_inputs);
  return true;
}

}  // namespace

int runDiff(const Args& args) {
  std::string only = args.get("only");
  if (args.has("only") && only != "changed") return usageError("diff", "--only takes 'changed'");
  const double slice_ms = args.has("slice-ms") ? std::atof(args.get("slice-ms").c_str()) : 12.0;
  if (!(slice_ms > 0 && slice_ms <= 60000)) return usageError("diff", "--slice-ms needs a budget in ms above 0 (at most 60000)");
  const std::string merged_svg = args.get("merged-svg");
  if (args.has("merged-svg") && !std::string_view(merged_svg).ends_with(".svg"))
    return usageError("diff", "--merged-svg needs a file name ending in .svg");
  auto t0 = Clock::now();
  ir::Model a, b;
  if (!loadModelOrExplain(args.positional[0], &a)) return kExitUsage;  // 2: trouble, as diff(1)
  if (!loadModelOrExplain(args.positional[1], &b)) return kExitUsage;
  double load_ms = msSince(t0);
  auto t1 = Clock::now();
  diff::Matching matching;
  if (args.has("time")) matching = diff::matchModels(a, b);  // timed alone; compareModels matches again
  double match_ms = msSince(t1);
  auto t2 = Clock::now();
  // The app's sliced job (12 ms slices, as between two frames; --slice-ms changes it):
  // one code path, and --time says how long the longest slice blocked and what each
  // kind of slice took (the units a tiny --slice-ms shows one by one).
  // Making the job blocks too (the page makes it within one frame): it counts as a slice.
  diff::CompareJob job(a, b);
  double longest_slice_ms = msSince(t2);
  std::string longest_label = "preparing";
  int slices = 1;
  // Per label (in first-seen order): slices, their total and the longest, for --time.
  struct LabelTime { std::string label; int slices = 0; double total_ms = 0, longest_ms = 0; };
  std::vector<LabelTime> by_label;
  for (bool done = false; !done; ++slices) {
    const std::string label = job.label();
    auto s0 = Clock::now();
    done = job.step(slice_ms);
    const double ms = msSince(s0);
    if (ms > longest_slice_ms) longest_slice_ms = ms, longest_label = label;
    auto it = std::find_if(by_label.begin(), by_label.end(), [&](const LabelTime& t) { return t.label == label; });
    if (it == by_label.end()) it = by_label.insert(by_label.end(), LabelTime{label});
    it->slices++;
    it->total_ms += ms;
    it->longest_ms = std::max(it->longest_ms, ms);
  }
  diff::Report r = job.take();
  double report_ms = msSince(t2);
  if (args.has("json")) {
    std::printf("%s\n", reportJson(a, b, r, only == "changed").dump(1).c_str());
  } else {
    printText(a, b, r, only == "changed");
  }
  if (args.has("time")) {
    std::fprintf(stderr, "diff time: load %.1f ms, match %.1f ms (%zu pairs), match + differences %.1f ms (%d slices of %g ms, longest %.1f ms: %s); %zu vs %zu nodes\n",
                 load_ms, match_ms, matching.nodes.size(), report_ms, slices, slice_ms, longest_slice_ms, longest_label.c_str(),
                 a.main().nodes.size(),
                 b.main().nodes.size());
    // The app's Merged view builds the merged graph in slices of the same budget.
    diff::MergeJob merge(a, b, r);
    double merge_ms = 0, merge_longest_ms = 0;
    int merge_slices = 0;
    for (bool done = false; !done; ++merge_slices) {
      auto m0 = Clock::now();
      done = merge.step(slice_ms);
      merge_ms += msSince(m0);
      merge_longest_ms = std::max(merge_longest_ms, msSince(m0));
    }
    std::fprintf(stderr, "merged graph (the app's Merged view): %.1f ms in %d slices, longest %.1f ms, %zu nodes\n",
                 merge_ms, merge_slices, merge_longest_ms, merge.take().status.size());
    std::fprintf(stderr, "diff slices by what they did:");
    for (const LabelTime& t : by_label) {
      std::fprintf(stderr, " %s %.1f ms in %d (longest %.1f);", t.label.c_str(), t.total_ms, t.slices, t.longest_ms);
    }
    std::fprintf(stderr, "\n");
  }
  if (!merged_svg.empty() && !writeMergedSvg(a, b, r, merged_svg)) return kExitUsage;  // 2: trouble
  return r.equal() ? kExitOk : 1;
}

}  // namespace nf::cli

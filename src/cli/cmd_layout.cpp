// netforge layout FILE --stats [--json] [--direction TB|LR] [--graph N]
//     [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
// Lays the graph out exactly as the app's graph view does and prints what the
// layout looks like: sizes, dummy nodes, crossings, edge length, bounds, phase times.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "scene/model_scene.h"

namespace nf::cli {

int runLayout(const Args& args) {
  auto request = scene::parseSceneRequest(args.options);
  if (!request) {
    std::fprintf(stderr, "netforge layout: %s\n", request.error().message.c_str());
    return kExitUsage;
  }
  LoadedScene loaded;
  if (!loadSceneOrExplain(args.positional[0], *request, &loaded)) return kExitBadInput;
  const scene::DisplayGraph& g = loaded.job->graph();
  const scene::SceneLayout& s = loaded.job->layout();
  const scene::SceneTimings& t = loaded.job->timings();
  const layout::Stats& st = s.stats;
  uint32_t kinds[4] = {0, 0, 0, 0};
  for (const auto& n : g.nodes) ++kinds[static_cast<int>(n.kind)];
  double phase_total = 0;
  for (double ms : st.phase_ms) phase_total += ms;

  if (args.has("json")) {
    nlohmann::json j;
    j["graph"] = request->graph.index;
    j["direction"] = request->direction == layout::Direction::LeftToRight ? "LR" : "TB";
    j["nodes"] = g.nodeCount();
    j["op_nodes"] = kinds[0];
    j["input_nodes"] = kinds[1];
    j["output_nodes"] = kinds[2];
    j["initializer_nodes"] = kinds[3];
    j["folded_tensors"] = g.folded_tensors;
    j["edges"] = g.edgeCount();
    j["ranks"] = st.rank_count;
    j["dummy_nodes"] = st.dummy_count;
    j["reversed_edges"] = st.reversed_edges;
    j["self_loops"] = st.self_loops;
    j["crossings"] = st.crossings;
    j["edge_length"] = st.edge_length;
    j["width"] = s.bounds.width;
    j["height"] = s.bounds.height;
    j["layering"] = st.network_simplex ? "network-simplex" : "longest-path";
    j["simplex_iterations"] = st.simplex_iterations;
    j["simplex_converged"] = st.simplex_converged;
    j["ordering_sweeps"] = st.ordering_sweeps;
    nlohmann::json ms;
    ms["shapes"] = t.shapes_ms;
    ms["display_graph"] = t.build_ms;
    for (int p = 0; p < layout::kPhaseCount; ++p) ms[layout::phaseName(static_cast<layout::Phase>(p))] = st.phase_ms[p];
    ms["layout_total"] = t.layout_ms + t.geometry_ms;
    j["ms"] = ms;
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("nodes            %s (%u ops, %u inputs, %u outputs, %u initializer boxes; %u folded tensors)\n",
              withThousands(g.nodeCount()).c_str(), kinds[0], kinds[1], kinds[2], kinds[3], g.folded_tensors);
  std::printf("edges            %s\n", withThousands(g.edgeCount()).c_str());
  std::printf("ranks            %u\n", st.rank_count);
  std::printf("dummy nodes      %s\n", withThousands(st.dummy_count).c_str());
  std::printf("reversed edges   %u (+%u self-loops)\n", st.reversed_edges, st.self_loops);
  std::printf("edge crossings   %s\n", withThousands(static_cast<int64_t>(st.crossings)).c_str());
  std::printf("edge length      %.0f px\n", st.edge_length);
  std::printf("bounding box     %.0f x %.0f px (%s)\n", s.bounds.width, s.bounds.height,
              request->direction == layout::Direction::LeftToRight ? "left to right" : "top to bottom");
  std::printf("layering         %s, %u iterations%s, %u ordering sweeps\n",
              st.network_simplex ? "network simplex" : "longest path", st.simplex_iterations,
              st.network_simplex && !st.simplex_converged ? " (capped)" : "", st.ordering_sweeps);
  std::printf("time             shapes %.1f ms, display graph %.1f ms, layout %.1f ms\n", t.shapes_ms, t.build_ms,
              t.layout_ms + t.geometry_ms);
  for (int p = 0; p < layout::kPhaseCount; ++p)
    std::printf("  %-14s %8.1f ms\n", layout::phaseName(static_cast<layout::Phase>(p)), st.phase_ms[p]);
  std::printf("  %-14s %8.1f ms\n", "all phases", phase_total);
  return kExitOk;
}

}  // namespace nf::cli

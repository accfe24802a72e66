// netforge bench FILE [--runs N]: native timings of the core stages on one model,
// median of N runs, as one table row (scripts/bench.sh prints the header).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "base/strings.h"
#include "base/timing.h"
#include "cli/commands.h"
#include "hierarchy/hierarchy.h"
#include "onnx/reader.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::cli {

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
}  // namespace

int runBench(const Args& args) {
  int runs = std::clamp(std::atoi(args.get("runs", "5").c_str()), 1, 100);
  std::vector<double> open_ms, shapes_ms, hier_ms;
  size_t nodes = 0;
  uint64_t bytes = 0;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = onnx::readModelFile(args.positional[0]);
    open_ms.push_back(msSince(t0));
    if (!m) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(), m.error().message.c_str());
      return kExitBadInput;
    }
    nodes = m->nodeCountIncludingSubgraphs();
    bytes = m->sources[0].bytes ? m->sources[0].bytes->size() : 0;
    t0 = std::chrono::steady_clock::now();
    auto inf = shapes::inferShapes(m.value());
    auto met = shapes::computeMetrics(m.value(), inf);
    shapes_ms.push_back(msSince(t0));
    t0 = std::chrono::steady_clock::now();
    auto h = hierarchy::buildHierarchy(m.value());
    hier_ms.push_back(msSince(t0));
  }
  std::string name = args.positional[0].substr(args.positional[0].find_last_of('/') + 1);
  std::printf("  %-30s %8.1f %8zu %10.2f %10.2f %10.2f\n", displayName(name, 30).c_str(), bytes / 1e6, nodes,
              median(open_ms), median(shapes_ms), median(hier_ms));
  return kExitOk;
}

}  // namespace nf::cli
